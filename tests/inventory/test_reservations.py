"""Reservations: never beyond available-to-promise, all or nothing, released, consumed or
expired once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from omnicanal.errors import Conflict
from omnicanal.inventory import (
    InvalidStock,
    LocationStock,
    OutOfStock,
    Reservation,
    ReservationNotActive,
    StockPosition,
    consume,
    expire_reservations,
    release,
    reserve,
)

T0 = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
HOUR = timedelta(hours=1)


def store(on_hand: int = 5, safety: int = 0, **more: int) -> LocationStock:
    positions = {"SKU1": StockPosition("LYON", "SKU1", on_hand, safety_stock=safety)}
    positions |= {sku: StockPosition("LYON", sku, n) for sku, n in more.items()}
    return LocationStock("LYON", positions)


def test_a_reservation_holds_units_and_lowers_atp() -> None:
    stock, (held,) = reserve(
        store(5), [("SKU1", 2)], ids=["r1"], at=T0, ttl=2 * HOUR, reference="ord-1"
    )
    assert (stock.position("SKU1").reserved, stock.position("SKU1").available_to_promise) == (2, 3)
    assert (held.status, held.expires_at, held.reference) == ("active", T0 + 2 * HOUR, "ord-1")


def test_nothing_is_reserved_beyond_atp_safety_stock_included() -> None:
    with pytest.raises(OutOfStock) as error:
        reserve(store(5, safety=2), [("SKU1", 4)], ids=["r1"], at=T0, ttl=HOUR)
    assert error.value.extra == {"sku": "SKU1", "location": "LYON", "requested": 4, "available": 3}
    assert error.value.code == "out_of_stock" and error.value.status == 409
    stock, _ = reserve(store(5, safety=2), [("SKU1", 3)], ids=["r1"], at=T0, ttl=HOUR)
    with pytest.raises(OutOfStock):
        reserve(stock, [("SKU1", 1)], ids=["r2"], at=T0, ttl=HOUR)


def test_a_cart_is_reserved_all_or_nothing_and_lines_of_one_sku_are_checked_together() -> None:
    with pytest.raises(OutOfStock) as error:
        reserve(
            store(5, SKU2=1),
            [("SKU1", 1), ("SKU2", 1), ("SKU2", 1)],
            ids=["a", "b", "c"],
            at=T0,
            ttl=HOUR,
        )
    assert error.value.extra["sku"] == "SKU2"
    stock, held = reserve(
        store(5, SKU2=2),
        [("SKU1", 1), ("SKU2", 1), ("SKU2", 1)],
        ids=["a", "b", "c"],
        at=T0,
        ttl=HOUR,
    )
    assert [r.id for r in held] == ["a", "b", "c"]
    assert stock.position("SKU2").available_to_promise == 0


def test_an_unknown_sku_has_nothing_to_reserve() -> None:
    with pytest.raises(OutOfStock):
        reserve(store(), [("NOPE", 1)], ids=["r"], at=T0, ttl=HOUR)


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"lines": [("SKU1", 0)]}, "lines[0].quantity"),
        ({"lines": [("", 1)]}, "lines[0].sku"),
        ({"ids": ["a", "b"]}, "ids"),
        ({"ttl": None}, "expires_at"),
        ({"expires_at": T0 + HOUR}, "expires_at"),
        ({"at": datetime(2026, 3, 2)}, "at"),
        ({"ttl": -HOUR}, "expires_at"),
    ],
)
def test_a_reservation_request_is_validated(kwargs: dict[str, object], field: str) -> None:
    call: dict[str, object] = {
        "lines": [("SKU1", 1)],
        "ids": ["r1"],
        "at": T0,
        "ttl": HOUR,
    } | kwargs
    lines = call.pop("lines")
    with pytest.raises(InvalidStock) as error:
        reserve(store(), lines, **call)  # type: ignore[arg-type]
    assert error.value.field == field


def test_release_gives_the_units_back_and_a_second_release_changes_nothing() -> None:
    stock, (held,) = reserve(store(5), [("SKU1", 2)], ids=["r1"], at=T0, ttl=HOUR)
    stock, released = release(stock, held, T0 + timedelta(minutes=5))
    assert (stock.position("SKU1").available_to_promise, released.status, released.closed_at) == (
        5,
        "released",
        T0 + timedelta(minutes=5),
    )
    again, same = release(stock, released, T0 + HOUR)
    assert (again, same) == (stock, released)


def test_consume_ends_the_hold_without_touching_on_hand() -> None:
    stock, (held,) = reserve(store(5), [("SKU1", 2)], ids=["r1"], at=T0, ttl=HOUR)
    stock, consumed = consume(stock, held, T0)
    position = stock.position("SKU1")
    assert (position.on_hand, position.reserved, consumed.status) == (5, 0, "consumed")


@pytest.mark.parametrize("first", ["released", "expired", "consumed"])
@pytest.mark.parametrize("then", ["release", "consume", "expire"])
def test_a_closed_reservation_cannot_be_closed_another_way(first: str, then: str) -> None:
    stock, (held,) = reserve(store(5), [("SKU1", 2)], ids=["r1"], at=T0, ttl=HOUR)
    close = {"released": release, "consumed": consume}.get(first)
    if close is None:
        stock, (closed,) = expire_reservations(stock, [held], T0 + HOUR)
    else:
        stock, closed = close(stock, held, T0)
    status = {"release": "released", "consume": "consumed", "expire": "expired"}[then]
    if then == "expire":
        # the sweeper only picks active reservations: a closed one is left alone
        assert expire_reservations(stock, [closed], T0 + 2 * HOUR) == (stock, ())
        return
    action = release if then == "release" else consume
    if status == first and first == "released":
        assert action(stock, closed, T0) == (stock, closed)
        return
    with pytest.raises(ReservationNotActive) as error:
        action(stock, closed, T0)
    assert error.value.extra["status"] == first


def test_the_sweeper_expires_only_what_is_due_by_the_given_instant() -> None:
    stock, held = reserve(
        store(5), [("SKU1", 1), ("SKU1", 2)], ids=["short", "long"], at=T0, expires_at=T0 + HOUR
    )
    stock, (long_,) = reserve(stock, [("SKU1", 1)], ids=["later"], at=T0, ttl=3 * HOUR)
    reservations = [*held, long_]
    same, none = expire_reservations(stock, reservations, T0 + HOUR - timedelta(seconds=1))
    assert (same, none) == (stock, ())
    stock, expired = expire_reservations(stock, reservations, T0 + HOUR)  # expires_at is exclusive
    assert [r.id for r in expired] == ["short", "long"]
    assert all(r.status == "expired" and r.closed_at == T0 + HOUR for r in expired)
    assert stock.position("SKU1").reserved == 1
    stock, (last,) = expire_reservations(stock, [*expired, long_], T0 + 3 * HOUR)
    assert (last.id, stock.position("SKU1").available_to_promise) == ("later", 5)


def test_a_reservation_of_another_location_or_more_than_is_held_is_refused() -> None:
    stock, (held,) = reserve(store(5), [("SKU1", 2)], ids=["r1"], at=T0, ttl=HOUR)
    elsewhere = Reservation("x", "PARIS", "SKU1", 1, T0, T0 + HOUR)
    with pytest.raises(InvalidStock):
        release(stock, elsewhere, T0)
    with pytest.raises(Conflict):
        release(store(5), held, T0)  # nothing reserved there: the stores disagree


def test_a_reservation_expires_after_it_is_made() -> None:
    with pytest.raises(InvalidStock) as error:
        Reservation("r", "LYON", "SKU1", 1, T0, T0)
    assert error.value.field == "expires_at"


@given(
    st.integers(0, 20),
    st.lists(
        st.tuples(st.sampled_from(["reserve", "release", "expire"]), st.integers(1, 6)), max_size=25
    ),
)
def test_reserved_never_exceeds_what_can_be_promised_whatever_happens(
    on_hand: int, steps: list[tuple[str, int]]
) -> None:
    stock = store(on_hand)
    active: list[Reservation] = []
    clock = T0
    for n, (step, quantity) in enumerate(steps):
        clock += timedelta(minutes=10)
        if step == "reserve":
            try:
                stock, (held,) = reserve(
                    stock, [("SKU1", quantity)], ids=[f"r{n}"], at=clock, ttl=timedelta(minutes=25)
                )
                active.append(held)
            except OutOfStock:
                pass
        elif step == "release" and active:
            stock, _ = release(stock, active.pop(quantity % len(active)), clock)
        else:
            stock, expired = expire_reservations(stock, active, clock)
            gone = {r.id for r in expired}
            active = [r for r in active if r.id not in gone]
        position = stock.position("SKU1")
        assert 0 <= position.reserved <= on_hand
        assert position.reserved == sum(r.quantity for r in active)

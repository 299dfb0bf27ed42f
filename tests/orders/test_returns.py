"""Returns anywhere: the refund is what was paid, to the cent, whatever channel sold it and
wherever it comes back; restock or quarantine; the return window."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from omnicanal.inventory import LocationStock, MovementKind, OpeningHours, Site, apply_movements
from omnicanal.orders import (
    InvalidReturn,
    NotHandedOver,
    ReturnedLine,
    ReturnPolicy,
    ReturnsNotAccepted,
    ReturnWindowClosed,
    SoldLine,
    SoldOrder,
    last_return_day,
    plan_return,
    unit_refund,
)

PARIS = ZoneInfo("Europe/Paris")
DELIVERED = datetime(2026, 3, 2, 15, 0, tzinfo=UTC)
LATER = DELIVERED + timedelta(days=3)
FRANCHISED = Site(
    "FRA-LYON", "store", "FRA1", None, OpeningHours({}), frozenset({"returns", "click_and_collect"})
)
WAREHOUSE = Site("WH-N", "warehouse", "HQ", None, OpeningHours({}), frozenset({"home_delivery"}))


def web_order(*lines: SoldLine, delivery: int = 490, **fields: object) -> SoldOrder:
    return SoldOrder("ord-1", "web", "WEB", tuple(lines), delivery_paid=delivery, **fields)  # type: ignore[arg-type]


def line(id: str, quantity: int, paid: int, returned: int = 0, sku: str | None = None) -> SoldLine:
    return SoldLine(id, sku or f"SKU-{id}", quantity, paid, DELIVERED, returned)


def give_back(
    order: SoldOrder,
    *items: ReturnedLine,
    location: Site = FRANCHISED,
    at: datetime = LATER,
    **kw: object,
):  # type: ignore[no-untyped-def]
    return plan_return(order, items, return_id="ret-1", location=location, at=at, **kw)  # type: ignore[arg-type]


# -- the refund --------------------------------------------------------------------------------


def test_a_web_order_returned_in_a_franchised_store_refunds_what_was_paid_after_promotions() -> (
    None
):
    # three units at 12.99, 20 % off the line: 31.18 paid (not 3 × 12.99)
    order = web_order(line("1", 3, 3118), line("2", 1, 2500))
    result = give_back(order, ReturnedLine("1", 1))
    assert [(r.line_id, r.quantity, r.amount) for r in result.lines] == [("1", 1, 1039)]
    assert (result.items_refund, result.delivery_refund, result.total, result.complete) == (
        1039,
        0,
        1039,
        False,
    )
    assert (result.sold_channel, result.sold_entity, result.location) == ("web", "WEB", "FRA-LYON")


def test_returning_every_unit_one_by_one_refunds_the_line_total_the_last_units_taking_the_cents_left() -> (
    None
):
    assert [unit_refund(1000, 3, n, 1) for n in range(3)] == [333, 333, 334]
    assert [unit_refund(1001, 4, n, 1) for n in range(4)] == [250, 250, 250, 251]
    assert unit_refund(1000, 3, 0, 3) == 1000
    assert [unit_refund(2, 3, n, 1) for n in range(3)] == [0, 1, 1]


def test_a_free_line_refunds_nothing() -> None:
    result = give_back(
        web_order(line("gift", 1, 0), line("2", 1, 500), delivery=0), ReturnedLine("gift", 1)
    )
    assert result.total == 0


def test_the_delivery_fee_comes_back_with_the_return_that_completes_the_order() -> None:
    order = web_order(line("1", 2, 2000), line("2", 1, 500))
    first = give_back(order, ReturnedLine("1", 2))
    assert (first.delivery_refund, first.complete, dict(first.returned)) == (
        0,
        False,
        {"1": 2, "2": 0},
    )
    rest = web_order(line("1", 2, 2000, returned=2), line("2", 1, 500))
    last = give_back(rest, ReturnedLine("2", 1))
    assert (last.items_refund, last.delivery_refund, last.total, last.complete) == (
        500,
        490,
        990,
        True,
    )


def test_the_delivery_fee_is_kept_when_the_policy_says_so_or_it_was_already_refunded() -> None:
    order = web_order(line("1", 1, 2000))
    assert (
        give_back(
            order, ReturnedLine("1", 1), policy=ReturnPolicy(delivery_refund="never")
        ).delivery_refund
        == 0
    )
    refunded = web_order(line("1", 1, 2000), delivery_refunded=True)
    assert give_back(refunded, ReturnedLine("1", 1)).delivery_refund == 0


# -- where the units go ------------------------------------------------------------------------


def test_resalable_units_are_restocked_at_the_returning_location_and_damaged_ones_quarantined() -> (
    None
):
    order = web_order(line("1", 3, 3000, sku="PULL-M"))
    result = give_back(order, ReturnedLine("1", 2), ReturnedLine("1", 1, damaged=True))
    assert [(r.quantity, r.amount, r.disposition) for r in result.lines] == [
        (2, 2000, "restock"),
        (1, 1000, "quarantine"),
    ]
    [movement] = result.restock
    assert (movement.id, movement.location, movement.sku, movement.quantity, movement.kind) == (
        "ret-1:1",
        "FRA-LYON",
        "PULL-M",
        2,
        MovementKind.RETURN,
    )
    assert result.quarantine == (("PULL-M", 1),)


def test_replaying_a_return_restocks_once() -> None:
    result = give_back(web_order(line("1", 2, 2000)), ReturnedLine("1", 2))
    once = apply_movements(LocationStock("FRA-LYON"), result.restock)
    twice = apply_movements(once.stock, result.restock, seen={m.id for m in result.restock})
    assert twice.stock.position("SKU-1").on_hand == 2


def test_a_return_by_post_goes_to_a_warehouse() -> None:
    assert (
        give_back(web_order(line("1", 1, 990)), ReturnedLine("1", 1), location=WAREHOUSE)
        .restock[0]
        .location
        == "WH-N"
    )


def test_a_store_that_does_not_take_returns_refuses_them() -> None:
    kiosk = Site("KIOSK", "store", "OWN", None, OpeningHours({}), frozenset({"click_and_collect"}))
    with pytest.raises(ReturnsNotAccepted):
        give_back(web_order(line("1", 1, 990)), ReturnedLine("1", 1), location=kiosk)


def test_a_store_sale_returns_by_post_like_any_other() -> None:
    sale = SoldOrder("pos-77", "store", "FRA2", (SoldLine("1", "SKU", 2, 1598, DELIVERED),))
    result = give_back(sale, ReturnedLine("1", 1), location=WAREHOUSE)
    assert (result.total, result.sold_channel, result.sold_entity) == (799, "store", "FRA2")


# -- what is refused ---------------------------------------------------------------------------


def test_the_window_counts_whole_days_in_the_brands_time_zone_from_the_handover() -> None:
    # delivered on Monday 2 March at 23:30 in Paris (22:30 UTC): day 0 is 2 March there
    order = SoldOrder(
        "o",
        "web",
        "WEB",
        (SoldLine("1", "SKU", 1, 1000, datetime(2026, 3, 2, 22, 30, tzinfo=UTC)),),
    )
    last_moment = datetime(2026, 4, 1, 23, 59, tzinfo=PARIS)
    assert give_back(order, ReturnedLine("1", 1), at=last_moment).total == 1000
    with pytest.raises(ReturnWindowClosed) as error:
        give_back(order, ReturnedLine("1", 1), at=datetime(2026, 4, 2, 0, 0, tzinfo=PARIS))
    assert error.value.extra["last_day"] == "2026-04-01"
    short = ReturnPolicy(window_days=14)
    with pytest.raises(ReturnWindowClosed):
        give_back(
            order, ReturnedLine("1", 1), at=datetime(2026, 3, 17, 0, 0, tzinfo=PARIS), policy=short
        )


def test_a_line_not_yet_delivered_or_collected_cannot_be_returned() -> None:
    order = SoldOrder("o", "web", "WEB", (SoldLine("1", "SKU", 1, 1000, None),))
    with pytest.raises(NotHandedOver):
        give_back(order, ReturnedLine("1", 1))


@pytest.mark.parametrize(
    ("items", "field"),
    [
        ([ReturnedLine("9", 1)], "lines[0].line_id"),
        ([ReturnedLine("1", 3)], "lines[0].quantity"),
        ([ReturnedLine("1", 0)], "lines[0].quantity"),
        ([ReturnedLine("1", 1), ReturnedLine("1", 1)], "lines[1].line_id"),
        ([ReturnedLine("1", 1), ReturnedLine("1", 1, damaged=True), ReturnedLine("2", 1)], None),
        ([], "lines"),
    ],
)
def test_a_return_is_refused_naming_the_line_when_it_does_not_match_the_order(
    items: list[ReturnedLine], field: str | None
) -> None:
    order = web_order(line("1", 2, 2000, returned=0), line("2", 1, 500))
    if field is None:
        assert give_back(order, *items).complete
        return
    with pytest.raises(InvalidReturn) as error:
        give_back(order, *items)
    assert error.value.field == field


def test_units_already_returned_cannot_be_returned_again() -> None:
    with pytest.raises(InvalidReturn) as error:
        give_back(web_order(line("1", 2, 2000, returned=2)), ReturnedLine("1", 1))
    assert error.value.extra["returnable"] == 0


@pytest.mark.parametrize(
    ("build", "field"),
    [
        (lambda: SoldLine("1", "S", 0, 100, DELIVERED), "quantity"),
        (lambda: SoldLine("1", "S", 1, -1, DELIVERED), "paid"),
        (lambda: SoldLine("1", "S", 1, 100, DELIVERED, returned=2), "returned"),
        (lambda: SoldLine("1", "S", 1, 100, datetime(2026, 3, 2)), "handed_over_at"),
        (lambda: ReturnPolicy(window_days=-1), "window_days"),
        (lambda: ReturnPolicy(delivery_refund="half"), "delivery_refund"),  # type: ignore[arg-type]
        (lambda: SoldOrder("o", "web", "WEB", (line("1", 1, 1), line("1", 1, 1))), "lines"),
    ],
)
def test_inputs_are_validated_as_built(build, field: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(InvalidReturn) as error:
        build()
    assert error.value.field == field


# -- properties --------------------------------------------------------------------------------

sold_lines = st.lists(
    st.tuples(st.integers(1, 12), st.integers(0, 500_000)), min_size=1, max_size=5
)


@st.composite
def returns_in_any_order(
    draw: st.DrawFn,
) -> tuple[list[tuple[int, int]], int, list[list[tuple[int, int, bool]]]]:
    """Lines (quantity, paid), a delivery fee, and every unit returned in batches of any size
    and order: each batch a list of (line index, units, damaged)."""
    lines = draw(sold_lines)
    units = [i for i, (quantity, _) in enumerate(lines) for _ in range(quantity)]
    units = draw(st.permutations(units))
    batches, start = [], 0
    while start < len(units):
        size = draw(st.integers(1, len(units) - start))
        chunk = units[start : start + size]
        start += size
        grouped: dict[tuple[int, bool], int] = {}
        for i in chunk:
            key = (i, draw(st.booleans()))
            grouped[key] = grouped.get(key, 0) + 1
        batches.append([(i, n, damaged) for (i, damaged), n in grouped.items()])
    return lines, draw(st.integers(0, 990)), batches


@given(returns_in_any_order(), st.sampled_from(["never", "when_all_returned"]))
def test_all_units_returned_in_any_order_and_grouping_refund_exactly_what_was_paid_and_never_more(
    case: tuple[list[tuple[int, int]], int, list[list[tuple[int, int, bool]]]], delivery_refund: str
) -> None:
    lines, delivery, batches = case
    policy = ReturnPolicy(delivery_refund=delivery_refund)  # type: ignore[arg-type]
    paid_items = sum(paid for _, paid in lines)
    returned = [0] * len(lines)
    refunded, refunded_per_line, delivery_back = 0, [0] * len(lines), False
    for n, batch in enumerate(batches):
        order = SoldOrder(
            "o", "app", "WEB",
            tuple(SoldLine(str(i), f"S{i}", q, paid, DELIVERED, returned[i]) for i, (q, paid) in enumerate(lines)),
            delivery_paid=delivery, delivery_refunded=delivery_back,
        )  # fmt: skip
        result = plan_return(
            order, [ReturnedLine(str(i), k, damaged) for i, k, damaged in batch],
            return_id=f"r{n}", location=FRANCHISED, at=LATER, policy=policy,
        )  # fmt: skip
        for item in result.lines:
            i = int(item.line_id)
            refunded_per_line[i] += item.amount
            # never more than the units' share of what the line cost
            quantity, paid = lines[i]
            assert refunded_per_line[i] * quantity <= paid * (
                returned[i] + sum(k for j, k, _ in batch if j == i)
            )
        for i, k, _ in batch:
            returned[i] += k
        refunded += result.total
        delivery_back = delivery_back or result.delivery_refund > 0
        assert refunded <= paid_items + delivery
    assert refunded_per_line == [paid for _, paid in lines]
    assert refunded == paid_items + (delivery if delivery_refund == "when_all_returned" else 0)


@given(st.integers(1, 50), st.integers(0, 10**7), st.data())
def test_unit_refunds_add_up_to_the_line_total_however_the_units_are_grouped(
    quantity: int, paid: int, data: st.DataObject
) -> None:
    done, total = 0, 0
    while done < quantity:
        k = data.draw(st.integers(1, quantity - done))
        part = unit_refund(paid, quantity, done, k)
        unit = paid // quantity
        assert k * unit <= part <= k * (unit + 1)  # every unit is worth its share to the cent
        done, total = done + k, total + part
        assert total * quantity <= paid * done  # so far, never more than the units' exact share
    assert total == paid


def test_the_last_return_day_counts_whole_days_in_the_brands_time_zone() -> None:
    # 23:30 in Paris on 31 March is already 1 April there: the window counts from 1 April
    late_evening = datetime(2026, 3, 31, 22, 30, tzinfo=UTC)
    assert last_return_day(late_evening).isoformat() == "2026-05-01"
    assert last_return_day(DELIVERED, ReturnPolicy(window_days=14)).isoformat() == "2026-03-16"
    assert last_return_day(DELIVERED, ReturnPolicy(window_days=0)) == DELIVERED.date()

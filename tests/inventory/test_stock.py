"""Stock positions: available-to-promise, movements applied once each, counts in order."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from omnicanal.inventory import (
    InvalidStock,
    LocationStock,
    Movement,
    MovementKind,
    Snapshot,
    StockPosition,
    apply_movements,
    apply_snapshot,
    set_safety_stock,
)

T0 = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)


def at(minutes: int) -> datetime:
    return T0 + timedelta(minutes=minutes)


def move(
    id: str, quantity: int, minutes: int = 10, sku: str = "SKU1", kind: str | None = None
) -> Movement:
    kind = kind or ("receipt" if quantity > 0 else "sale")
    return Movement(id, "LYON", sku, quantity, MovementKind(kind), at(minutes))


def on_hand(stock: LocationStock, sku: str = "SKU1") -> int:
    return stock.position(sku).on_hand


# -- available-to-promise ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("on_hand_", "reserved", "safety", "atp"),
    [
        (10, 0, 0, 10),
        (10, 3, 0, 7),
        (10, 3, 2, 5),
        (5, 3, 2, 0),
        (4, 3, 2, 0),
        (-2, 0, 0, 0),
        (0, 0, 0, 0),
    ],
)
def test_available_to_promise_is_on_hand_less_reserved_and_safety_stock_never_below_zero(
    on_hand_: int, reserved: int, safety: int, atp: int
) -> None:
    assert StockPosition("LYON", "SKU1", on_hand_, reserved, safety).available_to_promise == atp


def test_safety_stock_is_set_per_position_and_lowers_atp() -> None:
    position = set_safety_stock(StockPosition("LYON", "SKU1", 10), 4)
    assert (position.safety_stock, position.available_to_promise) == (4, 6)


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"reserved": -1}, "reserved"),
        ({"safety_stock": -1}, "safety_stock"),
        ({"on_hand": 1.5}, "on_hand"),
        ({"sku": ""}, "sku"),
        ({"counted_at": datetime(2026, 3, 2)}, "counted_at"),
        ({"reserved": True}, "reserved"),
    ],
)
def test_a_position_is_validated_as_built_naming_the_field(
    fields: dict[str, object], field: str
) -> None:
    values: dict[str, object] = {"location": "LYON", "sku": "SKU1", **fields}
    with pytest.raises(InvalidStock) as error:
        StockPosition(**values)  # type: ignore[arg-type]
    assert error.value.field == field


# -- movements ---------------------------------------------------------------------------------


def test_movements_add_and_remove_units() -> None:
    result = apply_movements(
        LocationStock("LYON"), [move("m1", 5), move("m2", -2), move("m3", 1, kind="return")]
    )
    assert on_hand(result.stock) == 4
    assert [o.status for o in result.outcomes] == ["applied"] * 3
    [change] = result.changes
    assert (change.sku, change.before.on_hand, change.after.on_hand) == ("SKU1", 0, 4)


def test_a_movement_sent_twice_counts_once() -> None:
    first = apply_movements(LocationStock("LYON"), [move("m1", 5)])
    again = apply_movements(first.stock, [move("m1", 5)], seen={"m1"})
    assert on_hand(again.stock) == 5
    assert again.outcomes[0].status == "duplicate"
    assert again.changes == ()


def test_a_movement_repeated_within_one_batch_counts_once() -> None:
    result = apply_movements(LocationStock("LYON"), [move("m1", 5), move("m1", 5), move("m2", -1)])
    assert on_hand(result.stock) == 4
    assert [o.status for o in result.outcomes] == ["applied", "duplicate", "applied"]


def test_a_sale_reported_before_its_receipt_takes_on_hand_below_zero_and_atp_stays_at_zero() -> (
    None
):
    stock = apply_movements(LocationStock("LYON"), [move("sale", -2)]).stock
    assert (on_hand(stock), stock.position("SKU1").available_to_promise) == (-2, 0)
    assert on_hand(apply_movements(stock, [move("receipt", 5)]).stock) == 3


@pytest.mark.parametrize(
    ("kind", "quantity"),
    [
        ("receipt", -1),
        ("transfer_in", -1),
        ("return", -1),
        ("sale", 1),
        ("transfer_out", 1),
        ("write_off", 1),
        ("adjustment", 0),
    ],
)
def test_a_movement_whose_sign_contradicts_its_kind_is_refused(kind: str, quantity: int) -> None:
    with pytest.raises(InvalidStock) as error:
        Movement("m", "LYON", "SKU1", quantity, kind, T0)  # type: ignore[arg-type]
    assert error.value.field == "quantity"


def test_an_adjustment_goes_either_way_and_an_unknown_kind_is_refused() -> None:
    assert Movement("a", "LYON", "SKU1", -3, "adjustment", T0).kind is MovementKind.ADJUSTMENT  # type: ignore[arg-type]
    with pytest.raises(InvalidStock) as error:
        Movement("m", "LYON", "SKU1", 1, "gift", T0)  # type: ignore[arg-type]
    assert error.value.field == "kind"
    with pytest.raises(InvalidStock) as error:
        Movement("m", "LYON", "SKU1", 1, "receipt", datetime(2026, 3, 2))  # type: ignore[arg-type]
    assert error.value.field == "at"


def test_a_movement_of_another_location_is_refused_naming_its_place_in_the_batch() -> None:
    other = Movement("m2", "PARIS", "SKU1", 1, MovementKind.RECEIPT, T0)
    with pytest.raises(InvalidStock) as error:
        apply_movements(LocationStock("LYON"), [move("m1", 1), other])
    assert error.value.field == "movements[1].location"


movement_lists = st.lists(
    st.tuples(st.sampled_from(["m1", "m2", "m3", "m4", "m5"]), st.sampled_from(["A", "B"])),
    max_size=30,
)
QUANTITY = {"m1": 5, "m2": -1, "m3": 2, "m4": -3, "m5": 7}


@given(movement_lists, st.randoms(use_true_random=False))
def test_any_order_and_any_repetition_of_movements_gives_the_stock_of_each_applied_once(
    sends: list[tuple[str, str]], rnd: object
) -> None:
    movements = [move(f"{sku}-{mid}", QUANTITY[mid], sku=sku) for mid, sku in sends]
    stock, seen = LocationStock("LYON"), set()
    # sent in batches of random sizes, the log of applied ids growing between them
    while movements:
        size = rnd.randint(1, len(movements))  # type: ignore[attr-defined]
        batch, movements = movements[:size], movements[size:]
        result = apply_movements(stock, batch, seen)
        seen |= {o.movement_id for o in result.outcomes if o.status == "applied"}
        stock = result.stock
    for sku in ("A", "B"):
        distinct = {mid for mid, s in sends if s == sku}
        assert on_hand(stock, sku) == sum(QUANTITY[mid] for mid in distinct)


# -- counts ------------------------------------------------------------------------------------


def test_a_full_count_sets_on_hand_and_zeroes_the_skus_it_does_not_name() -> None:
    stock = apply_movements(LocationStock("LYON"), [move("m1", 5), move("m2", 4, sku="SKU2")]).stock
    result = apply_snapshot(stock, Snapshot("LYON", at(60), {"SKU1": 3, "SKU3": 2}))
    assert result.status == "applied"
    assert {sku: on_hand(result.stock, sku) for sku in ("SKU1", "SKU2", "SKU3")} == {
        "SKU1": 3,
        "SKU2": 0,
        "SKU3": 2,
    }
    assert result.stock.counted_at == at(60)
    assert [c.sku for c in result.changes] == ["SKU1", "SKU2", "SKU3"]


def test_a_count_keeps_reserved_and_safety_stock() -> None:
    stock = LocationStock(
        "LYON", {"SKU1": StockPosition("LYON", "SKU1", 10, reserved=2, safety_stock=1)}
    )
    position = apply_snapshot(stock, Snapshot("LYON", at(60), {"SKU1": 6})).stock.position("SKU1")
    assert (
        position.on_hand,
        position.reserved,
        position.safety_stock,
        position.available_to_promise,
    ) == (6, 2, 1, 3)


def test_a_count_older_than_the_last_applied_one_is_ignored() -> None:
    stock = apply_snapshot(LocationStock("LYON"), Snapshot("LYON", at(60), {"SKU1": 3})).stock
    for when in (at(30), at(60)):
        late = apply_snapshot(stock, Snapshot("LYON", when, {"SKU1": 9}))
        assert (late.status, late.stock, late.changes) == ("stale", stock, ())
    newer = apply_snapshot(stock, Snapshot("LYON", at(90), {"SKU1": 9}))
    assert (newer.status, on_hand(newer.stock)) == ("applied", 9)


def test_movements_after_the_count_are_added_back_on_top_of_it() -> None:
    # the store counted 3 at 09:00; the receipt of 10:30 was applied before the count arrived
    log = [move("early", 5, minutes=30), move("late", 4, minutes=150)]
    stock = apply_movements(LocationStock("LYON"), log).stock
    counted = apply_snapshot(stock, Snapshot("LYON", at(60), {"SKU1": 3}), later_movements=log)
    assert on_hand(counted.stock) == 3 + 4


def test_a_movement_stamped_before_the_last_count_arrives_late_and_changes_nothing() -> None:
    stock = apply_snapshot(LocationStock("LYON"), Snapshot("LYON", at(60), {"SKU1": 3})).stock
    result = apply_movements(
        stock,
        [move("before", -1, minutes=45), move("at", -1, minutes=60), move("after", -1, minutes=61)],
    )
    assert [o.status for o in result.outcomes] == ["already_counted", "already_counted", "applied"]
    assert on_hand(result.stock) == 2


def test_a_new_sku_received_after_a_full_count_is_not_zeroed_by_an_older_count() -> None:
    stock = apply_snapshot(LocationStock("LYON"), Snapshot("LYON", at(60), {"SKU1": 3})).stock
    stock = apply_movements(stock, [move("new", 6, minutes=70, sku="NEW")]).stock
    late = apply_snapshot(stock, Snapshot("LYON", at(30), {"SKU1": 1}))
    assert late.status == "stale"
    assert on_hand(late.stock, "NEW") == 6


def test_a_partial_count_touches_only_its_skus_unless_counted_later() -> None:
    stock = apply_movements(LocationStock("LYON"), [move("a", 5), move("b", 4, sku="SKU2")]).stock
    stock = apply_snapshot(stock, Snapshot("LYON", at(60), {"SKU1": 2}, full=False)).stock
    assert (on_hand(stock), on_hand(stock, "SKU2"), stock.counted_at) == (2, 4, None)
    # a full count older than SKU1's own count still sets SKU2, and leaves SKU1 alone
    full = apply_snapshot(stock, Snapshot("LYON", at(50), {"SKU1": 9, "SKU2": 1}))
    assert (full.status, full.skipped) == ("applied", ("SKU1",))
    assert (on_hand(full.stock), on_hand(full.stock, "SKU2")) == (2, 1)
    # a partial count older than every SKU it names is stale
    assert (
        apply_snapshot(full.stock, Snapshot("LYON", at(55), {"SKU1": 7}, full=False)).status
        == "stale"
    )


@pytest.mark.parametrize(
    ("snapshot", "field"),
    [
        (lambda: Snapshot("LYON", T0, {"SKU1": -1}), "quantities.SKU1"),
        (lambda: Snapshot("LYON", datetime(2026, 3, 2), {}), "counted_at"),
        (lambda: Snapshot("", T0, {}), "location"),
    ],
)
def test_a_count_is_validated_as_built(snapshot, field: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(InvalidStock) as error:
        snapshot()
    assert error.value.field == field


def test_a_count_of_another_location_is_refused() -> None:
    with pytest.raises(InvalidStock) as error:
        apply_snapshot(LocationStock("LYON"), Snapshot("PARIS", T0, {}))
    assert error.value.field == "location"


counts = st.lists(st.tuples(st.integers(0, 100), st.integers(0, 20)), min_size=1, max_size=6)


@given(counts, st.permutations(range(6)))
def test_counts_applied_in_any_order_leave_the_latest_one(
    snaps: list[tuple[int, int]], order: list[int]
) -> None:
    snapshots = [Snapshot("LYON", at(minutes), {"SKU1": quantity}) for minutes, quantity in snaps]
    stock = LocationStock("LYON")
    for i in order:
        if i < len(snapshots):
            stock = apply_snapshot(stock, snapshots[i]).stock
    latest = max(snaps, key=lambda s: s[0])[0]
    # at equal instants the first applied wins: a second count at the same instant is a repeat
    assert stock.counted_at == at(latest)
    assert on_hand(stock) in {q for m, q in snaps if m == latest}

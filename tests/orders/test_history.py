"""The rules that check an order a channel system recorded and place it in omnicanal's state
machines, and the readers that make a flat export's rows into records."""

from __future__ import annotations

import pytest

from omnicanal.errors import InvalidInput
from omnicanal.imports.readers import attach_lines
from omnicanal.orders import history
from omnicanal.orders.history import RecordedLine
from omnicanal.orders.importers import ORDER_LINE_FIELDS, grouped
from omnicanal.orders.rules import settled_status


def test_a_line_pays_its_units_less_its_discount_and_its_own_total_must_agree() -> None:
    assert history.line_paid(0, 2, 4090, 2454, 5726) == 5726
    assert history.line_paid(0, 1, 4899, 0, None) == 4899
    with pytest.raises(InvalidInput) as wrong:
        history.line_paid(3, 2, 4090, 2454, 5725)
    assert wrong.value.field == "lines.3.total" and "5726" in wrong.value.detail
    with pytest.raises(InvalidInput) as too_much:
        history.line_paid(1, 1, 1000, 1001, None)
    assert too_much.value.field == "lines.1.discount"


def test_the_order_amounts_add_up_to_the_cent_or_name_the_one_that_does_not() -> None:
    lines = [RecordedLine("A", 1, 4899, 1470, 3429), RecordedLine("B", 2, 4090, 2454, 5726)]
    totals = history.recorded_totals(lines, shipping=490, subtotal=13079, discount=3924,
                                     total=9645)  # fmt: skip
    assert (totals.subtotal, totals.discount, totals.items_total) == (13079, 3924, 9155)
    assert (totals.delivery_fee, totals.total) == (490, 9645)
    for name, stated in (("subtotal", {"subtotal": 13078}), ("discount", {"discount": 1}),
                         ("total", {"total": 9155})):  # fmt: skip
        with pytest.raises(InvalidInput) as wrong:
            history.recorded_totals(lines, shipping=490, **stated)
        assert wrong.value.field == name
    with pytest.raises(InvalidInput) as empty:
        history.recorded_totals([])
    assert empty.value.field == "lines"


@pytest.mark.parametrize(
    ("reported", "method", "status"),
    [
        (None, "in_store", "fulfilled"), ("anything", "in_store", "fulfilled"),
        (None, "home_delivery", "paid"), ("placed", "home_delivery", "paid"),
        ("delivered", "home_delivery", "fulfilled"), ("collected", "click_and_collect", "fulfilled"),
        ("shipped", "ship_from_store", "in_fulfilment"), ("ready", "click_and_collect", "in_fulfilment"),
        ("expired", "click_and_collect", "cancelled"), ("cancelled", "home_delivery", "cancelled"),
        ("Delivered ", "home_delivery", "fulfilled"),
    ],
)  # fmt: skip
def test_reported_statuses_become_order_states(reported, method, status) -> None:
    assert history.recorded_order_status(reported, method) == status


def test_an_unknown_reported_status_is_refused_naming_the_field() -> None:
    with pytest.raises(InvalidInput) as unknown:
        history.recorded_order_status("lost_in_space", "home_delivery")
    assert unknown.value.field == "status" and "lost_in_space" in unknown.value.detail


def test_an_order_settles_on_its_fulfilments() -> None:
    assert settled_status([]) is None
    assert settled_status([("home_delivery", "placed")]) is None
    assert settled_status([("home_delivery", "shipped")]) == "in_fulfilment"
    assert settled_status([("home_delivery", "delivered"),
                                   ("ship_from_store", "shipped")]) == "in_fulfilment"  # fmt: skip
    assert settled_status([("home_delivery", "delivered"),
                                   ("ship_from_store", "rejected")]) == "fulfilled"  # fmt: skip
    assert settled_status([("click_and_collect", "refunded")]) == "cancelled"


def test_a_pickup_not_collected_and_refunded_ends_as_omnicanal_ends_it() -> None:
    assert history.recorded_steps("click_and_collect", "ready", "expired", True) == [
        "expired", "released", "refunded",
    ]  # fmt: skip
    assert history.recorded_steps("click_and_collect", "ready", "expired", False) == ["expired"]
    assert history.recorded_steps("home_delivery", "placed", "shipped", False) == ["shipped"]
    # reported again: nothing more
    assert history.recorded_steps("click_and_collect", "refunded", "expired", True) == []
    assert history.recorded_steps("home_delivery", "shipped", "shipped", False) == []


def test_a_step_of_no_machine_is_refused() -> None:
    with pytest.raises(InvalidInput) as status:
        history.recorded_steps("home_delivery", "placed", "collected", False)
    assert status.value.field == "status" and "home_delivery" in status.value.detail
    with pytest.raises(InvalidInput) as kind:
        history.recorded_steps("drone", None, "placed", False)
    assert kind.value.field == "type"


def test_a_flat_export_one_row_per_line_becomes_one_record_per_order() -> None:
    rows = [
        (2, {"order_id": "CC1", "channel": "call_center", "line_number": "1", "sku": "A",
             "quantity": "1", "unit_price_cents": "100", "order_total_cents": "300"}),
        (3, {"order_id": "CC1", "channel": "call_center", "line_number": "2", "sku": "B",
             "quantity": "2", "unit_price_cents": "100", "order_total_cents": "300"}),
        (4, {"order_id": "CC2", "channel": "call_center", "line_number": "1", "sku": "A",
             "quantity": "1", "unit_price_cents": "100", "order_total_cents": "100"}),
        (5, {"order_id": "W1", "lines": [{"sku": "A", "quantity": 1}]}),
        (6, {"__unparsed__": "{broken", "__error__": "bad JSON"}),
    ]  # fmt: skip
    out = list(grouped("order_id", ORDER_LINE_FIELDS)(rows))
    assert [n for n, _ in out] == [2, 4, 5, 6]
    first = out[0][1]
    assert first["order_total_cents"] == "300" and "sku" not in first
    assert [line["sku"] for line in first["lines"]] == ["A", "B"]
    assert first["lines"][1] == {"line_number": "2", "sku": "B", "quantity": "2",
                                 "unit_price_cents": "100"}  # fmt: skip
    assert out[2][1] == rows[3][1] and "__unparsed__" in out[3][1]


def test_a_header_file_takes_its_lines_from_a_second_file_and_orphans_are_kept() -> None:
    heads = iter([(2, {"order_id": "R1", "total": "5"}), (3, {"order_id": "R2", "total": "7"})])
    lines = iter([
        (2, {"order_id": "R1", "sku": "A"}), (3, {"order_id": "R9", "sku": "B"}),
        (4, {"order_id": "R1", "sku": "C"}),
    ])  # fmt: skip
    out = list(attach_lines(heads, lines, "order_id"))
    assert out[0] == (2, {"order_id": "R1", "total": "5", "lines": [{"sku": "A"}, {"sku": "C"}]})
    assert out[1] == (3, {"order_id": "R2", "total": "7", "lines": []})
    assert out[2][0] == 4 and "R9" in out[2][1]["__error__"]

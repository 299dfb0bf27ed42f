"""Order history through the import paths (`orders`, `fulfilments`, `returns`), on SQLite and
PostgreSQL: prices as charged, statuses as reported, each record once, the stock untouched, and
a recorded order then served by the live paths (the returns desk)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from omnicanal.db import utcnow
from omnicanal.imports import service as imports
from omnicanal.imports.readers import attach_lines
from omnicanal.orders.models import Fulfilment, FulfilmentStep, Order, OrderLine, Return
from omnicanal.security.service import SYSTEM
from tests.orders.conftest import Shop

WEB = {
    "order_id": "MD0001", "channel": "web", "placed_at": "2026-03-02T10:00:00Z",
    "status": "delivered", "currency": "EUR", "subtotal_cents": 13000, "discount_cents": 1300,
    "shipping_cents": 490, "total_cents": 12190, "coupon_code": "BIENVENUE10",
    "delivery": {"mode": "home_delivery", "pickup_store_code": None,
                 "address": {"postal_code": "69002", "city": "Lyon", "country": "FR"}},
    "lines": [
        {"line_number": 1, "sku": "ROBE-1", "quantity": 2, "unit_price_cents": 5000,
         "discount_cents": 1000, "total_cents": 9000, "promotion_code": "BIENVENUE10"},
        {"line_number": 2, "sku": "ROBE-2", "quantity": 1, "unit_price_cents": 3000,
         "discount_cents": 300, "total_cents": 2700},
    ],
}  # fmt: skip
PICKUP = {
    "order_id": "MD0002", "channel": "web", "placed_at": "2026-03-03T10:00:00Z",
    "status": "expired", "total_cents": 12000,
    "delivery": {"mode": "click_and_collect", "pickup_store_code": "LYON-01"},
    "lines": [{"line_number": 1, "sku": "SAC-1", "quantity": 1, "unit_price_cents": 12000}],
}  # fmt: skip


def _call_center_rows() -> list[tuple[int, dict]]:
    head = {"order_id": "CC1", "channel": "web", "placed_at": "2026-03-04T09:00:00+01:00",
            "fulfilment": "home_delivery", "order_total_cents": "8000"}  # fmt: skip
    return [
        (2, {**head, "line_number": "1", "sku": "ROBE-1", "quantity": "1",
             "unit_price_cents": "5000", "discount_cents": "0", "line_total_cents": "5000"}),
        (3, {**head, "line_number": "2", "sku": "ROBE-2", "quantity": "1",
             "unit_price_cents": "3000", "discount_cents": "0", "line_total_cents": "3000"}),
    ]  # fmt: skip


def _receipt_rows() -> list[tuple[int, dict]]:
    """A franchised store's till: receipts and their lines in two files, no channel named."""
    heads = iter([(2, {"order_id": "FRA-0042", "location": "FRA-01",
                       "placed_at": "2026-03-05T15:00:00Z", "total_cents": "17000"})])  # fmt: skip
    lines = iter([
        (2, {"order_id": "FRA-0042", "line_number": "1", "sku": "ROBE-1", "quantity": "1",
             "unit_price_cents": "5000", "line_total_cents": "5000"}),
        (3, {"order_id": "FRA-0042", "line_number": "2", "sku": "SAC-1", "quantity": "1",
             "unit_price_cents": "12000", "line_total_cents": "12000"}),
    ])  # fmt: skip
    return list(attach_lines(heads, lines, "order_id"))


def _stock(factory, shop: Shop) -> dict:
    return {(loc, sku): shop.stock(factory, loc, sku) for loc in ("WH-1", "LYON-01", "FRA-01")
            for sku in ("ROBE-1", "ROBE-2", "SAC-1")}  # fmt: skip


def _record_all(factory) -> list[imports.ImportReport]:
    return [
        imports.run_import(factory, SYSTEM, "orders", "web.jsonl", [(1, WEB), (2, PICKUP)]),
        imports.run_import(factory, SYSTEM, "orders", "calls.csv", _call_center_rows()),
        imports.run_import(factory, SYSTEM, "orders", "receipts.csv", _receipt_rows()),
    ]


def test_orders_of_every_channel_are_recorded_as_charged_once_and_move_no_stock(
    factory, shop: Shop
) -> None:
    before = _stock(factory, shop)
    reports = _record_all(factory)
    assert [(r.read, r.created, r.rejected) for r in reports] == [(2, 2, 0), (1, 1, 0), (1, 1, 0)]
    with factory() as s:
        web = s.scalars(select(Order).where(Order.receipt == "MD0001")).one()
        assert (web.channel, web.entity_id, web.status, web.fulfilment) == (
            "web", shop.brand.web, "fulfilled", "home_delivery")  # fmt: skip
        assert (web.subtotal, web.discount, web.items_total, web.delivery_fee, web.total) == (
            13000, 1300, 11700, 490, 12190)  # fmt: skip
        assert web.coupons == ["BIENVENUE10"] and web.ship_to["postal_code"] == "69002"
        lines = s.scalars(select(OrderLine).where(OrderLine.order_id == web.id)
                          .order_by(OrderLine.position)).all()  # fmt: skip
        assert [(x.sku, x.quantity, x.paid) for x in lines] == [("ROBE-1", 2, 9000),
                                                               ("ROBE-2", 1, 2700)]  # fmt: skip
        pickup = s.scalars(select(Order).where(Order.receipt == "MD0002")).one()
        assert (pickup.status, pickup.fulfilment, pickup.location) == (
            "cancelled", "click_and_collect", None)  # fmt: skip
        call = s.scalars(select(Order).where(Order.receipt == "CC1")).one()
        assert (call.status, call.total) == ("paid", 8000)
        till = s.scalars(select(Order).where(Order.receipt == "FRA-0042")).one()
        # the till's sale: its store's channel, its franchisee, handed over at the till
        assert (till.channel, till.entity_id, till.location, till.status) == (
            "store:FRA", shop.brand.franchisee_a, "FRA-01", "fulfilled")  # fmt: skip
        till_lines = s.scalars(select(OrderLine).where(OrderLine.order_id == till.id)).all()
        assert all(x.handed_over_at == till.placed_at for x in till_lines)
    assert _stock(factory, shop) == before
    again = _record_all(factory)
    assert [(r.created, r.updated, r.rejected) for r in again] == [(0, 2, 0), (0, 1, 0), (0, 1, 0)]
    with factory() as s:
        assert s.scalar(select(func.count()).select_from(Order)) == 4


def test_an_order_that_does_not_add_up_is_refused_naming_the_amount_and_kept(
    factory, shop: Shop
) -> None:
    wrong_total = {**WEB, "order_id": "MD0003", "total_cents": 12191}
    unknown_sku = {**PICKUP, "order_id": "MD0004",
                   "lines": [{"sku": "NOPE-1", "quantity": 1, "unit_price_cents": 12000}]}  # fmt: skip
    no_channel = {"order_id": "LYON-7", "location": "LYON-01",
                  "placed_at": "2026-03-05T15:00:00Z",
                  "lines": [{"sku": "ROBE-1", "quantity": 1, "unit_price_cents": 5000}]}  # fmt: skip
    rows = [(1, wrong_total), (2, unknown_sku), (3, WEB), (4, no_channel)]
    report = imports.run_import(factory, SYSTEM, "orders", "web.jsonl", rows)
    assert (report.read, report.created, report.rejected) == (4, 1, 3)
    fields = {(e.row_number, e.field) for e in report.errors}
    assert fields == {(1, "total"), (2, "lines.0.sku"), (4, "channel")}
    with factory() as s:
        kept = imports.list_rejected(s, "orders")
        assert sorted(r.raw["order_id"] for r in kept) == ["LYON-7", "MD0003", "MD0004"]
        assert s.scalar(select(func.count()).select_from(Order)) == 1


def _steps(factory, receipt: str) -> tuple[Fulfilment, list[str]]:
    with factory() as s:
        order = s.scalars(select(Order).where(Order.receipt == receipt)).one()
        fulfilment = s.scalars(select(Fulfilment).where(Fulfilment.order_id == order.id)).one()
        steps = s.scalars(select(FulfilmentStep.to_status)
                          .where(FulfilmentStep.fulfilment_id == fulfilment.id)
                          .order_by(FulfilmentStep.seq)).all()  # fmt: skip
        return fulfilment, list(steps)


def test_fulfilment_steps_follow_the_file_once_and_settle_the_order(factory, shop: Shop) -> None:
    _record_all(factory)
    base = {"order_channel": "web", "refund_cents": None}
    rows = [
        (2, {**base, "fulfilment_id": "FUL-1", "order_id": "CC1", "type": "home_delivery",
             "location_code": "WH-1", "status": "shipped", "occurred_at": "2026-03-05T08:00:00Z"}),
        (3, {**base, "fulfilment_id": "FUL-2", "order_id": "MD0002", "type": "click_and_collect",
             "location_code": "LYON-01", "status": "ready", "occurred_at": "2026-03-03T12:00:00Z"}),
        (4, {**base, "fulfilment_id": "FUL-1", "order_id": "CC1", "type": "home_delivery",
             "location_code": "WH-1", "status": "delivered", "occurred_at": "2026-03-06T17:00:00Z"}),
        (5, {**base, "fulfilment_id": "FUL-2", "order_id": "MD0002", "type": "click_and_collect",
             "location_code": "LYON-01", "status": "expired", "occurred_at": "2026-03-08T19:00:00Z",
             "refund_cents": "12000"}),
        (6, {**base, "fulfilment_id": "FUL-3", "order_id": "MD9999", "type": "home_delivery",
             "location_code": "WH-1", "status": "shipped", "occurred_at": "2026-03-05T08:00:00Z"}),
        (7, {**base, "fulfilment_id": "FUL-1", "order_id": "CC1", "type": "home_delivery",
             "location_code": "WH-1", "status": "collected", "occurred_at": "2026-03-06T17:00:00Z"}),
    ]  # fmt: skip
    before = _stock(factory, shop)
    report = imports.run_import(factory, SYSTEM, "fulfilments", "fulfilments.csv", rows)
    assert (report.created, report.rejected) == (4, 2)
    assert {(e.row_number, e.field) for e in report.errors} == {(6, "order_id"), (7, "status")}
    parcel, steps = _steps(factory, "CC1")
    assert (parcel.status, parcel.location, parcel.reference) == ("delivered", "WH-1", "FUL-1")
    assert steps == ["placed", "shipped", "delivered"]
    assert [u["quantity"] for u in parcel.lines] == [1, 1]
    pickup, steps = _steps(factory, "MD0002")
    assert (pickup.status, pickup.refund) == ("refunded", 12000)
    assert steps == ["placed", "ready", "expired", "released", "refunded"]
    with factory() as s:
        call = s.scalars(select(Order).where(Order.receipt == "CC1")).one()
        assert call.status == "fulfilled"
        handed = s.scalars(select(OrderLine.handed_over_at)
                           .where(OrderLine.order_id == call.id)).all()  # fmt: skip
        assert all(h is not None and h.isoformat().startswith("2026-03-06T17:00") for h in handed)
        pickup_order = s.scalars(select(Order).where(Order.receipt == "MD0002")).one()
        assert pickup_order.status == "cancelled"
    again = imports.run_import(factory, SYSTEM, "fulfilments", "fulfilments.csv", rows[:4])
    assert (again.created, again.updated) == (0, 4)
    assert _steps(factory, "CC1")[1] == ["placed", "shipped", "delivered"]
    assert _stock(factory, shop) == before


def _return_row(return_id: str, quantity: str, refund: str, **extra: str) -> tuple[int, dict]:
    return 2, {"return_id": return_id, "order_id": "MD0001", "order_channel": "web",
               "line_number": "1", "sku": "ROBE-1", "quantity": quantity,
               "returned_at": "2026-03-10T11:00:00Z", "location_code": "FRA-01",
               "return_channel": "store", "condition": "resaleable", "restocked": "true",
               "refund_cents": refund, "refund_method": "original_payment",
               "reason": "trop grand", **extra}  # fmt: skip


def test_returns_are_taken_once_within_what_was_sold_and_paid(factory, shop: Shop) -> None:
    _record_all(factory)
    before = _stock(factory, shop)
    report = imports.run_import(factory, SYSTEM, "returns", "returns.csv", [
        _return_row("RT1", "1", "4500"),
        (3, _return_row("RT2", "2", "9000")[1]),  # one unit is left to return
        (4, _return_row("RT3", "1", "4501")[1]),  # 4 500 is left to refund
        (5, {**_return_row("RT4", "1", "0", condition="damaged", restocked="false")[1],
             "line_number": "2", "sku": "ROBE-2"}),
    ])  # fmt: skip
    assert (report.created, report.rejected) == (2, 2)
    assert {(e.row_number, e.field) for e in report.errors} == {(3, "lines.0.quantity"),
                                                                 (4, "lines.0.refund")}  # fmt: skip
    again = imports.run_import(factory, SYSTEM, "returns", "returns.csv",
                               [_return_row("RT1", "1", "4500")])  # fmt: skip
    assert (again.created, again.updated) == (0, 1)
    with factory() as s:
        taken = s.scalars(select(Return).where(Return.reference == "RT1")).one()
        assert (taken.location, taken.entity_id, taken.total) == (
            "FRA-01", shop.brand.franchisee_a, 4500)  # fmt: skip
        assert taken.created_at.isoformat().startswith("2026-03-10T11:00")
        lines = s.scalars(select(OrderLine).join(Order).where(Order.receipt == "MD0001")
                          .order_by(OrderLine.position)).all()  # fmt: skip
        assert [x.returned for x in lines] == [1, 1]
    assert _stock(factory, shop) == before


def test_a_recorded_order_is_served_by_the_returns_desk(client, factory, shop: Shop) -> None:
    _record_all(factory)
    delivered = (utcnow() - timedelta(days=2)).isoformat()  # within the return window
    rows = [(2, {"fulfilment_id": "FUL-1", "order_id": "MD0001", "type": "home_delivery",
                 "location_code": "WH-1", "status": "delivered", "occurred_at": delivered})]  # fmt: skip
    assert imports.run_import(factory, SYSTEM, "fulfilments", "f.csv", rows).created == 1
    found = client.get("/api/v1/returns/lookup", params={"receipt": "MD0001"},
                       headers=shop.headers)  # fmt: skip
    assert found.status_code == 200, found.text
    (view,) = found.json()
    assert [line["returnable"] for line in view["lines"]] == [2, 1]
    line = view["lines"][0]
    taken = client.post(f"/api/v1/orders/{view['id']}/returns", headers=shop.headers, json={
        "location": "LYON-01", "lines": [{"line_id": line["id"], "quantity": 1}],
    })  # fmt: skip
    assert taken.status_code == 201, taken.text
    assert taken.json()["items_refund"] == 4500  # half of the 9 000 the two units paid

"""Carts and orders through the HTTP API, on SQLite and PostgreSQL: carts resumed on another
channel, idempotent order placement priced by the pricing engine, stock held and given back,
home delivery sourced warehouse first, and the fulfilment state machines."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from omnicanal.db import utcnow
from omnicanal.events.models import OutboxEvent
from omnicanal.inventory.models import ReservationRow
from omnicanal.orders.models import Order
from omnicanal.pricing.models import Redemption
from tests.conftest import issue_key
from tests.orders.conftest import Shop


def _order(client, headers, **body):  # type: ignore[no-untyped-def]
    body.setdefault("channel", "web")
    body.setdefault("fulfilment", {"method": "click_and_collect", "location": "LYON-01"})
    return client.post("/api/v1/orders", json=body, headers=headers)


def _step(client, headers, order, fulfilment, status):  # type: ignore[no-untyped-def]
    return client.post(
        f"/api/v1/orders/{order['id']}/fulfilments/{fulfilment['id']}/status",
        json={"status": status},
        headers=headers,
    )


def _count(factory, model, *where) -> int:  # type: ignore[no-untyped-def]
    with factory() as s:
        return s.execute(select(func.count()).select_from(model).where(*where)).scalar_one()


def _events(factory, prefix: str) -> list[OutboxEvent]:
    with factory() as s:
        return list(
            s.execute(
                select(OutboxEvent)
                .where(OutboxEvent.type.startswith(prefix))
                .order_by(OutboxEvent.occurred_at)
            ).scalars()
        )


def test_a_cart_started_on_the_web_is_finished_in_store_by_an_advisor(client, factory, shop: Shop):
    h = shop.headers
    cart = client.post(
        "/api/v1/carts", json={"channel": "web", "lines": [{"sku": "ROBE-1", "quantity": 1}]},
        headers=h,
    )  # fmt: skip
    assert cart.status_code == 201, cart.text
    cart_id = cart.json()["id"]
    added = client.post(
        f"/api/v1/carts/{cart_id}/lines", json={"sku": "ROBE-1", "quantity": 1}, headers=h
    )
    assert added.json()["lines"] == [{"sku": "ROBE-1", "quantity": 2}]
    client.put(f"/api/v1/carts/{cart_id}/lines/SAC-1", json={"quantity": 1}, headers=h)
    client.put(f"/api/v1/carts/{cart_id}/lines/ROBE-2", json={"quantity": 3}, headers=h)
    removed = client.delete(f"/api/v1/carts/{cart_id}/lines/ROBE-2", headers=h)
    assert [x["sku"] for x in removed.json()["lines"]] == ["ROBE-1", "SAC-1"]
    attached = client.patch(f"/api/v1/carts/{cart_id}", json={"customer_id": "cus_1"}, headers=h)
    assert attached.json()["customer_id"] == "cus_1"
    # the customer calls the store: the advisor finds the cart and takes it up there
    found = client.get("/api/v1/carts", params={"customer_id": "cus_1"}, headers=h).json()
    assert [c["id"] for c in found] == [cart_id]
    resumed = client.patch(
        f"/api/v1/carts/{cart_id}", json={"channel": "store:FRA", "location": "FRA-01"}, headers=h
    ).json()
    assert (resumed["started_channel"], resumed["channel"], resumed["location"]) == (
        "web", "store:FRA", "FRA-01")  # fmt: skip
    quote = client.get(f"/api/v1/carts/{cart_id}/quote", headers=h)
    assert quote.status_code == 200, quote.text
    assert quote.json()["total"] == 2 * 5000 + 12000
    assert quote.json()["location"] == "FRA-01"

    placed = _order(
        client, h, cart_id=cart_id, channel=None,
        fulfilment={"method": "in_store"},
    )  # fmt: skip
    assert placed.status_code == 201, placed.text
    order = placed.json()
    assert (order["channel"], order["location"], order["customer_id"]) == (
        "store:FRA", "FRA-01", "cus_1")  # fmt: skip
    assert order["entity_id"] == shop.brand.franchisee_a
    assert order["status"] == "fulfilled" and order["total"] == 22000
    assert all(line["handed_over_at"] for line in order["lines"])
    cart = client.get(f"/api/v1/carts/{cart_id}", headers=h).json()
    assert (cart["status"], cart["order_id"]) == ("ordered", order["id"])
    again = client.post(
        f"/api/v1/carts/{cart_id}/lines", json={"sku": "ROBE-1", "quantity": 1}, headers=h
    )
    assert again.status_code == 409


def test_an_order_retried_with_its_idempotency_key_is_placed_once(client, factory, shop: Shop):
    h = {**shop.headers, "Idempotency-Key": "order-7f3a"}
    body = {"lines": [{"sku": "ROBE-1", "quantity": 2}], "customer_id": "cus_9"}
    first = _order(client, h, **body)
    assert first.status_code == 201, first.text
    second = _order(client, h, **body)
    assert second.status_code == 201
    assert second.json() == first.json()
    assert second.headers["idempotent-replayed"] == "true"
    assert _count(factory, Order) == 1
    assert _count(factory, ReservationRow) == 1
    assert shop.stock(factory, "LYON-01", "ROBE-1") == (3, 2)
    assert len(_events(factory, "order.placed")) == 1

    other = _order(client, h, lines=[{"sku": "ROBE-1", "quantity": 3}])
    assert other.status_code == 409
    assert other.json()["code"] == "idempotency_key_reused"
    assert _count(factory, Order) == 1 and shop.stock(factory, "LYON-01", "ROBE-1") == (3, 2)


def test_an_order_is_priced_and_its_coupon_redeemed_with_its_stock_held(
    client, factory, shop: Shop
):
    h = shop.headers
    promotion = {"id": "BIENVENUE", "requires_coupon": True,
                 "action": {"kind": "percent_off", "percent": 10}}  # fmt: skip
    assert client.post("/api/v1/pricing/promotions", json=promotion, headers=h).status_code == 201
    coupon = client.post(
        "/api/v1/pricing/promotions/BIENVENUE/coupons",
        json={"code": "BIENVENUE10", "max_redemptions": 1},
        headers=h,
    )
    assert coupon.status_code == 201, coupon.text
    lines = [{"sku": "ROBE-1", "quantity": 1}, {"sku": "ROBE-2", "quantity": 1}]
    placed = _order(client, h, lines=lines, coupons=["BIENVENUE10"])
    assert placed.status_code == 201, placed.text
    order = placed.json()
    assert (order["subtotal"], order["discount"], order["total"]) == (8000, 800, 7200)
    assert [line["paid"] for line in order["lines"]] == [4500, 2700]
    assert order["coupons"] == ["BIENVENUE10"]
    assert order["adjustments"][0]["promotion_id"] == "BIENVENUE"
    assert _count(factory, Redemption, Redemption.order_ref == order["id"]) == 1

    # the coupon is used: the next order pays full price, nothing is held for a failed one
    second = _order(client, h, lines=lines, coupons=["BIENVENUE10"])
    assert second.json()["total"] == 8000
    short = _order(client, h, lines=[{"sku": "ROBE-1", "quantity": 5}])
    assert short.status_code == 409 and short.json()["code"] == "out_of_stock", short.text
    assert short.json()["sku"] == "ROBE-1" and short.json()["available"] == 1
    assert _count(factory, Order) == 2
    assert shop.stock(factory, "LYON-01", "ROBE-1") == (3, 2)


def test_cancelling_an_order_releases_its_stock_and_its_coupon(client, factory, shop: Shop):
    h = shop.headers
    promotion = {"id": "NOEL", "requires_coupon": True,
                 "action": {"kind": "amount_off", "amount": 1000}}  # fmt: skip
    client.post("/api/v1/pricing/promotions", json=promotion, headers=h)
    client.post("/api/v1/pricing/promotions/NOEL/coupons", json={"code": "NOEL10"}, headers=h)
    order = _order(
        client, h, lines=[{"sku": "SAC-1", "quantity": 2}], coupons=["NOEL10"],
        fulfilment={"method": "ship_from_store", "location": "LYON-02"},
    ).json()  # fmt: skip
    assert order["total"] == 23000
    assert shop.stock(factory, "LYON-02", "SAC-1") == (3, 2)
    cancelled = client.post(
        f"/api/v1/orders/{order['id']}/cancel", json={"reason": "changed my mind"}, headers=h
    )
    assert cancelled.status_code == 200, cancelled.text
    body = cancelled.json()
    assert body["status"] == "cancelled"
    assert body["fulfilments"][0]["status"] == "cancelled"
    assert body["fulfilments"][0]["refund"] == 23000
    assert shop.stock(factory, "LYON-02", "SAC-1") == (3, 0)
    assert _count(factory, Redemption) == 0
    again = _order(client, h, lines=[{"sku": "SAC-1", "quantity": 1}], coupons=["NOEL10"])
    assert again.json()["total"] == 11000  # the coupon came back
    twice = client.post(f"/api/v1/orders/{order['id']}/cancel", json={}, headers=h)
    assert twice.status_code == 409
    assert twice.json()["code"] == "forbidden_transition"
    assert "cancelled" in twice.json()["detail"]


def test_a_parcel_that_left_cannot_be_cancelled(client, factory, shop: Shop):
    h = shop.headers
    order = _order(
        client, h, lines=[{"sku": "ROBE-1", "quantity": 1}],
        fulfilment={"method": "home_delivery"},
    ).json()  # fmt: skip
    parcel = order["fulfilments"][0]
    for status in ("picking", "packed", "shipped"):
        assert _step(client, h, order, parcel, status).status_code == 200
    refused = client.post(f"/api/v1/orders/{order['id']}/cancel", json={}, headers=h)
    assert refused.status_code == 409
    assert (refused.json()["current"], refused.json()["target"]) == ("shipped", "cancelled")
    assert client.get(f"/api/v1/orders/{order['id']}", headers=h).json()["status"] == (
        "in_fulfilment"
    )


def test_home_delivery_comes_from_the_warehouse_first_then_splits(client, factory, shop: Shop):
    h = shop.headers
    one = _order(
        client, h, lines=[{"sku": "ROBE-1", "quantity": 4}],
        fulfilment={"method": "home_delivery", "fee": 490,
                    "ship_to": {"postal_code": "69002", "latitude": 45.76, "longitude": 4.83}},
    ).json()  # fmt: skip
    assert [(f["method"], f["location"]) for f in one["fulfilments"]] == [("home_delivery", "WH-1")]
    assert one["total"] == 20490 and one["delivery_fee"] == 490
    # the warehouse holds no bag: the store that ships holds the whole cart
    store = _order(
        client, h, lines=[{"sku": "ROBE-2", "quantity": 1}, {"sku": "SAC-1", "quantity": 2}],
        fulfilment={"method": "home_delivery"},
    )  # fmt: skip
    assert store.status_code == 201, store.text
    assert [(f["method"], f["location"]) for f in store.json()["fulfilments"]] == [
        ("ship_from_store", "LYON-02")
    ]
    # nobody holds both: two parcels, the warehouse's first
    split = _order(
        client, h, lines=[{"sku": "ROBE-1", "quantity": 1}, {"sku": "SAC-1", "quantity": 1}],
        fulfilment={"method": "home_delivery"},
    ).json()  # fmt: skip
    assert [(f["location"], [(u["sku"], u["quantity"]) for u in f["lines"]])
            for f in split["fulfilments"]] == [
        ("WH-1", [("ROBE-1", 1)]), ("LYON-02", [("SAC-1", 1)])]  # fmt: skip
    assert shop.stock(factory, "LYON-02", "SAC-1") == (3, 3)
    nothing = _order(
        client, h, lines=[{"sku": "SAC-1", "quantity": 50}], fulfilment={"method": "home_delivery"}
    )
    assert nothing.status_code == 409 and nothing.json()["code"] == "cannot_source"


def test_a_parcel_goes_through_every_step_and_each_step_is_an_event(client, factory, shop: Shop):
    h = shop.headers
    order = _order(
        client, h, lines=[{"sku": "ROBE-1", "quantity": 2}], fulfilment={"method": "home_delivery"}
    ).json()
    parcel = order["fulfilments"][0]
    for status in ("picking", "packed", "shipped"):
        moved = _step(client, h, order, parcel, status)
        assert moved.status_code == 200, moved.text
    # shipped: the held units left the shelf
    assert shop.stock(factory, "WH-1", "ROBE-1") == (8, 0)
    moved = _step(client, h, order, parcel, "delivered").json()
    assert [s["to_status"] for s in moved["steps"]] == [
        "placed", "picking", "packed", "shipped", "delivered"]  # fmt: skip
    body = client.get(f"/api/v1/orders/{order['id']}", headers=h).json()
    assert body["status"] == "fulfilled"
    assert all(line["handed_over_at"] for line in body["lines"])
    types = [e.type for e in _events(factory, "fulfilment.")]
    assert types == ["fulfilment.picking", "fulfilment.packed", "fulfilment.shipped",
                     "fulfilment.delivered"]  # fmt: skip


def test_forbidden_transitions_are_refused_naming_both_states(client, factory, shop: Shop):
    h = shop.headers
    order = _order(client, h, lines=[{"sku": "ROBE-2", "quantity": 1}]).json()
    pickup = order["fulfilments"][0]
    refused = _step(client, h, order, pickup, "collected")
    assert refused.status_code == 409
    problem = refused.json()
    assert problem["code"] == "forbidden_transition"
    assert (problem["current"], problem["target"]) == ("placed", "collected")
    assert "placed" in problem["detail"] and "collected" in problem["detail"]
    unknown = _step(client, h, order, pickup, "teleported")
    assert unknown.status_code == 422 and unknown.json()["code"] == "unknown_status"
    store = client.post(
        "/api/v1/orders",
        json={"channel": "web", "lines": [{"sku": "ROBE-1", "quantity": 1}],
              "fulfilment": {"method": "ship_from_store", "location": "LYON-01"}},
        headers=h,
    )  # fmt: skip
    # LYON-01 does not ship from store
    assert store.status_code == 422 and store.json()["field"] == "fulfilment.location"


def test_a_rejected_ship_from_store_parcel_is_sourced_again_elsewhere(client, factory, shop: Shop):
    h = shop.headers
    order = _order(
        client, h, lines=[{"sku": "ROBE-2", "quantity": 1}],
        fulfilment={"method": "ship_from_store", "location": "LYON-02"},
    ).json()  # fmt: skip
    rejected = _step(client, h, order, order["fulfilments"][0], "rejected")
    assert rejected.status_code == 200, rejected.text
    assert rejected.json()["refund"] is None  # not refunded: sent from elsewhere
    after = client.get(f"/api/v1/orders/{order['id']}", headers=h).json()
    assert [(f["method"], f["location"], f["status"]) for f in after["fulfilments"]] == [
        ("ship_from_store", "LYON-02", "rejected"), ("home_delivery", "WH-1", "placed")]  # fmt: skip
    assert shop.stock(factory, "LYON-02", "ROBE-2") == (5, 0)
    assert shop.stock(factory, "WH-1", "ROBE-2") == (1, 1)
    assert after["status"] == "in_fulfilment"


def test_a_rejected_parcel_nobody_else_can_ship_is_refunded(client, factory, shop: Shop):
    h = shop.headers
    order = _order(
        client, h, lines=[{"sku": "SAC-1", "quantity": 1}],
        fulfilment={"method": "ship_from_store", "location": "LYON-02", "fee": 390},
    ).json()  # fmt: skip
    rejected = _step(client, h, order, order["fulfilments"][0], "rejected").json()
    # no other location ships bags (the warehouse has none)
    assert rejected["refund"] == 12390
    after = client.get(f"/api/v1/orders/{order['id']}", headers=h).json()
    assert len(after["fulfilments"]) == 1 and after["status"] == "cancelled"
    assert shop.stock(factory, "LYON-02", "SAC-1") == (3, 0)


def test_a_franchisee_reaches_only_the_orders_it_sold_or_fulfils(client, factory, shop: Shop):
    brand = shop.brand
    a = issue_key(
        factory,
        ["orders:read", "orders:write", "orders:fulfil", "pricing:read", "pricing:redeem"],
        entity_id=brand.franchisee_a,
    )
    own = _order(
        client, a, channel="store:FRA", location="FRA-01", lines=[{"sku": "SAC-1", "quantity": 1}],
        fulfilment={"method": "in_store"},
    )  # fmt: skip
    assert own.status_code == 201, own.text
    web = _order(client, shop.headers, lines=[{"sku": "ROBE-1", "quantity": 1}])  # LYON-01
    pickup = _order(
        client, shop.headers, lines=[{"sku": "ROBE-1", "quantity": 1}],
        fulfilment={"method": "click_and_collect", "location": "FRA-01"},
    ).json()  # fmt: skip
    listed = {o["id"] for o in client.get("/api/v1/orders", headers=a).json()}
    assert listed == {own.json()["id"], pickup["id"]}
    assert client.get(f"/api/v1/orders/{web.json()['id']}", headers=a).status_code == 404
    assert _step(client, a, pickup, pickup["fulfilments"][0], "ready").status_code == 200
    queue = client.get(
        "/api/v1/fulfilments", params={"method": "click_and_collect", "status": "ready"}, headers=a
    ).json()
    assert [f["order_id"] for f in queue] == [pickup["id"]]
    # selling on another's channel or at another's store is refused
    theirs = _order(client, a, channel="web", lines=[{"sku": "ROBE-1", "quantity": 1}])
    assert theirs.status_code == 403
    elsewhere = _order(
        client, a, channel="store:FRA", location="LYON-01",
        lines=[{"sku": "ROBE-1", "quantity": 1}], fulfilment={"method": "in_store"},
    )  # fmt: skip
    assert elsewhere.status_code == 403


def test_a_till_receipt_is_recorded_once(client, factory, shop: Shop):
    h = shop.headers
    body = {"channel": "store:FRA", "location": "FRA-01", "receipt": "T12-000481",
            "lines": [{"sku": "ROBE-1", "quantity": 1}], "fulfilment": {"method": "in_store"}}  # fmt: skip
    assert client.post("/api/v1/orders", json=body, headers=h).status_code == 201
    again = client.post("/api/v1/orders", json=body, headers=h)
    assert again.status_code == 409 and again.json()["field"] == "receipt"
    found = client.get("/api/v1/orders", params={"receipt": "T12-000481"}, headers=h).json()
    assert len(found) == 1 and found[0]["status"] == "fulfilled"


def test_an_unpaid_order_is_paid_later(client, factory, shop: Shop):
    h = shop.headers
    order = _order(client, h, lines=[{"sku": "ROBE-1", "quantity": 1}], paid=False).json()
    assert order["status"] == "placed"
    paid = client.post(f"/api/v1/orders/{order['id']}/pay", headers=h)
    assert paid.status_code == 200 and paid.json()["status"] == "paid"
    assert client.post(f"/api/v1/orders/{order['id']}/pay", headers=h).status_code == 409


def test_reservations_of_a_pickup_hold_until_the_collection_window_ends(
    client, factory, shop: Shop
):
    h = shop.headers
    before = utcnow()
    order = _order(client, h, lines=[{"sku": "ROBE-2", "quantity": 2}]).json()
    until = order["fulfilments"][0]["reserved_until"]
    with factory() as s:
        row = s.execute(select(ReservationRow)).scalar_one()
        assert row.reference == order["fulfilments"][0]["id"]
        assert row.expires_at >= before + timedelta(days=5) - timedelta(seconds=1)
    assert until is not None

"""Click & collect end to end (placed → ready → collected; or expired → released → refunded
when the hold runs out) and returns anywhere, on SQLite and PostgreSQL: orders of every channel
returned at another location, refunds to the cent, restock or quarantine, the returns desk."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from omnicanal.db import utcnow
from omnicanal.events.dispatcher import dispatch_once
from omnicanal.events.models import OutboxEvent
from omnicanal.inventory import service as inventory_service
from omnicanal.orders import service as orders_service
from omnicanal.orders.returns import unit_refund
from tests.conftest import issue_key
from tests.orders.conftest import Shop

STAFF = ["orders:read", "orders:write", "orders:fulfil", "pricing:read", "pricing:redeem"]


def _order(client, headers, **body):  # type: ignore[no-untyped-def]
    body.setdefault("channel", "web")
    body.setdefault("fulfilment", {"method": "click_and_collect", "location": "LYON-01"})
    response = client.post("/api/v1/orders", json=body, headers=headers)
    assert response.status_code == 201, response.text
    return response.json()


def _step(client, headers, order, status, index=0):  # type: ignore[no-untyped-def]
    fulfilment = order["fulfilments"][index]
    response = client.post(
        f"/api/v1/orders/{order['id']}/fulfilments/{fulfilment['id']}/status",
        json={"status": status},
        headers=headers,
    )
    assert response.status_code == 200, response.text
    return response.json()


def _return(client, headers, order, location, lines, **extra):  # type: ignore[no-untyped-def]
    return client.post(
        f"/api/v1/orders/{order['id']}/returns",
        json={"location": location, "lines": lines, **extra},
        headers=headers,
    )


def _events(factory, type_: str) -> list[dict]:
    with factory() as s:
        return [
            e.payload
            for e in s.execute(
                select(OutboxEvent)
                .where(OutboxEvent.type == type_)
                .order_by(OutboxEvent.occurred_at)
            ).scalars()
        ]


def test_click_and_collect_is_prepared_then_collected(client, factory, shop: Shop):
    h = shop.headers
    order = _order(client, h, lines=[{"sku": "ROBE-1", "quantity": 2}], customer_id="cus_2")
    assert shop.stock(factory, "LYON-01", "ROBE-1") == (3, 2)
    ready = _step(client, h, order, "ready")
    assert ready["status"] == "ready"
    collected = _step(client, h, order, "collected")
    assert [s["to_status"] for s in collected["steps"]] == ["placed", "ready", "collected"]
    assert shop.stock(factory, "LYON-01", "ROBE-1") == (1, 0)
    body = client.get(f"/api/v1/orders/{order['id']}", headers=h).json()
    assert body["status"] == "fulfilled" and body["lines"][0]["handed_over_at"]
    assert [e["to"] for e in _events(factory, "fulfilment.collected")] == ["collected"]


def test_a_pickup_not_collected_in_time_expires_is_released_and_refunded(
    client, factory, settings, shop: Shop
):
    h = shop.headers
    order = _order(
        client, h, lines=[{"sku": "ROBE-2", "quantity": 1}, {"sku": "SAC-1", "quantity": 1}],
        fulfilment={"method": "click_and_collect", "location": "LYON-01", "fee": 200},
    )  # fmt: skip
    _step(client, h, order, "ready")
    assert shop.stock(factory, "LYON-01", "SAC-1") == (2, 1)
    # the sweeper runs after the hold: the reservations expire, the event reaches the orders
    later = utcnow() + orders_service.COLLECT_WITHIN + timedelta(minutes=1)
    with factory.begin() as s:
        assert inventory_service.sweep(s, now=later) == 2
    assert shop.stock(factory, "LYON-01", "SAC-1") == (2, 0)
    dispatch_once(factory, settings)
    body = client.get(f"/api/v1/orders/{order['id']}", headers=h).json()
    pickup = body["fulfilments"][0]
    assert [s["to_status"] for s in pickup["steps"]] == [
        "placed", "ready", "expired", "released", "refunded"]  # fmt: skip
    assert pickup["refund"] == body["total"] == 3000 + 12000 + 200
    assert body["status"] == "cancelled"
    assert [e["refund"] for e in _events(factory, "fulfilment.refunded")] == [15200]
    # the second expired reservation of the same pickup changes nothing
    with factory.begin() as s:
        assert orders_service.expire_collection(s, pickup["id"], later) is None


def test_a_pickup_never_prepared_is_cancelled_when_its_hold_runs_out(client, factory, shop: Shop):
    h = shop.headers
    order = _order(client, h, lines=[{"sku": "ROBE-1", "quantity": 1}])
    later = utcnow() + orders_service.COLLECT_WITHIN + timedelta(minutes=1)
    with factory.begin() as s:
        inventory_service.sweep(s, now=later)
        orders_service.expire_collection(s, order["fulfilments"][0]["id"], later)
    pickup = client.get(f"/api/v1/orders/{order['id']}", headers=h).json()["fulfilments"][0]
    assert [s["to_status"] for s in pickup["steps"]] == [
        "placed", "cancelled", "released", "refunded"]  # fmt: skip
    assert pickup["refund"] == 5000
    assert shop.stock(factory, "LYON-01", "ROBE-1") == (3, 0)


def _sold_everywhere(client, shop: Shop) -> dict[str, dict]:
    """One order per channel, each handed over: a web parcel delivered, a web pickup
    collected, a till sale in franchisee A's store."""
    h = shop.headers
    promotion = {"id": "TROIS", "action": {"kind": "amount_off", "amount": 1000}}
    assert client.post("/api/v1/pricing/promotions", json=promotion, headers=h).status_code == 201
    parcel = _order(
        client, h, lines=[{"sku": "ROBE-1", "quantity": 3}, {"sku": "ROBE-2", "quantity": 1}],
        fulfilment={"method": "home_delivery", "fee": 490}, customer_id="cus_7",
    )  # fmt: skip
    for status in ("picking", "packed", "shipped", "delivered"):
        _step(client, h, parcel, status)
    pickup = _order(client, h, lines=[{"sku": "SAC-1", "quantity": 1}], customer_id="cus_7")
    _step(client, h, pickup, "ready")
    _step(client, h, pickup, "collected")
    till = _order(
        client, h, channel="store:FRA", location="FRA-01", receipt="FRA-T1-0042",
        lines=[{"sku": "ROBE-1", "quantity": 2}], fulfilment={"method": "in_store"},
    )  # fmt: skip
    return {"web": parcel, "pickup": pickup, "till": till}


def test_orders_of_every_channel_are_returned_at_another_store_refunded_to_the_cent(
    client, factory, shop: Shop
):
    orders = _sold_everywhere(client, shop)
    parcel = client.get(f"/api/v1/orders/{orders['web']['id']}", headers=shop.headers).json()
    robes, robe2 = parcel["lines"]
    # 1 000 off spread over the lines to the cent: the three dresses paid what is left
    assert robes["paid"] + robe2["paid"] == 3 * 5000 + 3000 - 1000
    assert robes["paid"] % 3 != 0, "the test wants a line whose units do not share evenly"
    a = issue_key(factory, STAFF, entity_id=shop.brand.franchisee_a)

    # the web parcel, one dress at a time at franchisee A's store
    refunds = []
    for _ in range(3):
        taken = _return(client, a, parcel, "FRA-01", [{"line_id": robes["id"], "quantity": 1}])
        assert taken.status_code == 201, taken.text
        refunds.append(taken.json()["total"])
    assert refunds == [unit_refund(robes["paid"], 3, n, 1) for n in range(3)]
    assert sum(refunds) == robes["paid"]
    assert shop.stock(factory, "FRA-01", "ROBE-1") == (5, 0)
    # the last line completes the order: the delivery paid comes back with it
    last = _return(client, a, parcel, "FRA-01", [{"line_id": robe2["id"], "quantity": 1}])
    assert last.json()["items_refund"] == robe2["paid"]
    assert last.json()["delivery_refund"] == 490

    # the web pickup, by post to the warehouse, damaged: refunded, kept aside
    pickup = orders["pickup"]
    posted = _return(client, shop.headers, pickup, "WH-1",
                     [{"line_id": pickup["lines"][0]["id"], "quantity": 1, "damaged": True}])  # fmt: skip
    assert posted.status_code == 201, posted.text
    assert posted.json()["total"] == pickup["lines"][0]["paid"]
    assert posted.json()["lines"][0]["disposition"] == "quarantine"
    assert shop.stock(factory, "WH-1", "SAC-1") == (0, 0)

    # the franchisee's till sale at the brand's own store
    till = orders["till"]
    own = _return(client, shop.headers, till, "LYON-01",
                  [{"line_id": till["lines"][0]["id"], "quantity": 2}])  # fmt: skip
    assert own.status_code == 201, own.text
    assert own.json()["total"] == till["lines"][0]["paid"]
    assert shop.stock(factory, "LYON-01", "ROBE-1") == (5, 0)

    accepted = _events(factory, "return.accepted")
    assert len(accepted) == 6
    assert accepted[-1]["sold"]["entity_id"] == shop.brand.franchisee_a
    assert accepted[-1]["returned"]["location"] == "LYON-01"
    assert accepted[0]["sold"]["channel"] == "web" and accepted[0]["customer_id"] == "cus_7"
    assert accepted[0]["returned"]["entity_id"] == shop.brand.franchisee_a
    body = client.get(f"/api/v1/orders/{parcel['id']}", headers=shop.headers).json()
    assert sum(r["total"] for r in body["returns"]) == body["total"]
    assert [line["returned"] for line in body["lines"]] == [3, 1]


def test_a_return_beyond_what_was_sold_or_out_of_its_window_is_refused(client, factory, shop: Shop):
    orders = _sold_everywhere(client, shop)
    till = orders["till"]
    line = till["lines"][0]["id"]
    too_many = _return(client, shop.headers, till, "LYON-01", [{"line_id": line, "quantity": 3}])
    assert too_many.status_code == 422 and too_many.json()["returnable"] == 2
    late = (utcnow() + timedelta(days=45)).isoformat()
    closed = _return(client, shop.headers, till, "LYON-01",
                     [{"line_id": line, "quantity": 1}], at=late)  # fmt: skip
    assert closed.status_code == 409 and closed.json()["code"] == "return_window_closed"
    # an order not yet handed over is cancelled, not returned
    waiting = _order(client, shop.headers, lines=[{"sku": "ROBE-2", "quantity": 1}])
    early = _return(client, shop.headers, waiting, "LYON-01",
                    [{"line_id": waiting["lines"][0]["id"], "quantity": 1}])  # fmt: skip
    assert early.status_code == 409 and early.json()["code"] == "not_handed_over"
    # a store takes returns at its own counter only
    a = issue_key(factory, STAFF, entity_id=shop.brand.franchisee_a)
    theirs = _return(client, a, till, "LYON-01", [{"line_id": line, "quantity": 1}])
    assert theirs.status_code == 403


def test_the_returns_desk_finds_any_order_by_number_or_receipt_without_its_seller(
    client, factory, shop: Shop
):
    orders = _sold_everywhere(client, shop)
    b = issue_key(factory, STAFF, entity_id=shop.brand.franchisee_b)
    web = orders["web"]
    found = client.get("/api/v1/returns/lookup", params={"number": web["number"]}, headers=b)
    assert found.status_code == 200, found.text
    (view,) = found.json()
    assert view["id"] == web["id"]
    assert [line["returnable"] for line in view["lines"]] == [3, 1]
    assert view["lines"][0]["return_until"]
    assert "cus_7" not in found.text and "entity" not in found.text
    by_receipt = client.get(
        "/api/v1/returns/lookup", params={"receipt": "FRA-T1-0042"}, headers=b
    ).json()
    assert [o["id"] for o in by_receipt] == [orders["till"]["id"]]
    assert shop.brand.franchisee_a not in str(by_receipt) and "FRA-01" not in str(by_receipt)
    # by customer, only the orders B reaches (none)
    assert (
        client.get("/api/v1/returns/lookup", params={"customer_id": "cus_7"}, headers=b).json()
        == []
    )
    brand_wide = client.get(
        "/api/v1/returns/lookup", params={"customer_id": "cus_7"}, headers=shop.headers
    ).json()
    assert {o["id"] for o in brand_wide} == {web["id"], orders["pickup"]["id"]}
    # and B takes the return at its own store: the order stays out of its reach otherwise
    taken = _return(client, b, web, "FRB-01",
                    [{"line_id": web["lines"][1]["id"], "quantity": 1}])  # fmt: skip
    assert taken.status_code == 201, taken.text
    assert client.get(f"/api/v1/orders/{web['id']}", headers=b).status_code == 404


def test_a_parcel_whose_hold_runs_out_before_it_ships_is_held_again(
    client, factory, settings, shop: Shop
):
    h = shop.headers
    order = _order(
        client, h, lines=[{"sku": "ROBE-1", "quantity": 2}], fulfilment={"method": "home_delivery"}
    )
    later = utcnow() + orders_service.SHIP_WITHIN + timedelta(minutes=1)
    with factory.begin() as s:
        assert inventory_service.sweep(s, now=later) == 1
    assert shop.stock(factory, "WH-1", "ROBE-1") == (10, 0)
    dispatch_once(factory, settings)
    assert shop.stock(factory, "WH-1", "ROBE-1") == (10, 2)
    parcel = client.get(f"/api/v1/orders/{order['id']}", headers=h).json()["fulfilments"][0]
    assert parcel["status"] == "placed" and parcel["reserved_until"] > order["placed_at"]
    for status in ("picking", "packed", "shipped"):
        _step(client, h, order, status)
    assert shop.stock(factory, "WH-1", "ROBE-1") == (8, 0)


def test_only_the_seller_cancels_an_order_the_store_that_prepares_it_moves_its_pickup(
    client, factory, shop: Shop
):
    order = _order(
        client, shop.headers, lines=[{"sku": "ROBE-1", "quantity": 1}],
        fulfilment={"method": "click_and_collect", "location": "FRA-01"},
    )  # fmt: skip
    a = issue_key(factory, STAFF, entity_id=shop.brand.franchisee_a)
    refused = client.post(f"/api/v1/orders/{order['id']}/cancel", json={}, headers=a)
    assert refused.status_code == 403
    cancelled = _step(client, a, order, "cancelled")
    assert [s["to_status"] for s in cancelled["steps"]][-1] == "refunded"
    assert cancelled["refund"] == order["total"]
    body = client.get(f"/api/v1/orders/{order['id']}", headers=shop.headers).json()
    assert body["status"] == "cancelled"
    assert shop.stock(factory, "FRA-01", "ROBE-1") == (2, 0)


def test_a_return_retried_with_its_idempotency_key_refunds_once(client, factory, shop: Shop):
    till = _sold_everywhere(client, shop)["till"]
    headers = {**shop.headers, "Idempotency-Key": "return-desk-42"}
    lines = [{"line_id": till["lines"][0]["id"], "quantity": 1}]
    first = _return(client, headers, till, "LYON-01", lines)
    second = _return(client, headers, till, "LYON-01", lines)
    assert first.status_code == second.status_code == 201
    assert second.json() == first.json() and second.headers["idempotent-replayed"] == "true"
    body = client.get(f"/api/v1/orders/{till['id']}", headers=shop.headers).json()
    assert len(body["returns"]) == 1 and body["lines"][0]["returned"] == 1
    assert shop.stock(factory, "LYON-01", "ROBE-1") == (4, 0)
    assert len(_events(factory, "return.accepted")) == 1

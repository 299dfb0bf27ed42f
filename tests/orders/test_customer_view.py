"""A customer's orders in their 360 view (every channel, with the customers merged into them,
only what the viewer may see), and the orders' part in a GDPR erasure."""

from __future__ import annotations

from datetime import UTC, datetime

from omnicanal.imports import service as imports
from omnicanal.orders.customer_view import Sold, summarise
from omnicanal.security.service import SYSTEM
from tests.conftest import issue_key
from tests.orders.conftest import Shop

RECORDS = "/api/v1/customers/records"


def _at(day: int) -> datetime:
    return datetime(2026, 3, day, 10, tzinfo=UTC)


def test_the_figures_count_every_order_and_spend_net_of_refunds() -> None:
    orders = [
        Sold("web", "fulfilled", "EUR", 12190, 4500, _at(2)),
        Sold("store:FRA", "fulfilled", "EUR", 17000, 0, _at(5)),
        Sold("web", "cancelled", "EUR", 12000, 0, _at(3)),
        Sold("web", "fulfilled", "CHF", 3000, 0, _at(4)),
    ]
    figures = summarise(orders)
    assert (figures["count"], figures["cancelled"]) == (4, 1)
    assert figures["channels"] == {"web": 3, "store:FRA": 1}
    assert figures["spent"] == {"EUR": 12190 - 4500 + 17000, "CHF": 3000}
    assert (figures["first_at"], figures["last_at"]) == (_at(2), _at(5))
    assert summarise([])["count"] == 0 and summarise([])["first_at"] is None


def _customer(client, headers, source: str, source_id: str, first: str, key: str) -> str:
    body = {"source": source, "source_id": source_id, "first_name": first,
            "last_name": "Keravec", "email": f"{first.lower()}.keravec@example.fr"}  # fmt: skip
    answer = client.post(RECORDS, json=body, headers={**headers, "Idempotency-Key": key})
    assert answer.status_code == 201, answer.text
    return answer.json()["customers"][0]["customer_id"]


def _order(order_id: str, **fields) -> dict:
    return {"order_id": order_id, "placed_at": "2026-03-02T10:00:00Z",
            "lines": [{"sku": "ROBE-1", "quantity": 1, "unit_price": 5000}], **fields}  # fmt: skip


def test_the_360_view_lists_the_orders_of_every_channel_the_viewer_may_see(
    client, factory, shop: Shop
) -> None:
    h = shop.headers
    ondine = _customer(client, h, "web", "W-1", "Ondine", "k1")
    till = issue_key(factory, ["customers:read", "customers:write"],
                     entity_id=shop.brand.franchisee_a)  # fmt: skip
    other = _customer(client, till, "pos", "P-9", "Ondi", "k2")  # the franchisee's; merged later
    rows = [
        (1, _order("MD1", channel="web", customer_ref="W-1", ship_to={
            "name": "Ondine Keravec", "street": "17 impasse des Goélands",
            "postal_code": "29200", "city": "Brest"})),
        (2, _order("FRA-1", location="FRA-01", customer_ref="P-9", customer_source="pos",
                   placed_at="2026-03-05T10:00:00Z")),
        (3, _order("MD2", channel="web", status="cancelled", customer_id=ondine,
                   placed_at="2026-03-03T10:00:00Z")),
    ]  # fmt: skip
    assert imports.run_import(factory, SYSTEM, "orders", "t", rows).created == 3
    merged = client.post("/api/v1/customers/merge", headers={**h, "Idempotency-Key": "k3"},
                         json={"survivor_id": ondine, "merged_id": other})  # fmt: skip
    assert merged.status_code == 201, merged.text

    view = client.get(f"/api/v1/customers/{ondine}", headers=h).json()["sections"]["orders"]
    assert (view["count"], view["cancelled"], view["spent"]) == (3, 1, {"EUR": 10000})
    assert view["channels"] == {"web": 2, "store:FRA": 1}
    assert [o["receipt"] for o in view["orders"]] == ["FRA-1", "MD2", "MD1"]  # newest first
    # a franchisee sees the orders its store sold, not the web's; a key without orders:read,
    # no section at all
    franchisee = issue_key(factory, ["customers:read", "orders:read"],
                           entity_id=shop.brand.franchisee_a)  # fmt: skip
    seen = client.get(f"/api/v1/customers/{ondine}", headers=franchisee)
    assert seen.status_code == 200, seen.text
    assert [o["receipt"] for o in seen.json()["sections"]["orders"]["orders"]] == ["FRA-1"]
    blind = issue_key(factory, ["customers:read"])
    assert (
        "orders" not in client.get(f"/api/v1/customers/{ondine}", headers=blind).json()["sections"]
    )

    erased = client.post(f"/api/v1/customers/{ondine}/erase", json={"reason": "asked"},
                         headers=h)  # fmt: skip
    assert erased.status_code == 200, erased.text
    assert erased.json()["counts"]["orders"] == 1
    exported = client.get("/api/v1/orders?receipt=MD1", headers=h).json()
    assert exported[0]["total"] == 5000
    with factory() as s:
        from sqlalchemy import select

        from omnicanal.orders.models import Order

        ship_to = s.scalars(select(Order.ship_to).where(Order.receipt == "MD1")).one()
        assert ship_to == {"postal_code": "29200", "city": "Brest", "country": "FR"}

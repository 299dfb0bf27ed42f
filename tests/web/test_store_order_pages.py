"""The store console's order pages: the click & collect queue (prepare, hand over, cancel, each
through the order's state machine) and the returns desk (find any order, take units back at
this store, refund what was paid), as a seller of the Lyon store uses them."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from omnicanal.imports import service as imports
from omnicanal.security.service import SYSTEM
from tests.orders.conftest import Shop, shop  # noqa: F401  (the fixture)
from tests.web.conftest import ADMIN, STAFF
from tests.web.helpers import csrf_token, sign_in, switch_language


def _order(client: TestClient, seller: Shop, lines, method="click_and_collect"):  # type: ignore[no-untyped-def]
    body = {
        "channel": "web",
        "lines": lines,
        "fulfilment": {"method": method, "location": "LYON-01"},
    }
    placed = client.post("/api/v1/orders", json=body, headers=seller.headers)
    assert placed.status_code == 201, placed.text
    return placed.json()


def _tap(client: TestClient, page: str, button: str) -> str:
    """Submit the first form of `page` whose button reads `button`; the page it leads to."""
    forms = re.findall(r'<form method="post" action="([^"]+)">(.*?)</form>', page, re.S)
    for action, inner in forms:
        if f">{button}</button>" in inner:
            fields = dict(re.findall(r'name="([^"]+)" value="([^"]*)"', inner))
            answer = client.post(action, data=fields, follow_redirects=True)
            assert answer.status_code == 200, answer.text
            return answer.text
    raise AssertionError(f"no button {button!r}")


def test_the_pickup_queue_prepares_and_hands_over(client: TestClient, shop: Shop, users) -> None:  # noqa: F811
    first = _order(client, shop, [{"sku": "ROBE-1", "quantity": 1}])
    second = _order(client, shop, [{"sku": "SAC-1", "quantity": 1}])
    sign_in(client, STAFF)
    switch_language(client, "en", "/store/pickups")
    queue = client.get("/store/pickups").text
    assert first["number"] in queue and second["number"] in queue
    assert 'To prepare <span class="pill">2</span>' in queue

    ready = _tap(client, queue, "Prepared")
    assert f"Order {first['number']} is ready" in ready
    ready_tab = client.get("/store/pickups?tab=ready").text
    assert first["number"] in ready_tab and second["number"] not in ready_tab
    collected = _tap(client, ready_tab, "Handed over")
    assert f"Order {first['number']} handed over" in collected
    assert first["number"] in client.get("/store/pickups?tab=collected").text
    assert shop.stock(client.app.state.sessionmaker, "LYON-01", "ROBE-1") == (2, 0)

    cancelled = _tap(client, client.get("/store/pickups").text, "Cancel")
    assert f"Order {second['number']} cancelled" in cancelled
    expired_tab = client.get("/store/pickups?tab=expired").text
    assert second["number"] in expired_tab and "refunded" in expired_tab
    assert shop.stock(client.app.state.sessionmaker, "LYON-01", "SAC-1") == (2, 0)


def test_the_returns_desk_takes_back_a_web_order(client: TestClient, shop: Shop, users) -> None:  # noqa: F811
    order = _order(client, shop, [{"sku": "ROBE-1", "quantity": 2}])
    fulfilment = order["fulfilments"][0]["id"]
    for status in ("ready", "collected"):  # collected at the Lyon store
        step = client.post(
            f"/api/v1/orders/{order['id']}/fulfilments/{fulfilment}/status",
            json={"status": status}, headers=shop.headers,
        )  # fmt: skip
        assert step.status_code == 200, step.text
    sign_in(client, STAFF)
    desk = client.get("/store/returns", params={"q": order["number"].lower()}).text
    assert f"Commande {order['number']}" in desk
    line_id = order["lines"][0]["id"]
    page = client.get("/store/returns", params={"q": order["number"]})
    answer = client.post(
        f"/store/returns/{order['id']}",
        data={"csrf_token": csrf_token(page.text), "store": "LYON-01", "q": order["number"],
              f"quantity-{line_id}": "1", "reason": "trop grand"},
        follow_redirects=True,
    )  # fmt: skip
    assert answer.status_code == 200
    flashes = re.findall(r"class=\"flash[^\"]*\"[^>]*>(.*?)<", answer.text, re.S)
    assert "Retour enregistré" in answer.text and "50,00" in answer.text, flashes
    assert "(1 retourné" in answer.text
    nothing = client.get("/store/returns", params={"q": "CMD-NOPE"}).text
    assert "Aucune commande ne correspond" in nothing


def _recorded(client: TestClient, kind: str, rows: list[dict]) -> int:
    """Records of a channel system's history through the import path; how many were new."""
    factory = client.app.state.sessionmaker
    numbered = list(enumerate(rows, start=1))
    return imports.run_import(factory, SYSTEM, kind, "test", numbered).created


def test_the_returns_desk_says_when_the_return_window_closed(
    client: TestClient,
    shop: Shop,  # noqa: F811
    users,
) -> None:
    order = {"order_id": "MD-OLD-1", "channel": "web", "placed_at": "2025-01-02T10:00:00Z",
             "lines": [{"sku": "ROBE-1", "quantity": 1, "unit_price": 5000}]}  # fmt: skip
    assert _recorded(client, "orders", [order]) == 1
    step = {"fulfilment_id": "F-OLD-1", "order_id": "MD-OLD-1", "type": "home_delivery",
            "location_code": "WH-1", "status": "delivered", "occurred_at": "2025-01-04T15:00:00Z"}  # fmt: skip
    assert _recorded(client, "fulfilments", [step]) == 1
    looked_up = client.get("/api/v1/returns/lookup", params={"receipt": "MD-OLD-1"},
                           headers=shop.headers).json()  # fmt: skip
    (line,) = looked_up[0]["lines"]
    assert (line["return_until"], line["window_closed"], line["returnable"]) == (
        "2025-02-03", True, 0)  # fmt: skip
    sign_in(client, STAFF)
    page = client.get("/store/returns", params={"q": "MD-OLD-1"}).text
    assert "Délai passé (3 févr. 2025)" in page
    assert "Plus rien de cette commande ne peut être repris." in page
    assert "Enregistrer le retour" not in page and 'name="quantity-' not in page
    switch_language(client, "en", "/store/returns")
    english = client.get("/store/returns", params={"q": "MD-OLD-1"}).text
    assert "Closed (Feb 3, 2025)" in english


def test_a_customer_page_lists_their_orders_of_every_channel(
    client: TestClient,
    shop: Shop,  # noqa: F811
    users,
) -> None:
    record = {"source": "web", "source_id": "W-1", "first_name": "Ondine",
              "last_name": "Keravec", "email": "ondine.keravec@example.fr"}  # fmt: skip
    posted = client.post("/api/v1/customers/records", json=record,
                         headers={**shop.headers, "Idempotency-Key": "k1"})  # fmt: skip
    customer = posted.json()["customers"][0]["customer_id"]
    rows = [
        {"order_id": "MD-7", "channel": "web", "customer_ref": "W-1",
         "placed_at": "2026-03-02T10:00:00Z",
         "lines": [{"sku": "ROBE-1", "quantity": 2, "unit_price": 5000}]},
        {"order_id": "FRA-7", "location": "FRA-01", "customer_id": customer,
         "placed_at": "2026-03-05T15:00:00Z",
         "lines": [{"sku": "SAC-1", "quantity": 1, "unit_price": 12000}]},
    ]  # fmt: skip
    assert _recorded(client, "orders", rows) == 2
    sign_in(client, ADMIN)
    page = client.get(f"/customers/{customer}").text
    assert '<a href="#section-orders">Commandes</a>' in page
    # the channels by their names, most orders first (ties: the latest first)
    assert "2 commandes · Stores A 1, Web 1 · 220,00 € dépensés" in " ".join(page.split())
    assert "MD-7" in page and "FRA-7" in page and "remise au client" in page
    switch_language(client, "en", f"/customers/{customer}")
    english = " ".join(client.get(f"/customers/{customer}").text.split())
    assert "2 orders · Stores A 1, Web 1 · spent €220.00 net of refunds" in english

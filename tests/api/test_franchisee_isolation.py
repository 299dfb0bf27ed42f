"""A franchisee's key can never read or change another franchisee's data, on any route.

The test walks every route of the API. A new route whose path parameter or body is not
known here makes the test fail, so that its isolation gets thought about and proven.
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from omnicanal.catalog.models import ProductCode
from omnicanal.customers.models import (
    ConsentEvent,
    Customer,
    Decision,
    MatchReview,
    SourceRecord,
)
from omnicanal.db import utcnow
from omnicanal.events import emit
from omnicanal.events.models import Delivery, OutboxEvent, WebhookEndpoint
from omnicanal.inventory.models import (
    LocationStockSettings,
    MovementRow,
    ReservationRow,
    StockPositionRow,
)
from omnicanal.network.models import Channel, Entity, Location
from omnicanal.orders.models import Cart, CartLine, Fulfilment, Order, OrderLine
from omnicanal.pricing.models import PricePolicy, PriceRow, PromotionRow, Redemption
from omnicanal.security.models import ApiKey, User
from omnicanal.security.permissions import ROLE_PERMISSIONS, Role
from tests.conftest import Brand, create_user, issue_key
from tests.web.helpers import csrf_token, sign_in

FRANCHISEE_PERMISSIONS = [
    *sorted(p.value for p in ROLE_PERMISSIONS[Role.FRANCHISEE]),
    "apikeys:manage",
    "users:manage",
]


def _other_franchisee_objects(factory, brand: Brand) -> dict[str, str]:
    """Create one object of each kind belonging to franchisee B; return the path fillers."""
    with factory.begin() as s:
        channel = s.scalars(select(Channel).where(Channel.code == "store:FRB")).first()
        if channel is None:
            channel = Channel(
                code="store:FRB", name="Stores B", kind="store", entity_id=brand.franchisee_b
            )
            s.add(channel)
        endpoint = WebhookEndpoint(
            entity_id=brand.franchisee_b,
            url="http://127.0.0.1:9/hook-b",
            secret="whsec_c2VjcmV0LW9mLWZyYW5jaGlzZWUtYg==",
            event_types=[],
        )
        s.add(endpoint)
        s.flush()
        event = emit(
            s, "location.updated", {"secret_of_b": "FRB-SECRET"}, entity_id=brand.franchisee_b
        )
        s.flush()
        delivery = Delivery(
            event_id=event.id,
            target=f"webhook:{endpoint.id}",
            status="dead",
            attempts=8,
            next_attempt_at=utcnow(),
        )
        s.add(delivery)
        s.flush()
        customer = Customer(last_name="Secretname")
        s.add(customer)
        s.flush()
        record = SourceRecord(
            customer_id=customer.id,
            entity_id=brand.franchisee_b,
            owner=brand.franchisee_b,
            source="pos",
            source_id="FRB-CUST-1",
            raw={"last_name": "SECRETNAME"},
            last_name="Secretname",
        )
        s.add(record)
        s.flush()
        s.add(
            ConsentEvent(
                customer_id=customer.id,
                purpose="sms_marketing",
                channel="all",
                granted=True,
                source="pos",
                record_id=record.id,
                occurred_at=utcnow(),
            )
        )
        other = SourceRecord(
            customer_id=customer.id,
            entity_id=brand.franchisee_b,
            owner=brand.franchisee_b,
            source="pos",
            source_id="FRB-CUST-2",
            raw={"last_name": "SECRETNAME"},
            last_name="Secretname",
        )
        s.add(other)
        s.flush()
        review = MatchReview(
            record_a_id=record.id, record_b_id=other.id, weight=1.0, probability=0.6, levels=[]
        )
        decision = Decision(kind="merge", actor="test", customer_ids=[customer.id])
        s.add_all([review, decision])
        s.flush()
        code = ProductCode(
            owner="FR-B",
            owner_entity_id=brand.franchisee_b,
            code="FRB-CODE-1",
            status="pending_review",
            line={"label": "SECRET B LABEL"},
        )
        s.add(code)
        # B's own store price, its price policy, and an order of B's that redeemed a promotion
        s.add(PriceRow(sku="ANY-SKU", amount_minor=4200, currency="EUR", location="FRB-01"))
        s.add(PricePolicy(entity_id=brand.franchisee_b, mode="free"))
        s.add(PromotionRow(id="BRAND-PROMO", definition={"id": "BRAND-PROMO", "action": {
            "kind": "percent_off", "percent": "10"}}))  # fmt: skip
        s.flush()
        s.add(Redemption(order_ref="FRB-ORDER-1", promotion_id="BRAND-PROMO", discount_minor=1,
                         channel="store:FRB", location="FRB-01"))  # fmt: skip
        # B's stock: a position, the movement that made it, and a reservation for its order
        s.add(StockPositionRow(location="FRB-01", sku="ANY-SKU", on_hand=17, reserved=2))
        s.add(MovementRow(location="FRB-01", id="FRB-MOVE-1", sku="ANY-SKU", quantity=17,
                          kind="receipt", at=utcnow(), status="applied"))  # fmt: skip
        s.add(ReservationRow(id="rsv_of_b", location="FRB-01", sku="ANY-SKU", quantity=2,
                             reference="FRB-ORDER-1", expires_at=utcnow()))  # fmt: skip
        s.flush()
        # B's cart and order at its store, with a pickup there
        cart = Cart(channel="store:FRB", started_channel="store:FRB", location="FRB-01")
        order = Order(number="OC-SECRETB1", channel="store:FRB", entity_id=brand.franchisee_b,
                      location="FRB-01", fulfilment="click_and_collect", currency="EUR",
                      subtotal=4200, discount=0, items_total=4200, total=4200, status="paid")  # fmt: skip
        s.add_all([cart, order])
        s.flush()
        s.add(CartLine(cart_id=cart.id, position=0, sku="ANY-SKU", quantity=1))
        line = OrderLine(order_id=order.id, position=0, sku="ANY-SKU", quantity=1,
                         unit_price=4200, subtotal=4200, discount=0, paid=4200)  # fmt: skip
        s.add(line)
        s.flush()
        fulfilment = Fulfilment(order_id=order.id, method="click_and_collect", location="FRB-01",
                                status="placed", lines=[{"line_id": line.id, "sku": "ANY-SKU",
                                                         "quantity": 1}])  # fmt: skip
        s.add(fulfilment)
        s.flush()
        fillers = {
            "code_id": code.id,
            # Master products are the brand's, readable by every franchisee: none is B's.
            "product_id": "prd_not_of_b",
            "review_id": review.id,
            "decision_id": decision.id,
            "channel_id": channel.id,
            "endpoint_id": endpoint.id,
            "delivery_id": delivery.id,
            "record_id": record.id,
            "customer_id": customer.id,
            "order_ref": "FRB-ORDER-1",
            # Promotions are the brand's, readable by every franchisee: none is B's.
            "promotion_id": "promo_not_of_b",
            "entity": "FR-B",
            "cart_id": cart.id,
            "sku": "ANY-SKU",
            "order_id": order.id,
            "fulfilment_id": fulfilment.id,
            "order_line_id": line.id,
            "location": "FRB-01",
            "reference": "FRB-ORDER-1",
        }
    key_b = issue_key(factory, ["network:read"], entity_id=brand.franchisee_b, name="key of B")
    with factory() as s:
        fillers["key_id"] = s.scalars(select(ApiKey.id).where(ApiKey.name == "key of B")).one()
    del key_b
    fillers.update(entity_id=brand.franchisee_b, location_id=brand.store_b, event_id=event.id)
    return fillers


# Writes a franchisee may make for itself; the walk proves they leave B's data alone.
OWN_WRITES = {("POST", "/api/v1/customers/records")}


def _bodies(brand: Brand) -> dict[tuple[str, str], dict[str, Any]]:
    """For each write route, a body that tries to reach franchisee B."""
    b, b_store = brand.franchisee_b, brand.store_b
    return {
        ("POST", "/api/v1/entities"): {"code": "FR-B2", "name": "B bis", "kind": "franchisee"},
        ("PATCH", "/api/v1/entities/{entity_id}"): {"name": "hijacked"},
        ("POST", "/api/v1/locations"): {
            "code": "FRB-99", "name": "in B", "kind": "store", "owner_entity_id": b
        },
        ("PATCH", "/api/v1/locations/{location_id}"): {"name": "hijacked"},
        ("POST", "/api/v1/channels"): {"code": "b2", "name": "B2", "kind": "store", "entity_id": b},
        ("PATCH", "/api/v1/channels/{channel_id}"): {"name": "hijacked"},
        ("POST", "/api/v1/api-keys"): {
            "name": "sneaky", "permissions": ["network:read"], "scope_entity_id": b
        },
        ("DELETE", "/api/v1/api-keys/{key_id}"): {},
        ("POST", "/api/v1/users"): {
            "email": "sneaky@example.com", "display_name": "x", "password": "long enough pw",
            "role": "franchisee", "scope_entity_id": b,
        },
        ("POST", "/api/v1/webhooks/endpoints"): {"url": "http://127.0.0.1:9/x", "entity_id": b},
        ("PATCH", "/api/v1/webhooks/endpoints/{endpoint_id}"): {"url": "http://127.0.0.1:9/y"},
        ("DELETE", "/api/v1/webhooks/endpoints/{endpoint_id}"): {},
        ("POST", "/api/v1/webhooks/deliveries/{delivery_id}/replay"): {},
        # Same source and id as B's record: A gets a record of its own, B's stays as it was.
        ("POST", "/api/v1/customers/records"): {"source": "pos", "source_id": "FRB-CUST-1", "first_name": "A"},
        ("POST", "/api/v1/customers/{customer_id}/consent"): {"purpose": "sms_marketing", "granted": False, "source": "pos"},
        ("POST", "/api/v1/customers/reviews/{review_id}"): {"verdict": "same"},
        ("POST", "/api/v1/customers/merge"): {"survivor_id": "cus_x", "merged_id": "cus_y"},
        ("POST", "/api/v1/customers/{customer_id}/split"): {"record_ids": ["rec_x"]},
        ("POST", "/api/v1/customers/decisions/{decision_id}/undo"): {},
        ("POST", "/api/v1/customers/{customer_id}/erase"): {"reason": "asked by the customer"},
        ("POST", "/api/v1/categories"): {"code": "B-CAT", "name_fr": "B"},
        ("POST", "/api/v1/products"): {"sku": "B-SKU", "name_fr": "B"},
        ("PATCH", "/api/v1/products/{product_id}"): {"name_fr": "hijacked"},
        # B's codes, sent, translated or decided in B's name: refused as an unknown owner.
        ("POST", "/api/v1/product-codes"): [{"owner": "FR-B", "code": "FRB-CODE-1", "label": "A"}],
        ("POST", "/api/v1/product-codes/translate"): {"owner": "FR-B", "codes": ["FRB-CODE-1"]},
        ("POST", "/api/v1/product-codes/{code_id}/decision"): {"action": "reject", "reason": "x"},
        ("POST", "/api/v1/assortment"): {"skus": ["B-SKU"], "location_id": b_store},
        # In B's name (refused as an unknown seller); a seller's own offer is proven below.
        ("PUT", "/api/v1/products/{product_id}/offers"): {
            "seller": "FR-B", "price_minor": 1, "currency": "EUR", "stock_quantity": 1,
            "delivery_days": 1,
        },
        # Priced, redeemed or released at B's store: refused as outside the scope.
        ("POST", "/api/v1/pricing/quote"): {
            "channel": "store:FRB", "location": "FRB-01", "lines": [{"sku": "X", "quantity": 1}]
        },
        ("POST", "/api/v1/pricing/redemptions"): {
            "channel": "store:FRB", "location": "FRB-01", "order_ref": "A-1",
            "lines": [{"sku": "X", "quantity": 1}],
        },
        ("DELETE", "/api/v1/pricing/redemptions/{order_ref}"): {},
        ("POST", "/api/v1/pricing/prices"): [{"sku": "ANY-SKU", "amount": 1, "location": "FRB-01"}],
        ("PUT", "/api/v1/pricing/policies/{entity}"): {"mode": "locked"},
        ("POST", "/api/v1/pricing/promotions"): {
            "id": "A-PROMO", "action": {"kind": "percent_off", "percent": 90}
        },
        ("PUT", "/api/v1/pricing/promotions/{promotion_id}"): {
            "action": {"kind": "percent_off", "percent": 90}
        },
        ("POST", "/api/v1/pricing/promotions/{promotion_id}/status"): {"status": "paused"},
        ("POST", "/api/v1/pricing/promotions/{promotion_id}/coupons"): {"count": 5},
        # A cart or an order at B's store, or B's own, changed, moved along or taken back there.
        ("POST", "/api/v1/carts"): {"channel": "store:FRB", "location": "FRB-01"},
        ("PATCH", "/api/v1/carts/{cart_id}"): {"customer_id": "cus_x"},
        ("POST", "/api/v1/carts/{cart_id}/lines"): {"sku": "ANY-SKU", "quantity": 1},
        ("PUT", "/api/v1/carts/{cart_id}/lines/{sku}"): {"quantity": 5},
        ("DELETE", "/api/v1/carts/{cart_id}/lines/{sku}"): {},
        ("POST", "/api/v1/orders"): {
            "channel": "store:FRB", "location": "FRB-01", "lines": [{"sku": "ANY-SKU", "quantity": 1}],
            "fulfilment": {"method": "in_store"},
        },
        ("POST", "/api/v1/orders/{order_id}/pay"): {},
        ("POST", "/api/v1/orders/{order_id}/cancel"): {"reason": "x"},
        ("POST", "/api/v1/orders/{order_id}/fulfilments/{fulfilment_id}/status"): {"status": "ready"},
        ("POST", "/api/v1/orders/{order_id}/returns"): {
            "location": "FRB-01", "lines": [{"line_id": "oln_x", "quantity": 1}]
        },
        ("POST", "/api/v1/inventory/locations/{location}/movements"): {"movements": [
            {"id": "A-1", "sku": "ANY-SKU", "quantity": -5, "kind": "sale", "at": "2026-12-01T10:00:00Z"}]},
        ("POST", "/api/v1/inventory/locations/{location}/counts"): {
            "counted_at": "2026-12-01T10:00:00Z", "lines": []},
        ("PUT", "/api/v1/inventory/locations/{location}/stock/{sku}/safety"): {"safety_stock": 9},
        ("PUT", "/api/v1/inventory/locations/{location}/settings"): {
            "visibility": {"network": "exact", "public": "exact"}},
        ("POST", "/api/v1/inventory/reservations"): {
            "location": "FRB-01", "reference": "A-ORDER", "lines": [{"sku": "ANY-SKU", "quantity": 1}]},
        ("DELETE", "/api/v1/inventory/reservations/{reference}"): {},
    }  # fmt: skip


# Reads of other locations' stock that the network may make: they answer with what the
# location's visibility policy shows (a franchisee's stores show bands), never a figure.
NETWORK_READS = {
    ("GET", "/api/v1/inventory/locations/{location}/stock"),
    ("GET", "/api/v1/inventory/availability"),
}


def _queries(brand: Brand) -> dict[tuple[str, str], dict[str, str]]:
    """Reads that need a query parameter: it names B's objects."""
    return {
        ("GET", "/api/v1/assortment"): {"location_id": brand.store_b},
        ("GET", "/api/v1/inventory/availability"): {"sku": "ANY-SKU", "postal_code": "74000"},
    }


def _snapshot(session: Session, brand: Brand) -> str:
    """Everything stored about franchisee B, to prove nothing changed."""
    b = brand.franchisee_b
    rows: list[Any] = []
    for model, column in (
        (Entity, Entity.id),
        (Location, Location.owner_entity_id),
        (Channel, Channel.entity_id),
        (ApiKey, ApiKey.scope_entity_id),
        (User, User.scope_entity_id),
        (WebhookEndpoint, WebhookEndpoint.entity_id),
        (SourceRecord, SourceRecord.owner),
        (ProductCode, ProductCode.owner_entity_id),
    ):
        for row in session.scalars(select(model).where(column == b).order_by(model.id)):
            rows.append({c.key: str(getattr(row, c.key)) for c in model.__table__.columns})
    b_customers = select(SourceRecord.customer_id).where(SourceRecord.owner == b)
    for event in session.scalars(
        select(ConsentEvent)
        .where(ConsentEvent.customer_id.in_(b_customers))
        .order_by(ConsentEvent.id)
    ):
        rows.append({c.key: str(getattr(event, c.key)) for c in ConsentEvent.__table__.columns})
    for model, column in ((PriceRow, PriceRow.location), (Redemption, Redemption.location)):
        for row in session.scalars(select(model).where(column == "FRB-01").order_by(model.id)):
            rows.append({c.key: str(getattr(row, c.key)) for c in model.__table__.columns})
    for model, column in (
        (Cart, Cart.location), (Order, Order.location), (Fulfilment, Fulfilment.location)
    ):  # fmt: skip
        for row in session.scalars(select(model).where(column == "FRB-01").order_by(model.id)):
            rows.append({c.key: str(getattr(row, c.key)) for c in model.__table__.columns})
    for line in session.scalars(select(CartLine).order_by(CartLine.id)):
        rows.append((line.cart_id, line.sku, line.quantity))
    for model, column in (
        (StockPositionRow, StockPositionRow.location),
        (MovementRow, MovementRow.location),
        (ReservationRow, ReservationRow.location),
        (LocationStockSettings, LocationStockSettings.location),
    ):
        for row in session.scalars(select(model).where(column == "FRB-01")):
            rows.append({c.key: str(getattr(row, c.key)) for c in model.__table__.columns
                         if c.key != "updated_at"})  # fmt: skip
    for policy in session.scalars(select(PricePolicy).where(PricePolicy.entity_id == b)):
        rows.append((policy.mode, policy.band_percent))
    promotion = session.get(PromotionRow, "BRAND-PROMO")
    rows.append((promotion.definition, promotion.status) if promotion else None)
    for delivery in session.scalars(select(Delivery).order_by(Delivery.id)):
        rows.append((delivery.id, delivery.status, delivery.attempts))
    return json.dumps(rows, sort_keys=True, default=str)


def _b_markers(session: Session, brand: Brand) -> set[str]:
    """Identifiers and names of B that must never appear in an answer to A."""
    markers = {
        brand.franchisee_b,
        brand.store_b,
        "FRB-01",
        "FRB-SECRET",
        "Franchise Bêta",
        "SECRETNAME",
        "Secretname",
        "FRB-CODE-1",
        "SECRET B LABEL",
    }
    markers |= set(
        session.scalars(select(SourceRecord.id).where(SourceRecord.owner == brand.franchisee_b))
    )
    markers |= set(
        session.scalars(
            select(SourceRecord.customer_id).where(
                SourceRecord.owner == brand.franchisee_b, SourceRecord.customer_id.is_not(None)
            )
        )
    )
    markers |= set(session.scalars(select(ConsentEvent.id)))
    markers |= set(
        session.scalars(
            select(ProductCode.id).where(ProductCode.owner_entity_id == brand.franchisee_b)
        )
    )
    markers |= set(
        session.scalars(
            select(WebhookEndpoint.id).where(WebhookEndpoint.entity_id == brand.franchisee_b)
        )
    )
    markers |= set(
        session.scalars(select(ApiKey.id).where(ApiKey.scope_entity_id == brand.franchisee_b))
    )
    markers |= set(
        session.scalars(select(OutboxEvent.id).where(OutboxEvent.entity_id == brand.franchisee_b))
    )
    markers |= {"OC-SECRETB1"}
    markers |= set(session.scalars(select(Cart.id).where(Cart.location == "FRB-01")))
    markers |= set(session.scalars(select(Order.id).where(Order.location == "FRB-01")))
    markers |= set(session.scalars(select(Fulfilment.id).where(Fulfilment.location == "FRB-01")))
    return markers


def _franchisee_credentials(kind: str, client, factory, brand: Brand) -> dict[str, str]:
    """Headers of franchisee A: its API key, or its signed-in user's cookie and CSRF token."""
    if kind == "api_key":
        return issue_key(factory, FRANCHISEE_PERMISSIONS, entity_id=brand.franchisee_a)
    create_user(factory, "gerant@franchise-a.fr", Role.FRANCHISEE, entity_id=brand.franchisee_a)
    assert sign_in(client, "gerant@franchise-a.fr").status_code == 303
    return {"X-CSRF-Token": csrf_token(client.get("/network").text)}


@pytest.mark.parametrize("credential", ["api_key", "user"])
def test_franchisee_cannot_reach_another_franchisee_on_any_route(
    app, client, factory, brand: Brand, credential: str
) -> None:
    fillers = _other_franchisee_objects(factory, brand)
    bodies = _bodies(brand)
    headers = _franchisee_credentials(credential, client, factory, brand)
    with factory() as s:
        before = _snapshot(s, brand)
        markers = _b_markers(s, brand)

    walked = 0
    # The OpenAPI document lists every route the application serves.
    for path, operations in app.openapi()["paths"].items():
        if not path.startswith("/api/v1"):
            continue
        for method in sorted(m.upper() for m in operations):
            names = re.findall(r"{(\w+)}", path)
            params = {name: fillers.get(name) for name in names}
            missing = [name for name, value in params.items() if value is None]
            assert not missing, f"{method} {path}: no filler for {missing}; add one"
            url = path.format(**params)
            kwargs: dict[str, Any] = {"headers": headers}
            query = _queries(brand).get((method, path))
            if query is not None:
                kwargs["params"] = query
            if method in {"POST", "PUT", "PATCH", "DELETE"}:
                assert (method, path) in bodies, f"{method} {path}: add a body"
                if bodies[(method, path)]:
                    kwargs["json"] = bodies[(method, path)]
            response = client.request(method, url, **kwargs)
            walked += 1
            if (method, path) in OWN_WRITES:
                assert response.status_code in {201, 403}, f"{method} {url}: {response.text[:300]}"
            elif (method, path) in NETWORK_READS:
                assert response.status_code == 200, f"{method} {url}: {response.text[:300]}"
                answer = response.json()
                rows = answer.get("locations") or [answer]
                seen = [row["visibility"] for row in rows if row["location"] == "FRB-01"]
                assert seen and "exact" not in seen, f"{method} {url}: {response.text[:300]}"
                for row in rows:  # B's figure (17 on hand) nowhere
                    if row["location"] == "FRB-01":
                        assert row.get("available") is None and row.get("on_hand") is None
                        assert all(p.get("on_hand") is None for p in row.get("positions", []))
                markers_here = markers - {"FRB-01", brand.store_b}  # the band is the point
                leaked = [m for m in markers_here if m in response.text]
                assert not leaked, f"{method} {path} leaked {leaked}"
                continue
            elif names or query or method != "GET":
                assert response.status_code in {403, 404, 422}, (
                    f"{method} {url} answered {response.status_code}: {response.text[:300]}"
                )
            else:
                assert response.status_code in {200, 403}, f"{method} {url}: {response.status_code}"
            # Echoing back an id the caller sent ("no entity 'ent_…'") reveals nothing.
            sent = url + json.dumps(kwargs.get("json", {})) + json.dumps(query or {})
            leaked = [m for m in markers if m in response.text and m not in sent]
            assert not leaked, f"{method} {path} leaked {leaked}"
    assert walked >= 15

    with factory() as s:
        assert _snapshot(s, brand) == before, "a route changed franchisee B's data"


@pytest.mark.parametrize("path", ["/api/v1/locations", "/api/v1/entities", "/api/v1/channels"])
def test_franchisee_lists_show_only_its_own_network(
    client, factory, brand: Brand, path: str
) -> None:
    headers = issue_key(factory, ["network:read"], entity_id=brand.franchisee_a)
    response = client.get(path, headers=headers)
    assert response.status_code == 200
    assert response.json(), "the franchisee sees at least its own rows"
    for row in response.json():
        owner = row.get("owner_entity_id") or row.get("entity_id") or row["id"]
        assert owner == brand.franchisee_a


@pytest.mark.parametrize("who", ["franchisee", "seller"])
def test_a_franchisee_or_seller_key_cannot_reach_another_sellers_offer(
    client, factory, brand: Brand, admin_headers, who: str
) -> None:
    """Offers on a real product: another seller's offer is neither changed nor shown."""
    product = client.post(
        "/api/v1/products", json={"sku": "OFFER-1", "name_fr": "Offre"}, headers=admin_headers
    ).json()["id"]
    sellers = {}
    for code in ("SELLER-A", "SELLER-B"):
        sellers[code] = client.post(
            "/api/v1/entities",
            json={"code": code, "name": f"Secret {code}", "kind": "marketplace_seller"},
            headers=admin_headers,
        ).json()["id"]
    url = f"/api/v1/products/{product}/offers"
    offer = {"price_minor": 5000, "currency": "EUR", "stock_quantity": 2, "delivery_days": 3}
    theirs = client.put(url, json={**offer, "seller": "SELLER-B"}, headers=admin_headers)
    assert theirs.status_code == 200, theirs.text
    before = client.get(url, headers=admin_headers).json()
    markers = {sellers["SELLER-B"], "SELLER-B", "Secret SELLER-B"}
    markers |= {o["id"] for o in before["offers"]}

    entity = brand.franchisee_a if who == "franchisee" else sellers["SELLER-A"]
    headers = issue_key(factory, FRANCHISEE_PERMISSIONS, entity_id=entity)
    hijack = client.put(
        url, json={**offer, "price_minor": 1, "seller": "SELLER-B"}, headers=headers
    )
    assert hijack.status_code == 422 and hijack.json()["field"] == "seller", hijack.text
    own = client.put(url, json={**offer, "price_minor": 4000}, headers=headers)
    # A franchisee is no marketplace seller; a seller's key sets its own offer.
    assert own.status_code == (422 if who == "franchisee" else 200), own.text
    listing = client.get(url, headers=headers)
    assert listing.status_code == 200
    # Echoing back the seller code the caller sent ("unknown seller 'SELLER-B'") reveals nothing.
    for response, sent in ((hijack, "SELLER-B"), (own, ""), (listing, "")):
        leaked = [m for m in markers if m in response.text and m != sent]
        assert not leaked, f"leaked {leaked}"
    after = client.get(url, headers=admin_headers).json()

    def of_b(listing: dict[str, Any]) -> list[dict[str, Any]]:
        # Whether B's offer is featured may change with A's offer; the offer itself may not.
        return [
            {k: v for k, v in o.items() if k != "featured"}
            for o in listing["offers"]
            if o["seller"] == "SELLER-B"
        ]

    assert of_b(after) == of_b(before) and len(of_b(after)) == 1

"""Pricing through the HTTP API, on SQLite and PostgreSQL: price rows and their history, the
franchise policy, promotions and coupons, the quote, redemptions and their limits."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import update
from sqlalchemy.orm import Session, sessionmaker

from omnicanal.pricing import schemas, service
from omnicanal.pricing.api import LOYALTY
from omnicanal.pricing.models import PromotionRow
from omnicanal.security.permissions import Permission, Principal
from omnicanal.simulation.catalog import gtin_check_digit
from tests.conftest import Brand, issue_key

PAST = "2026-01-01T00:00:00+00:00"
NOW = datetime(2026, 12, 3, 15, 0, tzinfo=UTC)


def _gtin(n: int) -> str:
    first12 = f"3760123{n:05d}"
    return first12 + gtin_check_digit(first12)


@pytest.fixture
def priced(client, brand: Brand, admin_headers) -> dict[str, str]:
    """Three dresses and a bag, with base prices; a web price for the bag."""
    h = admin_headers
    femme = client.post("/api/v1/categories", json={"code": "FEMME", "name_fr": "Femme"}, headers=h)
    robes = client.post(
        "/api/v1/categories",
        json={"code": "FEMME.ROBES", "name_fr": "Robes", "parent_id": femme.json()["id"]},
        headers=h,
    )
    for n, (sku, category) in enumerate(
        [("ROBE-1", robes), ("ROBE-2", robes), ("ROBE-3", robes), ("SAC-1", femme)], start=1
    ):
        response = client.post(
            "/api/v1/products",
            json={"sku": sku, "gtin": _gtin(n), "name_fr": sku, "brand": "Maison Démo",
                  "category_id": category.json()["id"]},
            headers=h,
        )  # fmt: skip
        assert response.status_code == 201, response.text
    rows = [
        {"sku": "ROBE-1", "amount": 5000, "valid_from": PAST},
        {"sku": "ROBE-2", "amount": 3000, "valid_from": PAST},
        {"sku": "ROBE-3", "amount": 8000, "valid_from": PAST},
        {"sku": "SAC-1", "amount": 12000, "valid_from": PAST},
        {"sku": "SAC-1", "amount": 11000, "channel": "web", "valid_from": PAST},
    ]
    response = client.post("/api/v1/pricing/prices", json=rows, headers=h)
    assert response.status_code == 201, response.text
    return {"robes": robes.json()["id"]}


def _quote(client, headers, lines, **extra):  # type: ignore[no-untyped-def]
    body = {"channel": "web", "lines": lines, "at": NOW.isoformat(), **extra}
    return client.post("/api/v1/pricing/quote", json=body, headers=headers)


def _promotion(client, headers, **definition):  # type: ignore[no-untyped-def]
    response = client.post("/api/v1/pricing/promotions", json=definition, headers=headers)
    assert response.status_code == 201, response.text
    return response.json()


def test_a_cart_is_priced_by_sku_gtin_and_local_code(client, priced, brand, admin_headers):
    franchisee = issue_key(
        client.app.state.sessionmaker,
        ["catalog:read", "catalog:write", "pricing:read"],
        entity_id=brand.franchisee_a,
    )
    sent = client.post(
        "/api/v1/product-codes", json=[{"code": "ALP-9", "gtin": _gtin(3)}], headers=franchisee
    )
    assert sent.json()[0]["status"] == "mapped", sent.text
    lines = [{"sku": "ROBE-1", "quantity": 2}, {"gtin": _gtin(2), "quantity": 1},
             {"code": "ALP-9", "quantity": 1}]  # fmt: skip
    response = _quote(client, franchisee, lines, channel="store:FRA", location="FRA-01")
    assert response.status_code == 200, response.text
    body = response.json()
    schemas.QuoteOut.model_validate(body)  # sent without the response model: it still matches it
    assert [(x["sku"], x["unit_price"], x["total"]) for x in body["lines"]] == [
        ("ROBE-1", 5000, 10000), ("ROBE-2", 3000, 3000), ("ROBE-3", 8000, 8000)]  # fmt: skip
    assert body["total"] == body["items_total"] == 21000 and body["adjustments"] == []
    assert body["lines"][0]["price"]["matched"] == []


def test_the_same_cart_costs_the_same_on_every_channel_unless_a_rule_names_one(
    client, priced, admin_headers
):
    _promotion(client, admin_headers, id="ROBES-20", name="-20 % robes",
               action={"kind": "percent_off", "percent": 20},
               conditions={"categories": ["FEMME.ROBES"]})  # fmt: skip
    lines = [{"sku": "ROBE-1", "quantity": 1}, {"sku": "ROBE-2", "quantity": 1}]
    web = _quote(client, admin_headers, lines).json()
    store = _quote(client, admin_headers, lines, channel="store:FRA").json()
    assert web["total"] == store["total"] == 6400
    assert web["adjustments"][0]["promotion_id"] == "ROBES-20"
    assert web["adjustments"][0]["params"]["percent"] == "20"
    _promotion(client, admin_headers, id="WEB-5", action={"kind": "amount_off", "amount": 500},
               conditions={"channels": ["web"]})  # fmt: skip
    web = _quote(client, admin_headers, lines).json()
    store = _quote(client, admin_headers, lines, channel="store:FRA").json()
    assert (web["total"], store["total"]) == (5900, 6400)
    # a channel price is a rule naming a channel too
    bag = [{"sku": "SAC-1", "quantity": 1}]
    assert _quote(client, admin_headers, bag).json()["lines"][0]["unit_price"] == 11000
    store_bag = _quote(client, admin_headers, bag, channel="store:FRA").json()
    assert store_bag["lines"][0]["unit_price"] == 12000


def test_a_paused_or_changed_promotion_is_seen_by_the_next_quote(client, priced, admin_headers):
    _promotion(client, admin_headers, id="P1", action={"kind": "percent_off", "percent": 10})
    lines = [{"sku": "ROBE-1", "quantity": 1}]
    assert _quote(client, admin_headers, lines).json()["total"] == 4500
    changed = client.put(
        "/api/v1/pricing/promotions/P1",
        json={"action": {"kind": "percent_off", "percent": 30}},
        headers=admin_headers,
    )
    assert changed.status_code == 200, changed.text
    assert _quote(client, admin_headers, lines).json()["total"] == 3500
    paused = client.post(
        "/api/v1/pricing/promotions/P1/status", json={"status": "paused"}, headers=admin_headers
    )
    assert paused.json()["status"] == "paused"
    assert _quote(client, admin_headers, lines).json()["total"] == 5000


@pytest.mark.parametrize(
    ("definition", "status", "field"),
    [
        ({"id": "X", "action": {"kind": "percent_off", "percent": 120}}, 422, "action.percent"),
        ({"id": "X", "action": {"kind": "percent_off", "percent": 5},
          "conditions": {"channels": ["fax"]}}, 422, "conditions.channels"),
        ({"id": "X", "action": {"kind": "fixed_price", "amount": 100},
          "conditions": {"skus": ["NOPE"]}}, 422, "conditions.skus"),
        ({"id": "X", "action": {"kind": "percent_off", "percent": 5},
          "conditions": {"categories": ["HOMME"]}}, 422, "conditions.categories"),
        ({"id": "X", "action": {"kind": "percent_off", "percent": 5},
          "starts_at": "2026-12-01"}, 422, "starts_at"),
        ({"id": "X"}, 422, "action"),
    ],
)  # fmt: skip
def test_bad_promotions_are_refused_naming_the_field(
    client, priced, admin_headers, definition, status, field
):
    response = client.post("/api/v1/pricing/promotions", json=definition, headers=admin_headers)
    assert response.status_code == status, response.text
    assert response.json()["field"] == field


def test_bad_quotes_are_refused_naming_the_field(client, priced, admin_headers):
    cases = [
        ({"lines": [{"sku": "NOPE", "quantity": 1}]}, 422, "lines[0].sku"),
        ({"lines": [{"gtin": "123", "quantity": 1}]}, 422, "lines[0].gtin"),
        ({"channel": "fax", "lines": [{"sku": "ROBE-1", "quantity": 1}]}, 422, "channel"),
        ({"location": "NOWHERE", "lines": [{"sku": "ROBE-1", "quantity": 1}]}, 422, "location"),
        ({"currency": "USD", "lines": [{"sku": "ROBE-1", "quantity": 1}]}, 404, "lines[0]"),
    ]
    for extra, status, field in cases:
        response = _quote(client, admin_headers, **extra)
        assert response.status_code == status, (extra, response.text)
        assert response.json()["field"] == field
    duplicate = _promotion(
        client, admin_headers, id="D", action={"kind": "percent_off", "percent": 5}
    )
    assert duplicate["id"] == "D"
    again = client.post("/api/v1/pricing/promotions", json={"id": "D", "action": {
        "kind": "percent_off", "percent": 5}}, headers=admin_headers)  # fmt: skip
    assert again.status_code == 409 and again.json()["field"] == "id"


def test_coupons_are_generated_in_bulk_and_redeemed_once(client, priced, admin_headers):
    _promotion(client, admin_headers, id="BIENVENUE", requires_coupon=True,
               action={"kind": "amount_off", "amount": 1000})  # fmt: skip
    made = client.post(
        "/api/v1/pricing/promotions/BIENVENUE/coupons",
        json={"count": 50, "prefix": "bv"},
        headers=admin_headers,
    )
    assert made.status_code == 201, made.text
    codes = made.json()["codes"]
    assert len(set(codes)) == 50 and all(c.startswith("BV-") and len(c) == 11 for c in codes)
    lines = [{"sku": "ROBE-1", "quantity": 1}]
    typed = codes[0].lower()
    assert _quote(client, admin_headers, lines, coupons=[typed]).json()["total"] == 4000
    first = client.post(
        "/api/v1/pricing/redemptions",
        json={"channel": "web", "lines": lines, "coupons": [typed], "order_ref": "W-1"},
        headers=admin_headers,
    )
    assert first.status_code == 201, first.text
    assert first.json()["redeemed"] == ["BIENVENUE"] and first.json()["quote"]["total"] == 4000
    quoted = _quote(client, admin_headers, lines, coupons=[typed]).json()
    assert quoted["total"] == 5000 and quoted["refusals"][0]["code"] == "coupon_already_used"
    again = client.post(
        "/api/v1/pricing/redemptions",
        json={"channel": "web", "lines": lines, "coupons": [typed], "order_ref": "W-1"},
        headers=admin_headers,
    )
    assert again.status_code == 409 and again.json()["field"] == "order_ref"
    listed = client.get("/api/v1/pricing/promotions/BIENVENUE/coupons", headers=admin_headers)
    used = {c["code"]: c["redemptions"] for c in listed.json()}
    assert used[codes[0]] == 1 and sum(used.values()) == 1
    # the order is cancelled: the coupon may be used again
    assert client.delete("/api/v1/pricing/redemptions/W-1", headers=admin_headers).json() == {
        "released": 1
    }
    assert _quote(client, admin_headers, lines, coupons=[typed]).json()["total"] == 4000
    promotion = client.get("/api/v1/pricing/promotions/BIENVENUE", headers=admin_headers).json()
    assert promotion["uses"] == 0 and promotion["coupons"] == 50


def test_an_expired_or_unknown_coupon_is_explained_not_an_error(client, priced, admin_headers):
    _promotion(client, admin_headers, id="NOEL", requires_coupon=True,
               action={"kind": "percent_off", "percent": 10})  # fmt: skip
    client.post(
        "/api/v1/pricing/promotions/NOEL/coupons",
        json={"code": "NOEL25", "max_redemptions": None,
              "valid_until": "2025-12-26T00:00:00+01:00"},
        headers=admin_headers,
    )  # fmt: skip
    body = _quote(client, admin_headers, [{"sku": "ROBE-1", "quantity": 1}],
                  coupons=["NOEL25", "NOPE"]).json()  # fmt: skip
    assert [(r["code"], r["coupon"]) for r in body["refusals"]] == [
        ("coupon_expired", "NOEL25"), ("coupon_unknown", "NOPE")]  # fmt: skip
    assert body["total"] == 5000
    no_coupon = client.post(
        "/api/v1/pricing/promotions", json={"id": "OPEN", "action": {
            "kind": "percent_off", "percent": 5}}, headers=admin_headers)  # fmt: skip
    assert no_coupon.status_code == 201
    refused = client.post(
        "/api/v1/pricing/promotions/OPEN/coupons", json={"count": 3}, headers=admin_headers
    )
    assert refused.status_code == 422 and refused.json()["field"] == "promotion_id"


def test_usage_limits_and_budget_are_counted_by_redemptions(client, priced, admin_headers):
    _promotion(client, admin_headers, id="LIMIT", max_uses=2, max_uses_per_customer=1,
               budget=100_000, action={"kind": "amount_off", "amount": 700})  # fmt: skip
    lines = [{"sku": "ROBE-1", "quantity": 1}]

    def order(ref: str, customer: str):  # type: ignore[no-untyped-def]
        return client.post(
            "/api/v1/pricing/redemptions",
            json={"channel": "web", "lines": lines, "order_ref": ref, "customer_id": customer},
            headers=admin_headers,
        )

    assert order("O-1", "cus_a").json()["redeemed"] == ["LIMIT"]
    second = order("O-2", "cus_a").json()  # the customer's one use is gone
    assert second["redeemed"] == [] and second["quote"]["refusals"][0]["code"] == (
        "customer_limit_reached"
    )
    assert order("O-3", "cus_b").json()["redeemed"] == ["LIMIT"]
    third = order("O-4", "cus_c").json()
    assert third["quote"]["refusals"][0]["code"] == "usage_limit_reached"
    promotion = client.get("/api/v1/pricing/promotions/LIMIT", headers=admin_headers).json()
    assert (promotion["uses"], promotion["budget_spent"]) == (2, 1400)


def test_price_history_and_the_franchise_policy(client, factory, priced, brand, admin_headers):
    policy = client.put(
        "/api/v1/pricing/policies/FR-A", json={"mode": "band", "band_percent": "10"},
        headers=admin_headers,
    )  # fmt: skip
    assert policy.status_code == 200, policy.text
    assert policy.json()["band_percent"] == "10"
    not_franchisee = client.put(
        "/api/v1/pricing/policies/HQ", json={"mode": "free"}, headers=admin_headers
    )
    assert not_franchisee.status_code == 422 and not_franchisee.json()["field"] == "entity"
    bad_band = client.put(
        "/api/v1/pricing/policies/FR-A", json={"mode": "band"}, headers=admin_headers
    )
    assert bad_band.status_code == 422 and bad_band.json()["field"] == "band_percent"
    franchisee = issue_key(factory, ["pricing:read", "pricing:write"], entity_id=brand.franchisee_a)
    outside = client.post(
        "/api/v1/pricing/prices", json=[{"sku": "ROBE-1", "amount": 5600, "location": "FRA-01"}],
        headers=franchisee,
    )  # fmt: skip
    assert outside.status_code == 422 and outside.json()["field"] == "[0].amount"
    assert "10" in outside.json()["detail"]
    inside = client.post(
        "/api/v1/pricing/prices", json=[{"sku": "ROBE-1", "amount": 5400, "location": "FRA-01"}],
        headers=franchisee,
    )  # fmt: skip
    assert inside.status_code == 201, inside.text
    other = client.post(
        "/api/v1/pricing/prices", json=[{"sku": "ROBE-1", "amount": 5000, "location": "FRB-01"}],
        headers=franchisee,
    )  # fmt: skip
    assert other.status_code == 403
    at_store = _quote(client, franchisee, [{"sku": "ROBE-1", "quantity": 1}],
                      channel="store:FRA", location="FRA-01", at=None)  # fmt: skip
    assert at_store.json()["lines"][0]["unit_price"] == 5400
    assert at_store.json()["lines"][0]["price"]["matched"] == ["location"]
    # a brand price change closes the open row; the history stays
    changed = client.post(
        "/api/v1/pricing/prices", json=[{"sku": "ROBE-1", "amount": 4500}], headers=admin_headers
    )
    assert changed.status_code == 201
    history = client.get(
        "/api/v1/pricing/prices", params={"sku": "ROBE-1"}, headers=admin_headers
    ).json()
    brand_rows = [r for r in history if r["location"] is None]
    assert [r["amount_minor"] for r in brand_rows] == [4500, 5000]
    assert brand_rows[1]["valid_until"] == brand_rows[0]["valid_from"]
    assert brand_rows[0]["valid_until"] is None
    # the franchisee sees the brand's rows and its own, not another franchisee's
    seen = client.get("/api/v1/pricing/prices", headers=franchisee).json()
    assert {r["location"] for r in seen} == {None, "FRA-01"}


def test_permissions(client, factory, priced, brand):
    reader = issue_key(factory, ["pricing:read"])
    lines = [{"sku": "ROBE-1", "quantity": 1}]
    assert _quote(client, reader, lines).status_code == 200
    denied = client.post(
        "/api/v1/pricing/promotions",
        json={"id": "X", "action": {"kind": "percent_off", "percent": 5}},
        headers=reader,
    )
    assert denied.status_code == 403
    redeem = client.post(
        "/api/v1/pricing/redemptions",
        json={"channel": "web", "lines": lines, "order_ref": "R"},
        headers=reader,
    )
    assert redeem.status_code == 403
    other_store = issue_key(factory, ["pricing:read"], entity_id=brand.franchisee_b)
    elsewhere = _quote(client, other_store, lines, channel="store:FRA", location="FRA-01")
    assert elsewhere.status_code == 403 and elsewhere.json()["field"] == "location"


def test_a_single_use_coupon_is_redeemed_once_under_concurrency(
    client, factory: sessionmaker[Session], priced, admin_headers
):
    """Twelve orders race for one coupon, each in its own transaction and thread."""
    _promotion(client, admin_headers, id="ONCE", requires_coupon=True,
               action={"kind": "percent_off", "percent": 50})  # fmt: skip
    client.post(
        "/api/v1/pricing/promotions/ONCE/coupons", json={"code": "ONCE-1"}, headers=admin_headers
    )
    principal = Principal("api_key", "k", "race", frozenset(Permission))
    racers = 12
    barrier = threading.Barrier(racers)
    outcomes: list[str] = []

    def place(n: int) -> None:
        body = schemas.RedemptionIn(
            channel="web", lines=[{"sku": "ROBE-1", "quantity": 1}], coupons=["ONCE-1"],
            order_ref=f"RACE-{n}",
        )  # fmt: skip
        barrier.wait()
        session = factory()
        try:
            _, redeemed = service.redeem(session, principal, body, loyalty=LOYALTY)
            session.commit()
            outcomes.append("won" if redeemed else "refused")
        except Exception as exc:  # a conflict, or SQLite's lock
            session.rollback()
            outcomes.append(type(exc).__name__)
        finally:
            session.close()

    threads = [threading.Thread(target=place, args=(n,)) for n in range(racers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert outcomes.count("won") == 1, outcomes
    coupon = client.get("/api/v1/pricing/promotions/ONCE/coupons", headers=admin_headers).json()
    assert coupon[0]["redemptions"] == 1
    promotion = client.get("/api/v1/pricing/promotions/ONCE", headers=admin_headers).json()
    assert promotion["uses"] == 1


def test_a_product_named_by_sku_and_by_gtin_in_one_cart_is_priced_alike(
    client, priced, admin_headers
):
    """The lines' products and their price rows come in one read: a product named both ways
    comes twice, its rows must count once; a store's row beats the channel's and the brand's,
    another store's row and an ended row never apply; the instant keeps its offset."""
    rows = [
        {"sku": "SAC-1", "amount": 10500, "location": "FRA-01", "valid_from": PAST},
        {"sku": "SAC-1", "amount": 9900, "location": "FRB-01", "valid_from": PAST},
        {"sku": "ROBE-1", "amount": 4000, "valid_from": PAST,
         "valid_until": (NOW - timedelta(days=1)).isoformat()},
    ]  # fmt: skip
    response = client.post("/api/v1/pricing/prices", json=rows, headers=admin_headers)
    assert response.status_code == 201, response.text
    lines = [{"sku": "SAC-1", "quantity": 1}, {"gtin": _gtin(4), "quantity": 2},
             {"gtin": _gtin(1), "quantity": 1}, {"sku": "ROBE-1", "quantity": 1}]  # fmt: skip
    at = NOW.astimezone(timezone(timedelta(hours=1))).isoformat()  # 16:00+01:00
    store = _quote(client, admin_headers, lines, channel="web", location="FRA-01", at=at).json()
    assert store["at"] == "2026-12-03T16:00:00+01:00"
    assert [(x["sku"], x["unit_price"], x["price"]["matched"]) for x in store["lines"]] == [
        ("SAC-1", 10500, ["location"]), ("SAC-1", 10500, ["location"]),
        ("ROBE-1", 5000, []), ("ROBE-1", 5000, [])]  # fmt: skip
    web = _quote(client, admin_headers, lines, channel="web").json()
    assert [x["unit_price"] for x in web["lines"]] == [11000, 11000, 5000, 5000]
    assert web["at"] == "2026-12-03T15:00:00Z"
    product = client.get("/api/v1/products", params={"sku": "ROBE-1"}, headers=admin_headers)
    product_id = product.json()[0]["id"]
    client.patch(f"/api/v1/products/{product_id}", json={"status": "discontinued"},
                 headers=admin_headers)  # fmt: skip
    gone = _quote(client, admin_headers, lines, channel="web")
    assert gone.status_code == 422 and gone.json()["field"] == "lines[2].gtin"
    assert "ROBE-1 is discontinued" in gone.json()["detail"]


def test_quote_at_a_future_instant_sees_a_scheduled_price(client, priced, admin_headers):
    later = NOW + timedelta(days=30)
    client.post(
        "/api/v1/pricing/prices",
        json=[{"sku": "ROBE-2", "amount": 2500, "valid_from": later.isoformat()}],
        headers=admin_headers,
    )
    lines = [{"sku": "ROBE-2", "quantity": 1}]
    assert _quote(client, admin_headers, lines).json()["total"] == 3000
    assert _quote(client, admin_headers, lines, at=later.isoformat()).json()["total"] == 2500


def test_a_quote_explains_itself_in_the_language_asked(client, priced, admin_headers):
    _promotion(client, admin_headers, id="ROBES-20", name="Soldes robes",
               action={"kind": "percent_off", "percent": 20},
               conditions={"categories": ["FEMME.ROBES"]})  # fmt: skip
    lines = [{"sku": "ROBE-1", "quantity": 1}, {"sku": "SAC-1", "quantity": 1}]
    plain = _quote(client, admin_headers, lines, coupons=["NOPE"]).json()
    assert plain["adjustments"][0]["explanation"] is None
    assert plain["lines"][0]["price"]["explanation"] is None
    french = client.post(
        "/api/v1/pricing/quote",
        params={"lang": "fr"},
        json={"channel": "web", "lines": lines, "coupons": ["NOPE"], "at": NOW.isoformat()},
        headers=admin_headers,
    ).json()
    assert "20" in french["adjustments"][0]["explanation"]
    assert "Soldes robes" in french["adjustments"][0]["explanation"]
    assert "NOPE" in french["refusals"][0]["explanation"]
    assert french["lines"][0]["price"]["explanation"].startswith("Prix de base")
    assert "Web" in french["lines"][1]["price"]["explanation"]  # the web channel's price
    english = client.post(
        "/api/v1/pricing/quote",
        json={"channel": "web", "lines": lines, "at": NOW.isoformat()},
        headers={**admin_headers, "Accept-Language": "en-GB,en;q=0.8"},
    ).json()
    assert english["lines"][0]["price"]["explanation"].startswith("Base price")
    assert english["adjustments"][0]["explanation"] != french["adjustments"][0]["explanation"]


def test_the_audit_lists_stores_outside_their_policy_and_since_when(
    client, factory, priced, brand, admin_headers
):
    client.put("/api/v1/pricing/policies/FR-A", json={"mode": "band", "band_percent": "10"},
               headers=admin_headers)  # fmt: skip
    client.put("/api/v1/pricing/policies/FR-B", json={"mode": "locked"}, headers=admin_headers)
    till = [  # what the stores' tills show, recorded by the brand (no policy check on the way in)
        {"sku": "ROBE-1", "amount": 5400, "location": "FRA-01", "valid_from": PAST},  # +8 %: in
        {"sku": "ROBE-2", "amount": 3600, "location": "FRA-01",
         "valid_from": "2026-02-01T00:00:00+00:00"},  # +20 %: out since February
        {"sku": "ROBE-1", "amount": 4990, "location": "FRB-01",
         "valid_from": "2026-03-01T00:00:00+00:00"},  # locked: 10 cents off
    ]  # fmt: skip
    assert (
        client.post("/api/v1/pricing/prices", json=till, headers=admin_headers).status_code == 201
    )
    response = client.get(
        "/api/v1/pricing/audit", params={"at": NOW.isoformat()}, headers=admin_headers
    )
    assert response.status_code == 200, response.text
    body = response.json()
    found = [(f["location"], f["sku"], f["deviation"], f["deviation_percent"], f["reason"],
              f["since"]) for f in body["findings"]]  # fmt: skip
    assert found == [
        ("FRA-01", "ROBE-2", 600, "20.00", "outside_band", "2026-02-01T00:00:00Z"),
        ("FRB-01", "ROBE-1", -10, "-0.20", "locked", "2026-03-01T00:00:00Z"),
    ]
    assert body["pairs_checked"] == 3 and body["outside"] == 2
    assert {s["location"]: s["skus_outside"] for s in body["locations"]} == {
        "FRA-01": 1, "FRB-01": 1}  # fmt: skip
    # a brand price change can end a violation: ROBE-2 at 33 € puts 36 € within 10 %
    client.post("/api/v1/pricing/prices", json=[{"sku": "ROBE-2", "amount": 3300,
                "valid_from": "2026-11-01T00:00:00+00:00"}], headers=admin_headers)  # fmt: skip
    later = client.get(
        "/api/v1/pricing/audit", params={"at": NOW.isoformat()}, headers=admin_headers
    ).json()
    assert [f["sku"] for f in later["findings"]] == ["ROBE-1"]
    # the franchisee sees its own stores only
    own = issue_key(factory, ["pricing:read"], entity_id=brand.franchisee_b)
    mine = client.get("/api/v1/pricing/audit", params={"at": NOW.isoformat()}, headers=own).json()
    assert [f["location"] for f in mine["findings"]] == ["FRB-01"]
    assert [s["location"] for s in mine["locations"]] == ["FRB-01"]


def test_another_process_sees_a_promotion_change_within_its_version_age(
    client, factory, priced, admin_headers, monkeypatch
):
    """A second cache stands for another server process: it keeps its set until the version
    row it reads again (after VERSION_MAX_AGE) has moved."""
    other = service._PromotionCache()
    with factory() as session:
        assert len(other.get(session)) == 0
    _promotion(client, admin_headers, id="P1", action={"kind": "percent_off", "percent": 10})
    with factory() as session:
        assert len(other.get(session)) == 0, "within the age, the set it had"
    monkeypatch.setattr(service, "VERSION_MAX_AGE", 0.0)
    with factory() as session:
        assert [p.id for p in other.get(session).promotions] == ["P1"]


def test_stale_usage_counts_are_read_again_by_one_thread_while_the_others_quote_on(
    client, factory, priced, admin_headers, monkeypatch
):
    """Past COUNTS_MAX_AGE one thread reads the counts again; a thread that finds the reading
    already under way quotes on the last counts instead of reading the same rows as well."""
    _promotion(
        client, admin_headers, id="LIM", max_uses=5, action={"kind": "percent_off", "percent": 5}
    )
    cache = service._PromotionCache()
    with factory() as session:
        uses, _ = cache.counts(session)
    assert uses == {"LIM": 0}
    monkeypatch.setattr(service, "COUNTS_MAX_AGE", 0.0)
    with factory() as session:
        session.execute(update(PromotionRow).where(PromotionRow.id == "LIM").values(uses=3))
        session.commit()
        assert cache._reloading.acquire(blocking=False)  # another thread is reading them
        try:
            assert cache.counts(session)[0] is uses, "the last counts, not read again"
        finally:
            cache._reloading.release()
        assert cache.counts(session)[0] == {"LIM": 3}

"""Marketplace offers through the HTTP API: sellers set their own offer, the listing marks the
featured one (buy box) and why; on SQLite and PostgreSQL."""

import itertools
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from omnicanal.api.app import create_app
from omnicanal.catalog import offers
from omnicanal.catalog.models import Offer
from omnicanal.db import make_engine
from tests.conftest import Brand, issue_key

SELLER_PERMISSIONS = ["catalog:read", "catalog:write"]


@pytest.fixture
def market(client, factory, brand: Brand, admin_headers) -> dict:
    product = client.post(
        "/api/v1/products",
        json={"sku": "MD-00002-BLEU-38", "name_fr": "Chemise Noé", "brand": "Maison Démo"},
        headers=admin_headers,
    )
    assert product.status_code == 201, product.text
    ids = {"product": product.json()["id"], "admin": admin_headers}
    for code in ("SELLER-1", "SELLER-2"):
        entity = client.post(
            "/api/v1/entities",
            json={"code": code, "name": f"Vendeur {code}", "kind": "marketplace_seller"},
            headers=admin_headers,
        )
        assert entity.status_code == 201, entity.text
        ids[code] = issue_key(factory, SELLER_PERMISSIONS, entity_id=entity.json()["id"])
    return ids


def _offer(price: int, **extra) -> dict:  # type: ignore[no-untyped-def]
    return {
        "price_minor": price,
        "currency": "EUR",
        "stock_quantity": 5,
        "delivery_days": 2,
        **extra,
    }


def _put(client, market, headers, body):  # type: ignore[no-untyped-def]
    return client.put(f"/api/v1/products/{market['product']}/offers", json=body, headers=headers)


def _list(client, market, headers):  # type: ignore[no-untyped-def]
    response = client.get(f"/api/v1/products/{market['product']}/offers", headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


def test_a_seller_sets_its_own_offer_and_updates_it_in_place(client, market) -> None:
    first = _put(client, market, market["SELLER-1"], _offer(5990))
    assert first.status_code == 200, first.text
    [offer] = first.json()["offers"]
    assert offer["seller"] == "SELLER-1" and offer["is_brand"] is False
    assert offer["featured"] is True and first.json()["buy_box"]["reason"] == "only_offer"
    again = _put(client, market, market["SELLER-1"], _offer(5790, shipping_minor=490))
    [updated] = again.json()["offers"]
    assert updated["id"] == offer["id"], "one offer per seller and product"
    assert (updated["price_minor"], updated["landed_minor"]) == (5790, 6280)


def test_the_brand_keeps_the_box_within_the_tolerance(client, market) -> None:
    admin = market["admin"]
    _put(client, market, market["SELLER-1"], _offer(10000))
    _put(client, market, market["SELLER-2"], _offer(10200, delivery_days=1))
    brand = _put(client, market, admin, _offer(10500, seller="WEB"))
    assert brand.status_code == 200, brand.text
    listing = _list(client, market, admin)
    featured = listing["offers"][0]
    assert featured["featured"] and featured["seller"] == "WEB" and featured["is_brand"]
    box = listing["buy_box"]
    assert box["reason"] == "brand_within_tolerance"
    assert box["featured_offer_id"] == featured["id"]
    assert (box["best_third_party_landed_minor"], box["brand_landed_minor"]) == (10000, 10500)
    assert box["featured_landed_minor"] == 10500 and box["runner_up_landed_minor"] == 10000
    assert float(box["brand_ceiling_minor"]) == 10500 and float(box["tolerance_percent"]) == 5

    _put(client, market, admin, _offer(10501, seller="WEB"))
    box = _list(client, market, admin)["buy_box"]
    assert box["reason"] == "lowest_price" and box["featured_landed_minor"] == 10000


def test_out_of_stock_and_inactive_offers_are_never_featured(client, market) -> None:
    _put(client, market, market["SELLER-1"], _offer(900, stock_quantity=0))
    _put(client, market, market["SELLER-2"], _offer(800, active=False))
    listing = _list(client, market, market["admin"])
    assert listing["buy_box"]["featured_offer_id"] is None
    assert listing["buy_box"]["reason"] == "no_eligible_offer"
    because = {o["seller"]: o["excluded_because"] for o in listing["offers"]}
    assert because == {"SELLER-1": "out_of_stock", "SELLER-2": "inactive"}


def test_a_product_without_offers_lists_none(client, market) -> None:
    listing = _list(client, market, market["admin"])
    assert listing["offers"] == [] and listing["buy_box"]["reason"] == "no_eligible_offer"


def test_a_seller_sees_its_own_offer_only_and_not_who_won(client, market) -> None:
    _put(client, market, market["SELLER-1"], _offer(10000))
    _put(client, market, market["SELLER-2"], _offer(9000))
    listing = _list(client, market, market["SELLER-1"])
    assert [o["seller"] for o in listing["offers"]] == ["SELLER-1"]
    assert listing["offers"][0]["featured"] is False
    assert listing["buy_box"]["featured_offer_id"] is None
    assert listing["buy_box"]["featured_landed_minor"] == 9000  # the price the public sees
    assert "SELLER-2" not in str(listing)


def test_a_seller_cannot_set_another_sellers_offer(client, market) -> None:
    _put(client, market, market["SELLER-2"], _offer(9000))
    hijack = _put(client, market, market["SELLER-1"], _offer(1, seller="SELLER-2"))
    assert hijack.status_code == 422 and hijack.json()["field"] == "seller"
    [offer] = _list(client, market, market["SELLER-2"])["offers"]
    assert offer["price_minor"] == 9000


def test_only_the_brand_rates_sellers(client, market) -> None:
    own = _put(client, market, market["SELLER-1"], _offer(9000, seller_rating="5.0"))
    assert own.status_code == 403 and own.json()["field"] == "seller_rating"
    rated = _put(
        client, market, market["admin"], _offer(9000, seller="SELLER-1", seller_rating="4.3")
    )
    assert rated.status_code == 200, rated.text
    assert rated.json()["offers"][0]["seller_rating"] == "4.3"
    # The seller updating its price keeps the rating the brand gave.
    kept = _put(client, market, market["SELLER-1"], _offer(8900))
    assert kept.json()["offers"][0]["seller_rating"] == "4.3"


def test_an_offer_in_another_currency_is_refused(client, market) -> None:
    _put(client, market, market["SELLER-1"], _offer(9000))
    other = _put(client, market, market["SELLER-2"], _offer(9000, currency="CHF"))
    assert other.status_code == 422 and other.json()["field"] == "currency"
    assert "EUR" in other.json()["detail"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (_offer(-1), "price_minor"),
        (_offer(100, currency="eur"), "currency"),
        (_offer(100, stock_quantity=-2), "stock_quantity"),
        (_offer(100, delivery_days=400), "delivery_days"),
        (_offer(100, seller="SELLER-1", seller_rating="5.5"), "seller_rating"),
        (_offer(100, seller="SELLER-1", seller_rating="4.25"), "seller_rating"),
        (_offer(100, seller="NOBODY"), "seller"),
        (_offer(100, seller="FR-A"), "seller"),  # a franchisee is not a marketplace seller
        (_offer(100), "seller"),  # a brand-wide key names the seller
        ({"price_minor": 100, "currency": "EUR", "delivery_days": 1}, "stock_quantity"),
    ],
)
def test_bad_offers_are_refused_naming_the_field(client, market, body, field) -> None:
    response = _put(client, market, market["admin"], body)
    assert response.status_code == 422, response.text
    assert response.json()["field"] == field


def test_setting_an_offer_emits_offer_updated_with_the_offer(client, market) -> None:
    first = _put(client, market, market["SELLER-1"], _offer(5990, shipping_minor=490))
    [offer] = first.json()["offers"]
    _put(client, market, market["SELLER-1"], _offer(5790, active=False))
    refused = _put(client, market, market["SELLER-1"], _offer(5690, seller_rating="5.0"))
    assert refused.status_code == 403, "a refused write leaves no event"
    events = client.get("/api/v1/events?type=offer.*", headers=market["admin"])
    assert events.status_code == 200, events.text
    latest_first = events.json()
    assert [e["type"] for e in latest_first] == ["offer.updated", "offer.updated"]
    assert {e["entity_id"] for e in latest_first} == {offer["seller_entity_id"]}
    common = {
        "product_id": market["product"],
        "sku": "MD-00002-BLEU-38",
        "offer_id": offer["id"],
        "seller": "SELLER-1",
        "currency": "EUR",
        "stock_quantity": 5,
        "delivery_days": 2,
    }
    assert [e["payload"] for e in reversed(latest_first)] == [
        {**common, "price_minor": 5990, "shipping_minor": 490, "active": True},
        {**common, "price_minor": 5790, "shipping_minor": 0, "active": False},
    ]


@pytest.mark.parametrize("status", ["discontinued", "draft"])
def test_a_product_not_on_sale_takes_no_offer(client, market, status) -> None:
    changed = client.patch(
        f"/api/v1/products/{market['product']}", json={"status": status}, headers=market["admin"]
    )
    assert changed.status_code == 200, changed.text
    refused = _put(client, market, market["SELLER-1"], _offer(5990))
    assert refused.status_code == 422, refused.text
    problem = refused.json()
    assert (problem["code"], problem["field"]) == ("product_not_active", "product_id")
    assert problem["product_status"] == status and f"is {status}" in problem["detail"]
    assert _list(client, market, market["admin"])["offers"] == []


def test_an_offer_on_a_discontinued_product_can_be_withdrawn_only(client, market) -> None:
    _put(client, market, market["SELLER-1"], _offer(5990))
    client.patch(
        f"/api/v1/products/{market['product']}",
        json={"status": "discontinued"},
        headers=market["admin"],
    )
    assert _put(client, market, market["SELLER-1"], _offer(4990)).status_code == 422
    withdrawn = _put(client, market, market["SELLER-1"], _offer(5990, active=False))
    assert withdrawn.status_code == 200, withdrawn.text
    [offer] = withdrawn.json()["offers"]
    assert offer["active"] is False and offer["excluded_because"] == "inactive"


def test_an_unknown_product_is_a_404(client, market) -> None:
    response = client.put(
        "/api/v1/products/prd_nope/offers", json=_offer(100), headers=market["SELLER-1"]
    )
    assert response.status_code == 404 and response.json()["field"] == "product_id"


def test_two_first_offers_from_the_same_seller_at_once_both_succeed(
    client, market, settings, db_url, factory, monkeypatch
) -> None:
    """Two API workers (each its own engine, as two processes) both read that the seller has no
    offer yet before either writes: the second write becomes an update of the first's row."""
    both_read = threading.Barrier(2, timeout=20)
    calls = itertools.count()
    read_offers = offers._offers_of

    def read_then_wait(session, product_id):  # type: ignore[no-untyped-def]
        found = read_offers(session, product_id)
        if next(calls) < 2:  # each request's first read; the listing after the write goes on
            both_read.wait()
        return found

    monkeypatch.setattr(offers, "_offers_of", read_then_wait)
    engine = make_engine(db_url)
    try:
        with TestClient(create_app(settings, engine)) as other_worker:
            workers = {5990: client, 5890: other_worker}
            with ThreadPoolExecutor(max_workers=2) as pool:
                answers = list(
                    pool.map(
                        lambda price: _put(
                            workers[price], market, market["SELLER-1"], _offer(price)
                        ),
                        workers,
                    )
                )
    finally:
        engine.dispose()
    assert [a.status_code for a in answers] == [200, 200], [a.text for a in answers]
    with factory() as s:
        assert s.scalar(select(func.count()).select_from(Offer)) == 1
        assert s.scalar(select(Offer.price_minor)) in workers
    [a_offer] = answers[0].json()["offers"]
    [b_offer] = answers[1].json()["offers"]
    assert a_offer["id"] == b_offer["id"], "one offer per seller and product"

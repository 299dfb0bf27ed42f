"""The store console's stock page: a product found by name, this store's figures, the nearby
stores as their policy shares them (a franchisee's as a band), in French and English."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from omnicanal.inventory import service
from tests.conftest import Brand
from tests.web.conftest import STAFF
from tests.web.helpers import sign_in, switch_language


@pytest.fixture
def stocked(client: TestClient, brand: Brand, admin_headers, users) -> None:  # type: ignore[no-untyped-def]
    h = admin_headers
    response = client.post("/api/v1/products", json={"sku": "ROBE-1", "name_fr": "Robe portefeuille",
                                                     "name_en": "Wrap dress"}, headers=h)  # fmt: skip
    assert response.status_code == 201, response.text
    for location, quantity in (("LYON-01", 5), ("FRA-01", 2), ("FRB-01", 9)):
        body = {"movements": [{"id": f"IN-{location}", "sku": "ROBE-1", "quantity": quantity,
                               "kind": "receipt", "at": "2026-12-01T08:00:00Z"}]}  # fmt: skip
        moved = client.post(f"/api/v1/inventory/locations/{location}/movements", json=body,
                            headers=h)  # fmt: skip
        assert moved.status_code == 200, moved.text
    reserved = client.post("/api/v1/inventory/reservations", headers=h, json={
        "location": "LYON-01", "reference": "ORD-1", "lines": [{"sku": "ROBE-1", "quantity": 1}]})  # fmt: skip
    assert reserved.status_code == 201
    service.SITES.forget()


def test_staff_find_a_product_and_see_it_here_and_nearby(client: TestClient, stocked) -> None:
    sign_in(client, STAFF)
    page = client.get("/store/stock", params={"q": "portefeuille"})
    assert page.status_code == 200, page.text
    text = page.text
    assert "ROBE-1" in text and "Robe portefeuille" in text
    # here: 5 on hand, 1 held for an order, 4 available
    assert '<span class="value">4</span><span class="label">disponibles ici' in text
    assert '<span class="value">1</span><span class="label">réservés pour des commandes' in text
    # the franchised stores share bands only: no figure of theirs on the page
    assert 'class="band band-low"' in text  # FRA-01: 2 units
    assert 'class="band band-available"' in text  # FRB-01: 9 units
    assert ">9<" not in text
    assert "Magasins proches" in text
    switch_language(client, "en")
    english = client.get("/store/stock", params={"sku": "ROBE-1"}).text
    assert "available here" in english and "Nearby stores" in english and "Wrap dress" in english


def test_the_store_listing_and_an_unknown_product(client: TestClient, stocked) -> None:
    sign_in(client, STAFF)
    listing = client.get("/store/stock")
    assert listing.status_code == 200
    assert "/store/stock?store=LYON-01&sku=ROBE-1" in listing.text
    nothing = client.get("/store/stock", params={"q": "zzzzzz"})
    assert "Aucun produit ne correspond" in nothing.text

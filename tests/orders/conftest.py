"""A small shop for the orders tests: the conftest brand, three products with prices, a store
that ships from store, and stock at every location."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from omnicanal.inventory import Snapshot
from omnicanal.inventory import service as inventory_service
from omnicanal.inventory.models import StockPositionRow
from omnicanal.security.service import SYSTEM
from tests.conftest import Brand

PAST = "2026-01-01T00:00:00+00:00"
COUNTED = datetime(2026, 1, 1, tzinfo=UTC)
PRICES = {"ROBE-1": 5000, "ROBE-2": 3000, "SAC-1": 12000}
STOCK = {
    "WH-1": {"ROBE-1": 10, "ROBE-2": 1},
    "LYON-01": {"ROBE-1": 3, "ROBE-2": 3, "SAC-1": 2},
    "FRA-01": {"ROBE-1": 2, "SAC-1": 1},
    "LYON-02": {"ROBE-2": 5, "SAC-1": 3},
    "FRB-01": {"ROBE-1": 1},
}


@dataclass
class Shop:
    brand: Brand
    headers: dict[str, str]

    def stock(self, factory, location: str, sku: str) -> tuple[int, int]:
        """(on hand, reserved) of a SKU at a location."""
        with factory() as s:
            row = s.execute(
                select(StockPositionRow).where(
                    StockPositionRow.location == location, StockPositionRow.sku == sku
                )
            ).scalar_one_or_none()
            return (row.on_hand, row.reserved) if row is not None else (0, 0)


@pytest.fixture
def shop(client, factory, brand: Brand, admin_headers) -> Shop:
    h = admin_headers
    for sku in PRICES:
        response = client.post("/api/v1/products", json={"sku": sku, "name_fr": sku}, headers=h)
        assert response.status_code == 201, response.text
    rows = [{"sku": sku, "amount": amount, "valid_from": PAST} for sku, amount in PRICES.items()]
    response = client.post("/api/v1/pricing/prices", json=rows, headers=h)
    assert response.status_code == 201, response.text
    store = {
        "code": "LYON-02", "name": "Maison Démo Lyon Part-Dieu", "kind": "store",
        "owner_entity_id": brand.own_store_entity, "city": "Lyon", "postal_code": "69003",
        "latitude": 45.76, "longitude": 4.86, "opening_hours": "Mo-Sa 09:30-19:00",
        "capabilities": ["click_and_collect", "returns", "ship_from_store"],
    }  # fmt: skip
    response = client.post("/api/v1/locations", json=store, headers=h)
    assert response.status_code == 201, response.text
    with factory.begin() as s:
        inventory_service.set_location_settings(s, SYSTEM, "LYON-02", {"delivery": {}})
        for location, quantities in STOCK.items():
            inventory_service.record_count(s, SYSTEM, Snapshot(location, COUNTED, quantities))
    inventory_service.SITES.forget()
    return Shop(brand, h)

"""The store console's stock page in a real browser, at tablet width: a seller of the Lyon
store finds a dress by a word of its name, reads what the store holds and what the stores
nearby hold (the franchised one as a band), and sees what each promises."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy.orm import Session, sessionmaker

from omnicanal.catalog import schemas as catalog_schemas
from omnicanal.catalog import service as catalog_service
from omnicanal.inventory import rules
from omnicanal.inventory import service as inventory
from omnicanal.network import schemas as network_schemas
from omnicanal.network import service as network_service
from omnicanal.security import service as security_service
from omnicanal.security.permissions import Role
from omnicanal.security.service import SYSTEM
from tests.e2e.conftest import serve_app, shot

pytestmark = pytest.mark.e2e

TABLET = {"width": 1024, "height": 768}
EMAIL = "vendeur.lyon@maison-demo.fr"
PASSWORD = "correct horse battery"
# (code, name, owner, latitude, longitude, units of the dress)
STORES = [
    ("LYON-01", "Lyon Presqu'île", "OWN", 45.7640, 4.8357, 3),
    ("LYON-02", "Lyon Part-Dieu", "OWN", 45.7606, 4.8590, 12),
    ("VILLEU-01", "Villeurbanne", "FR-RHONE", 45.7719, 4.8902, 2),
    ("GRENOBLE-01", "Grenoble", "OWN", 45.1885, 5.7245, 0),
]


def _seed(factory: sessionmaker[Session]) -> None:
    with factory.begin() as s:
        owners = {
            "OWN": network_service.create_entity(s, SYSTEM, network_schemas.EntityCreate(
                code="OWN", name="Maison Démo", kind="hq")).id,
            "FR-RHONE": network_service.create_entity(s, SYSTEM, network_schemas.EntityCreate(
                code="FR-RHONE", name="Franchise Rhône", kind="franchisee")).id,
        }  # fmt: skip
        ids = {}
        for code, name, owner, lat, lon, _ in STORES:
            ids[code] = network_service.create_location(s, SYSTEM, network_schemas.LocationCreate(
                code=code, name=name, kind="store", owner_entity_id=owners[owner],
                latitude=lat, longitude=lon, opening_hours="Mo-Su 00:00-24:00",
                capabilities=["click_and_collect"],
            )).id  # fmt: skip
        catalog_service.create_product(s, SYSTEM, catalog_schemas.ProductCreate(
            sku="MD-00001-NOIR-38", name_fr="Robe portefeuille Lina noire",
            name_en="Lina wrap dress, black"))  # fmt: skip
        at = datetime(2026, 12, 1, 8, tzinfo=UTC)
        for code, *_, units in STORES:
            if units:
                inventory.record_movements(s, SYSTEM, code, [
                    rules.Movement(f"IN-{code}", code, "MD-00001-NOIR-38", units, "receipt", at)])  # fmt: skip
        security_service.create_user(s, SYSTEM, security_service.NewUser(
            email=EMAIL, display_name="Camille", password=PASSWORD, role=Role.STORE_STAFF,
            scope_location_ids=[ids["LYON-01"]]))  # fmt: skip
    inventory.SITES.forget()


@pytest.fixture
def base_url(tmp_path: Path) -> Iterator[str]:
    with serve_app(tmp_path, _seed) as url:
        yield url


def test_a_seller_checks_the_stock_here_and_nearby(browser, base_url: str) -> None:  # type: ignore[no-untyped-def]
    page = browser.new_context(viewport=TABLET, locale="fr-FR").new_page()
    page.goto(f"{base_url}/store/stock")
    page.fill("input[name=email]", EMAIL)
    page.fill("input[name=password]", PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url(f"{base_url}/store/stock")
    assert page.locator("h1").inner_text() == "Stock"

    page.fill("input[name=q]", "portefeuille")
    page.get_by_role("button", name="Rechercher").click()
    page.wait_for_url("**/store/stock?*")
    assert "Robe portefeuille Lina noire" in page.locator("h2").first.inner_text()
    figures = page.locator(".figures").inner_text()
    assert "3" in figures and "disponibles ici" in figures
    rows = page.locator("table.nearby tbody tr")
    assert rows.count() == 3
    nearest = rows.first.inner_text()
    assert "Lyon Part-Dieu" in nearest and "12" in nearest and "prêt dans 1 heure" in nearest
    franchised = page.locator("table.nearby tbody tr", has_text="Villeurbanne").inner_text()
    assert "faible" in franchised and "2" not in franchised.split("km")[-1]
    grenoble = page.locator("table.nearby tbody tr", has_text="Grenoble").inner_text()
    assert "0" in grenoble
    shot(page, "store-stock-tablet-fr")

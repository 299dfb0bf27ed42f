"""The store console's counter in a real browser, at tablet width: a seller of the Lyon store
prepares a web order for pickup and hands it over, then takes back at the returns desk a dress
the same customer bought on the web and collected: refunded what was paid, back on sale here."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy.orm import Session, sessionmaker

from omnicanal.catalog import schemas as catalog_schemas
from omnicanal.catalog import service as catalog_service
from omnicanal.inventory import Snapshot
from omnicanal.inventory import service as inventory
from omnicanal.network import schemas as network_schemas
from omnicanal.network import service as network_service
from omnicanal.orders import schemas as order_schemas
from omnicanal.orders import service as orders
from omnicanal.pricing import schemas as pricing_schemas
from omnicanal.pricing import service as pricing
from omnicanal.security import service as security_service
from omnicanal.security.permissions import Role
from omnicanal.security.service import SYSTEM
from tests.e2e.conftest import serve_app, shot

pytestmark = pytest.mark.e2e

TABLET = {"width": 1024, "height": 768}
EMAIL = "vendeur.lyon@maison-demo.fr"
PASSWORD = "correct horse battery"
NUMBERS: dict[str, str] = {}


def _seed(factory: sessionmaker[Session]) -> None:
    with factory.begin() as s:
        hq = network_service.create_entity(s, SYSTEM, network_schemas.EntityCreate(
            code="HQ", name="Maison Démo", kind="hq")).id  # fmt: skip
        store = network_service.create_location(s, SYSTEM, network_schemas.LocationCreate(
            code="LYON-01", name="Lyon Presqu'île", kind="store", owner_entity_id=hq,
            latitude=45.764, longitude=4.8357, opening_hours="Mo-Su 00:00-24:00",
            capabilities=["click_and_collect", "returns"])).id  # fmt: skip
        network_service.create_channel(s, SYSTEM, network_schemas.ChannelCreate(
            code="web", name="Web", kind="web", entity_id=hq))  # fmt: skip
        for sku, name in (("ROBE-1", "Robe portefeuille Lina"), ("SAC-1", "Sac cabas Jeanne")):
            catalog_service.create_product(s, SYSTEM, catalog_schemas.ProductCreate(
                sku=sku, name_fr=name))  # fmt: skip
        pricing.set_prices(s, SYSTEM, [
            pricing_schemas.PriceIn(sku="ROBE-1", amount=6990, valid_from="2026-01-01T00:00:00Z"),
            pricing_schemas.PriceIn(sku="SAC-1", amount=4500, valid_from="2026-01-01T00:00:00Z"),
        ])  # fmt: skip
        counted = datetime(2026, 1, 1, tzinfo=UTC)
        inventory.record_count(s, SYSTEM, Snapshot("LYON-01", counted, {"ROBE-1": 4, "SAC-1": 2}))
        security_service.create_user(s, SYSTEM, security_service.NewUser(
            email=EMAIL, display_name="Camille", password=PASSWORD, role=Role.STORE_STAFF,
            scope_location_ids=[store]))  # fmt: skip
    inventory.SITES.forget()
    pickup = order_schemas.FulfilmentIn(method="click_and_collect", location="LYON-01")
    with factory.begin() as s:
        waiting = orders.place_order(s, SYSTEM, order_schemas.OrderIn(
            channel="web", lines=[order_schemas.LineIn(sku="SAC-1", quantity=1)],
            fulfilment=pickup)).order  # fmt: skip
        bought = orders.place_order(s, SYSTEM, order_schemas.OrderIn(
            channel="web", lines=[order_schemas.LineIn(sku="ROBE-1", quantity=2)],
            fulfilment=pickup)).order  # fmt: skip
        NUMBERS.update(waiting=waiting.number, bought=bought.number)
    with factory.begin() as s:
        order = orders.get_order(s, SYSTEM, bought.id)
        fulfilment = orders.fulfilments_of(s, order)[0]
        for status in ("ready", "collected"):
            orders.advance_fulfilment(s, SYSTEM, order.id, fulfilment.id, status)


@pytest.fixture
def base_url(tmp_path: Path) -> Iterator[str]:
    with serve_app(tmp_path, _seed) as url:
        yield url


def test_a_seller_hands_over_a_pickup_and_takes_a_return(browser, base_url: str) -> None:  # type: ignore[no-untyped-def]
    page = browser.new_context(viewport=TABLET, locale="fr-FR").new_page()
    page.goto(f"{base_url}/store/pickups")
    page.fill("input[name=email]", EMAIL)
    page.fill("input[name=password]", PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url(f"{base_url}/store/pickups")
    assert page.locator("h1").inner_text() == "Retrait en magasin"
    row = page.locator("table.pickups tbody tr", has_text=NUMBERS["waiting"])
    assert "Sac cabas Jeanne" in row.inner_text() and "SAC-1" in row.inner_text()
    assert "à préparer" in row.inner_text()
    shot(page, "store-pickups-tablet-fr")

    row.get_by_role("button", name="Préparée").click()
    page.wait_for_url("**/store/pickups?*")
    assert "est prête" in page.locator(".flash-ok").inner_text()
    page.get_by_role("link", name="Prêtes").click()
    ready = page.locator("table.pickups tbody tr", has_text=NUMBERS["waiting"])
    ready.get_by_role("button", name="Remise au client").click()
    page.wait_for_url("**/store/pickups?*")
    assert "remise au client" in page.locator(".flash-ok").inner_text()

    page.get_by_role("link", name="Comptoir des retours").click()
    page.wait_for_url(f"{base_url}/store/returns")
    page.fill("input[name=q]", NUMBERS["bought"])
    page.get_by_role("button", name="Chercher").click()
    page.wait_for_url("**/store/returns?*")
    order = page.locator("article.return-order")
    assert NUMBERS["bought"] in order.locator("h2").inner_text()
    assert "Robe portefeuille Lina" in order.inner_text()
    order.get_by_label("Articles ROBE-1 rendus maintenant").fill("1")
    order.locator("input[name=reason]").fill("trop grand")
    shot(page, "store-returns-tablet-fr")
    order.get_by_role("button", name="Enregistrer le retour").click()
    page.wait_for_url("**/store/returns?*")
    flash = page.locator(".flash-ok").inner_text()
    assert "Retour enregistré" in flash and "69,90" in flash
    assert "1 retourné" in page.locator("article.return-order").inner_text()
    shot(page, "store-returns-done-tablet-fr")

"""The promotion preview in a real browser: a pricing manager fills a draft promotion (-20 % on
dresses, on the web only), previews a cart on the web and in a store side by side without
saving it, and sees the two totals; then saves it and finds it in the list.

Runs the app with uvicorn on a free local port and drives Debian's chromium through
Playwright, as the other e2e tests do. Screenshots go to test-artifacts/e2e/.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.orm import Session, sessionmaker

from omnicanal.catalog import schemas as catalog_schemas
from omnicanal.catalog import service as catalog_service
from omnicanal.network import schemas as network_schemas
from omnicanal.network import service as network_service
from omnicanal.pricing import schemas as pricing_schemas
from omnicanal.pricing import service as pricing_service
from omnicanal.security import service as security_service
from omnicanal.security.permissions import Role
from omnicanal.security.service import SYSTEM
from tests.e2e.conftest import ARTIFACTS, serve_app, shot

pytestmark = pytest.mark.e2e

TABLET = {"width": 1024, "height": 768}
EMAIL = "prix@maison-demo.fr"
PASSWORD = "correct horse battery"
SINCE = "2026-01-01T00:00:00+00:00"


def _seed(factory: sessionmaker[Session]) -> None:
    with factory.begin() as s:
        entities = {}
        for code, name, kind in [("HQ", "Maison Démo SA", "hq"), ("WEB", "Maison Démo en ligne",
                                 "web_shop"), ("OWN", "Magasins intégrés", "own_store")]:  # fmt: skip
            data = network_schemas.EntityCreate(code=code, name=name, kind=kind)
            entities[code] = network_service.create_entity(s, SYSTEM, data).id
        for code, name, kind, owner in [("web", "Site web", "web", "WEB"),
                                        ("store", "Magasins intégrés", "store", "OWN")]:  # fmt: skip
            network_service.create_channel(
                s, SYSTEM,
                network_schemas.ChannelCreate(code=code, name=name, kind=kind,
                                              entity_id=entities[owner]),
            )  # fmt: skip
        network_service.create_location(
            s, SYSTEM,
            network_schemas.LocationCreate(
                code="LYON-01", name="Lyon Part-Dieu", kind="store", owner_entity_id=entities["OWN"],
                city="Lyon", postal_code="69003", latitude=45.76, longitude=4.86,
            ),
        )  # fmt: skip
        femme = catalog_service.create_category(
            s, SYSTEM, catalog_schemas.CategoryCreate(code="FEMME", name_fr="Femme")
        )
        robes = catalog_service.create_category(
            s, SYSTEM,
            catalog_schemas.CategoryCreate(code="FEMME.ROBES", name_fr="Robes", parent_id=femme.id),
        )  # fmt: skip
        for sku, name, category in [("ROBE-LIN", "Robe en lin", robes),
                                    ("SAC-CUIR", "Sac en cuir", femme)]:  # fmt: skip
            catalog_service.create_product(
                s, SYSTEM,
                catalog_schemas.ProductCreate(sku=sku, name_fr=name, category_id=category.id),
            )  # fmt: skip
        pricing_service.set_prices(s, SYSTEM, [
            pricing_schemas.PriceIn(sku="ROBE-LIN", amount=7990, valid_from=SINCE),
            pricing_schemas.PriceIn(sku="SAC-CUIR", amount=12900, valid_from=SINCE),
        ])  # fmt: skip
        security_service.create_user(
            s, SYSTEM,
            security_service.NewUser(email=EMAIL, display_name="Paule Prix", password=PASSWORD,
                                     role=Role.PRICING_MANAGER),
        )  # fmt: skip


@pytest.fixture
def base_url(tmp_path: Path) -> Iterator[str]:
    with serve_app(tmp_path, _seed) as url:
        yield url


def test_preview_a_draft_promotion_on_the_web_and_in_a_store(browser, base_url: str) -> None:  # type: ignore[no-untyped-def]
    tablet = browser.new_context(viewport=TABLET, locale="fr-FR")
    page = tablet.new_page()
    page.goto(f"{base_url}/pricing/promotions/new")
    page.fill("input[name=email]", EMAIL)
    page.fill("input[name=password]", PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url(f"{base_url}/pricing/promotions/new")
    assert page.locator("h1").inner_text() == "Nouvelle promotion"

    # the draft: -20 % on the dresses, on the web only
    page.fill("input[name=id]", "WEB-ROBES-20")
    page.fill("input[name=name]", "Robes -20 % sur le web")
    page.select_option("select[name='action.kind']", "percent_off")
    page.fill("input[name='percent_off.percent']", "20")
    assert not page.locator("input[name='nth_item.n']").is_visible()  # only the kind's fields
    page.locator("input[name='conditions.channels'][value=web]").check()
    page.fill("input[name='conditions.categories']", "FEMME.ROBES")

    # the cart, on the web and in the Lyon store
    page.fill("textarea[name='preview.lines']", "ROBE-LIN, 2\nSAC-CUIR, 1")
    page.locator("input[name='preview.places'][value='store:LYON-01']").check()
    page.locator("#preview-button").click()
    page.wait_for_url(f"{base_url}/pricing/promotions/preview")

    places = page.locator("article.place")
    assert places.count() == 2
    web, store = places.nth(0), places.nth(1)
    # web: 2 × 79,90 € − 20 % + 129,00 € = 256,84 €; the store: no promotion, 288,80 €
    assert web.locator("dd.total").inner_text() == "256,84\u00a0€"
    assert store.locator("dd.total").inner_text() == "288,80\u00a0€"
    assert web.locator("li.draft").count() == 1
    assert "en cours d’édition" in web.locator("li.draft").inner_text()
    assert store.locator("li.draft").count() == 0
    # the form still holds the draft, unsaved
    assert page.locator("input[name='percent_off.percent']").input_value() == "20"
    page.locator("#preview-results").scroll_into_view_if_needed()
    shot(page, "promotion-preview-tablet-fr")
    page.locator("#preview-results").screenshot(
        path=str(ARTIFACTS / "promotion-preview-results-tablet-fr.png")
    )

    page.get_by_role("button", name="Enregistrer").click()
    page.wait_for_url(f"{base_url}/pricing/promotions/WEB-ROBES-20")
    assert page.locator(".flash-ok").is_visible()
    page.get_by_role("link", name="Promotions").first.click()
    page.wait_for_url(f"{base_url}/pricing/promotions")
    row = page.locator("tbody tr", has_text="WEB-ROBES-20")
    assert "−20\u00a0%" in row.inner_text() and "Site web" in row.inner_text()
    shot(page, "promotions-tablet-fr")

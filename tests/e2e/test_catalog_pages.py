"""The catalog pages in a real browser: search a product with a typo, read its page, then
settle the franchisee codes waiting in the mapping queue: confirm a candidate in one click,
map the next code through the SKU field's suggestions, and find the queue empty.

Runs the app with uvicorn on a free local port and drives Debian's chromium through
Playwright, as test_network_page.py does. Screenshots at tablet (and phone) width go to
test-artifacts/e2e/. Without a browser the test is skipped, unless OMNICANAL_REQUIRE_E2E=1.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy.orm import Session, sessionmaker

from omnicanal.catalog import offers, schemas, service
from omnicanal.network import schemas as network_schemas
from omnicanal.network import service as network_service
from omnicanal.security import service as security_service
from omnicanal.security.permissions import Role
from omnicanal.security.service import SYSTEM
from omnicanal.simulation.catalog import gtin_check_digit
from tests.e2e.conftest import serve_app, shot

pytestmark = pytest.mark.e2e

TABLET = {"width": 1024, "height": 768}
PHONE = {"width": 390, "height": 844}
EMAIL = "camille.martin@maison-demo.fr"
PASSWORD = "correct horse battery"

# (model, name, English name, category, colours, sizes, price in cents)
MODELS = [
    ("MD-00001", "Robe portefeuille Lina", "Lina wrap dress", "Femme > Robes",
     ("Noir", "Rouge"), ("36", "38", "40"), 6990),
    ("MD-00002", "Pull col rond Émile", "Émile crew-neck jumper", "Homme > Pulls",
     ("Écru",), ("M", "L"), 5990),
    ("MD-00003", "Écharpe Suzanne", None, "Accessoires", ("Camel",), (None,), 2990),
]  # fmt: skip


def _gtin(n: int) -> str:
    first12 = f"3760123{n:05d}"
    return first12 + gtin_check_digit(first12)


def _seed(factory: sessionmaker[Session]) -> None:
    with factory.begin() as s:
        for code, name, kind in (
            ("HQ", "Maison Démo SA", "hq"),
            ("FR-ALPES", "Franchise Alpes", "franchisee"),
            ("MKP-SHOP", "Boutique Partenaire", "marketplace_seller"),
        ):
            network_service.create_entity(
                s, SYSTEM, network_schemas.EntityCreate(code=code, name=name, kind=kind)
            )
        security_service.create_user(
            s,
            SYSTEM,
            security_service.NewUser(
                email=EMAIL, display_name="Camille Martin", password=PASSWORD, role=Role.ADMIN
            ),
        )
        n = 0
        for model, name, name_en, category, colours, sizes, price in MODELS:
            category_id = service.ensure_category_path(s, category).id
            for colour in colours:
                for size in sizes:
                    n += 1
                    colour_code = colour.upper()[:4].replace("É", "E")
                    sku = f"{model}-{colour_code}" + (f"-{size}" if size else "")
                    attributes = {"colour": colour, "base_price_cents": str(price),
                                  "currency": "EUR", **({"size": size} if size else {})}  # fmt: skip
                    service.create_product(
                        s, SYSTEM,
                        schemas.ProductCreate(
                            sku=sku, gtin=_gtin(n), name_fr=name, name_en=name_en,
                            brand="Maison Démo", category_id=category_id, attributes=attributes,
                        ),
                    )  # fmt: skip
        robe = service.get_product_by_sku(s, "MD-00001-NOIR-38")
        assert robe is not None
        for seller, price, days in (("HQ", 6990, 2), ("MKP-SHOP", 6790, 4)):
            offers.set_offer(
                s, SYSTEM, robe.id,
                schemas.OfferIn(seller=seller, price_minor=price, currency="EUR",
                                stock_quantity=12, delivery_days=days),
                Decimal(5),
            )  # fmt: skip
        # The franchisee's till file: labels cut short, upper case, without accents.
        service.submit_lines(
            s, SYSTEM,
            [
                schemas.ProductLineIn(owner="FR-ALPES", code="ALP561083", gtin=_gtin(2),
                                      name="ROBE PORTEFEUILLE LINA NOIR 38", price="69,90"),
                schemas.ProductLineIn(owner="FR-ALPES", code="ALP561090",
                                      name="ROBE PORTEFEUILLE LINA ROUGE", price="69,90",
                                      category="FEMME"),
                schemas.ProductLineIn(owner="FR-ALPES", code="ALP561114", name="PULL COL ROND",
                                      price="59,90", category="HOMME"),
            ],
        )  # fmt: skip
    with factory() as s:
        waiting = service.code_counts(s).get("pending_review", 0)
    assert waiting == 2, "the two labels without a size should wait for a person"


@pytest.fixture
def base_url(tmp_path: Path) -> Iterator[str]:
    with serve_app(tmp_path, _seed) as url:
        yield url


def _words(locator) -> str:  # type: ignore[no-untyped-def]
    """A locator's text with its spaces collapsed (flex items are read one per line)."""
    return " ".join(locator.inner_text().split())


CODE_URL = re.compile(r".*/catalog/codes/pcd_[0-9a-f]+$")


def test_search_a_product_and_settle_the_mapping_queue(browser, base_url: str) -> None:  # type: ignore[no-untyped-def]
    from playwright.sync_api import expect  # installed with the browser tests only

    tablet = browser.new_context(viewport=TABLET, locale="fr-FR")
    page = tablet.new_page()

    page.goto(f"{base_url}/catalog")
    page.fill("input[name=email]", EMAIL)
    page.fill("input[name=password]", PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url(f"{base_url}/catalog")
    assert page.locator("h1").inner_text() == "Catalogue"

    # A typo and no accent still find the dress, in every size and colour.
    page.fill("input[name=q]", "robe portefeulle rouge")
    page.get_by_role("button", name="Rechercher").click()
    page.wait_for_url("**/catalog?q=*")
    assert page.locator("tbody tr").count() == 3
    assert "Femme > Robes" in page.locator("tbody tr").first.inner_text()
    shot(page, "catalog-search-tablet-fr")

    page.fill("input[name=q]", _gtin(2))  # the GTIN, as printed on the label
    page.get_by_role("button", name="Rechercher").click()
    page.wait_for_url("**/catalog?q=*")
    page.get_by_role("link", name="Robe portefeuille Lina").click()
    page.wait_for_url(re.compile(r".*/catalog/products/prd_[0-9a-f]+$"))
    assert page.locator("h1").inner_text() == "Robe portefeuille Lina"
    assert "MD-00001-NOIR-38" in page.locator(".page-head").inner_text()
    codes = page.locator("#codes")
    assert "ALP561083" in codes.inner_text() and "par GTIN" in codes.inner_text()
    featured = page.locator("#offers tr.featured")
    assert "HQ" in featured.inner_text() and "Mise en avant" in featured.inner_text()
    assert page.get_by_text("L’offre de la marque elle-même").is_visible()
    shot(page, "product-tablet-fr")

    page.get_by_role("link", name="Codes produits").click()
    page.wait_for_url(f"{base_url}/catalog/codes")
    assert "À vérifier 2" in _words(page.locator(".tabs"))
    assert page.locator("table.codes tbody tr").count() == 2
    shot(page, "codes-tablet-fr")

    page.get_by_role("link", name="Vérifier le premier code").click()
    page.wait_for_url(CODE_URL)
    first_code_url = page.url
    review = page.locator("article.code-review")
    assert "ALP561090" in review.locator("h2").inner_text()
    # What the franchisee sent beside the best candidates: the three sizes of the red dress
    # first, then the black one.
    heads = review.locator("thead th.candidate")
    assert heads.count() == 5
    assert all("MD-00001-ROUG-" in heads.nth(i).inner_text() for i in range(3))
    assert "ROBE PORTEFEUILLE LINA ROUGE" in review.locator("td.sent").first.inner_text()
    shot(page, "code-tablet-fr")

    review.get_by_role("button", name="Confirmer MD-00001-ROUG-38").click()
    page.wait_for_url(CODE_URL)
    assert "ALP561090" in page.locator(".flash-ok").inner_text()
    assert "MD-00001-ROUG-38" in page.locator(".flash-ok").inner_text()
    assert "ALP561114" in page.locator("article.code-review h2").inner_text()
    assert "À vérifier 1" in _words(page.locator(".tabs"))

    # The SKU field suggests products as it is typed (a script of this site, no CDN).
    sku_field = page.get_by_role("combobox", name="Associer à un autre produit")
    sku_field.fill("pull emile")
    options = page.locator("#sku-suggestions option")
    expect(options).to_have_count(2, timeout=5000)  # the two sizes of the jumper
    assert options.first.get_attribute("value") == "MD-00002-ECRU-L"
    shot(page, "code-next-tablet-fr")
    sku_field.fill("md-00002-ecru-l")
    page.get_by_role("button", name="Associer à ce SKU").click()
    page.wait_for_url(f"{base_url}/catalog/codes")
    assert "associé à MD-00002-ECRU-L" in page.locator(".flash-ok").inner_text()
    assert page.get_by_text("Rien à vérifier").is_visible()
    assert "Associés 3" in _words(page.locator(".tabs"))
    shot(page, "codes-done-tablet-fr")

    page.get_by_role("button", name="English").click()
    page.wait_for_url(f"{base_url}/catalog/codes")
    page.get_by_role("link", name="Mapped 3").click()
    page.wait_for_url("**/catalog/codes?status=mapped")
    assert page.locator("table.codes tbody tr").count() == 3
    shot(page, "codes-mapped-tablet-en")

    phone = browser.new_context(
        viewport=PHONE, storage_state=tablet.storage_state(), is_mobile=True, has_touch=True
    )
    small = phone.new_page()
    small.goto(f"{base_url}/catalog?q=lina")
    assert small.locator("h1").inner_text() == "Catalog"
    shot(small, "catalog-search-phone-en")
    small.goto(first_code_url)  # decided now: its candidates are still shown beside it
    assert "Mapped to MD-00001-ROUG-38" in _words(small.locator(".decided"))
    shot(small, "code-phone-en")
    for context in (tablet, phone):
        context.close()

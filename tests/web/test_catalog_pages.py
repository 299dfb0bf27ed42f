"""The catalog pages: product search (typos, accents, any GTIN form, filters, pages), the
product page with its variants, local codes and offers, and the code-mapping queue with its
one-click decisions; what each role may see and do, in French and English."""

from __future__ import annotations

import re
from decimal import Decimal
from html import unescape

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from omnicanal.catalog import buybox, mapping, offers, schemas, service
from omnicanal.catalog.models import ProductCode
from omnicanal.network import schemas as network_schemas
from omnicanal.network import service as network_service
from omnicanal.security.permissions import Permission, Principal, Role, Scope
from omnicanal.security.service import SYSTEM
from omnicanal.simulation.catalog import gtin_check_digit
from omnicanal.web import labels
from omnicanal.web.pages import catalog as catalog_pages
from tests.conftest import Brand, create_user
from tests.web.conftest import ADMIN, FRANCHISEE_A, STAFF
from tests.web.helpers import csrf_token, sign_in, switch_language

PRICING = "prix@maison-demo.fr"


def _gtin(n: int) -> str:
    first12 = f"3760123{n:05d}"
    return first12 + gtin_check_digit(first12)


def _text(html: str) -> str:
    """The page's words, without tags, entities read and spaces collapsed."""
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def _skus(html: str) -> list[str]:
    """The SKUs of the search results, in their order."""
    return re.findall(r'<td data-label="[^"]+"><code class="sku">([^<]+)</code></td>', html)


def _product(s: Session, sku: str, name: str, **fields: object) -> str:
    data = schemas.ProductCreate(sku=sku, name_fr=name, **fields)  # type: ignore[arg-type]
    return service.create_product(s, SYSTEM, data).id


@pytest.fixture
def catalog(factory: sessionmaker[Session], brand: Brand) -> dict[str, str]:
    """A dress in two sizes (a model and its variants), a jumper, another brand's scarf."""
    with factory.begin() as s:
        women = service.create_category(
            s, SYSTEM, schemas.CategoryCreate(code="FEMME", name_fr="Femme", name_en="Women")
        )
        dresses = service.create_category(
            s,
            SYSTEM,
            schemas.CategoryCreate(
                code="FEMME.ROBES", name_fr="Robes", name_en="Dresses", parent_id=women.id
            ),
        )
        men = service.ensure_category_path(s, "Homme > Pulls")
        ids = {"dresses": dresses.id, "women": women.id, "men": men.id}
        ids["model"] = _product(
            s, "MD-00001", "Robe portefeuille Lina", name_en="Lina wrap dress",
            brand="Maison Démo", category_id=dresses.id, variant_axes=["size", "colour"],
        )  # fmt: skip
        for n, size in enumerate(["36", "38"], start=1):
            ids[size] = _product(
                s, f"MD-00001-NOIR-{size}", "Robe portefeuille Lina", name_en="Lina wrap dress",
                gtin=_gtin(n), brand="Maison Démo", category_id=dresses.id,
                parent_id=ids["model"],
                attributes={"colour": "Noir", "size": size, "base_price_cents": "6990",
                            "currency": "EUR"},
            )  # fmt: skip
        ids["jumper"] = _product(
            s, "MD-00002-ECRU-M", "Pull col rond Émile", gtin=_gtin(3), brand="Maison Démo",
            category_id=men.id, attributes={"colour": "Écru", "size": "M"},
            status="discontinued",
        )  # fmt: skip
        ids["scarf"] = _product(s, "AN-0001", "Écharpe laine", brand="Atelier Nord", status="draft")
    return ids


def _franchisee(entity_id: str) -> Principal:
    return Principal(
        kind="api_key",
        id="key_till",
        name="till",
        permissions=frozenset({Permission.CATALOG_READ, Permission.CATALOG_WRITE}),
        scope=Scope(entity_id=entity_id),
    )


@pytest.fixture
def codes(factory: sessionmaker[Session], brand: Brand, catalog) -> dict[str, str]:
    """Franchisee A's till file: one code mapped by GTIN, one label both sizes fit, one that is
    no product of the catalog; franchisee B's own doubtful code."""
    with factory.begin() as s:
        service.submit_lines(s, _franchisee(brand.franchisee_a), [
            schemas.ProductLineIn(code="ALP100001", gtin=_gtin(2),
                                  name="ROBE PORTEFEUILLE LINA NOIR 38"),
            schemas.ProductLineIn(code="ALP100002", name="ROBE PORTEFEUILLE LINA NOIR",
                                  price="69,90", category="FEMME", brand="Maison Demo"),
            schemas.ProductLineIn(code="ALP100003", name="TONDEUSE A GAZON"),
        ])  # fmt: skip
        service.submit_lines(s, _franchisee(brand.franchisee_b), [
            schemas.ProductLineIn(code="BET200001", name="ROBE PORTEFEUILLE LINA NOIR"),
        ])  # fmt: skip
    with factory() as s:
        return {c.code: c.id for c in s.scalars(select(ProductCode))}


@pytest.fixture
def market(factory: sessionmaker[Session], brand: Brand, catalog) -> None:
    """The brand's own offer and a marketplace seller's cheaper one on the 38; another seller
    out of stock."""
    with factory.begin() as s:
        for code in ("MKP-1", "MKP-2"):
            network_service.create_entity(
                s, SYSTEM,
                network_schemas.EntityCreate(code=code, name=f"Vendeur {code}",
                                             kind="marketplace_seller"),
            )  # fmt: skip
        for seller, price, stock in (("HQ", 6990, 10), ("MKP-1", 6790, 3), ("MKP-2", 5000, 0)):
            offers.set_offer(
                s, SYSTEM, catalog["38"],
                schemas.OfferIn(seller=seller, price_minor=price, currency="EUR",
                                shipping_minor=0, stock_quantity=stock, delivery_days=2),
                Decimal(5),
            )  # fmt: skip


# --- search ---------------------------------------------------------------------------------


def test_search_finds_products_despite_a_typo_and_missing_accents(
    client: TestClient, users, catalog
) -> None:
    sign_in(client, ADMIN)

    dress = client.get("/catalog", params={"q": "robe portefeulle"})
    scarf = client.get("/catalog", params={"q": "echarpe"})

    assert dress.status_code == 200
    assert _skus(dress.text) == ["MD-00001", "MD-00001-NOIR-36", "MD-00001-NOIR-38"]
    assert "3 produits" in _text(dress.text)
    assert _skus(scarf.text) == ["AN-0001"]


def test_search_takes_a_gtin_in_any_of_its_forms(client: TestClient, users, catalog) -> None:
    sign_in(client, ADMIN)
    gtin13 = _gtin(2)

    for typed in (gtin13, "0" + gtin13, f"{gtin13[:1]} {gtin13[1:7]} {gtin13[7:]}"):
        assert _skus(client.get("/catalog", params={"q": typed}).text) == ["MD-00001-NOIR-38"]


def test_search_takes_a_sku_in_any_case_and_puts_it_first(
    client: TestClient, users, catalog
) -> None:
    sign_in(client, ADMIN)

    found = _skus(client.get("/catalog", params={"q": "md-00001-noir-38"}).text)

    assert found[0] == "MD-00001-NOIR-38"


def test_search_by_colour_size_and_brand(client: TestClient, users, catalog) -> None:
    sign_in(client, ADMIN)

    assert _skus(client.get("/catalog", params={"q": "lina 36"}).text) == ["MD-00001-NOIR-36"]
    assert _skus(client.get("/catalog", params={"q": "atelier"}).text) == ["AN-0001"]
    assert _skus(client.get("/catalog", params={"q": "ecru"}).text) == ["MD-00002-ECRU-M"]


def test_filters_by_category_with_its_subcategories_brand_and_status(
    client: TestClient, users, catalog
) -> None:
    sign_in(client, ADMIN)

    women = client.get("/catalog", params={"category": catalog["women"]}).text
    other_brand = client.get("/catalog", params={"brand": "Atelier Nord"}).text
    discontinued = client.get("/catalog", params={"status": "discontinued"}).text
    both = client.get("/catalog", params={"q": "pull", "status": "active"}).text

    assert _skus(women) == ["MD-00001", "MD-00001-NOIR-36", "MD-00001-NOIR-38"]
    assert _skus(other_brand) == ["AN-0001"]
    assert _skus(discontinued) == ["MD-00002-ECRU-M"]
    assert _skus(both) == []
    assert "Aucun produit ne correspond à « pull »." in _text(both)


def test_results_are_paginated_and_keep_the_filters(
    client: TestClient, users, catalog, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(catalog_pages, "PAGE_SIZE", 2)
    sign_in(client, ADMIN)

    first = client.get("/catalog", params={"brand": "Maison Démo"}).text
    link = re.search(r'href="([^"]+)" rel="next"', first)
    assert link
    second = client.get(link.group(1).replace("&amp;", "&")).text

    assert _skus(first) == ["MD-00001", "MD-00001-NOIR-36"]
    assert "Page 1 sur 2" in _text(first)
    assert _skus(second) == ["MD-00001-NOIR-38", "MD-00002-ECRU-M"]
    assert 'rel="prev"' in second and 'rel="next"' not in second


def test_each_result_shows_sku_name_brand_category_and_status_in_french(
    client: TestClient, users, catalog
) -> None:
    sign_in(client, ADMIN)

    text = _text(client.get("/catalog", params={"q": "MD-00001-NOIR-38"}).text)

    assert (
        "Robe portefeuille Lina Noir · 38 MD-00001-NOIR-38 Maison Démo Femme > Robes Actif" in text
    )


def test_results_in_english_use_the_english_names(client: TestClient, users, catalog) -> None:
    sign_in(client, ADMIN)
    switch_language(client, "en", "/catalog")

    page = client.get("/catalog", params={"q": "MD-00001-NOIR-38"}).text

    assert "<h1>Catalog</h1>" in page
    assert "Lina wrap dress Noir · 38 MD-00001-NOIR-38 Maison Démo Women > Dresses Active" in (
        _text(page)
    )
    # The search reads English names too.
    assert _skus(client.get("/catalog", params={"q": "wrap dres"}).text)[0] == "MD-00001"


def test_suggestions_for_a_sku_field_as_it_is_typed(client: TestClient, users, catalog) -> None:
    sign_in(client, ADMIN)

    found = client.get("/catalog/products/suggest", params={"q": "pull emil"})

    assert found.json() == [{"sku": "MD-00002-ECRU-M", "name": "Pull col rond Émile"}]
    assert client.get("/catalog/products/suggest").json() == []


# --- product page ---------------------------------------------------------------------------


def test_product_page_shows_attributes_variants_codes_and_offers(
    client: TestClient, users, catalog, codes, market
) -> None:
    sign_in(client, ADMIN)

    page = client.get(f"/catalog/products/{catalog['38']}")

    assert page.status_code == 200
    text = _text(page.text)
    assert "<h1>Robe portefeuille Lina</h1>" in page.text
    assert f"GTIN {_gtin(2)}" in text
    assert "Prix catalogue 69,90 €" in text
    assert "Couleur Noir" in text and "Taille 38" in text
    # Its model, and the other size.
    assert f'href="/catalog/products/{catalog["model"]}"' in page.text
    assert f'href="/catalog/products/{catalog["36"]}"' in page.text
    # The franchisee's code mapped to it by its GTIN.
    assert "FR-A ALP100001 ROBE PORTEFEUILLE LINA NOIR 38 par GTIN" in text
    # The brand keeps the buy box within 5 % of the best seller in stock; MKP-2 has none.
    assert "L’offre de la marque elle-même, dans sa tolérance de prix" in text
    assert re.search(r"HQ\s+la marque\s+Mise en avant", text)
    assert "MKP-2 en rupture de stock" in text


def test_a_franchisee_sees_only_its_own_codes_on_a_product(
    client: TestClient, users, catalog, codes, brand: Brand, factory
) -> None:
    with factory.begin() as s:
        service.submit_lines(s, _franchisee(brand.franchisee_b), [
            schemas.ProductLineIn(code="BET200002", gtin=_gtin(2),
                                  name="ROBE PORTEFEUILLE LINA NOIR 38"),
        ])  # fmt: skip
    sign_in(client, FRANCHISEE_A)

    page = client.get(f"/catalog/products/{catalog['38']}").text

    assert "ALP100001" in page and "BET200002" not in page


def test_an_unknown_product_is_a_page_saying_so(client: TestClient, users, catalog) -> None:
    sign_in(client, ADMIN)

    page = client.get("/catalog/products/prd_nope")

    assert page.status_code == 404
    assert "Aucun produit prd_nope dans le catalogue." in page.text


# --- code-mapping queue ---------------------------------------------------------------------


def test_queue_lists_codes_to_review_with_counts_per_status(
    client: TestClient, users, codes
) -> None:
    sign_in(client, ADMIN)

    page = client.get("/catalog/codes")

    assert page.status_code == 200
    text = _text(page.text)
    assert "À vérifier 3 Associés 1 Rejetés 0" in text
    assert "3 codes à vérifier" in text
    assert "ALP100002" in text and "BET200001" in text and "ALP100001" not in text
    assert 'aria-current="page">Codes produits</a>' in page.text


def test_queue_filters_by_owner(client: TestClient, users, codes) -> None:
    sign_in(client, ADMIN)

    text = _text(client.get("/catalog/codes", params={"owner": "FR-B"}).text)

    assert "À vérifier 1 Associés 0 Rejetés 0" in text
    assert "BET200001" in text and "ALP100002" not in text


def test_a_code_beside_its_candidates_with_the_fields_that_agree(
    client: TestClient, users, codes
) -> None:
    sign_in(client, ADMIN)

    page = client.get(f"/catalog/codes/{codes['ALP100002']}")

    assert page.status_code == 200
    text = _text(page.text)
    assert "Code ALP100002 de FR-A" in text
    assert "Envoyé par FR-A" in text
    # Both sizes fit the label cut before the size, side by side.
    assert "MD-00001-NOIR-36 100 % 4 champs concordent MD-00001-NOIR-38 100 %" in text
    assert re.search(r"Marque Maison Demo Maison Démo Concorde Maison Démo Concorde", text)
    assert re.search(r"Catégorie FEMME Femme > Robes Concorde Femme > Robes Concorde", text)
    assert re.search(r"Prix 69,90 € 69,90 € Concorde 69,90 € Concorde", text)
    assert f"GTIN — {_gtin(1)} Rien à comparer {_gtin(2)} Rien à comparer" in text
    # The model (no colour, no size) fits the label too, a little less.
    assert "MD-00001 89,8 % 3 champs concordent" in text
    assert page.text.count('name="action" value="confirm"') == 3


def test_confirming_a_candidate_maps_the_code_and_moves_to_the_next(
    client: TestClient, users, codes, factory
) -> None:
    sign_in(client, ADMIN)
    token = csrf_token(client.get(f"/catalog/codes/{codes['ALP100002']}").text)

    response = client.post(
        f"/catalog/codes/{codes['ALP100002']}/decision",
        data={"action": "confirm", "sku": "MD-00001-NOIR-38", "csrf_token": token},
        follow_redirects=False,
    )

    assert response.status_code == 303
    assert response.headers["location"] == f"/catalog/codes/{codes['ALP100003']}"
    following = _text(client.get(response.headers["location"]).text)
    assert "Le code ALP100002 de FR-A est maintenant associé à MD-00001-NOIR-38." in following
    assert "Code ALP100003 de FR-A" in following
    assert "À vérifier 2 Associés 2" in following
    with factory() as s:
        code = s.get(ProductCode, codes["ALP100002"])
        assert code.status == "mapped" and code.method == "manual"


def test_mapping_by_a_typed_sku_or_gtin_and_rejecting(
    client: TestClient, users, codes, catalog, factory
) -> None:
    sign_in(client, ADMIN)
    token = csrf_token(client.get("/catalog/codes").text)

    mapped = client.post(
        f"/catalog/codes/{codes['BET200001']}/decision",
        data={"action": "map", "sku": "md-00001-noir-36", "owner": "FR-B", "csrf_token": token},
        follow_redirects=False,
    )
    by_gtin = client.post(
        f"/catalog/codes/{codes['ALP100002']}/decision",
        data={"action": "map", "sku": "0" + _gtin(1), "csrf_token": token},
    )
    rejected = client.post(
        f"/catalog/codes/{codes['ALP100003']}/decision",
        data={"action": "reject", "reason": "pas vendu par la marque", "csrf_token": token},
    )

    # Nothing else waits for FR-B: back to its list.
    assert mapped.headers["location"] == "/catalog/codes?owner=FR-B"
    assert "associé à MD-00001-NOIR-36" in _text(by_gtin.text)
    assert "Le code ALP100003 de FR-A a été rejeté" in _text(rejected.text)
    assert "Rien à vérifier" in _text(rejected.text)
    with factory() as s:
        assert s.get(ProductCode, codes["BET200001"]).product_id == catalog["36"]
        assert s.get(ProductCode, codes["ALP100002"]).product_id == catalog["36"]
        refused = s.get(ProductCode, codes["ALP100003"])
        assert refused.status == "rejected" and refused.reason == "pas vendu par la marque"


def test_an_unknown_sku_is_explained_and_the_code_stays_in_the_queue(
    client: TestClient, users, codes, factory
) -> None:
    sign_in(client, ADMIN)
    path = f"/catalog/codes/{codes['ALP100002']}"
    token = csrf_token(client.get(path).text)

    unknown = client.post(
        f"{path}/decision", data={"action": "map", "sku": "XX-999", "csrf_token": token}
    )
    empty = client.post(f"{path}/decision", data={"action": "map", "csrf_token": token})

    assert unknown.url.path == path
    assert "Aucun produit n’a le SKU ou le GTIN « XX-999 »." in _text(unknown.text)
    assert "Saisissez le SKU ou le GTIN du produit" in _text(empty.text)
    with factory() as s:
        assert s.get(ProductCode, codes["ALP100002"]).status == "pending_review"


def test_a_decision_without_the_csrf_token_is_refused(
    client: TestClient, users, codes, factory
) -> None:
    sign_in(client, ADMIN)

    refused = client.post(
        f"/catalog/codes/{codes['ALP100002']}/decision",
        data={"action": "confirm", "sku": "MD-00001-NOIR-38"},
    )

    assert refused.status_code == 403
    assert "Ce formulaire a expiré" in refused.text
    with factory() as s:
        assert s.get(ProductCode, codes["ALP100002"]).status == "pending_review"


# --- who sees what --------------------------------------------------------------------------


def test_a_franchisee_reads_its_own_queue_without_deciding(
    client: TestClient, users, codes, factory
) -> None:
    sign_in(client, FRANCHISEE_A)

    queue = client.get("/catalog/codes")
    page = client.get(f"/catalog/codes/{codes['ALP100002']}")
    other = client.get(f"/catalog/codes/{codes['BET200001']}")
    refused = client.post(
        f"/catalog/codes/{codes['ALP100002']}/decision",
        data={"action": "reject", "csrf_token": csrf_token(page.text)},
    )

    assert queue.status_code == 200
    assert "ALP100002" in queue.text and "BET200001" not in queue.text
    assert "À vérifier 2 Associés 1" in _text(queue.text)
    assert page.status_code == 200
    assert "/decision" not in page.text
    assert "Lecture seule" in page.text
    assert other.status_code == 404 and "BET200001" not in _text(other.text)
    assert refused.status_code == 403
    with factory() as s:
        assert s.get(ProductCode, codes["ALP100002"]).status == "pending_review"


def test_store_staff_search_the_catalog_but_not_the_code_queue(
    client: TestClient, users, catalog
) -> None:
    sign_in(client, STAFF)

    search = client.get("/catalog", params={"q": "lina"})

    assert search.status_code == 200 and "MD-00001" in search.text
    assert 'href="/catalog/codes"' not in search.text
    assert client.get("/catalog/codes").status_code == 403


def test_the_pricing_manager_decides_codes(
    client: TestClient, factory, codes, brand: Brand
) -> None:
    create_user(factory, PRICING, Role.PRICING_MANAGER)
    sign_in(client, PRICING)

    page = client.get(f"/catalog/codes/{codes['ALP100002']}")
    done = client.post(
        f"/catalog/codes/{codes['ALP100002']}/decision",
        data={"action": "confirm", "sku": "MD-00001-NOIR-36", "csrf_token": csrf_token(page.text)},
    )

    assert 'name="action" value="confirm"' in page.text
    assert "associé à MD-00001-NOIR-36" in _text(done.text)


# --- languages ------------------------------------------------------------------------------


def test_code_pages_in_english(client: TestClient, users, codes) -> None:
    sign_in(client, ADMIN)
    switch_language(client, "en", "/catalog/codes")

    queue = _text(client.get("/catalog/codes").text)
    page = _text(client.get(f"/catalog/codes/{codes['ALP100002']}").text)

    assert "To review 3 Mapped 1 Rejected 0" in queue and "3 codes to review" in queue
    assert "Code ALP100002 of FR-A" in page and "Sent by FR-A" in page
    assert "Category FEMME Women > Dresses Agrees" in page
    assert "Confirm MD-00001-NOIR-36" in page and "Reject the code" in page


def test_every_code_of_the_catalog_has_a_label() -> None:
    """A status, method, reason or field added to the catalog shows as is until it gets a
    label here (and a translation)."""
    from omnicanal.catalog.rules import CodeStatus, MappingMethod, ProductStatus

    assert set(ProductStatus) == set(labels.PRODUCT_STATUS_LABELS)
    assert set(CodeStatus) == set(labels.CODE_STATUS_LABELS) == set(labels.CODE_LIST_LABELS)
    assert set(MappingMethod) == set(labels.MAPPING_METHOD_LABELS)
    assert set(buybox.BuyBoxReason) == set(labels.BUY_BOX_REASON_LABELS)
    assert set(buybox.Exclusion) == set(labels.OFFER_EXCLUSION_LABELS)
    states = {mapping.AGREES, mapping.CLOSE, mapping.DIFFERS, mapping.MISSING}
    assert states == set(labels.AGREEMENT_LABELS)
    line = mapping.LocalLine(code="X", name="x")
    fields = {c.field for c in mapping.compare_fields(line, mapping.MasterItem("S", "x"))}
    assert fields == set(labels.CODE_FIELD_LABELS)

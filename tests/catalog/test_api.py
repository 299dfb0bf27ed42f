"""The catalog through the HTTP API: products, categories, the code-mapping queue and
translation, assortment; scoped like the network."""

import pytest

from omnicanal.simulation.catalog import gtin_check_digit
from tests.conftest import Brand, issue_key


def _gtin(n: int) -> str:
    first12 = f"3760123{n:05d}"
    return first12 + gtin_check_digit(first12)


@pytest.fixture
def catalog(client, brand: Brand, admin_headers) -> dict[str, str]:
    category = client.post(
        "/api/v1/categories",
        json={"code": "FEMME", "name_fr": "Femme", "name_en": "Women"},
        headers=admin_headers,
    )
    assert category.status_code == 201, category.text
    model = client.post(
        "/api/v1/products",
        json={
            "sku": "MD-00001",
            "name_fr": "Robe portefeuille Lina",
            "name_en": "Lina wrap dress",
            "brand": "Maison Démo",
            "category_id": category.json()["id"],
            "variant_axes": ["size", "colour"],
        },
        headers=admin_headers,
    )
    assert model.status_code == 201, model.text
    ids = {"category": category.json()["id"], "model": model.json()["id"]}
    for n, size in enumerate(["36", "38"], start=1):
        variant = client.post(
            "/api/v1/products",
            json={
                "sku": f"MD-00001-NOIR-{size}",
                "gtin": _gtin(n),
                "name_fr": "Robe portefeuille Lina",
                "brand": "Maison Démo",
                "category_id": category.json()["id"],
                "parent_id": model.json()["id"],
                "attributes": {"colour": "Noir", "size": size},
            },
            headers=admin_headers,
        )
        assert variant.status_code == 201, variant.text
        ids[size] = variant.json()["id"]
    return ids


def test_products_are_created_searched_read_and_updated(client, catalog, admin_headers) -> None:
    product = client.get("/api/v1/products/MD-00001-NOIR-38", headers=admin_headers).json()
    assert product["gtin"] == "0" + _gtin(2) and product["parent_id"] == catalog["model"]
    found = client.get("/api/v1/products", params={"q": _gtin(1)}, headers=admin_headers).json()
    assert [p["sku"] for p in found] == ["MD-00001-NOIR-36"]
    variants = client.get(
        "/api/v1/products", params={"parent_id": catalog["model"]}, headers=admin_headers
    ).json()
    assert len(variants) == 2
    updated = client.patch(
        f"/api/v1/products/{catalog['36']}",
        json={"status": "discontinued", "description_en": "Black"},
        headers=admin_headers,
    )
    assert updated.status_code == 200 and updated.json()["status"] == "discontinued"
    active = client.get("/api/v1/products", params={"status": "active"}, headers=admin_headers)
    assert "MD-00001-NOIR-36" not in {p["sku"] for p in active.json()}


def test_product_search_forgives_typos_and_reads_any_gtin_form(
    client, catalog, admin_headers
) -> None:
    def skus(q: str, **params: str) -> list[str]:
        response = client.get("/api/v1/products", params={"q": q, **params}, headers=admin_headers)
        assert response.status_code == 200, response.text
        return [p["sku"] for p in response.json()]

    assert skus("robe portefeulle noir 38") == ["MD-00001-NOIR-38"]
    assert skus("0" + _gtin(1)) == ["MD-00001-NOIR-36"]
    assert skus("lina", limit="1", offset="1") == ["MD-00001-NOIR-36"]  # best first, paged


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"sku": "X-1", "name_fr": "X", "gtin": "3760123000001"}, "gtin"),
        ({"sku": "X 1", "name_fr": "X"}, "sku"),
        ({"sku": "X-1", "name_fr": "X", "status": "sold"}, "status"),
        ({"sku": "X-1", "name_fr": "X", "category_id": "cat_nope"}, "category_id"),
        ({"sku": "X-1", "name_fr": "X", "parent_id": "prd_nope"}, "parent_id"),
    ],
)
def test_bad_products_are_refused_naming_the_field(client, catalog, admin_headers, body, field):
    response = client.post("/api/v1/products", json=body, headers=admin_headers)
    assert response.status_code == 422, response.text
    assert response.json()["field"] == field


def test_duplicate_sku_and_gtin_are_conflicts(client, catalog, admin_headers) -> None:
    again = client.post(
        "/api/v1/products", json={"sku": "MD-00001", "name_fr": "x"}, headers=admin_headers
    )
    assert again.status_code == 409 and again.json()["field"] == "sku"
    same_gtin = client.post(
        "/api/v1/products",
        json={"sku": "Y-1", "name_fr": "y", "gtin": _gtin(1)},
        headers=admin_headers,
    )
    assert same_gtin.status_code == 409 and same_gtin.json()["field"] == "gtin"


def test_only_the_brand_manages_the_master_catalog(client, factory, catalog, brand) -> None:
    franchisee = issue_key(factory, ["catalog:read", "catalog:write"], entity_id=brand.franchisee_a)
    assert client.get("/api/v1/products", headers=franchisee).status_code == 200
    denied = client.post("/api/v1/products", json={"sku": "Z", "name_fr": "Z"}, headers=franchisee)
    assert denied.status_code == 403


def test_a_franchisee_sends_its_codes_and_settles_the_doubtful(
    client, factory, catalog, brand
) -> None:
    headers = issue_key(factory, ["catalog:read", "catalog:write"], entity_id=brand.franchisee_a)
    sent = client.post(
        "/api/v1/product-codes",
        json=[
            {"code": "ALP100001", "gtin": _gtin(2), "name": "ROBE PORTEFEUILLE LINA NOIR 38"},
            {"code": "ALP100002", "name": "ROBE PORTEFEUILLE LINA NOIR", "price": "59,90"},
            {"code": "ALP100003", "name": "TONDEUSE A GAZON"},
        ],
        headers=headers,
    )
    assert sent.status_code == 200, sent.text
    by_code = {c["code"]: c for c in sent.json()}
    assert by_code["ALP100001"]["status"] == "mapped"
    assert by_code["ALP100001"]["sku"] == "MD-00001-NOIR-38"
    assert by_code["ALP100001"]["method"] == "gtin" and by_code["ALP100001"]["owner"] == "FR-A"
    assert by_code["ALP100002"]["status"] == "pending_review"
    assert by_code["ALP100002"]["line"]["price_minor"] == 5990
    assert by_code["ALP100003"]["status"] == "pending_review"

    queue = client.get(
        "/api/v1/product-codes", params={"status": "pending_review"}, headers=headers
    ).json()
    assert {c["code"] for c in queue} == {"ALP100002", "ALP100003"}

    confirmed = client.post(
        f"/api/v1/product-codes/{by_code['ALP100002']['id']}/decision",
        json={"action": "map", "sku": "MD-00001-NOIR-36"},
        headers=headers,
    )
    assert confirmed.status_code == 200, confirmed.text
    assert confirmed.json()["method"] == "manual" and confirmed.json()["sku"] == "MD-00001-NOIR-36"
    rejected = client.post(
        f"/api/v1/product-codes/{by_code['ALP100003']['id']}/decision",
        json={"action": "reject", "reason": "not ours"},
        headers=headers,
    )
    assert rejected.json()["status"] == "rejected"
    unknown_sku = client.post(
        f"/api/v1/product-codes/{by_code['ALP100003']['id']}/decision",
        json={"action": "map", "sku": "NOPE"},
        headers=headers,
    )
    assert unknown_sku.status_code == 422 and unknown_sku.json()["field"] == "sku"

    # A person's decision stands when the same file comes again.
    again = client.post(
        "/api/v1/product-codes",
        json=[{"code": "ALP100002", "name": "ROBE PORTEFEUILLE LINA NOIR"}],
        headers=headers,
    )
    assert again.json()[0]["sku"] == "MD-00001-NOIR-36"


def test_translation_holds_unknown_codes(client, factory, catalog, brand) -> None:
    headers = issue_key(factory, ["catalog:read", "catalog:write"], entity_id=brand.franchisee_a)
    client.post(
        "/api/v1/product-codes",
        json=[{"code": "ALP1", "gtin": _gtin(1), "name": "ROBE PORTEFEUILLE LINA NOIR 36"}],
        headers=headers,
    )
    answer = client.post(
        "/api/v1/product-codes/translate", json={"codes": ["ALP1", "ALP9"]}, headers=headers
    )
    assert answer.status_code == 200, answer.text
    assert answer.json() == [
        {"code": "ALP1", "sku": "MD-00001-NOIR-36", "status": "mapped"},
        {"code": "ALP9", "sku": None, "status": "pending_review"},
    ]
    held = client.get(
        "/api/v1/product-codes", params={"status": "pending_review"}, headers=headers
    ).json()
    assert [c["code"] for c in held] == ["ALP9"]


def test_a_franchisee_sees_and_sends_its_own_codes_only(
    client, factory, catalog, brand, admin_headers
) -> None:
    a = issue_key(factory, ["catalog:read", "catalog:write"], entity_id=brand.franchisee_a)
    b = issue_key(factory, ["catalog:read", "catalog:write"], entity_id=brand.franchisee_b)
    client.post("/api/v1/product-codes", json=[{"code": "A1", "name": "ROBE"}], headers=a)
    assert client.get("/api/v1/product-codes", headers=b).json() == []
    other = client.post("/api/v1/product-codes", json=[{"owner": "FR-A", "code": "A2"}], headers=b)
    assert other.status_code == 422 and other.json()["field"] == "owner"
    code_id = client.get("/api/v1/product-codes", headers=a).json()[0]["id"]
    assert client.get(f"/api/v1/product-codes/{code_id}", headers=b).status_code == 404
    # The brand sends for anyone, and says for whom.
    unsaid = client.post("/api/v1/product-codes", json=[{"code": "X1"}], headers=admin_headers)
    assert unsaid.status_code == 422 and unsaid.json()["field"] == "owner"
    pos = client.post(
        "/api/v1/product-codes", json=[{"owner": "legacy-pos", "code": "X1"}], headers=admin_headers
    )
    assert pos.status_code == 200 and pos.json()[0]["owner_entity_id"] is None


def test_a_read_only_key_cannot_send_codes(client, factory, catalog, brand) -> None:
    headers = issue_key(factory, ["catalog:read"], entity_id=brand.franchisee_a)
    response = client.post("/api/v1/product-codes", json=[{"code": "A1"}], headers=headers)
    assert response.status_code == 403 and "catalog:write" in response.json()["detail"]


def test_assortment_per_channel_and_location(client, catalog, brand, admin_headers) -> None:
    added = client.post(
        "/api/v1/assortment",
        json={"skus": ["MD-00001-NOIR-36", "MD-00001-NOIR-38"], "location_id": brand.store_a},
        headers=admin_headers,
    )
    assert added.json() == {"added": 2}
    again = client.post(
        "/api/v1/assortment",
        json={"skus": ["MD-00001-NOIR-36"], "location_id": brand.store_a},
        headers=admin_headers,
    )
    assert again.json() == {"added": 0}
    client.post(
        "/api/v1/assortment",
        json={"skus": ["MD-00001-NOIR-38"], "channel_id": brand.channel_web},
        headers=admin_headers,
    )
    store = client.get(
        "/api/v1/assortment", params={"location_id": brand.store_a}, headers=admin_headers
    )
    assert store.json() == ["MD-00001-NOIR-36", "MD-00001-NOIR-38"]
    web = client.get(
        "/api/v1/assortment", params={"channel_id": brand.channel_web}, headers=admin_headers
    )
    assert web.json() == ["MD-00001-NOIR-38"]
    bad = client.post(
        "/api/v1/assortment",
        json={"skus": ["NOPE"], "channel_id": brand.channel_web},
        headers=admin_headers,
    )
    assert bad.status_code == 422 and bad.json()["field"] == "skus"

"""The network through the HTTP API: create, read, update and filter, with events emitted."""

from sqlalchemy import select

from omnicanal.events.models import OutboxEvent
from tests.conftest import Brand, issue_key


def test_create_then_update_a_store(client, factory, brand: Brand, admin_headers) -> None:
    created = client.post(
        "/api/v1/locations",
        json={
            "code": "NANTES-01",
            "name": "Nantes Commerce",
            "kind": "store",
            "owner_entity_id": brand.own_store_entity,
            "city": "Nantes",
            "postal_code": "44000",
            "phone": "02 40 12 34 56",
            "opening_hours": "Mo-Sa 10:00-19:00",
            "capabilities": ["click_and_collect"],
        },
        headers=admin_headers,
    )
    assert created.status_code == 201, created.text
    store = created.json()
    assert store["phone"] == "+33240123456"
    assert store["opening_hours"]["sa"] == ["10:00-19:00"]
    assert "su" not in store["opening_hours"]

    updated = client.patch(
        f"/api/v1/locations/{store['id']}",
        json={"capabilities": ["click_and_collect", "returns"], "name": "Nantes Commerce (rénové)"},
        headers=admin_headers,
    )
    assert updated.status_code == 200
    assert updated.json()["capabilities"] == ["click_and_collect", "returns"]
    assert client.get(f"/api/v1/locations/{store['id']}", headers=admin_headers).json()["name"] == (
        "Nantes Commerce (rénové)"
    )
    with factory() as session:
        types = session.scalars(
            select(OutboxEvent.type).where(OutboxEvent.payload["id"].as_string() == store["id"])
        ).all()
    assert sorted(types) == ["location.created", "location.updated"]


def test_a_required_field_cannot_be_nulled(client, brand: Brand, admin_headers) -> None:
    response = client.patch(
        f"/api/v1/locations/{brand.store_a}", json={"name": None}, headers=admin_headers
    )
    assert response.status_code == 422
    assert response.json()["field"] == "name"


def test_filters_combine(client, brand: Brand, admin_headers) -> None:
    def codes(**params: str) -> set[str]:
        response = client.get("/api/v1/locations", params=params, headers=admin_headers)
        assert response.status_code == 200, response.text
        return {row["code"] for row in response.json()}

    assert codes(kind="warehouse") == {"WH-1"}
    assert codes(capability="click_and_collect") == {"LYON-01", "FRA-01", "FRB-01"}
    assert codes(city="grenoble") == {"FRA-01"}
    assert codes(q="frb") == {"FRB-01"}
    assert codes(entity_id=brand.franchisee_a, kind="store") == {"FRA-01"}


def test_unknown_filter_value_is_a_problem(client, brand: Brand, admin_headers) -> None:
    response = client.get(
        "/api/v1/locations", params={"capability": "flying"}, headers=admin_headers
    )
    assert response.status_code == 422
    assert response.json()["field"] == "capability"


def test_entities_and_channels(client, brand: Brand, admin_headers) -> None:
    created = client.post(
        "/api/v1/entities",
        json={
            "code": "MKP-Z",
            "name": "Vendeur Z",
            "kind": "marketplace_seller",
            "siret": "73282932000074",
        },
        headers=admin_headers,
    )
    assert created.status_code == 201, created.text
    entity_id = created.json()["id"]
    channel = client.post(
        "/api/v1/channels",
        json={
            "code": "marketplace:z",
            "name": "Marketplace Z",
            "kind": "marketplace",
            "entity_id": entity_id,
        },
        headers=admin_headers,
    )
    assert channel.status_code == 201
    assert (
        client.patch(
            f"/api/v1/entities/{entity_id}", json={"active": False}, headers=admin_headers
        ).json()["active"]
        is False
    )
    bad_siret = client.post(
        "/api/v1/entities",
        json={"code": "X", "name": "X", "kind": "franchisee", "siret": "123"},
        headers=admin_headers,
    )
    assert bad_siret.status_code == 422 and bad_siret.json()["field"] == "siret"


def test_duplicate_code_is_a_conflict_on_code(client, brand: Brand, admin_headers) -> None:
    response = client.post(
        "/api/v1/entities",
        json={"code": "HQ", "name": "again", "kind": "hq"},
        headers=admin_headers,
    )
    assert response.status_code == 409
    assert response.json()["field"] == "code"


def test_franchisee_can_update_its_own_store_but_not_create_entities(
    client, factory, brand: Brand
) -> None:
    headers = issue_key(factory, ["network:read", "network:write"], entity_id=brand.franchisee_a)
    ok = client.patch(
        f"/api/v1/locations/{brand.store_a}",
        json={"opening_hours": "Tu-Sa 10:00-19:00"},
        headers=headers,
    )
    assert ok.status_code == 200
    assert "mo" not in ok.json()["opening_hours"]
    own = client.post(
        "/api/v1/locations",
        json={
            "code": "FRA-02",
            "name": "A2",
            "kind": "store",
            "owner_entity_id": brand.franchisee_a,
        },
        headers=headers,
    )
    assert own.status_code == 201
    denied = client.post(
        "/api/v1/entities", json={"code": "Z", "name": "Z", "kind": "hq"}, headers=headers
    )
    assert denied.status_code == 403


def test_read_only_key_cannot_write(client, factory, brand: Brand) -> None:
    headers = issue_key(factory, ["network:read"])
    response = client.patch(
        f"/api/v1/locations/{brand.store_a}", json={"name": "x"}, headers=headers
    )
    assert response.status_code == 403
    assert "network:write" in response.json()["detail"]


def test_location_scoped_key_sees_its_store_and_its_entity_only(
    client, factory, brand: Brand
) -> None:
    headers = issue_key(factory, ["network:read"], location_ids=[brand.own_store])
    locations = client.get("/api/v1/locations", headers=headers).json()
    assert [loc["id"] for loc in locations] == [brand.own_store]
    entities = client.get("/api/v1/entities", headers=headers).json()
    assert [e["id"] for e in entities] == [brand.own_store_entity]

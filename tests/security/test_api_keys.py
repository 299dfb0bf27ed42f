"""API keys: shown once, stored hashed, scoped, revocable."""

from sqlalchemy import select, update

from omnicanal.db import utcnow
from omnicanal.security import service as security_service
from omnicanal.security.models import ApiKey
from omnicanal.security.passwords import hash_password, verify_password
from tests.conftest import Brand, issue_key


def test_key_is_shown_once_and_stored_only_as_a_hash(
    client, factory, brand: Brand, admin_headers
) -> None:
    created = client.post(
        "/api/v1/api-keys",
        json={"name": "POS Lyon", "permissions": ["network:read"]},
        headers=admin_headers,
    )
    assert created.status_code == 201
    token = created.json()["token"]
    with factory() as session:
        key = session.scalars(select(ApiKey).where(ApiKey.name == "POS Lyon")).one()
        assert token not in key.token_hash and key.token_hash != token
    listed = client.get("/api/v1/api-keys", headers=admin_headers).json()
    assert all("token" not in k for k in listed)
    me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert me.status_code == 200
    assert me.json()["permissions"] == ["network:read"]


def test_revoked_key_stops_working_at_once(client, brand: Brand, admin_headers) -> None:
    created = client.post(
        "/api/v1/api-keys",
        json={"name": "temp", "permissions": ["network:read"]},
        headers=admin_headers,
    ).json()
    headers = {"Authorization": f"Bearer {created['token']}"}
    assert client.get("/api/v1/locations", headers=headers).status_code == 200
    assert (
        client.delete(f"/api/v1/api-keys/{created['id']}", headers=admin_headers).status_code == 200
    )
    assert client.get("/api/v1/locations", headers=headers).status_code == 401


def test_a_key_is_read_once_in_a_while_and_a_revocation_elsewhere_shows_within_seconds(
    factory, brand: Brand, monkeypatch
) -> None:
    token = issue_key(factory, ["network:read"])["Authorization"].removeprefix("Bearer ")
    with factory() as session:
        assert security_service.principal_for_token(session, token) is not None
    with factory.begin() as session:  # another process revokes it
        session.execute(update(ApiKey).values(revoked_at=utcnow()))
    with factory() as session:
        assert security_service.principal_for_token(session, token) is not None
    monkeypatch.setattr(security_service, "KEYS_MAX_AGE", 0.0)  # the seconds have passed
    with factory() as session:
        assert security_service.principal_for_token(session, token) is None


def test_forged_or_malformed_tokens_are_refused(client, brand: Brand, admin_headers) -> None:
    token = admin_headers["Authorization"].removeprefix("Bearer ")
    forged = token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB")
    for bad in (forged, "oc_short_x", "not-a-token", ""):
        response = client.get("/api/v1/locations", headers={"Authorization": f"Bearer {bad}"})
        assert response.status_code == 401, bad


def test_a_franchisee_key_cannot_mint_a_wider_key(client, factory, brand: Brand) -> None:
    headers = issue_key(factory, ["network:read", "apikeys:manage"], entity_id=brand.franchisee_a)
    brand_wide = client.post(
        "/api/v1/api-keys", json={"name": "wide", "permissions": ["network:read"]}, headers=headers
    )
    assert brand_wide.status_code == 403
    more_rights = client.post(
        "/api/v1/api-keys",
        json={
            "name": "more",
            "permissions": ["network:write"],
            "scope_entity_id": brand.franchisee_a,
        },
        headers=headers,
    )
    assert more_rights.status_code == 403
    own_store = client.post(
        "/api/v1/api-keys",
        json={
            "name": "POS A",
            "permissions": ["network:read"],
            "scope_location_ids": [brand.store_a],
        },
        headers=headers,
    )
    assert own_store.status_code == 201


def test_unknown_scope_location_names_the_field(client, brand: Brand, admin_headers) -> None:
    response = client.post(
        "/api/v1/api-keys",
        json={"name": "x", "permissions": ["network:read"], "scope_location_ids": ["loc_nope"]},
        headers=admin_headers,
    )
    assert response.status_code == 422
    assert response.json()["field"] == "scope_location_ids"


def test_passwords_are_argon2id_and_verify() -> None:
    hashed = hash_password("correct horse battery")
    assert hashed.startswith("$argon2id$")
    assert verify_password(hashed, "correct horse battery")
    assert not verify_password(hashed, "wrong horse battery")


def test_admin_creates_scoped_users_through_the_api(client, brand: Brand, admin_headers) -> None:
    response = client.post(
        "/api/v1/users",
        json={
            "email": "Gerant.Alpha@Example.com",
            "display_name": "Gérant Alpha",
            "password": "a long password",
            "role": "franchisee",
            "scope_entity_id": brand.franchisee_a,
        },
        headers=admin_headers,
    )
    assert response.status_code == 201, response.text
    assert response.json()["email"] == "gerant.alpha@example.com"
    assert "password" not in response.text
    short = client.post(
        "/api/v1/users",
        json={
            "email": "x@example.com",
            "display_name": "x",
            "password": "short",
            "role": "advisor",
        },
        headers=admin_headers,
    )
    assert short.status_code == 422 and short.json()["field"] == "password"

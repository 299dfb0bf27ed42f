"""Idempotency-Key on writes: same key and body -> same answer and one write; other body -> 409."""

from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import func, select

from omnicanal.network.models import Location
from tests.conftest import Brand


def _body(owner: str, code: str = "IDEM-01") -> dict[str, object]:
    return {"code": code, "name": "Magasin idempotent", "kind": "store", "owner_entity_id": owner}


def _count(factory, code: str) -> int:
    with factory() as session:
        return session.scalar(select(func.count()).where(Location.code == code))


def test_same_key_same_body_replays_without_a_second_write(
    client, factory, brand: Brand, admin_headers
) -> None:
    headers = {**admin_headers, "Idempotency-Key": "k-1"}
    first = client.post("/api/v1/locations", json=_body(brand.hq), headers=headers)
    second = client.post("/api/v1/locations", json=_body(brand.hq), headers=headers)
    assert first.status_code == second.status_code == 201
    assert first.json() == second.json()
    assert second.headers["idempotent-replayed"] == "true"
    assert _count(factory, "IDEM-01") == 1


def test_same_key_other_body_is_a_conflict(client, factory, brand: Brand, admin_headers) -> None:
    headers = {**admin_headers, "Idempotency-Key": "k-2"}
    assert (
        client.post("/api/v1/locations", json=_body(brand.hq), headers=headers).status_code == 201
    )
    other = client.post("/api/v1/locations", json=_body(brand.hq, "IDEM-02"), headers=headers)
    assert other.status_code == 409
    assert other.headers["content-type"] == "application/problem+json"
    assert other.json()["code"] == "idempotency_key_reused"
    assert _count(factory, "IDEM-02") == 0


def test_without_a_key_a_retry_is_a_new_request(client, brand: Brand, admin_headers) -> None:
    assert (
        client.post("/api/v1/locations", json=_body(brand.hq), headers=admin_headers).status_code
        == 201
    )
    again = client.post("/api/v1/locations", json=_body(brand.hq), headers=admin_headers)
    assert again.status_code == 409
    assert again.json()["field"] == "code"


def test_a_failed_write_is_not_remembered(client, factory, brand: Brand, admin_headers) -> None:
    headers = {**admin_headers, "Idempotency-Key": "k-3"}
    bad = client.post("/api/v1/locations", json=_body("ent_unknown"), headers=headers)
    assert bad.status_code == 422
    fixed = client.post("/api/v1/locations", json=_body("ent_unknown"), headers=headers)
    assert fixed.status_code == 422  # evaluated again, not replayed
    assert "idempotent-replayed" not in fixed.headers


def test_keys_belong_to_one_client(client, factory, brand: Brand, admin_headers) -> None:
    from tests.conftest import issue_key

    other_client = issue_key(factory, ["network:read", "network:write"])
    headers = {**admin_headers, "Idempotency-Key": "shared"}
    assert (
        client.post("/api/v1/locations", json=_body(brand.hq), headers=headers).status_code == 201
    )
    response = client.post(
        "/api/v1/locations",
        json=_body(brand.hq, "IDEM-OTHER"),
        headers={**other_client, "Idempotency-Key": "shared"},
    )
    assert response.status_code == 201
    assert _count(factory, "IDEM-OTHER") == 1


def test_concurrent_duplicates_write_once(client, factory, brand: Brand, admin_headers) -> None:
    headers = {**admin_headers, "Idempotency-Key": "race"}

    def post(_: int):
        return client.post("/api/v1/locations", json=_body(brand.hq, "RACE-01"), headers=headers)

    with ThreadPoolExecutor(max_workers=8) as pool:
        responses = list(pool.map(post, range(16)))
    assert {r.status_code for r in responses} == {201}
    assert len({r.json()["id"] for r in responses}) == 1
    assert _count(factory, "RACE-01") == 1


def test_overlong_key_is_refused(client, brand: Brand, admin_headers) -> None:
    headers = {**admin_headers, "Idempotency-Key": "k" * 300}
    response = client.post("/api/v1/locations", json=_body(brand.hq), headers=headers)
    assert response.status_code == 422

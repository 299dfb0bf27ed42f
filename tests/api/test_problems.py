"""Bad input gets an RFC 9457 problem naming the field at fault."""

from tests.conftest import Brand

PROBLEM = "application/problem+json"


def _location(owner: str, **changes: object) -> dict[str, object]:
    body: dict[str, object] = {
        "code": "NEW-01",
        "name": "Nouveau magasin",
        "kind": "store",
        "owner_entity_id": owner,
        "latitude": 45.0,
        "longitude": 4.0,
    }
    body.update(changes)
    return body


def test_wrong_type_names_the_field(client, brand: Brand, admin_headers) -> None:
    response = client.post(
        "/api/v1/locations", json=_location(brand.hq, latitude="north"), headers=admin_headers
    )
    assert response.status_code == 422
    assert response.headers["content-type"] == PROBLEM
    problem = response.json()
    assert problem["field"] == "latitude"
    assert problem["status"] == 422
    assert problem["type"] == "/problems/validation_error"
    assert problem["errors"][0]["field"] == "latitude"


def test_missing_field_names_the_field(client, brand: Brand, admin_headers) -> None:
    body = _location(brand.hq)
    del body["name"]
    response = client.post("/api/v1/locations", json=body, headers=admin_headers)
    assert response.status_code == 422
    assert response.json()["field"] == "name"
    assert "required" in response.json()["detail"].lower()


def test_value_rule_violation_names_the_field(client, brand: Brand, admin_headers) -> None:
    response = client.post(
        "/api/v1/locations",
        json=_location(brand.hq, opening_hours="Mo-Sa 19:00-09:00"),
        headers=admin_headers,
    )
    assert response.status_code == 422
    assert response.json()["field"] == "opening_hours"
    assert "closes before it opens" in response.json()["detail"]


def test_unknown_owner_entity_is_a_422_on_that_field(client, brand: Brand, admin_headers) -> None:
    response = client.post("/api/v1/locations", json=_location("ent_nope"), headers=admin_headers)
    assert response.status_code == 422
    assert response.headers["content-type"] == PROBLEM
    assert response.json()["field"] == "owner_entity_id"


def test_unknown_location_is_a_404_problem(client, brand: Brand, admin_headers) -> None:
    response = client.get("/api/v1/locations/loc_missing", headers=admin_headers)
    assert response.status_code == 404
    assert response.headers["content-type"] == PROBLEM
    assert response.json()["code"] == "not_found"
    assert response.json()["field"] == "location_id"


def test_oversized_body_is_refused_before_reading_it_all(
    client, brand: Brand, admin_headers
) -> None:
    big = _location(brand.hq, name="x" * 2_000_000)
    response = client.post("/api/v1/locations", json=big, headers=admin_headers)
    assert response.status_code == 413
    assert response.headers["content-type"] == PROBLEM
    assert response.json()["code"] == "payload_too_large"


def test_malformed_json_is_a_problem(client, brand: Brand, admin_headers) -> None:
    response = client.post(
        "/api/v1/locations",
        content=b"{not json",
        headers={**admin_headers, "content-type": "application/json"},
    )
    assert response.status_code == 422
    assert response.headers["content-type"] == PROBLEM


def test_unknown_extra_field_is_refused(client, brand: Brand, admin_headers) -> None:
    response = client.post(
        "/api/v1/locations", json=_location(brand.hq, colour="blue"), headers=admin_headers
    )
    assert response.status_code == 422
    assert response.json()["field"] == "colour"


def test_missing_credentials_is_a_401_problem(client, brand: Brand) -> None:
    response = client.get("/api/v1/locations")
    assert response.status_code == 401
    assert response.headers["content-type"] == PROBLEM


def test_unknown_route_is_a_404_problem(client) -> None:
    response = client.get("/api/v1/nothing-here")
    assert response.status_code == 404
    assert response.headers["content-type"] == PROBLEM


def test_every_response_carries_a_request_id(client) -> None:
    response = client.get("/healthz", headers={"X-Request-ID": "abc-123"})
    assert response.headers["x-request-id"] == "abc-123"
    generated = client.get("/healthz", headers={"X-Request-ID": "bad id with spaces"})
    assert generated.headers["x-request-id"] != "bad id with spaces"
    assert len(generated.headers["x-request-id"]) == 32


def test_readyz_checks_the_database(client) -> None:
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json()["status"] == "ready"


def test_cookie_session_write_needs_the_csrf_header(client, factory, brand: Brand) -> None:
    from omnicanal.security.permissions import Role
    from tests.conftest import create_user
    from tests.web.helpers import csrf_token, sign_in

    create_user(factory, "admin@maisondemo.fr", Role.ADMIN)
    assert sign_in(client, "admin@maisondemo.fr").status_code == 303
    assert client.get("/api/v1/locations").status_code == 200
    body = {"name": "renamed"}
    refused = client.patch(f"/api/v1/locations/{brand.store_a}", json=body)
    assert refused.status_code == 403
    assert "X-CSRF-Token" in refused.json()["detail"]
    token = csrf_token(client.get("/network").text)
    accepted = client.patch(
        f"/api/v1/locations/{brand.store_a}", json=body, headers={"X-CSRF-Token": token}
    )
    assert accepted.status_code == 200

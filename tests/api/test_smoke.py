from tests.conftest import Brand


def test_admin_lists_locations(client, brand: Brand, admin_headers) -> None:
    response = client.get("/api/v1/locations", headers=admin_headers)
    assert response.status_code == 200, response.text
    assert {loc["code"] for loc in response.json()} == {"WH-1", "LYON-01", "FRA-01", "FRB-01"}

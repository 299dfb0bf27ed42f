"""The network page: what each user sees, and the filters."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from omnicanal.network.rules import Capability, LocationKind
from omnicanal.web.pages.network import LocationFilterForm
from tests.conftest import Brand
from tests.web.conftest import ADMIN, FRANCHISEE_A, STAFF
from tests.web.helpers import location_codes, sign_in

ALL = {"WH-1", "LYON-01", "FRA-01", "FRB-01"}


def test_admin_sees_every_store_and_warehouse(client: TestClient, users) -> None:
    sign_in(client, ADMIN)

    page = client.get("/network")

    assert page.status_code == 200
    assert location_codes(page.text) == ALL
    assert "4 sites" in page.text
    assert "3 magasins, 1 entrepôt" in " ".join(page.text.split())
    assert "Maison Démo FRA-01" in page.text
    assert "Franchise Alpha" in page.text  # the owner entity's name
    assert "Entrepôt" in page.text
    assert "Livraison à domicile" in page.text
    assert '<span class="nowrap">lun.–sam.</span>' in page.text
    assert '<span class="nowrap">09:30–19:00</span>' in page.text


def test_franchisee_sees_only_its_own_stores(client: TestClient, users) -> None:
    sign_in(client, FRANCHISEE_A)

    page = client.get("/network")

    assert location_codes(page.text) == {"FRA-01"}
    assert "Franchise Bêta" not in page.text
    assert "Magasin Lyon" not in page.text
    assert "1 site" in page.text


def test_franchisee_cannot_widen_its_view_with_another_entity_filter(
    client: TestClient, users, brand: Brand
) -> None:
    sign_in(client, FRANCHISEE_A)

    page = client.get("/network", params={"entity": brand.franchisee_b})

    assert location_codes(page.text) == set()
    assert "Aucun site ne correspond à ces filtres." in page.text


def test_store_staff_sees_the_locations_of_its_scope(client: TestClient, users) -> None:
    sign_in(client, STAFF)

    assert location_codes(client.get("/network").text) == {"LYON-01"}


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"kind": "warehouse"}, {"WH-1"}),
        ({"kind": "store"}, {"LYON-01", "FRA-01", "FRB-01"}),
        ({"capability": "home_delivery"}, {"WH-1"}),
        ({"capability": "click_and_collect", "city": "Grenoble"}, {"FRA-01"}),
        ({"city": "Annecy"}, {"FRB-01"}),
        ({"q": "frb"}, {"FRB-01"}),
        ({"status": "inactive"}, set()),
        ({"status": "active"}, ALL),
        ({"kind": "spaceship"}, ALL),  # a value that means nothing is ignored, not an error
    ],
)
def test_filters_narrow_the_list(
    client: TestClient, users, params: dict[str, str], expected: set[str]
) -> None:
    sign_in(client, ADMIN)

    page = client.get("/network", params=params)

    assert page.status_code == 200
    assert location_codes(page.text) == expected


def test_entity_filter_shows_that_entity_s_locations(
    client: TestClient, users, brand: Brand
) -> None:
    sign_in(client, ADMIN)

    page = client.get("/network", params={"entity": brand.franchisee_a})

    assert location_codes(page.text) == {"FRA-01"}
    assert "1 sur 4 sites" in page.text
    assert f'<option value="{brand.franchisee_a}" selected>' in page.text


def test_filter_form_reads_query_values() -> None:
    form = LocationFilterForm.from_query(
        {"q": "  lyon ", "kind": "store", "capability": "returns", "status": "nope", "city": ""}
    )

    assert form.q == "lyon"
    assert not form.is_empty
    filters = form.to_filter()
    assert filters.kind is LocationKind.STORE
    assert filters.capability is Capability.RETURNS
    assert filters.active is None
    assert filters.city is None
    assert LocationFilterForm.from_query({}).is_empty

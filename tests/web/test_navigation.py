"""The menu per role, and the pages it leads to."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from omnicanal.security.permissions import ROLE_PERMISSIONS, Permission, Principal, Role
from omnicanal.web.auth import safe_next
from omnicanal.web.navigation import menu_for
from tests.conftest import issue_key
from tests.web.conftest import ADMIN, FRANCHISEE_A
from tests.web.helpers import sign_in


def _user(role: Role) -> Principal:
    return Principal(
        kind="user", id="usr_1", name="Test", permissions=ROLE_PERMISSIONS[role], role=role
    )


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        (
            Role.ADMIN,
            [
                "network",
                "customers",
                "reviews",
                "catalog",
                "codes",
                "promotions",
                "prices",
                "price_audit",
                "store_stock",
                "pickups",
                "returns",
                "api_keys",
                "users",
            ],
        ),
        (
            Role.HQ_ANALYST,
            [
                "network",
                "customers",
                "catalog",
                "promotions",
                "prices",
                "price_audit",
                "store_stock",
            ],
        ),
        (
            Role.PRICING_MANAGER,
            ["network", "catalog", "codes", "promotions", "prices", "price_audit", "store_stock"],
        ),
        (
            Role.STORE_MANAGER,
            [
                "network",
                "customers",
                "catalog",
                "promotions",
                "prices",
                "price_audit",
                "store_stock",
                "pickups",
                "returns",
            ],
        ),
        (
            Role.STORE_STAFF,
            [
                "network",
                "customers",
                "catalog",
                "promotions",
                "prices",
                "price_audit",
                "store_stock",
                "pickups",
                "returns",
            ],
        ),
        (
            Role.ADVISOR,
            [
                "network",
                "customers",
                "catalog",
                "promotions",
                "prices",
                "price_audit",
                "store_stock",
            ],
        ),
        (
            Role.FRANCHISEE,
            [
                "network",
                "customers",
                "catalog",
                "codes",
                "promotions",
                "prices",
                "price_audit",
                "store_stock",
                "pickups",
                "returns",
            ],
        ),
        (
            Role.FINANCE,
            ["network", "catalog", "promotions", "prices", "price_audit", "store_stock"],
        ),
    ],
)
def test_menu_lists_the_sections_of_the_role(role: Role, expected: list[str]) -> None:
    assert [item.key for item in menu_for(_user(role))] == expected


def test_menu_is_empty_without_permissions() -> None:
    nobody = Principal(kind="user", id="usr_2", name="Nobody", permissions=frozenset())

    assert menu_for(nobody) == []


def test_menu_follows_permissions_not_role_names() -> None:
    keys_only = Principal(
        kind="user", id="usr_3", name="Ops", permissions=frozenset({Permission.APIKEYS_MANAGE})
    )

    assert [item.path for item in menu_for(keys_only)] == ["/admin/api-keys"]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("/network?kind=store", "/network?kind=store"),
        ("/admin/users", "/admin/users"),
        (None, "/network"),
        ("", "/network"),
        ("network", "/network"),
        ("//evil.example", "/network"),
        ("/\\evil.example", "/network"),
        ("https://evil.example/", "/network"),
        ("/ok\nLocation: x", "/network"),
    ],
)
def test_safe_next_keeps_only_local_paths(value: str | None, expected: str) -> None:
    assert safe_next(value) == expected


def test_admin_header_links_to_admin_pages(client: TestClient, users) -> None:
    sign_in(client, ADMIN)

    page = client.get("/network").text

    assert 'href="/admin/api-keys"' in page
    assert 'href="/admin/users"' in page
    assert 'aria-current="page">Réseau</a>' in page


def test_franchisee_header_has_no_admin_links_and_admin_pages_are_refused(
    client: TestClient, users
) -> None:
    sign_in(client, FRANCHISEE_A)

    page = client.get("/network").text
    assert "/admin/" not in page
    assert "Franchisé" in page

    for path in ("/admin/users", "/admin/api-keys"):
        refused = client.get(path)
        assert refused.status_code == 403
        assert "Votre rôle ne donne pas accès à cette page." in refused.text


def test_users_page_lists_users_with_translated_roles(client: TestClient, users) -> None:
    sign_in(client, ADMIN)

    page = client.get("/admin/users")

    assert page.status_code == 200
    assert "alpha@franchise-alpha.fr" in page.text
    assert "Franchise Alpha" in page.text  # the franchisee's scope, by name
    assert "Équipe magasin" in page.text
    assert "3 utilisateurs" in page.text


def test_api_keys_page_lists_keys(
    client: TestClient, users, factory: sessionmaker[Session], brand
) -> None:
    issue_key(factory, ["network:read"], entity_id=brand.franchisee_a, name="POS Alpha")
    sign_in(client, ADMIN)

    page = client.get("/admin/api-keys")

    assert page.status_code == 200
    assert "POS Alpha" in page.text
    assert "network:read" in page.text
    assert "En service" in page.text
    assert "1 clé" in page.text

"""Signing in and out of the back-office: sessions, CSRF, redirects."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from fastapi.testclient import TestClient

from tests.web.conftest import ADMIN
from tests.web.helpers import csrf_token, sign_in


def test_anonymous_page_request_redirects_to_login_with_next(client: TestClient) -> None:
    response = client.get("/network?kind=store", follow_redirects=False)

    assert response.status_code == 303
    location = urlsplit(response.headers["location"])
    assert location.path == "/login"
    assert parse_qs(location.query)["next"] == ["/network?kind=store"]


def test_home_redirects_to_the_network_page(client: TestClient) -> None:
    response = client.get("/", follow_redirects=False)

    assert response.status_code in (302, 303, 307)
    assert response.headers["location"] == "/network"


def test_login_with_right_password_opens_the_requested_page(client: TestClient, users) -> None:
    response = sign_in(client, ADMIN, next_path="/network?kind=warehouse")

    assert response.status_code == 303
    assert response.headers["location"] == "/network?kind=warehouse"
    page = client.get("/network")
    assert page.status_code == 200
    assert '<span class="who-name">admin</span>' in page.text
    assert "Administrateur" in page.text


def test_login_failure_gives_one_generic_message(client: TestClient, users) -> None:
    wrong_password = sign_in(client, ADMIN, password="not the password")
    unknown_user = sign_in(client, "nobody@maison-demo.fr")

    for response in (wrong_password, unknown_user):
        assert response.status_code == 401
        assert "E-mail ou mot de passe incorrect" in response.text
    assert client.get("/network", follow_redirects=False).status_code == 303


def test_login_rotates_the_session(client: TestClient, users) -> None:
    before = csrf_token(client.get("/login").text)

    sign_in(client, ADMIN)

    after = csrf_token(client.get("/network").text)
    assert after != before


def test_login_without_csrf_token_is_rejected(client: TestClient, users) -> None:
    client.get("/login")
    response = client.post(
        "/login", data={"email": ADMIN, "password": "correct horse battery"}, follow_redirects=False
    )

    assert response.status_code == 403
    assert "Accès refusé" in response.text
    assert client.get("/network", follow_redirects=False).status_code == 303


def test_login_with_wrong_csrf_token_is_rejected(client: TestClient, users) -> None:
    client.get("/login")
    response = client.post(
        "/login",
        data={"email": ADMIN, "password": "correct horse battery", "csrf_token": "forged"},
        follow_redirects=False,
    )

    assert response.status_code == 403


def test_logout_needs_the_csrf_token(client: TestClient, users) -> None:
    sign_in(client, ADMIN)

    refused = client.post("/logout", follow_redirects=False)
    assert refused.status_code == 403
    assert client.get("/network", follow_redirects=False).status_code == 200

    token = csrf_token(client.get("/network").text)
    done = client.post("/logout", data={"csrf_token": token}, follow_redirects=False)
    assert done.status_code == 303
    assert done.headers["location"] == "/login"
    assert client.get("/network", follow_redirects=False).status_code == 303


@pytest.mark.parametrize(
    "next_path",
    [
        "https://evil.example/phish",
        "//evil.example/phish",
        "/\\evil.example",
        "javascript:alert(1)",
        "/network\r\nLocation: https://evil.example",
    ],
)
def test_next_cannot_redirect_off_site(client: TestClient, users, next_path: str) -> None:
    response = sign_in(client, ADMIN, next_path=next_path)

    assert response.status_code == 303
    assert response.headers["location"] == "/network"


def test_signed_in_user_visiting_login_goes_to_next(client: TestClient, users) -> None:
    sign_in(client, ADMIN)

    response = client.get("/login?next=//evil.example", follow_redirects=False)

    assert response.status_code == 303
    assert response.headers["location"] == "/network"


def test_pages_send_security_headers(client: TestClient) -> None:
    response = client.get("/login")

    assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
    assert response.headers["cache-control"] == "no-store"

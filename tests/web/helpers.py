"""Helpers of the page tests: read the CSRF token of a page, sign in through the login form."""

from __future__ import annotations

import re

import httpx
from fastapi.testclient import TestClient

PASSWORD = "correct horse battery"


def csrf_token(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, "the page has no CSRF field"
    return match.group(1)


def location_codes(html: str) -> set[str]:
    return set(re.findall(r'<span class="code">([^<]+)</span>', html))


def sign_in(
    client: TestClient, email: str, password: str = PASSWORD, next_path: str = ""
) -> httpx.Response:
    form = client.get("/login")
    return client.post(
        "/login",
        data={
            "email": email,
            "password": password,
            "next": next_path,
            "csrf_token": csrf_token(form.text),
        },
        follow_redirects=False,
    )


def switch_language(client: TestClient, locale: str, next_path: str = "/network") -> httpx.Response:
    page = client.get(next_path)
    return client.post(
        "/lang",
        data={"locale": locale, "next": next_path, "csrf_token": csrf_token(page.text)},
        follow_redirects=False,
    )

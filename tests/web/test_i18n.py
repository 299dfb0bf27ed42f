"""French and English pages: the locale of a request, the catalogs, Babel formatting."""

from __future__ import annotations

from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from omnicanal.security import service as security_service
from omnicanal.security.permissions import Role
from omnicanal.security.service import SYSTEM
from omnicanal.web import formatting, i18n
from tests.web.conftest import ADMIN
from tests.web.helpers import PASSWORD, csrf_token, sign_in, switch_language

ROOT = Path(__file__).resolve().parents[2]


def _heading(html: str) -> str:
    start = html.index("<h1>") + 4
    return html[start : html.index("</h1>")]


def test_pages_are_in_french_by_default(client: TestClient, users) -> None:
    login = client.get("/login")
    assert '<html lang="fr">' in login.text
    assert "Se connecter" in login.text
    assert "Mot de passe" in login.text

    sign_in(client, ADMIN)
    page = client.get("/network")

    assert _heading(page.text) == "Réseau"
    assert "Magasins et entrepôts" in page.text
    assert "Retrait en magasin" in page.text
    assert "Se déconnecter" in page.text


def test_switching_to_english_sticks_for_the_session(client: TestClient, users) -> None:
    sign_in(client, ADMIN)

    response = switch_language(client, "en", "/network?kind=store")

    assert response.status_code == 303
    assert response.headers["location"] == "/network?kind=store"
    page = client.get("/network")
    assert '<html lang="en">' in page.text
    assert _heading(page.text) == "Network"
    assert "Stores and warehouses" in page.text
    assert "Click &amp; collect" in page.text
    assert "Réseau" not in page.text


def test_language_chosen_before_sign_in_survives_it(client: TestClient, users) -> None:
    switch_language(client, "en", "/login")
    assert "Sign in" in client.get("/login").text

    sign_in(client, ADMIN)

    assert _heading(client.get("/network").text) == "Network"


def test_language_switch_needs_the_csrf_token(client: TestClient) -> None:
    client.get("/login")

    response = client.post("/lang", data={"locale": "en", "next": "/login"})

    assert response.status_code == 403
    assert '<html lang="fr">' in client.get("/login").text


def test_unknown_language_is_ignored(client: TestClient) -> None:
    token = csrf_token(client.get("/login").text)

    client.post("/lang", data={"locale": "de", "next": "/login", "csrf_token": token})

    assert '<html lang="fr">' in client.get("/login").text


def test_user_preferred_locale_applies_when_the_session_has_none(
    client: TestClient, factory: sessionmaker[Session], brand
) -> None:
    with factory.begin() as s:
        security_service.create_user(
            s,
            SYSTEM,
            security_service.NewUser(
                email="analyst@maison-demo.fr",
                display_name="Analyst",
                password=PASSWORD,
                role=Role.HQ_ANALYST,
                locale="en",
            ),
        )

    sign_in(client, "analyst@maison-demo.fr")

    page = client.get("/network")
    assert _heading(page.text) == "Network"
    assert "Head-office analyst" in page.text


def test_choose_locale_prefers_session_then_user_then_default() -> None:
    assert i18n.choose_locale("en", "fr", "fr") == "en"
    assert i18n.choose_locale(None, "en", "fr") == "en"
    assert i18n.choose_locale("xx", None, "fr") == "fr"
    assert i18n.choose_locale(None, None, "en") == "en"


def test_french_catalog_translates_every_message() -> None:
    with i18n.catalog_path("fr").open("rb") as po_file:
        catalog = read_po(po_file, locale="fr")

    untranslated = [
        message.id
        for message in catalog
        if message.id
        and (
            message.fuzzy
            or not (all(message.string) if isinstance(message.string, tuple) else message.string)
        )
    ]
    assert untranslated == []


def test_french_catalog_covers_every_string_of_the_pages() -> None:
    """The catalog is up to date: nothing marked in code or templates is missing from it."""
    with (ROOT / "babel.cfg").open() as cfg:
        method_map, options_map = parse_mapping_cfg(cfg)
    extracted = {
        (message if isinstance(message, str) else message[0], context)
        for _file, _line, message, _comments, context in extract_from_dir(
            str(ROOT), method_map, options_map
        )
    }
    with i18n.catalog_path("fr").open("rb") as po_file:
        catalog = read_po(po_file, locale="fr")

    missing = sorted(
        message for message, context in extracted if catalog.get(message, context) is None
    )
    assert missing == []
    assert len(extracted) > 50


def test_translations_follow_the_context_locale() -> None:
    with i18n.use_locale("fr"):
        assert i18n.gettext("Network") == "Réseau"
        assert i18n.ngettext("%(count)s store", "%(count)s stores", 2) == "%(count)s magasins"
        assert i18n.ngettext("%(count)s store", "%(count)s stores", 1) == "%(count)s magasin"
    with i18n.use_locale("en"):
        assert i18n.gettext("Network") == "Network"


def test_opening_hours_are_written_for_the_locale() -> None:
    week = {day: ["09:30-19:00"] for day in ("mo", "tu", "we", "th", "fr")}
    week["sa"] = ["10:00-12:30", "14:00-18:00"]

    assert formatting.opening_hours(week, "fr") == (
        "lun.–ven. 09:30–19:00 · sam. 10:00–12:30, 14:00–18:00"
    )
    assert formatting.opening_hours(week, "en").startswith("Mon–Fri 9:30")
    assert formatting.opening_hours({}, "fr") == ""


def test_numbers_use_the_locale_grouping() -> None:
    assert formatting.number(12345, "en") == "12,345"
    assert formatting.number(12345, "fr") == "12\u202f345"

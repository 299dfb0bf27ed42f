"""The back-office in a real browser: sign in, read the network page, switch language.

Runs the app with uvicorn on a free local port and drives Debian's chromium through
Playwright (OMNICANAL_CHROMIUM names another binary). Screenshots at tablet and phone
width go to test-artifacts/e2e/. Without a browser the test is skipped, unless
OMNICANAL_REQUIRE_E2E=1 makes it fail.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.orm import Session, sessionmaker

from omnicanal.network import schemas as network_schemas
from omnicanal.network import service as network_service
from omnicanal.security import service as security_service
from omnicanal.security.permissions import Role
from omnicanal.security.service import SYSTEM
from tests.e2e.conftest import serve_app, shot

pytestmark = pytest.mark.e2e

TABLET = {"width": 1024, "height": 768}
PHONE = {"width": 390, "height": 844}
EMAIL = "camille.martin@maison-demo.fr"
PASSWORD = "correct horse battery"


def _seed(factory: sessionmaker[Session]) -> None:
    with factory.begin() as s:

        def entity(code: str, name: str, kind: str) -> str:
            data = network_schemas.EntityCreate(code=code, name=name, kind=kind)
            return network_service.create_entity(s, SYSTEM, data).id

        hq = entity("HQ", "Maison Démo SA", "hq")
        own = entity("OWN", "Maison Démo Magasins", "own_store")
        alpha = entity("FR-ALPHA", "Franchise Alpha", "franchisee")
        rows = [
            ("LYON-01", "Maison Démo Lyon Part-Dieu", "store", own, "17 rue du Docteur Bouchut",
             "69003", "Lyon", "04 78 00 00 01", "Mo-Sa 09:30-19:30",
             "click_and_collect,returns,ship_from_store,reserve_in_store"),
            ("PARIS-02", "Maison Démo Paris Opéra", "store", own, "2 boulevard Haussmann",
             "75009", "Paris", "01 40 00 00 02", "Mo-Fr 10:00-20:00; Sa 10:00-19:00; Su 11:00-18:00",
             "click_and_collect,returns"),
            ("GRE-01", "Maison Démo Grenoble", "store", alpha, "5 place Grenette", "38000",
             "Grenoble", None, "Tu-Sa 09:30-12:30,14:00-19:00", "click_and_collect"),
            ("WH-1", "Entrepôt Mâcon", "warehouse", hq, "ZI Sud", "71000", "Mâcon", None,
             "Mo-Fr 06:00-22:00", "home_delivery"),
        ]  # fmt: skip
        for code, name, kind, owner, street, postal, city, phone, hours, capabilities in rows:
            data = network_schemas.LocationCreate(
                code=code,
                name=name,
                kind=kind,
                owner_entity_id=owner,
                street=street,
                postal_code=postal,
                city=city,
                phone=phone,
                opening_hours=hours,
                capabilities=capabilities,
            )
            network_service.create_location(s, SYSTEM, data)
        security_service.create_user(
            s,
            SYSTEM,
            security_service.NewUser(
                email=EMAIL, display_name="Camille Martin", password=PASSWORD, role=Role.ADMIN
            ),
        )
        security_service.create_user(
            s,
            SYSTEM,
            security_service.NewUser(
                email="alpha@franchise-alpha.fr",
                display_name="Alex Alpha",
                password=PASSWORD,
                role=Role.FRANCHISEE,
                scope_entity_id=alpha,
            ),
        )
        security_service.create_api_key(
            s,
            SYSTEM,
            security_service.NewApiKey(
                name="Caisse Grenoble", permissions=["network:read"], scope_entity_id=alpha
            ),
        )


@pytest.fixture
def base_url(tmp_path: Path) -> Iterator[str]:
    with serve_app(tmp_path, _seed) as url:
        yield url


def test_sign_in_read_network_and_switch_language(browser, base_url: str) -> None:  # type: ignore[no-untyped-def]
    tablet = browser.new_context(viewport=TABLET, locale="fr-FR")
    page = tablet.new_page()

    page.goto(f"{base_url}/network")
    assert page.url.startswith(f"{base_url}/login?next=")
    assert page.locator("h1").inner_text() == "Se connecter"
    shot(page, "login-tablet-fr")

    page.fill("input[name=email]", EMAIL)
    page.fill("input[name=password]", PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url(f"{base_url}/network")

    assert page.locator("h1").inner_text() == "Réseau"
    assert page.get_by_text("Maison Démo Lyon Part-Dieu").is_visible()
    assert page.locator("tbody tr").count() == 4
    shot(page, "network-tablet-fr")

    page.select_option("select[name=kind]", "warehouse")
    page.get_by_role("button", name="Filtrer").click()
    page.wait_for_url("**/network?*kind=warehouse*")
    assert page.locator("tbody tr").count() == 1
    assert page.get_by_text("Entrepôt Mâcon").is_visible()
    page.get_by_role("link", name="Effacer").click()
    page.wait_for_url(f"{base_url}/network")

    page.get_by_role("link", name="Utilisateurs").click()
    page.wait_for_url(f"{base_url}/admin/users")
    assert page.get_by_text("Alex Alpha").is_visible()
    shot(page, "users-tablet-fr")
    page.get_by_role("link", name="Clés d’API").click()
    page.wait_for_url(f"{base_url}/admin/api-keys")
    assert page.get_by_text("Caisse Grenoble").is_visible()
    shot(page, "api-keys-tablet-fr")
    page.get_by_role("link", name="Réseau").click()
    page.wait_for_url(f"{base_url}/network")

    page.get_by_role("button", name="English").click()
    page.wait_for_url(f"{base_url}/network")
    assert page.locator("h1").inner_text() == "Network"
    assert page.get_by_text("Stores and warehouses").is_visible()
    shot(page, "network-tablet-en")

    phone = browser.new_context(
        viewport=PHONE, storage_state=tablet.storage_state(), is_mobile=True, has_touch=True
    )
    small = phone.new_page()
    small.goto(f"{base_url}/network")
    assert small.locator("h1").inner_text() == "Network"
    shot(small, "network-phone-en")
    small.get_by_role("button", name="Français").click()
    small.wait_for_url(f"{base_url}/network")
    assert small.locator("h1").inner_text() == "Réseau"
    shot(small, "network-phone-fr")

    anonymous = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    login = anonymous.new_page()
    login.goto(f"{base_url}/login")
    shot(login, "login-phone-fr")
    for context in (tablet, phone, anonymous):
        context.close()

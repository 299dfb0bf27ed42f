"""The customer pages in a real browser: search with a typo, read a customer 360 with its
provenance, decide a pair in the review queue and find the two records on one customer.

Runs the app with uvicorn on a free local port and drives Debian's chromium through
Playwright, as test_network_page.py does. Screenshots at tablet (and phone) width go to
test-artifacts/e2e/. Without a browser the test is skipped, unless OMNICANAL_REQUIRE_E2E=1.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from omnicanal.customers import service as customers_service
from omnicanal.customers.models import MatchReview
from omnicanal.customers.schemas import RecordIn
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

RECORDS = [
    # Hélène Lefebvre, known to the web shop and a till: one customer, two records.
    {"source": "web", "source_id": "W1001", "first_name": "Hélène", "last_name": "Lefebvre",
     "email": "helene.lefebvre@free.fr", "phone": "+33 6 11 22 33 44", "birth_date": "1982-07-09",
     "street": "8 rue Mercière", "postal_code": "69002", "city": "Lyon", "gender": "Mme"},
    {"source": "pos", "source_id": "LYO-000417", "first_name": "HELENE", "last_name": "LEFEBVRE",
     "email": "Helene.Lefebvre@free.fr", "phone": "611223344", "birth_date": "09/07/1982",
     "postal_code": "69003", "city": "LYON", "loyalty_card": "2990000004170"},
    # `M. Garnier` at a till and `Martine Garnier` on the web, the same postal code and nothing
    # else: the model cannot tell, the pair goes to the review queue.
    {"source": "pos", "source_id": "LYO-000588", "first_name": "M.", "last_name": "Garnier",
     "postal_code": "69006"},
    {"source": "web", "source_id": "W1002", "first_name": "Martine", "last_name": "Garnier",
     "postal_code": "69006", "email": "martine.garnier@orange.fr"},
    {"source": "app", "source_id": "A-77", "first_name": "Paul", "last_name": "Roux",
     "phone": "07 81 22 33 44", "birth_date": "12/12/1960"},
]  # fmt: skip


def _seed(factory: sessionmaker[Session]) -> None:
    with factory.begin() as s:
        network_service.create_entity(
            s, SYSTEM, network_schemas.EntityCreate(code="HQ", name="Maison Démo SA", kind="hq")
        )
        security_service.create_user(
            s,
            SYSTEM,
            security_service.NewUser(
                email=EMAIL, display_name="Camille Martin", password=PASSWORD, role=Role.ADMIN
            ),
        )
    # One record at a time, as the channels send them: each is attached when it arrives.
    for fields in RECORDS:
        with factory.begin() as s:
            customers_service.intake(s, SYSTEM, [RecordIn.model_validate(fields)])
    with factory() as s:
        pending = s.scalar(select(func.count()).select_from(MatchReview))
    assert pending == 1, "the Garnier pair should wait for review"


@pytest.fixture
def base_url(tmp_path: Path) -> Iterator[str]:
    with serve_app(tmp_path, _seed) as url:
        yield url


CUSTOMER_URL = re.compile(r".*/customers/cus_[0-9a-f]+$")


def test_search_read_a_customer_and_decide_a_review(browser, base_url: str) -> None:  # type: ignore[no-untyped-def]
    tablet = browser.new_context(viewport=TABLET, locale="fr-FR")
    page = tablet.new_page()

    page.goto(f"{base_url}/customers")
    page.fill("input[name=email]", EMAIL)
    page.fill("input[name=password]", PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url(f"{base_url}/customers")
    assert page.locator("h1").inner_text() == "Clients"
    assert page.locator("tbody tr").count() == 4
    shot(page, "customers-tablet-fr")

    # A typo in the name still finds her.
    page.fill("input[name=q]", "Lefevbre")
    page.get_by_role("button", name="Rechercher").click()
    page.wait_for_url("**/customers?q=Lefevbre")
    assert page.locator("tbody tr").count() == 1
    shot(page, "customers-search-tablet-fr")
    page.get_by_role("link", name="Hélène Lefebvre").click()
    page.wait_for_url(CUSTOMER_URL)

    assert page.locator("h1").inner_text() == "Hélène Lefebvre"
    golden = page.locator("#golden")
    # The address is the most recent record's that gives a street (the till's has only a
    # postal code and a city), the web's; the name the most frequent one.
    address = golden.locator("tr", has_text="Code postal")
    assert "69002" in address.inner_text()
    assert "Site web" in address.inner_text()
    assert "fiche la plus récente" in address.inner_text()
    assert "valeur la plus fréquente" in golden.locator("tr", has_text="Prénom").inner_text()
    records = page.locator("#records")
    assert records.locator("th.record-head").count() == 2
    assert records.get_by_text("zéro initial rétabli").is_visible()
    assert records.get_by_text("reçu : HELENE", exact=True).is_visible()
    shot(page, "customer-tablet-fr")

    page.get_by_role("link", name="À vérifier").first.click()
    page.wait_for_url(f"{base_url}/customers/reviews")
    assert page.locator("article.review").count() == 1
    pair = page.locator("article.review")
    assert pair.get_by_text("initiale ou proche").is_visible()
    assert "LYO-000588" in pair.inner_text() and "W1002" in pair.inner_text()
    shot(page, "reviews-tablet-fr")

    pair.get_by_role("button", name="Même personne").click()
    page.wait_for_url(f"{base_url}/customers/reviews")
    assert page.locator("article.review").count() == 0
    assert page.locator(".flash-ok").is_visible()
    assert page.get_by_text("Rien à vérifier").is_visible()
    shot(page, "reviews-done-tablet-fr")

    page.locator(".flash-ok").get_by_role("link", name="Ouvrir le client").click()
    page.wait_for_url(CUSTOMER_URL)
    assert page.locator("#records th.record-head").count() == 2
    heads = page.locator("#records thead").inner_text()
    assert "LYO-000588" in heads and "W1002" in heads
    assert "Vérification\u00a0: même personne" in page.locator("#decisions").inner_text()
    assert page.locator("#decisions").get_by_role("button", name="Annuler").is_visible()
    shot(page, "customer-merged-tablet-fr")

    page.get_by_role("button", name="English").click()
    page.wait_for_url(CUSTOMER_URL)
    assert page.get_by_role("heading", name="Golden record").is_visible()
    shot(page, "customer-merged-tablet-en")

    phone = browser.new_context(
        viewport=PHONE, storage_state=tablet.storage_state(), is_mobile=True, has_touch=True
    )
    small = phone.new_page()
    small.goto(page.url)
    assert small.get_by_role("heading", name="Source records").is_visible()
    shot(small, "customer-merged-phone-en")
    for context in (tablet, phone):
        context.close()

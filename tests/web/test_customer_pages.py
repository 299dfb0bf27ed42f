"""The customer pages: search, the customer 360 with provenance, what each role may see and do,
the review queue's verdicts through their forms, in French and English."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from omnicanal.customers import consent, golden, normalise, service
from omnicanal.customers.consent_schemas import ConsentIn
from omnicanal.customers.matching import COMPARISONS
from omnicanal.customers.models import MatchReview, SourceRecord
from omnicanal.customers.schemas import RecordIn
from omnicanal.security.permissions import Permission, Principal, Scope
from omnicanal.security.service import SYSTEM
from omnicanal.web import labels
from tests.conftest import Brand
from tests.web.conftest import ADMIN, FRANCHISEE_A, STAFF
from tests.web.helpers import csrf_token, sign_in, switch_language


def _sender(entity_id: str | None) -> Principal:
    """A till or web shop of `entity_id` sending customer records."""
    scope = Scope(entity_id=entity_id) if entity_id else Scope()
    return Principal(
        kind="api_key",
        id="key_test",
        name="till",
        permissions=frozenset({Permission.CUSTOMERS_WRITE}),
        scope=scope,
    )


def _send(factory: sessionmaker[Session], entity_id: str | None = None, **fields: str) -> str:
    """Send one record; the id of the customer it is attached to."""
    with factory.begin() as s:
        result = service.intake(s, _sender(entity_id), [RecordIn(**fields)])
        customer_id = result.records[0].customer_id
    assert customer_id
    return customer_id


def _dupont(factory: sessionmaker[Session], entity_id: str | None = None) -> str:
    """Catherine Dupont, known to the till and the web shop: one customer, two records."""
    first = _send(
        factory, entity_id, source="pos", source_id="P1", first_name="CATHY",
        last_name="DUPONT", phone="612345678", birth_date="14/03/1985",
        postal_code="69002", street="12 r. de la Paix", city="LYON",
    )  # fmt: skip
    second = _send(
        factory, entity_id, source="web", source_id="W1", first_name="Catherine",
        last_name="Dupont", email="catherine.dupont@orange.fr", phone="+33612345678",
        birth_date="1985-03-14", postal_code="75016", street="4 avenue Foch", city="Paris",
    )  # fmt: skip
    assert first == second
    return first


def _garnier_pair(factory: sessionmaker[Session]) -> tuple[str, str, str]:
    """`M. Garnier` at the till and `Martine Garnier` on the web, same postal code and nothing
    else: the model cannot tell, the pair waits for review. (review id, customer ids)"""
    a = _send(factory, source="pos", source_id="G1", first_name="M.", last_name="Garnier",
              postal_code="69002")  # fmt: skip
    b = _send(factory, source="web", source_id="G2", first_name="Martine", last_name="Garnier",
              postal_code="69002")  # fmt: skip
    with factory() as s:
        (review,) = s.scalars(select(MatchReview)).all()
    assert a != b
    return review.id, a, b


def _text(html: str) -> str:
    """The page's words, without tags and with spaces collapsed."""
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


# --- search ---------------------------------------------------------------------------------


def test_search_finds_a_customer_despite_a_typo(client: TestClient, users, factory) -> None:
    customer_id = _send(factory, source="web", source_id="S1", first_name="Hélène",
                        last_name="Lefebvre", email="helene.lefebvre@free.fr")  # fmt: skip
    _send(factory, source="web", source_id="S2", first_name="Paul", last_name="Roux")
    sign_in(client, ADMIN)

    page = client.get("/customers", params={"q": "Lefevbre"})

    assert page.status_code == 200
    assert f'href="/customers/{customer_id}"' in page.text
    assert "helene.lefebvre@free.fr" in page.text
    assert "Roux" not in page.text
    assert "1 client trouvé" in _text(page.text)


def test_search_without_a_query_lists_the_latest_updated(
    client: TestClient, users, factory
) -> None:
    _send(factory, source="web", source_id="S1", first_name="Hélène", last_name="Lefebvre")
    _send(factory, source="web", source_id="S2", first_name="Paul", last_name="Roux")
    sign_in(client, ADMIN)

    page = client.get("/customers")

    assert "Derniers clients mis à jour" in page.text
    assert "Lefebvre" in page.text and "Roux" in page.text


def test_search_finding_nothing_says_so(client: TestClient, users) -> None:
    sign_in(client, ADMIN)

    page = client.get("/customers", params={"q": "Zzyzx"})

    assert "Aucun client ne correspond à « Zzyzx »." in _text(page.text)


# --- customer 360 ---------------------------------------------------------------------------


def test_customer_page_shows_where_each_field_came_from(client: TestClient, users, factory) -> None:
    customer_id = _dupont(factory)
    sign_in(client, ADMIN)

    page = client.get(f"/customers/{customer_id}")

    assert page.status_code == 200
    text = _text(page.text)
    assert "<h1>Catherine Dupont</h1>" in page.text
    # The address comes from the most recent record (the web shop's), in words.
    assert "Code postal 75016 Site web W1 fiche la plus récente" in text
    assert "Prénom Catherine" in text and "valeur la plus fréquente" in text
    assert "E-mail catherine.dupont@orange.fr Site web W1" in text


def test_customer_page_shows_every_record_as_received_and_normalised(
    client: TestClient, users, factory
) -> None:
    customer_id = _dupont(factory)
    sign_in(client, ADMIN)

    page = client.get(f"/customers/{customer_id}")

    text = _text(page.text)
    assert "Caisse magasin P1" in text and "Site web W1" in text
    assert "reçu : CATHY" in text  # as the till sent it, beside the cleaned name
    assert "reçu : 612345678" in text
    assert '<span class="flag flag-zero_restored">zéro initial rétabli</span>' in page.text
    assert "+33 6 12 34 56 78" in text
    assert "14 mars 1985" in text
    # Identities with the system that gave them.
    assert "Compte pos:P1" in text


def test_customer_page_shows_consent_now_and_before(client: TestClient, users, factory) -> None:
    customer_id = _dupont(factory)
    with factory.begin() as s:
        for granted, when in ((True, "2025-01-10T10:00:00Z"), (False, "2025-06-01T09:00:00Z")):
            consent.record_consent(s, SYSTEM, customer_id, ConsentIn(
                purpose="email_marketing", channel="all", granted=granted,
                source="web_signup_form", occurred_at=when,
            ))  # fmt: skip
    sign_in(client, ADMIN)

    text = _text(client.get(f"/customers/{customer_id}").text)

    assert "Prospection par e-mail Tous les canaux Refusé" in text
    assert "Historique : 2 événements" in text
    assert "Retiré" in text and "Donné" in text


def test_customer_page_without_consent_says_the_customer_may_not_be_contacted(
    client: TestClient, users, factory
) -> None:
    customer_id = _dupont(factory)
    sign_in(client, ADMIN)

    assert "Aucun consentement enregistré" in client.get(f"/customers/{customer_id}").text


def test_sections_of_other_domains_appear_on_the_customer_page(
    client: TestClient, users, factory, monkeypatch: pytest.MonkeyPatch
) -> None:
    customer_id = _dupont(factory)
    monkeypatch.setitem(
        service.VIEW_PROVIDERS, "loyalty", lambda _s, _p, _c: {"points": 1250, "tier": "gold"}
    )
    sign_in(client, ADMIN)

    page = client.get(f"/customers/{customer_id}")

    assert 'id="section-loyalty"' in page.text
    assert "<dt>Points</dt><dd>1250</dd>" in page.text


def test_a_merged_id_leads_to_the_surviving_customer(client: TestClient, users, factory) -> None:
    _review_id, a, b = _garnier_pair(factory)
    sign_in(client, ADMIN)
    token = csrf_token(client.get(f"/customers/{a}").text)
    client.post(f"/customers/{a}/merge", data={"other_id": b, "csrf_token": token})

    response = client.get(f"/customers/{b}", follow_redirects=False)

    assert response.status_code == 303
    assert response.headers["location"] == f"/customers/{a}"
    assert f"Le client {b} a été fusionné avec celui-ci." in client.get(f"/customers/{a}").text


def test_unknown_customer_is_a_page_not_a_problem_document(client: TestClient, users) -> None:
    sign_in(client, ADMIN)

    page = client.get("/customers/cus_nope")

    assert page.status_code == 404
    assert page.headers["content-type"].startswith("text/html")
    assert "Aucun client cus_nope parmi ceux que vous pouvez voir." in page.text


# --- who sees what --------------------------------------------------------------------------


def test_franchisee_sees_only_customers_with_its_own_records(
    client: TestClient, users, factory, brand: Brand
) -> None:
    own = _send(factory, brand.franchisee_a, source="pos", source_id="A1", first_name="Inès",
                last_name="Morel", postal_code="38000")  # fmt: skip
    other = _send(factory, brand.franchisee_b, source="pos", source_id="B1", first_name="Hugo",
                  last_name="Faure", postal_code="74000")  # fmt: skip
    sign_in(client, FRANCHISEE_A)

    listing = client.get("/customers").text
    assert "Morel" in listing and "Faure" not in listing
    assert f'href="/customers/{other}"' not in client.get("/customers", params={"q": "Faure"}).text
    assert client.get(f"/customers/{own}").status_code == 200
    refused = client.get(f"/customers/{other}")
    assert refused.status_code == 404
    assert "Faure" not in refused.text


def test_store_staff_reads_a_customer_without_stewardship_forms(
    client: TestClient, users, factory, brand: Brand
) -> None:
    customer_id = _dupont(factory, brand.own_store_entity)
    sign_in(client, STAFF)

    page = client.get(f"/customers/{customer_id}")

    assert page.status_code == 200
    assert "Catherine Dupont" in page.text
    assert "/merge" not in page.text and 'id="split-form"' not in page.text
    assert 'type="checkbox"' not in page.text
    assert 'href="/customers/reviews"' not in page.text  # not in the menu either
    assert client.get("/customers/reviews").status_code == 403
    token = csrf_token(page.text)
    refused = client.post(
        f"/customers/{customer_id}/merge", data={"other_id": "cus_x", "csrf_token": token}
    )
    assert refused.status_code == 403


def test_steward_sees_the_merge_and_split_forms(client: TestClient, users, factory) -> None:
    customer_id = _dupont(factory)
    sign_in(client, ADMIN)

    page = client.get(f"/customers/{customer_id}").text

    assert f'action="/customers/{customer_id}/merge"' in page
    assert 'id="split-form"' in page
    assert page.count('form="split-form"') == 2


# --- corrections ----------------------------------------------------------------------------


def test_merge_split_and_undo_through_the_forms(client: TestClient, users, factory) -> None:
    _review_id, a, b = _garnier_pair(factory)
    sign_in(client, ADMIN)
    token = csrf_token(client.get(f"/customers/{a}").text)

    merged = client.post(
        f"/customers/{a}/merge", data={"other_id": b, "note": "même cliente", "csrf_token": token}
    )
    assert merged.url.path == f"/customers/{a}"
    assert f"Le client {b} a été fusionné avec celui-ci." in merged.text
    assert "2 fiches sources" in merged.text
    assert "même cliente" in merged.text  # the decision's note

    with factory() as s:
        moving = s.scalars(select(SourceRecord.id).where(SourceRecord.source_id == "G2")).one()
    split = client.post(f"/customers/{a}/split", data={"record_ids": [moving], "csrf_token": token})
    assert "Les fiches cochées appartiennent maintenant à un nouveau client." in split.text
    assert "1 fiche source" in split.text

    undo = re.search(r'action="(/customers/decisions/[^"]+/undo)"', split.text)
    assert undo
    undone = client.post(undo.group(1), data={"next": f"/customers/{a}", "csrf_token": token})
    assert "Décision annulée" in undone.text
    assert "2 fiches sources" in undone.text


def test_refused_corrections_are_explained_on_the_page(client: TestClient, users, factory) -> None:
    customer_id = _dupont(factory)
    sign_in(client, ADMIN)
    token = csrf_token(client.get(f"/customers/{customer_id}").text)

    unknown = client.post(
        f"/customers/{customer_id}/merge", data={"other_id": "cus_nope", "csrf_token": token}
    )
    assert unknown.headers["content-type"].startswith("text/html")
    assert "Aucun client cus_nope parmi ceux que vous pouvez voir." in unknown.text
    itself = client.post(
        f"/customers/{customer_id}/merge", data={"other_id": customer_id, "csrf_token": token}
    )
    assert "Un client ne peut pas être fusionné avec lui-même." in itself.text
    nothing = client.post(f"/customers/{customer_id}/split", data={"csrf_token": token})
    assert "Cochez les fiches à déplacer vers un nouveau client." in nothing.text
    with factory() as s:
        every = list(s.scalars(select(SourceRecord.id)))
    everything = client.post(
        f"/customers/{customer_id}/split", data={"record_ids": every, "csrf_token": token}
    )
    assert "pas toutes" in everything.text
    assert "2 fiches sources" in everything.text


# --- review queue ---------------------------------------------------------------------------


def test_review_queue_shows_the_pair_side_by_side_with_the_evidence(
    client: TestClient, users, factory
) -> None:
    review_id, a, b = _garnier_pair(factory)
    sign_in(client, ADMIN)

    page = client.get("/customers/reviews")

    assert page.status_code == 200
    text = _text(page.text)
    assert "1 paire à vérifier" in text
    assert "Caisse magasin G1" in text and "Site web G2" in text
    assert f'href="/customers/{a}"' in page.text and f'href="/customers/{b}"' in page.text
    assert "Même personne ? probable à 89,6 % Poids de correspondance +3,1" in text
    # Side by side, in the order of the records' ids.
    assert re.search(r"Prénom (M Martine|Martine M) Concorde initiale ou proche \+2,0", text)
    assert "Nom Garnier Garnier Concorde identique, nom rare +11,3" in text
    assert "Date de naissance — — Manquant" in text
    assert "Code postal" not in text  # the address is one comparison
    assert "Adresse 69002 69002 Concorde même code postal ou ville +3,1" in text
    assert f'action="/customers/reviews/{review_id}"' in page.text
    assert 'aria-current="page">À vérifier</a>' in page.text


def test_same_person_merges_the_pair_and_leaves_the_queue(
    client: TestClient, users, factory
) -> None:
    review_id, a, _b = _garnier_pair(factory)
    sign_in(client, ADMIN)
    token = csrf_token(client.get("/customers/reviews").text)

    response = client.post(
        f"/customers/reviews/{review_id}",
        data={"verdict": "same", "next": "/customers/reviews", "csrf_token": token},
        follow_redirects=False,
    )

    assert response.status_code == 303
    assert response.headers["location"] == "/customers/reviews"
    queue = _text(client.get("/customers/reviews").text)
    assert "Même personne : les deux fiches sont maintenant sur un seul client." in queue
    assert "Rien à vérifier" in queue
    assert "Même personne" not in client.get("/customers/reviews").text  # shown once
    page = _text(client.get(f"/customers/{a}").text)
    assert "2 fiches sources" in page and "G1" in page and "G2" in page
    assert "Vérification : même personne" in page


def test_different_persons_keeps_them_apart(client: TestClient, users, factory) -> None:
    review_id, a, _b = _garnier_pair(factory)
    sign_in(client, ADMIN)
    token = csrf_token(client.get("/customers/reviews").text)

    queue = client.post(
        f"/customers/reviews/{review_id}", data={"verdict": "different", "csrf_token": token}
    )

    assert "Personnes différentes" in queue.text
    assert "Rien à vérifier" in queue.text
    assert "1 fiche source" in client.get(f"/customers/{a}").text


def test_a_verdict_without_the_csrf_token_is_refused(client: TestClient, users, factory) -> None:
    review_id, _a, _b = _garnier_pair(factory)
    sign_in(client, ADMIN)

    refused = client.post(f"/customers/reviews/{review_id}", data={"verdict": "same"})

    assert refused.status_code == 403
    assert "Ce formulaire a expiré" in refused.text
    with factory() as s:
        assert s.get(MatchReview, review_id).status == "pending"


def test_a_pair_decided_twice_is_explained(client: TestClient, users, factory) -> None:
    review_id, _a, _b = _garnier_pair(factory)
    sign_in(client, ADMIN)
    token = csrf_token(client.get("/customers/reviews").text)
    form = {"verdict": "same", "csrf_token": token}
    client.post(f"/customers/reviews/{review_id}", data=form)

    again = client.post(f"/customers/reviews/{review_id}", data=form)

    assert "Cette paire a déjà été tranchée." in again.text


def test_pending_pairs_show_on_the_customer_page_with_their_buttons(
    client: TestClient, users, factory
) -> None:
    review_id, a, _b = _garnier_pair(factory)
    sign_in(client, ADMIN)

    page = client.get(f"/customers/{a}").text

    assert f'action="/customers/reviews/{review_id}"' in page
    assert f'name="next" value="/customers/{a}"' in page


# --- languages ------------------------------------------------------------------------------


def test_customer_pages_in_english(client: TestClient, users, factory) -> None:
    customer_id = _dupont(factory)
    _garnier_pair(factory)
    sign_in(client, ADMIN)
    switch_language(client, "en", "/customers")

    search = client.get("/customers").text
    assert "<h1>Customers</h1>" in search and "Latest updated customers" in search
    page = _text(client.get(f"/customers/{customer_id}").text)
    assert "Golden record" in page and "most recent record" in page
    assert "Store till P1" in page and "received: CATHY" in page
    assert "leading zero restored" in page and "Mar 14, 1985" in page
    queue = _text(client.get("/customers/reviews").text)
    assert "Same person" in queue and "Different persons" in queue
    assert "initial or close" in queue and "Agrees" in queue and "Missing" in queue


def test_customer_pages_in_french(client: TestClient, users, factory) -> None:
    customer_id = _dupont(factory)
    _garnier_pair(factory)
    sign_in(client, ADMIN)

    search = client.get("/customers").text
    assert "<h1>Clients</h1>" in search
    assert 'href="/customers" aria-current="page">Clients</a>' in search
    page = _text(client.get(f"/customers/{customer_id}").text)
    assert "Fiche client unifiée" in page and "Fiches sources" in page
    queue = _text(client.get("/customers/reviews").text)
    assert "Même personne" in queue and "Personnes différentes" in queue


def test_every_code_of_the_referential_has_a_label() -> None:
    """A code added to a domain shows as is until it gets a label here (and a translation)."""
    assert {label for c in COMPARISONS for label in c.labels} <= set(labels.MATCH_LEVEL_LABELS)
    assert {c.name for c in COMPARISONS} <= set(labels.CUSTOMER_FIELD_LABELS)
    assert {f for fields, _ in golden.GROUPS.values() for f in fields} <= set(
        labels.CUSTOMER_FIELD_LABELS
    )
    assert set(golden.RULES) == set(labels.SURVIVORSHIP_RULE_LABELS)
    assert set(golden.DEFAULT_TRUST) <= set(labels.RECORD_SOURCE_LABELS)
    assert set(consent.PURPOSES) == set(labels.CONSENT_PURPOSE_LABELS)
    assert set(consent.CHANNELS) == set(labels.CONSENT_CHANNEL_LABELS)
    flags = {
        value
        for name, value in vars(normalise).items()
        if name.isupper() and isinstance(value, str)
    }
    assert flags <= set(labels.RECORD_FLAG_LABELS)

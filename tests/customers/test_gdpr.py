"""GDPR: export everything held about a customer, and erase it so that none of the person's
values is left anywhere in the database while another customer's all are; on every backend."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from omnicanal.cli import common
from omnicanal.cli.main import app as cli_app
from omnicanal.config import get_settings
from omnicanal.customers import gdpr, service
from omnicanal.customers.models import ConsentEvent, Customer, SourceRecord
from omnicanal.customers.schemas import RecordIn
from omnicanal.db import Base, load_all_models
from omnicanal.events import emit
from omnicanal.events.models import OutboxEvent
from omnicanal.imports.models import RejectedRow
from omnicanal.imports.service import run_import
from omnicanal.security.service import SYSTEM
from tests.conftest import Brand, issue_key

RECORDS = "/api/v1/customers/records"

# The person to erase, as two channels sent her, and how she was written elsewhere.
ONDINE_WEB = {
    "source": "web", "source_id": "WEB-778812", "first_name": "Ondine", "last_name": "Keravec",
    "email": "Ondine.Keravec@laposte.net", "phone": "06 47 38 29 10", "birth_date": "1987-11-23",
    "street": "17 impasse des Goélands", "postal_code": "29200", "city": "Brest",
    "devices": [{"device_id": "dev-ONDINE-9f3a", "os": "ios"}], "loyalty_tier": "gold",
}  # fmt: skip
ONDINE_POS = {
    "source": "pos", "source_id": "BRE-004421", "first_name": "ONDINE", "last_name": "KERAVEC",
    "email": "ondine.keravec@laposte.net", "phone": "+33647382910", "birth_date": "23/11/1987",
    "loyalty_card": "2900123456789",
}  # fmt: skip
# The same person under another customer, merged into her by an operator.
ONDINE_APP = {
    "source": "app", "source_id": "APP-551207", "first_name": "Ondi", "last_name": "Keravec",
    "email": "ondi.kvc@gmail.com", "phone": "0298765412",
}  # fmt: skip
ONDINE_VALUES = [
    "Ondine", "Keravec", "Ondi", "Ondine.Keravec@laposte.net", "ondine.keravec", "ondi.kvc",
    "06 47 38 29 10", "+33647382910", "0298765412", "+33298765412",
    "17 impasse des Goélands", "impasse des goelands", "1987-11-23", "23/11/1987",
    "WEB-778812", "BRE-004421", "APP-551207", "dev-ONDINE-9f3a", "2900123456789",
]  # fmt: skip

GASPARD = {
    "source": "web", "source_id": "WEB-990017", "first_name": "Gaspard", "last_name": "Lefranc",
    "email": "gaspard.lefranc@orange.fr", "phone": "07 81 92 03 64", "birth_date": "1979-04-05",
    "street": "3 quai des Chartrons", "postal_code": "33000", "city": "Bordeaux",
    "devices": [{"device_id": "dev-GASPARD-71b2"}],
}  # fmt: skip
GASPARD_VALUES = [
    "Gaspard", "Lefranc", "gaspard.lefranc@orange.fr", "gaspard.lefranc", "07 81 92 03 64",
    "+33781920364", "3 quai des Chartrons", "1979-04-05", "WEB-990017", "dev-GASPARD-71b2",
]  # fmt: skip


def post_record(client, headers, body: dict[str, Any], key: str) -> dict[str, Any]:
    response = client.post(RECORDS, json=body, headers={**headers, "Idempotency-Key": key})
    assert response.status_code == 201, response.text
    return response.json()["customers"][0]


def database_text(factory) -> str:
    """Every value of every row of every table, as text (JSON and bytes included)."""
    load_all_models()
    parts: list[str] = []
    with factory() as session:
        for table in Base.metadata.sorted_tables:
            for row in session.execute(select(table)):
                for value in row:
                    if isinstance(value, bytes):
                        parts.append(value.decode("utf-8", "replace"))
                    elif isinstance(value, dict | list):
                        parts.append(json.dumps(value, ensure_ascii=False))
                        parts.append(json.dumps(value))
                    else:
                        parts.append(str(value))
    return "\n".join(parts).casefold()


def reject_rows(factory, *people: dict[str, Any]) -> None:
    """An import of customers whose rows miss their source id: kept as rejected rows."""
    rows = [
        (n, {k: v for k, v in p.items() if k in ("first_name", "last_name", "email", "phone")})
        for n, p in enumerate(people, start=2)
    ]
    report = run_import(
        factory, SYSTEM, "customers", "clients.csv", [(n, {"source": "pos", **r}) for n, r in rows]
    )
    assert report.rejected == len(people)


@pytest.fixture
def ondine_and_gaspard(client, factory, admin_headers) -> tuple[str, str, str]:
    """Ondine (two records, a third customer merged into her) and Gaspard, through the API,
    with consent, decisions, rejected import rows and events about each: (ondine, merged
    customer, gaspard)."""
    ondine = post_record(client, admin_headers, ONDINE_WEB, "key-1")["customer_id"]
    attached = post_record(client, admin_headers, ONDINE_POS, "key-2")
    assert attached["customer_id"] == ondine and attached["outcome"] == "matched"
    other = post_record(client, admin_headers, ONDINE_APP, "key-3")["customer_id"]
    assert other != ondine
    merged = client.post(
        "/api/v1/customers/merge",
        json={"survivor_id": ondine, "merged_id": other, "note": "Ondine Keravec on the phone"},
        headers={**admin_headers, "Idempotency-Key": "key-7"},
    )
    assert merged.status_code == 201, merged.text
    gaspard = post_record(client, admin_headers, GASPARD, "key-4")["customer_id"]
    for customer_id, key in ((ondine, "key-5"), (gaspard, "key-6")):
        consent = client.post(
            f"/api/v1/customers/{customer_id}/consent",
            json={"purpose": "email_marketing", "granted": True, "source": "web_signup_form"},
            headers={**admin_headers, "Idempotency-Key": key},
        )
        assert consent.status_code == 201, consent.text
    reject_rows(factory, ONDINE_POS, GASPARD)
    with factory.begin() as s:
        for customer_id, person in ((ondine, ONDINE_WEB), (gaspard, GASPARD)):
            emit(s, "test.contacted", {
                "customer_id": customer_id, "email": person["email"],
                "note": f"called {person['first_name']} {person['last_name']}",
            })  # fmt: skip
    return ondine, other, gaspard


# --- the rules -----------------------------------------------------------------------------


def test_a_row_is_about_the_person_with_a_strong_value_or_two_weak_ones() -> None:
    values = gdpr.ErasedValues(
        customer_ids=frozenset({"cus_1"}),
        record_ids=frozenset(),
        strong=frozenset({"ondine.keravec@laposte.net", "+33647382910"}),
        weak={
            "ondine": frozenset({"name:ondine"}),
            "keravec": frozenset({"name:keravec"}),
            "1987-11-23": frozenset({"birth_date"}),
            "23/11/1987": frozenset({"birth_date"}),
        },
    )
    assert values.mentions({"to": "Ondine.Keravec@laposte.net"})
    assert values.mentions({"customer": "cus_1"})
    assert values.mentions(["ONDINE", {"n": "Keravec"}])
    assert not values.mentions({"born": "1987-11-23", "again": "23/11/1987"}), "one fact"
    assert not values.mentions("Ondine")
    scrubbed = values.scrub({"n": "Ondine Keravec", "at": "1987-11-23T10:00:00Z", "p": 33647382910})
    assert scrubbed == {"n": "[erased] [erased]", "at": "1987-11-23T10:00:00Z", "p": 33647382910}
    assert values.scrub({"tel": "+33647382910", "id": "cus_1"}) == {
        "tel": "[erased]",
        "id": "cus_1",
    }


def test_phone_and_date_forms() -> None:
    assert {"+33647382910", "0647382910", "06 47 38 29 10", "06.47.38.29.10"} <= gdpr.phone_forms(
        "06 47 38 29 10"
    )
    from datetime import date

    assert {"1987-11-23", "23/11/1987", "23.11.1987"} <= gdpr.date_forms(date(1987, 11, 23))


# --- export --------------------------------------------------------------------------------


def test_export_holds_records_as_received_identities_consent_and_provenance(
    client, admin_headers, ondine_and_gaspard
) -> None:
    ondine, merged, gaspard = ondine_and_gaspard
    # The merged id exports the survivor, with the merged customer's records and consent.
    response = client.get(f"/api/v1/customers/{merged}/export", headers=admin_headers)
    assert response.status_code == 200, response.text
    assert response.headers["content-disposition"] == f"attachment; filename=customer-{ondine}.json"
    data = response.json()
    assert data["metadata"]["customer_id"] == ondine
    assert data["metadata"]["requested_id"] == merged
    assert data["metadata"]["merged_ids"] == [merged]
    assert data["metadata"]["omnicanal_version"] and data["metadata"]["exported_at"]
    raws = sorted((r["raw"] for r in data["records"]), key=lambda r: r["source_id"])
    assert raws == sorted([ONDINE_WEB, ONDINE_POS, ONDINE_APP], key=lambda r: r["source_id"])
    web = next(r for r in data["records"] if r["source"] == "web")
    assert web["email"] == "ondine.keravec@laposte.net" and web["received_at"]
    assert web["attributes"]["devices"] == ONDINE_WEB["devices"] and "flags" in web
    assert data["customer"]["first_name"] == "Ondine"
    assert data["customer"]["provenance"]["email"]["record_id"] in {
        r["id"] for r in data["records"]
    }
    assert data["merged_customers"][0]["id"] == merged
    identities = {(i["kind"], i["value"]) for i in data["identities"]}
    assert {("email", "ondine.keravec@laposte.net"), ("device", "dev-ONDINE-9f3a")} <= identities
    assert [e["purpose"] for e in data["consent"]] == ["email_marketing"]
    assert [d["kind"] for d in data["decisions"]] == ["merge"]
    assert data["link_constraints"] and data["rejected_import_rows"]
    assert {"customer.created", "test.contacted"} <= {e["type"] for e in data["events"]}
    assert "Gaspard" not in response.text and gaspard not in response.text


def test_registered_domains_export_and_erase_their_part(
    client, admin_headers, ondine_and_gaspard
) -> None:
    ondine, merged, _ = ondine_and_gaspard
    held = {ondine: ["order 1 to 17 impasse des Goélands"], merged: []}
    calls: list[str] = []

    def erase(session, customer_id, values) -> int:
        calls.append(customer_id)
        held[customer_id] = [values.scrub(line) for line in held[customer_id]]
        return len(held[customer_id])

    gdpr.register_gdpr_handler("orders", export=lambda s, c: list(held[c]), erase=erase)
    try:
        data = client.get(f"/api/v1/customers/{ondine}/export", headers=admin_headers).json()
        assert data["sections"]["orders"] == {ondine: held[ondine], merged: []}
        report = client.post(
            f"/api/v1/customers/{ondine}/erase", json={"reason": "asked"}, headers=admin_headers
        ).json()
    finally:
        gdpr.unregister_gdpr_handler("orders")
    assert sorted(calls) == sorted([ondine, merged])
    assert held[ondine] == ["order 1 to [erased]"]
    assert report["counts"]["orders"] == 1


# --- erasure -------------------------------------------------------------------------------


def test_after_erasure_none_of_the_person_values_is_left_anywhere(
    client, factory, admin_headers, ondine_and_gaspard
) -> None:
    ondine, merged, _ = ondine_and_gaspard
    before = database_text(factory)
    for value in ONDINE_VALUES + GASPARD_VALUES:
        assert value.casefold() in before, f"{value!r} should be stored before the erasure"

    response = client.post(
        f"/api/v1/customers/{ondine}/erase",
        json={"reason": "request of Ondine Keravec by e-mail"},
        headers=admin_headers,
    )
    assert response.status_code == 200, response.text
    report = response.json()
    assert report["customer_id"] == ondine and not report["already_erased"]
    assert sorted(report["erased_customer_ids"]) == sorted([ondine, merged])
    assert report["counts"]["customer_source_records"] == 3
    assert report["counts"]["idempotency_keys"] >= 3
    assert report["counts"]["rejected_rows"] == 1
    assert report["counts"]["outbox_events"] == 1

    after = database_text(factory)
    left = [v for v in ONDINE_VALUES if v.casefold() in after]
    assert not left, f"still stored after the erasure: {left}"
    missing = [v for v in GASPARD_VALUES if v.casefold() not in after]
    assert not missing, f"another customer's data was erased: {missing}"

    with factory() as s:
        records = s.scalars(select(SourceRecord).where(SourceRecord.customer_id == ondine)).all()
        assert len(records) == 3
        assert all(r.raw == {"erased": True} and r.source_id.startswith("erased-") for r in records)
        assert {r.source for r in records} == {"web", "pos", "app"}, "non-personal facts kept"
        assert {s.get(Customer, c).status for c in (ondine, merged)} == {"erased"}
        assert s.scalar(select(func.count()).select_from(ConsentEvent)) == 2, "proofs kept"
        rejected = s.scalars(select(RejectedRow).order_by(RejectedRow.row_number)).all()
        assert [r.status for r in rejected] == ["erased", "rejected"]
        erased = s.scalars(select(OutboxEvent).where(OutboxEvent.type == "customer.erased")).one()
        assert erased.payload == {"customer_id": ondine}

    # A till retrying its first request is answered, not run again: she is not written back.
    retried = client.post(
        RECORDS, json=ONDINE_WEB, headers={**admin_headers, "Idempotency-Key": "key-1"}
    )
    assert retried.status_code == 410 and retried.json()["code"] == "customer_erased"
    assert "ondine" not in database_text(factory)


def test_a_row_sharing_one_common_value_with_the_person_is_left_alone(
    client, factory, admin_headers, ondine_and_gaspard
) -> None:
    ondine, _, _ = ondine_and_gaspard
    # One value in common (her birth date, her first name) says nothing about who it is.
    unrelated = [{"name": "Maison Démo Brest", "opened": "1987-11-23"}, {"manager": "Ondine"}]
    with factory.begin() as s:
        ids = [emit(s, "location.updated", payload).id for payload in unrelated]
    erase = client.post(f"/api/v1/customers/{ondine}/erase", json={"reason": "asked"},
                        headers=admin_headers)  # fmt: skip
    assert erase.status_code == 200
    with factory() as s:
        assert [s.get(OutboxEvent, i).payload for i in ids] == unrelated


def test_an_erased_customer_is_not_found_and_erasing_again_changes_nothing(
    client, factory, admin_headers, ondine_and_gaspard
) -> None:
    ondine, merged, gaspard = ondine_and_gaspard
    body = {"reason": "customer request"}
    first = client.post(f"/api/v1/customers/{merged}/erase", json=body, headers=admin_headers)
    assert first.status_code == 200 and first.json()["customer_id"] == ondine
    for customer_id in (ondine, merged):
        assert (
            client.get(f"/api/v1/customers/{customer_id}", headers=admin_headers).status_code == 404
        )
        export = client.get(f"/api/v1/customers/{customer_id}/export", headers=admin_headers)
        assert export.status_code == 404
    before = database_text(factory)
    again = client.post(f"/api/v1/customers/{ondine}/erase", json=body, headers=admin_headers)
    assert again.status_code == 200
    assert again.json()["already_erased"] is True and again.json()["counts"] == {}
    assert database_text(factory) == before
    assert client.get(f"/api/v1/customers/{gaspard}", headers=admin_headers).status_code == 200
    unknown = client.post("/api/v1/customers/cus_nope/erase", json=body, headers=admin_headers)
    assert unknown.status_code == 404


def test_a_batch_run_after_erasure_leaves_the_anonymised_records_alone(
    client, factory, admin_headers, ondine_and_gaspard
) -> None:
    from omnicanal.customers import flows
    from omnicanal.customers.models import Decision

    ondine, _, gaspard = ondine_and_gaspard
    client.post(f"/api/v1/customers/{ondine}/erase", json={"reason": "request"},
                headers=admin_headers)  # fmt: skip
    with factory.begin() as session:
        result = flows.resolve_all(session, SYSTEM)
    assert result.created == 0
    with factory() as session:
        active = session.scalars(select(Customer).where(Customer.status == "active")).all()
        assert [c.id for c in active] == [gaspard]
        erasure = session.scalars(select(Decision).where(Decision.kind == "erasure")).one()
    undo = client.post(f"/api/v1/customers/decisions/{erasure.id}/undo", headers=admin_headers)
    assert undo.status_code == 409


def test_erasure_and_export_need_customers_manage_on_a_brand_wide_key(
    client, factory, brand: Brand, admin_headers, ondine_and_gaspard
) -> None:
    ondine, _, _ = ondine_and_gaspard
    read_write = issue_key(factory, ["customers:read", "customers:write"])
    scoped = issue_key(factory, ["customers:manage"], entity_id=brand.franchisee_a)
    for headers in (read_write, scoped):
        erase = client.post(
            f"/api/v1/customers/{ondine}/erase", json={"reason": "x"}, headers=headers
        )
        assert erase.status_code == 403, erase.text
        assert client.get(f"/api/v1/customers/{ondine}/export", headers=headers).status_code == 403
    for reason in ("", "x" * 501):
        bad = client.post(
            f"/api/v1/customers/{ondine}/erase", json={"reason": reason}, headers=admin_headers
        )
        assert bad.status_code == 422 and bad.json()["field"] == "reason"
    assert (
        client.post(f"/api/v1/customers/{ondine}/erase", json={}, headers=admin_headers).status_code
        == 422
    )
    with factory() as s:
        assert s.get(Customer, ondine).status == "active"


# --- command line --------------------------------------------------------------------------

runner = CliRunner()


@pytest.fixture
def cli_db(db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """The CLI on an upgraded database of the backend: the id of a customer of two records."""
    monkeypatch.setenv("OMNICANAL_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("OMNICANAL_DATABASE_URL", db_url)
    monkeypatch.setattr(common.console, "width", 200)
    get_settings.cache_clear()
    common.engine.cache_clear()
    common._check_schema.cache_clear()
    assert runner.invoke(cli_app, ["db", "upgrade"], catch_exceptions=False).exit_code == 0
    with common.session_factory().begin() as s:
        result = service.intake(
            s, SYSTEM, [RecordIn.model_validate(ONDINE_WEB), RecordIn.model_validate(ONDINE_POS)]
        )
        customer_id = result.records[0].customer_id
    yield customer_id
    common.engine().dispose()
    get_settings.cache_clear()
    common.engine.cache_clear()
    common._check_schema.cache_clear()


def test_the_export_and_erase_commands(cli_db: str, tmp_path: Path) -> None:
    customer_id = cli_db
    out = tmp_path / "ondine.json"
    exported = runner.invoke(cli_app, ["customers", "export", customer_id, "--out", str(out)])
    assert exported.exit_code == 0, exported.output
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["metadata"]["customer_id"] == customer_id and len(data["records"]) == 2
    to_stdout = runner.invoke(cli_app, ["customers", "export", customer_id])
    assert json.loads(to_stdout.stdout)["customer"]["last_name"] == "Keravec"

    refused = runner.invoke(
        cli_app, ["customers", "erase", customer_id, "--reason", "asked"], input="n\n"
    )
    assert refused.exit_code == 1 and "Aborted" in refused.output
    with common.session_factory()() as s:
        assert s.get(Customer, customer_id).status == "active"

    erased = runner.invoke(
        cli_app, ["customers", "erase", customer_id, "--reason", "asked"], input="y\n"
    )
    assert erased.exit_code == 0, erased.output
    assert f"Customer {customer_id} erased" in erased.output
    again = runner.invoke(
        cli_app, ["customers", "erase", customer_id, "--reason", "asked", "--yes"]
    )
    assert again.exit_code == 0 and "already erased" in again.output
    missing = runner.invoke(cli_app, ["customers", "export", customer_id])
    assert missing.exit_code == 1 and "no customer" in missing.output
    with common.session_factory()() as s:
        assert s.get(Customer, customer_id).status == "erased"
        assert not s.scalars(select(SourceRecord).where(SourceRecord.email.is_not(None))).all()

"""Customer source records through the API and the import: kept as received, normalised."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select

from omnicanal.customers.models import SourceRecord
from omnicanal.imports import readers
from omnicanal.imports import service as imports
from omnicanal.security.service import SYSTEM
from tests.conftest import Brand, issue_key

API = "/api/v1/customers/records"
POS = {
    "source": "pos",
    "source_id": "LYO00012345",
    "first_name": "JEAN-PIERRE",
    "last_name": "DUPONT",
    "email": "Jean.Pierre.Dupont+shop@GMAIL.com",
    "phone": "06 12 34 56 78",
    "birth_date": "14/03/1985",
    "street": "12 av. Jean Jaurès",
    "postal_code": "69007",
    "city": "LYON",
    "loyalty_card": "2990000000017",
    "store_code": "LYON",
}


def test_a_record_is_kept_as_received_and_normalised(client, brand: Brand, admin_headers) -> None:
    response = client.post(API, json=POS, headers=admin_headers)
    assert response.status_code == 201, response.text
    body = response.json()
    assert (body["created"], body["updated"]) == (1, 0)
    record = body["records"][0]
    assert record["raw"]["first_name"] == "JEAN-PIERRE", "the record as received"
    assert record["first_name"] == "Jean-Pierre"
    assert record["phone"] == "+33612345678"
    assert record["birth_date"] == "1985-03-14"
    assert record["attributes"] == {"store_code": "LYON"}
    assert client.get(f"{API}/{record['id']}", headers=admin_headers).json()["email"] is not None


def test_sending_a_record_again_updates_it(client, factory, brand: Brand, admin_headers) -> None:
    client.post(API, json=POS, headers=admin_headers)
    again = client.post(API, json={**POS, "phone": "07 81 22 33 44"}, headers=admin_headers)
    assert (again.json()["created"], again.json()["updated"]) == (0, 1)
    assert again.json()["records"][0]["phone"] == "+33781223344"
    with factory() as session:
        assert session.scalar(select(func.count()).select_from(SourceRecord)) == 1


def test_a_batch_of_records(client, brand: Brand, admin_headers) -> None:
    batch = {"records": [POS, {**POS, "source": "web", "source_id": "100000001"}]}
    response = client.post(API, json=batch, headers=admin_headers)
    assert response.status_code == 201
    assert response.json()["created"] == 2


def test_bad_values_are_kept_raw_and_flagged_not_dropped(
    client, brand: Brand, admin_headers
) -> None:
    bad = {**POS, "phone": "12", "birth_date": "31/02/1985", "email": "not an email"}
    response = client.post(API, json=bad, headers=admin_headers)
    assert response.status_code == 201
    record = response.json()["records"][0]
    assert record["raw"]["phone"] == "12"
    assert record["birth_date"] is None
    flagged = {(f["field"], f["flag"]) for f in record["flags"]}
    assert ("phone", "invalid") in flagged
    assert ("birth_date", "invalid") in flagged
    assert ("email", "invalid") in flagged


def test_missing_source_id_names_the_field(client, brand: Brand, admin_headers) -> None:
    response = client.post(API, json={"source": "pos"}, headers=admin_headers)
    assert response.status_code == 422
    assert response.json()["field"] == "source_id"


def test_two_franchisees_may_use_the_same_ids_without_seeing_each_other(
    client, factory, brand: Brand
) -> None:
    a = issue_key(factory, ["customers:read", "customers:write"], entity_id=brand.franchisee_a)
    b = issue_key(factory, ["customers:read", "customers:write"], entity_id=brand.franchisee_b)
    assert client.post(API, json={**POS, "last_name": "ALPHA"}, headers=a).status_code == 201
    assert client.post(API, json={**POS, "last_name": "BETA"}, headers=b).status_code == 201
    seen_by_a = client.get(API, headers=a).json()
    assert [r["last_name"] for r in seen_by_a] == ["Alpha"]
    other = client.get(API, headers=b).json()[0]["id"]
    assert client.get(f"{API}/{other}", headers=a).status_code == 404


def test_search_by_name_email_card_or_source_id(client, brand: Brand, admin_headers) -> None:
    client.post(API, json=POS, headers=admin_headers)
    for q in ("Dupont", "jeanpierredupont@gmail.com", "2990000000017", "LYO00012345"):
        found = client.get(API, params={"q": q}, headers=admin_headers).json()
        assert [r["source_id"] for r in found] == ["LYO00012345"], q


def test_import_takes_the_source_from_the_option_unless_a_column_gives_it(
    tmp_path: Path, factory, brand: Brand
) -> None:
    path = tmp_path / "clients.csv"
    path.write_text(
        "source;source_id;NOM;PRENOM;tel\n;C1;MARTIN;Cathy;0612345678\nweb;C2;Durand;Paul;+33 6 98 76 54 32\n;;Sans;Id;\n",
        encoding="utf-8",
    )
    mapping = {"NOM": "last_name", "PRENOM": "first_name", "tel": "phone"}

    def rows():
        for number, row in readers.read_rows(path):
            row = readers.apply_mapping(row, mapping)
            row["source"] = row.get("source") or "pos-lyon"
            yield number, row

    report = imports.run_import(factory, SYSTEM, "customers", str(path), rows())
    assert (report.created, report.rejected) == (2, 1)
    assert report.errors[0].field == "source_id"
    with factory() as session:
        sources = dict(session.execute(select(SourceRecord.source_id, SourceRecord.source)).all())
    assert sources == {"C1": "pos-lyon", "C2": "web"}


def test_a_record_sent_again_with_its_idempotency_key_is_answered_as_the_first_time(
    client, factory, brand: Brand, admin_headers
) -> None:
    # The intake commits from its own worker thread (one trip for the key check, the work
    # and the commit): the key's answer must still be recorded in that same commit.
    headers = {**admin_headers, "Idempotency-Key": "pos-LYO00012345"}
    first = client.post(API, json=POS, headers=headers)
    again = client.post(API, json=POS, headers=headers)
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert again.headers["idempotent-replayed"] == "true"
    other = client.post(API, json={**POS, "phone": "07 81 22 33 44"}, headers=headers)
    assert other.status_code == 409
    with factory() as session:
        assert session.scalar(select(func.count()).select_from(SourceRecord)) == 1


def test_concurrent_duplicates_of_a_record_write_it_once(
    client, factory, brand: Brand, admin_headers
) -> None:
    from concurrent.futures import ThreadPoolExecutor

    headers = {**admin_headers, "Idempotency-Key": "race-record"}
    with ThreadPoolExecutor(max_workers=8) as pool:
        responses = list(pool.map(lambda _: client.post(API, json=POS, headers=headers), range(8)))
    assert {r.status_code for r in responses} == {201}
    assert len({r.json()["records"][0]["id"] for r in responses}) == 1
    with factory() as session:
        assert session.scalar(select(func.count()).select_from(SourceRecord)) == 1


def test_a_record_needs_a_known_key_and_writes_nothing_without_one(
    client, factory, brand: Brand
) -> None:
    unknown = client.post(API, json=POS, headers={"Authorization": "Bearer oc_000000000000_x"})
    assert unknown.status_code == 401
    assert client.post(API, json=POS).status_code == 401
    with factory() as session:
        assert session.scalar(select(func.count()).select_from(SourceRecord)) == 0

"""Survivorship: each golden field from one record by its rule, with provenance."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from omnicanal.customers.golden import SourceValues, golden_record, parse_rules

T0 = datetime(2026, 1, 1, tzinfo=UTC)


def values(record_id: str, source: str, days: int, **fields: object) -> SourceValues:
    return SourceValues(record_id, source, T0 + timedelta(days=days), fields)


RECORDS = [
    values("r1", "pos", 1, first_name="Cathy", last_name="Dupont", email="c@free.fr",
           street="12 rue de la Paix", postal_code="69002", city="Lyon"),
    values("r2", "web", 5, first_name="Catherine", last_name="Dupont",
           email="catherine@orange.fr", postal_code="75016"),
    values("r3", "loyalty", 3, first_name="Catherine", last_name="Dupont", email="cd@sfr.fr"),
]  # fmt: skip


def test_most_frequent_most_recent_and_most_trusted() -> None:
    golden = golden_record(RECORDS, rules={"email": "most_trusted"})
    assert golden.values["first_name"] == "Catherine"  # two records against one
    assert golden.provenance["first_name"] == {"record_id": "r3", "source": "loyalty",
                                               "rule": "most_frequent"}  # fmt: skip
    assert golden.values["email"] == "cd@sfr.fr"  # loyalty is the most trusted source
    assert golden_record(RECORDS).values["email"] == "catherine@orange.fr"  # the most recent


def test_an_address_comes_whole_from_one_record_and_a_street_beats_a_postal_code() -> None:
    golden = golden_record(RECORDS)
    assert (golden.values["street"], golden.values["postal_code"], golden.values["city"]) == (
        "12 rue de la Paix", "69002", "Lyon",
    )  # fmt: skip
    assert {golden.provenance[f]["record_id"] for f in ("street", "postal_code", "city")} == {"r1"}


def test_fields_no_record_gives_stay_empty_without_provenance() -> None:
    golden = golden_record(RECORDS)
    assert golden.values["birth_date"] is None and "birth_date" not in golden.provenance


def test_rules_are_configurable_and_checked() -> None:
    assert parse_rules("name=most_trusted, address=most_recent") == {
        "name": "most_trusted", "address": "most_recent",
    }  # fmt: skip
    with pytest.raises(ValueError, match="unknown survivorship rule"):
        parse_rules("name=oldest")
    with pytest.raises(ValueError, match="unknown field group"):
        parse_rules("shoe_size=most_recent")

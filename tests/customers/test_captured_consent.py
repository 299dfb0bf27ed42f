"""Consent that arrives with a customer record (`consent:<purpose>:<channel>` columns)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from omnicanal.customers import consent, flows, service
from omnicanal.customers.models import ConsentEvent
from omnicanal.customers.schemas import RecordIn
from omnicanal.errors import InvalidInput
from omnicanal.security.service import SYSTEM


@pytest.mark.parametrize(
    ("value", "answer"),
    [("1", True), ("0", False), ("O", True), ("N", False), ("oui", True), ("Non", False),
     (True, True), (False, False), ("", None), ("peut-être", None)],
)  # fmt: skip
def test_answers_as_exports_write_them(value: object, answer: bool | None) -> None:
    assert consent.parse_answer(value) is answer


def test_consent_columns_name_their_purpose_and_channel() -> None:
    found = consent.captured_consents(
        {"consent:sms_marketing:sms": "O", "consent:email_marketing": "0", "shoe": "42"}
    )
    assert sorted(found) == [("email_marketing", "all", False), ("sms_marketing", "sms", True)]


def test_a_consent_column_it_cannot_read_is_refused_naming_the_column() -> None:
    with pytest.raises(InvalidInput) as caught:
        consent.captured_consents({"consent:newsletter:email": "1"})
    assert caught.value.field == "consent:newsletter:email"
    with pytest.raises(InvalidInput, match="neither a yes nor a no"):
        consent.captured_consents({"consent:sms_marketing:sms": "maybe"})


def test_the_api_refuses_a_record_with_an_unreadable_consent_column(client, admin_headers) -> None:
    response = client.post("/api/v1/customers/records", headers=admin_headers, json={
        "source": "web", "source_id": "W1", "last_name": "Roux", "consent:sms_marketing:sms": "?",
    })  # fmt: skip
    assert response.status_code == 422
    assert "consent:sms_marketing:sms" in response.text


def test_a_record_s_answers_become_consent_events_once(factory) -> None:
    record = {"source": "loyalty", "source_id": "2990000000017", "first_name": "Léa",
              "last_name": "Roux", "phone": "0611223344", "consent:sms_marketing:sms": "O",
              "consent_at": "20240723"}  # fmt: skip
    with factory.begin() as session:
        customer_id = service.intake(session, SYSTEM, [RecordIn(**record)]).records[0].customer_id
    with factory.begin() as session:  # sent again, the same answer: nothing new
        service.intake(session, SYSTEM, [RecordIn(**record)])
    with factory.begin() as session:  # the customer withdrew at the till
        service.intake(session, SYSTEM, [RecordIn(**{**record, "consent:sms_marketing:sms": "N"})])
    with factory() as session:
        events = session.scalars(select(ConsentEvent).order_by(ConsentEvent.recorded_at)).all()
        assert [(e.purpose, e.channel, e.granted, e.source) for e in events] == [
            ("sms_marketing", "sms", True, "loyalty"),
            ("sms_marketing", "sms", False, "loyalty"),
        ]
        assert events[0].occurred_at.date().isoformat() == "2024-07-23"
        assert events[0].customer_id == customer_id
        assert not consent.may_contact(session, customer_id, "sms_marketing", "sms")


def test_a_batch_run_records_the_answers_of_imported_records(factory) -> None:
    with factory.begin() as session:
        service.intake(session, SYSTEM, [
            RecordIn(source="web", source_id="W7", first_name="Hugo", last_name="Petit",
                     email="hugo.petit@free.fr", **{"consent:email_marketing:email": "1"}),
        ], attach=False)  # fmt: skip
    with factory.begin() as session:
        result = flows.resolve_all(session, SYSTEM)
        assert result.figures["consent_events"] == 1
    with factory.begin() as session:
        assert flows.resolve_all(session, SYSTEM).figures["consent_events"] == 0


def test_every_change_of_answer_counts_and_the_last_one_decides(factory) -> None:
    record = {"source": "loyalty", "source_id": "2990000000024", "first_name": "Noé",
              "last_name": "Vidal", "phone": "0622334455"}  # fmt: skip
    for answer in ("O", "N", "O", "N"):
        with factory.begin() as session:
            (stored,) = service.intake(
                session, SYSTEM, [RecordIn(**record, **{"consent:sms_marketing:sms": answer})]
            ).records
            customer_id = stored.customer_id
    with factory() as session:
        answers = session.scalars(
            select(ConsentEvent.granted).order_by(ConsentEvent.occurred_at)
        ).all()
        assert answers == [True, False, True, False]
        assert not consent.may_contact(session, customer_id, "sms_marketing", "sms")


def test_consent_captured_with_a_record_follows_it_out_of_a_wrong_merge(factory) -> None:
    from omnicanal.customers import stewardship

    with factory.begin() as session:
        carl = service.intake(session, SYSTEM, [RecordIn(
            source="pos", source_id="C1", first_name="Carl", last_name="Moreau",
            phone="0633445566")]).records[0]  # fmt: skip
        dina = service.intake(session, SYSTEM, [RecordIn(
            source="loyalty", source_id="D1", first_name="Dina", last_name="Moreau",
            phone="0644556677", **{"consent:sms_marketing:sms": "O"})]).records[0]  # fmt: skip
        carl_id, dina_id, dina_record = carl.customer_id, dina.customer_id, dina.id
    with factory.begin() as session:
        stewardship.merge(session, SYSTEM, carl_id, dina_id)
    with factory.begin() as session:
        decision = stewardship.split(session, SYSTEM, carl_id, [dina_record])
        dina_again = decision.customer_ids[1]
    with factory() as session:
        assert not consent.may_contact(session, carl_id, "sms_marketing", "sms")
        assert consent.may_contact(session, dina_again, "sms_marketing", "sms")

"""Consent per purpose and channel: the rules (latest event wins, no event means no), and the
use cases through the API on every backend."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import func, select

from omnicanal.customers import consent
from omnicanal.customers.models import ConsentEvent, Customer, SourceRecord
from omnicanal.events.models import OutboxEvent
from tests.conftest import Brand, issue_key

T0 = datetime(2024, 5, 1, 10, 0, tzinfo=UTC)


@dataclass(frozen=True)
class Fact:
    id: str
    purpose: str
    channel: str
    granted: bool
    occurred_at: datetime
    recorded_at: datetime = T0
    source: str = "web"


def fact(n: int, purpose: str, channel: str, granted: bool, minutes: int, **kw) -> Fact:
    return Fact(f"cst_{n:03}", purpose, channel, granted, T0 + timedelta(minutes=minutes), **kw)


# --- rules ----------------------------------------------------------------------------------


def test_the_latest_event_of_a_purpose_and_channel_is_its_state() -> None:
    events = [
        fact(1, "email_marketing", "all", True, 0),
        fact(2, "email_marketing", "all", False, 10),
        fact(3, "email_marketing", "all", True, 5),  # arrived late, said earlier
    ]
    state = consent.current_state(events)
    assert state[("email_marketing", "all")].granted is False
    assert state[("email_marketing", "all")].event_id == "cst_002"
    assert state[("email_marketing", "all")].source == "web"


def test_each_purpose_and_channel_has_its_own_state() -> None:
    state = consent.current_state(
        [fact(1, "sms_marketing", "all", True, 0), fact(2, "profiling", "web", False, 1)]
    )
    assert set(state) == {("sms_marketing", "all"), ("profiling", "web")}


def test_same_instant_is_settled_by_the_later_recording_then_by_id() -> None:
    later_recorded = consent.current_state(
        [
            fact(2, "profiling", "all", True, 0, recorded_at=T0),
            fact(1, "profiling", "all", False, 0, recorded_at=T0 + timedelta(seconds=1)),
        ]
    )
    assert later_recorded[("profiling", "all")].granted is False
    by_id = consent.current_state(
        [fact(1, "profiling", "all", True, 0), fact(2, "profiling", "all", False, 0)]
    )
    assert by_id[("profiling", "all")].event_id == "cst_002"


def test_no_event_means_not_allowed() -> None:
    assert consent.is_allowed({}, "email_marketing", "email") is False
    state = consent.current_state([fact(1, "sms_marketing", "all", True, 0)])
    assert consent.is_allowed(state, "email_marketing", "email") is False


def test_all_channels_applies_to_every_channel_of_the_purpose() -> None:
    state = consent.current_state([fact(1, "sms_marketing", "all", True, 0)])
    assert consent.is_allowed(state, "sms_marketing", "sms")
    assert consent.is_allowed(state, "sms_marketing", "store")
    assert consent.is_allowed(state, "sms_marketing")


def test_a_later_channel_event_overrides_all_for_that_channel_only() -> None:
    state = consent.current_state(
        [fact(1, "email_marketing", "all", True, 0), fact(2, "email_marketing", "web", False, 5)]
    )
    assert consent.is_allowed(state, "email_marketing", "web") is False
    assert consent.is_allowed(state, "email_marketing", "store") is True


def test_a_later_all_event_overrides_an_earlier_channel_event() -> None:
    state = consent.current_state(
        [fact(1, "sms_marketing", "sms", True, 0), fact(2, "sms_marketing", "all", False, 5)]
    )
    assert consent.is_allowed(state, "sms_marketing", "sms") is False


def test_a_channel_grant_alone_allows_that_channel_only() -> None:
    state = consent.current_state([fact(1, "push_marketing", "app", True, 0)])
    assert consent.is_allowed(state, "push_marketing", "app")
    assert not consent.is_allowed(state, "push_marketing", "web")
    assert not consent.is_allowed(state, "push_marketing", "all")


events_strategy = st.lists(
    st.builds(
        fact,
        st.integers(0, 999),
        st.sampled_from(["email_marketing", "sms_marketing"]),
        st.sampled_from(["all", "email", "sms"]),
        st.booleans(),
        st.integers(0, 20),
    ),
    max_size=12,
    unique_by=lambda f: f.id,
)


@given(events_strategy, st.randoms())
def test_the_state_does_not_depend_on_the_order_events_arrive_in(events, random) -> None:
    shuffled = list(events)
    random.shuffle(shuffled)
    assert consent.current_state(shuffled) == consent.current_state(events)


@given(events_strategy)
def test_allowed_is_the_answer_of_the_most_recent_relevant_event(events) -> None:
    state = consent.current_state(events)
    relevant = [e for e in events if e.purpose == "sms_marketing" and e.channel in {"sms", "all"}]
    expected = (
        max(relevant, key=lambda e: (e.occurred_at, e.recorded_at, e.id)).granted
        if relevant
        else False
    )
    assert consent.is_allowed(state, "sms_marketing", "sms") is expected


def test_unknown_purpose_and_channel_name_their_field() -> None:
    with pytest.raises(consent.InvalidInput) as purpose:
        consent.check_purpose("newsletter")
    assert purpose.value.field == "purpose"
    with pytest.raises(consent.InvalidInput) as channel:
        consent.check_channel("fax")
    assert channel.value.field == "channel"


def test_occurred_at_must_be_aware_and_not_in_the_future() -> None:
    now = T0
    assert consent.check_occurred_at(now + timedelta(minutes=4), now) == now + timedelta(minutes=4)
    for bad in (datetime(2024, 5, 1, 10, 0), now + timedelta(minutes=6)):
        with pytest.raises(consent.InvalidInput) as error:
            consent.check_occurred_at(bad, now)
        assert error.value.field == "occurred_at"


# --- through the API ------------------------------------------------------------------------


def customer_with_record(
    factory, owner: str = "brand", status: str = "active", merged_into: str | None = None
) -> tuple[str, str]:
    """A golden customer with one source record of `owner`: (customer id, record id)."""
    with factory.begin() as s:
        customer = Customer(last_name="Dupont", status=status, merged_into_id=merged_into)
        s.add(customer)
        s.flush()
        record = SourceRecord(
            customer_id=customer.id,
            entity_id=None if owner == "brand" else owner,
            owner=owner,
            source="pos",
            source_id=f"C-{customer.id[-8:]}",
            raw={"last_name": "DUPONT"},
        )
        s.add(record)
        s.flush()
        return customer.id, record.id


def url(customer_id: str) -> str:
    return f"/api/v1/customers/{customer_id}/consent"


def at(minutes: int) -> str:
    return (datetime.now(UTC) - timedelta(days=1) + timedelta(minutes=minutes)).isoformat()


def test_a_consent_is_recorded_and_is_the_current_state(
    client, factory, brand: Brand, admin_headers
) -> None:
    customer_id, record_id = customer_with_record(factory)
    body = {
        "purpose": "email_marketing",
        "granted": True,
        "source": "web_signup_form",
        "record_id": record_id,
    }
    response = client.post(url(customer_id), json=body, headers=admin_headers)
    assert response.status_code == 201, response.text
    recorded = response.json()
    assert recorded["customer_id"] == customer_id
    assert recorded["channel"] == "all", "the default channel"
    assert recorded["record_id"] == record_id

    read = client.get(url(customer_id), headers=admin_headers)
    assert read.status_code == 200
    assert read.json()["states"] == [
        {
            "purpose": "email_marketing",
            "channel": "all",
            "granted": True,
            "occurred_at": recorded["occurred_at"],
            "source": "web_signup_form",
            "event_id": recorded["id"],
        }
    ]
    assert [e["id"] for e in read.json()["history"]] == [recorded["id"]]


def test_a_later_withdrawal_wins_and_a_late_arriving_older_grant_does_not(
    client, factory, brand: Brand, admin_headers
) -> None:
    customer_id, _ = customer_with_record(factory)
    for minutes, granted in ((0, True), (10, False), (5, True)):
        body = {
            "purpose": "sms_marketing",
            "granted": granted,
            "source": "pos",
            "occurred_at": at(minutes),
        }
        assert client.post(url(customer_id), json=body, headers=admin_headers).status_code == 201
    read = client.get(url(customer_id), headers=admin_headers).json()
    assert [s["granted"] for s in read["states"]] == [False]
    history = read["history"]
    assert [e["granted"] for e in history] == [False, True, True], "the latest first"
    with factory() as s:
        assert consent.may_contact(s, customer_id, "sms_marketing", "sms") is False


def test_states_are_per_purpose_and_channel(client, factory, brand: Brand, admin_headers) -> None:
    customer_id, _ = customer_with_record(factory)
    for purpose, channel, granted in (
        ("email_marketing", "all", True),
        ("email_marketing", "store", False),
        ("profiling", "all", False),
    ):
        body = {"purpose": purpose, "channel": channel, "granted": granted, "source": "crm"}
        assert client.post(url(customer_id), json=body, headers=admin_headers).status_code == 201
    states = client.get(url(customer_id), headers=admin_headers).json()["states"]
    assert [(s["purpose"], s["channel"], s["granted"]) for s in states] == [
        ("email_marketing", "all", True),
        ("email_marketing", "store", False),
        ("profiling", "all", False),
    ]
    with factory() as s:
        assert consent.may_contact(s, customer_id, "email_marketing", "email") is True
        assert consent.may_contact(s, customer_id, "email_marketing", "store") is False
        assert consent.may_contact(s, customer_id, "personalised_offers", "web") is False


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"purpose": "newsletter"}, "purpose"),
        ({"channel": "fax"}, "channel"),
        ({"occurred_at": "2024-05-01T10:00:00"}, "occurred_at"),
        ({"occurred_at": (datetime.now(UTC) + timedelta(hours=1)).isoformat()}, "occurred_at"),
        ({"source": ""}, "source"),
        ({"granted": None}, "granted"),
    ],
)
def test_an_invalid_consent_names_the_field(
    client, factory, brand: Brand, admin_headers, change, field
) -> None:
    customer_id, _ = customer_with_record(factory)
    body = {"purpose": "email_marketing", "granted": True, "source": "web", **change}
    response = client.post(url(customer_id), json=body, headers=admin_headers)
    assert response.status_code == 422, response.text
    problem = response.json()
    assert problem.get("field") == field or field in {e["field"] for e in problem.get("errors", [])}
    with factory() as s:
        assert s.scalar(select(func.count()).select_from(ConsentEvent)) == 0


def test_an_unknown_or_erased_customer_is_not_found(
    client, factory, brand: Brand, admin_headers
) -> None:
    erased, _ = customer_with_record(factory, status="erased")
    body = {"purpose": "email_marketing", "granted": True, "source": "web"}
    for customer_id in ("cus_unknown", erased):
        assert client.get(url(customer_id), headers=admin_headers).status_code == 404
        response = client.post(url(customer_id), json=body, headers=admin_headers)
        assert response.status_code == 404
        assert response.json()["field"] == "customer_id"
    with factory() as s:
        assert consent.may_contact(s, "cus_unknown", "email_marketing", "email") is False


def test_a_merged_customer_answers_for_the_customer_it_was_merged_into(
    client, factory, brand: Brand, admin_headers
) -> None:
    survivor, _ = customer_with_record(factory)
    absorbed, _ = customer_with_record(factory)
    # Given before the merge, under the absorbed customer's id.
    before = {"purpose": "profiling", "granted": True, "source": "app", "occurred_at": at(0)}
    assert client.post(url(absorbed), json=before, headers=admin_headers).status_code == 201
    with factory.begin() as s:
        customer = s.get(Customer, absorbed)
        customer.status, customer.merged_into_id = "merged", survivor

    after = {"purpose": "email_marketing", "granted": True, "source": "web"}
    response = client.post(url(absorbed), json=after, headers=admin_headers)
    assert response.status_code == 201
    assert response.json()["customer_id"] == survivor

    read = client.get(url(absorbed), headers=admin_headers).json()
    assert read["customer_id"] == survivor
    assert {(s["purpose"], s["granted"]) for s in read["states"]} == {
        ("profiling", True),
        ("email_marketing", True),
    }
    with factory() as s:
        assert consent.may_contact(s, absorbed, "profiling", "web") is True
        assert consent.may_contact(s, survivor, "profiling", "web") is True


def test_a_franchisee_acts_only_on_customers_it_knows(client, factory, brand: Brand) -> None:
    of_a, record_a = customer_with_record(factory, owner=brand.franchisee_a)
    of_b, record_b = customer_with_record(factory, owner=brand.franchisee_b)
    key_a = issue_key(factory, ["customers:read", "customers:write"], entity_id=brand.franchisee_a)
    body = {"purpose": "sms_marketing", "granted": True, "source": "pos"}

    assert client.post(url(of_a), json=body, headers=key_a).status_code == 201
    assert client.get(url(of_a), headers=key_a).status_code == 200
    for response in (
        client.get(url(of_b), headers=key_a),
        client.post(url(of_b), json=body, headers=key_a),
    ):
        assert response.status_code == 404
        assert response.json()["detail"] == f"no customer {of_b!r}"
    # Nor may it cite another franchisee's record for its own customer.
    cited = client.post(url(of_a), json={**body, "record_id": record_b}, headers=key_a)
    assert cited.status_code == 422
    assert cited.json()["field"] == "record_id"
    assert (
        client.post(url(of_a), json={**body, "record_id": record_a}, headers=key_a).status_code
        == 201
    )


def test_a_store_key_acts_for_its_franchisee(client, factory, brand: Brand) -> None:
    of_a, _ = customer_with_record(factory, owner=brand.franchisee_a)
    of_b, _ = customer_with_record(factory, owner=brand.franchisee_b)
    store_a = issue_key(factory, ["customers:read"], location_ids=[brand.store_a])
    assert client.get(url(of_a), headers=store_a).status_code == 200
    assert client.get(url(of_b), headers=store_a).status_code == 404


def test_a_shared_customer_shows_a_franchisee_only_its_own_record_ids(
    client, factory, brand: Brand, admin_headers
) -> None:
    customer_id, record_a = customer_with_record(factory, owner=brand.franchisee_a)
    with factory.begin() as s:
        record_b = SourceRecord(
            customer_id=customer_id,
            entity_id=brand.franchisee_b,
            owner=brand.franchisee_b,
            source="pos",
            source_id="B-1",
            raw={},
        )
        s.add(record_b)
        s.flush()
        record_b_id = record_b.id
    body = {"purpose": "sms_marketing", "granted": False, "source": "pos", "record_id": record_b_id}
    assert client.post(url(customer_id), json=body, headers=admin_headers).status_code == 201
    key_a = issue_key(factory, ["customers:read"], entity_id=brand.franchisee_a)
    read = client.get(url(customer_id), headers=key_a)
    assert read.status_code == 200
    assert record_b_id not in read.text
    assert read.json()["states"][0]["granted"] is False, "the withdrawal applies to A too"
    assert record_a  # A's own record ids would be shown


def test_writing_consent_needs_the_write_permission(client, factory, brand: Brand) -> None:
    customer_id, _ = customer_with_record(factory)
    reader = issue_key(factory, ["customers:read"])
    body = {"purpose": "sms_marketing", "granted": True, "source": "pos"}
    assert client.post(url(customer_id), json=body, headers=reader).status_code == 403


def test_a_consent_change_is_an_event_without_personal_data(client, factory, brand: Brand) -> None:
    customer_id, _ = customer_with_record(factory, owner=brand.franchisee_a)
    key_a = issue_key(factory, ["customers:read", "customers:write"], entity_id=brand.franchisee_a)
    body = {"purpose": "email_marketing", "channel": "email", "granted": True, "source": "pos"}
    recorded = client.post(url(customer_id), json=body, headers=key_a).json()
    with factory() as s:
        event = s.scalars(
            select(OutboxEvent).where(OutboxEvent.type == "customer.consent_changed")
        ).one()
    assert event.entity_id == brand.franchisee_a, "the sender's webhooks receive it"
    assert event.payload["consent_id"] == recorded["id"]
    assert event.payload["customer_id"] == customer_id
    assert (event.payload["purpose"], event.payload["channel"]) == ("email_marketing", "email")
    assert event.payload["granted"] is True and event.payload["current_granted"] is True
    assert "Dupont" not in str(event.payload)


def test_a_retried_consent_is_recorded_once(client, factory, brand: Brand, admin_headers) -> None:
    customer_id, _ = customer_with_record(factory)
    headers = {**admin_headers, "Idempotency-Key": "consent-1"}
    body = {"purpose": "sms_marketing", "granted": True, "source": "pos"}
    first = client.post(url(customer_id), json=body, headers=headers)
    again = client.post(url(customer_id), json=body, headers=headers)
    assert first.status_code == again.status_code == 201
    assert again.json()["id"] == first.json()["id"]
    with factory() as s:
        assert s.scalar(select(func.count()).select_from(ConsentEvent)) == 1


def test_a_key_for_stores_of_two_franchisees_is_refused_whether_the_customer_exists_or_not(
    client, factory, brand: Brand
) -> None:
    of_a, _ = customer_with_record(factory, owner=brand.franchisee_a)
    both = issue_key(factory, ["customers:read"], location_ids=[brand.store_a, brand.store_b])
    assert client.get(url(of_a), headers=both).status_code == 403
    assert client.get(url("cus_unknown"), headers=both).status_code == 403

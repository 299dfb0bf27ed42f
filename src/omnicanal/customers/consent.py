"""Customers' consent per purpose and channel: dated events with their source, the current
state being the latest. Every domain that contacts or profiles a customer asks
`may_contact` first.

The first part is the rules (pure, no I/O); the second the use cases over a session.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session

from omnicanal.customers.consent_schemas import ConsentIn
from omnicanal.customers.models import ConsentEvent, Customer, SourceRecord
from omnicanal.customers.service import owner_of
from omnicanal.db import new_id, utcnow
from omnicanal.errors import Forbidden, InvalidInput, NotFound
from omnicanal.events import emit, emit_now
from omnicanal.security.permissions import Permission, Principal, require

# --- rules ----------------------------------------------------------------------------------

PURPOSES = (
    "email_marketing",
    "sms_marketing",
    "push_marketing",
    "postal_marketing",
    "phone_marketing",
    "profiling",
    "personalised_offers",
    "third_party_sharing",
)
# "all" speaks for every channel of a purpose; the others are where the contact happens.
ALL_CHANNELS = "all"
CHANNELS = (
    ALL_CHANNELS,
    "email",
    "sms",
    "push",
    "post",
    "phone",
    "web",
    "app",
    "store",
    "call_center",
)
# Clocks of tills and phones drift: a few minutes ahead is tolerated, not more.
FUTURE_TOLERANCE = timedelta(minutes=5)

CONSENT_CHANGED = "customer.consent_changed"


class ConsentFact(Protocol):
    """What the rules need of a consent event (a `ConsentEvent` row is one)."""

    @property
    def id(self) -> str: ...
    @property
    def purpose(self) -> str: ...
    @property
    def channel(self) -> str: ...
    @property
    def granted(self) -> bool: ...
    @property
    def source(self) -> str: ...
    @property
    def occurred_at(self) -> datetime: ...
    @property
    def recorded_at(self) -> datetime: ...


@dataclass(frozen=True)
class ConsentState:
    """The latest event of one purpose and channel."""

    granted: bool
    occurred_at: datetime
    source: str
    recorded_at: datetime
    event_id: str

    @property
    def order(self) -> tuple[datetime, datetime, str]:
        return (self.occurred_at, self.recorded_at, self.event_id)


def _order(event: ConsentFact) -> tuple[datetime, datetime, str]:
    # When the customer said it decides; two events of the same instant are settled by
    # which was recorded last, then by id, so that every reader gets the same answer.
    return (event.occurred_at, event.recorded_at, event.id)


def current_state(events: Iterable[ConsentFact]) -> dict[tuple[str, str], ConsentState]:
    """For each (purpose, channel) that has events, the latest one."""
    latest: dict[tuple[str, str], ConsentFact] = {}
    for event in events:
        key = (event.purpose, event.channel)
        known = latest.get(key)
        if known is None or _order(event) > _order(known):
            latest[key] = event
    return {
        key: ConsentState(
            granted=e.granted,
            occurred_at=e.occurred_at,
            source=e.source,
            recorded_at=e.recorded_at,
            event_id=e.id,
        )
        for key, e in latest.items()
    }


def is_allowed(
    state: dict[tuple[str, str], ConsentState], purpose: str, channel: str = ALL_CHANNELS
) -> bool:
    """Whether the customer agrees to `purpose` on `channel`.

    The most recent of the events of (purpose, channel) and (purpose, "all") decides, in the
    order of `current_state` (occurred_at, then recorded_at, then id): a later "no to all"
    withdraws an earlier "yes by SMS", and a later "yes by SMS" grants SMS only. Without any
    event the answer is no: marketing and profiling need an opt-in (GDPR art. 6-7, CNIL).
    """
    candidates = [
        s for s in (state.get((purpose, channel)), state.get((purpose, ALL_CHANNELS))) if s
    ]
    if not candidates:
        return False
    return max(candidates, key=lambda s: s.order).granted


def check_purpose(purpose: str) -> None:
    if purpose not in PURPOSES:
        raise InvalidInput(
            f"unknown consent purpose {purpose!r}; known: {', '.join(PURPOSES)}", field="purpose"
        )


def check_channel(channel: str) -> None:
    if channel not in CHANNELS:
        raise InvalidInput(
            f"unknown consent channel {channel!r}; known: {', '.join(CHANNELS)}", field="channel"
        )


def check_occurred_at(occurred_at: datetime, now: datetime) -> datetime:
    """The moment in UTC, if it has a time zone and is not in the future."""
    if occurred_at.tzinfo is None or occurred_at.utcoffset() is None:
        raise InvalidInput(
            "occurred_at needs a time zone, e.g. 2024-05-01T10:00:00Z", field="occurred_at"
        )
    if occurred_at - now > FUTURE_TOLERANCE:
        raise InvalidInput("occurred_at is in the future", field="occurred_at")
    return occurred_at.astimezone(UTC)


# --- use cases ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ConsentEntry:
    """One event as the reader may see it: ids of other senders' records are left out."""

    id: str
    customer_id: str
    purpose: str
    channel: str
    granted: bool
    source: str
    record_id: str | None
    occurred_at: datetime
    recorded_at: datetime


@dataclass(frozen=True)
class PurposeChannelState:
    purpose: str
    channel: str
    state: ConsentState


@dataclass(frozen=True)
class CustomerConsent:
    customer_id: str
    states: list[PurposeChannelState]
    history: list[ConsentEntry]  # the latest first


def _surviving(session: Session, customer_id: str) -> Customer | None:
    """The active customer an id names, through merges; None if unknown or erased."""
    seen: set[str] = set()
    customer = session.get(Customer, customer_id)
    while customer is not None and customer.status == "merged":
        if customer.id in seen or customer.merged_into_id is None:
            return None
        seen.add(customer.id)
        customer = session.get(Customer, customer.merged_into_id)
    if customer is None or customer.status != "active":
        return None
    return customer


def _members(session: Session, survivor_id: str) -> list[str]:
    """The survivor and every customer merged into it, however indirectly: consent given
    under any of them is the person's consent."""
    members = [survivor_id]
    known = {survivor_id}
    frontier = [survivor_id]
    while frontier:
        merged = session.scalars(
            select(Customer.id).where(
                Customer.merged_into_id.in_(frontier), Customer.status == "merged"
            )
        ).all()
        frontier = [m for m in merged if m not in known]
        known.update(frontier)
        members.extend(frontier)
    return members


def _owner(session: Session, principal: Principal) -> str:
    try:
        return owner_of(session, principal)[1]
    except InvalidInput as exc:
        raise Forbidden(
            "a key for locations of several entities cannot act on customers' consent"
        ) from exc


def _reach(session: Session, principal: Principal, customer_id: str) -> tuple[Customer, list[str]]:
    """The surviving customer and its members, if the principal may act on them.

    A brand-wide principal reaches every customer; an entity or its locations only those
    with a source record of that entity, and others are answered as if they did not exist.
    """
    # The principal's owner first: refusing a key must not depend on the customer existing.
    owner = None if principal.scope.is_brand else _owner(session, principal)
    customer = _surviving(session, customer_id)
    if customer is not None:
        members = _members(session, customer.id)
        if owner is None:
            return customer, members
        known_here = session.scalars(
            select(SourceRecord.id)
            .where(SourceRecord.customer_id.in_(members), SourceRecord.owner == owner)
            .limit(1)
        ).first()
        if known_here is not None:
            return customer, members
    raise NotFound(f"no customer {customer_id!r}", field="customer_id")


def _check_record(
    session: Session, principal: Principal, record_id: str, members: Sequence[str]
) -> None:
    record = session.get(SourceRecord, record_id)
    if record is None or (
        not principal.scope.is_brand and record.owner != _owner(session, principal)
    ):
        raise InvalidInput(f"unknown customer record {record_id!r}", field="record_id")
    if record.customer_id not in members:
        raise InvalidInput(
            f"the record {record_id!r} is not one of this customer's records", field="record_id"
        )


def _events(
    session: Session,
    members: Sequence[str],
    purpose: str | None = None,
    channels: Sequence[str] | None = None,
) -> list[ConsentEvent]:
    query = select(ConsentEvent).where(ConsentEvent.customer_id.in_(members))
    if purpose is not None:
        query = query.where(ConsentEvent.purpose == purpose)
    if channels is not None:
        query = query.where(ConsentEvent.channel.in_(channels))
    return list(session.scalars(query))


def record_consent(
    session: Session,
    principal: Principal,
    customer_id: str,
    data: ConsentIn,
    *,
    now: datetime | None = None,
) -> ConsentEvent:
    """Record one consent given or withdrawn, against the surviving customer, and emit
    `customer.consent_changed` in the same transaction.

    Every event is kept, even one that repeats the current state or is older than it (a
    late-arriving paper form): it is the proof of what the customer said, and when.
    """
    require(principal, Permission.CUSTOMERS_WRITE)
    check_purpose(data.purpose)
    check_channel(data.channel)
    now = now or utcnow()
    occurred_at = check_occurred_at(data.occurred_at or now, now)
    customer, members = _reach(session, principal, customer_id)
    if data.record_id is not None:
        _check_record(session, principal, data.record_id, members)

    event = ConsentEvent(
        customer_id=customer.id,
        purpose=data.purpose,
        channel=data.channel,
        granted=data.granted,
        source=data.source,
        record_id=data.record_id,
        occurred_at=occurred_at,
        recorded_at=now,
    )
    session.add(event)
    session.flush()
    state = current_state(_events(session, members, data.purpose, [data.channel]))
    entity_id = None if principal.scope.is_brand else owner_of(session, principal)[0]
    # Ids and the consent only, no personal data: webhooks carry this outside. The sender's
    # entity receives it; another franchisee must not learn that this customer is known here.
    emit(
        session,
        CONSENT_CHANGED,
        {
            "consent_id": event.id,
            "customer_id": customer.id,
            "purpose": event.purpose,
            "channel": event.channel,
            "granted": event.granted,
            "occurred_at": event.occurred_at.isoformat(),
            "source": event.source,
            "record_id": event.record_id,
            # An older event than the current one leaves the state as it was.
            "current_granted": state[(event.purpose, event.channel)].granted,
        },
        entity_id=entity_id,
    )
    return event


def consent_of(session: Session, principal: Principal, customer_id: str) -> CustomerConsent:
    """The current state of each purpose and channel the customer has events for, and the
    history, for the surviving customer of `customer_id`."""
    require(principal, Permission.CUSTOMERS_READ)
    customer, members = _reach(session, principal, customer_id)
    events = sorted(_events(session, members), key=_order, reverse=True)
    states = [
        PurposeChannelState(purpose, channel, state)
        for (purpose, channel), state in current_state(events).items()
    ]
    states.sort(key=lambda s: (_rank(PURPOSES, s.purpose), _rank(CHANNELS, s.channel)))

    visible_records: set[str] | None = None
    if not principal.scope.is_brand:
        ids = {e.record_id for e in events if e.record_id}
        visible_records = set(
            session.scalars(
                select(SourceRecord.id).where(
                    SourceRecord.id.in_(ids), SourceRecord.owner == _owner(session, principal)
                )
            )
        )
    history = [
        ConsentEntry(
            id=e.id,
            # Which merged id an event was recorded under is the brand's business.
            customer_id=e.customer_id if visible_records is None else customer.id,
            purpose=e.purpose,
            channel=e.channel,
            granted=e.granted,
            source=e.source,
            record_id=(
                e.record_id if visible_records is None or e.record_id in visible_records else None
            ),
            occurred_at=e.occurred_at,
            recorded_at=e.recorded_at,
        )
        for e in events
    ]
    return CustomerConsent(customer_id=customer.id, states=states, history=history)


def _rank(known: Sequence[str], value: str) -> tuple[int, str]:
    return (known.index(value) if value in known else len(known), value)


def may_contact(session: Session, customer_id: str, purpose: str, channel: str) -> bool:
    """Whether the customer may be contacted or profiled for `purpose` on `channel`.

    THE question every domain asks before it sends a campaign, an SMS or a push, calls,
    mails, profiles, personalises an offer or shares data (engagement, analytics, loyalty
    mailings, exports to partners...): no other check of consent exists, and no domain
    reads the consent table itself. Ask at the moment of contact, not once per campaign:
    a withdrawal applies at once.

    No event means no (opt-in); the most recent event of (purpose, channel) and
    (purpose, "all") decides (`is_allowed`). A merged customer is answered for its
    survivor; an unknown or erased customer is never contacted. An unknown purpose or
    channel is a programming error and raises `InvalidInput`.
    """
    check_purpose(purpose)
    check_channel(channel)
    customer = _surviving(session, customer_id)
    if customer is None:
        return False
    members = _members(session, customer.id)
    events = _events(session, members, purpose, sorted({channel, ALL_CHANNELS}))
    return is_allowed(current_state(events), purpose, channel)


# --- consent captured with a customer record -----------------------------------------------
# A channel system often sends the customer's answers with the record itself (a web account's
# opt-in box, a loyalty form's "SMS: O/N"). Such a column, named `consent:<purpose>:<channel>`
# (`--map opt_in_email=consent:email_marketing:email`), becomes a consent event of the
# record's source once the record has a customer, dated `consent_at` or when it was received.

CAPTURED_PREFIX = "consent:"
_YES = frozenset({"1", "true", "yes", "y", "oui", "o", "opt-in", "optin"})
_NO = frozenset({"0", "false", "no", "n", "non", "opt-out", "optout"})


def parse_answer(value: object) -> bool | None:
    """`True`/`False` from the ways exports write a yes or a no; None when it says neither."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return {1: True, 0: False}.get(int(value))
    text = str(value).strip().lower()
    return True if text in _YES else False if text in _NO else None


def captured_consents(attributes: dict[str, object]) -> list[tuple[str, str, bool]]:
    """(purpose, channel, granted) of each `consent:<purpose>:<channel>` attribute; raises
    InvalidInput naming the column when its purpose, channel or answer is not understood."""
    out = []
    for key, value in attributes.items():
        if not key.startswith(CAPTURED_PREFIX) or value in (None, ""):
            continue
        purpose, _, channel = key[len(CAPTURED_PREFIX) :].partition(":")
        channel = channel or "all"
        if purpose not in PURPOSES or channel not in CHANNELS:
            raise InvalidInput(
                f"{key}: name it consent:<purpose>:<channel> with a purpose among "
                f"{', '.join(PURPOSES)} and a channel among {', '.join(CHANNELS)}",
                field=key,
            )
        granted = parse_answer(value)
        if granted is None:
            raise InvalidInput(f"{key}: {value!r} is neither a yes nor a no", field=key)
        out.append((purpose, channel, granted))
    return out


_CONSENT_INSERT = ConsentEvent.__table__.insert()


def record_new_record_consents(session: Session, record: SourceRecord) -> int:
    """The consent a record just received carried (it can have no events yet): the real-time
    path's shortcut of `record_captured_consents`, written with one INSERT per table."""
    captured = captured_consents(record.attributes or {})
    if not captured or record.customer_id is None:
        return 0
    now = utcnow()
    occurred_at = min(_captured_at(record.attributes.get("consent_at")) or now, now)
    rows = [
        _captured_row(record, purpose, channel, granted, occurred_at, now)
        for purpose, channel, granted in captured
    ]
    session.connection().execute(_CONSENT_INSERT, rows)
    emit_now(
        session,
        [(CONSENT_CHANGED, _consent_changed(row), record.entity_id) for row in rows],
    )
    return len(rows)


def record_captured_consents(session: Session, record_ids: Sequence[str] | None = None) -> int:
    """Consent events for the answers records carried, once each (a record sent again with
    the same answer adds nothing); `record_ids` None means every record. Returns how many
    events were recorded."""
    from sqlalchemy import String, cast

    query = select(
        SourceRecord.id,
        SourceRecord.customer_id,
        SourceRecord.source,
        SourceRecord.attributes,
        SourceRecord.received_at,
        SourceRecord.entity_id,
    ).where(
        SourceRecord.customer_id.is_not(None),
        cast(SourceRecord.attributes, String).like(f'%"{CAPTURED_PREFIX}%'),
    )
    if record_ids is not None:
        if not record_ids:
            return 0
        query = query.where(SourceRecord.id.in_(list(record_ids)))
    rows = session.execute(query).all()
    if not rows:
        return 0
    # The latest answer each record gave per purpose and channel: an answer repeating it adds
    # nothing, a changed one is a new event (yes, no, yes again are three events).
    latest: dict[tuple[str, str, str], tuple[datetime, bool]] = {}
    for start in range(0, len(rows), 500):
        ids = [r.id for r in rows[start : start + 500]]
        for record_id, purpose, channel, granted, recorded_at in session.execute(
            select(
                ConsentEvent.record_id,
                ConsentEvent.purpose,
                ConsentEvent.channel,
                ConsentEvent.granted,
                ConsentEvent.recorded_at,
            ).where(ConsentEvent.record_id.in_(ids))
        ):
            key = (record_id, purpose, channel)
            if key not in latest or recorded_at >= latest[key][0]:
                latest[key] = (recorded_at, granted)
    now = utcnow()
    added = 0
    for row in rows:
        for purpose, channel, granted in captured_consents(row.attributes or {}):
            previous = latest.get((row.id, purpose, channel))
            if previous is not None and previous[1] == granted:
                continue
            # Dated by the record's own `consent_at`, else now: a record sent again with a
            # new answer must come after the answer it replaces.
            occurred_at = _captured_at(row.attributes.get("consent_at")) or now
            _add_captured_event(session, row, purpose, channel, granted, min(occurred_at, now), now)
            added += 1
    return added


def _add_captured_event(
    session: Session,
    record: Any,
    purpose: str,
    channel: str,
    granted: bool,
    occurred_at: datetime,
    now: datetime,
) -> None:
    """One consent event of a record's answer, and its `customer.consent_changed`."""
    row = _captured_row(record, purpose, channel, granted, occurred_at, now)
    session.add(ConsentEvent(**row))
    emit(session, CONSENT_CHANGED, _consent_changed(row), entity_id=record.entity_id)


def _captured_row(
    record: Any, purpose: str, channel: str, granted: bool, occurred_at: datetime, now: datetime
) -> dict[str, Any]:
    """The consent event of a record's answer, as its columns (the id known before any
    flush: no round trip per event)."""
    return {
        "id": new_id("cst"), "customer_id": record.customer_id, "purpose": purpose,
        "channel": channel, "granted": granted, "source": record.source,
        "record_id": record.id, "occurred_at": occurred_at, "recorded_at": now,
    }  # fmt: skip


def _consent_changed(event: dict[str, Any]) -> dict[str, Any]:
    """The payload of `customer.consent_changed` for a consent event's columns."""
    return {
        "consent_id": event["id"], "customer_id": event["customer_id"],
        "purpose": event["purpose"], "channel": event["channel"], "granted": event["granted"],
        "occurred_at": event["occurred_at"].isoformat(), "source": event["source"],
        "record_id": event["record_id"],
    }  # fmt: skip


def move_consents(session: Session, moved: dict[str, str]) -> None:
    """Consent captured with records follows them to their new customer (a split, a batch
    run); consent recorded for the customer as a whole stays where it was."""
    if not moved:
        return
    from sqlalchemy import bindparam, update

    statement = (
        update(ConsentEvent.__table__)
        .where(ConsentEvent.__table__.c.record_id == bindparam("moved_record"))
        .values(customer_id=bindparam("new_customer"))
    )
    session.connection().execute(
        statement, [{"moved_record": r, "new_customer": c} for r, c in moved.items()]
    )


def _captured_at(value: object) -> datetime | None:
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)

"""Use cases of customer source records: intake (one or a batch), listing, reading."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import bindparam, or_, select
from sqlalchemy.orm import Session

from omnicanal.config import get_settings
from omnicanal.customers import normalise
from omnicanal.customers.models import Customer, Decision, Identity, MatchReview, SourceRecord
from omnicanal.customers.schemas import KNOWN_FIELDS, RecordIn
from omnicanal.db import new_id, utcnow
from omnicanal.errors import InvalidInput, NotFound
from omnicanal.network import service as network_service
from omnicanal.security.permissions import Permission, Principal, require

BRAND_OWNER = "brand"


def owner_of(session: Session, principal: Principal) -> tuple[str | None, str]:
    """The entity a principal's records belong to, and the owner key that names them."""
    scope = principal.scope
    if scope.entity_id is not None:
        return scope.entity_id, scope.entity_id
    if scope.location_ids is not None:
        entities = set(
            network_service.location_owners(session, sorted(scope.location_ids)).values()
        )
        if len(entities) != 1:
            raise InvalidInput("a key for locations of several entities cannot send records")
        entity = entities.pop()
        return entity, entity
    return None, BRAND_OWNER


def _visible(session: Session, principal: Principal):  # type: ignore[no-untyped-def]
    query = select(SourceRecord)
    if not principal.scope.is_brand:
        _, owner = owner_of(session, principal)
        query = query.where(SourceRecord.owner == owner)
    return query


def _apply(record: SourceRecord, data: RecordIn, region: str) -> None:
    fields = {name: getattr(data, name) for name in KNOWN_FIELDS}
    result = normalise.normalise_record(fields, region=region)
    for name in (
        "first_name", "last_name", "birth_name", "email", "phone", "birth_date", "gender",
        "street", "postal_code", "city", "country", "first_name_key", "last_name_key",
        "email_key", "street_key", "city_key", "birth_name_key", "email_match_key",
        "mobile_key", "landline_key",
    ):  # fmt: skip
        setattr(record, name, result.get(name))
    record.loyalty_card = (data.loyalty_card or "").strip() or None
    record.flags = list(result.get("flags", []))
    record.attributes = data.attributes()
    record.raw = data.model_dump(exclude_none=True)


_EXISTING = select(SourceRecord.id).where(
    SourceRecord.owner == bindparam("owner"),
    SourceRecord.source == bindparam("source"),
    SourceRecord.source_id.in_(bindparam("ids", expanding=True)),
)
# One id (a record sent in real time): an expanding IN rewrites its SQL at every execution.
_EXISTING_ONE = select(SourceRecord.id).where(
    SourceRecord.owner == bindparam("owner"),
    SourceRecord.source == bindparam("source"),
    SourceRecord.source_id == bindparam("id"),
)
_BY_IDS = select(SourceRecord).where(SourceRecord.id.in_(bindparam("ids", expanding=True)))


def _existing(
    session: Session, owner: str, records: Sequence[RecordIn]
) -> dict[tuple[str, str], SourceRecord]:
    """The records of a batch already received from this sender, in one query per source
    (ids first: a record sent in real time is most often new, and an empty answer is cheaper
    without the ORM)."""
    by_source: dict[str, set[str]] = {}
    for data in records:
        by_source.setdefault(data.source, set()).add(data.source_id)
    ids: list[str] = []
    connection = session.connection()
    for source, source_ids in by_source.items():
        if len(source_ids) == 1:
            params = {"owner": owner, "source": source, "id": next(iter(source_ids))}
            ids += connection.execute(_EXISTING_ONE, params).scalars()
            continue
        ordered = sorted(source_ids)
        for start in range(0, len(ordered), 500):
            params = {"owner": owner, "source": source, "ids": ordered[start : start + 500]}
            ids += connection.execute(_EXISTING, params).scalars()
    found: dict[tuple[str, str], SourceRecord] = {}
    for start in range(0, len(ids), 500):
        for record in session.scalars(_BY_IDS, {"ids": ids[start : start + 500]}):
            found[(record.source, record.source_id)] = record
    return found


@dataclass
class IntakeResult:
    created: int
    updated: int
    records: list[SourceRecord]
    attachments: dict[str, Any] = field(default_factory=dict)  # record id -> attachment


def intake(
    session: Session, principal: Principal, records: Sequence[RecordIn], attach: bool = True
) -> IntakeResult:
    """Keep each record as received and normalised; a record sent again replaces its
    previous version (same source and source id, for the same sender). With `attach`, each
    new record is attached in the same transaction to the customer it belongs to (real-time
    resolution), or a new customer is created."""
    require(principal, Permission.CUSTOMERS_WRITE)
    entity_id, owner = owner_of(session, principal)
    region = get_settings().default_region
    known = _existing(session, owner, records)
    result = IntakeResult(created=0, updated=0, records=[])
    model = None
    if attach:
        from omnicanal.customers import flows

        model = flows.active_model(session)
    for data in records:
        record = known.get((data.source, data.source_id))
        if record is None:
            record = SourceRecord(
                id=new_id("rec"),
                entity_id=entity_id,
                owner=owner,
                source=data.source,
                source_id=data.source_id,
                received_at=utcnow(),
            )
            known[(data.source, data.source_id)] = record
            result.created += 1
        else:
            result.updated += 1
            record.received_at = utcnow()  # the latest version is what `most_recent` weighs
        _apply(record, data, region)
        result.records.append(record)
        if model is None:
            session.add(record)
        elif record.customer_id is None:
            # Matched before it is written: a new record is inserted once, with its customer.
            result.attachments[record.id] = flows.attach(session, record, model)
        else:
            flows.refresh_customers(session, [record.customer_id])
            flows.record_captured_consents(session, [record.id])
    session.flush()
    return result


def get_record(session: Session, principal: Principal, record_id: str) -> SourceRecord:
    require(principal, Permission.CUSTOMERS_READ)
    record = session.scalars(
        _visible(session, principal).where(SourceRecord.id == record_id)
    ).first()
    if record is None:
        raise NotFound(f"no customer record {record_id!r}", field="record_id")
    return record


def list_records(
    session: Session,
    principal: Principal,
    source: str | None = None,
    q: str | None = None,
    limit: int = 100,
) -> list[SourceRecord]:
    require(principal, Permission.CUSTOMERS_READ)
    query = _visible(session, principal).order_by(SourceRecord.received_at, SourceRecord.id)
    if source:
        query = query.where(SourceRecord.source == source)
    if q:
        text = q.strip()
        key = normalise.name_key(text)
        query = query.where(
            or_(
                SourceRecord.last_name_key == key,
                SourceRecord.email_key == normalise.email_key(text.lower()),
                SourceRecord.source_id == text,
                SourceRecord.loyalty_card == text,
                SourceRecord.postal_code == text,
            )
        )
    return list(session.scalars(query.limit(min(limit, 1000))))


# --------------------------------------------------------------------------- golden customers


def _reachable(session: Session, principal: Principal, customer_id: str) -> bool:
    if principal.scope.is_brand:
        return True
    _, owner = owner_of(session, principal)
    return (
        session.scalars(
            select(SourceRecord.id).where(
                SourceRecord.customer_id == customer_id, SourceRecord.owner == owner
            )
        ).first()
        is not None
    )


def get_customer(session: Session, principal: Principal, customer_id: str) -> Customer:
    """A customer by id; a merged id answers with the customer it was merged into."""
    require(principal, Permission.CUSTOMERS_READ)
    customer = session.get(Customer, customer_id)
    seen = set()
    while customer is not None and customer.status == "merged" and customer.merged_into_id:
        if customer.id in seen:
            break
        seen.add(customer.id)
        customer = session.get(Customer, customer.merged_into_id)
    if (
        customer is None
        or customer.status == "erased"
        or not _reachable(session, principal, customer.id)
    ):
        raise NotFound(f"no customer {customer_id!r}", field="customer_id")
    return customer


@dataclass
class Customer360:
    customer: Customer
    identities: list[Identity]
    records: list[SourceRecord]
    reviews: list[MatchReview]
    decisions: list[Decision]
    sections: dict[str, Any] = field(default_factory=dict)


# Other domains add what they hold about a customer (orders, loyalty, tickets ...) to the 360
# view by registering a provider: (session, principal, customer_id) -> JSON-able data.
VIEW_PROVIDERS: dict[str, Any] = {}


def load_providers() -> None:
    """The domains that add to the 360 view and to a GDPR export or erasure, registered here
    for every entry point (API, pages, command line)."""
    from omnicanal.orders import customer_view

    customer_view.register()


def customer_360(session: Session, principal: Principal, customer_id: str) -> Customer360:
    customer = get_customer(session, principal, customer_id)
    records_query = select(SourceRecord).where(SourceRecord.customer_id == customer.id)
    if not principal.scope.is_brand:
        _, owner = owner_of(session, principal)
        records_query = records_query.where(SourceRecord.owner == owner)
    records = list(session.scalars(records_query.order_by(SourceRecord.received_at)))
    record_ids = [r.id for r in records]
    if not principal.scope.is_brand:
        customer = _as_seen_from(customer, records)
    identities = list(
        session.scalars(
            select(Identity)
            .where(Identity.customer_id == customer.id, Identity.record_id.in_(record_ids))
            .order_by(Identity.kind, Identity.value)
        )
    )
    reviews = list(
        session.scalars(
            select(MatchReview).where(
                MatchReview.status == "pending",
                or_(
                    MatchReview.record_a_id.in_(record_ids), MatchReview.record_b_id.in_(record_ids)
                ),
            )
        )
    )
    decisions = [
        d
        for d in session.scalars(select(Decision).order_by(Decision.created_at.desc()).limit(200))
        if customer.id in d.customer_ids
    ]
    view = Customer360(customer, identities, records, reviews, decisions)
    load_providers()
    for name, provider in VIEW_PROVIDERS.items():
        section = provider(session, principal, customer.id)
        if section is not None:  # None: nothing the caller may see
            view.sections[name] = section
    return view


def search_customers(
    session: Session, principal: Principal, q: str | None, limit: int = 20
) -> list[tuple[Customer, float]]:
    """Customers by name, e-mail, phone, loyalty card or postal code, tolerant of typos:
    exact keys first, then names within a small edit distance, best first."""
    from rapidfuzz import fuzz

    require(principal, Permission.CUSTOMERS_READ)
    text = (q or "").strip()
    if not text:
        latest = select(Customer).where(Customer.status == "active")
        if not principal.scope.is_brand:
            _, owner = owner_of(session, principal)
            latest = latest.where(
                Customer.id.in_(select(SourceRecord.customer_id).where(SourceRecord.owner == owner))
            )
        found = session.scalars(latest.order_by(Customer.updated_at.desc()).limit(limit))
        return [(_scoped(session, principal, c), 100.0) for c in found]
    conditions = []
    region = get_settings().default_region
    if "@" in text:
        conditions.append(SourceRecord.email_key == normalise.email_key(text))
    phone = normalise.normalise_phone(text, region)
    if phone.value and normalise.INVALID not in phone.flags and sum(c.isdigit() for c in text) >= 9:
        conditions.append(
            or_(SourceRecord.mobile_key == phone.value, SourceRecord.landline_key == phone.value)
        )
    if text.isdigit():
        conditions.append(SourceRecord.loyalty_card == text)
        conditions.append(SourceRecord.source_id == text)
        conditions.append(SourceRecord.postal_code == text)
    tokens = normalise.name_key(text).split()
    if tokens and not conditions:
        prefixes = {t[:3] for t in tokens if len(t) >= 3}
        for prefix in prefixes:
            conditions.append(SourceRecord.last_name_key.startswith(prefix, autoescape=True))
        if len(tokens) == 1:
            conditions.append(SourceRecord.source_id == text)
    if not conditions:
        return []
    query = select(
        SourceRecord.customer_id, SourceRecord.first_name_key, SourceRecord.last_name_key
    ).where(SourceRecord.customer_id.is_not(None), or_(*conditions))
    if not principal.scope.is_brand:
        _, owner = owner_of(session, principal)
        query = query.where(SourceRecord.owner == owner)
    scores: dict[str, float] = {}
    wanted = " ".join(tokens)
    for row in session.execute(query.limit(5000)):
        if tokens and "@" not in text and not text.isdigit() and not phone.value:
            name = f"{row.first_name_key or ''} {row.last_name_key or ''}".strip()
            score = max(
                fuzz.token_sort_ratio(wanted, name),
                fuzz.ratio(wanted, row.last_name_key or ""),
            )
            if score < 75:
                continue
        else:
            score = 100.0
        scores[row.customer_id] = max(scores.get(row.customer_id, 0.0), score)
    best = sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))[: min(limit, 100)]
    customers = {
        c.id: c
        for c in session.scalars(
            select(Customer).where(
                Customer.id.in_([c for c, _ in best]), Customer.status == "active"
            )
        )
    }
    return [(_scoped(session, principal, customers[c]), s) for c, s in best if c in customers]


def _scoped(session: Session, principal: Principal, customer: Customer) -> Customer:
    if principal.scope.is_brand:
        return customer
    _, owner = owner_of(session, principal)
    visible = session.scalars(
        select(SourceRecord).where(
            SourceRecord.customer_id == customer.id, SourceRecord.owner == owner
        )
    ).all()
    return _as_seen_from(customer, list(visible))


def _as_seen_from(customer: Customer, visible: list[SourceRecord]) -> Customer:
    """The golden customer as an entity- or location-scoped reader may see it: built from the
    records that reader can see only (another franchisee's records give it nothing). A
    transient copy, never saved."""
    from omnicanal.customers import flows

    chosen = flows.golden_of(visible)
    copy = Customer(
        id=customer.id,
        status=customer.status,
        merged_into_id=customer.merged_into_id,
        provenance=chosen.provenance,
        record_count=len(visible),
        created_at=customer.created_at,
        updated_at=customer.updated_at,
        **chosen.values,
    )
    return copy

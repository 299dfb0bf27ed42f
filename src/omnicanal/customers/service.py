"""Use cases of customer source records: intake (one or a batch), listing, reading."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from omnicanal.config import get_settings
from omnicanal.customers import normalise
from omnicanal.customers.models import SourceRecord
from omnicanal.customers.schemas import KNOWN_FIELDS, RecordIn
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
        "email_key", "street_key", "city_key",
    ):  # fmt: skip
        setattr(record, name, result.get(name))
    record.loyalty_card = (data.loyalty_card or "").strip() or None
    record.flags = list(result.get("flags", []))
    record.attributes = data.attributes()
    record.raw = data.model_dump(exclude_none=True)


@dataclass
class IntakeResult:
    created: int
    updated: int
    records: list[SourceRecord]


def intake(session: Session, principal: Principal, records: Sequence[RecordIn]) -> IntakeResult:
    """Keep each record as received and normalised; a record sent again replaces its
    previous version (same source and source id, for the same sender)."""
    require(principal, Permission.CUSTOMERS_WRITE)
    entity_id, owner = owner_of(session, principal)
    region = get_settings().default_region
    stored: list[SourceRecord] = []
    created = updated = 0
    for data in records:
        record = session.scalars(
            select(SourceRecord).where(
                SourceRecord.owner == owner,
                SourceRecord.source == data.source,
                SourceRecord.source_id == data.source_id,
            )
        ).first()
        if record is None:
            record = SourceRecord(
                entity_id=entity_id, owner=owner, source=data.source, source_id=data.source_id
            )
            session.add(record)
            created += 1
        else:
            updated += 1
        _apply(record, data, region)
        stored.append(record)
    session.flush()
    return IntakeResult(created, updated, stored)


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

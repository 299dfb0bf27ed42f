"""Use cases that turn source records into golden customers: batch resolution over every
record, real-time attach of one record, golden records and identities, links export."""

from __future__ import annotations

import csv
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from contextlib import nullcontext
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
from sqlalchemy import (
    String,
    and_,
    bindparam,
    delete,
    event,
    func,
    insert,
    inspect,
    or_,
    select,
    type_coerce,
    union_all,
    update,
)
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session, make_transient_to_detached

from omnicanal.config import get_settings
from omnicanal.customers import golden, matching, normalise, resolution
from omnicanal.customers.consent import (
    CAPTURED_PREFIX,
    move_consents,
    record_captured_consents,
    record_new_record_consents,
)
from omnicanal.customers.models import (
    Customer,
    Identity,
    LinkConstraint,
    MatchModelVersion,
    MatchReview,
    ResolutionRun,
    SourceRecord,
)
from omnicanal.db import database_key, new_id, pipelined, utcnow
from omnicanal.errors import Forbidden
from omnicanal.events import emit, emit_now
from omnicanal.security.permissions import Permission, Principal, require

Progress = Callable[[str], None]


def require_steward(principal: Principal) -> None:
    """Stewardship of the referential (batch runs, merges, splits, reviews) is brand-wide:
    a customer is shared by every channel, so a franchisee's key, even one given
    `customers:manage`, may not decide for the others."""
    require(principal, Permission.CUSTOMERS_MANAGE)
    if not principal.scope.is_brand:
        raise Forbidden("the customer referential is managed brand-wide", field="scope")


# In the order of `matching.from_columns`'s parameters.
_MATCH_COLUMNS = (
    SourceRecord.id,
    SourceRecord.first_name,
    SourceRecord.first_name_key,
    SourceRecord.last_name_key,
    SourceRecord.birth_name_key,
    SourceRecord.email_match_key,
    SourceRecord.mobile_key,
    SourceRecord.landline_key,
    SourceRecord.birth_date,
    SourceRecord.postal_code,
    SourceRecord.street_key,
    SourceRecord.city_key,
    SourceRecord.gender,
    SourceRecord.loyalty_card,
)
_MATCH_WIDTH = len(_MATCH_COLUMNS)


def _match_record(row: Any, model: matching.MatchModel | None = None) -> matching.MatchRecord:
    """The matching form of a record, or of a row whose first columns are `_MATCH_COLUMNS`."""
    if isinstance(row, SourceRecord):
        return matching.from_columns(
            row.id, row.first_name, row.first_name_key, row.last_name_key, row.birth_name_key,
            row.email_match_key, row.mobile_key, row.landline_key, row.birth_date,
            row.postal_code, row.street_key, row.city_key, row.gender, row.loyalty_card, model,
        )  # fmt: skip
    return matching.from_columns(*row[:_MATCH_WIDTH], model)


# ------------------------------------------------------------------------------------ model


_NEWEST_MODEL = select(MatchModelVersion.id).order_by(MatchModelVersion.created_at.desc()).limit(1)


MODEL_MAX_AGE = 1.0  # seconds before a model trained by another process is taken up
_NEWEST: dict[str, tuple[float, str | None]] = {}  # database -> (when read, newest model id)


def active_model(session: Session) -> matching.MatchModel:
    """The newest trained model, or the default parameters before any batch run. Which one
    is newest is read again when the last reading is `MODEL_MAX_AGE` old (a statement per
    record saved in real time), or after a batch run of this process."""
    key = database_key(session)
    now = time.monotonic()
    seen = _NEWEST.get(key)
    if seen is not None and now - seen[0] < MODEL_MAX_AGE:
        model_id = seen[1]
    else:
        model_id = session.connection().scalars(_NEWEST_MODEL).first()
        _NEWEST[key] = (now, model_id)
    if model_id is None:
        return matching.default_model()
    model = _MODEL_CACHE.get(model_id)
    if model is None:
        # The parameters (name frequencies included) are read and parsed once per process.
        parameters = session.scalars(
            select(MatchModelVersion.parameters).where(MatchModelVersion.id == model_id)
        ).first()
        if parameters is None:  # a batch run of this process that was rolled back
            _NEWEST.pop(key, None)
            return active_model(session)
        model = matching.MatchModel.from_json(parameters)
        _MODEL_CACHE.clear()
        _MODEL_CACHE[model_id] = model
    return model


_MODEL_CACHE: dict[str, matching.MatchModel] = {}


def take_up_after_commit(session: Session) -> None:
    """A model this session adds is used by the next record once the session commits (and
    never if it rolls back)."""
    event.listen(session, "after_commit", lambda _: _NEWEST.clear(), once=True)


# ----------------------------------------------------------------------------- golden records


def source_values(record: Any) -> golden.SourceValues:
    return golden.SourceValues(
        record_id=record.id,
        source=record.source,
        received_at=record.received_at,
        values={
            "first_name": record.first_name,
            "last_name": record.last_name,
            "birth_name": record.birth_name,
            "email": record.email if record.email_match_key else None,
            "phone": record.mobile_key or record.landline_key,
            "birth_date": record.birth_date,
            "gender": record.gender,
            "street": record.street,
            "postal_code": record.postal_code,
            "city": record.city,
            "country": record.country,
            "loyalty_card": record.loyalty_card,
        },
    )


def golden_of(records: Sequence[Any]) -> golden.Golden:
    """The golden record of these records by the configured survivorship rules and trust."""
    settings = get_settings()
    trust = tuple(s.strip() for s in settings.customer_source_trust.split(",") if s.strip())
    return golden.golden_record(
        [source_values(r) for r in records],
        golden.parse_rules(settings.customer_survivorship),
        trust,
    )


def identities_of(record: Any) -> list[tuple[str, str]]:
    """(kind, value) of every identifier a record carries."""
    out = [("account", f"{record.source}:{record.source_id}")]
    if record.email:
        out.append(("email", record.email))
    for phone in {record.mobile_key, record.landline_key} - {None}:
        out.append(("phone", phone))
    if record.loyalty_card:
        out.append(("loyalty_card", record.loyalty_card))
    for device in (record.attributes or {}).get("devices") or []:
        if isinstance(device, dict) and device.get("device_id"):
            out.append(("device", str(device["device_id"])))
    for key in ("anonymous_id", "anonymousId"):
        if (record.attributes or {}).get(key):
            out.append(("anonymous_id", str(record.attributes[key])))
    return out


_RECORD_COLUMNS = (
    SourceRecord.id,
    SourceRecord.customer_id,
    SourceRecord.source,
    SourceRecord.source_id,
    SourceRecord.received_at,
    SourceRecord.first_name,
    SourceRecord.last_name,
    SourceRecord.birth_name,
    SourceRecord.email,
    SourceRecord.email_key,
    SourceRecord.email_match_key,
    SourceRecord.mobile_key,
    SourceRecord.landline_key,
    SourceRecord.birth_date,
    SourceRecord.gender,
    SourceRecord.street,
    SourceRecord.postal_code,
    SourceRecord.city,
    SourceRecord.country,
    SourceRecord.loyalty_card,
    SourceRecord.attributes,
)
_GOLDEN_FIELDS = (
    "first_name", "last_name", "birth_name", "email", "phone", "birth_date", "gender", "street",
    "postal_code", "city", "country", "loyalty_card", "provenance", "first_name_key",
    "last_name_key", "email_key", "record_count", "status", "merged_into_id", "updated_at",
)  # fmt: skip
_GOLDEN_UPDATE = (
    update(Customer.__table__)
    .where(Customer.__table__.c.id == bindparam("customer"))
    .values({name: bindparam(name) for name in _GOLDEN_FIELDS})
)
# Built once: building a statement costs more than running it on the real-time path.
_IDS = bindparam("ids", expanding=True)
# Customers with their records in one read: a customer without any comes once, its record
# columns empty.
_CUSTOMERS_WITH_RECORDS = (
    select(Customer.id.label("customer"), Customer.status, Customer.merged_into_id)
    .add_columns(*_RECORD_COLUMNS)
    .select_from(Customer)
    .outerjoin(SourceRecord, SourceRecord.customer_id == Customer.id)
    .where(Customer.id.in_(_IDS))
)
_IDENTITIES_OF_DELETE = delete(Identity.__table__).where(Identity.customer_id.in_(_IDS))
_IDENTITY_INSERT = Identity.__table__.insert()


def _golden_row(
    customer_id: str, own: Sequence[Any], status: str, merged_into: str | None, now: datetime
) -> dict[str, Any]:
    """The customers row of a customer made of these records (`_GOLDEN_FIELDS`)."""
    chosen = golden_of(own)
    return {
        **chosen.values,
        "customer": customer_id,
        "provenance": chosen.provenance,
        "first_name_key": normalise.first_name_key(chosen.values["first_name"]) or None,
        "last_name_key": normalise.name_key(chosen.values["last_name"]) or None,
        "email_key": next((r.email_key for r in own if r.email_key), None),
        "record_count": len(own),
        "status": status,
        "merged_into_id": merged_into,
        "updated_at": now,
    }


def _identity_rows(customer_id: str, records: Iterable[Any], now: datetime) -> list[dict]:
    return [
        {
            "id": new_id("cid"),
            "customer_id": customer_id,
            "kind": kind,
            "value": value,
            "source": record.source,
            "record_id": record.id,
            "created_at": now,
        }
        for record in records
        for kind, value in identities_of(record)
    ]


def refresh_customers(session: Session, customer_ids: Iterable[str]) -> None:
    """Recompute the golden record and identities of these customers from their records.
    Written with set-based statements (a batch run refreshes every customer), so the ORM
    copies of these customers in the session are expired afterwards."""
    ids = sorted(set(customer_ids))
    if not ids:
        return
    session.flush()
    connection = session.connection()
    now = utcnow()
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        updates, identity_rows = _golden_changes(connection, chunk, now)
        connection.execute(_IDENTITIES_OF_DELETE, {"ids": chunk})
        _write_golden(connection, updates, identity_rows)
    _expire_customers(session, set(ids))


def _golden_changes(
    connection: Connection,
    ids: Sequence[str],
    now: datetime,
    unwritten: Sequence[SourceRecord] = (),
    listed: set[str] | None = None,
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The customers rows of these customers and the identity rows to insert, from the
    records read with them and the `unwritten` ones attached to them (the real-time path
    writes a new record after this read). Identities are listed for every record, or only
    for the records whose ids are `listed` (the others' stay)."""
    records: dict[str, list[Any]] = defaultdict(list)
    statuses: dict[str, tuple[str, str | None]] = {}
    for row in connection.execute(_CUSTOMERS_WITH_RECORDS, {"ids": list(ids)}):
        statuses[row.customer] = (row.status, row.merged_into_id)
        if row.id is not None:
            records[row.customer].append(row)
    for record in unwritten:
        records[record.customer_id].append(record)
    updates, identity_rows = [], []
    for customer_id, (status, merged_into) in statuses.items():
        if status == "erased":
            continue
        own = sorted(records.get(customer_id, []), key=lambda r: r.id)
        if own and status != "active":
            status, merged_into = "active", None
        updates.append(_golden_row(customer_id, own, status, merged_into, now))
        identity_rows += _identity_rows(
            customer_id,
            [r for r in own if listed is None or r.id in listed],
            now,
        )
    return updates, identity_rows


def _write_golden(
    connection: Connection, updates: list[dict[str, Any]], identity_rows: list[dict[str, Any]]
) -> None:
    if updates:
        connection.execute(_GOLDEN_UPDATE, updates)
    if identity_rows:
        connection.execute(_IDENTITY_INSERT, identity_rows)


def _expire_customers(session: Session, wanted: set[str]) -> None:
    for item in list(session.identity_map.values()):
        if isinstance(item, Customer | Identity) and (
            getattr(item, "id", None) in wanted or getattr(item, "customer_id", None) in wanted
        ):
            session.expire(item)


# ------------------------------------------------------------------------------ real time


@dataclass
class Attachment:
    customer_id: str
    created: bool
    reason: str  # `matched`, `new`, `review`
    weight: float | None = None
    reviews: int = 0


_IDENTIFIERS = ("email", "mobile")
# The real-time path looks one record up through the source records' indexes, with the keys
# of the batch's blocking rules (a name with the postal code and the other name's initial is
# the index on postal code and name, the initial checked on the rows it gives).
REALTIME_LOOKUPS: tuple[tuple[str, ...], ...] = (
    ("email",),
    ("mobile",),
    ("fn", "dob"),
    ("ln", "dob"),
    ("fn", "ln", "pc"),
    ("ln", "pc", "fn1"),
    ("fn", "pc", "ln1"),
    ("street", "pc"),
)


_LOOKUP_COLUMNS = {
    "email": SourceRecord.email_match_key,
    "mobile": SourceRecord.mobile_key,
    "card": SourceRecord.loyalty_card,
    "fn": SourceRecord.first_name_key,
    "ln": SourceRecord.last_name_key,
    "dob": SourceRecord.birth_date,
    "pc": SourceRecord.postal_code,
    "street": SourceRecord.street_key,
}
# A name's initial, as a range of the name (so that the index on postal code and both names
# reads only the rows that have it) and as the initial itself (exact whatever the collation).
_INITIALS = {"fn1": SourceRecord.first_name_key, "ln1": SourceRecord.last_name_key}


def _lookup_condition(key: str) -> Any:
    column = _INITIALS.get(key)
    if column is None:
        return _LOOKUP_COLUMNS[key] == bindparam(key)
    return and_(
        column >= bindparam(key),
        column < bindparam(f"{key}_next"),
        func.substr(column, 1, 1) == bindparam(key),
    )


_LOOKUP_STATEMENTS: dict[tuple[Any, ...], Any] = {}
# The birth date as stored: SQLite's text is already the ISO form the matching compares
# (no date to parse and format again), PostgreSQL's driver gives a date.
_CANDIDATE_COLUMNS = (
    *_MATCH_COLUMNS[:8],
    type_coerce(SourceRecord.birth_date, String).label("birth_date"),
    *_MATCH_COLUMNS[9:],
    SourceRecord.customer_id,
)


def _lookup_statement(
    strong: tuple[tuple[str, ...], ...], weak: tuple[tuple[str, ...], ...], limit: int
) -> Any:
    """One SELECT for these lookups, with bound parameters, built once per shape: the rows
    sharing a personal identifier, all of them, and those sharing a weaker key, up to `limit`
    (one round trip for both; a record found by both comes twice)."""
    key = (strong, weak, limit)
    statement = _LOOKUP_STATEMENTS.get(key)
    if statement is None:

        def sharing(lookups: tuple[tuple[str, ...], ...]) -> Any:
            conditions = [and_(*(_lookup_condition(k) for k in keys)) for keys in lookups]
            return select(*_CANDIDATE_COLUMNS).where(
                or_(*conditions),
                SourceRecord.id != bindparam("self_id"),
                SourceRecord.customer_id.is_not(None),
            )

        parts = []
        if strong:
            parts.append(sharing(strong))
        if weak:
            capped = sharing(weak).limit(limit)
            parts.append(select(capped.subquery()) if strong else capped)
        statement = parts[0] if len(parts) == 1 else union_all(*parts)
        _LOOKUP_STATEMENTS[key] = statement
    return statement


def _candidates(session: Session, record: matching.MatchRecord, limit: int = 100) -> list[Any]:
    """The records sharing a blocking key with `record`, in one indexed query: personal
    identifiers (e-mail, mobile, loyalty card: few rows, all kept), and names, birth dates
    and addresses (capped: a block of a common name can still hold hundreds)."""
    values = {
        "email": record.email,
        "mobile": record.mobile,
        "card": record.card,
        "fn": record.fn,
        "ln": record.ln,
        "dob": None if record.dob is None else date.fromisoformat(record.dob),
        "pc": record.pc,
        "street": record.street,
        "fn1": (record.fn or "")[:1],
        "ln1": (record.ln or "")[:1],
        "self_id": record.id,
    }
    for initial in ("fn1", "ln1"):
        values[f"{initial}_next"] = chr(ord(values[initial]) + 1) if values[initial] else None
    usable = [keys for keys in (*REALTIME_LOOKUPS, ("card",)) if all(values[k] for k in keys)]
    if not usable:
        return []
    strong = tuple(k for k in usable if len(k) == 1 and k[0] in (*_IDENTIFIERS, "card"))
    weak = tuple(k for k in usable if k not in strong)
    used = {k for keys in usable for k in keys} | {"self_id"}
    used |= {f"{k}_next" for k in used & _INITIALS.keys()}
    params = {k: v for k, v in values.items() if k in used}
    # Plain rows through the connection (the ORM's execution path costs more than these
    # indexed reads); what the session holds is written first, as its autoflush would.
    session.flush()
    rows = session.connection().execute(_lookup_statement(strong, weak, limit), params)
    return list({row.id: row for row in rows}.values())


def attach(
    session: Session, record: SourceRecord, model: matching.MatchModel | None = None
) -> Attachment:
    """Attach a received record to the customer it belongs to, or create one; pairs the
    model cannot settle go to the review queue. Runs inside the caller's transaction.

    The record may still be unsaved: it is matched first and written once, with its
    customer, rather than inserted and then updated."""
    model = model or active_model(session)
    if record.id is None:
        record.id = new_id("rec")
    saved = record in session and inspect(record).persistent
    incoming = _match_record(record, model)
    best: tuple[float, str] | None = None
    reviews: list[tuple[str, matching.PairScore]] = []
    apart: set[str] = set()
    for row in _candidates(session, incoming):
        other = _match_record(row, model)
        score = matching.score_pair(incoming, other, model)
        if score.outcome == matching.MERGE:
            if best is None or score.weight > best[0]:
                best = (score.weight, row.customer_id)
        elif score.outcome == matching.REVIEW:
            reviews.append((row.id, score))
        elif score.reason in matching.APART_REASONS:
            apart.add(row.customer_id)
    carries_consent = any(k.startswith(CAPTURED_PREFIX) for k in record.attributes or {})
    if best is not None and best[1] not in apart:
        # The customer and its records are read, then a new record, the golden record, the
        # record's identities, the consent and the events are written together (one round
        # trip on PostgreSQL instead of five); a stored record's change is flushed first.
        record.customer_id = best[1]
        session.flush()
        connection = session.connection()
        unwritten = () if saved else (record,)
        updates, identity_rows = _golden_changes(
            connection, [best[1]], utcnow(), unwritten, listed={record.id}
        )
        with nullcontext() if saved else pipelined(connection):
            _write_record(session, record)
            _write_golden(connection, updates, identity_rows)
            if carries_consent:
                record_new_record_consents(session, record)
        _expire_customers(session, {best[1]})
        return Attachment(best[1], created=False, reason="matched", weight=best[0])
    # A new record's customer, identities, consent and events are written together (one
    # round trip on PostgreSQL); a stored record is updated through the session.
    with nullcontext() if saved else pipelined(session.connection()):
        customer_id = _new_customer(session, record)
        emit_now(session, [("customer.created", {"customer_id": customer_id}, record.entity_id)])
        if carries_consent:
            record_new_record_consents(session, record)
    for other_id, score in reviews:
        review = new_review(record.id, other_id, score.weight, score.levels)
        # A record new to the database cannot be in a review yet.
        if not saved or not _review_exists(session, review):
            session.add(review)
    return Attachment(
        customer_id, created=True, reason="review" if reviews else "new", reviews=len(reviews)
    )


def new_review(a: str, b: str, weight: float, levels: Sequence[int]) -> MatchReview:
    """A pending review of two records, named in a fixed order (the pair is unique)."""
    first, second = sorted((a, b))
    return MatchReview(
        record_a_id=first,
        record_b_id=second,
        weight=weight,
        probability=matching.probability(weight),
        levels=list(levels),
    )


_CUSTOMER_INSERT = insert(Customer.__table__)


def _new_customer(session: Session, record: SourceRecord) -> str:
    """A new customer made of this one record, its golden record and identities written
    straight away (there is nothing to read back to compute them)."""
    now = utcnow()
    row = _golden_row(new_id("cus"), [record], "active", None, now)
    customer_id = row.pop("customer")
    connection = session.connection()
    connection.execute(_CUSTOMER_INSERT, {"id": customer_id, "created_at": now, **row})
    record.customer_id = customer_id
    _write_record(session, record)
    connection.execute(_IDENTITY_INSERT, _identity_rows(customer_id, [record], now))
    return customer_id


_RECORD_INSERT = insert(SourceRecord.__table__)
_RECORD_FIELDS = tuple(column.key for column in SourceRecord.__table__.columns)


def _write_record(session: Session, record: SourceRecord) -> None:
    """Write a record with its customer: a new one with one plain INSERT (the ORM's flush of
    one object costs several times the statement), then placed in the session as the stored
    row it now is; one already stored is updated by the session."""
    if record in session and inspect(record).persistent:
        session.flush()
        return
    record.created_at = record.updated_at = utcnow()
    for name in _RECORD_FIELDS:
        if name not in record.__dict__:  # else left unloaded, and read back when asked for
            setattr(record, name, None)
    values = {name: record.__dict__[name] for name in _RECORD_FIELDS}
    session.connection().execute(_RECORD_INSERT, values)
    make_transient_to_detached(record)
    session.add(record)


_REVIEW_EXISTS = select(MatchReview.id).where(
    MatchReview.record_a_id == bindparam("a"), MatchReview.record_b_id == bindparam("b")
)


def _review_exists(session: Session, review: MatchReview) -> bool:
    found = session.execute(_REVIEW_EXISTS, {"a": review.record_a_id, "b": review.record_b_id})
    return found.first() is not None


# ---------------------------------------------------------------------------------- batch


@dataclass
class BatchResult:
    run_id: str
    records: int
    customers: int
    created: int
    retired: int
    moved_records: int
    reviews: int
    figures: dict[str, Any] = field(default_factory=dict)


def load_match_table(session: Session) -> tuple[pa.Table, list[str], list[str | None]]:
    """Every source record in matching form, their ids and their current customers (records
    of erased customers are anonymised and left out)."""
    ids: list[str] = []
    current: list[str | None] = []
    rows: list[matching.MatchRecord] = []
    erased = select(Customer.id).where(Customer.status == "erased")
    for row in session.execute(
        select(*_MATCH_COLUMNS, SourceRecord.customer_id)
        .where(or_(SourceRecord.customer_id.is_(None), SourceRecord.customer_id.not_in(erased)))
        .order_by(SourceRecord.id)
    ):
        ids.append(row.id)
        current.append(row.customer_id)
        rows.append(_match_record(row))
    return match_table(rows), ids, current


def match_table(records: Sequence[matching.MatchRecord]) -> pa.Table:
    return pa.table(
        {
            name: pa.array(
                [getattr(r, name) for r in records],
                type=pa.int8() if name.endswith("_tier") else pa.string(),
            )
            for name in matching.FIELDS
        }
    )


def resolve_all(
    session: Session,
    principal: Principal,
    engine: str = "duckdb",
    progress: Progress | None = None,
) -> BatchResult:
    """Resolve every record received: train the model on them, cluster, and give each
    cluster a golden customer. Customer ids are kept where a cluster keeps most of a
    customer's records; operators' merges and splits are kept as constraints."""
    require_steward(principal)
    say = progress or (lambda _m: None)
    run = ResolutionRun(engine=engine)
    session.add(run)
    session.flush()
    say("reading the source records")
    table, ids, current = load_match_table(session)
    index = {record_id: i for i, record_id in enumerate(ids)}
    must, cannot = [], []
    for constraint in session.scalars(select(LinkConstraint).where(LinkConstraint.active)):
        a, b = index.get(constraint.record_a_id), index.get(constraint.record_b_id)
        if a is not None and b is not None:
            (must if constraint.kind == "must" else cannot).append((a, b))
    sql_engine = resolution.make_engine(engine)
    try:
        found = resolution.resolve(
            table, engine=sql_engine, must_link=must, cannot_link=cannot, progress=say
        )
    finally:
        sql_engine.close()
    say("saving customers")
    result = _save_clusters(session, ids, current, found.labels)
    decided = {
        (r.record_a_id, r.record_b_id)
        for r in session.execute(select(MatchReview.record_a_id, MatchReview.record_b_id))
    }
    reviews = 0
    for a, b, weight, levels in found.review:
        review = new_review(ids[a], ids[b], weight, levels)
        if (review.record_a_id, review.record_b_id) in decided:
            continue
        decided.add((review.record_a_id, review.record_b_id))
        session.add(review)
        reviews += 1
    session.add(MatchModelVersion(parameters=found.model.to_json()))
    take_up_after_commit(session)
    say("recording the consent the records carried")
    consents = record_captured_consents(session)
    figures = resolution.describe(found) | {
        "consent_events": consents,
        "created": result.created,
        "retired": result.retired,
        "moved_records": result.moved_records,
        "new_reviews": reviews,
    }
    run.finished_at = utcnow()
    run.figures = figures
    emit(session, "customers.resolved", {"run_id": run.id, **figures})
    session.flush()
    return BatchResult(
        run_id=run.id,
        records=len(ids),
        customers=result.customers,
        created=result.created,
        retired=result.retired,
        moved_records=result.moved_records,
        reviews=reviews,
        figures=figures,
    )


@dataclass
class _Saved:
    customers: int
    created: int
    retired: int
    moved_records: int


def assign_customer_ids(
    labels: np.ndarray, current: Sequence[str | None], new: Callable[[], str]
) -> tuple[list[str], dict[str, str]]:
    """A customer id per record from its cluster. Each existing customer goes to the cluster
    holding most of its records, the largest overlaps first (each cluster and each customer
    used once); the other clusters get a new id. Also gives, for each existing customer left
    without records, the customer that took most of them."""
    overlap: Counter[tuple[int, str]] = Counter()
    sizes: Counter[int] = Counter()
    for label, customer_id in zip(labels.tolist(), current, strict=True):
        sizes[label] += 1
        if customer_id is not None:
            overlap[(label, customer_id)] += 1
    chosen: dict[int, str] = {}
    taken: set[str] = set()
    for (label, customer_id), _count in sorted(
        overlap.items(), key=lambda kv: (-kv[1], -sizes[kv[0][0]], kv[0][0], kv[0][1])
    ):
        if label not in chosen and customer_id not in taken:
            chosen[label] = customer_id
            taken.add(customer_id)
    for label in sorted(sizes, key=lambda x: (-sizes[x], x)):
        if label not in chosen:
            chosen[label] = new()
    assigned = [chosen[label] for label in labels.tolist()]
    successors: dict[str, Counter[str]] = defaultdict(Counter)
    for old, now in zip(current, assigned, strict=True):
        if old is not None and old not in taken:
            successors[old][now] += 1
    retired = {old: counter.most_common(1)[0][0] for old, counter in successors.items()}
    return assigned, retired


def _save_clusters(
    session: Session, ids: list[str], current: list[str | None], labels: np.ndarray
) -> _Saved:
    fresh: list[str] = []

    def new() -> str:
        fresh.append(new_id("cus"))
        return fresh[-1]

    assigned, retired = assign_customer_ids(labels, current, new)
    now = utcnow()
    if fresh:
        session.execute(
            Customer.__table__.insert(),
            [
                {"id": c, "status": "active", "provenance": {}, "record_count": 0,
                 "created_at": now, "updated_at": now}
                for c in fresh
            ],
        )  # fmt: skip
    changed = [
        {"record_id": record_id, "customer": customer}
        for record_id, old, customer in zip(ids, current, assigned, strict=True)
        if old != customer
    ]
    if changed:
        move_consents(session, {c["record_id"]: c["customer"] for c in changed})
        statement = (
            update(SourceRecord.__table__)
            .where(SourceRecord.__table__.c.id == bindparam("record_id"))
            .values(customer_id=bindparam("customer"))
        )
        session.connection().execute(statement, changed)
    if retired:
        session.connection().execute(
            update(Customer.__table__)
            .where(Customer.__table__.c.id == bindparam("old"))
            .values(status="merged", merged_into_id=bindparam("successor"), record_count=0),
            [{"old": old, "successor": successor} for old, successor in retired.items()],
        )
    touched = {c["customer"] for c in changed} | set(fresh)
    touched |= {old for old, new_ in zip(current, assigned, strict=True) if old and old != new_}
    session.expire_all()
    refresh_customers(session, touched - set(retired))
    if retired:
        session.execute(delete(Identity).where(Identity.customer_id.in_(list(retired))))
    return _Saved(
        customers=len(set(assigned)),
        created=len(fresh),
        retired=len(retired),
        moved_records=len(changed),
    )


# ---------------------------------------------------------------------------------- exports


def export_links(session: Session, principal: Principal, path: Path) -> int:
    """Write `source,source_id,customer_id` for every source record; returns the rows."""
    require(principal, Permission.CUSTOMERS_READ)
    query = select(SourceRecord.source, SourceRecord.source_id, SourceRecord.customer_id)
    if not principal.scope.is_brand:
        from omnicanal.customers.service import owner_of

        _, owner = owner_of(session, principal)
        query = query.where(SourceRecord.owner == owner)
    count = 0
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["source", "source_id", "customer_id"])
        for row in session.execute(query.order_by(SourceRecord.source, SourceRecord.source_id)):
            writer.writerow([row.source, row.source_id, row.customer_id or ""])
            count += 1
    return count

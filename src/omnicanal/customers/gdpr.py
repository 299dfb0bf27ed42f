"""GDPR for customers: export everything held about a person (access, portability) and erase
it (right to erasure) from this domain's tables, the outbox, the idempotency records, the
rejected import rows and, through a registry, every other domain's data.

The first part is the rules (pure): which values are the person's, when a row is about the
person, how values are scrubbed from text and JSON. The second part is the use cases.
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cached_property
from typing import Any

import phonenumbers
from sqlalchemy import String, cast, delete, or_, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from omnicanal import __version__
from omnicanal.config import get_settings
from omnicanal.customers import normalise
from omnicanal.customers.models import (
    ConsentEvent,
    Customer,
    Decision,
    Identity,
    LinkConstraint,
    MatchReview,
    SourceRecord,
)
from omnicanal.db import utcnow
from omnicanal.errors import Forbidden, InvalidInput, NotFound
from omnicanal.events import emit
from omnicanal.events.models import Delivery, OutboxEvent
from omnicanal.imports.models import RejectedRow
from omnicanal.security.permissions import Permission, Principal, require

ERASED = "[erased]"
CUSTOMER_ERASED = "customer.erased"
MAX_REASON = 500

# --- rules: the person's values -----------------------------------------------------------

# Columns of a source record and of a golden customer that describe the person.
_PERSON_COLUMNS = (
    "first_name", "last_name", "birth_name", "email", "phone", "birth_date", "gender", "street",
    "postal_code", "city", "country", "loyalty_card", "first_name_key", "last_name_key",
    "email_key",
)  # fmt: skip
_RECORD_KEY_COLUMNS = (
    "street_key", "city_key", "birth_name_key", "email_match_key", "mobile_key", "landline_key",
)  # fmt: skip
_DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y%m%d", "%d%m%Y", "%Y/%m/%d")
# Attributes (fields a channel sent beyond the known ones) whose name says they are personal.
_PERSONAL_KEY = re.compile(
    r"name|mail|phone|tel|mobile|address|addr|street|birth|device|anonymous|card|iban|login|"
    r"user|account|number|(^|_)id$|(^|_)ip$",
    re.IGNORECASE,
)
_IDENTIFIER_KEY = re.compile(r"device|anonymous|card|iban|login|account|number|(^|_)id$", re.I)
_DIGITS = re.compile(r"\d")
_PHONE_LIKE = re.compile(r"\+?[\d\s().-]{8,24}")
_EMAIL_LIKE = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
# Particles of names ("de la Fontaine", "van Damme") name nobody, even together.
_PARTICLES = frozenset({
    "de", "du", "des", "la", "le", "les", "d", "van", "von", "der", "den", "di", "da", "del",
    "dos", "das", "el", "al", "ben", "bin", "ibn", "st", "ste", "saint",
})  # fmt: skip
# Shorter identifiers (a till's customer number "42") name nobody on their own.
_MIN_STRONG = 6


@dataclass(frozen=True)
class ErasedValues:
    """What identifies the person, gathered before erasure.

    `strong` values identify the person alone (e-mails, phones, cards, device ids, long source
    ids); `weak` ones only together (a first name, a birth date, a street: many people share
    one), each with the groups it stands for, so that two spellings of one birth date count
    once and a full name as two. Ids find rows about the person; they are kept, as they name
    no one once the person is erased.
    """

    customer_ids: frozenset[str]
    record_ids: frozenset[str]
    strong: frozenset[str]
    weak: dict[str, frozenset[str]]  # value (lower case) -> groups

    @property
    def values(self) -> frozenset[str]:
        return self.strong | frozenset(self.weak)

    @cached_property
    def _pattern(self) -> re.Pattern[str] | None:
        values = sorted(self.values, key=lambda v: (-len(v), v))
        if not values:
            return None
        # Whole words only: a birth date inside a timestamp, a name inside another, stay.
        alternatives = "|".join(re.escape(v) for v in values)
        return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE)

    def _found(self, text: str, found: set[str]) -> bool:
        if any(i in text for i in self.customer_ids | self.record_ids):
            found.add("*id")
        if self._pattern is not None:
            for match in self._pattern.finditer(text):
                value = match.group(0).lower()
                if value in self.strong:
                    found.add("*strong")
                else:
                    found |= self.weak.get(value, {value})
        return "*id" in found or "*strong" in found or len(found) >= 2

    def mentions(self, data: Any) -> bool:
        """Whether `data` (text or JSON) is about the person: an id or a strong value of
        theirs, or two weak values of different groups (first and last name, name and birth
        date...)."""
        found: set[str] = set()
        return any(self._found(text, found) for text in _texts(data))

    def scrub(self, data: Any) -> Any:
        """`data` with every value of the person replaced by `[erased]` (ids kept)."""
        if isinstance(data, str):
            return self._pattern.sub(ERASED, data) if self._pattern is not None else data
        if isinstance(data, dict):
            return {self.scrub(k): self.scrub(v) for k, v in data.items()}
        if isinstance(data, list | tuple):
            return [self.scrub(v) for v in data]
        if isinstance(data, int | float) and not isinstance(data, bool):
            return ERASED if self.scrub(str(data)) != str(data) else data
        return data


def _texts(data: Any) -> Iterator[str]:
    if isinstance(data, str):
        yield data
    elif isinstance(data, dict):
        for key, value in data.items():
            yield from _texts(key)
            yield from _texts(value)
    elif isinstance(data, list | tuple):
        for value in data:
            yield from _texts(value)
    elif isinstance(data, int | float) and not isinstance(data, bool):
        yield str(data)


def phone_forms(text: str, region: str = "FR") -> set[str]:
    """A phone number as typed and in the ways it is usually written."""
    forms = {text.strip()}
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        return forms
    national = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
    e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    forms |= {
        e164,
        e164[1:],
        phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL),
        national,
        re.sub(r"\D", "", national),
        national.replace(" ", "."),
        national.replace(" ", "-"),
    }
    return {f for f in forms if len(_DIGITS.findall(f)) >= 6}


def _valid_phone(text: str, region: str) -> bool:
    try:
        return phonenumbers.is_valid_number(phonenumbers.parse(text, region))
    except phonenumbers.NumberParseException:
        return False


def date_forms(value: date) -> set[str]:
    return {value.strftime(f) for f in _DATE_FORMATS}


class _Collector:
    """Gathers a person's values, each as strong or as weak with its groups."""

    def __init__(self, region: str) -> None:
        self.region = region
        self.strong: set[str] = set()
        self.weak: dict[str, set[str]] = {}

    def add(self, value: Any, group: str, strong: bool = False, groups: Iterable[str] = ()) -> None:
        if isinstance(value, date):
            for form in date_forms(value):
                self.add(form, "birth_date")
            return
        text = str(value).strip() if value is not None else ""
        if len(text) < 2:
            return
        if strong and len(text) >= _MIN_STRONG:
            self.strong.add(text.lower())
        else:
            self.weak.setdefault(text.lower(), set()).update(groups or [group])

    def name(self, value: str | None) -> None:
        words = [w for w in (value or "").replace(",", " ").split() if w.strip(".-'")]
        if not words:
            return
        kept = [w for w in words if len(w) >= 3 and normalise.name_key(w) not in _PARTICLES]
        groups = {"name:" + (normalise.name_key(w) or w.lower()) for w in kept or words}
        if len(words) > 1:
            for word in kept:
                self.name(word)
        self.add(" ".join(words), "", groups=groups)

    def email(self, value: str | None) -> None:
        if not value or not value.strip():
            return
        self.add(value, "email", strong=True)
        for form in {value.strip(), normalise.normalise_email(value).value or ""}:
            local = form.partition("@")[0] if "@" in form else ""
            self.add(local, "email_local", strong=len(local) >= 5)

    def phone(self, value: str | None) -> None:
        if value and value.strip():
            for form in phone_forms(str(value), self.region):
                self.add(form, "phone", strong=True)

    def birth_date(self, value: Any) -> None:
        if isinstance(value, date):
            self.add(value, "birth_date")
        elif value:
            self.add(value, "birth_date")
            parsed = normalise.parse_birth_date(str(value)).value
            if parsed is not None:
                self.add(parsed, "birth_date")

    def attributes(self, data: Any, key: str = "") -> None:
        """Values of attributes that look personal: by their name, or e-mails and phones."""
        if isinstance(data, dict):
            for name, value in data.items():
                self.attributes(value, name if isinstance(name, str) else key)
        elif isinstance(data, list):
            for value in data:
                self.attributes(value, key)
        elif isinstance(data, str | int) and not isinstance(data, bool):
            text = str(data)
            if _EMAIL_LIKE.fullmatch(text.strip()):
                self.email(text)
            elif _PHONE_LIKE.fullmatch(text.strip()) and _valid_phone(text, self.region):
                self.phone(text)
            elif _PERSONAL_KEY.search(key):
                self.add(text, "attr:" + key, strong=bool(_IDENTIFIER_KEY.search(key)))

    def record(self, record: SourceRecord) -> None:
        raw = record.raw or {}
        for name in ("first_name", "last_name", "birth_name", "full_name"):
            self.name(raw.get(name))
            self.name(getattr(record, name, None))
        for name in ("first_name_key", "last_name_key", "birth_name_key"):
            self.name(getattr(record, name))
        for value in (raw.get("email"), record.email, record.email_key, record.email_match_key):
            self.email(value)
        for value in (raw.get("phone"), raw.get("mobile"), record.phone, record.mobile_key):
            self.phone(value)
        self.phone(record.landline_key)
        self.birth_date(raw.get("birth_date"))
        self.birth_date(record.birth_date)
        for value in (raw.get("street"), record.street, record.street_key):
            self.add(value, "street")
        for value in (raw.get("loyalty_card"), record.loyalty_card):
            self.add(value, "card", strong=True)
        self.account(record.source, record.source_id)
        known = {"source", "source_id", "mobile", "full_name", *_PERSON_COLUMNS}
        self.attributes({k: v for k, v in raw.items() if k not in known})
        self.attributes(record.attributes or {})

    def customer(self, customer: Customer) -> None:
        for name in ("first_name", "last_name", "birth_name"):
            self.name(getattr(customer, name))
        self.email(customer.email)
        self.phone(customer.phone)
        self.birth_date(customer.birth_date)
        self.add(customer.street, "street")
        self.add(customer.loyalty_card, "card", strong=True)

    def identity(self, identity: Identity) -> None:
        if identity.kind == "email":
            self.email(identity.value)
        elif identity.kind == "phone":
            self.phone(identity.value)
        elif identity.kind == "account":
            self.account(*identity.value.partition(":")[::2])
        else:  # loyalty card, device, anonymous id
            self.add(identity.value, identity.kind, strong=True)

    def account(self, source: str, source_id: str) -> None:
        # Two franchisees' tills may both have a customer "1001": only long ids are strong.
        strong = len(source_id.strip()) >= _MIN_STRONG
        self.add(source_id, "source_id", strong=strong)
        self.add(f"{source}:{source_id}", "source_id", strong=strong)


# --- registry -------------------------------------------------------------------------------

Export = Callable[[Session, str], Any]
Erase = Callable[[Session, str, ErasedValues], int | None]


@dataclass(frozen=True)
class GdprHandler:
    export: Export
    erase: Erase


_HANDLERS: dict[str, GdprHandler] = {}


def register_gdpr_handler(name: str, *, export: Export, erase: Erase) -> None:
    """Let a domain that holds data about customers (orders, loyalty, tickets...) take part.

    `export(session, customer_id)` returns what the domain holds, JSON-able; `erase(session,
    customer_id, erased_values)` removes or anonymises it in the caller's transaction, keeping
    non-personal figures (order totals), and may return how many rows it changed. Both are
    called once per customer id of the person: the survivor and every id merged into it.
    `erased_values.scrub(...)` replaces the person's values in free text or JSON.
    """
    _HANDLERS[name] = GdprHandler(export=export, erase=erase)


def unregister_gdpr_handler(name: str) -> None:
    _HANDLERS.pop(name, None)


def has_gdpr_handler(name: str) -> bool:
    return name in _HANDLERS


def _load_handlers() -> None:
    from omnicanal.customers.service import load_providers

    load_providers()  # the domains register their handlers on import


# --- use cases ------------------------------------------------------------------------------


def _check(principal: Principal) -> None:
    require(principal, Permission.CUSTOMERS_MANAGE)
    # A person's data spans every entity that met them: only the brand may act on all of it.
    if not principal.scope.is_brand:
        raise Forbidden("GDPR export and erasure act on the whole brand: use a brand-wide key")


def _person(session: Session, customer_id: str) -> tuple[Customer, list[Customer]]:
    """The customer an id names through merges, and it with every customer merged into it."""
    customer = session.get(Customer, customer_id)
    if customer is None:
        raise NotFound(f"no customer {customer_id!r}", field="customer_id")
    seen = {customer.id}
    while customer.status == "merged" and customer.merged_into_id:
        survivor = session.get(Customer, customer.merged_into_id)
        if survivor is None or survivor.id in seen:
            break
        seen.add(survivor.id)
        customer = survivor
    members, frontier = [customer], [customer.id]
    known = {customer.id}
    while frontier:
        merged = session.scalars(
            select(Customer)
            .where(Customer.merged_into_id.in_(frontier), Customer.status != "active")
            .order_by(Customer.id)
        ).all()
        fresh = [m for m in merged if m.id not in known]
        known.update(m.id for m in fresh)
        members.extend(fresh)
        frontier = [m.id for m in fresh]
    return customer, members


def _records(session: Session, ids: list[str]) -> list[SourceRecord]:
    return list(
        session.scalars(
            select(SourceRecord)
            .where(SourceRecord.customer_id.in_(ids))
            .order_by(SourceRecord.received_at, SourceRecord.id)
        )
    )


def _identities(session: Session, ids: list[str], record_ids: list[str]) -> list[Identity]:
    return list(
        session.scalars(
            select(Identity)
            .where(or_(Identity.customer_id.in_(ids), Identity.record_id.in_(record_ids)))
            .order_by(Identity.kind, Identity.value, Identity.id)
        )
    )


def _values(
    members: list[Customer], records: list[SourceRecord], identities: list[Identity]
) -> ErasedValues:
    collector = _Collector(get_settings().default_region)
    for record in records:
        collector.record(record)
    for customer in members:
        collector.customer(customer)
    for identity in identities:
        collector.identity(identity)
    return ErasedValues(
        customer_ids=frozenset(c.id for c in members),
        record_ids=frozenset(r.id for r in records),
        strong=frozenset(collector.strong),
        weak={k: frozenset(v) for k, v in collector.weak.items() if k not in collector.strong},
    )


def _needles(values: ErasedValues) -> list[str]:
    """What to look for in stored text: JSON columns escape non-ASCII letters (`\\u00e9`),
    and `ILIKE` folds the case of ASCII letters only."""
    out = set(values.customer_ids | values.record_ids)
    for value in values.values:
        for form in {value, value.upper(), value.title()}:
            out |= {form, json.dumps(form)[1:-1]}
    return sorted(out)


def _mentioning(
    session: Session, model: Any, columns: list[InstrumentedAttribute[Any]], values: ErasedValues
) -> list[Any]:
    """Rows of `model` whose columns mention the person: a `LIKE` over every row first, in
    chunks (SQLite limits how deep an expression goes), then `ErasedValues.mentions`."""
    needles = _needles(values)
    ids: set[str] = set()
    for start in range(0, len(needles), 100):
        chunk = needles[start : start + 100]
        conditions = [cast(c, String).icontains(n, autoescape=True) for c in columns for n in chunk]
        ids.update(session.scalars(select(model.id).where(or_(*conditions))))
    rows = session.scalars(select(model).where(model.id.in_(sorted(ids))).order_by(model.id))
    return [r for r in rows if values.mentions([getattr(r, c.key) for c in columns])]


def _idempotency_records(session: Session, values: ErasedValues) -> Iterator[Any]:
    """Stored answers to retried writes that mention the person. Bodies are bytes, which
    SQLite and PostgreSQL search differently: they are read in chunks and searched here."""
    # The table belongs to the HTTP adapter; imported here, not at the top, so that the
    # domain does not depend on the adapter for anything else.
    from omnicanal.api.idempotency import IdempotencyRecord

    last = ""
    while True:
        chunk = session.execute(
            select(IdempotencyRecord.id, IdempotencyRecord.response_body)
            .where(IdempotencyRecord.id > last)
            .order_by(IdempotencyRecord.id)
            .limit(500)
        ).all()
        if not chunk:
            return
        for row in chunk:
            text = bytes(row.response_body or b"").decode("utf-8", "replace")
            try:
                data: Any = json.loads(text)
            except ValueError:
                data = text
            if values.mentions(data):
                yield session.get(IdempotencyRecord, row.id)
        last = chunk[-1].id


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def _row(obj: Any) -> dict[str, Any]:
    return {c.key: _plain(getattr(obj, c.key)) for c in obj.__table__.columns}


def export_customer(session: Session, principal: Principal, customer_id: str) -> dict[str, Any]:
    """Everything held about the person an id names (a merged id names its survivor), as
    JSON-able data: the golden record with its provenance, every source record as received
    and normalised, identities, consent, reviews, decisions and link constraints involving
    their records, events and rejected import rows mentioning them, and every registered
    domain's section."""
    _check(principal)
    _load_handlers()
    customer, members = _person(session, customer_id)
    if customer.status == "erased":
        raise NotFound(f"no customer {customer_id!r}", field="customer_id")
    ids = [c.id for c in members]
    records = _records(session, ids)
    record_ids = [r.id for r in records]
    identities = _identities(session, ids, record_ids)
    values = _values(members, records, identities)
    involves = or_(MatchReview.record_a_id.in_(record_ids), MatchReview.record_b_id.in_(record_ids))
    links = or_(
        LinkConstraint.record_a_id.in_(record_ids), LinkConstraint.record_b_id.in_(record_ids)
    )
    decisions = [
        d
        for d in session.scalars(select(Decision).order_by(Decision.created_at, Decision.id))
        if set(d.customer_ids) & set(ids) or set(d.before) & set(record_ids)
    ]
    return {
        "metadata": {
            "customer_id": customer.id,
            "requested_id": customer_id,
            "merged_ids": ids[1:],
            "exported_at": utcnow().isoformat(),
            "omnicanal_version": __version__,
        },
        "customer": _row(customer),
        "merged_customers": [_row(c) for c in members[1:]],
        "records": [_row(r) for r in records],
        "identities": [_row(i) for i in identities],
        "consent": [
            _row(e)
            for e in session.scalars(
                select(ConsentEvent)
                .where(ConsentEvent.customer_id.in_(ids))
                .order_by(ConsentEvent.occurred_at, ConsentEvent.id)
            )
        ],
        "reviews": [_row(r) for r in session.scalars(select(MatchReview).where(involves))],
        "decisions": [_row(d) for d in decisions],
        "link_constraints": [_row(c) for c in session.scalars(select(LinkConstraint).where(links))],
        "events": [
            _row(e) for e in _mentioning(session, OutboxEvent, [OutboxEvent.payload], values)
        ],
        "rejected_import_rows": [
            _row(r)
            for r in _mentioning(
                session, RejectedRow, [RejectedRow.raw, RejectedRow.errors], values
            )
        ],
        "sections": {
            name: {cid: handler.export(session, cid) for cid in ids}
            for name, handler in sorted(_HANDLERS.items())
        },
    }


@dataclass
class ErasureReport:
    customer_id: str
    erased_customer_ids: list[str]
    already_erased: bool
    decision_id: str | None = None
    # rows changed or deleted, per table (and per registered domain)
    counts: dict[str, int] = field(default_factory=dict)


# Kept as an answer to a retry instead of the answer that held personal data; see below.
_ERASED_ANSWER = json.dumps(
    {
        "type": "/problems/customer_erased",
        "title": "Customer erased",
        "status": 410,
        "detail": "this answer held personal data of a customer since erased (GDPR)",
        "code": "customer_erased",
    }
).encode()


def erase_customer(
    session: Session, principal: Principal, customer_id: str, reason: str
) -> ErasureReport:
    """Erase the person an id names (with every customer merged into them) wherever omnicanal
    holds their data, in the caller's transaction, and emit `customer.erased`.

    Kept, without anything personal: the source records' source, owner, entity and dates (a
    record's source id becomes an opaque token), the golden customer as `erased`, consent
    events (the proof of what was consented), decisions and link constraints (ids), other
    domains' figures. Erasing an erased customer again changes nothing (`already_erased`).
    """
    _check(principal)
    _load_handlers()
    reason = (reason or "").strip()
    if not 1 <= len(reason) <= MAX_REASON:
        raise InvalidInput(f"give a reason of 1 to {MAX_REASON} characters", field="reason")
    customer, members = _person(session, customer_id)
    if customer.status == "erased":
        return ErasureReport(customer.id, [], already_erased=True)
    ids = [c.id for c in members]
    records = _records(session, ids)
    record_ids = [r.id for r in records]
    identities = _identities(session, ids, record_ids)
    values = _values(members, records, identities)
    counts: dict[str, int] = {}

    for name, handler in sorted(_HANDLERS.items()):
        changed = [handler.erase(session, cid, values) for cid in ids]
        counts[name] = sum(c or 0 for c in changed)

    for record in records:
        for name in _PERSON_COLUMNS + _RECORD_KEY_COLUMNS:
            setattr(record, name, None)
        record.raw = {"erased": True}
        record.attributes, record.flags = {}, []
        # Unique per owner and source; a channel sending the person again makes a new record.
        record.source_id = f"erased-{uuid.uuid4().hex}"
    counts["customer_source_records"] = len(records)
    for member in members:
        for name in _PERSON_COLUMNS:
            setattr(member, name, None)
        member.provenance, member.status = {}, "erased"
    counts["customers"] = len(members)
    counts["customer_identities"] = len(identities)
    for identity in identities:
        session.delete(identity)
    reviews = session.execute(
        delete(MatchReview).where(
            or_(MatchReview.record_a_id.in_(record_ids), MatchReview.record_b_id.in_(record_ids))
        )
    )
    counts["customer_match_reviews"] = reviews.rowcount or 0
    session.flush()

    counts["customer_decisions"] = _scrub_rows(
        session, values, _mentioning(session, Decision, [Decision.note], values), ["note"]
    )
    counts["outbox_events"] = _scrub_rows(
        session, values, _mentioning(session, OutboxEvent, [OutboxEvent.payload], values),
        ["payload"],
    )  # fmt: skip
    counts["event_deliveries"] = _scrub_rows(
        session, values, _mentioning(session, Delivery, [Delivery.last_error], values),
        ["last_error"],
    )  # fmt: skip
    rejected = _mentioning(session, RejectedRow, [RejectedRow.raw, RejectedRow.errors], values)
    counts["rejected_rows"] = _scrub_rows(session, values, rejected, ["raw", "errors"])
    for row in rejected:
        row.status = "erased"  # no longer to be replayed: it would import "[erased]"
    # An idempotency record answers a retry of its request. Deleting it would let a retry run
    # again and write the person's data back (a till retrying its POST /customers/records);
    # replacing the answer with an "erased" problem keeps the retry answered, personal data
    # gone.
    stored = list(_idempotency_records(session, values))
    for answer in stored:
        answer.status_code, answer.content_type = 410, "application/problem+json"
        answer.response_body = _ERASED_ANSWER
    counts["idempotency_keys"] = len(stored)

    decision = Decision(
        kind="erasure",
        actor=f"{principal.kind}:{principal.name}",
        note=values.scrub(reason)[:MAX_REASON],
        customer_ids=ids,
    )
    session.add(decision)
    emit(session, CUSTOMER_ERASED, {"customer_id": customer.id})
    session.flush()
    return ErasureReport(customer.id, ids, False, decision.id, counts)


def _scrub_rows(
    session: Session, values: ErasedValues, rows: Iterable[Any], columns: list[str]
) -> int:
    changed = 0
    for row in rows:
        before = [getattr(row, c) for c in columns]
        after = [values.scrub(v) for v in before]
        if after != before:
            for name, value in zip(columns, after, strict=True):
                setattr(row, name, value)
            changed += 1
    session.flush()
    return changed

"""What the customer pages show, shaped from the referential's objects: the golden record with
where each field came from, source records side by side, the evidence of a review pair, and
the readable message of a refused correction. Formatting of probabilities and weights too."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from omnicanal.customers import flows, golden, service
from omnicanal.customers.matching import COMPARISONS
from omnicanal.customers.models import Customer, MatchReview, SourceRecord
from omnicanal.errors import Conflict, DomainError, Forbidden, InvalidInput, NotFound
from omnicanal.security.permissions import Principal
from omnicanal.web.i18n import N_

# --- golden record ---------------------------------------------------------------------------

GOLDEN_FIELDS = tuple(name for fields, _ in golden.GROUPS.values() for name in fields)


@dataclass(frozen=True)
class GoldenField:
    name: str
    value: Any
    source: str | None
    rule: str | None
    record_id: str | None  # None when the record is not one the reader may see
    record: SourceRecord | None


def golden_fields(customer: Customer, records: Sequence[SourceRecord]) -> list[GoldenField]:
    """Each field of the golden record that has a value, with its source record and rule."""
    visible = {r.id: r for r in records}
    out = []
    for name in GOLDEN_FIELDS:
        value = getattr(customer, name)
        if value in (None, ""):
            continue
        origin = (customer.provenance or {}).get(name) or {}
        record = visible.get(origin.get("record_id", ""))
        out.append(
            GoldenField(
                name=name,
                value=value,
                source=origin.get("source"),
                rule=origin.get("rule"),
                record_id=record.id if record is not None else None,
                record=record,
            )
        )
    return out


def display_name(customer: Customer) -> str:
    name = " ".join(part for part in (customer.first_name, customer.last_name) if part)
    return name or customer.id


# --- source records side by side -------------------------------------------------------------

RECORD_FIELDS = (
    "full_name", "first_name", "last_name", "birth_name", "email", "phone", "mobile",
    "birth_date", "gender", "street", "postal_code", "city", "country", "loyalty_card",
)  # fmt: skip


@dataclass(frozen=True)
class RecordCell:
    value: Any  # normalised; None when the record gives none
    raw: str | None  # as received, when it differs from the normalised value
    flags: tuple[str, ...]


@dataclass(frozen=True)
class RecordRow:
    field: str
    cells: list[RecordCell]


def _normalised(record: SourceRecord, name: str) -> Any:
    if name == "full_name":  # split into the first and last names
        return None
    if name == "mobile":  # kept as the matching key when it is a usable mobile
        return record.mobile_key if (record.raw or {}).get("mobile") is not None else None
    return getattr(record, name)


def _as_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def record_rows(records: Sequence[SourceRecord]) -> list[RecordRow]:
    """One row per field that any of the records gives, one cell per record."""
    rows = []
    for name in RECORD_FIELDS:
        cells = []
        for record in records:
            raw = (record.raw or {}).get(name)
            value = _normalised(record, name)
            raw_text = None if raw is None else str(raw)
            flags = tuple(
                str(f.get("flag"))
                for f in record.flags or ()
                if isinstance(f, dict) and f.get("field") == name
            )
            shown_raw = raw_text if raw_text is not None and raw_text != _as_text(value) else None
            cells.append(RecordCell(value, shown_raw, flags))
        if any(c.value not in (None, "") or c.raw is not None or c.flags for c in cells):
            rows.append(RecordRow(name, cells))
    return rows


# --- review pairs ----------------------------------------------------------------------------

AGREES, DISAGREES, MISSING = "agrees", "disagrees", "missing"


@dataclass(frozen=True)
class Evidence:
    comparison: str  # a customer field name: first_name, ..., address, gender
    label: str | None  # the level's English label (`labels.match_level_label`); None if missing
    state: str  # agrees | disagrees | missing
    weight: float | None  # what this level adds to the pair's match weight


def evidence(levels: Sequence[int], weights: Mapping[str, Sequence[float]]) -> list[Evidence]:
    out = []
    for comparison, level in zip(COMPARISONS, levels, strict=False):
        if level is None or not 0 <= level < len(comparison.labels):
            out.append(Evidence(comparison.name, None, MISSING, None))
            continue
        # Level 0 is every comparison's disagreement; any higher level agrees, more or less.
        out.append(
            Evidence(
                comparison.name,
                comparison.labels[level],
                AGREES if level > 0 else DISAGREES,
                weights[comparison.name][level],
            )
        )
    return out


@dataclass(frozen=True)
class ReviewPair:
    review: MatchReview
    a: SourceRecord | None  # None when the record is another entity's
    b: SourceRecord | None
    evidence: list[Evidence]


def _record(session: Session, principal: Principal, record_id: str) -> SourceRecord | None:
    try:
        return service.get_record(session, principal, record_id)
    except DomainError:
        return None


def review_pairs(
    session: Session, principal: Principal, reviews: Sequence[MatchReview]
) -> list[ReviewPair]:
    """The reviews with their two records, as far as the reader may see them, and the
    evidence weighed by the model in use."""
    weights = flows.active_model(session).weights()
    return [
        ReviewPair(
            review,
            _record(session, principal, review.record_a_id),
            _record(session, principal, review.record_b_id),
            evidence(review.levels or [], weights),
        )
        for review in reviews
    ]


# --- refused corrections ---------------------------------------------------------------------

# (error class, field at fault) -> what the steward reads; `%(id)s` is the id of that field.
REFUSALS: dict[tuple[type[DomainError], str | None], str] = {
    (NotFound, "customer_id"): N_("No customer %(id)s among those you can see."),
    (NotFound, "survivor_id"): N_("No customer %(id)s among those you can see."),
    (NotFound, "merged_id"): N_("No customer %(id)s among those you can see."),
    (Conflict, "customer_id"): N_(
        "Customer %(id)s was merged into another customer: open that one instead."
    ),
    (Conflict, "survivor_id"): N_(
        "Customer %(id)s was merged into another customer: open that one instead."
    ),
    (Conflict, "merged_id"): N_("Customer %(id)s was already merged into another customer."),
    (InvalidInput, "merged_id"): N_("A customer cannot be merged with itself."),
    (InvalidInput, "record_ids"): N_(
        "Tick some of this customer's records, not all of them, and try again."
    ),
    (NotFound, "decision_id"): N_("This decision no longer exists."),
    (Conflict, "decision_id"): N_("This decision was already undone."),
    (NotFound, "review_id"): N_("This pair is no longer in the review queue."),
    (Conflict, "review_id"): N_("This pair was already decided."),
    (InvalidInput, "verdict"): N_("Choose “Same person” or “Different persons”."),
}
FORBIDDEN = N_("Your role does not allow this action.")
REFUSED = N_("The action could not be done: %(detail)s")


def refusal(exc: DomainError, ids: Mapping[str, str]) -> tuple[str, dict[str, str]]:
    """The message (English, marked for translation) and its parameters for a refused
    correction; `ids` gives the id the user meant for each field a service may name."""
    if isinstance(exc, Forbidden):
        return FORBIDDEN, {}
    for (kind, field), text in REFUSALS.items():
        if isinstance(exc, kind) and exc.field == field:
            return text, {"id": ids.get(field or "", "")}
    return REFUSED, {"detail": exc.detail}

"""The golden record: each field of a customer chosen among its source records by a
survivorship rule, with where it came from. Pure, no I/O.

Fields travel in groups that must come from one record (a street with its own postal code
and city; a first name with its last name). Rules: `most_trusted` (the source ranked first in
the brand's trust order), `most_recent` (the record received last), `most_frequent` (the value
most records agree on). Ties fall to trust, then recency, then the record id.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

Rule = Literal["most_trusted", "most_recent", "most_frequent"]
RULES: tuple[Rule, ...] = ("most_trusted", "most_recent", "most_frequent")

# group -> (fields, what a record must give to be a candidate: the first of these sets that
# some record fills; an address with its street beats a postal code alone)
GROUPS: dict[str, tuple[tuple[str, ...], tuple[tuple[str, ...], ...]]] = {
    "name": (("first_name", "last_name", "birth_name"), (("last_name",),)),
    "email": (("email",), (("email",),)),
    "phone": (("phone",), (("phone",),)),
    "birth_date": (("birth_date",), (("birth_date",),)),
    "gender": (("gender",), (("gender",),)),
    "address": (
        ("street", "postal_code", "city", "country"),
        (("street", "postal_code"), ("postal_code",), ("city",)),
    ),
    "loyalty_card": (("loyalty_card",), (("loyalty_card",),)),
}
DEFAULT_RULES: dict[str, Rule] = {
    "name": "most_frequent",
    "email": "most_recent",
    "phone": "most_recent",
    "birth_date": "most_frequent",
    "gender": "most_frequent",
    "address": "most_recent",
    "loyalty_card": "most_recent",
}
# Which systems the brand trusts most: the loyalty forms are signed, the web accounts are typed
# by the customers themselves, the marketplace hands over what its buyers gave it.
DEFAULT_TRUST: tuple[str, ...] = ("loyalty", "web", "app", "call_center", "pos", "marketplace")


@dataclass(frozen=True)
class SourceValues:
    """What one source record says, in golden-record terms (`phone`: the mobile when known)."""

    record_id: str
    source: str
    received_at: datetime
    values: Mapping[str, Any]


@dataclass(frozen=True)
class Golden:
    values: dict[str, Any]
    provenance: dict[str, dict[str, str]]  # field -> {record_id, source, rule}


def _trust_rank(source: str, trust: Sequence[str]) -> int:
    return trust.index(source) if source in trust else len(trust)


def golden_record(
    records: Sequence[SourceValues],
    rules: Mapping[str, Rule] | None = None,
    trust: Sequence[str] = DEFAULT_TRUST,
) -> Golden:
    rules = {**DEFAULT_RULES, **(rules or {})}
    values: dict[str, Any] = {}
    provenance: dict[str, dict[str, str]] = {}
    for group, (fields, requirements) in GROUPS.items():
        candidates: list[SourceValues] = []
        for required in requirements:
            candidates = [
                r for r in records if all(r.values.get(f) not in (None, "") for f in required)
            ]
            if candidates:
                break
        for field in fields:
            values[field] = None
        if not candidates:
            continue
        rule = rules[group]
        chosen = _choose(candidates, rule, fields, trust)
        for field in fields:
            values[field] = chosen.values.get(field)
            if values[field] is not None:
                provenance[field] = {
                    "record_id": chosen.record_id,
                    "source": chosen.source,
                    "rule": rule,
                }
    return Golden(values, provenance)


def _choose(
    candidates: Sequence[SourceValues], rule: Rule, fields: Sequence[str], trust: Sequence[str]
) -> SourceValues:
    def recency(r: SourceValues) -> float:
        return -r.received_at.timestamp()

    def trusted(r: SourceValues) -> int:
        return _trust_rank(r.source, trust)

    if rule == "most_trusted":
        return min(candidates, key=lambda r: (trusted(r), recency(r), r.record_id))
    if rule == "most_recent":
        return min(candidates, key=lambda r: (recency(r), trusted(r), r.record_id))
    if rule == "most_frequent":
        counts = Counter(_fold(r, fields) for r in candidates)
        return min(
            candidates,
            key=lambda r: (-counts[_fold(r, fields)], trusted(r), recency(r), r.record_id),
        )
    raise ValueError(f"unknown survivorship rule {rule!r}; use one of {', '.join(RULES)}")


def _fold(record: SourceValues, fields: Sequence[str]) -> tuple[str, ...]:
    return tuple(str(record.values.get(f) or "").casefold() for f in fields)


def parse_rules(text: str) -> dict[str, Rule]:
    """`name=most_trusted,address=most_recent` -> rules; errors name the group or rule."""
    out: dict[str, Rule] = {}
    for part in filter(None, (p.strip() for p in text.split(","))):
        group, _, rule = part.partition("=")
        if group not in GROUPS:
            raise ValueError(f"unknown field group {group!r}; use {', '.join(GROUPS)}")
        if rule not in RULES:
            raise ValueError(f"unknown survivorship rule {rule!r}; use {', '.join(RULES)}")
        out[group] = rule  # type: ignore[assignment]
    return out

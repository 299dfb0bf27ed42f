"""Rules of the network: kinds, capabilities, opening hours, phone and SIRET checks. No I/O."""

from __future__ import annotations

import re
from enum import StrEnum

import phonenumbers
from stdnum.fr import siret as stdnum_siret


class EntityKind(StrEnum):
    HQ = "hq"
    WEB_SHOP = "web_shop"
    APP = "app"
    CALL_CENTER = "call_center"
    OWN_STORE = "own_store"
    FRANCHISEE = "franchisee"
    MARKETPLACE_SELLER = "marketplace_seller"


class LocationKind(StrEnum):
    STORE = "store"
    WAREHOUSE = "warehouse"


class Capability(StrEnum):
    CLICK_AND_COLLECT = "click_and_collect"
    SHIP_FROM_STORE = "ship_from_store"
    RETURNS = "returns"
    HOME_DELIVERY = "home_delivery"
    RESERVE_IN_STORE = "reserve_in_store"


class ChannelKind(StrEnum):
    STORE = "store"
    WEB = "web"
    APP = "app"
    CALL_CENTER = "call_center"
    MARKETPLACE = "marketplace"
    SOCIAL = "social"


DAYS = ("mo", "tu", "we", "th", "fr", "sa", "su")
_DAY_ALIASES = {
    "mo": "mo", "mon": "mo", "lu": "mo", "lun": "mo",
    "tu": "tu", "tue": "tu", "ma": "tu", "mar": "tu",
    "we": "we", "wed": "we", "me": "we", "mer": "we",
    "th": "th", "thu": "th", "je": "th", "jeu": "th",
    "fr": "fr", "fri": "fr", "ve": "fr", "ven": "fr",
    "sa": "sa", "sat": "sa", "sam": "sa",
    "su": "su", "sun": "su", "di": "su", "dim": "su",
}  # fmt: skip
_SPAN = re.compile(r"^(\d{1,2})[:h](\d{2})\s*-\s*(\d{1,2})[:h](\d{2})$")


def _day(token: str) -> str:
    day = _DAY_ALIASES.get(token.strip().lower().rstrip("."))
    if day is None:
        raise ValueError(f"unknown day {token.strip()!r}")
    return day


def _days(spec: str) -> list[str]:
    days: list[str] = []
    for part in spec.split(","):
        if "-" in part:
            start, end = (DAYS.index(_day(p)) for p in part.split("-", 1))
            if end < start:
                raise ValueError(f"day range {part.strip()!r} runs backwards")
            days.extend(DAYS[start : end + 1])
        else:
            days.append(_day(part))
    return days


def _span(text: str) -> str:
    match = _SPAN.match(text.strip())
    if not match:
        raise ValueError(f"opening span {text.strip()!r} is not like 09:30-19:00")
    h1, m1, h2, m2 = (int(g) for g in match.groups())
    if not (0 <= h1 <= 24 and 0 <= h2 <= 24 and m1 < 60 and m2 < 60):
        raise ValueError(f"opening span {text.strip()!r} is not a time of day")
    if (h2, m2) <= (h1, m1):
        raise ValueError(f"opening span {text.strip()!r} closes before it opens")
    return f"{h1:02d}:{m1:02d}-{h2:02d}:{m2:02d}"


def parse_opening_hours(text: str) -> dict[str, list[str]]:
    """Parse `Mo-Fr 09:30-19:00; Sa 10:00-12:30,14:00-18:00; Su off` into a week.

    Day names may be English or French abbreviations (`lun-sam 9h30-19h00`); days not named
    are closed. The result maps each open day to its spans, in day order.
    """
    week: dict[str, list[str]] = {}
    for rule in filter(None, (r.strip() for r in text.split(";"))):
        days_spec, _, spans_spec = rule.partition(" ")
        days = _days(days_spec)
        spans_spec = spans_spec.strip()
        if spans_spec.lower() in {"off", "closed", "ferme", "fermé"}:
            for day in days:
                week.pop(day, None)
            continue
        if not spans_spec:
            raise ValueError(f"rule {rule!r} has no opening span")
        spans = [_span(s) for s in spans_spec.split(",")]
        for day in days:
            week[day] = spans
    return {day: week[day] for day in DAYS if day in week}


def normalise_opening_hours(value: str | dict[str, list[str]]) -> dict[str, list[str]]:
    if isinstance(value, str):
        return parse_opening_hours(value)
    week: dict[str, list[str]] = {}
    for day, spans in value.items():
        week[_day(day)] = [_span(s) for s in spans]
    return {day: week[day] for day in DAYS if day in week}


def format_opening_hours(week: dict[str, list[str]]) -> str:
    """The inverse of `parse_opening_hours`, grouping consecutive days with the same spans."""
    rules: list[str] = []
    run: list[str] = []
    for day in [*DAYS, None]:
        spans = week.get(day) if day else None
        if run and (day is None or spans != week.get(run[0])):
            label = run[0].capitalize() if len(run) == 1 else f"{run[0]}-{run[-1]}".title()
            rules.append(f"{label} {','.join(week[run[0]])}")
            run = []
        if day and spans:
            run.append(day)
    return "; ".join(rules)


def normalise_capabilities(value: str | list[str]) -> list[str]:
    items = re.split(r"[|,;\s]+", value) if isinstance(value, str) else value
    result: set[str] = set()
    for item in filter(None, (i.strip().lower() for i in items)):
        try:
            result.add(Capability(item).value)
        except ValueError as exc:
            known = ", ".join(c.value for c in Capability)
            raise ValueError(f"unknown capability {item!r} (known: {known})") from exc
    return sorted(result)


def normalise_phone(value: str, region: str) -> str:
    """A phone as E.164 (`+33612345678`), whatever national format it came in."""
    try:
        number = phonenumbers.parse(value, region)
    except phonenumbers.NumberParseException as exc:
        raise ValueError(f"{value!r} is not a phone number") from exc
    if not phonenumbers.is_valid_number(number):
        raise ValueError(f"{value!r} is not a valid phone number")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def normalise_siret(value: str) -> str:
    try:
        return stdnum_siret.validate(value)
    except Exception as exc:  # stdnum raises several ValidationError subclasses
        raise ValueError(f"{value!r} is not a valid SIRET") from exc


def normalise_code(value: str) -> str:
    code = value.strip()
    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,63}", code):
        raise ValueError("a code is 1 to 64 letters, digits, '.', '_', ':' or '-'")
    return code

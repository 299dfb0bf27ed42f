"""The promotion editor's form: a definition (as `pricing.codec` reads it) shown as form values,
and the values a person posted read back into a definition. Pure, no I/O.

Inputs are named after the codec's fields (`conditions.min_cart`, `starts_at`), and an action's
inputs after its kind (`nth_item.percent`, `spend_threshold.tiers[1].threshold`) since several
kinds share field names; `error_key` turns a field the codec names (`action.percent`) into the
input it belongs to. Amounts are typed in the currency's major unit (`12,50`), dates and hours
in the brand's time zone.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any
from zoneinfo import ZoneInfo

from babel.numbers import get_currency_precision

from omnicanal.pricing.codec import ACTION_KINDS
from omnicanal.pricing.promotions import BRAND_TIMEZONE
from omnicanal.web.i18n import N_

ZONE = ZoneInfo(BRAND_TIMEZONE)
TIERS = 3  # spend threshold tiers the form offers (more than a definition has: room to add)
WEEKDAYS = range(7)
DELIVERY_METHODS = ("delivery", "click_and_collect")
# condition sets typed as codes separated by commas, spaces or new lines
CODE_LISTS = ("locations", "categories", "skus", "brands", "segments", "loyalty_tiers",
              "customers")  # fmt: skip
# the condition sets that are names with spaces in them: separated by commas or new lines only
SPACED = frozenset({"brands", "segments", "loyalty_tiers"})
# per action kind: its plain inputs and how each is read
ACTION_INPUTS: dict[str, tuple[tuple[str, str], ...]] = {
    "percent_off": (("percent", "percent"),),
    "amount_off": (("amount", "money"), ("per", "text")),
    "fixed_price": (("amount", "money"),),
    "buy_x_get_y": (("buy", "count"), ("get", "count"), ("percent", "percent")),
    "nth_item": (("n", "count"), ("percent", "percent")),
    "bundle_price": (("components", "components"), ("price", "money")),
    "spend_threshold": (),
    "free_delivery": (),
    "loyalty_multiplier": (("factor", "decimal"),),
}

AMOUNT_EXPECTED = N_("Enter an amount such as 12,50.")
COUNT_EXPECTED = N_("Enter a whole number.")
NUMBER_EXPECTED = N_("Enter a number such as 1,5.")
DATE_EXPECTED = N_("Enter a date and time.")
TIME_EXPECTED = N_("Enter a time such as 09:30.")
HOURS_BOTH = N_("Give both the start and the end hour, or neither.")


class Values(dict[str, Any]):
    """The form's values by input name: text as typed, lists for checkboxes."""

    def text(self, name: str) -> str:
        value = self.get(name, "")
        return value if isinstance(value, str) else ""

    def many(self, name: str) -> list[str]:
        value = self.get(name, [])
        return list(value) if isinstance(value, list | tuple) else [value] if value else []


def read_posted(form: Any) -> Values:
    """Values from a posted form (a multi-dict): lists where an input may repeat."""
    values = Values()
    for name in form:
        items = [v for v in form.getlist(name) if isinstance(v, str)]
        values[name] = items if name in MULTI_INPUTS else (items[-1] if items else "")
    return values


MULTI_INPUTS = frozenset(
    {"conditions.channels", "conditions.weekdays", "free_delivery.methods", "preview.places"}
)


# -- definition -> values -----------------------------------------------------------------------


def _minor_to_text(minor: int | None, currency: str) -> str:
    if minor is None:
        return ""
    digits = get_currency_precision(currency)
    return f"{Decimal(minor).scaleb(-digits):.{digits}f}"


def _local(value: str | None) -> str:
    if not value:
        return ""
    return datetime.fromisoformat(value).astimezone(ZONE).strftime("%Y-%m-%dT%H:%M")


def values_of(definition: Mapping[str, Any]) -> Values:
    """The form's values showing a saved definition."""
    currency = definition.get("currency") or "EUR"
    action = definition.get("action") or {}
    conditions = definition.get("conditions") or {}
    v = Values(
        {
            "id": definition.get("id") or "",
            "name": definition.get("name") or "",
            "currency": currency,
            "priority": str(definition.get("priority") or 0),
            "stacking_group": definition.get("stacking_group") or "",
            "exclusive": "on" if definition.get("exclusive") else "",
            "requires_coupon": "on" if definition.get("requires_coupon") else "",
            "starts_at": _local(definition.get("starts_at")),
            "ends_at": _local(definition.get("ends_at")),
            "max_uses": str(definition.get("max_uses") or ""),
            "max_uses_per_customer": str(definition.get("max_uses_per_customer") or ""),
            "budget": _minor_to_text(definition.get("budget"), currency),
            "action.kind": action.get("kind") or "percent_off",
            "conditions.channels": list(conditions.get("channels") or []),
            "conditions.weekdays": [str(d) for d in conditions.get("weekdays") or []],
            "conditions.min_cart": _minor_to_text(conditions.get("min_cart"), currency),
            "conditions.first_order": "on" if conditions.get("first_order") else "",
            "conditions.timezone": conditions.get("timezone") or "",
        }
    )
    for name in CODE_LISTS:
        v[f"conditions.{name}"] = ", ".join(conditions.get(name) or [])
    hours = conditions.get("hours") or ["", ""]
    v["conditions.hours.start"], v["conditions.hours.end"] = hours
    kind = v["action.kind"]
    for name, how in ACTION_INPUTS.get(kind, ()):
        value = action.get(name)
        if value is None:
            continue
        if how == "money":
            v[f"{kind}.{name}"] = _minor_to_text(value, currency)
        elif how == "components":
            v[f"{kind}.{name}"] = "\n".join(", ".join(c) for c in value)
        else:
            v[f"{kind}.{name}"] = str(value)
    if kind == "spend_threshold":
        for i, tier in enumerate(action.get("tiers") or []):
            v[f"spend_threshold.tiers[{i}].threshold"] = _minor_to_text(tier["threshold"], currency)
            v[f"spend_threshold.tiers[{i}].amount"] = _minor_to_text(tier.get("amount"), currency)
            v[f"spend_threshold.tiers[{i}].percent"] = str(tier.get("percent") or "")
    if kind == "free_delivery":
        v["free_delivery.methods"] = list(action.get("methods") or DELIVERY_METHODS)
    return v


def blank_values() -> Values:
    return values_of({"action": {"kind": "percent_off"}})


# -- values -> definition -----------------------------------------------------------------------


@dataclass
class Reading:
    """A definition read from the form, and the inputs that could not be read (input name ->
    message, English, translated where shown)."""

    definition: dict[str, Any] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    tier_rows: list[int] = field(default_factory=list)  # the form row of each tier read

    def error_key(self, field_name: str | None) -> str:
        return error_key(field_name, self.definition["action"]["kind"], self.tier_rows)


def _money(text: str, currency: str) -> int:
    cleaned = re.sub(r"[\s\u00a0\u202f€$£]", "", text).replace(",", ".")
    if not re.fullmatch(r"-?\d+(\.\d+)?", cleaned):
        raise ValueError(AMOUNT_EXPECTED)
    digits = get_currency_precision(currency)
    amount = Decimal(cleaned).scaleb(digits)
    if amount != amount.to_integral_value():
        raise ValueError(AMOUNT_EXPECTED)
    return int(amount)


def _count(text: str) -> int:
    if not re.fullmatch(r"-?\d+", text.strip()):
        raise ValueError(COUNT_EXPECTED)
    return int(text)


def _decimal(text: str) -> str:
    cleaned = text.strip().replace(",", ".").rstrip("%").strip()
    try:
        Decimal(cleaned)
    except InvalidOperation as exc:
        raise ValueError(NUMBER_EXPECTED) from exc
    return cleaned


def _instant(text: str) -> str:
    try:
        return datetime.fromisoformat(text.strip()).replace(tzinfo=ZONE).isoformat()
    except ValueError as exc:
        raise ValueError(DATE_EXPECTED) from exc


def split_codes(text: str, spaced: bool = False) -> list[str]:
    parts = re.split(r"[,;\n]+" if spaced else r"[\s,;]+", text)
    return sorted({p.strip() for p in parts if p.strip()})


class _Reader:
    def __init__(self, values: Values) -> None:
        self.values = values
        self.errors: dict[str, str] = {}
        self.currency = values.text("currency").strip() or "EUR"

    def read(self, name: str, how: str) -> Any:
        """The input's value read as `how`, None when empty or unreadable (the error kept)."""
        text = self.values.text(name).strip()
        if not text:
            return None
        try:
            if how == "money":
                return _money(text, self.currency)
            if how == "count":
                return _count(text)
            if how in ("percent", "decimal"):
                return _decimal(text)
            if how == "instant":
                return _instant(text)
            if how == "components":
                return [split_codes(line) for line in text.splitlines() if line.strip()]
            return text
        except ValueError as exc:
            self.errors[name] = str(exc)
            return None


def read_definition(values: Values) -> Reading:
    """The definition the form describes. Inputs left empty are left out of it (the codec's
    defaults apply); checks of meaning are the codec's."""
    r = _Reader(values)
    kind = values.text("action.kind")
    action: dict[str, Any] = {"kind": kind}
    for name, how in ACTION_INPUTS.get(kind, ()):
        value = r.read(f"{kind}.{name}", how)
        if value is not None:
            action[name] = value
    tier_rows: list[int] = []
    if kind == "spend_threshold":
        tiers = []
        for i in range(TIERS + 4):
            prefix = f"spend_threshold.tiers[{i}]"
            threshold = r.read(f"{prefix}.threshold", "money")
            amount = r.read(f"{prefix}.amount", "money")
            percent = r.read(f"{prefix}.percent", "percent")
            if threshold is None and amount is None and percent is None:
                continue
            tier: dict[str, Any] = {"threshold": threshold}
            if amount is not None:
                tier["amount"] = amount
            if percent is not None:
                tier["percent"] = percent
            tiers.append(tier)
            tier_rows.append(i)
        action["tiers"] = tiers
    if kind == "free_delivery":
        action["methods"] = values.many("free_delivery.methods")
    conditions: dict[str, Any] = {}
    channels = values.many("conditions.channels")
    if channels:
        conditions["channels"] = sorted(set(channels))
    for name in CODE_LISTS:
        codes = split_codes(values.text(f"conditions.{name}"), name in SPACED)
        if codes:
            conditions[name] = codes
    weekdays = values.many("conditions.weekdays")
    if weekdays and len(weekdays) < len(WEEKDAYS):
        conditions["weekdays"] = sorted(int(d) for d in weekdays if d.isdigit())
    start = values.text("conditions.hours.start").strip()
    end = values.text("conditions.hours.end").strip()
    if start and end:
        conditions["hours"] = [start, end]
    elif start or end:
        r.errors["conditions.hours"] = HOURS_BOTH
    min_cart = r.read("conditions.min_cart", "money")
    if min_cart is not None:
        conditions["min_cart"] = min_cart
    if values.text("conditions.first_order"):
        conditions["first_order"] = True
    if values.text("conditions.timezone").strip():
        conditions["timezone"] = values.text("conditions.timezone").strip()
    definition: dict[str, Any] = {
        "id": values.text("id").strip(),
        "name": values.text("name").strip(),
        "action": action,
        "conditions": conditions,
        "currency": r.currency,
        "exclusive": bool(values.text("exclusive")),
        "requires_coupon": bool(values.text("requires_coupon")),
        "stacking_group": values.text("stacking_group").strip() or None,
    }
    for name, how in (("priority", "count"), ("starts_at", "instant"), ("ends_at", "instant"),
                      ("max_uses", "count"), ("max_uses_per_customer", "count"),
                      ("budget", "money")):  # fmt: skip
        value = r.read(name, how)
        if value is not None:
            definition[name] = value
    return Reading(definition, r.errors, tier_rows)


def error_key(field_name: str | None, kind: str, tier_rows: list[int] | None = None) -> str:
    """The input a codec field belongs to: `action.percent` -> `nth_item.percent`,
    `conditions.hours[0]` -> `conditions.hours`, `action.components[1]` -> its text area."""
    if not field_name:
        return ""
    name = field_name
    if name.startswith("action."):
        rest = name.removeprefix("action.")
        name = "action.kind" if rest == "kind" else f"{kind}.{rest}"
        tier = re.match(r"tiers\[(\d+)\](.*)$", rest)
        if tier and tier_rows and int(tier[1]) < len(tier_rows):
            name = f"{kind}.tiers[{tier_rows[int(tier[1])]}]{tier[2]}"
    name = re.sub(r"^(conditions\.hours|[a-z_]+\.components)\[\d+\]$", r"\1", name)
    if name.startswith("promotion"):
        return ""
    return name


__all__ = [
    "ACTION_KINDS", "DELIVERY_METHODS", "TIERS", "WEEKDAYS", "Reading", "Values", "blank_values",
    "error_key", "read_definition", "read_posted", "split_codes", "values_of",
]  # fmt: skip

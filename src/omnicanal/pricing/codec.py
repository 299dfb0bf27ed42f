"""Promotions and coupons as plain JSON-ready dicts and back: what the API receives, what the
database keeps, what an export writes. Pure, no I/O.

`promotion_from_dict` is the one way in: it checks the shape (unknown keys, wrong types) and
lets the definitions check the meaning, so every error names its field (`action.percent`,
`conditions.hours`, `starts_at`). `promotion_to_dict(promotion_from_dict(d))` gives back `d`
with its defaults filled in.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, time
from decimal import Decimal
from typing import Any

from omnicanal.pricing.actions import (
    AmountOff,
    BundlePrice,
    BuyXGetY,
    FixedPrice,
    FreeDelivery,
    InvalidPromotion,
    LoyaltyMultiplier,
    NthItem,
    PercentOff,
    SpendThreshold,
    SpendTier,
)
from omnicanal.pricing.promotions import BRAND_TIMEZONE, Conditions, Promotion

# kind -> (class, {field: required})
_ACTION_FIELDS: dict[str, tuple[type, dict[str, bool]]] = {
    "percent_off": (PercentOff, {"percent": True}),
    "amount_off": (AmountOff, {"amount": True, "per": False}),
    "fixed_price": (FixedPrice, {"amount": True}),
    "buy_x_get_y": (BuyXGetY, {"buy": True, "get": True, "percent": False}),
    "nth_item": (NthItem, {"n": True, "percent": True}),
    "bundle_price": (BundlePrice, {"components": True, "price": True}),
    "spend_threshold": (SpendThreshold, {"tiers": True}),
    "free_delivery": (FreeDelivery, {"methods": False}),
    "loyalty_multiplier": (LoyaltyMultiplier, {"factor": True}),
}
ACTION_KINDS = tuple(_ACTION_FIELDS)
_CONDITION_SETS = ("channels", "locations", "segments", "loyalty_tiers", "customers", "skus",
                   "categories", "brands")  # fmt: skip
_CONDITION_KEYS = frozenset(
    (*_CONDITION_SETS, "weekdays", "hours", "timezone", "min_cart", "first_order")
)
_PROMOTION_KEYS = {
    "id": True, "action": True, "conditions": False, "name": False, "priority": False,
    "stacking_group": False, "exclusive": False, "requires_coupon": False, "starts_at": False,
    "ends_at": False, "currency": False, "max_uses": False, "max_uses_per_customer": False,
    "budget": False,
}  # fmt: skip


def _mapping(value: object, name: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise InvalidPromotion("must be an object", field=name)
    return value


def _check_keys(data: Mapping[str, Any], allowed: Mapping[str, bool] | frozenset[str], at: str):  # type: ignore[no-untyped-def]
    prefix = f"{at}." if at else ""
    for key in data:
        if key not in allowed:
            raise InvalidPromotion(f"unknown field {key!r}", field=f"{prefix}{key}")
    if isinstance(allowed, Mapping):
        for key, required in allowed.items():
            if required and data.get(key) is None:
                raise InvalidPromotion("this field is required", field=f"{prefix}{key}")


def _instant(value: object, name: str) -> datetime | None:
    if value is None or isinstance(value, datetime):
        return value
    if not isinstance(value, str):
        raise InvalidPromotion("a date and time, ISO 8601 with its offset", field=name)
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError as exc:
        raise InvalidPromotion(f"{value!r} is not an ISO 8601 date and time", field=name) from exc
    if parsed.utcoffset() is None:
        raise InvalidPromotion("a date must carry its time zone", field=name)
    return parsed


def _strings(value: object, name: str) -> frozenset[str]:
    if isinstance(value, str) or not isinstance(value, list | tuple | set | frozenset):
        raise InvalidPromotion("a list of values", field=name)
    if not all(isinstance(v, str) and v for v in value):
        raise InvalidPromotion("every value is a non-empty text", field=name)
    return frozenset(value)


def _time(value: object, name: str) -> time:
    if isinstance(value, time):
        return value
    try:
        return time.fromisoformat(str(value))
    except ValueError as exc:
        raise InvalidPromotion(f"{value!r} is not a time such as 09:30", field=name) from exc


def conditions_from_dict(data: Mapping[str, Any] | None) -> Conditions:
    data = _mapping(data or {}, "conditions")
    _check_keys(data, _CONDITION_KEYS, "conditions")
    values: dict[str, Any] = {}
    for name in _CONDITION_SETS:
        if data.get(name) is not None:
            values[name] = _strings(data[name], f"conditions.{name}")
    if data.get("weekdays") is not None:
        weekdays = data["weekdays"]
        if not isinstance(weekdays, list | tuple | set | frozenset):
            raise InvalidPromotion(
                "a list of weekdays, 0 (Monday) to 6", field="conditions.weekdays"
            )
        values["weekdays"] = frozenset(weekdays)
    if data.get("hours") is not None:
        hours = data["hours"]
        if not isinstance(hours, list | tuple) or len(hours) != 2:
            raise InvalidPromotion(
                'hours are a [start, end] pair such as ["09:00", "12:00"]',
                field="conditions.hours",
            )
        values["hours"] = (
            _time(hours[0], "conditions.hours[0]"),
            _time(hours[1], "conditions.hours[1]"),
        )
    if data.get("timezone") is not None:
        values["timezone"] = str(data["timezone"])
    if data.get("min_cart") is not None:
        values["min_cart"] = data["min_cart"]
    if data.get("first_order") is not None:
        if not isinstance(data["first_order"], bool):
            raise InvalidPromotion("true or false", field="conditions.first_order")
        values["first_order"] = data["first_order"]
    return Conditions(**values)


def action_from_dict(data: Mapping[str, Any]):  # type: ignore[no-untyped-def]
    data = _mapping(data, "action")
    kind = data.get("kind")
    if kind not in _ACTION_FIELDS:
        raise InvalidPromotion(
            f"unknown action {kind!r}; use one of {', '.join(ACTION_KINDS)}", field="action.kind"
        )
    cls, fields = _ACTION_FIELDS[kind]
    _check_keys(data, {"kind": True, **fields}, "action")
    values = {k: v for k, v in data.items() if k != "kind" and v is not None}
    if kind == "bundle_price":
        components = values["components"]
        if not isinstance(components, list | tuple):
            raise InvalidPromotion("a list of lists of SKUs", field="action.components")
        values["components"] = tuple(
            _strings(c, f"action.components[{i}]") for i, c in enumerate(components)
        )
    elif kind == "spend_threshold":
        tiers = values["tiers"]
        if not isinstance(tiers, list | tuple):
            raise InvalidPromotion("a list of tiers", field="action.tiers")
        built = []
        for i, tier in enumerate(tiers):
            tier = _mapping(tier, f"action.tiers[{i}]")
            _check_keys(
                tier, {"threshold": True, "amount": False, "percent": False}, f"action.tiers[{i}]"
            )
            percent = tier.get("percent")
            built.append(
                SpendTier(
                    tier["threshold"],
                    tier.get("amount"),
                    Decimal(str(percent)) if percent is not None else None,
                )
            )
        values["tiers"] = tuple(built)
    elif kind == "free_delivery" and "methods" in values:
        values["methods"] = _strings(values["methods"], "action.methods")
    return cls(**values)


def promotion_from_dict(data: Mapping[str, Any]) -> Promotion:
    """A promotion from its JSON form; `InvalidPromotion` names the field at fault."""
    data = _mapping(data, "promotion")
    _check_keys(data, _PROMOTION_KEYS, "")
    values = {k: v for k, v in data.items() if v is not None and k not in ("action", "conditions")}
    for name in ("starts_at", "ends_at"):
        if name in values:
            values[name] = _instant(values[name], name)
    for name in ("name", "stacking_group", "currency"):
        if name in values and not isinstance(values[name], str):
            raise InvalidPromotion("a text", field=name)
    for name in ("exclusive", "requires_coupon"):
        if name in values and not isinstance(values[name], bool):
            raise InvalidPromotion("true or false", field=name)
    return Promotion(
        action=action_from_dict(data["action"]),
        conditions=conditions_from_dict(data.get("conditions")),
        **values,
    )


def _sorted(values: frozenset[Any] | None) -> list[Any] | None:
    return None if values is None else sorted(values)


def action_to_dict(action: Any) -> dict[str, Any]:
    out: dict[str, Any] = {"kind": action.kind}
    for name in _ACTION_FIELDS[action.kind][1]:
        value = getattr(action, name)
        if isinstance(value, Decimal):
            value = str(value)
        elif name == "components":
            value = [sorted(c) for c in value]
        elif name == "methods":
            value = sorted(value)
        elif name == "tiers":
            value = [
                {"threshold": t.threshold}
                | ({"amount": t.amount} if t.amount is not None else {"percent": str(t.percent)})
                for t in value
            ]
        out[name] = value
    return out


def conditions_to_dict(conditions: Conditions) -> dict[str, Any]:
    out: dict[str, Any] = {name: _sorted(getattr(conditions, name)) for name in _CONDITION_SETS}
    out["weekdays"] = _sorted(conditions.weekdays)
    out["hours"] = (
        None
        if conditions.hours is None
        else [h.isoformat(timespec="minutes") for h in conditions.hours]
    )
    out["min_cart"] = conditions.min_cart
    out["first_order"] = conditions.first_order
    if conditions.timezone != BRAND_TIMEZONE:
        out["timezone"] = conditions.timezone
    return {k: v for k, v in out.items() if v is not None and v is not False}


def promotion_to_dict(promotion: Promotion) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": promotion.id,
        "name": promotion.name,
        "action": action_to_dict(promotion.action),
        "conditions": conditions_to_dict(promotion.conditions),
        "priority": promotion.priority,
        "stacking_group": promotion.stacking_group,
        "exclusive": promotion.exclusive,
        "requires_coupon": promotion.requires_coupon,
        "starts_at": promotion.starts_at.isoformat() if promotion.starts_at else None,
        "ends_at": promotion.ends_at.isoformat() if promotion.ends_at else None,
        "currency": promotion.currency,
        "max_uses": promotion.max_uses,
        "max_uses_per_customer": promotion.max_uses_per_customer,
        "budget": promotion.budget,
    }
    return out

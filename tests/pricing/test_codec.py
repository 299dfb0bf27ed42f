"""Promotions to and from their JSON form: round trips and errors naming the field."""

from __future__ import annotations

import pytest

from omnicanal.pricing import InvalidPromotion
from omnicanal.pricing.codec import ACTION_KINDS, promotion_from_dict, promotion_to_dict

ACTIONS = {
    "percent_off": {"percent": "20"},
    "amount_off": {"amount": 1000, "per": "unit"},
    "fixed_price": {"amount": 990},
    "buy_x_get_y": {"buy": 2, "get": 1, "percent": "100"},
    "nth_item": {"n": 2, "percent": "50"},
    "bundle_price": {"components": [["A", "B"], ["C"]], "price": 5000},
    "spend_threshold": {"tiers": [{"threshold": 5000, "amount": 1000},
                                  {"threshold": 10000, "percent": "15"}]},
    "free_delivery": {"methods": ["click_and_collect"]},
    "loyalty_multiplier": {"factor": "2"},
}  # fmt: skip


def _definition(kind: str) -> dict:
    return {
        "id": f"P-{kind}",
        "name": "Soldes",
        "action": {"kind": kind, **ACTIONS[kind]},
        "conditions": {
            "channels": ["store", "web"],
            "skus": ["A", "B", "C"],
            "weekdays": [0, 5],
            "hours": ["09:00", "12:30"],
            "min_cart": 2000,
            "first_order": True,
        },
        "priority": 3,
        "stacking_group": "soldes",
        "exclusive": False,
        "requires_coupon": True,
        "starts_at": "2026-12-01T00:00:00+01:00",
        "ends_at": "2027-01-01T00:00:00+01:00",
        "currency": "EUR",
        "max_uses": 100,
        "max_uses_per_customer": 1,
        "budget": 500000,
    }


def test_every_action_kind_is_covered() -> None:
    assert set(ACTIONS) == set(ACTION_KINDS)


@pytest.mark.parametrize("kind", ACTION_KINDS)
def test_round_trip(kind: str) -> None:
    data = _definition(kind)
    promotion = promotion_from_dict(data)
    assert promotion.action.kind == kind
    out = promotion_to_dict(promotion)
    assert out == data
    assert promotion_from_dict(out) == promotion


def test_defaults_are_filled_in() -> None:
    out = promotion_to_dict(
        promotion_from_dict({"id": "X", "action": {"kind": "percent_off", "percent": 10}})
    )
    assert out["conditions"] == {}
    assert out["priority"] == 0 and out["currency"] == "EUR" and out["exclusive"] is False
    assert out["action"] == {"kind": "percent_off", "percent": "10"}


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"action": {"kind": "percent_off", "percent": 120}}, "action.percent"),
        ({"action": {"kind": "percent_off"}}, "action.percent"),
        ({"action": {"kind": "teleport"}}, "action.kind"),
        ({"action": {"kind": "percent_off", "percent": 5, "pct": 5}}, "action.pct"),
        ({"colour": "red"}, "colour"),
        ({"starts_at": "2026-12-01T00:00:00"}, "starts_at"),
        ({"ends_at": "tomorrow"}, "ends_at"),
        ({"starts_at": "2026-12-02T00:00:00+00:00", "ends_at": "2026-12-01T00:00:00+00:00"}, "ends_at"),
        ({"conditions": {"channels": "web"}}, "conditions.channels"),
        ({"conditions": {"hours": ["9h", "12:00"]}}, "conditions.hours[0]"),
        ({"conditions": {"hours": ["09:00"]}}, "conditions.hours"),
        ({"conditions": {"weekdays": [7]}}, "conditions.weekdays"),
        ({"conditions": {"min_cart": -1}}, "conditions.min_cart"),
        ({"conditions": {"shops": ["x"]}}, "conditions.shops"),
        ({"max_uses": 0}, "max_uses"),
        ({"exclusive": "yes"}, "exclusive"),
        ({"action": {"kind": "spend_threshold", "tiers": [{"threshold": 100, "amount": 10, "percent": 5}]}},
         "action.tiers[0].amount"),
        ({"action": {"kind": "bundle_price", "components": [["A"], []], "price": 10}},
         "action.components[1]"),
        ({"action": {"kind": "nth_item", "n": 2, "percent": 50}}, "conditions.skus"),
    ],
)  # fmt: skip
def test_errors_name_the_field(change: dict, field: str) -> None:
    data = {"id": "X", "action": {"kind": "percent_off", "percent": 10}} | change
    with pytest.raises(InvalidPromotion) as error:
        promotion_from_dict(data)
    assert error.value.field == field

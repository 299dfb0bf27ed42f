"""Inconsistent promotion definitions are refused, naming the field."""

from __future__ import annotations

import random
from datetime import UTC, datetime, time
from decimal import Decimal
from typing import Any

import pytest

from omnicanal.pricing import (
    AmountOff,
    BundlePrice,
    BuyXGetY,
    Conditions,
    Coupon,
    FixedPrice,
    FreeDelivery,
    InvalidPromotion,
    LoyaltyMultiplier,
    NthItem,
    PercentOff,
    Promotion,
    PromotionSet,
    SpendThreshold,
    SpendTier,
    generate_coupon_codes,
)

T0 = datetime(2026, 3, 1, tzinfo=UTC)
ON_SHOES = Conditions(categories={"chaussures"})


def refused(build: Any) -> str | None:
    with pytest.raises(InvalidPromotion) as error:
        build()
    assert error.value.code == "invalid_promotion"
    return error.value.field


@pytest.mark.parametrize(
    ("build", "field"),
    [
        (lambda: PercentOff(Decimal("120")), "action.percent"),
        (lambda: PercentOff(Decimal("0")), "action.percent"),
        (lambda: PercentOff("-5"), "action.percent"),
        (lambda: PercentOff("12.345"), "action.percent"),
        (lambda: PercentOff("lots"), "action.percent"),
        (lambda: AmountOff(-500), "action.amount"),
        (lambda: AmountOff(0), "action.amount"),
        (lambda: AmountOff(10.5), "action.amount"),
        (lambda: AmountOff(500, per="line"), "action.per"),
        (lambda: FixedPrice(-1), "action.amount"),
        (lambda: BuyXGetY(1, 3), "action.get"),
        (lambda: BuyXGetY(0, 1), "action.buy"),
        (lambda: BuyXGetY(2, 0), "action.get"),
        (lambda: BuyXGetY(2, 1, Decimal("150")), "action.percent"),
        (lambda: NthItem(1, Decimal("50")), "action.n"),
        (lambda: BundlePrice((frozenset({"A"}),), 1000), "action.components"),
        (lambda: BundlePrice((frozenset({"A"}), frozenset()), 1000), "action.components[1]"),
        (lambda: BundlePrice((frozenset({"A"}), frozenset({"B"})), -1), "action.price"),
        (lambda: SpendThreshold(()), "action.tiers"),
        (
            lambda: SpendThreshold((SpendTier(5000, 500), SpendTier(5000, 800))),
            "action.tiers[1].threshold",
        ),
        (lambda: SpendThreshold((SpendTier(5000),)), "action.tiers[0].amount"),
        (lambda: SpendThreshold((SpendTier(5000, 500, Decimal(5)),)), "action.tiers[0].amount"),
        (lambda: SpendThreshold((SpendTier(5000, 6000),)), "action.tiers[0].amount"),
        (
            lambda: SpendThreshold((SpendTier(5000, percent=Decimal(101)),)),
            "action.tiers[0].percent",
        ),
        (lambda: FreeDelivery(frozenset()), "action.methods"),
        (lambda: FreeDelivery(frozenset({"drone"})), "action.methods"),
        (lambda: LoyaltyMultiplier(Decimal("1")), "action.factor"),
        (lambda: LoyaltyMultiplier(Decimal("0.5")), "action.factor"),
    ],
)
def test_a_bad_action_names_its_field(build: Any, field: str) -> None:
    assert refused(build) == field


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"channels": frozenset()}, "conditions.channels"),
        ({"skus": set()}, "conditions.skus"),
        ({"brands": "maison"}, "conditions.brands"),
        ({"weekdays": {7}}, "conditions.weekdays"),
        ({"hours": (time(10), time(10))}, "conditions.hours"),
        ({"hours": (time(10),)}, "conditions.hours"),
        ({"timezone": "Europe/Lutece"}, "conditions.timezone"),
        ({"min_cart": -100}, "conditions.min_cart"),
    ],
)
def test_bad_conditions_name_their_field(fields: dict[str, object], field: str) -> None:
    assert refused(lambda: Conditions(**fields)) == field  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"id": ""}, "id"),
        ({"starts_at": T0, "ends_at": T0}, "ends_at"),
        ({"starts_at": datetime(2026, 3, 1)}, "starts_at"),
        ({"currency": "euro"}, "currency"),
        ({"max_uses": 0}, "max_uses"),
        ({"max_uses_per_customer": -1}, "max_uses_per_customer"),
        ({"budget": 0}, "budget"),
        ({"priority": "high"}, "priority"),
        ({"action": "10 %"}, "action"),
    ],
)
def test_bad_promotion_fields_are_named(fields: dict[str, object], field: str) -> None:
    definition = {"id": "p", "action": PercentOff(Decimal(10)), **fields}
    assert refused(lambda: Promotion(**definition)) == field  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "action", [FixedPrice(1000), BuyXGetY(2, 1), NthItem(2, Decimal(50))], ids=lambda a: a.kind
)
def test_actions_on_units_need_the_products_they_apply_to(action: Any) -> None:
    assert refused(lambda: Promotion("p", action)) == "conditions.skus"
    assert Promotion("p", action, ON_SHOES).conditions.categories == frozenset({"chaussures"})


def test_a_promotion_id_is_given_once() -> None:
    promotion = Promotion("p", PercentOff(Decimal(10)))
    assert refused(lambda: PromotionSet([promotion, promotion])) == "id"


def test_values_are_normalised_as_they_are_read() -> None:
    assert PercentOff(10).percent == Decimal(10) and PercentOff("12.5").basis_points == 1250
    assert Conditions(categories={"/mode/femme/"}, channels=["web"]).categories == {"mode/femme"}
    assert Coupon(" welcome 10 ", "p").code == "WELCOME10"


@pytest.mark.parametrize(
    ("fields", "field"),
    [({"code": " "}, "code"), ({"promotion_id": ""}, "promotion_id"),
     ({"max_redemptions": 0}, "max_redemptions"),
     ({"valid_from": T0, "valid_until": T0}, "valid_until")],
)  # fmt: skip
def test_a_bad_coupon_names_its_field(fields: dict[str, object], field: str) -> None:
    definition = {"code": "C", "promotion_id": "p", **fields}
    assert refused(lambda: Coupon(**definition)) == field  # type: ignore[arg-type]


def test_coupon_codes_are_generated_in_bulk_distinct_and_reproducibly() -> None:
    codes = generate_coupon_codes(1000, random.Random(7), prefix="soldes")
    assert len(set(codes)) == 1000 and all(c.startswith("SOLDES-") and len(c) == 15 for c in codes)
    assert codes == generate_coupon_codes(1000, random.Random(7), prefix="soldes")
    assert not {"0", "O", "1", "I"} & set("".join(c[7:] for c in codes))
    again = generate_coupon_codes(10, random.Random(7), prefix="soldes", existing=codes[:5])
    assert not set(again) & set(codes[:5])

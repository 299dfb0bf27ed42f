"""The promotion index: a cart checks only the promotions that can apply to it."""

from __future__ import annotations

from decimal import Decimal

from omnicanal.pricing import AmountOff, Conditions, PercentOff, Promotion, PromotionSet

TEN = PercentOff(Decimal(10))
PROMOTIONS = PromotionSet([
    Promotion("all", TEN),
    Promotion("sku", TEN, Conditions(skus={"A"})),
    Promotion("other-sku", TEN, Conditions(skus={"Z"})),
    Promotion("category", TEN, Conditions(categories={"mode/femme"})),
    Promotion("other-category", TEN, Conditions(categories={"maison"})),
    Promotion("brand", TEN, Conditions(brands={"partner"})),
    Promotion("web", AmountOff(100), Conditions(channels={"web"})),
    Promotion("store", AmountOff(100), Conditions(channels={"store"})),
    Promotion("coupon", AmountOff(100), requires_coupon=True),
    Promotion("first", TEN, priority=9),
])  # fmt: skip


def ids(**keys: object) -> list[str]:
    keys = {
        "skus": (),
        "categories": (),
        "brands": (),
        "channel": None,
        "coupon_promotions": (),
        **keys,
    }
    return [p.id for p in PROMOTIONS.candidates(**keys)]  # type: ignore[arg-type]


def test_a_cart_reaches_the_promotions_of_its_skus_categories_brands_channel_and_coupons() -> None:
    assert ids() == ["first", "all"]
    found = ids(skus={"A"}, categories={"mode", "mode/femme", "mode/femme/robes"}, brands={"partner"},
                channel="web", coupon_promotions={"coupon"})  # fmt: skip
    assert found == [
        "first",
        "all",
        "brand",
        "category",
        "coupon",
        "sku",
        "web",
    ]  # application order


def test_without_the_index_every_promotion_is_checked() -> None:
    every = PromotionSet(PROMOTIONS.promotions, indexed=False)
    assert len(every.candidates((), (), (), None, ())) == len(PROMOTIONS) == 10

"""The buy box rule: eligibility, ranking, the brand's tolerance, and its explanation."""

from decimal import Decimal

import pytest
from pydantic import ValidationError

from omnicanal.catalog.buybox import BuyBoxReason, Exclusion, MixedCurrencies, Offer, select_buy_box
from omnicanal.config import Settings


def offer(offer_id: str, price: int, **kwargs) -> Offer:  # type: ignore[no-untyped-def]
    values = {
        "is_brand": False,
        "currency": "EUR",
        "stock": 3,
        "delivery_days": 2,
        "rating_tenths": 45,
    }
    values.update(kwargs)
    return Offer(offer_id=offer_id, price_minor=price, **values)


def test_no_offer_features_nothing() -> None:
    box = select_buy_box([])
    assert box.winner_id is None and box.reason == BuyBoxReason.NO_ELIGIBLE_OFFER


def test_all_out_of_stock_or_inactive_features_nothing_and_says_why() -> None:
    box = select_buy_box([offer("a", 1000, stock=0), offer("b", 900, active=False)])
    assert box.winner_id is None and box.reason == BuyBoxReason.NO_ELIGIBLE_OFFER
    assert box.excluded == {"a": Exclusion.OUT_OF_STOCK, "b": Exclusion.INACTIVE}


def test_a_single_offer_in_stock_is_featured_as_the_only_one() -> None:
    box = select_buy_box([offer("a", 1000), offer("b", 500, stock=0)])
    assert (box.winner_id, box.reason) == ("a", BuyBoxReason.ONLY_OFFER)
    assert box.runner_up_id is None and box.excluded == {"b": Exclusion.OUT_OF_STOCK}


def test_the_lowest_landed_price_wins_counting_the_delivery_fee() -> None:
    box = select_buy_box([offer("a", 1000, shipping_minor=300), offer("b", 1200)])
    assert (box.winner_id, box.reason) == ("b", BuyBoxReason.LOWEST_PRICE)
    assert (box.winner_landed_minor, box.runner_up_landed_minor) == (1200, 1300)


def test_on_equal_price_the_shorter_delivery_promise_wins() -> None:
    box = select_buy_box([offer("a", 1000, delivery_days=5), offer("b", 1000, delivery_days=1)])
    assert (box.winner_id, box.reason) == ("b", BuyBoxReason.FASTER_DELIVERY)


def test_on_equal_price_and_delivery_the_better_rating_wins_and_unrated_ranks_last() -> None:
    box = select_buy_box([offer("a", 1000, rating_tenths=None), offer("b", 1000, rating_tenths=0)])
    assert (box.winner_id, box.reason) == ("b", BuyBoxReason.BETTER_RATING)
    box = select_buy_box([offer("a", 1000, rating_tenths=41), offer("b", 1000, rating_tenths=42)])
    assert (box.winner_id, box.reason) == ("b", BuyBoxReason.BETTER_RATING)


def test_a_perfect_tie_is_broken_by_offer_id_whatever_the_order() -> None:
    offers = [offer("off_b", 1000), offer("off_a", 1000)]
    for ordering in (offers, offers[::-1]):
        box = select_buy_box(ordering)
        assert (box.winner_id, box.reason) == ("off_a", BuyBoxReason.TIE_BREAK)


def test_brand_just_inside_the_tolerance_keeps_the_lead() -> None:
    # 5 % over 10.00 is 10.50: the brand at exactly 10.50 keeps the box.
    box = select_buy_box([offer("brand", 1050, is_brand=True), offer("s", 1000)], 5)
    assert (box.winner_id, box.reason) == ("brand", BuyBoxReason.BRAND_WITHIN_TOLERANCE)
    assert box.best_third_party_landed_minor == 1000 and box.brand_landed_minor == 1050
    assert box.brand_ceiling_minor == Decimal("1050") and box.runner_up_id == "s"


def test_brand_just_outside_the_tolerance_loses_to_the_cheaper_seller() -> None:
    box = select_buy_box([offer("brand", 1051, is_brand=True), offer("s", 1000)], 5)
    assert (box.winner_id, box.reason) == ("s", BuyBoxReason.LOWEST_PRICE)
    assert box.runner_up_id == "brand"


def test_fractional_tolerance_is_exact() -> None:
    box = select_buy_box([offer("brand", 1026, is_brand=True), offer("s", 1000)], Decimal("2.5"))
    assert box.winner_id == "s"
    box = select_buy_box([offer("brand", 1025, is_brand=True), offer("s", 1000)], Decimal("2.5"))
    assert box.winner_id == "brand"


def test_zero_tolerance_still_lets_the_brand_win_a_price_tie() -> None:
    box = select_buy_box(
        [offer("s", 1000, delivery_days=1), offer("brand", 1000, is_brand=True, delivery_days=4)],
        0,
    )
    assert (box.winner_id, box.reason) == ("brand", BuyBoxReason.BRAND_WITHIN_TOLERANCE)


def test_brand_cheapest_wins_on_price_not_on_tolerance() -> None:
    box = select_buy_box([offer("brand", 900, is_brand=True), offer("s", 1000)])
    assert (box.winner_id, box.reason) == ("brand", BuyBoxReason.LOWEST_PRICE)


def test_brand_out_of_stock_does_not_keep_the_lead() -> None:
    box = select_buy_box([offer("brand", 1000, is_brand=True, stock=0), offer("s", 1010)])
    assert (box.winner_id, box.reason) == ("s", BuyBoxReason.ONLY_OFFER)
    assert box.brand_landed_minor is None


def test_without_third_party_the_best_brand_offer_wins() -> None:
    box = select_buy_box([offer("web", 1000, is_brand=True), offer("hq", 990, is_brand=True)])
    assert (box.winner_id, box.reason) == ("hq", BuyBoxReason.LOWEST_PRICE)
    assert box.brand_ceiling_minor is None


def test_different_currencies_are_refused_naming_them() -> None:
    with pytest.raises(MixedCurrencies, match="CHF, EUR"):
        select_buy_box([offer("a", 1000), offer("b", 900, currency="CHF")])


def test_a_negative_tolerance_is_refused() -> None:
    with pytest.raises(ValueError, match="tolerance"):
        select_buy_box([offer("a", 1000)], -1)


@pytest.mark.parametrize("value", ["-1", "101", "five"])
def test_the_tolerance_setting_is_checked_at_start(value: str, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("OMNICANAL_BUYBOX_BRAND_TOLERANCE_PERCENT", value)
    with pytest.raises(ValidationError, match="buybox_brand_tolerance_percent"):
        Settings(_env_file=None)  # type: ignore[call-arg]


def test_the_tolerance_setting_defaults_to_five_percent(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.delenv("OMNICANAL_BUYBOX_BRAND_TOLERANCE_PERCENT", raising=False)
    assert Settings(_env_file=None).buybox_brand_tolerance_percent == Decimal(5)  # type: ignore[call-arg]

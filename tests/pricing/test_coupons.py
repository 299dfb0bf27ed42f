"""Coupons: a code unlocks its promotion; every refusal has a clear code."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from omnicanal.pricing import AmountOff, Conditions, Coupon, PercentOff, Promotion, Usage

from .builders import AT, cart, discounts, line, price

CART = cart(line("A", 10_000))
WELCOME = Promotion("welcome", AmountOff(1000), requires_coupon=True)
KNOWN = [Coupon("WELCOME10", "welcome"), Coupon("VIP-X7K2", "welcome", customer_id="c1"),
         Coupon("SPRING", "welcome", valid_from=AT + timedelta(days=1)),
         Coupon("WINTER", "welcome", valid_until=AT),
         Coupon("SHARED", "welcome", max_redemptions=None)]  # fmt: skip


def refusals(
    *typed: str, promotions: list[Promotion] | None = None, **fields: object
) -> list[tuple[str, str | None]]:
    q = price(CART, promotions or [WELCOME], coupons=typed, known_coupons=KNOWN, **fields)
    return [(r.code, r.coupon) for r in q.refusals]


def test_a_coupon_unlocks_its_promotion_typed_in_any_case_and_spacing() -> None:
    q = price(CART, [WELCOME], coupons=[" welcome 10"], known_coupons=KNOWN)
    assert discounts(q) == {"welcome": 1000} and q.coupons_applied == ("WELCOME10",)
    assert q.adjustments[0].coupon == "WELCOME10" and q.refusals == ()


def test_a_promotion_that_needs_a_coupon_does_not_apply_without_it() -> None:
    assert price(CART, [WELCOME], known_coupons=KNOWN).adjustments == ()


def test_an_unknown_code_is_refused() -> None:
    assert refusals("NOPE") == [("coupon_unknown", "NOPE")]


def test_a_code_whose_promotion_is_no_longer_offered_is_unknown() -> None:
    assert refusals("WELCOME10", promotions=[Promotion("other", AmountOff(1))]) == [
        ("coupon_unknown", "WELCOME10")
    ]


def test_an_expired_code_and_a_code_not_yet_valid_are_refused() -> None:
    assert refusals("WINTER") == [("coupon_expired", "WINTER")]
    assert refusals("SPRING") == [("coupon_not_yet_valid", "SPRING")]


def test_a_code_is_expired_when_its_promotion_has_ended() -> None:
    ended = Promotion("welcome", AmountOff(1000), requires_coupon=True, ends_at=AT)
    assert refusals("WELCOME10", promotions=[ended]) == [("coupon_expired", "WELCOME10")]


def test_a_single_use_code_already_redeemed_is_refused() -> None:
    used = Usage(coupon_redemptions={"WELCOME10": 1})
    assert refusals("WELCOME10", usage=used) == [("coupon_already_used", "WELCOME10")]


def test_a_shared_code_can_be_redeemed_any_number_of_times() -> None:
    assert refusals("SHARED", usage=Usage(coupon_redemptions={"SHARED": 10_000})) == []


def test_a_code_given_to_one_customer_is_refused_to_anyone_else() -> None:
    assert refusals("VIP-X7K2", customer_id="c2") == [("coupon_other_customer", "VIP-X7K2")]
    assert refusals("VIP-X7K2") == [("coupon_other_customer", "VIP-X7K2")]
    assert refusals("VIP-X7K2", customer_id="c1") == []


def test_two_codes_for_one_promotion_use_the_first() -> None:
    q = price(CART, [WELCOME], coupons=["WELCOME10", "SHARED"], known_coupons=KNOWN)
    assert discounts(q) == {"welcome": 1000}
    assert [(r.code, r.coupon) for r in q.refusals] == [("coupon_duplicate", "SHARED")]


def test_a_valid_code_whose_conditions_fail_says_which() -> None:
    guarded = Promotion(
        "welcome", AmountOff(1000), Conditions(min_cart=20_000), requires_coupon=True
    )
    q = price(CART, [guarded], coupons=["WELCOME10"], known_coupons=KNOWN)
    assert [(r.code, r.params) for r in q.refusals] == [
        ("coupon_not_applicable", {"condition": "min_cart"})
    ]


def test_a_valid_code_on_products_not_in_the_cart_is_not_applicable() -> None:
    shoes = Promotion(
        "welcome", PercentOff(Decimal(10)), Conditions(skus={"SHOE"}), requires_coupon=True
    )
    q = price(CART, [shoes], coupons=["WELCOME10"], known_coupons=KNOWN)
    assert [(r.code, r.params) for r in q.refusals] == [
        ("coupon_not_applicable", {"condition": "products"})
    ]


def test_a_valid_code_stopped_by_an_exclusive_promotion_is_not_combinable() -> None:
    solo = Promotion("solo", PercentOff(Decimal(20)), exclusive=True, priority=9)
    assert refusals("WELCOME10", promotions=[solo, WELCOME]) == [("not_combinable", "WELCOME10")]


def test_a_coupon_may_also_be_given_as_a_mapping_by_code() -> None:
    q = price(CART, [WELCOME], coupons=["welcome10"], known_coupons={c.code: c for c in KNOWN})
    assert q.discount == 1000


def test_a_code_out_of_its_dates_gives_the_instant_that_counts() -> None:
    ends_first = Promotion(
        "welcome", AmountOff(1000), requires_coupon=True, ends_at=AT - timedelta(days=2)
    )
    late = [Coupon("LATE", "welcome", valid_until=AT - timedelta(days=1))]
    q = price(CART, [ends_first], coupons=["LATE"], known_coupons=late)
    assert [(r.code, r.params) for r in q.refusals] == [
        ("coupon_expired", {"valid_until": AT - timedelta(days=2)})
    ]
    starts_last = Promotion(
        "welcome", AmountOff(1000), requires_coupon=True, starts_at=AT + timedelta(days=3)
    )
    early = [Coupon("EARLY", "welcome", valid_from=AT + timedelta(days=1))]
    q = price(CART, [starts_last], coupons=["EARLY"], known_coupons=early)
    assert [(r.code, r.params) for r in q.refusals] == [
        ("coupon_not_yet_valid", {"valid_from": AT + timedelta(days=3)})
    ]


def test_a_refused_code_carries_what_its_sentence_needs() -> None:
    used = Usage(coupon_redemptions={"WELCOME10": 1})
    q = price(CART, [WELCOME], coupons=["WELCOME10"], known_coupons=KNOWN, usage=used)
    assert q.refusals[0].params == {"max_redemptions": 1}
    q = price(CART, [WELCOME], coupons=["VIP-X7K2"], known_coupons=KNOWN)
    assert q.refusals[0].params == {"identified": False}
    q = price(CART, [WELCOME], coupons=["VIP-X7K2"], known_coupons=KNOWN, customer_id="c2")
    assert q.refusals[0].params == {"identified": True}
    q = price(CART, [WELCOME], coupons=["WELCOME10", "SHARED"], known_coupons=KNOWN)
    assert q.refusals[0].params == {"kept": "WELCOME10"}

"""Each action: what it gives, on which lines, and that it never takes a line below zero."""

from __future__ import annotations

from decimal import Decimal

from omnicanal.pricing import (
    AmountOff,
    BundlePrice,
    BuyXGetY,
    CartLine,
    Conditions,
    Delivery,
    FixedPrice,
    FreeDelivery,
    LoyaltyMultiplier,
    LoyaltyRules,
    NthItem,
    PercentOff,
    Promotion,
    SpendThreshold,
    SpendTier,
)

from .builders import cart, discounts, line, price

TEES = Conditions(categories={"mode/tee-shirts"})


def tee(sku: str, amount: int, quantity: int = 1) -> CartLine:
    return line(sku, amount, quantity, category="mode/tee-shirts")


def test_percent_off_every_eligible_line() -> None:
    q = price(cart(line("A", 1999), line("B", 501)), [Promotion("p", PercentOff(Decimal(20)))])
    assert [ln.total for ln in q.lines] == [1599, 401]  # 20 % of 25.00 € is 5.00 €: 4.00 + 1.00
    assert q.adjustments[0].params == {"percent": Decimal(20)} and q.items_total == 2000


def test_percent_off_rounds_once_for_the_promotion() -> None:
    # 10 % of three lines at 0.05 € is 1.5 cents: 2 cents in all, not three times 1 (or 0)
    q = price(cart(line("A", 5), line("B", 5), line("C", 5)), [Promotion("p", PercentOff(10))])
    assert q.discount == 2 and [ln.discount for ln in q.lines] == [1, 1, 0]


def test_amount_off_the_order_is_spread_in_proportion_to_the_lines() -> None:
    q = price(cart(line("A", 3000), line("B", 1000)), [Promotion("p", AmountOff(1000))])
    assert [ln.discount for ln in q.lines] == [750, 250] and q.items_total == 3000


def test_amount_off_never_exceeds_what_the_lines_cost() -> None:
    q = price(cart(line("A", 300)), [Promotion("p", AmountOff(1000))])
    assert q.items_total == 0 and q.adjustments[0].params["amount"] == 300


def test_amount_off_each_unit() -> None:
    q = price(
        cart(line("A", 1000, 3), line("B", 200)), [Promotion("p", AmountOff(300, per="unit"))]
    )
    assert [ln.discount for ln in q.lines] == [900, 200]


def test_fixed_price_only_lowers_a_price() -> None:
    promotion = Promotion("p", FixedPrice(1500), TEES)
    q = price(cart(tee("T1", 2500, 2), tee("T2", 1200), line("JEANS", 6000)), [promotion])
    assert [ln.total for ln in q.lines] == [3000, 1200, 6000]


def test_buy_two_get_one_free_applies_to_the_cheapest_unit() -> None:
    promotion = Promotion("p", BuyXGetY(2, 1), TEES)
    q = price(cart(tee("T1", 3000), tee("T2", 1000), tee("T3", 2000)), [promotion])
    assert {ln.sku: ln.discount for ln in q.lines} == {"T1": 0, "T2": 1000, "T3": 0}
    assert q.adjustments[0].params == {"buy": 2, "get": 1, "percent": Decimal(100)}


def test_buy_two_get_one_counts_full_groups_only() -> None:
    promotion = Promotion("p", BuyXGetY(2, 1), TEES)
    assert price(cart(tee("T", 1000, 2)), [promotion]).discount == 0
    assert price(cart(tee("T", 1000, 5)), [promotion]).discount == 1000  # one full group of 3
    assert price(cart(tee("T", 1000, 6)), [promotion]).discount == 2000


def test_buy_x_get_y_ranks_units_most_expensive_first_in_groups() -> None:
    # units 50, 40, 30 | 20, 10, 5: the cheapest of each group of three is free
    items = [
        tee("A", 5000),
        tee("B", 4000),
        tee("C", 3000),
        tee("D", 2000),
        tee("E", 1000),
        tee("F", 500),
    ]
    q = price(cart(*items), [Promotion("p", BuyXGetY(2, 1), TEES)])
    assert {ln.sku for ln in q.lines if ln.discount} == {"C", "F"} and q.discount == 3500


def test_buy_one_get_one_at_half_price() -> None:
    q = price(cart(tee("T", 1999, 2)), [Promotion("p", BuyXGetY(1, 1, Decimal(50)), TEES)])
    assert q.discount == 1000  # half of 19.99 € is 9.995 €, rounded up


def test_second_item_at_half_price() -> None:
    q = price(
        cart(tee("T1", 3000), tee("T2", 2000, 2)), [Promotion("p", NthItem(2, Decimal(50)), TEES)]
    )
    # units 30, 20, 20: the second (20) is at -50 %; the third opens a new pair
    assert q.discount == 1000 and [ln.discount for ln in q.lines] == [0, 1000]


def test_every_third_item_free_on_a_line_with_an_awkward_quantity() -> None:
    # a line already discounted to an amount that does not divide by its quantity
    promotions = [Promotion("first", PercentOff(Decimal(10)), priority=1),
                  Promotion("third", NthItem(3, Decimal(100)), TEES)]  # fmt: skip
    q = price(cart(tee("T", 1000, 7)), promotions)
    # 7 units at 9.00 € after 10 %: two are free
    assert q.lines[0].total == 7000 - 700 - 1800


def test_bundle_price_for_one_unit_of_each_component() -> None:
    suit = BundlePrice((frozenset({"JACKET"}), frozenset({"TROUSERS"})), 19900)
    q = price(cart(line("JACKET", 15900, 2), line("TROUSERS", 8900), line("TIE", 3000)),
              [Promotion("suit", suit)])  # fmt: skip
    assert q.adjustments[0].params == {"price": 19900, "bundles": 1}
    assert q.discount == 15900 + 8900 - 19900
    assert q.lines[0].total + q.lines[1].total == 15900 + 19900  # one jacket alone stays full price
    assert q.lines[2].discount == 0


def test_three_for_the_price_of_a_bundle_from_one_set() -> None:
    socks = frozenset({"S1", "S2"})
    q = price(
        cart(line("S1", 800, 2), line("S2", 600, 2)),
        [Promotion("p", BundlePrice((socks,) * 3, 1500))],
    )
    # the three most expensive units (8, 8, 6) make the bundle; the fourth is alone
    assert q.discount == 800 + 800 + 600 - 1500 and q.items_total == 1500 + 600


def test_a_bundle_that_would_cost_more_than_its_units_is_not_made() -> None:
    bundle = BundlePrice((frozenset({"A"}), frozenset({"B"})), 5000)
    assert price(cart(line("A", 2000), line("B", 2000)), [Promotion("p", bundle)]).adjustments == ()


def test_spend_thresholds_give_the_highest_tier_reached() -> None:
    tiers = SpendThreshold(
        (SpendTier(5000, 500), SpendTier(10_000, 1500), SpendTier(20_000, percent=Decimal(10)))
    )
    promotion = Promotion("p", tiers)
    assert price(cart(line("A", 4999)), [promotion]).discount == 0
    assert price(cart(line("A", 7000)), [promotion]).discount == 500
    assert price(cart(line("A", 6000), line("B", 6000)), [promotion]).discount == 1500
    q = price(cart(line("A", 25_000)), [promotion])
    assert q.discount == 2500 and q.adjustments[0].params["threshold"] == 20_000


def test_spend_thresholds_count_only_the_eligible_lines() -> None:
    promotion = Promotion("p", SpendThreshold((SpendTier(5000, 1000),)), TEES)
    assert price(cart(tee("T", 3000), line("JEANS", 9000)), [promotion]).discount == 0
    q = price(cart(tee("T", 3000, 2), line("JEANS", 9000)), [promotion])
    assert q.lines[0].discount == 1000 and q.lines[1].discount == 0


def test_free_delivery_waives_the_fee_of_the_methods_named() -> None:
    home = cart(line("A", 3000), delivery=Delivery("delivery", 490))
    collect = cart(line("A", 3000), delivery=Delivery("click_and_collect", 200))
    free_home = Promotion("p", FreeDelivery(frozenset({"delivery"})), Conditions(min_cart=2500))
    q = price(home, [free_home])
    assert (q.delivery_fee, q.delivery_discount, q.total, q.items_total) == (490, 490, 3000, 3000)
    assert q.adjustments[0].target == "delivery"
    assert price(collect, [free_home]).delivery_discount == 0
    assert price(collect, [Promotion("p", FreeDelivery())]).total == 3000


def test_free_delivery_is_given_once() -> None:
    promotions = [Promotion("a", FreeDelivery()), Promotion("b", FreeDelivery())]
    q = price(cart(line("A", 3000), delivery=Delivery("delivery", 490)), promotions)
    assert discounts(q) == {"a": 490}


def test_loyalty_points_are_earned_on_what_is_paid_and_multiplied_on_eligible_lines() -> None:
    promotions = [Promotion("x2", LoyaltyMultiplier(Decimal(2)), TEES),
                  Promotion("ten", PercentOff(Decimal(10)), priority=1)]  # fmt: skip
    q = price(cart(tee("T", 2000), line("JEANS", 5000)), promotions, loyalty=LoyaltyRules())
    # paid 18 € on tee-shirts (×2) and 45 € on jeans: 36 + 45 points
    assert q.loyalty_points == 81 and discounts(q) == {"ten": 700, "x2": 0}


def test_multipliers_do_not_compound_the_highest_wins() -> None:
    promotions = [Promotion("x2", LoyaltyMultiplier(2)), Promotion("x3", LoyaltyMultiplier(3))]
    assert price(cart(line("A", 1000)), promotions, loyalty=LoyaltyRules()).loyalty_points == 30


def test_no_loyalty_rules_no_points() -> None:
    assert price(cart(line("A", 1000)), []).loyalty_points == 0


def test_every_adjustment_names_its_promotion_and_reason_on_each_line() -> None:
    promotion = Promotion("spring", PercentOff(Decimal(15)), name="Printemps")
    q = price(cart(line("A", 2000), line("B", 1000)), [promotion])
    assert [(a.promotion_id, a.name, a.reason, a.lines) for a in q.adjustments] == [
        ("spring", "Printemps", "percent_off", (0, 1))
    ]
    assert [adj.amount for ln in q.lines for adj in ln.adjustments] == [300, 150]
    assert q.lines[0].unit_net == 1700

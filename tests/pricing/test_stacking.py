"""Order of application, stacking groups, exclusivity, usage limits and budgets."""

from __future__ import annotations

from decimal import Decimal

from omnicanal.pricing import AmountOff, Conditions, PercentOff, Promotion, Usage

from .builders import cart, discounts, line, price

CART = cart(line("A", 10_000))


def test_promotions_apply_by_priority_then_id_whatever_their_input_order() -> None:
    promotions = [Promotion("b", AmountOff(1000)), Promotion("a", PercentOff(Decimal(10))),
                  Promotion("z", PercentOff(Decimal(50)), priority=5)]  # fmt: skip
    q = price(CART, promotions)
    assert [a.promotion_id for a in q.adjustments] == ["z", "a", "b"]
    # 50 % of 100 € = 50, then 10 % of 50 € = 5, then 10 €: each on the cart as it stands
    assert discounts(q) == {"z": 5000, "a": 500, "b": 1000}
    assert price(CART, list(reversed(promotions))) == q


def test_only_the_first_applicable_promotion_of_a_stacking_group_applies() -> None:
    promotions = [Promotion("big", PercentOff(Decimal(30)), stacking_group="sales", priority=2),
                  Promotion("small", PercentOff(Decimal(10)), stacking_group="sales", priority=1),
                  Promotion("other", AmountOff(500))]  # fmt: skip
    q = price(CART, promotions)
    assert discounts(q) == {"big": 3000, "other": 500}
    assert [(r.code, r.promotion_id) for r in q.refusals] == [("stacking_group_taken", "small")]


def test_a_group_member_whose_conditions_fail_leaves_the_group_free() -> None:
    promotions = [Promotion("vip", PercentOff(Decimal(30)), Conditions(segments={"vip"}),
                            stacking_group="sales", priority=2),
                  Promotion("all", PercentOff(Decimal(10)), stacking_group="sales")]  # fmt: skip
    assert discounts(price(CART, promotions)) == {"all": 1000}


def test_an_exclusive_promotion_stops_the_ones_after_it() -> None:
    promotions = [Promotion("solo", PercentOff(Decimal(20)), exclusive=True, priority=9),
                  Promotion("extra", AmountOff(500))]  # fmt: skip
    q = price(CART, promotions)
    assert discounts(q) == {"solo": 2000}
    assert [(r.code, r.promotion_id) for r in q.refusals] == [("not_combinable", "extra")]


def test_an_exclusive_promotion_does_not_apply_on_top_of_an_earlier_one() -> None:
    promotions = [Promotion("first", AmountOff(500), priority=9),
                  Promotion("solo", PercentOff(Decimal(20)), exclusive=True)]  # fmt: skip
    q = price(CART, promotions)
    assert discounts(q) == {"first": 500}
    assert [(r.code, r.promotion_id) for r in q.refusals] == [("not_combinable", "solo")]


def test_an_exclusive_promotion_that_gives_nothing_stops_nothing() -> None:
    promotions = [Promotion("solo", PercentOff(Decimal(20)), Conditions(skus={"ZZZ"}), exclusive=True,
                            priority=9),
                  Promotion("extra", AmountOff(500))]  # fmt: skip
    assert discounts(price(CART, promotions)) == {"extra": 500}


def test_a_promotion_used_up_overall_is_refused() -> None:
    promotion = Promotion("p", AmountOff(500), max_uses=100)
    assert discounts(price(CART, [promotion], usage=Usage(uses={"p": 99}))) == {"p": 500}
    q = price(CART, [promotion], usage=Usage(uses={"p": 100}))
    assert q.adjustments == () and q.refusals[0].code == "usage_limit_reached"


def test_a_per_customer_limit_needs_a_known_customer_and_counts_theirs() -> None:
    promotion = Promotion("p", AmountOff(500), max_uses_per_customer=1)
    assert price(CART, [promotion]).refusals[0].code == "customer_required"
    assert discounts(price(CART, [promotion], customer_id="c1")) == {"p": 500}
    used = price(CART, [promotion], customer_id="c1", usage=Usage(customer_uses={"p": 1}))
    assert used.refusals[0].code == "customer_limit_reached" and used.discount == 0


def test_a_promotion_over_its_budget_is_refused() -> None:
    promotion = Promotion("p", PercentOff(Decimal(10)), budget=100_000)
    assert discounts(price(CART, [promotion], usage=Usage(budget_spent={"p": 99_000}))) == {
        "p": 1000
    }
    q = price(CART, [promotion], usage=Usage(budget_spent={"p": 99_001}))
    assert q.discount == 0 and q.refusals[0].code == "budget_exhausted"
    spent = price(CART, [promotion], usage=Usage(budget_spent={"p": 100_000}))
    assert spent.refusals[0].code == "budget_exhausted"


def test_a_refused_promotion_leaves_its_stacking_group_to_the_next() -> None:
    promotions = [Promotion("capped", PercentOff(Decimal(30)), stacking_group="g", priority=1, max_uses=1),
                  Promotion("next", PercentOff(Decimal(10)), stacking_group="g")]  # fmt: skip
    q = price(CART, promotions, usage=Usage(uses={"capped": 1}))
    assert discounts(q) == {"next": 1000}


def test_promotions_in_another_currency_do_not_apply() -> None:
    assert price(CART, [Promotion("chf", AmountOff(500), currency="CHF")]).adjustments == ()


def test_a_stopped_promotion_says_which_promotion_or_limit_stopped_it() -> None:
    grouped = [Promotion("big", PercentOff(Decimal(30)), name="Soldes", stacking_group="sales", priority=2),
               Promotion("small", PercentOff(Decimal(10)), stacking_group="sales")]  # fmt: skip
    assert price(CART, grouped).refusals[0].params == {
        "group": "sales", "taken_by": "Soldes", "promotion": "small"
    }  # fmt: skip
    solo = Promotion("solo", PercentOff(Decimal(20)), exclusive=True, priority=9)
    late = Promotion("late", AmountOff(500), name="Fidélité")
    assert price(CART, [solo, late]).refusals[0].params == {
        "exclusive": "other", "other": "solo", "promotion": "Fidélité"
    }  # fmt: skip
    early = Promotion("early", AmountOff(500), priority=10)
    assert price(CART, [solo, early]).refusals[0].params == {
        "exclusive": "self", "promotion": "solo"
    }  # fmt: skip


def test_a_promotion_stopped_by_a_limit_gives_the_limit() -> None:
    capped = Promotion("p", AmountOff(500), max_uses=100, max_uses_per_customer=2)
    assert price(CART, [capped], usage=Usage(uses={"p": 100})).refusals[0].params == {
        "max_uses": 100, "promotion": "p"
    }  # fmt: skip
    used = price(CART, [capped], customer_id="c1", usage=Usage(customer_uses={"p": 2}))
    assert used.refusals[0].params == {"max_uses_per_customer": 2, "promotion": "p"}
    budgeted = Promotion("p", PercentOff(Decimal(10)), budget=100_000)
    short = price(CART, [budgeted], usage=Usage(budget_spent={"p": 99_400}))
    assert short.refusals[0].params == {"budget": 100_000, "remaining": 600, "promotion": "p"}
    spent = price(CART, [budgeted], usage=Usage(budget_spent={"p": 100_000}))
    assert spent.refusals[0].params["remaining"] == 0

"""Invariants over random carts and promotions: totals equal the sum of the lines to the cent,
no line below zero, the same price on every channel unless a rule names one, and the index
changes nothing but speed."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from omnicanal.pricing import (
    AmountOff,
    BundlePrice,
    BuyXGetY,
    Cart,
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
    PromotionSet,
    Quote,
    SpendThreshold,
    SpendTier,
    quote,
)
from omnicanal.pricing.engine import _State

from .builders import context

SKUS = [f"S{i}" for i in range(8)]
CATEGORIES = ["mode", "mode/femme", "mode/homme", "maison/cuisine"]
BRANDS = ["maison", "partner"]

percents = st.integers(1, 10_000).map(lambda bp: Decimal(bp) / 100)
lines = st.builds(
    CartLine, st.sampled_from(SKUS), st.integers(1, 12), st.integers(0, 200_000), st.just("EUR"),
    st.sampled_from(CATEGORIES), st.sampled_from(BRANDS),
)  # fmt: skip
carts = st.builds(
    Cart, st.lists(lines, min_size=1, max_size=20).map(tuple), st.just("EUR"),
    st.none() | st.builds(Delivery, st.sampled_from(["delivery", "click_and_collect"]), st.integers(0, 990)),
)  # fmt: skip
targets = st.one_of(
    st.builds(Conditions, skus=st.sets(st.sampled_from(SKUS), min_size=1, max_size=3)),
    st.builds(Conditions, categories=st.sets(st.sampled_from(CATEGORIES), min_size=1, max_size=2)),
    st.builds(Conditions, brands=st.sets(st.sampled_from(BRANDS), min_size=1, max_size=1)),
)
tiers = st.lists(st.integers(1, 100_000), min_size=1, max_size=3, unique=True).map(
    lambda ts: tuple(SpendTier(t, amount=max(1, t // 10)) for t in sorted(ts))
)
components = st.lists(
    st.sets(st.sampled_from(SKUS), min_size=1, max_size=3), min_size=2, max_size=3
)
open_actions = st.one_of(
    st.builds(PercentOff, percents),
    st.builds(AmountOff, st.integers(1, 50_000), st.sampled_from(["order", "unit"])),
    st.builds(SpendThreshold, tiers),
    st.builds(BundlePrice, components.map(tuple), st.integers(0, 100_000)),
    st.builds(FreeDelivery),
    st.builds(LoyaltyMultiplier, st.sampled_from([Decimal(2), Decimal("1.5")])),
)
unit_actions = st.one_of(
    st.builds(FixedPrice, st.integers(0, 100_000)),
    st.integers(1, 4).flatmap(
        lambda buy: st.builds(BuyXGetY, st.just(buy), st.integers(1, buy), percents)
    ),
    st.builds(NthItem, st.integers(2, 4), percents),
)


@st.composite
def promotion_lists(draw: st.DrawFn, channels: bool = False) -> list[Promotion]:
    out = []
    for i in range(draw(st.integers(0, 8))):
        if draw(st.booleans()):
            action, conditions = draw(unit_actions), draw(targets)
        else:
            action, conditions = draw(open_actions), draw(st.just(Conditions()) | targets)
        if channels and draw(st.booleans()):
            conditions = Conditions(
                **{**_fields(conditions), "channels": {draw(st.sampled_from(["web", "store"]))}}
            )
        out.append(Promotion(
            f"p{i}", action, conditions, priority=draw(st.integers(0, 3)),
            stacking_group=draw(st.none() | st.sampled_from(["g1", "g2"])),
            exclusive=draw(st.booleans()) and draw(st.booleans()),
        ))  # fmt: skip
    return out


def _fields(conditions: Conditions) -> dict[str, object]:
    return {name: getattr(conditions, name) for name in ("skus", "categories", "brands")}


def check_totals(cart: Cart, q: Quote) -> None:
    assert q.items_total == sum(ln.total for ln in q.lines)
    assert q.subtotal == sum(ln.unit_price * ln.quantity for ln in cart.lines)
    assert (
        q.discount
        == q.subtotal - q.items_total
        == sum(a.amount for a in q.adjustments if a.target == "items")
    )
    for ln in q.lines:
        assert 0 <= ln.total <= ln.subtotal
        assert ln.discount == sum(a.amount for a in ln.adjustments)
    assert 0 <= q.delivery_discount <= q.delivery_fee
    assert q.total == q.items_total + q.delivery_fee - q.delivery_discount >= 0


@settings(max_examples=300, deadline=None)
@given(carts, promotion_lists())
def test_totals_equal_the_sum_of_the_lines_and_no_line_goes_below_zero(
    cart: Cart, promotions: list[Promotion]
) -> None:
    check_totals(cart, quote(cart, context(), promotions, loyalty=LoyaltyRules()))


@settings(max_examples=200, deadline=None)
@given(carts, promotion_lists())
def test_the_same_cart_costs_the_same_on_every_channel_when_no_rule_names_one(
    cart: Cart, promotions: list[Promotion]
) -> None:
    assert quote(cart, context("web"), promotions) == quote(cart, context("store"), promotions)


@settings(max_examples=200, deadline=None)
@given(carts, promotion_lists(channels=True))
def test_prices_differ_between_channels_only_through_a_rule_naming_one(
    cart: Cart, promotions: list[Promotion]
) -> None:
    web, store = quote(cart, context("web"), promotions), quote(cart, context("store"), promotions)
    named = {p.id for p in promotions if p.conditions.channels is not None}
    if not named & {
        a.promotion_id for q in (web, store) for a in q.adjustments + q.refusals if a.promotion_id
    }:  # type: ignore[operator]
        assert web == store
    check_totals(cart, web)
    check_totals(cart, store)


@settings(max_examples=200, deadline=None)
@given(carts, promotion_lists(channels=True))
def test_the_index_checks_fewer_promotions_and_finds_the_same_price(
    cart: Cart, promotions: list[Promotion]
) -> None:
    indexed = quote(cart, context("web"), PromotionSet(promotions), loyalty=LoyaltyRules())
    every = quote(
        cart, context("web"), PromotionSet(promotions, indexed=False), loyalty=LoyaltyRules()
    )
    assert indexed == every


def _some(values: list[str]) -> st.SearchStrategy[frozenset[str] | None]:
    return st.none() | st.frozensets(st.sampled_from(values), min_size=1, max_size=3)


@settings(max_examples=300, deadline=None)
@given(carts, st.builds(Conditions, skus=_some(SKUS), categories=_some(CATEGORIES),
                        brands=_some(BRANDS)))  # fmt: skip
def test_a_promotion_chooses_exactly_the_lines_all_its_product_conditions_hold_for(
    cart: Cart, conditions: Conditions
) -> None:
    # the quote first asks only whether one line matches, and lists the lines when it applies
    def holds(line: CartLine) -> bool:
        in_category = conditions.categories is None or any(
            line.category == c or line.category.startswith(f"{c}/") for c in conditions.categories
        )
        return (
            (conditions.skus is None or line.sku in conditions.skus)
            and in_category
            and (conditions.brands is None or line.brand in conditions.brands)
        )

    state = _State(cart)
    promotion = Promotion("p", PercentOff(Decimal(10)), conditions)
    expected = [i for i, line in enumerate(cart.lines) if holds(line)]
    assert state.eligible(promotion) == expected
    assert state.has_eligible(promotion) == bool(expected)

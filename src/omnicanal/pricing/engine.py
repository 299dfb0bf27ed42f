"""The quote: a cart priced under the promotions, every adjustment explained. Pure, no I/O.

`quote(cart, context, promotions, coupons=..., usage=...)` checks the candidate promotions in
the order of application (higher priority first, then id). Each promotion whose conditions
hold, that stacking and its limits allow, and that gives something, is applied to the cart as
it stands after the ones before it. A discount is computed exactly, rounded half up once for
the promotion and spread over its lines by largest remainder, so each line stays at or above
zero and the items total is the sum of the lines to the cent.

Refusals explain what did not apply although asked for or otherwise eligible: a coupon entered
(unknown, not yet valid, expired, already used, someone else's, conditions not met), or a
promotion whose conditions held but that stacking, a usage limit or its budget stopped.
The database, the clock and the usage counts come in as data; nothing is counted here.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from fractions import Fraction
from functools import lru_cache
from math import lcm
from typing import Literal

from omnicanal.errors import InvalidInput
from omnicanal.pricing.actions import (
    AmountOff,
    BundlePrice,
    BuyXGetY,
    FixedPrice,
    FreeDelivery,
    LoyaltyMultiplier,
    NthItem,
    PercentOff,
    SpendThreshold,
)
from omnicanal.pricing.index import PromotionSet
from omnicanal.pricing.promotions import Coupon, Promotion, normalise_code
from omnicanal.pricing.rounding import BASIS, div_half_up, spread_amount, spread_shares

# -- what comes in ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CartLine:
    sku: str
    quantity: int
    unit_price: int  # minor units, from price resolution
    currency: str = "EUR"
    category: str = ""  # path, most general first: "mode/femme/robes"
    brand: str | None = None


@dataclass(frozen=True, slots=True)
class Delivery:
    method: Literal["delivery", "click_and_collect"]
    fee: int


@dataclass(frozen=True, slots=True)
class Cart:
    lines: tuple[CartLine, ...]
    currency: str = "EUR"
    delivery: Delivery | None = None


@dataclass(frozen=True, slots=True)
class QuoteContext:
    channel: str
    at: datetime  # aware
    location: str | None = None
    customer_id: str | None = None
    segments: frozenset[str] = frozenset()
    loyalty_tier: str | None = None
    coupons: tuple[str, ...] = ()  # codes as typed
    first_order: bool = False


@dataclass(frozen=True, slots=True)
class Usage:
    """Counts as the database holds them when the quote is made."""

    uses: Mapping[str, int] = field(default_factory=dict)  # promotion id -> redemptions
    customer_uses: Mapping[str, int] = field(default_factory=dict)  # this customer's
    budget_spent: Mapping[str, int] = field(default_factory=dict)  # promotion id -> minor units
    coupon_redemptions: Mapping[str, int] = field(default_factory=dict)  # code -> redemptions


@dataclass(frozen=True, slots=True)
class LoyaltyRules:
    points_per_unit: Decimal = Decimal(1)  # points per major unit paid (1 per euro)
    minor_per_unit: int = 100


# -- what goes out ----------------------------------------------------------------------------
# The per-line and per-promotion records below are made by the hundred in every quote (a
# cart-wide promotion touches every line): they are plain slotted dataclasses, not frozen ones,
# whose construction costs twice as much. Nothing in the engine changes them once made; the
# `Quote` that holds them stays frozen.


@dataclass(slots=True)
class LineAdjustment:
    promotion_id: str
    reason: str
    amount: int


@dataclass(slots=True)
class QuoteLine:
    sku: str
    quantity: int
    unit_price: int
    subtotal: int  # unit price × quantity
    discount: int
    total: int  # subtotal − discount: what the line costs
    unit_net: int  # total / quantity rounded half up, for display; the total is what counts
    adjustments: tuple[LineAdjustment, ...]


@dataclass(slots=True)
class Adjustment:
    """One promotion applied: its reason code (the action's kind) and the data of the sentence
    that explains it ("20 % off", "buy 2 get 1 free", "10 € off from 50 €")."""

    promotion_id: str
    name: str
    reason: str
    amount: int  # discount granted, minor units (0 for a points multiplier)
    target: Literal["items", "delivery", "points"]
    lines: tuple[int, ...]  # indexes of the lines it touched
    params: Mapping[str, object]
    coupon: str | None = None


@dataclass(slots=True)
class Refusal:
    code: str  # coupon_unknown, coupon_expired, usage_limit_reached, ... (see REFUSALS)
    promotion_id: str | None = None
    coupon: str | None = None
    params: Mapping[str, object] = field(default_factory=dict)


# What each refusal's params hold (the data of its sentence, see explain.py):
# coupon_not_yet_valid: valid_from (the instant the code starts working); coupon_expired:
# valid_until (the instant it stopped, exclusive); coupon_already_used: max_redemptions;
# coupon_other_customer: identified (whether the quote named a customer); coupon_duplicate: kept
# (the code already entered for the promotion); coupon_not_applicable: condition (the first
# unmet, or nothing_to_discount; absent when no candidate reached the code). The refusals of a
# promotion that stacking or its limits stopped carry its name (its id when it has none) as
# `promotion`, and:
# not_combinable: exclusive ("self": it applies alone and others already apply; "other": the
# exclusive promotion named `other` does); stacking_group_taken: group, taken_by (the name of the
# group's promotion that applies); usage_limit_reached: max_uses; customer_limit_reached:
# max_uses_per_customer; budget_exhausted: budget, remaining.
REFUSALS = (
    "coupon_unknown", "coupon_not_yet_valid", "coupon_expired", "coupon_already_used",
    "coupon_other_customer", "coupon_duplicate", "coupon_not_applicable", "not_combinable",
    "stacking_group_taken", "usage_limit_reached", "customer_required", "customer_limit_reached",
    "budget_exhausted",
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class Quote:
    currency: str
    lines: tuple[QuoteLine, ...]
    subtotal: int
    discount: int
    items_total: int  # the sum of the lines' totals
    delivery_fee: int
    delivery_discount: int
    total: int  # items_total + delivery_fee − delivery_discount
    adjustments: tuple[Adjustment, ...]
    refusals: tuple[Refusal, ...]
    loyalty_points: int
    coupons_applied: tuple[str, ...]


# -- the quote --------------------------------------------------------------------------------


def _check_cart(cart: Cart, ctx: QuoteContext) -> None:
    if ctx.at.utcoffset() is None:
        raise InvalidInput("the instant must carry its time zone", field="context.at")
    for i, line in enumerate(cart.lines):
        if not line.sku:
            raise InvalidInput("a line needs a SKU", field=f"lines[{i}].sku")
        if (
            isinstance(line.quantity, bool)
            or not isinstance(line.quantity, int)
            or line.quantity < 1
        ):
            raise InvalidInput(
                "a quantity is a positive whole number", field=f"lines[{i}].quantity"
            )
        if not isinstance(line.unit_price, int) or line.unit_price < 0:
            raise InvalidInput(
                "a unit price is a non-negative amount in minor units",
                field=f"lines[{i}].unit_price",
            )
        if line.currency != cart.currency:
            raise InvalidInput(
                f"the cart is in {cart.currency}, this line in {line.currency}",
                field=f"lines[{i}].currency",
            )
    if cart.delivery is not None and cart.delivery.fee < 0:
        raise InvalidInput("a delivery fee cannot be negative", field="delivery.fee")


@lru_cache(maxsize=4096)  # a catalogue has a few hundred categories, and every cart line names one
def category_prefixes(category: str) -> frozenset[str]:
    parts = [p for p in category.split("/") if p]
    return frozenset("/".join(parts[: i + 1]) for i in range(len(parts)))


class _State:
    """The cart as promotions change it."""

    def __init__(self, cart: Cart) -> None:
        self.lines = cart.lines
        self.quantities = [line.quantity for line in cart.lines]
        self.amounts = [line.unit_price * line.quantity for line in cart.lines]
        self.cart_amount = sum(self.amounts)
        self.categories = [category_prefixes(line.category) for line in cart.lines]
        self.line_adjustments: list[list[LineAdjustment]] = [[] for _ in cart.lines]
        self.multipliers = [Decimal(1)] * len(cart.lines)
        self.delivery = cart.delivery
        self.delivery_discount = 0
        self.all_lines = list(range(len(cart.lines)))
        # key -> lines, by product condition, so that a promotion on a few SKUs looks them up
        # instead of scanning the cart
        by_sku: dict[str, list[int]] = {}
        by_category: dict[str, list[int]] = {}
        by_brand: dict[str, list[int]] = {}
        for i, line in enumerate(cart.lines):
            by_sku.setdefault(line.sku, []).append(i)
            if line.brand is not None:
                by_brand.setdefault(line.brand, []).append(i)
            for prefix in self.categories[i]:
                by_category.setdefault(prefix, []).append(i)
        self.lines_by = {"skus": by_sku, "categories": by_category, "brands": by_brand}
        # the same keys as sets: a set against a set is checked from the smaller side
        self.keys = {name: frozenset(lines) for name, lines in self.lines_by.items()}

    def has_eligible(self, promotion: Promotion) -> bool:
        """Whether `eligible` would choose a line, without listing them: with one product
        condition, whether any of its values is among the cart's keys."""
        products = promotion.conditions.products
        if len(products) == 1:
            name, values = products[0]
            return not values.isdisjoint(self.keys[name])
        return bool(self.eligible(promotion))

    def eligible(self, promotion: Promotion) -> list[int]:
        """The lines the promotion's product conditions choose (all lines when it has none)."""
        products = promotion.conditions.products
        if not products:
            return self.all_lines
        chosen: set[int] | None = None
        for name, values in products:
            lines_by = self.lines_by[name]
            found = {i for key in self.keys[name] & values for i in lines_by[key]}
            chosen = found if chosen is None else chosen & found
            if not chosen:
                return []
        return sorted(chosen)  # type: ignore[arg-type]


def _unmet(promotion: Promotion, ctx: QuoteContext, cart_amount: int) -> str | None:
    """The first context condition that does not hold, by name, or None."""
    c = promotion.conditions
    if c.channels is not None and ctx.channel not in c.channels:
        return "channels"
    if c.locations is not None and ctx.location not in c.locations:
        return "locations"
    if c.weekdays is not None or c.hours is not None:
        local = ctx.at.astimezone(c.zone)
        if c.weekdays is not None and local.weekday() not in c.weekdays:
            return "weekdays"
        if c.hours is not None:
            now, (start, end) = local.time().replace(tzinfo=None), c.hours
            inside = start <= now < end if start < end else (now >= start or now < end)
            if not inside:
                return "hours"
    if c.segments is not None and c.segments.isdisjoint(ctx.segments):
        return "segments"
    if c.loyalty_tiers is not None and ctx.loyalty_tier not in c.loyalty_tiers:
        return "loyalty_tiers"
    if c.customers is not None and ctx.customer_id not in c.customers:
        return "customers"
    if c.first_order and not ctx.first_order:
        return "first_order"
    if c.min_cart is not None and cart_amount < c.min_cart:
        return "min_cart"
    return None


def _accept_coupons(
    ctx: QuoteContext, coupons: Mapping[str, Coupon], promotions: PromotionSet, usage: Usage
) -> tuple[dict[str, str], list[Refusal]]:
    """Coupons entered -> {promotion id: code} of those that may be used, and the refusals."""
    accepted: dict[str, str] = {}
    refusals: list[Refusal] = []
    for typed in ctx.coupons:
        code = normalise_code(typed)
        coupon = coupons.get(code)
        promotion = promotions.by_id.get(coupon.promotion_id) if coupon else None
        refusal = None
        params: dict[str, object] = {}
        if coupon is None or promotion is None:
            refusal = "coupon_unknown"
        elif (start := _latest(coupon.valid_from, promotion.starts_at)) and ctx.at < start:
            refusal, params = "coupon_not_yet_valid", {"valid_from": start}
        elif (end := _earliest(coupon.valid_until, promotion.ends_at)) and ctx.at >= end:
            refusal, params = "coupon_expired", {"valid_until": end}
        elif coupon.customer_id is not None and coupon.customer_id != ctx.customer_id:
            refusal, params = "coupon_other_customer", {"identified": ctx.customer_id is not None}
        elif (
            coupon.max_redemptions is not None
            and usage.coupon_redemptions.get(code, 0) >= coupon.max_redemptions
        ):
            refusal, params = "coupon_already_used", {"max_redemptions": coupon.max_redemptions}
        elif promotion.id in accepted:
            refusal, params = "coupon_duplicate", {"kept": accepted[promotion.id]}
        if refusal:
            refusals.append(Refusal(refusal, promotion.id if promotion else None, code, params))
        else:
            accepted[promotion.id] = code  # type: ignore[union-attr]
    return accepted, refusals


def _latest(*instants: datetime | None) -> datetime | None:
    return max((i for i in instants if i is not None), default=None)


def _earliest(*instants: datetime | None) -> datetime | None:
    return min((i for i in instants if i is not None), default=None)


def _limit_refusal(
    promotion: Promotion, ctx: QuoteContext, usage: Usage
) -> tuple[str, dict[str, object]] | None:
    """The limit that stops the promotion, with the params of its refusal, or None."""
    if promotion.max_uses is not None and usage.uses.get(promotion.id, 0) >= promotion.max_uses:
        return "usage_limit_reached", {"max_uses": promotion.max_uses}
    if promotion.max_uses_per_customer is not None:
        if ctx.customer_id is None:
            return "customer_required", {}
        if usage.customer_uses.get(promotion.id, 0) >= promotion.max_uses_per_customer:
            return "customer_limit_reached", {
                "max_uses_per_customer": promotion.max_uses_per_customer
            }
    if promotion.budget is not None and usage.budget_spent.get(promotion.id, 0) >= promotion.budget:
        return "budget_exhausted", {"budget": promotion.budget, "remaining": 0}
    return None


def quote(
    cart: Cart,
    context: QuoteContext,
    promotions: PromotionSet | Iterable[Promotion],
    *,
    coupons: Mapping[str, Coupon] | Iterable[Coupon] = (),
    usage: Usage | None = None,
    loyalty: LoyaltyRules | None = None,
) -> Quote:
    """The cart's price under the promotions, explained. `coupons`: the coupons known for the
    codes the customer entered (by code, or as a list); `usage`: current redemption counts."""
    _check_cart(cart, context)
    promotion_set = promotions if isinstance(promotions, PromotionSet) else PromotionSet(promotions)
    if not isinstance(coupons, Mapping):
        coupons = {c.code: c for c in coupons}
    usage = usage or Usage()
    state = _State(cart)
    accepted, refusals = _accept_coupons(context, coupons, promotion_set, usage)
    candidates = promotion_set.candidates(
        {line.sku for line in cart.lines},
        set().union(*state.categories),
        {line.brand for line in cart.lines if line.brand is not None},
        context.channel,
        accepted,
    )
    adjustments: list[Adjustment] = []
    # promotions are named in refusals by their name, or their id when they have none
    groups_taken: dict[str, str] = {}  # stacking group -> the promotion that took it
    exclusive_applied: str | None = None  # the exclusive promotion that applies
    refused_coupons = {r.coupon for r in refusals}
    for promotion in candidates:
        coupon = accepted.get(promotion.id)
        if promotion.requires_coupon and coupon is None:
            continue
        if not promotion.active_at(context.at) or promotion.currency != cart.currency:
            continue
        unmet = (
            _unmet(promotion, context, state.cart_amount)
            if promotion.conditions.checks_context
            else None
        )
        if unmet is None and not state.has_eligible(promotion):
            unmet = "products"
        if unmet is not None:
            if coupon is not None:
                refusals.append(
                    Refusal("coupon_not_applicable", promotion.id, coupon, {"condition": unmet})
                )
            continue
        group = promotion.stacking_group
        stop: tuple[str, dict[str, object]] | None
        if exclusive_applied is not None:
            stop = "not_combinable", {"exclusive": "other", "other": exclusive_applied}
        elif promotion.exclusive and adjustments:
            stop = "not_combinable", {"exclusive": "self"}
        elif group is not None and group in groups_taken:
            stop = "stacking_group_taken", {"group": group, "taken_by": groups_taken[group]}
        else:
            stop = _limit_refusal(promotion, context, usage)
        # the lines are listed only for a promotion that may apply: most candidates of a busy
        # cart are refused (their stacking group taken) and need only know that one line matches
        effect = None if stop else _effect(promotion, state.eligible(promotion), state, coupon)
        if effect is None and stop is None:
            if coupon is not None:
                refusals.append(
                    Refusal(
                        "coupon_not_applicable",
                        promotion.id,
                        coupon,
                        {"condition": "nothing_to_discount"},
                    )
                )
            continue
        if stop is None and promotion.budget is not None:
            spent = usage.budget_spent.get(promotion.id, 0)
            if spent + effect.adjustment.amount > promotion.budget:  # type: ignore[union-attr]
                remaining = promotion.budget - spent
                stop = "budget_exhausted", {"budget": promotion.budget, "remaining": remaining}
        if stop is not None:
            code, params = stop
            params["promotion"] = promotion.name or promotion.id
            refusals.append(Refusal(code, promotion.id, coupon, params))
            continue
        _commit(effect, state)  # type: ignore[arg-type]
        adjustments.append(effect.adjustment)  # type: ignore[union-attr]
        if group is not None:
            groups_taken[group] = promotion.name or promotion.id
        if promotion.exclusive:
            exclusive_applied = promotion.name or promotion.id
    applied = {a.coupon for a in adjustments if a.coupon}
    refused_coupons |= {r.coupon for r in refusals}
    for code in accepted.values():  # checked coupons that no candidate reached (index, exclusivity)
        if code not in applied and code not in refused_coupons:
            refusals.append(Refusal("coupon_not_applicable", None, code))
    return _finish(cart, state, adjustments, refusals, loyalty, tuple(sorted(applied)))


def _finish(
    cart: Cart,
    state: _State,
    adjustments: list[Adjustment],
    refusals: list[Refusal],
    loyalty: LoyaltyRules | None,
    coupons_applied: tuple[str, ...],
) -> Quote:
    lines = []
    for i, line in enumerate(cart.lines):
        subtotal = line.unit_price * line.quantity
        total = state.amounts[i]
        lines.append(
            QuoteLine(line.sku, line.quantity, line.unit_price, subtotal, subtotal - total, total,
                      div_half_up(total, line.quantity), tuple(state.line_adjustments[i]))
        )  # fmt: skip
    subtotal = sum(q.subtotal for q in lines)
    items_total = sum(state.amounts)
    fee = cart.delivery.fee if cart.delivery else 0
    points = 0
    if loyalty is not None:
        # amounts are whole and far below Decimal's precision: summing the unmultiplied ones as
        # integers first gives the same exact total
        pairs = list(zip(state.amounts, state.multipliers, strict=True))
        plain = sum(amount for amount, m in pairs if m == 1)
        earned = sum((Decimal(amount) * m for amount, m in pairs if m != 1), Decimal(plain))
        points = int(earned * loyalty.points_per_unit / loyalty.minor_per_unit)
    return Quote(
        currency=cart.currency,
        lines=tuple(lines),
        subtotal=subtotal,
        discount=subtotal - items_total,
        items_total=items_total,
        delivery_fee=fee,
        delivery_discount=state.delivery_discount,
        total=items_total + fee - state.delivery_discount,
        adjustments=tuple(adjustments),
        refusals=tuple(refusals),
        loyalty_points=points,
        coupons_applied=coupons_applied,
    )


# -- the actions ------------------------------------------------------------------------------


@dataclass(slots=True)
class _Effect:
    adjustment: Adjustment
    eligible: list[int]
    discounts: list[int]  # per eligible line (items)
    factor: Decimal | None = None  # points


def _effect(
    promotion: Promotion, eligible: list[int], state: _State, coupon: str | None
) -> _Effect | None:
    """What the promotion gives on the cart as it stands, or None when it gives nothing."""
    action = promotion.action
    if isinstance(action, FreeDelivery):
        delivery = state.delivery
        if delivery is None or delivery.method not in action.methods:
            return None
        fee = delivery.fee - state.delivery_discount
        if fee <= 0:
            return None
        adjustment = Adjustment(
            promotion.id,
            promotion.name,
            action.kind,
            fee,
            "delivery",
            (),
            {"method": delivery.method},
            coupon,
        )
        return _Effect(adjustment, [], [])
    if isinstance(action, LoyaltyMultiplier):
        adjustment = Adjustment(
            promotion.id,
            promotion.name,
            action.kind,
            0,
            "points",
            tuple(eligible),
            {"factor": action.factor},
            coupon,
        )
        return _Effect(adjustment, eligible, [], action.factor)
    amounts = [state.amounts[i] for i in eligible]
    if not any(amounts):  # lines already free: no action takes anything off nothing
        return None
    # only actions that count units read the quantities (a percent or a threshold does not)
    counts_units = not isinstance(action, PercentOff | SpendThreshold)
    quantities = [state.quantities[i] for i in eligible] if counts_units else []
    discounts, params = _discounts(action, eligible, amounts, quantities, state)
    if not any(discounts):
        return None
    touched = tuple([i for i, d in zip(eligible, discounts, strict=True) if d])
    adjustment = Adjustment(
        promotion.id, promotion.name, action.kind, sum(discounts), "items", touched, params, coupon
    )
    return _Effect(adjustment, eligible, discounts)


def _commit(effect: _Effect, state: _State) -> None:
    adjustment = effect.adjustment
    if adjustment.target == "delivery":
        state.delivery_discount += adjustment.amount
    elif effect.factor is not None:
        for i in effect.eligible:
            state.multipliers[i] = max(state.multipliers[i], effect.factor)
    else:
        state.cart_amount -= adjustment.amount
        amounts, line_adjustments = state.amounts, state.line_adjustments
        promotion_id, reason = adjustment.promotion_id, adjustment.reason
        for i, d in zip(effect.eligible, effect.discounts, strict=True):
            if d:
                amounts[i] -= d
                line_adjustments[i].append(LineAdjustment(promotion_id, reason, d))


def _discounts(
    action: object, eligible: list[int], amounts: list[int], quantities: list[int], state: _State
) -> tuple[list[int], dict[str, object]]:
    """Per eligible line, the whole discount (each at most the line's amount)."""
    if isinstance(action, PercentOff):
        bp = action.basis_points
        return spread_shares([a * bp for a in amounts], BASIS), {"percent": action.percent}
    if isinstance(action, AmountOff):
        if action.per == "unit":
            return [min(a, action.amount * q) for a, q in zip(amounts, quantities, strict=True)], {
                "amount": action.amount,
                "per": "unit",
            }
        amount = min(action.amount, sum(amounts))
        return spread_amount(amount, amounts), {"amount": amount, "per": "order"}
    if isinstance(action, FixedPrice):
        return [max(0, a - action.amount * q) for a, q in zip(amounts, quantities, strict=True)], {
            "price": action.amount
        }
    if isinstance(action, BuyXGetY):
        return _every_group(amounts, quantities, action.buy, action.get, action.basis_points), {
            "buy": action.buy,
            "get": action.get,
            "percent": action.percent,
        }
    if isinstance(action, NthItem):
        return _every_group(amounts, quantities, action.n - 1, 1, action.basis_points), {
            "n": action.n,
            "percent": action.percent,
        }
    if isinstance(action, SpendThreshold):
        base = sum(amounts)
        reached = [t for t in action.tiers if t.threshold <= base]
        if not reached:
            return [0] * len(amounts), {}
        tier = reached[-1]
        params: dict[str, object] = {"threshold": tier.threshold, "spent": base}
        if tier.amount is not None:
            return spread_amount(min(tier.amount, base), amounts), {**params, "amount": tier.amount}
        shares = spread_shares([a * tier.basis_points for a in amounts], BASIS)
        return shares, {**params, "percent": tier.percent}
    if isinstance(action, BundlePrice):
        skus = [state.lines[i].sku for i in eligible]
        return _bundles(amounts, quantities, skus, action)
    raise TypeError(f"unknown action {action!r}")


def _by_unit_value(amounts: list[int], quantities: list[int]) -> list[int]:
    """Line positions ranked by unit value, most expensive first (ties: the earlier line).
    Unit values are compared exactly, as amounts over a common quantity."""
    common = lcm(*quantities) if quantities else 1
    return sorted(range(len(amounts)), key=lambda j: (-amounts[j] * (common // quantities[j]), j))


def _every_group(
    amounts: list[int], quantities: list[int], buy: int, get: int, basis_points: int
) -> list[int]:
    """Units ranked most expensive first, in groups of buy + get: the last `get` units of each
    full group are discounted by `basis_points`."""
    size = buy + get
    n_units = sum(quantities)
    if n_units < size:  # not one full group
        return [0] * len(amounts)
    full = (n_units // size) * size

    def discounted_before(position: int) -> int:  # discounted positions p < position
        position = min(position, full)
        return (position // size) * get + max(0, position % size - buy)

    counts = [0] * len(amounts)
    start = 0
    for j in _by_unit_value(amounts, quantities):
        end = start + quantities[j]
        counts[j] = discounted_before(end) - discounted_before(start)
        start = end
    lines = [j for j, k in enumerate(counts) if k]
    if not lines:
        return [0] * len(amounts)
    common = lcm(*(quantities[j] for j in lines))
    numerators = [
        k * a * basis_points * (common // q)
        for k, a, q in zip(counts, amounts, quantities, strict=True)
    ]
    return spread_shares(numerators, BASIS * common)


def _bundles(
    amounts: list[int], quantities: list[int], skus: list[str], action: BundlePrice
) -> tuple[list[int], dict[str, object]]:
    present = set(skus)
    if any(component.isdisjoint(present) for component in action.components):
        return [0] * len(amounts), {}  # a component the cart lacks: not one bundle
    left = list(quantities)
    order = _by_unit_value(amounts, quantities)
    used = [0] * len(amounts)
    bundles = 0
    value = Fraction(0)
    while True:
        taken: list[int] = []
        for component in action.components:
            j = next((j for j in order if left[j] and skus[j] in component), None)
            if j is None:
                break
            left[j] -= 1
            taken.append(j)
        else:
            bundle_value = sum((Fraction(amounts[j], quantities[j]) for j in taken), Fraction(0))
            if bundle_value > action.price:
                for j in taken:
                    used[j] += 1
                bundles += 1
                value += bundle_value
                continue
        break
    if not bundles:
        return [0] * len(amounts), {}
    common = lcm(*(quantities[j] for j, u in enumerate(used) if u))
    weights = [u * a * (common // q) for u, a, q in zip(used, amounts, quantities, strict=True)]
    exact = value - bundles * action.price
    discount = min(div_half_up(exact.numerator, exact.denominator), int(value))
    shares = spread_amount(discount, weights)
    return shares, {"price": action.price, "bundles": bundles}

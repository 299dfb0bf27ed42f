"""What a promotion gives: the actions, as validated plain data. Pure, no I/O.

Each action has a `kind`, which is also the reason code of the adjustments it makes. Amounts are
integer minor units in the promotion's currency; percentages are `Decimal` with at most two
decimals (0 < percent ≤ 100). A bad definition raises `InvalidPromotion` naming the field
(`action.percent`, `action.tiers[1].threshold`, ...).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import ClassVar, Literal

from omnicanal.errors import InvalidInput
from omnicanal.pricing.rounding import BASIS, percent_to_basis_points


class InvalidPromotion(InvalidInput):
    code = "invalid_promotion"


DELIVERY_METHODS = frozenset({"delivery", "click_and_collect"})


def _percent(value: object, field_name: str) -> tuple[Decimal, int]:
    try:
        percent = Decimal(str(value))
        basis_points = percent_to_basis_points(percent)
    except (InvalidOperation, ValueError) as exc:
        raise InvalidPromotion(
            f"{value!r} is not a percentage with at most two decimals", field=field_name
        ) from exc
    if not 0 < basis_points <= BASIS:
        raise InvalidPromotion(
            f"a percentage is above 0 and at most 100, not {value}", field=field_name
        )
    return percent, basis_points


def _count(value: object, field_name: str, minimum: int = 1) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise InvalidPromotion(
            f"must be a whole number of at least {minimum}, not {value!r}", field=field_name
        )


def _amount(value: object, field_name: str, *, positive: bool = True) -> None:
    low = 1 if positive else 0
    if isinstance(value, bool) or not isinstance(value, int) or value < low:
        what = "a positive" if positive else "a non-negative"
        raise InvalidPromotion(
            f"must be {what} amount in minor units, not {value!r}", field=field_name
        )


@dataclass(frozen=True, slots=True)
class PercentOff:
    """`percent` off every eligible line."""

    percent: Decimal
    basis_points: int = field(init=False, repr=False, compare=False)
    kind: ClassVar[str] = "percent_off"

    def __post_init__(self) -> None:
        percent, bp = _percent(self.percent, "action.percent")
        object.__setattr__(self, "percent", percent)
        object.__setattr__(self, "basis_points", bp)


@dataclass(frozen=True, slots=True)
class AmountOff:
    """`amount` off the eligible lines together (`per="order"`, spread in proportion to the
    lines), or off each eligible unit (`per="unit"`); never more than what they cost."""

    amount: int
    per: Literal["order", "unit"] = "order"
    kind: ClassVar[str] = "amount_off"

    def __post_init__(self) -> None:
        _amount(self.amount, "action.amount")
        if self.per not in ("order", "unit"):
            raise InvalidPromotion("`per` is order or unit", field="action.per")


@dataclass(frozen=True, slots=True)
class FixedPrice:
    """Each eligible unit at `amount` (when it costs more)."""

    amount: int
    kind: ClassVar[str] = "fixed_price"
    needs_products: ClassVar[bool] = True

    def __post_init__(self) -> None:
        _amount(self.amount, "action.amount", positive=False)


@dataclass(frozen=True, slots=True)
class BuyXGetY:
    """Buy `buy` eligible units, get `get` more at `percent` off (free by default). Units are
    ranked by price, most expensive first, and taken in groups of buy + get: the cheapest `get`
    of each full group are discounted."""

    buy: int
    get: int
    percent: Decimal = Decimal(100)
    basis_points: int = field(init=False, repr=False, compare=False)
    kind: ClassVar[str] = "buy_x_get_y"
    needs_products: ClassVar[bool] = True

    def __post_init__(self) -> None:
        _count(self.buy, "action.buy")
        _count(self.get, "action.get")
        if self.get > self.buy:
            raise InvalidPromotion(
                f"get {self.get} for buying {self.buy} gives more than it "
                "sells; use a percent off instead",
                field="action.get",
            )
        percent, bp = _percent(self.percent, "action.percent")
        object.__setattr__(self, "percent", percent)
        object.__setattr__(self, "basis_points", bp)


@dataclass(frozen=True, slots=True)
class NthItem:
    """Every `n`-th eligible unit (ranked most expensive first) at `percent` off: "the second
    at -50 %"."""

    n: int
    percent: Decimal
    basis_points: int = field(init=False, repr=False, compare=False)
    kind: ClassVar[str] = "nth_item"
    needs_products: ClassVar[bool] = True

    def __post_init__(self) -> None:
        _count(self.n, "action.n", minimum=2)
        percent, bp = _percent(self.percent, "action.percent")
        object.__setattr__(self, "percent", percent)
        object.__setattr__(self, "basis_points", bp)


@dataclass(frozen=True, slots=True)
class BundlePrice:
    """One unit from each component (a set of SKUs; a set may repeat: "any 3 of these") for
    `price` together, as many bundles as the cart completes. The most expensive units are
    bundled first; a bundle that would cost more than its units is not made."""

    components: tuple[frozenset[str], ...]
    price: int
    kind: ClassVar[str] = "bundle_price"

    def __post_init__(self) -> None:
        components = tuple(frozenset(c) for c in self.components)
        object.__setattr__(self, "components", components)
        if len(components) < 2:
            raise InvalidPromotion(
                "a bundle has at least two components", field="action.components"
            )
        for i, component in enumerate(components):
            if not component:
                raise InvalidPromotion(
                    "a component names at least one SKU", field=f"action.components[{i}]"
                )
        _amount(self.price, "action.price", positive=False)


@dataclass(frozen=True, slots=True)
class SpendTier:
    threshold: int  # eligible lines' amount from which the tier applies
    amount: int | None = None
    percent: Decimal | None = None
    basis_points: int = field(default=0, init=False, repr=False, compare=False)


@dataclass(frozen=True, slots=True)
class SpendThreshold:
    """Spend thresholds: the highest tier the eligible lines reach gives its amount or percent
    off, spread over them ("10 € off from 50 €, 25 € from 100 €")."""

    tiers: tuple[SpendTier, ...]
    kind: ClassVar[str] = "spend_threshold"

    def __post_init__(self) -> None:
        tiers = tuple(self.tiers)
        object.__setattr__(self, "tiers", tiers)
        if not tiers:
            raise InvalidPromotion("at least one tier", field="action.tiers")
        previous = 0
        for i, tier in enumerate(tiers):
            name = f"action.tiers[{i}]"
            _amount(tier.threshold, f"{name}.threshold")
            if tier.threshold <= previous:
                raise InvalidPromotion(
                    "thresholds rise from one tier to the next", field=f"{name}.threshold"
                )
            previous = tier.threshold
            if (tier.amount is None) == (tier.percent is None):
                raise InvalidPromotion(
                    "a tier gives an amount or a percent, one of the two", field=f"{name}.amount"
                )
            if tier.amount is not None:
                _amount(tier.amount, f"{name}.amount")
                if tier.amount > tier.threshold:
                    raise InvalidPromotion(
                        "a tier cannot give more than its threshold", field=f"{name}.amount"
                    )
            else:
                percent, bp = _percent(tier.percent, f"{name}.percent")
                object.__setattr__(tier, "percent", percent)
                object.__setattr__(tier, "basis_points", bp)


@dataclass(frozen=True, slots=True)
class FreeDelivery:
    """The delivery fee waived for the given methods (home delivery, click & collect)."""

    methods: frozenset[str] = DELIVERY_METHODS
    kind: ClassVar[str] = "free_delivery"

    def __post_init__(self) -> None:
        methods = frozenset(self.methods)
        object.__setattr__(self, "methods", methods)
        if not methods:
            raise InvalidPromotion("name at least one delivery method", field="action.methods")
        if unknown := methods - DELIVERY_METHODS:
            raise InvalidPromotion(
                f"unknown delivery method {sorted(unknown)[0]!r}; use "
                "delivery or click_and_collect",
                field="action.methods",
            )


@dataclass(frozen=True, slots=True)
class LoyaltyMultiplier:
    """The loyalty points earned on the eligible lines multiplied by `factor` (×2, ×1.5)."""

    factor: Decimal
    kind: ClassVar[str] = "loyalty_multiplier"

    def __post_init__(self) -> None:
        try:
            factor = Decimal(str(self.factor))
        except InvalidOperation as exc:
            raise InvalidPromotion(
                f"{self.factor!r} is not a number", field="action.factor"
            ) from exc
        if not Decimal(1) < factor <= Decimal(100):
            raise InvalidPromotion("a multiplier is above 1 and at most 100", field="action.factor")
        object.__setattr__(self, "factor", factor)


Action = (
    PercentOff | AmountOff | FixedPrice | BuyXGetY | NthItem | BundlePrice | SpendThreshold
    | FreeDelivery | LoyaltyMultiplier
)  # fmt: skip
ACTIONS: tuple[type, ...] = (
    PercentOff, AmountOff, FixedPrice, BuyXGetY, NthItem, BundlePrice, SpendThreshold,
    FreeDelivery, LoyaltyMultiplier,
)  # fmt: skip

"""Promotion definitions: conditions, the promotion itself (one action, priority, stacking,
limits) and coupons, validated as they are built. Pure, no I/O.

Conditions left at None mean "any". Within one condition the values are alternatives (any of
these channels); across conditions all must hold. Product conditions (`skus`, `categories`,
`brands`) also choose the lines the action works on; a category matches its sub-categories
(`mode/femme` matches `mode/femme/robes`). Hours and weekdays are read in the promotion's
time zone (the brand's, Europe/Paris, by default); `hours` may wrap midnight.
"""

from __future__ import annotations

import random
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, time
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from omnicanal.pricing.actions import ACTIONS, Action, InvalidPromotion

BRAND_TIMEZONE = "Europe/Paris"
_SETS = (
    "channels",
    "locations",
    "segments",
    "loyalty_tiers",
    "customers",
    "skus",
    "categories",
    "brands",
    "weekdays",
)


def _aware(value: datetime | None, field_name: str) -> None:
    if value is not None and (not isinstance(value, datetime) or value.utcoffset() is None):
        raise InvalidPromotion("a date must carry its time zone", field=field_name)


@dataclass(frozen=True, slots=True)
class Conditions:
    channels: frozenset[str] | None = None
    locations: frozenset[str] | None = None
    weekdays: frozenset[int] | None = None  # 0 is Monday
    hours: tuple[time, time] | None = None  # [start, end) local time
    timezone: str = BRAND_TIMEZONE
    segments: frozenset[str] | None = None
    loyalty_tiers: frozenset[str] | None = None
    customers: frozenset[str] | None = None
    min_cart: int | None = None  # the cart's amount when the promotion is checked
    skus: frozenset[str] | None = None
    categories: frozenset[str] | None = None  # paths: "mode/femme"
    brands: frozenset[str] | None = None
    first_order: bool = False  # only on the customer's first order
    zone: ZoneInfo = field(init=False, repr=False, compare=False)
    # derived once here, read on every quote: whether any condition on the context (channel,
    # place, time, customer, cart amount) is set, and the product conditions that are, by name
    checks_context: bool = field(init=False, repr=False, compare=False)
    products: tuple[tuple[str, frozenset[str]], ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        for name in _SETS:
            value = getattr(self, name)
            if value is None:
                continue
            if isinstance(value, str):
                raise InvalidPromotion(
                    "a set of values, not one string", field=f"conditions.{name}"
                )
            value = frozenset(value)
            if not value:
                raise InvalidPromotion(
                    "an empty set matches nothing; leave it out to mean any",
                    field=f"conditions.{name}",
                )
            object.__setattr__(self, name, value)
        if self.categories is not None:
            object.__setattr__(self, "categories", frozenset(c.strip("/") for c in self.categories))
        if self.weekdays is not None and not self.weekdays <= frozenset(range(7)):
            raise InvalidPromotion(
                "weekdays run from 0 (Monday) to 6 (Sunday)", field="conditions.weekdays"
            )
        if self.hours is not None:
            if len(self.hours) != 2 or not all(isinstance(h, time) for h in self.hours):
                raise InvalidPromotion(
                    "hours are a (start, end) pair of times", field="conditions.hours"
                )
            if self.hours[0] == self.hours[1]:
                raise InvalidPromotion(
                    "hours start and end at the same time", field="conditions.hours"
                )
        if self.min_cart is not None and (
            isinstance(self.min_cart, bool)
            or not isinstance(self.min_cart, int)
            or self.min_cart < 0
        ):
            raise InvalidPromotion(
                "a minimum cart is a non-negative amount in minor units",
                field="conditions.min_cart",
            )
        try:
            object.__setattr__(self, "zone", ZoneInfo(self.timezone))
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise InvalidPromotion(
                f"unknown time zone {self.timezone!r}", field="conditions.timezone"
            ) from exc
        context = (self.channels, self.locations, self.weekdays, self.hours, self.segments,
                   self.loyalty_tiers, self.customers, self.min_cart)  # fmt: skip
        object.__setattr__(
            self, "checks_context", self.first_order or any(v is not None for v in context)
        )
        products = (("skus", self.skus), ("categories", self.categories), ("brands", self.brands))
        object.__setattr__(
            self, "products", tuple((name, v) for name, v in products if v is not None)
        )

    @property
    def targets_products(self) -> bool:
        return bool(self.products)


@dataclass(frozen=True, slots=True)
class Promotion:
    """One promotion. Higher `priority` applies first, then the smaller id. At most one
    promotion of a `stacking_group` applies (the first that can); an `exclusive` promotion
    applies alone: not after another, and none after it."""

    id: str
    action: Action
    conditions: Conditions = Conditions()
    name: str = ""
    priority: int = 0
    stacking_group: str | None = None
    exclusive: bool = False
    requires_coupon: bool = False
    starts_at: datetime | None = None
    ends_at: datetime | None = None  # exclusive
    currency: str = "EUR"
    max_uses: int | None = None  # overall
    max_uses_per_customer: int | None = None
    budget: int | None = None  # total discount it may grant, minor units

    def __post_init__(self) -> None:
        if not isinstance(self.id, str) or not self.id:
            raise InvalidPromotion("a promotion needs an id", field="id")
        if not isinstance(self.action, ACTIONS):
            raise InvalidPromotion(f"unknown action {type(self.action).__name__}", field="action")
        if not isinstance(self.conditions, Conditions):
            raise InvalidPromotion("conditions must be a Conditions", field="conditions")
        if isinstance(self.priority, bool) or not isinstance(self.priority, int):
            raise InvalidPromotion("a priority is a whole number", field="priority")
        _aware(self.starts_at, "starts_at")
        _aware(self.ends_at, "ends_at")
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            raise InvalidPromotion("ends before it starts", field="ends_at")
        if len(self.currency) != 3 or not self.currency.isalpha() or not self.currency.isupper():
            raise InvalidPromotion(f"{self.currency!r} is not an ISO 4217 code", field="currency")
        for name in ("max_uses", "max_uses_per_customer", "budget"):
            value = getattr(self, name)
            if value is not None and (
                isinstance(value, bool) or not isinstance(value, int) or value < 1
            ):
                raise InvalidPromotion(
                    "a limit is a positive whole number; leave it out for none", field=name
                )
        if getattr(self.action, "needs_products", False) and not self.conditions.targets_products:
            raise InvalidPromotion(
                f"a {self.action.kind} promotion needs the products it applies "
                "to (skus, categories or brands)",
                field="conditions.skus",
            )

    def active_at(self, at: datetime) -> bool:
        return (self.starts_at is None or self.starts_at <= at) and (
            self.ends_at is None or at < self.ends_at
        )


# -- coupons ----------------------------------------------------------------------------------

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: codes are read aloud at tills


def normalise_code(code: str) -> str:
    return "".join(code.split()).upper()


@dataclass(frozen=True, slots=True)
class Coupon:
    """A code that unlocks a promotion (`requires_coupon`). Redeemed at most `max_redemptions`
    times; tied to one customer when `customer_id` is set."""

    code: str
    promotion_id: str
    valid_from: datetime | None = None
    valid_until: datetime | None = None  # exclusive
    max_redemptions: int | None = 1  # None: a shared code anyone may use any number of times
    customer_id: str | None = None

    def __post_init__(self) -> None:
        code = normalise_code(self.code)
        if not code:
            raise InvalidPromotion("a coupon needs a code", field="code")
        object.__setattr__(self, "code", code)
        if not self.promotion_id:
            raise InvalidPromotion("a coupon unlocks a promotion", field="promotion_id")
        _aware(self.valid_from, "valid_from")
        _aware(self.valid_until, "valid_until")
        if self.valid_from and self.valid_until and self.valid_until <= self.valid_from:
            raise InvalidPromotion("ends before it starts", field="valid_until")
        if self.max_redemptions is not None and (
            isinstance(self.max_redemptions, bool)
            or not isinstance(self.max_redemptions, int)
            or self.max_redemptions < 1
        ):
            raise InvalidPromotion("redeemable at least once", field="max_redemptions")


def generate_coupon_codes(
    count: int, rng: random.Random, *, prefix: str = "", length: int = 8,
    existing: Iterable[str] = (),
) -> list[str]:  # fmt: skip
    """`count` new distinct codes (`PREFIX-XXXXXXXX`), none among `existing`; deterministic for
    a seeded `rng`. 32⁸ ≈ 10¹² codes per prefix keep guessing a valid one impractical."""
    if count < 0 or length < 4:
        raise InvalidPromotion("a positive count of codes of at least 4 characters", field="count")
    taken = {normalise_code(c) for c in existing}
    head = f"{normalise_code(prefix)}-" if prefix else ""
    codes: list[str] = []
    while len(codes) < count:
        code = head + "".join(rng.choice(CODE_ALPHABET) for _ in range(length))
        if code not in taken:
            taken.add(code)
            codes.append(code)
    return codes

"""Price resolution and the franchise price policy. Pure, no I/O.

A `Price` is one row of a price list: a SKU's amount in a currency, optionally for one channel,
one location or one customer segment, optionally within validity dates. `resolve_price` picks,
among the rows valid at the instant for the context, the most specific one:

1. the row matching the most of the three dimensions (location, segment, channel) wins: a store's
   price for a segment beats the store's price, which beats the base price;
2. at equal count, location beats segment, which beats channel: a location's price is the most
   local decision (a store, a franchised shop), a segment's is the customer's own;
3. then the row that took effect last (the latest `valid_from`; an open start counts as the
   oldest), so a dated price change overrides the standing price without editing it;
4. then the lowest amount (a customer in two segments pays the lower segment price), then the
   price list and row ids, so the answer never depends on the order of the rows.

A row for another currency never applies. The franchise policy says how far a franchisee may
move away from the brand's price: `locked` (not at all), `free`, or `band` (within ± percent).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Literal

from omnicanal.errors import InvalidInput, NotFound
from omnicanal.pricing.rounding import percent_to_basis_points


class InvalidPrice(InvalidInput):
    code = "invalid_price"


class PriceNotFound(NotFound):
    code = "price_not_found"


def check_currency(currency: str, field_name: str) -> None:
    if len(currency) != 3 or not currency.isalpha() or not currency.isupper():
        raise InvalidPrice(f"{currency!r} is not an ISO 4217 code", field=field_name)


def _check_window(start: datetime | None, end: datetime | None, prefix: str = "") -> None:
    # every price row a quote reads is built and checked: the field names only when one is wrong
    for name, value in (("valid_from", start), ("valid_until", end)):
        if value is not None and value.utcoffset() is None:
            raise InvalidPrice("a date must carry its time zone", field=prefix + name)
    if start is not None and end is not None and end <= start:
        raise InvalidPrice("ends before it starts", field=f"{prefix}valid_until")


@dataclass(frozen=True, slots=True)
class Price:
    """One price-list row. `valid_until` is exclusive."""

    id: str
    sku: str
    amount: int  # minor units
    currency: str = "EUR"
    channel: str | None = None
    location: str | None = None
    segment: str | None = None
    valid_from: datetime | None = None
    valid_until: datetime | None = None
    price_list: str = "base"

    def __post_init__(self) -> None:
        if not self.sku:
            raise InvalidPrice("a price needs a SKU", field="sku")
        if isinstance(self.amount, bool) or not isinstance(self.amount, int) or self.amount < 0:
            raise InvalidPrice("an amount is a non-negative integer of minor units", field="amount")
        check_currency(self.currency, "currency")
        _check_window(self.valid_from, self.valid_until)

    def valid_at(self, at: datetime) -> bool:
        return (self.valid_from is None or self.valid_from <= at) and (
            self.valid_until is None or at < self.valid_until
        )


@dataclass(frozen=True, slots=True)
class PriceContext:
    at: datetime
    currency: str = "EUR"
    channel: str | None = None
    location: str | None = None
    segments: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class ResolvedPrice:
    sku: str
    amount: int
    currency: str
    price: Price  # the row that won, for the explanation ("store price of Lyon Part-Dieu")
    matched: tuple[str, ...]  # the dimensions it matched: ("location", "segment", "channel")


def _specificity(price: Price) -> tuple[int, int, int, int]:
    dims = (price.location is not None, price.segment is not None, price.channel is not None)
    return (sum(dims), *dims)  # type: ignore[return-value]


def _applies(price: Price, ctx: PriceContext) -> bool:
    return (
        price.currency == ctx.currency
        and (price.channel is None or price.channel == ctx.channel)
        and (price.location is None or price.location == ctx.location)
        and (price.segment is None or price.segment in ctx.segments)
        and price.valid_at(ctx.at)
    )


def _rank(price: Price) -> tuple[object, ...]:
    start = price.valid_from.timestamp() if price.valid_from else float("-inf")
    # the most specific first, then the latest start, the lowest amount, then ids
    return (
        tuple(-x for x in _specificity(price)),
        -start,
        price.amount,
        price.price_list,
        price.id,
    )


class PriceBook:
    """Price rows indexed by SKU, ready to resolve many SKUs (a cart, a catalogue page)."""

    def __init__(self, prices: Iterable[Price]) -> None:
        by_sku: dict[str, list[Price]] = defaultdict(list)
        for price in prices:
            by_sku[price.sku].append(price)
        # rows pre-sorted by rank: the first one that applies is the answer
        self._by_sku = {sku: sorted(rows, key=_rank) for sku, rows in by_sku.items()}

    def resolve(self, sku: str, ctx: PriceContext) -> ResolvedPrice:
        for price in self._by_sku.get(sku, ()):
            if _applies(price, ctx):
                matched = tuple(
                    name
                    for name, value in (
                        ("location", price.location),
                        ("segment", price.segment),
                        ("channel", price.channel),
                    )
                    if value is not None
                )
                return ResolvedPrice(sku, price.amount, price.currency, price, matched)
        raise PriceNotFound(
            f"no {ctx.currency} price for {sku} at {ctx.at.isoformat()}", field="sku", sku=sku
        )


def resolve_price(prices: Sequence[Price], sku: str, ctx: PriceContext) -> ResolvedPrice:
    """The most specific valid price of one SKU (see the module's precedence rules)."""
    return PriceBook(p for p in prices if p.sku == sku).resolve(sku, ctx)


# -- franchise price policy -------------------------------------------------------------------

PolicyMode = Literal["locked", "free", "band"]


@dataclass(frozen=True, slots=True)
class FranchisePolicy:
    franchisee: str
    mode: PolicyMode = "locked"
    band_percent: Decimal | None = None  # `band` only: allowed deviation either side

    def __post_init__(self) -> None:
        if self.mode not in ("locked", "free", "band"):
            raise InvalidPrice(
                f"unknown policy {self.mode!r}; use locked, free or band", field="mode"
            )
        if self.mode == "band":
            if self.band_percent is None:
                raise InvalidPrice("a band policy needs its width", field="band_percent")
            band = Decimal(str(self.band_percent))
            if not Decimal(0) < band <= Decimal(100):
                raise InvalidPrice("a band is above 0 and at most 100 %", field="band_percent")
            try:
                percent_to_basis_points(band)
            except ValueError as exc:
                raise InvalidPrice(str(exc), field="band_percent") from exc
        elif self.band_percent is not None:
            raise InvalidPrice(f"a {self.mode} policy has no band", field="band_percent")


@dataclass(frozen=True, slots=True)
class PolicyCheck:
    allowed: bool
    deviation: int  # franchise price − brand price, minor units (negative: cheaper)
    deviation_percent: Decimal  # of the brand price, two decimals, signed
    limit_percent: Decimal | None  # what the policy allows either side (None: no limit)
    reason: str  # "same_as_brand", "free_policy", "within_band", "outside_band", "locked"


def check_franchise_price(
    policy: FranchisePolicy, brand_price: int, franchise_price: int
) -> PolicyCheck:
    """Whether a franchisee's price is allowed by its policy, and how far it is from the brand's
    (what the price consistency audit reports)."""
    if brand_price <= 0:
        raise InvalidPrice("the brand price must be positive", field="brand_price")
    if franchise_price < 0:
        raise InvalidPrice("a price cannot be negative", field="franchise_price")
    deviation = franchise_price - brand_price
    percent = (Decimal(deviation) * 100 / brand_price).quantize(
        Decimal("0.01"), rounding=ROUND_HALF_UP
    )
    if deviation == 0:
        limit = Decimal(0) if policy.mode == "locked" else policy.band_percent
        return PolicyCheck(True, 0, percent, limit, "same_as_brand")
    if policy.mode == "free":
        return PolicyCheck(True, deviation, percent, None, "free_policy")
    if policy.mode == "locked":
        return PolicyCheck(False, deviation, percent, Decimal(0), "locked")
    band = Decimal(str(policy.band_percent))
    # compared exactly in minor units: |deviation| ≤ band × brand price
    inside = abs(deviation) * 10_000 <= percent_to_basis_points(band) * brand_price
    return PolicyCheck(
        inside, deviation, percent, band, "within_band" if inside else "outside_band"
    )

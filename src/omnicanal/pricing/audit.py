"""Price consistency audit: which franchised locations show a price outside their policy, by
how much, and since when. Pure, no I/O: the price rows' whole history comes in as data.

A location's effective price is what `resolve_price` gives for the audited channel and the
location (no segment); the brand's price is the same resolution without a location. Only an
effective price that comes from one of the location's own rows can differ from the brand's
(every other row applies to both), so only the (location, SKU) pairs that have such rows are
checked: a few thousand among millions.

`since` is the start of the current uninterrupted violation. Both prices are constant between
two change points of the pair's rows (a `valid_from` or a `valid_until`: validity windows are
half-open), so the audit steps back from `at` over those points, not over sampled instants,
until the pair was within its policy or could not be compared (no brand price). Every
interval is judged against the location's policy as given: a policy's own history is not an
input, so a violation that began under a looser policy counts from when the prices broke the
current one.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from enum import Enum

from omnicanal.pricing.prices import (
    FranchisePolicy,
    InvalidPrice,
    PolicyCheck,
    Price,
    PriceBook,
    PriceContext,
    PriceNotFound,
    check_currency,
    check_franchise_price,
)

# Stands for "before every row of the history": the state of the prices whose validity has no
# start, before any dated row took effect.
_DAWN = datetime.min.replace(tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class AuditFinding:
    """One SKU a location shows outside its policy at the audit's instant."""

    location: str
    franchisee: str
    sku: str
    currency: str
    effective_price: int  # what the location shows, minor units
    brand_price: int
    deviation: int  # effective − brand, minor units (negative: cheaper than the brand)
    deviation_percent: Decimal  # of the brand price, two decimals, signed
    limit_percent: Decimal | None  # what the policy allows either side
    reason: str  # the policy's: "locked" or "outside_band"
    # Start of the current uninterrupted violation; None when it has held for as long as the
    # history goes back (rows without a start already broke the policy).
    since: datetime | None
    location_price_id: str  # the row the location shows
    brand_price_id: str  # the brand's row it is compared with


@dataclass(frozen=True, slots=True)
class NotCompared:
    """A location shows a price for a SKU the brand has no price for (or a zero one) at the
    instant: nothing to measure a deviation against, so it is listed rather than dropped."""

    location: str
    sku: str
    effective_price: int
    reason: str  # "no_brand_price" or "zero_brand_price"


@dataclass(frozen=True, slots=True)
class LocationSummary:
    location: str
    franchisee: str
    skus_outside: int
    worst_sku: str | None  # None when nothing is outside
    worst_deviation_percent: Decimal | None  # signed, the largest in absolute value


@dataclass(frozen=True, slots=True)
class PriceAudit:
    at: datetime
    channel: str
    currency: str
    findings: tuple[AuditFinding, ...]  # the largest absolute deviation percent first
    locations: tuple[LocationSummary, ...]  # every audited location, the most SKUs outside first
    not_compared: tuple[NotCompared, ...]
    pairs_checked: int  # (location, SKU) pairs with rows of the location's own


class _State(Enum):
    WITHIN = "within"
    OUTSIDE = "outside"
    NOT_COMPARED = "not_compared"


@dataclass(frozen=True, slots=True)
class _Reading:
    state: _State
    effective: Price | None = None
    brand: Price | None = None
    check: PolicyCheck | None = None


class _Pair:
    """One location's rows and the brand's rows of one SKU, resolved at any instant."""

    def __init__(
        self,
        location: str,
        sku: str,
        rows: list[Price],
        policy: FranchisePolicy,
        channel: str,
        currency: str,
    ) -> None:
        self.location = location
        self.sku = sku
        self.rows = rows
        self.policy = policy
        self.channel = channel
        self.currency = currency
        self.book = PriceBook(rows)

    def _resolve(self, at: datetime, location: str | None) -> Price | None:
        ctx = PriceContext(at, self.currency, self.channel, location)
        try:
            return self.book.resolve(self.sku, ctx).price
        except PriceNotFound:
            return None

    def read(self, at: datetime) -> _Reading:
        effective = self._resolve(at, self.location)
        if effective is None:  # nothing at all for the location, nor then for the brand
            return _Reading(_State.WITHIN)
        if effective.location is None:  # a row the brand's resolution picks as well
            return _Reading(_State.WITHIN, effective, effective)
        brand = self._resolve(at, None)
        if brand is None or brand.amount == 0:
            return _Reading(_State.NOT_COMPARED, effective, brand)
        check = check_franchise_price(self.policy, brand.amount, effective.amount)
        return _Reading(_State.WITHIN if check.allowed else _State.OUTSIDE, effective, brand, check)

    def violation_start(self, at: datetime) -> datetime | None:
        """When the violation holding at `at` began: the change point after the last interval
        where the pair was not outside its policy; None if it never was."""
        points = {
            moment
            for row in self.rows
            for moment in (row.valid_from, row.valid_until)
            if moment is not None and moment <= at
        }
        newest_first = sorted(points, reverse=True)
        # `at` lies in the interval that starts at the latest point (known to be outside);
        # step back interval by interval, each read at its start: the prices hold until the
        # next point. Before the first point, only rows without a start apply (`_DAWN`).
        since = newest_first[0] if newest_first else None
        for point in newest_first[1:]:
            if self.read(point).state is not _State.OUTSIDE:
                return since
            since = point
        return since if self.read(_DAWN).state is not _State.OUTSIDE else None


def _relevant(price: Price, channel: str, currency: str) -> bool:
    """Rows that can take part in a no-segment resolution on `channel` in `currency`."""
    return (
        price.currency == currency
        and price.segment is None
        and (price.channel is None or price.channel == channel)
    )


def audit_prices(
    prices: Iterable[Price],
    policies: Mapping[str, FranchisePolicy],
    *,
    channel: str,
    currency: str,
    at: datetime,
) -> PriceAudit:
    """Audit the locations in `policies` (location code → policy) at `at`.

    `prices` is the whole history of price rows (a change is a new row, the old one closed
    with a `valid_until`). Locations without a policy are not audited; rows in another currency
    or for another channel or a segment never make a store's shelf price, so they are ignored.
    """
    if at.utcoffset() is None:
        raise InvalidPrice("a date must carry its time zone", field="at")
    check_currency(currency, "currency")
    rows = prices if isinstance(prices, Sequence) else list(prices)

    # One pass for the locations' own rows, one for the brand's rows of the SKUs they touch:
    # the brand's other SKUs (nearly all of them) are never indexed.
    own: dict[tuple[str, str], list[Price]] = defaultdict(list)
    for price in rows:
        if price.location in policies and _relevant(price, channel, currency):
            own[(price.location, price.sku)].append(price)
    wanted = {sku for _, sku in own}
    brand: dict[str, list[Price]] = defaultdict(list)
    for price in rows:
        if price.location is None and price.sku in wanted and _relevant(price, channel, currency):
            brand[price.sku].append(price)

    findings: list[AuditFinding] = []
    not_compared: list[NotCompared] = []
    for (location, sku), location_rows in sorted(own.items()):
        policy = policies[location]
        if policy.mode == "free":
            continue  # any price is allowed: no finding, and nothing to compare for
        pair_rows = [*brand.get(sku, ()), *location_rows]
        pair = _Pair(location, sku, pair_rows, policy, channel, currency)
        reading = pair.read(at)
        if reading.state is _State.NOT_COMPARED:
            assert reading.effective is not None
            not_compared.append(
                NotCompared(
                    location,
                    sku,
                    reading.effective.amount,
                    "no_brand_price" if reading.brand is None else "zero_brand_price",
                )
            )
        elif reading.state is _State.OUTSIDE:
            assert reading.effective and reading.brand and reading.check
            findings.append(
                AuditFinding(
                    location=location,
                    franchisee=policy.franchisee,
                    sku=sku,
                    currency=currency,
                    effective_price=reading.effective.amount,
                    brand_price=reading.brand.amount,
                    deviation=reading.check.deviation,
                    deviation_percent=reading.check.deviation_percent,
                    limit_percent=reading.check.limit_percent,
                    reason=reading.check.reason,
                    since=pair.violation_start(at),
                    location_price_id=reading.effective.id,
                    brand_price_id=reading.brand.id,
                )
            )
    findings.sort(key=lambda f: (-abs(f.deviation_percent), -abs(f.deviation), f.location, f.sku))
    return PriceAudit(
        at=at,
        channel=channel,
        currency=currency,
        findings=tuple(findings),
        locations=_summaries(policies, findings),
        not_compared=tuple(not_compared),
        pairs_checked=len(own),
    )


def _summaries(
    policies: Mapping[str, FranchisePolicy], findings: Sequence[AuditFinding]
) -> tuple[LocationSummary, ...]:
    by_location: dict[str, list[AuditFinding]] = defaultdict(list)
    for finding in findings:  # already worst first
        by_location[finding.location].append(finding)
    summaries = []
    for location, policy in policies.items():
        found = by_location.get(location, [])
        worst = found[0] if found else None
        summaries.append(
            LocationSummary(
                location=location,
                franchisee=policy.franchisee,
                skus_outside=len(found),
                worst_sku=worst.sku if worst else None,
                worst_deviation_percent=worst.deviation_percent if worst else None,
            )
        )
    summaries.sort(
        key=lambda s: (
            -s.skus_outside,
            -abs(s.worst_deviation_percent or Decimal(0)),
            s.location,
        )
    )
    return tuple(summaries)

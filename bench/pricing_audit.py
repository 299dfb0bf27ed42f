"""Price consistency audit: 300 franchised locations, 100 000 SKUs, a few thousand store rows.

    .venv/bin/python bench/pricing_audit.py [--skus 100000] [--locations 300] \
        [--location-rows 5000] [--repeat 5] [--seed 1]

Generates a price history of that shape: every SKU has a base price, a third of them changed
once (the old row closed, a new one opened), a fifth have a store-channel price and some a web,
segment or CHF price the audit must ignore; the locations' own rows fall on random SKUs, a
third of them with a later change, at the brand's price or off it by up to 20 %. Policies:
60 % locked, 30 % a band of 5 or 10 %, 10 % free; 20 more locations have rows and no policy.
Reports the time of `audit_prices` (generation excluded), median and slowest of the runs, in
wall time and in the process's CPU time (steadier on a machine shared with other work).
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from omnicanal.pricing import FranchisePolicy, Price, audit_prices

AT = datetime(2026, 3, 7, 15, 0, tzinfo=UTC)
PRICE_POINTS = [499, 990, 1299, 1999, 2490, 3990, 4999, 7990, 12900, 19900]


def day(n: int) -> datetime:
    return AT - timedelta(days=n)


def brand_rows(rng: random.Random, skus: list[str]) -> tuple[list[Price], dict[str, int]]:
    rows: list[Price] = []
    current: dict[str, int] = {}
    for sku in skus:
        amount = rng.choice(PRICE_POINTS)
        if rng.random() < 0.33:  # one price change: the old row closed, a new one opened
            changed = rng.randint(1, 300)
            rows.append(Price(f"{sku}-b0", sku, amount, valid_until=day(changed)))
            amount = amount * rng.choice([90, 95, 105, 110]) // 100
            rows.append(Price(f"{sku}-b1", sku, amount, valid_from=day(changed)))
        else:
            rows.append(Price(f"{sku}-b0", sku, amount))
        if rng.random() < 0.2:
            amount = amount * rng.choice([95, 100, 105]) // 100
            rows.append(Price(f"{sku}-st", sku, amount, channel="store", valid_from=day(400)))
        current[sku] = amount
        roll = rng.random()
        if roll < 0.10:
            rows.append(Price(f"{sku}-web", sku, amount * 95 // 100, channel="web"))
        elif roll < 0.15:
            rows.append(Price(f"{sku}-vip", sku, amount * 90 // 100, segment="vip"))
        elif roll < 0.18:
            rows.append(Price(f"{sku}-chf", sku, amount * 105 // 100, currency="CHF"))
    return rows, current


def _off(rng: random.Random, amount: int) -> int:
    roll = rng.random()
    if roll < 0.5:
        return amount  # the brand's price, restated by the store
    percent = rng.choice([3, 4, 8, 12, 15, 20]) * rng.choice([-1, 1])
    return max(1, amount * (100 + percent) // 100)


def location_rows(
    rng: random.Random, skus: list[str], current: dict[str, int], locations: list[str], n: int
) -> list[Price]:
    rows: list[Price] = []
    while len(rows) < n:
        location, sku = rng.choice(locations), rng.choice(skus)
        start = rng.randint(1, 200)  # days before the audit
        prefix = f"{location}-{sku}-{len(rows)}"
        if rng.random() < 0.33:  # changed once since
            changed = rng.randint(0, start - 1)
            rows.append(
                Price(f"{prefix}-0", sku, _off(rng, current[sku]), location=location,
                      valid_from=day(start), valid_until=day(changed))
            )  # fmt: skip
            start = changed
        rows.append(
            Price(f"{prefix}-1", sku, _off(rng, current[sku]), location=location,
                  valid_from=day(start))
        )  # fmt: skip
    return rows


def policies_for(rng: random.Random, locations: list[str]) -> dict[str, FranchisePolicy]:
    policies = {}
    for i, location in enumerate(locations):
        roll, franchisee = rng.random(), f"franchisee-{i // 3:03d}"
        if roll < 0.6:
            policies[location] = FranchisePolicy(franchisee)
        elif roll < 0.9:
            band = Decimal(rng.choice([5, 10]))
            policies[location] = FranchisePolicy(franchisee, "band", band)
        else:
            policies[location] = FranchisePolicy(franchisee, "free")
    return policies


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--skus", type=int, default=100_000)
    parser.add_argument("--locations", type=int, default=300)
    parser.add_argument("--location-rows", type=int, default=5_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    rng = random.Random(args.seed)
    skus = [f"SKU{i:06d}" for i in range(args.skus)]
    audited = [f"FR{i:03d}" for i in range(args.locations)]
    unaudited = [f"XX{i:03d}" for i in range(20)]
    brand, current = brand_rows(rng, skus)
    own = location_rows(rng, skus, current, audited + unaudited, args.location_rows)
    policies = policies_for(rng, audited)
    prices = brand + own
    rng.shuffle(prices)
    print(
        f"{len(prices):,} price rows ({len(brand):,} brand, {len(own):,} location) over "
        f"{args.skus:,} SKUs; {len(policies)} audited locations"
    )

    wall, cpu = [], []
    for _ in range(args.repeat):
        started, started_cpu = time.perf_counter(), time.process_time()
        report = audit_prices(prices, policies, channel="store", currency="EUR", at=AT)
        wall.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
    outside = sum(1 for s in report.locations if s.skus_outside)
    dated = sum(1 for f in report.findings if f.since is not None)
    print(
        f"{report.pairs_checked:,} (location, SKU) pairs checked; {len(report.findings):,} "
        f"findings ({dated:,} with a start date) at {outside} locations; "
        f"{len(report.not_compared)} not compared"
    )
    for name, seconds in (("wall", wall), ("CPU", cpu)):
        print(
            f"audit_prices, {name} time: median {statistics.median(seconds) * 1000:.0f} ms, "
            f"slowest {max(seconds) * 1000:.0f} ms over {args.repeat} runs"
        )


if __name__ == "__main__":
    main()

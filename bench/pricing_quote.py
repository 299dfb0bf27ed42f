"""Quote latency: a 20-line cart against 2 000 active promotions over 100 000 products.

    .venv/bin/python bench/pricing_quote.py [--products 100000] [--promotions 2000] [--seed 1]
    .venv/bin/python bench/pricing_quote.py --profile   # cProfile of the indexed quote loop only

Generates a catalogue (categories three levels deep, brands) and promotions with a realistic
mix of kinds and targets (SKU lists, categories, brands, channels, coupons, cart-wide), all
active at the quote's instant; carts draw half their lines among promoted products so that
promotions do apply. Reports p50 and p99 of `quote` in-process with the index, then with the
index disabled (every promotion checked) at 100, 1 000 and 10 000 promotions.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import random
import statistics
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from datetime import time as clock
from decimal import Decimal

from omnicanal.pricing import (
    AmountOff,
    BundlePrice,
    BuyXGetY,
    Cart,
    CartLine,
    Conditions,
    Coupon,
    Delivery,
    FixedPrice,
    FreeDelivery,
    LoyaltyMultiplier,
    LoyaltyRules,
    NthItem,
    PercentOff,
    Promotion,
    PromotionSet,
    QuoteContext,
    SpendThreshold,
    SpendTier,
    quote,
)

AT = datetime(2026, 3, 7, 15, 0, tzinfo=UTC)  # a Saturday afternoon
CHANNELS = ["web", "app", "store", "call_center", "marketplace"]
SEGMENTS = ["vip", "student", "pro"]


@dataclass(frozen=True, slots=True)
class Product:
    sku: str
    category: str
    brand: str
    price: int


def catalogue(rng: random.Random, n: int) -> list[Product]:
    tops = ["mode", "chaussures", "maison", "beaute", "sport", "enfant", "bijoux", "deco"]
    categories = [
        f"{t}/c{i}/c{i}-{j}" for t in tops for i in range(6) for j in range(5)
    ]  # 240 leaves
    brands = [f"brand{i:03d}" for i in range(200)]
    return [
        Product(f"SKU{i:06d}", rng.choice(categories), rng.choice(brands),
                rng.choice([499, 990, 1299, 1999, 2490, 3990, 4999, 7990, 12900, 19900]))
        for i in range(n)
    ]  # fmt: skip


def _action(rng: random.Random, products: list[Product]) -> tuple[object, bool]:
    """An action and whether it needs product targets."""
    roll = rng.random()
    if roll < 0.35:
        return PercentOff(Decimal(rng.choice([5, 10, 15, 20, 25, 30, 50]))), False
    if roll < 0.50:
        return AmountOff(rng.choice([300, 500, 1000, 1500]), rng.choice(["order", "unit"])), False
    if roll < 0.58:
        return FixedPrice(rng.choice([990, 1990, 2990])), True
    if roll < 0.70:
        buy = rng.randint(1, 3)
        return BuyXGetY(buy, rng.randint(1, buy), Decimal(rng.choice([50, 100]))), True
    if roll < 0.80:
        return NthItem(rng.randint(2, 3), Decimal(rng.choice([30, 50, 100]))), True
    if roll < 0.85:
        parts = tuple(frozenset(p.sku for p in rng.sample(products, 5)) for _ in range(2))
        return BundlePrice(parts, rng.choice([2990, 4990])), False
    if roll < 0.92:
        return SpendThreshold((SpendTier(5000, 500), SpendTier(10_000, 1500))), False
    if roll < 0.96:
        return FreeDelivery(), False
    return LoyaltyMultiplier(Decimal(rng.choice([2, 3]))), False


def promotions(rng: random.Random, n: int, products: list[Product]) -> list[Promotion]:
    categories = sorted({p.category for p in products})
    brands = sorted({p.brand for p in products})
    out = []
    for i in range(n):
        action, needs_products = _action(rng, products)
        target = rng.random()
        if needs_products:
            target = min(target, 0.91)
        if target < 0.62:  # a list of SKUs: most of a brand's promotions are markdowns
            conditions = {"skus": {p.sku for p in rng.sample(products, rng.randint(1, 30))}}
        elif target < 0.82:  # a category: mostly a leaf, sometimes its parent, rarely a top level
            category = rng.choice(categories)
            depth = rng.choices([0, 1, 2], weights=[75, 20, 5])[0]
            conditions = {"categories": {category.rsplit("/", depth)[0]}}
        elif target < 0.92:
            conditions = {"brands": set(rng.sample(brands, rng.randint(1, 3)))}
        elif target < 0.97:  # cart-wide on some channels (thresholds, free delivery, points)
            conditions = {"channels": set(rng.sample(CHANNELS, rng.randint(1, 2)))}
        else:  # cart-wide everywhere, most with a coupon, a segment or a tier
            conditions = {}
        extra = rng.random()
        if extra < 0.10:
            conditions["segments"] = {rng.choice(["vip", "student", "pro"])}
        elif extra < 0.20:
            conditions["loyalty_tiers"] = {rng.choice(["silver", "gold"])}
        elif extra < 0.25:
            conditions["hours"] = (clock(rng.randint(8, 14)), clock(rng.randint(15, 21)))
        elif extra < 0.30:
            conditions["min_cart"] = rng.choice([3000, 5000, 10_000])
        out.append(Promotion(
            f"promo{i:05d}", action, Conditions(**conditions), priority=rng.randint(0, 5),  # type: ignore[arg-type]
            stacking_group=rng.choice([None, None, "sales", "clearance"]),
            exclusive=rng.random() < 0.02, requires_coupon=rng.random() < 0.05,
            starts_at=AT - timedelta(days=rng.randint(1, 30)),
            ends_at=AT + timedelta(days=rng.randint(1, 30)),
            max_uses=rng.choice([None, None, 10_000]), budget=rng.choice([None, None, 5_000_000]),
        ))  # fmt: skip
    return out


def carts(
    rng: random.Random, products: list[Product], promos: list[Promotion], n: int
) -> list[Cart]:
    promoted = sorted({s for p in promos if p.conditions.skus for s in p.conditions.skus})
    by_sku = {p.sku: p for p in products}
    out = []
    for _ in range(n):
        picks = [by_sku[s] for s in rng.sample(promoted, 10)] + rng.sample(products, 10)
        lines = tuple(
            CartLine(p.sku, rng.choice([1, 1, 1, 2, 3]), p.price, "EUR", p.category, p.brand)
            for p in picks
        )
        out.append(Cart(lines, "EUR", Delivery("delivery", 490)))
    return out


def measure(
    label: str, promotion_set: PromotionSet, cart_pool: list[Cart], contexts: list[QuoteContext],
    coupons: dict[str, Coupon], rounds: int,
) -> dict[str, float]:  # fmt: skip
    loyalty = LoyaltyRules()
    for i in range(min(rounds, 200)):  # warm-up
        quote(cart_pool[i % len(cart_pool)], contexts[i % len(contexts)], promotion_set,
              coupons=coupons, loyalty=loyalty)  # fmt: skip
    timings = []
    applied = candidates = 0
    for i in range(rounds):
        cart, ctx = cart_pool[i % len(cart_pool)], contexts[i % len(contexts)]
        start = time.perf_counter_ns()
        q = quote(cart, ctx, promotion_set, coupons=coupons, loyalty=loyalty)
        timings.append(time.perf_counter_ns() - start)
        applied += len(q.adjustments)
        candidates += len(promotion_set.candidates(
            {ln.sku for ln in cart.lines},
            {"/".join(ln.category.split("/")[: k + 1]) for ln in cart.lines for k in range(3)},
            {ln.brand for ln in cart.lines if ln.brand}, ctx.channel, (),
        ))  # fmt: skip
    timings.sort()
    p50 = statistics.median(timings) / 1e6
    p99 = timings[int(len(timings) * 0.99) - 1] / 1e6
    print(f"{label:<36} p50 {p50:7.3f} ms   p99 {p99:7.3f} ms   "
          f"candidates {candidates / rounds:6.0f}   applied {applied / rounds:4.1f}",
          flush=True)  # fmt: skip
    return {"p50": p50, "p99": p99}


def profile(
    promotion_set: PromotionSet, cart_pool: list[Cart], contexts: list[QuoteContext],
    coupons: dict[str, Coupon], rounds: int,
) -> None:  # fmt: skip
    """cProfile of the same quotes `measure` times, sorted by own time."""
    loyalty = LoyaltyRules()
    profiler = cProfile.Profile()
    profiler.enable()
    for i in range(rounds):
        quote(cart_pool[i % len(cart_pool)], contexts[i % len(contexts)], promotion_set,
              coupons=coupons, loyalty=loyalty)  # fmt: skip
    profiler.disable()
    pstats.Stats(profiler).sort_stats("tottime").print_stats(25)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--products", type=int, default=100_000)
    parser.add_argument("--promotions", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=5000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--profile", action="store_true", help="profile the indexed quotes only")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    started = time.perf_counter()
    products = catalogue(rng, args.products)
    largest = promotions(rng, max(args.promotions, 10_000), products)
    active = largest[: args.promotions]
    coupon_promotions = [p for p in largest if p.requires_coupon]
    coupons = {f"CODE{i}": Coupon(f"CODE{i}", p.id, max_redemptions=None)
               for i, p in enumerate(coupon_promotions)}  # fmt: skip
    cart_pool = carts(rng, products, active, 200)
    contexts = [
        QuoteContext(rng.choice(CHANNELS), AT, location=f"store{rng.randint(1, 400)}",
                     customer_id=f"c{i}", segments=frozenset({rng.choice(SEGMENTS)}),
                     loyalty_tier=rng.choice([None, "silver", "gold"]),
                     coupons=(rng.choice(list(coupons)),) if rng.random() < 0.3 else ())
        for i in range(97)
    ]  # fmt: skip
    print(f"{len(products)} products, {len(largest)} promotions generated in "
          f"{time.perf_counter() - started:.1f} s; 20-line carts", flush=True)  # fmt: skip

    indexed = PromotionSet(active)
    if args.profile:
        profile(indexed, cart_pool, contexts, coupons, args.rounds)
        return
    result = measure(f"indexed, {len(active)} promotions", indexed, cart_pool, contexts, coupons,
                     args.rounds)  # fmt: skip
    print(f"  targets p50 ≤ 1 ms, p99 ≤ 5 ms: "
          f"{'met' if result['p50'] <= 1 and result['p99'] <= 5 else 'NOT met'}")  # fmt: skip
    measure(f"indexed, {len(largest)} promotions", PromotionSet(largest), cart_pool, contexts,
            coupons, args.rounds)  # fmt: skip
    for n in (100, 1_000, 10_000):
        rounds = max(100, min(args.rounds, 200_000 // n))
        measure(f"index disabled, {n} promotions", PromotionSet(largest[:n], indexed=False),
                cart_pool, contexts, coupons, rounds)  # fmt: skip


if __name__ == "__main__":
    main()

"""Small builders for pricing tests: a cart line, a context, a quote in one call."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime

from omnicanal.pricing import Cart, CartLine, Delivery, Promotion, Quote, QuoteContext, quote

# Monday 2 March 2026, 10:00 UTC = 11:00 in Paris
AT = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)


def line(
    sku: str, price: int, quantity: int = 1, category: str = "mode", brand: str = "maison"
) -> CartLine:
    return CartLine(sku, quantity, price, "EUR", category, brand)


def cart(*lines: CartLine, delivery: Delivery | None = None) -> Cart:
    return Cart(tuple(lines), "EUR", delivery)


def context(channel: str = "web", **fields: object) -> QuoteContext:
    fields.setdefault("at", AT)
    return QuoteContext(channel, **fields)  # type: ignore[arg-type]


def price(the_cart: Cart, promotions: Iterable[Promotion], **fields: object) -> Quote:
    """Quote `the_cart` on the web at AT, unless `fields` say otherwise (`coupons`: the codes
    typed; `known_coupons`, `usage`, `loyalty` go to `quote`)."""
    keywords = {k: fields.pop(k) for k in ("usage", "loyalty") if k in fields}
    if "known_coupons" in fields:
        keywords["coupons"] = fields.pop("known_coupons")
    if "coupons" in fields:
        fields["coupons"] = tuple(fields["coupons"])  # type: ignore[arg-type]
    return quote(the_cart, context(**fields), list(promotions), **keywords)  # type: ignore[arg-type]


def discounts(q: Quote) -> dict[str, int]:
    """promotion id -> amount it granted."""
    return {a.promotion_id: a.amount for a in q.adjustments}

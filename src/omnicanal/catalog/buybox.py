"""The buy box: which of a product's marketplace offers is featured, and why. No I/O.

Only active offers in stock compete. The best landed price (price plus delivery fee) wins,
then the shorter delivery promise, then the better seller rating, then the smaller offer id
(arbitrary but stable, so the featured offer does not flicker between equal offers). The
brand's own offer keeps the lead while its landed price is within `tolerance_percent` of the
best third-party landed price: a customer pays a little more to buy from the brand itself.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum


class BuyBoxReason(StrEnum):
    NO_ELIGIBLE_OFFER = "no_eligible_offer"  # no offer, or none active and in stock
    ONLY_OFFER = "only_offer"
    LOWEST_PRICE = "lowest_price"
    FASTER_DELIVERY = "faster_delivery"  # same landed price as the runner-up
    BETTER_RATING = "better_rating"  # same landed price and delivery promise
    TIE_BREAK = "tie_break"  # equal on every criterion: the smaller offer id
    BRAND_WITHIN_TOLERANCE = "brand_within_tolerance"


class Exclusion(StrEnum):
    INACTIVE = "inactive"
    OUT_OF_STOCK = "out_of_stock"


class MixedCurrencies(ValueError):
    """Offers in different currencies cannot be compared without an exchange rate."""


@dataclass(frozen=True)
class Offer:
    offer_id: str
    is_brand: bool
    price_minor: int
    currency: str
    stock: int
    delivery_days: int
    rating_tenths: int | None = None  # 0..50; None (a seller not yet rated) ranks last
    shipping_minor: int = 0
    active: bool = True

    @property
    def landed_minor(self) -> int:
        return self.price_minor + self.shipping_minor


@dataclass(frozen=True)
class BuyBox:
    """The featured offer (None when no offer can be sold) and the figures behind it."""

    winner_id: str | None
    reason: BuyBoxReason
    currency: str | None = None
    winner_landed_minor: int | None = None
    runner_up_id: str | None = None
    runner_up_landed_minor: int | None = None
    best_third_party_landed_minor: int | None = None
    brand_landed_minor: int | None = None
    # The brand's landed price up to which it keeps the lead (best third party + tolerance).
    brand_ceiling_minor: Decimal | None = None
    tolerance_percent: Decimal = Decimal(0)
    excluded: dict[str, Exclusion] = field(default_factory=dict)


def _rank(offer: Offer) -> tuple[int, int, int, str]:
    rating = -1 if offer.rating_tenths is None else offer.rating_tenths
    return (offer.landed_minor, offer.delivery_days, -rating, offer.offer_id)


def _why_first(first: Offer, second: Offer) -> BuyBoxReason:
    if first.landed_minor != second.landed_minor:
        return BuyBoxReason.LOWEST_PRICE
    if first.delivery_days != second.delivery_days:
        return BuyBoxReason.FASTER_DELIVERY
    if first.rating_tenths != second.rating_tenths:
        return BuyBoxReason.BETTER_RATING
    return BuyBoxReason.TIE_BREAK


def select_buy_box(offers: Sequence[Offer], tolerance_percent: Decimal | int = 5) -> BuyBox:
    """The featured offer among `offers`; raises `MixedCurrencies` when they differ."""
    tolerance = Decimal(tolerance_percent)
    if tolerance < 0:
        raise ValueError("the brand tolerance is a percentage of 0 or more")
    currencies = sorted({o.currency for o in offers})
    if len(currencies) > 1:
        raise MixedCurrencies(
            f"offers are in {', '.join(currencies)}; a buy box compares one currency"
        )
    excluded: dict[str, Exclusion] = {}
    eligible: list[Offer] = []
    for offer in offers:
        if not offer.active:
            excluded[offer.offer_id] = Exclusion.INACTIVE
        elif offer.stock <= 0:
            excluded[offer.offer_id] = Exclusion.OUT_OF_STOCK
        else:
            eligible.append(offer)
    if not eligible:
        return BuyBox(
            None, BuyBoxReason.NO_ELIGIBLE_OFFER, tolerance_percent=tolerance, excluded=excluded
        )

    ranked = sorted(eligible, key=_rank)
    brand = next((o for o in ranked if o.is_brand), None)
    third = next((o for o in ranked if not o.is_brand), None)
    ceiling = None
    if third is not None:
        ceiling = Decimal(third.landed_minor) * (100 + tolerance) / 100
    winner, reason = ranked[0], BuyBoxReason.ONLY_OFFER
    if len(ranked) > 1:
        reason = _why_first(ranked[0], ranked[1])
    if (
        brand is not None
        and third is not None
        and not winner.is_brand
        and ceiling is not None
        and brand.landed_minor <= ceiling
    ):
        winner, reason = brand, BuyBoxReason.BRAND_WITHIN_TOLERANCE
    runner_up = next((o for o in ranked if o is not winner), None)
    return BuyBox(
        winner_id=winner.offer_id,
        reason=reason,
        currency=winner.currency,
        winner_landed_minor=winner.landed_minor,
        runner_up_id=runner_up.offer_id if runner_up else None,
        runner_up_landed_minor=runner_up.landed_minor if runner_up else None,
        best_third_party_landed_minor=third.landed_minor if third else None,
        brand_landed_minor=brand.landed_minor if brand else None,
        brand_ceiling_minor=ceiling,
        tolerance_percent=tolerance,
        excluded=excluded,
    )

"""The promotions a quote runs against, ordered once and indexed by what they can apply to, so
that a cart checks only its candidates instead of every active promotion. Pure, no I/O.

Each promotion is filed under one key that every cart it can apply to must hit:
- a promotion that needs a coupon, under its id (reached through the coupons entered);
- else one that targets products, under its SKUs, else its categories, else its brands (product
  conditions must all hold, so any one of them is a complete key);
- else one limited to channels, under its channels;
- else under "applies to all".
A cart's candidates are the union of the keys its lines, channel and coupons hit, in the order
of application. `indexed=False` checks every promotion (the benchmark's baseline).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence

from omnicanal.pricing.actions import InvalidPromotion
from omnicanal.pricing.promotions import Promotion


def application_order(promotion: Promotion) -> tuple[int, str]:
    """Higher priority first, then the smaller id: the order never depends on the input's."""
    return (-promotion.priority, promotion.id)


class PromotionSet:
    def __init__(self, promotions: Iterable[Promotion], *, indexed: bool = True) -> None:
        ordered = sorted(promotions, key=application_order)
        ids = [p.id for p in ordered]
        if duplicates := sorted(i for i, n in Counter(ids).items() if n > 1):
            raise InvalidPromotion(f"promotion {duplicates[0]!r} given twice", field="id")
        self.promotions: tuple[Promotion, ...] = tuple(ordered)
        self.by_id = {p.id: p for p in ordered}
        self.indexed = indexed
        self._rank = {p.id: i for i, p in enumerate(ordered)}
        self._all: list[int] = []
        self._coupon: dict[str, list[int]] = defaultdict(list)
        self._sku: dict[str, list[int]] = defaultdict(list)
        self._category: dict[str, list[int]] = defaultdict(list)
        self._brand: dict[str, list[int]] = defaultdict(list)
        self._channel: dict[str, list[int]] = defaultdict(list)
        for rank, promotion in enumerate(ordered):
            self._file(rank, promotion)

    def _file(self, rank: int, promotion: Promotion) -> None:
        c = promotion.conditions
        if promotion.requires_coupon:
            self._coupon[promotion.id].append(rank)
        elif c.skus is not None:
            for sku in c.skus:
                self._sku[sku].append(rank)
        elif c.categories is not None:
            for category in c.categories:
                self._category[category].append(rank)
        elif c.brands is not None:
            for brand in c.brands:
                self._brand[brand].append(rank)
        elif c.channels is not None:
            for channel in c.channels:
                self._channel[channel].append(rank)
        else:
            self._all.append(rank)

    def __len__(self) -> int:
        return len(self.promotions)

    def candidates(
        self,
        skus: Iterable[str],
        categories: Iterable[str],
        brands: Iterable[str],
        channel: str | None,
        coupon_promotions: Iterable[str],
    ) -> Sequence[Promotion]:
        """The promotions that may apply, in the order of application. `categories` are every
        prefix of the lines' category paths."""
        if not self.indexed:
            return self.promotions
        ranks = set(self._all)
        for filed, keys in ((self._sku, skus), (self._category, categories), (self._brand, brands)):
            for key in filed.keys() & keys:  # only the cart's keys that some promotion is under
                ranks.update(filed[key])
        if channel is not None:
            ranks.update(self._channel.get(channel, ()))
        for key in coupon_promotions:
            ranks.update(self._coupon.get(key, ()))
        promotions = self.promotions
        return [promotions[r] for r in sorted(ranks)]

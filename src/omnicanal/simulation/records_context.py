"""What the record writers need to know about the brand: its stores, its marketplace sellers,
the day the period starts (every record exists by then)."""

from __future__ import annotations

import bisect
import random
from dataclasses import dataclass
from datetime import date
from itertools import accumulate

from omnicanal.simulation.model import Store
from omnicanal.simulation.network import slug
from omnicanal.simulation.places import Places, places_of
from omnicanal.simulation.world import World

SELLER_WEIGHTS = (0.5, 0.3, 0.2)  # the first seller is the biggest
NEAREST_OTHER_STORE = 0.7  # a second store is the nearest one; else any (holidays, work)
_SELLER_CUMULATIVE = list(accumulate(SELLER_WEIGHTS))[:-1]
ACCOUNT_YEARS = 8  # records were created over the years before the period


@dataclass(frozen=True)
class Context:
    start: date
    stores: dict[str, Store]
    places: Places
    sellers: tuple[str, ...]
    relay_domains: dict[str, str]  # seller code -> domain of its masked buyer e-mails

    @classmethod
    def of(cls, world: World) -> Context:
        sellers = tuple(code for code, _ in world.marketplace_sellers)
        relay = {
            code: f"acheteurs.{slug(name).lower().replace('-', '')}.fr"
            for code, name in world.marketplace_sellers
        }
        return cls(
            start=world.scale.start,
            stores={s.code: s for s in world.stores},
            places=places_of(tuple(world.stores)),
            sellers=sellers,
            relay_domains=relay,
        )

    def other_store(self, rng: random.Random, home: str) -> str:
        store = self.stores[home]
        if len(self.stores) == 1:
            return home
        if rng.random() < NEAREST_OTHER_STORE:
            return self.places.stores[self.places.nearest_other[store.index]].code
        while True:
            other = self.places.stores[self.places.store_index(rng)]
            if other.code != home:
                return other.code

    def sellers_for(self, rng: random.Random) -> tuple[str, str]:
        """Two different sellers, drawn by size (the second is used for a second record)."""
        first = bisect.bisect_right(_SELLER_CUMULATIVE, rng.random()) % len(self.sellers)
        second = (first + 1 + (rng.random() < 0.5)) % len(self.sellers)
        return self.sellers[first], self.sellers[second]

    def created(self, rng: random.Random, years: int = ACCOUNT_YEARS) -> tuple[date, int]:
        """A day before the period and a second of that day, between 7:00 and 23:00."""
        day = date.fromordinal(self.start.toordinal() - 1 - int(rng.random() * 365 * years))
        return day, 25_200 + int(rng.random() * 57_600)

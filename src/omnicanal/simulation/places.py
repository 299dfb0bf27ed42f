"""Where persons live: around the brand's stores, more of them near the big cities' stores.

Everything here is decided from the store list once (and cached: the same stores give the same
answer), so that drawing a home costs a handful of random numbers.
"""

from __future__ import annotations

import bisect
import random
from dataclasses import dataclass
from functools import lru_cache
from itertools import accumulate
from typing import NamedTuple

from omnicanal.simulation.contacts import landline_region
from omnicanal.simulation.data.geography import CITIES, STREETS
from omnicanal.simulation.model import Store

BETWEEN_STORES = 0.03  # share of homes half-way between a store and its nearest other store
# Homes lie within about 10 km of their store (triangular, denser inside), less in cities with
# several stores: each store's district is smaller.
JITTER_DEGREES = 0.09
# Big cities' arrondissements: persons there get one of these postal codes.
ARRONDISSEMENTS = {
    "Paris": tuple(f"750{n:02d}" for n in range(1, 21)),
    "Lyon": tuple(f"6900{n}" for n in range(1, 10)),
    "Marseille": tuple(f"130{n:02d}" for n in range(1, 17)),
}


class Home(NamedTuple):  # a tuple: made once per person, a frozen dataclass is slower
    street: str
    postal_code: str
    city: str
    latitude: float
    longitude: float
    store: str  # the store whose district it is in (the nearer one, between two stores)
    region: str  # first digit of the area's landline numbers
    between: str | None = None  # the other store, for homes between two stores


@dataclass(frozen=True)
class Places:
    stores: tuple[Store, ...]
    cumulative: list[float]  # store weights: the city's population shared by its stores
    nearest_other: tuple[int, ...]  # for each store, the index of its nearest other store
    postal_codes: dict[str, tuple[str, ...]]
    regions: tuple[str, ...]  # for each store, its landline region digit
    jitter: tuple[float, ...]  # for each store, how far its customers live (degrees)

    def store_index(self, rng: random.Random) -> int:
        return bisect.bisect_right(self.cumulative, rng.random() * self.cumulative[-1])

    def home(self, rng: random.Random, between: bool = True) -> Home:
        return self.around(rng, self.stores[self.store_index(rng)], between)

    def around(self, rng: random.Random, store: Store, between: bool = False) -> Home:
        """A home in `store`'s catchment: a city's stores share it, each its own district."""
        r = rng.random
        jitter = self.jitter[store.index]
        lat = store.latitude + (r() - r()) * jitter
        lon = store.longitude + (r() - r()) * jitter * 1.4
        other = None
        nearest = store
        if between and r() < BETWEEN_STORES:
            other = self.stores[self.nearest_other[store.index]]
            lat = (store.latitude + other.latitude) / 2 + (r() - 0.5) * 0.01
            lon = (store.longitude + other.longitude) / 2 + (r() - 0.5) * 0.01
            if _distance2(other, lat, lon) < _distance2(store, lat, lon):
                nearest, other = other, store
        return Home(
            street=street(rng),
            postal_code=rng.choice(self.postal_codes[nearest.city]),
            city=nearest.city,
            latitude=round(lat, 5),
            longitude=round(lon, 5),
            store=nearest.code,
            region=self.regions[nearest.index],
            between=other.code if other is not None else None,
        )

    def elsewhere(self, rng: random.Random, store: Store, far: bool) -> Home:
        """A new home after a move: another street in town, or another store's city (when the
        brand has stores in more than one city)."""
        if not far:
            return self.around(rng, store)
        for _ in range(20):
            home = self.home(rng, between=False)
            if home.city != store.city:
                return home
        return home


def street(rng: random.Random) -> str:
    number = 1 + int(140 * rng.random() ** 2)  # low numbers are the most common
    suffix = " bis" if rng.random() < 0.03 else ""
    return f"{number}{suffix} {STREETS[int(rng.random() * len(STREETS))]}"


def _distance2(store: Store, lat: float, lon: float) -> float:
    # Planar, a degree of longitude being about 0.7 of a degree of latitude in France.
    return (store.latitude - lat) ** 2 + ((store.longitude - lon) * 0.7) ** 2


@lru_cache(maxsize=8)
def places_of(stores: tuple[Store, ...]) -> Places:
    population = {name: inhabitants for name, _, _, _, inhabitants in CITIES}
    city_stores: dict[str, list[Store]] = {}
    for store in stores:
        city_stores.setdefault(store.city, []).append(store)
    # Bigger cities draw more persons, a little less than in proportion (their stores are busier
    # but people there also shop at other brands).
    weights = [(population.get(s.city, 50) / len(city_stores[s.city])) ** 0.85 for s in stores]
    nearest_other = []
    for store in stores:
        others = [s for s in stores if s is not store] or [store]
        nearest_other.append(
            min(others, key=lambda s: _distance2(s, store.latitude, store.longitude)).index
        )
    postal_codes = {
        city: ARRONDISSEMENTS.get(city, (members[0].postal_code,))
        for city, members in city_stores.items()
    }
    return Places(
        stores=stores,
        cumulative=list(accumulate(weights)),
        nearest_other=tuple(nearest_other),
        postal_codes=postal_codes,
        regions=tuple(landline_region(s.postal_code) for s in stores),
        jitter=tuple(JITTER_DEGREES / len(city_stores[s.city]) ** 0.5 for s in stores),
    )

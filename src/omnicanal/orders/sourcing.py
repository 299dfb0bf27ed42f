"""Sourcing of a home delivery: which locations ship which units. Pure, no I/O.

Only locations that ship take part (warehouses, stores with ship-from-store and delivery
terms), on their available-to-promise. One parcel when one location holds everything: a
warehouse first (the nearest to the customer), else the nearest store. Otherwise the order is
split, and among the plans with the fewest parcels the one with the fewest store parcels, then
the shortest total distance to the customer, wins (then location codes, so that the answer
never depends on the order of the input). Within a plan a line stays in one parcel when one of
the chosen locations can take it whole.

The fewest parcels are searched exactly up to `exact_up_to` parcels among the `pool` best
ranked locations holding any of the cart (every plan of two or three out of a few dozen is
checked in well under a millisecond); beyond, a greedy plan (each step the location covering
most of what is left) is returned, which may use a parcel more than the best.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import combinations

from omnicanal.errors import Conflict
from omnicanal.inventory import Point, Site, cart_quantities, distance_km, shipping_rank


class CannotSource(Conflict):
    """The shipping locations together do not hold the cart; `extra["missing"]`: SKU -> units
    short."""

    code = "cannot_source"


@dataclass(frozen=True, slots=True)
class Parcel:
    location: str
    lines: tuple[tuple[str, int], ...]  # (sku, quantity), in the cart's SKU order
    distance_km: float | None


@dataclass(frozen=True, slots=True)
class SourcingPlan:
    parcels: tuple[Parcel, ...]

    @property
    def split(self) -> bool:
        return len(self.parcels) > 1


def source_home_delivery(
    lines: Sequence[tuple[str, int]],
    sites: Iterable[Site],
    stock: Mapping[str, Mapping[str, int]],
    *,
    destination: Point | None = None,
    exact_up_to: int = 3,
    pool: int = 30,
) -> SourcingPlan:
    """Plan the parcels of a home delivery of `(sku, quantity)` lines. `stock`: location code
    -> SKU -> available-to-promise."""
    wanted = cart_quantities(lines)
    rank = shipping_rank(destination)
    empty: Mapping[str, int] = {}
    holders = sorted(
        (
            s
            for s in sites
            if s.ships and any(stock.get(s.code, empty).get(k, 0) > 0 for k in wanted)
        ),
        key=rank,
    )
    held = {
        s.code: {k: min(stock.get(s.code, empty).get(k, 0), n) for k, n in wanted.items()}
        for s in holders
    }
    missing = {k: n - sum(held[s.code][k] for s in holders) for k, n in wanted.items()}
    missing = {k: n for k, n in missing.items() if n > 0}
    if missing:
        raise CannotSource(
            "the shipping locations together do not hold "
            + ", ".join(f"{n} × {k}" for k, n in missing.items()),
            field="lines",
            missing=missing,
        )
    far = {s.code: _distance(destination, s) for s in holders}

    def covers(group: Sequence[Site]) -> bool:
        return all(sum(held[s.code][k] for s in group) >= n for k, n in wanted.items())

    chosen: Sequence[Site] | None = next(((s,) for s in holders if covers((s,))), None)
    candidates = holders[:pool]
    size = 2
    while chosen is None and size <= min(exact_up_to, len(candidates)):
        best = None
        for group in combinations(candidates, size):
            if covers(group):
                cost = (
                    sum(s.kind == "store" for s in group),
                    sum(far[s.code] for s in group),
                    tuple(sorted(s.code for s in group)),
                )
                if best is None or cost < best[0]:
                    best = (cost, group)
        chosen = best[1] if best is not None else None
        size += 1
    if chosen is None:
        chosen = _greedy(holders, held, wanted)
    return _assign(sorted(chosen, key=rank), held, wanted, destination)


def _distance(destination: Point | None, site: Site) -> float:
    """For comparing plans: a location without coordinates counts as the farthest."""
    if destination is None:
        return 0.0
    return distance_km(destination, site.point) if site.point is not None else float("inf")


def _greedy(
    holders: Sequence[Site], held: Mapping[str, Mapping[str, int]], wanted: Mapping[str, int]
) -> list[Site]:
    left = dict(wanted)
    chosen: list[Site] = []
    while any(left.values()):
        # most units covered, ties to the better ranked (holders are in rank order)
        site = max(
            (s for s in holders if s not in chosen),
            key=lambda s: sum(min(held[s.code][k], n) for k, n in left.items()),
        )
        chosen.append(site)
        left = {k: max(0, n - held[site.code][k]) for k, n in left.items()}
    return chosen


def _assign(
    chosen: Sequence[Site],
    held: Mapping[str, Mapping[str, int]],
    wanted: Mapping[str, int],
    destination: Point | None,
) -> SourcingPlan:
    taken: dict[str, dict[str, int]] = {s.code: {} for s in chosen}
    for sku, quantity in wanted.items():
        whole = next((s for s in chosen if held[s.code][sku] >= quantity), None)
        if whole is not None:
            taken[whole.code][sku] = quantity
            continue
        left = quantity
        for site in chosen:
            part = min(left, held[site.code][sku])
            if part:
                taken[site.code][sku] = part
                left -= part
    parcels = tuple(
        Parcel(
            s.code,
            tuple((sku, taken[s.code][sku]) for sku in wanted if sku in taken[s.code]),
            round(distance_km(destination, s.point), 3)
            if destination is not None and s.point is not None
            else None,
        )
        for s in chosen
        if taken[s.code]
    )
    return SourcingPlan(parcels)

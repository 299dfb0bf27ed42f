"""Sourcing of a home delivery: which locations ship which units. Pure, no I/O.

Only locations that ship take part (warehouses, stores with ship-from-store and delivery
terms), on their available-to-promise. One parcel when one location holds everything: a
warehouse first (the nearest to the customer), else the nearest store. Otherwise the order is
split, and among the plans with the fewest parcels the one with the fewest store parcels, then
the shortest total distance to the customer, wins (then location codes, so that the answer
never depends on the order of the input). Within a plan a line stays in one parcel when one of
the chosen locations can take it whole.

The fewest parcels are searched exactly up to `exact_up_to` parcels among the `pool` best
ranked locations holding any of the cart (each combination carries what is still missing, so
that its last member costs one comparison: the three-parcel search over 30 locations takes a
few milliseconds at worst); beyond, a greedy plan (each step the location covering
most of what is left) is returned, which may use a parcel more than the best.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from operator import ge

from omnicanal.errors import Conflict
from omnicanal.inventory import Point, Site, cart_quantities, distance_km


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
    skus, quantities = tuple(wanted), tuple(wanted.values())
    empty: Mapping[str, int] = {}
    zeros = (0,) * len(skus)
    far: dict[str, float] = {}
    held: dict[str, tuple[int, ...]] = {}  # per location, what it holds of each SKU, capped
    holders: list[Site] = []
    for site in sites:
        if not site.ships:
            continue
        figures = tuple(map(stock.get(site.code, empty).get, skus, zeros))
        if any(figures):
            held[site.code] = tuple(map(min, figures, quantities))
            far[site.code] = _distance(destination, site)
            holders.append(site)
    # `shipping_rank`'s order, from the distances computed once
    holders.sort(key=lambda s: (0 if s.kind == "warehouse" else 1, far[s.code], s.code))
    totals = [sum(column) for column in zip(*(held[s.code] for s in holders), strict=True)]
    missing = {k: n - t for k, n, t in zip(skus, quantities, totals or zeros, strict=True) if t < n}
    if missing:
        raise CannotSource(
            "the shipping locations together do not hold "
            + ", ".join(f"{n} × {k}" for k, n in missing.items()),
            field="lines",
            missing=missing,
        )

    chosen: Sequence[Site] | None = next(
        ((s,) for s in holders if all(map(ge, held[s.code], quantities))), None
    )
    candidates = holders[:pool]
    size = 2
    while chosen is None and size <= min(exact_up_to, len(candidates)):
        best: tuple[tuple[int, float, tuple[str, ...]], tuple[Site, ...]] | None = None
        for group in _covering_groups(candidates, held, quantities, size):
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
        chosen = _greedy(holders, held, skus, quantities)
    chosen = sorted(chosen, key=holders.index)
    return _assign(chosen, held, skus, quantities, destination)


def _distance(destination: Point | None, site: Site) -> float:
    """For comparing plans: a location without coordinates counts as the farthest."""
    if destination is None:
        return 0.0
    return distance_km(destination, site.point) if site.point is not None else float("inf")


def _covering_groups(
    candidates: Sequence[Site],
    held: Mapping[str, tuple[int, ...]],
    quantities: tuple[int, ...],
    size: int,
) -> Iterator[tuple[Site, ...]]:
    """Every group of `size` candidates that holds the cart together: combinations in order,
    each prefix carrying what is still missing, so that the last member is one comparison."""
    figures = [held[s.code] for s in candidates]

    def extend(
        start: int, group: tuple[int, ...], left: tuple[int, ...]
    ) -> Iterator[tuple[int, ...]]:
        if len(group) == size - 1:
            for last in range(start, len(figures)):
                if all(map(ge, figures[last], left)):
                    yield (*group, last)
            return
        for i in range(start, len(figures) - (size - 1 - len(group))):
            rest = tuple([n - h if n > h else 0 for n, h in zip(left, figures[i], strict=True)])
            yield from extend(i + 1, (*group, i), rest)

    for indexes in extend(0, (), quantities):
        yield tuple(candidates[i] for i in indexes)


def _greedy(
    holders: Sequence[Site],
    held: Mapping[str, tuple[int, ...]],
    skus: tuple[str, ...],
    quantities: tuple[int, ...],
) -> list[Site]:
    left = list(quantities)
    chosen: list[Site] = []
    while any(left):
        # most units covered, ties to the better ranked (holders are in rank order)
        site = max(
            (s for s in holders if s not in chosen),
            key=lambda s: sum(map(min, held[s.code], left)),
        )
        chosen.append(site)
        left = [max(0, n - h) for n, h in zip(left, held[site.code], strict=True)]
    return chosen


def _assign(
    chosen: Sequence[Site],
    held: Mapping[str, tuple[int, ...]],
    skus: tuple[str, ...],
    quantities: tuple[int, ...],
    destination: Point | None,
) -> SourcingPlan:
    taken: dict[str, dict[str, int]] = {s.code: {} for s in chosen}
    for i, (sku, quantity) in enumerate(zip(skus, quantities, strict=True)):
        whole = next((s for s in chosen if held[s.code][i] >= quantity), None)
        if whole is not None:
            taken[whole.code][sku] = quantity
            continue
        left = quantity
        for site in chosen:
            part = min(left, held[site.code][i])
            if part:
                taken[site.code][sku] = part
                left -= part
    parcels = tuple(
        Parcel(
            s.code,
            tuple((sku, taken[s.code][sku]) for sku in skus if sku in taken[s.code]),
            distance_km(destination, s.point)
            if destination is not None and s.point is not None
            else None,
        )
        for s in chosen
        if taken[s.code]
    )
    return SourcingPlan(parcels)

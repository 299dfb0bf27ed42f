"""Sourcing of a home delivery: a warehouse first, else the nearest store that ships; split
into the fewest parcels, then the fewest store parcels, then the shortest distance."""

from __future__ import annotations

from datetime import time
from itertools import combinations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from omnicanal.inventory import DeliveryTerms, OpeningHours, Point, Site, distance_km
from omnicanal.orders import CannotSource, source_home_delivery

HOME = Point(45.7640, 4.8357)  # Lyon
STORE_TERMS = DeliveryTerms(lead_days=1, cutoff=time(12, 0))


def site(code: str, kind: str = "store", km_east: float = 0.0, ships: bool = True) -> Site:
    # a degree of longitude at Lyon's latitude is about 77.8 km
    point = Point(HOME.latitude, HOME.longitude + km_east / 77.8)
    caps = frozenset(
        {"ship_from_store"}
        if kind == "store" and ships
        else {"home_delivery"}
        if kind == "warehouse"
        else {"click_and_collect"}
    )
    terms = DeliveryTerms() if kind == "warehouse" else STORE_TERMS if ships else None
    return Site(code, kind, "HQ", point, OpeningHours({}), caps, delivery=terms)  # type: ignore[arg-type]


def plan(
    lines: list[tuple[str, int]], sites: list[Site], stock: dict[str, dict[str, int]]
) -> list[tuple[str, tuple[tuple[str, int], ...]]]:
    result = source_home_delivery(lines, sites, stock, destination=HOME)
    return [(p.location, p.lines) for p in result.parcels]


CART = [("A", 1), ("B", 2)]
ALL = {"A": 5, "B": 5}


def test_a_warehouse_holding_everything_ships_it_even_when_a_store_is_nearer() -> None:
    sites = [site("STORE", km_east=1), site("WH", "warehouse", km_east=400)]
    assert plan(CART, sites, {"STORE": ALL, "WH": ALL}) == [("WH", (("A", 1), ("B", 2)))]


def test_the_nearest_of_several_warehouses() -> None:
    sites = [site("WH-FAR", "warehouse", km_east=400), site("WH-NEAR", "warehouse", km_east=200)]
    result = source_home_delivery(CART, sites, {"WH-FAR": ALL, "WH-NEAR": ALL}, destination=HOME)
    [parcel] = result.parcels
    assert (parcel.location, result.split) == ("WH-NEAR", False)
    assert parcel.distance_km == pytest.approx(200, abs=1)


def test_else_the_nearest_store_that_ships() -> None:
    sites = [
        site("FAR", km_east=30),
        site("NEAR", km_east=3),
        site("CLOSEST", km_east=1, ships=False),
        site("WH", "warehouse"),
    ]
    stock = {"FAR": ALL, "NEAR": ALL, "CLOSEST": ALL, "WH": {"A": 1}}
    assert plan(CART, sites, stock) == [("NEAR", (("A", 1), ("B", 2)))]


def test_a_split_uses_the_fewest_parcels_before_distance() -> None:
    # three near stores could ship it in three parcels; a near one and a far one do it in two
    sites = [
        site("S1", km_east=1),
        site("S2", km_east=2),
        site("S3", km_east=3),
        site("S-FAR", km_east=300),
    ]
    stock = {"S1": {"A": 1}, "S2": {"B": 2}, "S3": {"C": 1}, "S-FAR": {"B": 2, "C": 1}}
    assert plan([("A", 1), ("B", 2), ("C", 1)], sites, stock) == [
        ("S1", (("A", 1),)),
        ("S-FAR", (("B", 2), ("C", 1))),
    ]


def test_among_splits_of_as_many_parcels_the_fewest_store_parcels_then_the_nearest() -> None:
    sites = [
        site("WH", "warehouse", km_east=400),
        site("S1", km_east=1),
        site("S2", km_east=2),
        site("S9", km_east=9),
    ]
    stock = {"WH": {"A": 1}, "S1": {"B": 2}, "S2": {"A": 1}, "S9": {"B": 2}}
    # {WH, S1} beats {S2, S1} (one store parcel rather than two) and {WH, S9} (farther)
    assert plan(CART, sites, stock) == [("WH", (("A", 1),)), ("S1", (("B", 2),))]


def test_a_line_is_split_across_locations_only_when_none_of_them_can_take_it_whole() -> None:
    sites = [site("WH", "warehouse", km_east=400), site("S1", km_east=1)]
    assert plan([("A", 5)], sites, {"WH": {"A": 3}, "S1": {"A": 4}}) == [
        ("WH", (("A", 3),)),
        ("S1", (("A", 2),)),
    ]
    # B fits whole in S1, so only A is split
    stock = {"WH": {"A": 3, "B": 1}, "S1": {"A": 4, "B": 2}}
    assert plan([("A", 5), ("B", 2)], sites, stock) == [
        ("WH", (("A", 3),)),
        ("S1", (("A", 2), ("B", 2))),
    ]


def test_lines_of_the_same_sku_are_sourced_together() -> None:
    assert plan([("A", 1), ("A", 2)], [site("S1")], {"S1": {"A": 3}}) == [("S1", (("A", 3),))]


def test_a_cart_the_network_cannot_hold_is_refused_with_what_is_missing() -> None:
    sites = [site("WH", "warehouse"), site("S1"), site("CC", ships=False)]
    with pytest.raises(CannotSource) as error:
        source_home_delivery(
            [("A", 4), ("B", 1), ("C", 1)],
            sites,
            {"WH": {"A": 2}, "S1": {"A": 1, "B": 1}, "CC": {"C": 5}},
        )
    assert error.value.extra["missing"] == {"A": 1, "C": 1}
    assert error.value.code == "cannot_source"


def test_beyond_the_exact_search_a_greedy_plan_still_ships_everything() -> None:
    sites = [site(f"S{i}", km_east=i) for i in range(5)]
    stock = {f"S{i}": {f"K{i}": 1} for i in range(5)}
    lines = [(f"K{i}", 1) for i in range(5)]
    result = source_home_delivery(lines, sites, stock, destination=HOME, exact_up_to=2)
    assert sorted(p.location for p in result.parcels) == [f"S{i}" for i in range(5)]


def test_without_a_destination_warehouses_still_come_first_then_codes() -> None:
    sites = [site("S1"), site("WH-B", "warehouse"), site("WH-A", "warehouse")]
    result = source_home_delivery(CART, sites, {"S1": ALL, "WH-A": ALL, "WH-B": ALL})
    assert [(p.location, p.distance_km) for p in result.parcels] == [("WH-A", None)]


locations = st.integers(2, 7)


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_a_plan_ships_exactly_the_cart_from_what_each_location_holds_and_is_the_best_plan(
    data: st.DataObject,
) -> None:
    n = data.draw(st.integers(2, 7))
    skus = ["A", "B", "C", "D"]
    sites = [
        site(f"L{i}", "warehouse" if i == 0 else "store", km_east=data.draw(st.floats(0, 500)))
        for i in range(n)
    ]
    stock = {s.code: {k: data.draw(st.integers(0, 3)) for k in skus} for s in sites}
    lines = [
        (k, data.draw(st.integers(1, 4)))
        for k in data.draw(st.lists(st.sampled_from(skus), min_size=1, max_size=4, unique=True))
    ]
    wanted = dict(lines)
    try:
        result = source_home_delivery(lines, sites, stock, destination=HOME, exact_up_to=n)
    except CannotSource:
        assert any(sum(stock[s.code][k] for s in sites) < q for k, q in wanted.items())
        return
    shipped: dict[str, int] = {}
    for parcel in result.parcels:
        assert parcel.lines
        for sku, quantity in parcel.lines:
            assert 0 < quantity <= stock[parcel.location][sku]
            shipped[sku] = shipped.get(sku, 0) + quantity
    assert shipped == wanted
    covering = [
        group
        for size in range(1, n + 1)
        for group in combinations(sites, size)
        if all(sum(stock[s.code][k] for s in group) >= q for k, q in wanted.items())
    ]
    fewest = min(len(group) for group in covering)
    best = min(
        (
            sum(s.kind == "store" for s in g),
            sum(distance_km(HOME, s.point) for s in g),
            sorted(s.code for s in g),
        )  # type: ignore[arg-type]
        for g in covering
        if len(g) == fewest
    )
    assert len(result.parcels) == fewest
    assert sorted(p.location for p in result.parcels) == best[2]

"""Availability of a cart near a point and each location's promise, as plain data."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from omnicanal.inventory import (
    BANDS_ONLY_POLICY,
    DeliveryTerms,
    InvalidAvailability,
    OpeningHours,
    Point,
    Site,
    Viewer,
    VisibilityPolicy,
    availability,
    delivery_date,
    distance_km,
    promise,
)

PARIS = ZoneInfo("Europe/Paris")
HOURS = OpeningHours({d: ["10:00-19:00"] for d in ("mo", "tu", "we", "th", "fr", "sa")})
LYON = Point(45.7640, 4.8357)
PARIS_POINT = Point(48.8566, 2.3522)
VILLEURBANNE = Point(45.7719, 4.8902)
CART = [("SKU1", 1), ("SKU2", 2)]


def paris(*args: int) -> datetime:
    return datetime(*args, tzinfo=PARIS)  # type: ignore[misc]


MONDAY_11 = paris(2026, 3, 2, 11, 0)


def store(
    code: str = "LYON", *capabilities: str, point: Point | None = LYON, **fields: object
) -> Site:
    caps = capabilities or ("click_and_collect",)
    if "ship_from_store" in caps:
        fields.setdefault(
            "delivery",
            DeliveryTerms(lead_days=1, cutoff=time(12, 0), dispatch_days=frozenset(range(6))),
        )
    return Site(code, "store", fields.pop("owner", "OWN"), point, HOURS, frozenset(caps), **fields)  # type: ignore[arg-type]


def warehouse(code: str = "WH-N", point: Point | None = PARIS_POINT) -> Site:
    return Site(
        code,
        "warehouse",
        "HQ",
        point,
        OpeningHours({}),
        frozenset({"home_delivery"}),
        delivery=DeliveryTerms(),
    )


FULL = {"SKU1": 3, "SKU2": 2}


# -- distance ----------------------------------------------------------------------------------


def test_haversine_distance_between_paris_and_lyon() -> None:
    assert distance_km(PARIS_POINT, LYON) == pytest.approx(391.5, abs=1)
    assert distance_km(LYON, LYON) == 0
    assert distance_km(Point(0, 179.5), Point(0, -179.5)) == pytest.approx(
        111.2, abs=0.1
    )  # across the date line


@pytest.mark.parametrize(("lat", "lon", "field"), [(91, 0, "latitude"), (0, -181, "longitude")])
def test_a_point_is_on_earth(lat: float, lon: float, field: str) -> None:
    with pytest.raises(InvalidAvailability) as error:
        Point(lat, lon)
    assert error.value.field == field


# -- promise per location ----------------------------------------------------------------------


def test_a_store_open_now_with_click_and_collect_is_ready_in_an_hour() -> None:
    assert promise(store(), MONDAY_11) == {"kind": "ready_in", "minutes": 60}


def test_the_preparation_time_is_the_stores() -> None:
    assert promise(store(preparation_minutes=30), MONDAY_11) == {"kind": "ready_in", "minutes": 30}


def test_a_closed_store_is_ready_an_hour_after_it_opens_in_its_time_zone() -> None:
    result = promise(store(), paris(2026, 3, 2, 20, 0))
    assert result == {"kind": "ready_at", "at": paris(2026, 3, 3, 11, 0)}
    assert result["at"].tzinfo == PARIS  # type: ignore[typeddict-item]


def test_a_store_closing_within_the_hour_finishes_the_preparation_the_next_morning() -> None:
    assert promise(store(), paris(2026, 3, 2, 18, 30)) == {
        "kind": "ready_at",
        "at": paris(2026, 3, 3, 10, 30),
    }


def test_a_store_abroad_promises_in_its_own_time_zone() -> None:
    montreal = ZoneInfo("America/Montreal")
    hours = OpeningHours(
        {d: ["10:00-19:00"] for d in ("mo", "tu", "we", "th", "fr")}, "America/Montreal"
    )
    site = Site("MTL", "store", "OWN", None, hours, frozenset({"click_and_collect"}))
    result = promise(site, MONDAY_11)  # 05:00 in Montreal
    assert result == {"kind": "ready_at", "at": datetime(2026, 3, 2, 11, 0, tzinfo=montreal)}
    assert result["at"].tzinfo == montreal  # type: ignore[typeddict-item]


def test_a_store_that_ships_but_does_not_collect_promises_a_delivery() -> None:
    assert promise(store("LYON", "ship_from_store"), MONDAY_11) == {
        "kind": "delivery",
        "date": date(2026, 3, 3),
    }


def test_a_store_that_collects_promises_collection_before_delivery() -> None:
    site = store("LYON", "click_and_collect", "ship_from_store")
    assert promise(site, MONDAY_11) == {"kind": "ready_in", "minutes": 60}


def test_a_store_that_neither_collects_nor_ships_promises_nothing() -> None:
    assert promise(store("LYON", "returns"), MONDAY_11) is None
    never_open = Site("X", "store", "OWN", None, OpeningHours({}), frozenset({"click_and_collect"}))
    assert promise(never_open, MONDAY_11) is None


def test_a_warehouse_promises_a_delivery() -> None:
    assert promise(warehouse(), MONDAY_11) == {"kind": "delivery", "date": date(2026, 3, 4)}


# -- delivery dates ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("ordered", "delivered"),
    [
        (paris(2026, 3, 2, 13, 59), date(2026, 3, 4)),  # Monday before the cut-off: leaves Monday
        (paris(2026, 3, 2, 14, 0), date(2026, 3, 5)),  # at the cut-off: leaves Tuesday
        (
            paris(2026, 3, 5, 15, 0),
            date(2026, 3, 9),
        ),  # Thursday late: Friday, Saturday, (Sunday), Monday
        (paris(2026, 3, 6, 15, 0), date(2026, 3, 11)),  # Friday late: leaves Monday
        (paris(2026, 3, 7, 9, 0), date(2026, 3, 11)),  # Saturday: no dispatch
        (
            datetime(2026, 3, 2, 13, 30, tzinfo=UTC),
            date(2026, 3, 5),
        ),  # 14:30 in Paris: after the cut-off
    ],
)
def test_delivery_date_follows_cutoff_dispatch_days_and_lead_time_in_carrier_days(
    ordered: datetime, delivered: date
) -> None:
    assert delivery_date(DeliveryTerms(), ordered, HOURS) == delivered


def test_public_holidays_neither_dispatch_nor_deliver() -> None:
    terms = DeliveryTerms(closed_dates=frozenset({date(2026, 5, 1), date(2026, 5, 8)}))
    # Thursday 30 April, after the cut-off: Friday 1 May is off, so it leaves Monday 4, arrives Wednesday 6
    assert delivery_date(terms, paris(2026, 4, 30, 15, 0), HOURS) == date(2026, 5, 6)
    # Wednesday 6 May before the cut-off: Thursday 7, then Friday 8 is off: Saturday 9
    assert delivery_date(terms, paris(2026, 5, 6, 9, 0), HOURS) == date(2026, 5, 9)


def test_same_day_delivery_with_no_lead_time() -> None:
    assert delivery_date(
        DeliveryTerms(lead_days=0, cutoff=time(11, 0)), paris(2026, 3, 2, 10, 0), HOURS
    ) == date(2026, 3, 2)


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"lead_days": -1}, "lead_days"),
        ({"cutoff": time(14, tzinfo=UTC)}, "cutoff"),
        ({"dispatch_days": frozenset()}, "dispatch_days"),
        ({"carrier_days": frozenset({7})}, "carrier_days"),
    ],
)
def test_delivery_terms_are_validated(fields: dict[str, object], field: str) -> None:
    with pytest.raises(InvalidAvailability) as error:
        DeliveryTerms(**fields)  # type: ignore[arg-type]
    assert error.value.field == field


# -- availability of a cart --------------------------------------------------------------------


def test_each_location_near_the_point_shows_its_lines_and_promise_nearest_first() -> None:
    sites = [store("FAR", point=PARIS_POINT), store("NEAR", point=VILLEURBANNE), store("HERE")]
    stock = {"HERE": {"SKU1": 1}, "NEAR": FULL, "FAR": FULL}
    result = availability(CART, sites, stock, at=MONDAY_11, near=LYON)
    assert [row.location for row in result.locations] == ["HERE", "NEAR", "FAR"]
    here, near, _ = result.locations
    assert (here.distance_km, here.complete, here.promise) == (0.0, False, None)
    assert (result.skus, here.visibility, here.shown) == (("SKU1", "SKU2"), "band", ("low", "none"))
    assert result.lines(here) == (
        ("SKU1", {"visibility": "band", "level": "low"}),
        ("SKU2", {"visibility": "band", "level": "none"}),
    )
    assert near.distance_km == pytest.approx(4.4, abs=0.1)
    assert (near.complete, near.promise) == (True, {"kind": "ready_in", "minutes": 60})


def test_radius_and_limit_keep_the_nearest_and_a_location_without_coordinates_is_left_out_of_a_radius() -> (
    None
):
    sites = [
        store("FAR", point=PARIS_POINT),
        store("NEAR", point=VILLEURBANNE),
        store("HERE"),
        store("NOWHERE", point=None),
    ]
    within = availability(CART, sites, {}, at=MONDAY_11, near=LYON, radius_km=10)
    assert [row.location for row in within.locations] == ["HERE", "NEAR"]
    first = availability(CART, sites, {}, at=MONDAY_11, near=LYON, limit=1)
    assert [row.location for row in first.locations] == ["HERE"]
    everything = availability(CART, sites, {}, at=MONDAY_11, near=LYON)
    assert [(row.location, row.distance_km) for row in everything.locations][-1] == (
        "NOWHERE",
        None,
    )


def test_the_same_sku_on_two_lines_needs_both_quantities() -> None:
    result = availability(
        [("SKU1", 2), ("SKU1", 2)], [store()], {"LYON": {"SKU1": 3}}, at=MONDAY_11
    )
    [row] = result.locations
    assert (row.complete, result.skus) == (False, ("SKU1",))


def test_what_is_shown_follows_the_viewer_and_the_locations_policy() -> None:
    franchised = store("FRA", owner="FRA1", visibility=BANDS_ONLY_POLICY)
    hidden = store("SECRET", owner="FRA2", visibility=VisibilityPolicy("hidden", "hidden"))
    sites, stock = [store(), franchised, hidden], {"LYON": FULL, "FRA": FULL, "SECRET": FULL}

    def seen(viewer: Viewer) -> dict[str, object]:
        result = availability([("SKU1", 1)], sites, stock, at=MONDAY_11, viewer=viewer)
        return {row.location: result.lines(row)[0][1] for row in result.locations}

    exact, low = {"visibility": "exact", "quantity": 3}, {"visibility": "band", "level": "low"}
    assert seen(Viewer(channel="web")) == {
        "FRA": low,
        "LYON": low,
        "SECRET": {"visibility": "hidden"},
    }
    assert seen(Viewer(role="store_staff", entity="OWN")) == {
        "FRA": low,
        "LYON": exact,
        "SECRET": {"visibility": "hidden"},
    }
    assert seen(Viewer(role="franchisee", entity="FRA1")) == {
        "FRA": exact,
        "LYON": exact,
        "SECRET": {"visibility": "hidden"},
    }


def test_the_figures_a_viewer_may_see_come_as_one_tuple_per_location_in_the_carts_sku_order() -> (
    None
):
    staff = Viewer(role="store_staff", entity="OWN")
    result = availability(
        [("SKU2", 1), ("SKU1", 1), ("NONE", 1)],
        [store()],
        {"LYON": FULL},
        at=MONDAY_11,
        viewer=staff,
    )
    [row] = result.locations
    assert (result.skus, row.visibility, row.shown) == (
        ("SKU2", "SKU1", "NONE"),
        "exact",
        (2, 3, 0),
    )
    assert result.lines(row)[0] == ("SKU2", {"visibility": "exact", "quantity": 2})


def test_a_hidden_location_still_promises_what_it_holds() -> None:
    hidden = store("SECRET", visibility=VisibilityPolicy("hidden", "hidden"))
    result = availability([("SKU1", 1)], [hidden], {"SECRET": FULL}, at=MONDAY_11)
    [row] = result.locations
    assert (row.visibility, row.shown) == ("hidden", None)
    assert (result.lines(row), row.promise) == (
        (("SKU1", {"visibility": "hidden"}),),
        {"kind": "ready_in", "minutes": 60},
    )


def test_home_delivery_comes_from_a_warehouse_first_even_when_a_store_is_nearer() -> None:
    sites = [
        store("LYON", "ship_from_store"),
        warehouse("WH-N"),
        warehouse("WH-S", point=Point(43.2965, 5.3698)),
    ]
    stock = {"LYON": FULL, "WH-N": FULL, "WH-S": FULL}
    result = availability(CART, sites, stock, at=MONDAY_11, near=LYON, radius_km=5)
    assert [row.location for row in result.locations] == ["LYON"]  # the radius is for the list only
    # both warehouses hold it all: the nearer to Lyon is Marseille (278 km) rather than Paris (392 km)
    assert result.home_delivery == {
        "kind": "delivery",
        "date": date(2026, 3, 4),
        "location": "WH-S",
    }


def test_home_delivery_falls_back_to_the_nearest_store_that_ships_then_to_nothing() -> None:
    sites = [
        store("FAR", "ship_from_store", point=PARIS_POINT),
        store("NEAR", "ship_from_store", point=VILLEURBANNE),
        store("CC"),
        warehouse(),
    ]
    stock = {"FAR": FULL, "NEAR": FULL, "CC": FULL, "WH-N": {"SKU1": 9}}
    result = availability(CART, sites, stock, at=MONDAY_11, near=LYON)
    assert result.home_delivery == {
        "kind": "delivery",
        "date": date(2026, 3, 3),
        "location": "NEAR",
    }
    assert availability(CART, sites, {"CC": FULL}, at=MONDAY_11, near=LYON).home_delivery is None


@pytest.mark.parametrize(
    ("lines", "kwargs", "field"),
    [
        ([("SKU1", 0)], {}, "lines[0].quantity"),
        ([("", 1)], {}, "lines[0].sku"),
        ([], {}, "lines"),
        ([("SKU1", 1)], {"at": datetime(2026, 3, 2, 11)}, "at"),
        ([("SKU1", 1)], {"radius_km": 5}, "radius_km"),
    ],
)
def test_an_availability_request_is_validated(
    lines: list[tuple[str, int]], kwargs: dict[str, object], field: str
) -> None:
    call: dict[str, object] = {"at": MONDAY_11} | kwargs
    with pytest.raises(InvalidAvailability) as error:
        availability(lines, [store()], {}, **call)  # type: ignore[arg-type]
    assert error.value.field == field


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"code": ""}, "code"),
        ({"kind": "kiosk"}, "kind"),
        ({"preparation_minutes": -5}, "preparation_minutes"),
    ],
)
def test_a_site_is_validated(fields: dict[str, object], field: str) -> None:
    values: dict[str, object] = {"code": "LYON", "kind": "store", "owner": "OWN"} | fields
    with pytest.raises(InvalidAvailability) as error:
        Site(**values)  # type: ignore[arg-type]
    assert error.value.field == field

"""Availability of a SKU or a cart across locations near a point, and what each location can
promise. Pure, no I/O: the stock, the locations and the instant come in as data.

Per location, the promise for the whole cart (plain data, worded by the caller):

- `{"kind": "ready_in", "minutes": 60}`: a store that holds every line, offers click & collect,
  is open now and stays open long enough to prepare the order;
- `{"kind": "ready_at", "at": ...}`: the same store otherwise, when the preparation (done only
  while it is open) ends, in the store's time zone;
- `{"kind": "delivery", "date": ...}`: a location that holds every line and ships (a warehouse,
  or a store shipping from store), after its cut-off and lead time;
- `None`: it cannot serve the cart alone.

The home delivery promise of the whole cart comes from one location that holds every line,
chosen as sourcing chooses a single parcel: a warehouse first, the nearest one to the customer,
else the nearest store that ships. Distances are great-circle (haversine) from the point, the
customer's coordinates or their postal code's centroid.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from math import asin, cos, radians, sin, sqrt
from typing import Literal, TypedDict

from omnicanal.errors import InvalidInput
from omnicanal.inventory.hours import OpeningHours
from omnicanal.inventory.visibility import (
    OWN_STORE_POLICY,
    PUBLIC,
    ShownStock,
    Viewer,
    VisibilityPolicy,
)

EARTH_RADIUS_KM = 6371.0088  # mean radius (IUGG)
CLICK_AND_COLLECT = "click_and_collect"
SHIP_FROM_STORE = "ship_from_store"


class InvalidAvailability(InvalidInput):
    code = "invalid_availability"


# -- places -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Point:
    latitude: float
    longitude: float

    def __post_init__(self) -> None:
        if not -90 <= self.latitude <= 90:
            raise InvalidAvailability("a latitude is within ±90°", field="latitude")
        if not -180 <= self.longitude <= 180:
            raise InvalidAvailability("a longitude is within ±180°", field="longitude")


def distance_km(a: Point, b: Point) -> float:
    """Great-circle distance (haversine): ample for choosing the nearest store."""
    phi1, phi2 = radians(a.latitude), radians(b.latitude)
    h = (
        sin((phi2 - phi1) / 2) ** 2
        + cos(phi1) * cos(phi2) * sin(radians(b.longitude - a.longitude) / 2) ** 2
    )
    return 2 * EARTH_RADIUS_KM * asin(min(1.0, sqrt(h)))


WEEKDAYS = frozenset(range(5))  # Monday to Friday
EXCEPT_SUNDAY = frozenset(range(6))


@dataclass(frozen=True, slots=True)
class DeliveryTerms:
    """How a location ships: an order taken before `cutoff` (local time) on a dispatch day
    leaves that day, otherwise on the next dispatch day; the carrier then takes `lead_days` of
    its own delivery days. `closed_dates` (public holidays) neither dispatch nor deliver."""

    lead_days: int = 2
    cutoff: time = time(14, 0)
    dispatch_days: frozenset[int] = WEEKDAYS  # 0 is Monday
    carrier_days: frozenset[int] = EXCEPT_SUNDAY
    closed_dates: frozenset[date] = frozenset()

    def __post_init__(self) -> None:
        if (
            isinstance(self.lead_days, bool)
            or not isinstance(self.lead_days, int)
            or self.lead_days < 0
        ):
            raise InvalidAvailability(
                "a lead time is a non-negative number of days", field="lead_days"
            )
        if not isinstance(self.cutoff, time) or self.cutoff.tzinfo is not None:
            raise InvalidAvailability("a cut-off is a local time of day", field="cutoff")
        for name in ("dispatch_days", "carrier_days"):
            days = frozenset(getattr(self, name))
            if not days or not days <= frozenset(range(7)):
                raise InvalidAvailability("days run from 0 (Monday) to 6 (Sunday)", field=name)
            object.__setattr__(self, name, days)


def delivery_date(terms: DeliveryTerms, at: datetime, hours: OpeningHours) -> date:
    """The day a parcel ordered at `at` reaches the customer, read in the shipping location's
    time zone."""
    local = _utc(at).astimezone(hours.zone)
    day = local.date()
    if not (terms.cutoff > local.time() and _works(day, terms.dispatch_days, terms)):
        day += timedelta(days=1)
        while not _works(day, terms.dispatch_days, terms):
            day += timedelta(days=1)
    left = terms.lead_days
    while left:
        day += timedelta(days=1)
        if _works(day, terms.carrier_days, terms):
            left -= 1
    return day


def _utc(at: datetime) -> datetime:
    # arithmetic and differences between aware local times are wall-clock: work in UTC
    if not isinstance(at, datetime) or at.utcoffset() is None:
        raise InvalidAvailability("the instant must carry its time zone", field="at")
    return at.astimezone(UTC)


def _works(day: date, weekdays: frozenset[int], terms: DeliveryTerms) -> bool:
    return day.weekday() in weekdays and day not in terms.closed_dates


@dataclass(frozen=True, slots=True)
class Site:
    """A location as the stock rules see it. `delivery`: how it ships (a warehouse, or a store
    with ship_from_store); None when it does not."""

    code: str
    kind: Literal["store", "warehouse"]
    owner: str  # the entity that runs it
    point: Point | None = None
    hours: OpeningHours = field(default_factory=lambda: OpeningHours({}))
    capabilities: frozenset[str] = frozenset()
    visibility: VisibilityPolicy = OWN_STORE_POLICY
    delivery: DeliveryTerms | None = None
    preparation_minutes: int = 60

    def __post_init__(self) -> None:
        if not isinstance(self.code, str) or not self.code:
            raise InvalidAvailability("a location needs its code", field="code")
        if self.kind not in ("store", "warehouse"):
            raise InvalidAvailability(f"unknown location kind {self.kind!r}", field="kind")
        object.__setattr__(self, "capabilities", frozenset(self.capabilities))
        minutes = self.preparation_minutes
        if isinstance(minutes, bool) or not isinstance(minutes, int) or minutes < 0:
            raise InvalidAvailability(
                "a preparation time is a non-negative number of minutes",
                field="preparation_minutes",
            )

    @property
    def collects(self) -> bool:
        return self.kind == "store" and CLICK_AND_COLLECT in self.capabilities

    @property
    def ships(self) -> bool:
        return self.delivery is not None and (
            self.kind == "warehouse" or SHIP_FROM_STORE in self.capabilities
        )


# -- promises ---------------------------------------------------------------------------------


class ReadyIn(TypedDict):
    kind: Literal["ready_in"]
    minutes: int


class ReadyAt(TypedDict):
    kind: Literal["ready_at"]
    at: datetime  # in the store's time zone


class DeliveryPromise(TypedDict):
    kind: Literal["delivery"]
    date: date


Promise = ReadyIn | ReadyAt | DeliveryPromise


class HomeDelivery(TypedDict):
    kind: Literal["delivery"]
    date: date
    location: str


def collect_promise(site: Site, at: datetime) -> ReadyIn | ReadyAt | None:
    """When a click & collect order placed at `at` is ready, the store holding it all."""
    if not site.collects:
        return None
    at = _utc(at)
    ready = site.hours.finished_after(at, site.preparation_minutes)
    if ready is None:
        return None
    if ready - at == timedelta(minutes=site.preparation_minutes) and site.hours.is_open(at):
        return {"kind": "ready_in", "minutes": site.preparation_minutes}
    return {"kind": "ready_at", "at": ready.astimezone(site.hours.zone)}


def promise(site: Site, at: datetime) -> Promise | None:
    """What `site` promises for a cart it holds all of: collect if it can, else delivery."""
    collect = collect_promise(site, at)
    if collect is not None:
        return collect
    if site.ships:
        return {"kind": "delivery", "date": delivery_date(site.delivery, at, site.hours)}  # type: ignore[arg-type]
    return None


def shipping_rank(near: Point | None) -> Callable[[Site], tuple[int, float, str]]:
    """The order in which one location is chosen to ship a whole order: warehouses first, then
    the nearest (a location without coordinates last), then by code."""

    def rank(site: Site) -> tuple[int, float, str]:
        far = (
            distance_km(near, site.point)
            if near is not None and site.point is not None
            else float("inf")
        )
        return (0 if site.kind == "warehouse" else 1, far, site.code)

    return rank


# -- availability -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class LocationAvailability:
    location: str
    distance_km: float | None
    lines: tuple[tuple[str, ShownStock], ...]  # per SKU of the cart, as the viewer may see it
    complete: bool  # it holds every line (no more than its promise already says)
    promise: Promise | None


@dataclass(frozen=True, slots=True)
class Availability:
    locations: tuple[LocationAvailability, ...]  # nearest first
    home_delivery: HomeDelivery | None  # from one location; None when none holds it all


def cart_quantities(lines: Sequence[tuple[str, int]]) -> dict[str, int]:
    """`(sku, quantity)` lines as quantities by SKU, the same SKU on two lines added up."""
    wanted: dict[str, int] = {}
    for i, (sku, quantity) in enumerate(lines):
        if not isinstance(sku, str) or not sku:
            raise InvalidAvailability("a line needs a SKU", field=f"lines[{i}].sku")
        if isinstance(quantity, bool) or not isinstance(quantity, int) or quantity < 1:
            raise InvalidAvailability(
                "a quantity is a positive whole number", field=f"lines[{i}].quantity"
            )
        wanted[sku] = wanted.get(sku, 0) + quantity
    if not wanted:
        raise InvalidAvailability("ask for at least one SKU", field="lines")
    return wanted


def availability(
    lines: Sequence[tuple[str, int]],
    sites: Iterable[Site],
    stock: Mapping[str, Mapping[str, int]],
    *,
    at: datetime,
    near: Point | None = None,
    radius_km: float | None = None,
    limit: int | None = None,
    viewer: Viewer = PUBLIC,
) -> Availability:
    """What `viewer` sees of a cart's `(sku, quantity)` lines at each location, nearest first,
    within `radius_km` of `near` (a location without coordinates is then left out), at most
    `limit` of them; and the home delivery promise. `stock`: location code -> SKU ->
    available-to-promise (a missing SKU has none)."""
    at = _utc(at)
    if radius_km is not None and (near is None or radius_km < 0):
        raise InvalidAvailability("a radius needs a point and is not negative", field="radius_km")
    wanted = cart_quantities(lines)
    skus = tuple(wanted)
    empty: Mapping[str, int] = {}
    rank = shipping_rank(near)
    best: tuple[tuple[int, float, str], Site] | None = None
    rows: list[tuple[float, str, Site, Mapping[str, int], bool]] = []
    for site in sites:
        held = stock.get(site.code, empty)
        complete = all(held.get(sku, 0) >= wanted[sku] for sku in skus)
        if complete and site.ships:
            key = rank(site)
            if best is None or key < best[0]:
                best = (key, site)
        far = distance_km(near, site.point) if near is not None and site.point is not None else None
        if radius_km is not None and (far is None or far > radius_km):
            continue
        rows.append((far if far is not None else float("inf"), site.code, site, held, complete))
    rows.sort(key=lambda row: (row[0], row[1]))
    if limit is not None:
        rows = rows[:limit]
    out = []
    for far, code, site, held, complete in rows:
        policy = site.visibility
        audience = viewer.audience(site.owner)
        shown = tuple((sku, policy.shown(held.get(sku, 0), audience)) for sku in skus)
        out.append(
            LocationAvailability(
                code,
                None if far == float("inf") else round(far, 3),
                shown,
                complete,
                promise(site, at) if complete else None,
            )
        )
    home: HomeDelivery | None = None
    if best is not None:
        site = best[1]
        when = delivery_date(site.delivery, at, site.hours)  # type: ignore[arg-type]
        home = {"kind": "delivery", "date": when, "location": site.code}
    return Availability(tuple(out), home)

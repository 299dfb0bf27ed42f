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
from operator import ge, itemgetter
from typing import Literal, TypedDict

from omnicanal.errors import InvalidInput
from omnicanal.inventory.hours import OpeningHours
from omnicanal.inventory.visibility import (
    OWN_STORE_POLICY,
    PUBLIC,
    Level,
    ShownStock,
    Viewer,
    Visibility,
    VisibilityPolicy,
)

EARTH_RADIUS_KM = 6371.0088  # mean radius (IUGG)
DIAMETER_KM = 2 * EARTH_RADIUS_KM
CLICK_AND_COLLECT = "click_and_collect"
SHIP_FROM_STORE = "ship_from_store"


class InvalidAvailability(InvalidInput):
    code = "invalid_availability"


# -- places -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Point:
    latitude: float
    longitude: float
    # derived once, read by every distance: radians and the cosine of the latitude
    phi: float = field(init=False, repr=False, compare=False)
    lam: float = field(init=False, repr=False, compare=False)
    cos_phi: float = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if not -90 <= self.latitude <= 90:
            raise InvalidAvailability("a latitude is within ±90°", field="latitude")
        if not -180 <= self.longitude <= 180:
            raise InvalidAvailability("a longitude is within ±180°", field="longitude")
        object.__setattr__(self, "phi", radians(self.latitude))
        object.__setattr__(self, "lam", radians(self.longitude))
        object.__setattr__(self, "cos_phi", cos(self.phi))


def distance_km(a: Point, b: Point) -> float:
    """Great-circle distance (haversine): ample for choosing the nearest store."""
    h = sin((b.phi - a.phi) / 2) ** 2 + a.cos_phi * b.cos_phi * sin((b.lam - a.lam) / 2) ** 2
    return DIAMETER_KM * asin(min(1.0, sqrt(h)))


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
    # done in the preparation time itself: open now, and long enough
    if ready - at == timedelta(minutes=site.preparation_minutes):
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


# Made for every location of every answer (200 a request): a plain slotted dataclass, whose
# construction costs half a frozen one's; nothing changes it once made.
@dataclass(slots=True)
class LocationAvailability:
    location: str
    distance_km: float | None
    visibility: Visibility  # what the viewer is shown of this location's stock
    # per SKU of the answer's `skus`: units when exact, levels when a band, None when hidden
    shown: tuple[int, ...] | tuple[Level, ...] | None
    complete: bool  # it holds every line (no more than its promise already says)
    promise: Promise | None


@dataclass(frozen=True, slots=True)
class Availability:
    skus: tuple[str, ...]  # the cart's SKUs, in the order of each location's `shown`
    locations: tuple[LocationAvailability, ...]  # nearest first
    home_delivery: HomeDelivery | None  # from one location; None when none holds it all

    def lines(self, row: LocationAvailability) -> tuple[tuple[str, ShownStock], ...]:
        """A location's row SKU by SKU, as `shown_stock` says each."""
        if row.shown is None:
            return tuple((sku, {"visibility": "hidden"}) for sku in self.skus)
        if row.visibility is Visibility.EXACT:
            return tuple(
                (sku, {"visibility": "exact", "quantity": n})  # type: ignore[misc]
                for sku, n in zip(self.skus, row.shown, strict=True)
            )
        return tuple(
            (sku, {"visibility": "band", "level": level})  # type: ignore[misc]
            for sku, level in zip(self.skus, row.shown, strict=True)
        )


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


def _shared_promise(
    site: Site, at: datetime, seen: dict[tuple[int, int, bool, int], Promise | None]
) -> Promise | None:
    # the promise depends on the site only through these (the objects live through the call)
    terms = id(site.delivery) if site.ships else 0
    key = (id(site.hours), site.preparation_minutes, site.collects, terms)
    if key not in seen:
        seen[key] = promise(site, at)
    found = seen[key]
    return None if found is None else found.copy()  # each row its own, should a caller edit one


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
    quantities = tuple(wanted.values())
    zeros = (0,) * len(skus)
    empty: Mapping[str, int] = {}
    inf = float("inf")
    rank = shipping_rank(near)
    best: tuple[tuple[int, float, str], Site] | None = None
    # This loop and the next run for every location, and the lookups for every line at each:
    # they are written for speed (the lines' figures fetched once by `map`, the bands inlined).
    rows: list[tuple[float, str, Site, tuple[int, ...], bool]] = []
    for site in sites:
        held = tuple(map(stock.get(site.code, empty).get, skus, zeros))
        complete = all(map(ge, held, quantities))
        if complete and site.ships:
            key = rank(site)
            if best is None or key < best[0]:
                best = (key, site)
        point = site.point
        if near is None or point is None:
            far = inf
        else:  # `distance_km` inlined
            h = (
                sin((point.phi - near.phi) * 0.5) ** 2
                + near.cos_phi * point.cos_phi * sin((point.lam - near.lam) * 0.5) ** 2
            )
            far = DIAMETER_KM * asin(min(1.0, sqrt(h)))
        if radius_km is not None and far > radius_km:
            continue
        rows.append((far, site.code, site, held, complete))
    rows.sort(key=itemgetter(0, 1))
    if limit is not None:
        rows = rows[:limit]
    shown_as: dict[tuple[str, int], Visibility] = {}  # (owner, policy) -> what the viewer sees
    # locations share a few weeks of opening hours and delivery terms: one promise for each
    promises: dict[tuple[int, int, bool, int], Promise | None] = {}
    out = []
    for far, code, site, held, complete in rows:
        policy = site.visibility
        visibility = shown_as.get((site.owner, id(policy)))  # type: ignore[assignment]
        if visibility is None:
            visibility = policy.for_audience(viewer.audience(site.owner))
            shown_as[(site.owner, id(policy))] = visibility
        shown: tuple[int, ...] | tuple[Level, ...] | None
        if visibility is Visibility.EXACT:
            shown = held
        elif visibility is Visibility.BAND:
            low, none = policy.low_max, policy.none_max
            shown = tuple(
                ["none" if n <= none else "low" if n <= low else "available" for n in held]
            )
        else:
            shown = None
        out.append(
            LocationAvailability(
                code,
                None if far == inf else far,
                visibility,
                shown,
                complete,
                _shared_promise(site, at, promises) if complete else None,
            )
        )
    home: HomeDelivery | None = None
    if best is not None:
        site = best[1]
        when = delivery_date(site.delivery, at, site.hours)  # type: ignore[arg-type]
        home = {"kind": "delivery", "date": when, "location": site.code}
    return Availability(skus, tuple(out), home)

"""The inventory domain's use cases: locations' stock feeds (counts and movements, each applied
once), positions as each viewer may see them, stock settings, reservations for orders, the
sweeper, and availability near a place. The rules are `inventory.rules`, `.visibility` and
`.availability`; this module reads their inputs and writes what they decide.

Concurrency. A location's feeds (counts, movements, consumption) take the location's settings
row first (an upsert that locks it on PostgreSQL and takes SQLite's write lock), so that two
feeds of one location never interleave. A reservation does not: it raises `reserved` by a
conditional UPDATE whose WHERE checks available-to-promise, so two requests can never hold the
same last unit, on any number of server processes; a count or a movement changes `on_hand`
only, which the same WHERE reads again on PostgreSQL before it lets the update through.
"""

from __future__ import annotations

import time as clock
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import Integer, bindparam, func, select, tuple_, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from omnicanal.catalog import service as catalog_service
from omnicanal.db import database_key, new_id, utcnow
from omnicanal.errors import Forbidden, InvalidInput, NotFound
from omnicanal.events import emit
from omnicanal.inventory import rules
from omnicanal.inventory.availability import (
    Availability,
    DeliveryTerms,
    Point,
    Site,
    availability,
    cart_quantities,
)
from omnicanal.inventory.hours import OpeningHours
from omnicanal.inventory.models import (
    LocationStockSettings,
    MovementRow,
    ReservationRow,
    StockPositionRow,
)
from omnicanal.inventory.postal import postal_point
from omnicanal.inventory.visibility import (
    BANDS_ONLY_POLICY,
    OWN_STORE_POLICY,
    Viewer,
    Visibility,
    VisibilityPolicy,
)
from omnicanal.network import service as network_service
from omnicanal.network.models import Entity, Location
from omnicanal.security.permissions import Permission, Principal, can_reach_location, require

DEFAULT_RESERVATION_TTL = timedelta(minutes=30)
_Postal = tuple[str | None, Point | None]  # a location's postal code and point
SITES_MAX_AGE = 5.0  # seconds a process keeps the locations as the stock rules see them
_CHUNK = 500  # ids per IN (...) list


def _insert(session: Session) -> Any:
    return postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert


def _chunks(values: Sequence[Any], size: int = _CHUNK) -> Iterable[Sequence[Any]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


# -- locations ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Place:
    id: str
    code: str
    owner: str
    owner_kind: str
    kind: str


_PLACE_BY_CODE = (
    select(Location.id, Location.code, Location.owner_entity_id, Location.kind, Entity.kind)
    .join(Entity, Entity.id == Location.owner_entity_id)
    .where(Location.code == bindparam("code"))
)
# Every feed and reservation names its location: each process keeps what it read of one for
# SITES_MAX_AGE seconds (a location is never deleted; a change of owner is seen that late).
_PLACES: dict[tuple[str, str], tuple[float, _Place]] = {}


def _place(session: Session, code: str, field: str = "location") -> _Place:
    key = (database_key(session), code)
    found = _PLACES.get(key)
    if found is not None and clock.monotonic() - found[0] < SITES_MAX_AGE:
        return found[1]
    row = session.connection().execute(_PLACE_BY_CODE, {"code": code}).first()
    if row is None:
        raise NotFound(f"unknown location {code!r}", field=field)
    place = _Place(row[0], row[1], row[2], row[4], row[3])
    _PLACES[key] = (clock.monotonic(), place)
    return place


def _reachable(principal: Principal, place: _Place) -> bool:
    return can_reach_location(principal.scope, place.id, place.owner)


def _writable_place(session: Session, principal: Principal, code: str) -> _Place:
    require(principal, Permission.INVENTORY_WRITE)
    place = _place(session, code)
    if not _reachable(principal, place):
        raise Forbidden(f"location {code!r} is outside your scope", field="location")
    return place


def check_writable(session: Session, principal: Principal, location: str) -> None:
    """Refuse, before anything else is read, a feed of a location outside the caller's scope."""
    _writable_place(session, principal, location)


def default_policy(owner_kind: str) -> VisibilityPolicy:
    """A franchised store shares bands only; the brand's own locations their figure."""
    return BANDS_ONLY_POLICY if owner_kind == "franchisee" else OWN_STORE_POLICY


def _policy(settings: Mapping[str, Any] | None, owner_kind: str) -> VisibilityPolicy:
    if settings:
        return VisibilityPolicy(**settings)
    return default_policy(owner_kind)


def _terms(data: Mapping[str, Any] | None, kind: str) -> DeliveryTerms | None:
    if data is None:
        # a warehouse ships on the network's default terms; a store, once it says how
        return DeliveryTerms() if kind == "warehouse" else None
    return terms_from_json(data)


def terms_from_json(data: Mapping[str, Any]) -> DeliveryTerms:
    values = dict(data)
    if "cutoff" in values:
        values["cutoff"] = time.fromisoformat(values["cutoff"])
    for name in ("dispatch_days", "carrier_days"):
        if name in values:
            values[name] = frozenset(values[name])
    if "closed_dates" in values:
        values["closed_dates"] = frozenset(date.fromisoformat(d) for d in values["closed_dates"])
    return DeliveryTerms(**values)


def terms_to_json(terms: DeliveryTerms) -> dict[str, Any]:
    return {
        "lead_days": terms.lead_days,
        "cutoff": terms.cutoff.isoformat(timespec="minutes"),
        "dispatch_days": sorted(terms.dispatch_days),
        "carrier_days": sorted(terms.carrier_days),
        "closed_dates": sorted(d.isoformat() for d in terms.closed_dates),
    }


def _policy_json(policy: VisibilityPolicy) -> dict[str, Any]:
    return {
        "network": policy.network.value,
        "public": policy.public.value,
        "none_max": policy.none_max,
        "low_max": policy.low_max,
    }


def location_settings(session: Session, principal: Principal, code: str) -> dict[str, Any]:
    require(principal, Permission.INVENTORY_READ)
    place = _place(session, code)
    if not _reachable(principal, place):
        raise Forbidden(f"location {code!r} is outside your scope", field="location")
    row = session.get(LocationStockSettings, code)
    policy = _policy(row.visibility if row else None, place.owner_kind)
    terms = _terms(row.delivery if row else None, place.kind)
    return {
        "location": code,
        "counted_at": row.counted_at if row else None,
        "visibility": _policy_json(policy),
        "preparation_minutes": (row.preparation_minutes if row else None) or 60,
        "delivery": terms_to_json(terms) if terms is not None else None,
    }


def set_location_settings(
    session: Session, principal: Principal, code: str, data: Mapping[str, Any]
) -> dict[str, Any]:
    """Set what a location shows of its stock, its preparation time and how it ships. The
    brand sets any location's; a franchisee its own stores' visibility."""
    place = _place(session, code)
    if not principal.has(Permission.INVENTORY_MANAGE):
        require(principal, Permission.INVENTORY_WRITE)
        if not _reachable(principal, place):
            raise Forbidden(f"location {code!r} is outside your scope", field="location")
    values: dict[str, Any] = {}
    if "visibility" in data:
        visibility = data["visibility"]
        values["visibility"] = (
            None if visibility is None else _policy_json(VisibilityPolicy(**visibility))
        )
    if "preparation_minutes" in data:
        minutes = data["preparation_minutes"]
        if minutes is not None and (
            isinstance(minutes, bool) or not isinstance(minutes, int) or not 0 <= minutes <= 10080
        ):
            raise InvalidInput(
                "a preparation time is 0 to 10 080 minutes", field="preparation_minutes"
            )
        values["preparation_minutes"] = minutes
    if "delivery" in data:
        delivery = data["delivery"]
        values["delivery"] = None if delivery is None else terms_to_json(terms_from_json(delivery))
    row = _lock_location(session, code)
    for key, value in values.items():
        setattr(row, key, value)
    session.flush()
    SITES.forget()
    emit(session, "stock.settings_changed", {"location": code, **values}, entity_id=place.owner)
    return location_settings(session, principal, code)


def _lock_location(session: Session, code: str) -> LocationStockSettings:
    """The location's settings row, created if missing and locked for this transaction (on
    SQLite the upsert takes the database's write lock, before anything is read)."""
    now = utcnow()
    insert = _insert(session)(LocationStockSettings).values(location=code, updated_at=now)
    session.execute(
        insert.on_conflict_do_update(index_elements=["location"], set_={"updated_at": now})
    )
    row = session.get(LocationStockSettings, code, populate_existing=True)
    assert row is not None
    return row


# -- feeds ----------------------------------------------------------------------------------


def _stock_of(
    session: Session, location: str, skus: Iterable[str] | None, counted_at: datetime | None
) -> rules.LocationStock:
    query = select(StockPositionRow).where(StockPositionRow.location == location)
    positions: dict[str, rules.StockPosition] = {}
    wanted = None if skus is None else sorted(set(skus))
    batches = [query] if wanted is None else [
        query.where(StockPositionRow.sku.in_(chunk)) for chunk in _chunks(wanted)
    ]  # fmt: skip
    for statement in batches:
        for row in session.scalars(statement):
            positions[row.sku] = rules.StockPosition(
                location, row.sku, row.on_hand, row.reserved, row.safety_stock, row.counted_at
            )
    return rules.LocationStock(location, positions, counted_at)


def _write_on_hand(
    session: Session, location: str, changes: Sequence[rules.StockChange], *, counted: bool
) -> None:
    """Apply the changes' on hand (and count instant) to the positions, creating missing ones.
    On hand moves by the difference, so a reservation taken meanwhile is never overwritten."""
    if not changes:
        return
    now = utcnow()
    insert = _insert(session)(StockPositionRow)
    table = StockPositionRow.__table__
    rows = [
        {
            "location": location,
            "sku": c.sku,
            "on_hand": c.after.on_hand,
            "reserved": 0,
            "safety_stock": 0,
            "counted_at": c.after.counted_at,
            "updated_at": now,
            "delta": c.after.on_hand - c.before.on_hand,
        }
        for c in changes
    ]
    existing = {
        sku
        for chunk in _chunks([c.sku for c in changes])
        for sku in session.scalars(
            select(StockPositionRow.sku).where(
                StockPositionRow.location == location, StockPositionRow.sku.in_(chunk)
            )
        )
    }
    new = [{k: v for k, v in r.items() if k != "delta"} for r in rows if r["sku"] not in existing]
    if new:
        session.execute(insert, new)
    old = [r for r in rows if r["sku"] in existing]
    if old:
        values: dict[str, Any] = {
            "on_hand": table.c.on_hand + bindparam("delta"),
            "updated_at": bindparam("updated_at"),
        }
        if counted:
            values["counted_at"] = bindparam("counted_at")
        statement = (
            update(table)
            .where(table.c.location == bindparam("loc"), table.c.sku == bindparam("s"))
            .values(values)
        )
        session.connection().execute(
            statement,
            [
                {"loc": r["location"], "s": r["sku"], "delta": r["delta"],
                 "updated_at": now, "counted_at": r["counted_at"]}
                for r in old
            ],
        )  # fmt: skip


@dataclass(frozen=True, slots=True)
class FeedResult:
    location: str
    applied: int
    duplicates: int
    already_counted: int
    changes: int
    outcomes: tuple[rules.MovementOutcome, ...] = ()
    status: str = "applied"  # a count: applied or stale
    skipped: tuple[str, ...] = ()


def record_movements(
    session: Session,
    principal: Principal,
    location: str,
    movements: Sequence[rules.Movement],
    references: Mapping[str, str] | None = None,
) -> FeedResult:
    """Apply a location's movements, each once however often it is sent; `references`: the
    order or transfer of a movement id, kept with it."""
    place = _writable_place(session, principal, location)
    return _record_movements(session, place, movements, references)


def master_skus(
    session: Session, principal: Principal, pairs: Iterable[tuple[str, str]]
) -> dict[tuple[str, str], str | None]:
    """(location, local code) -> the master SKU the catalog maps it to, the code being its
    owner's (the entity that runs the location); None for a code not mapped yet, which then
    waits in the catalog's mapping queue."""
    by_owner: dict[str, list[tuple[str, str]]] = {}
    owners: dict[str, str] = {}
    for location, code in dict.fromkeys(pairs):
        if location not in owners:
            owners[location] = owner_code(session, location)
        by_owner.setdefault(owners[location], []).append((location, code))
    out: dict[tuple[str, str], str | None] = {}
    for owner, wanted in by_owner.items():
        found = catalog_service.translate_codes(session, principal, owner, [c for _, c in wanted])
        for pair, translation in zip(wanted, found, strict=True):
            out[pair] = translation.sku
    return out


def owner_code(session: Session, location: str) -> str:
    """The code of the entity that runs `location`: the owner of its local product codes."""
    code = session.scalar(
        select(Entity.code)
        .join(Location, Location.owner_entity_id == Entity.id)
        .where(Location.code == location)
    )
    if code is None:
        raise NotFound(f"unknown location {location!r}", field="location")
    return code


def _record_movements(
    session: Session,
    place: _Place,
    movements: Sequence[rules.Movement],
    references: Mapping[str, str] | None = None,
) -> FeedResult:
    settings = _lock_location(session, place.code)
    ids = sorted({m.id for m in movements})
    seen = {
        found
        for chunk in _chunks(ids)
        for found in session.scalars(
            select(MovementRow.id).where(
                MovementRow.location == place.code, MovementRow.id.in_(chunk)
            )
        )
    }
    stock = _stock_of(session, place.code, {m.sku for m in movements}, settings.counted_at)
    result = rules.apply_movements(stock, movements, seen)
    now = utcnow()
    logged = [
        {
            "location": m.location, "id": m.id, "sku": m.sku, "quantity": m.quantity,
            "kind": m.kind.value, "at": m.at, "status": o.status,
            "reference": (references or {}).get(m.id), "received_at": now,
        }
        for m, o in zip(movements, result.outcomes, strict=True)
        if o.status != "duplicate"
    ]  # fmt: skip
    if logged:
        session.execute(_insert(session)(MovementRow), logged)
    _write_on_hand(session, place.code, result.changes, counted=False)
    counts = {"applied": 0, "duplicate": 0, "already_counted": 0}
    for outcome in result.outcomes:
        counts[outcome.status] += 1
    _emit_changes(session, place, result.changes)
    return FeedResult(
        place.code,
        counts["applied"],
        counts["duplicate"],
        counts["already_counted"],
        len(result.changes),
        result.outcomes,
    )


def record_count(session: Session, principal: Principal, snapshot: rules.Snapshot) -> FeedResult:
    """Apply a count: full (a SKU it does not name holds none) or partial; an older count than
    the one already applied changes nothing."""
    place = _writable_place(session, principal, snapshot.location)
    settings = _lock_location(session, place.code)
    stock = _stock_of(
        session, place.code, None if snapshot.full else snapshot.quantities, settings.counted_at
    )
    later = [
        rules.Movement(row.id, row.location, row.sku, row.quantity, row.kind, row.at)
        for row in session.scalars(
            select(MovementRow).where(
                MovementRow.location == place.code,
                MovementRow.at > snapshot.counted_at,
                MovementRow.status == "applied",
            )
        )
    ]
    result = rules.apply_snapshot(stock, snapshot, later)
    if result.status == "applied":
        _write_on_hand(session, place.code, result.changes, counted=True)
        # a SKU counted with no change still records that it was counted
        unchanged = sorted(
            set(snapshot.quantities) - {c.sku for c in result.changes} - set(result.skipped)
        )
        for chunk in _chunks(unchanged):
            session.execute(
                update(StockPositionRow)
                .where(StockPositionRow.location == place.code, StockPositionRow.sku.in_(chunk))
                .values(counted_at=snapshot.counted_at)
            )
        if snapshot.full:
            settings.counted_at = snapshot.counted_at
        _emit_changes(session, place, result.changes)
    return FeedResult(place.code, 0, 0, 0, len(result.changes), (), result.status, result.skipped)


def _emit_changes(session: Session, place: _Place, changes: Sequence[rules.StockChange]) -> None:
    if not changes:
        return
    emit(
        session,
        "stock.changed",
        {
            "location": place.code,
            "changes": [
                {"sku": c.sku, "on_hand": c.after.on_hand, "was": c.before.on_hand}
                for c in changes[:1000]
            ],
            "count": len(changes),
        },
        entity_id=place.owner,
    )


def set_safety_stock(
    session: Session, principal: Principal, location: str, sku: str, safety_stock: int
) -> dict[str, Any]:
    place = _writable_place(session, principal, location)
    rules.set_safety_stock(rules.StockPosition(location, sku), safety_stock)  # validates
    _lock_location(session, place.code)
    position = session.get(StockPositionRow, (location, sku))
    if position is None:
        position = StockPositionRow(location=location, sku=sku, on_hand=0, reserved=0)
        session.add(position)
    position.safety_stock = safety_stock
    session.flush()
    return _position_json(position, Visibility.EXACT, OWN_STORE_POLICY)


# -- reading positions ----------------------------------------------------------------------


def _viewer(principal: Principal) -> Viewer:
    return Viewer(role=principal.role.value if principal.role else principal.kind,
                  entity=principal.scope.entity_id)  # fmt: skip


def _shown_as(principal: Principal, place: _Place, policy: VisibilityPolicy) -> Visibility:
    if _reachable(principal, place) and not principal.scope.is_brand:
        return Visibility.EXACT  # the location's own people
    if principal.scope.is_brand and place.owner_kind != "franchisee":
        return Visibility.EXACT  # the brand's own locations, to the brand
    return policy.for_audience(_viewer(principal).audience(place.owner))


def _position_json(
    row: StockPositionRow, visibility: Visibility, policy: VisibilityPolicy
) -> dict[str, Any]:
    atp = max(0, row.on_hand - row.reserved - row.safety_stock)
    if visibility is Visibility.EXACT:
        return {
            "location": row.location, "sku": row.sku, "on_hand": row.on_hand,
            "reserved": row.reserved, "safety_stock": row.safety_stock, "available": atp,
            "counted_at": row.counted_at, "level": policy.level(atp),
        }  # fmt: skip
    return {"location": row.location, "sku": row.sku, "level": policy.level(atp)}


def location_positions(
    session: Session,
    principal: Principal,
    location: str,
    *,
    skus: Sequence[str] | None = None,
    limit: int = 100,
    offset: int = 0,
) -> dict[str, Any]:
    """A location's positions, as this principal may see them."""
    require(principal, Permission.INVENTORY_READ)
    place = _place(session, location)
    row = session.get(LocationStockSettings, location)
    policy = _policy(row.visibility if row else None, place.owner_kind)
    visibility = _shown_as(principal, place, policy)
    query = select(StockPositionRow).where(StockPositionRow.location == location)
    if skus:
        query = query.where(StockPositionRow.sku.in_(list(skus)))
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = session.scalars(query.order_by(StockPositionRow.sku).limit(limit).offset(offset))
    return {
        "location": location,
        "visibility": visibility.value,
        "total": total,
        "positions": []
        if visibility is Visibility.HIDDEN
        else [_position_json(r, visibility, policy) for r in rows],
    }


# -- reservations ---------------------------------------------------------------------------


def reserve(
    session: Session,
    principal: Principal,
    location: str,
    lines: Sequence[tuple[str, int]],
    *,
    reference: str,
    ttl: timedelta | None = None,
    expires_at: datetime | None = None,
    now: datetime | None = None,
    checked: bool = False,
) -> list[rules.Reservation]:
    """Hold units of each `(sku, quantity)` line at `location` for `reference` (an order or a
    cart): every line or none (`OutOfStock` names the first line short). Nothing is ever held
    beyond available-to-promise, however many processes reserve at once. `checked`: the
    caller read the lines' available-to-promise at `location` just now, in this transaction
    (an order's sourcing), and it sufficed: not read a second time before the row locks."""
    place = _writable_place(session, principal, location)
    now = now or utcnow()
    if expires_at is None:
        expires_at = now + (ttl or DEFAULT_RESERVATION_TTL)
    if not reference:
        raise InvalidInput("a reservation holds stock for a reference", field="reference")
    wanted = cart_quantities(lines)  # the same SKU on two lines held together
    if session.autoflush:
        session.flush()  # as `session.execute` would: the statements below go to the connection
    connection = session.connection()
    # Refused at once, without waiting for a row lock, when the committed stock already falls
    # short: the last units' losers do not queue behind their winners.
    if not checked:
        available = dict(
            connection.execute(_AVAILABLE_AT, {"location": place.code, "skus": list(wanted)}).all()
        )
        for sku in sorted(wanted):
            if wanted[sku] > max(0, available.get(sku, 0)):
                _out_of_stock(place.code, sku, wanted[sku], max(0, available.get(sku, 0)))
    # in SKU order, so that two carts sharing SKUs lock their rows in the same order
    for sku in sorted(wanted):
        quantity = wanted[sku]
        done = connection.execute(
            _HOLD, {"at_location": place.code, "of_sku": sku, "units": quantity, "now": now}
        )
        if done.rowcount != 1:
            position = session.get(StockPositionRow, (place.code, sku), populate_existing=True)
            _out_of_stock(
                place.code,
                sku,
                quantity,
                0
                if position is None
                else max(0, position.on_hand - position.reserved - position.safety_stock),
            )
    made = []
    for sku, quantity in wanted.items():
        made.append(
            {
                "id": new_id("rsv"), "location": place.code, "sku": sku, "quantity": quantity,
                "status": "active", "reference": reference, "created_at": now,
                "expires_at": expires_at, "closed_at": None,
            }
        )  # fmt: skip
    connection.execute(_RESERVATIONS_INSERT, made)
    return [
        rules.Reservation(m["id"], m["location"], m["sku"], m["quantity"], now, expires_at,
                          "active", reference)
        for m in made
    ]  # fmt: skip


# Every order holds its units with these: built once (building them took longer than running).
_POSITIONS = StockPositionRow.__table__
_AVAILABLE_AT = select(
    _POSITIONS.c.sku, _POSITIONS.c.on_hand - _POSITIONS.c.reserved - _POSITIONS.c.safety_stock
).where(
    _POSITIONS.c.location == bindparam("location"),
    _POSITIONS.c.sku.in_(bindparam("skus", expanding=True)),
)
_HOLD = (
    update(_POSITIONS)
    .where(
        _POSITIONS.c.location == bindparam("at_location"),
        _POSITIONS.c.sku == bindparam("of_sku"),
        _POSITIONS.c.on_hand - _POSITIONS.c.reserved - _POSITIONS.c.safety_stock
        >= bindparam("units", type_=Integer),
    )
    .values(
        reserved=_POSITIONS.c.reserved + bindparam("units", type_=Integer),
        updated_at=bindparam("now", type_=_POSITIONS.c.updated_at.type),
    )
)
_RESERVATIONS_INSERT = ReservationRow.__table__.insert()


def _out_of_stock(location: str, sku: str, requested: int, available: int) -> None:
    raise rules.OutOfStock(
        f"{requested} × {sku} asked at {location}, {available} available",
        field="quantity",
        sku=sku,
        location=location,
        requested=requested,
        available=available,
    )


def _close_reservations(
    session: Session, rows: Sequence[ReservationRow], status: str, now: datetime
) -> list[ReservationRow]:
    """Close active reservations: each one only if it is still active (a sweeper and a release
    racing close it once), its units given back."""
    closed = []
    table = StockPositionRow.__table__
    for row in sorted(rows, key=lambda r: (r.location, r.sku, r.id)):
        done = session.execute(
            update(ReservationRow)
            .where(ReservationRow.id == row.id, ReservationRow.status == "active")
            .values(status=status, closed_at=now)
            .execution_options(synchronize_session=False)
        )
        if done.rowcount != 1:  # type: ignore[attr-defined]
            continue
        session.execute(
            update(table)
            .where(table.c.location == row.location, table.c.sku == row.sku)
            .values(reserved=table.c.reserved - row.quantity, updated_at=now)
        )
        closed.append(row)
    return closed


def _reservations(
    session: Session, principal: Principal, reference: str, *, active: bool = True
) -> Any:
    """The reservations of `reference` at the locations `principal` reaches."""
    query = select(ReservationRow).where(ReservationRow.reference == reference)
    if active:
        query = query.where(ReservationRow.status == "active")
    codes = network_service.location_codes_of_scope(session, principal.scope)
    if codes is not None:
        query = query.where(ReservationRow.location.in_(codes))
    return query


def _active(
    session: Session, principal: Principal, reference: str, location: str | None = None
) -> list[ReservationRow]:
    query = _reservations(session, principal, reference)
    if location is not None:
        query = query.where(ReservationRow.location == location)
    return list(session.scalars(query))


def release(
    session: Session, principal: Principal, reference: str, *, now: datetime | None = None
) -> int:
    """Give back every unit held for `reference` (an order cancelled); again, nothing."""
    require(principal, Permission.INVENTORY_WRITE)
    closed = _close_reservations(
        session, _active(session, principal, reference), "released", now or utcnow()
    )
    return len(closed)


def release_known(
    session: Session, principal: Principal, reference: str, *, now: datetime | None = None
) -> int:
    """`release`, for a caller that names a reference it should know: 404 when the caller
    holds nothing under it, at any time."""
    reservations_of(session, principal, reference)
    return release(session, principal, reference, now=now)


def consume(
    session: Session,
    principal: Principal,
    reference: str,
    *,
    location: str | None = None,
    now: datetime | None = None,
) -> int:
    """The goods held for `reference` are handed over or shipped: the holds end and a sale
    movement per SKU takes the units off hand. Again, nothing."""
    require(principal, Permission.INVENTORY_WRITE)
    now = now or utcnow()
    by_location: dict[str, list[ReservationRow]] = {}
    for row in _active(session, principal, reference, location):
        by_location.setdefault(row.location, []).append(row)
    closed: list[ReservationRow] = []
    for code, rows in sorted(by_location.items()):
        # the location first, as every feed takes it, then its positions: no deadlock
        # between a consumption and a feed of the same location
        _lock_location(session, code)
        done = _close_reservations(session, rows, "consumed", now)
        movements = [
            rules.Movement(f"{reference}:{r.id}", code, r.sku, -r.quantity, "sale", now)
            for r in done
        ]
        refs = {m.id: reference for m in movements}
        if movements:
            _record_movements(session, _place(session, code), movements, refs)
        closed.extend(done)
    return len(closed)


def restock(
    session: Session,
    principal: Principal,
    location: str,
    lines: Sequence[tuple[str, int]],
    *,
    reference: str,
    kind: str = "return",
    now: datetime | None = None,
) -> FeedResult:
    """Units back on sale at `location` (a customer's return); the movement ids come from
    `reference`, so a retry changes nothing."""
    place = _writable_place(session, principal, location)
    now = now or utcnow()
    movements = [
        rules.Movement(f"{reference}:{i}:{sku}", place.code, sku, quantity, kind, now)
        for i, (sku, quantity) in enumerate(lines)
    ]
    return _record_movements(session, place, movements, {m.id: reference for m in movements})


def reservations_of(session: Session, principal: Principal, reference: str) -> list[dict[str, Any]]:
    require(principal, Permission.INVENTORY_READ)
    rows = session.scalars(
        _reservations(session, principal, reference, active=False).order_by(
            ReservationRow.created_at, ReservationRow.id
        )
    ).all()
    if not rows:
        raise NotFound(f"no reservation for {reference!r}", field="reference")
    return [_reservation_row_json(r) for r in rows]


def _reservation_row_json(row: ReservationRow) -> dict[str, Any]:
    return {
        "id": row.id, "location": row.location, "sku": row.sku, "quantity": row.quantity,
        "status": row.status, "reference": row.reference, "created_at": row.created_at,
        "expires_at": row.expires_at, "closed_at": row.closed_at,
    }  # fmt: skip


def reservation_json(reservation: rules.Reservation) -> dict[str, Any]:
    return {
        "id": reservation.id, "location": reservation.location, "sku": reservation.sku,
        "quantity": reservation.quantity, "status": reservation.status,
        "reference": reservation.reference, "created_at": reservation.created_at,
        "expires_at": reservation.expires_at, "closed_at": reservation.closed_at,
    }  # fmt: skip


def sweep(session: Session, *, now: datetime | None = None, limit: int = 1000) -> int:
    """Expire the reservations due at `now`, their units back on sale; one
    `reservation.expired` event each. Safe to run in several processes at once."""
    now = now or utcnow()
    due = list(
        session.scalars(
            select(ReservationRow)
            .where(ReservationRow.status == "active", ReservationRow.expires_at <= now)
            .order_by(ReservationRow.expires_at)
            .limit(limit)
        )
    )
    expired = _close_reservations(session, due, "expired", now)
    for row in expired:
        emit(session, "reservation.expired", {
            "reservation_id": row.id, "reference": row.reference, "location": row.location,
            "sku": row.sku, "quantity": row.quantity, "expires_at": row.expires_at.isoformat(),
        })  # fmt: skip
    return len(expired)


# -- availability ---------------------------------------------------------------------------


class _Sites:
    """The locations as the stock rules see them, kept by each process for a few seconds
    (locations and their settings change seldom; a change in this process is seen at once)."""

    def __init__(self) -> None:
        self._by_url: dict[str, tuple[float, list[Site], list[_Postal]]] = {}

    def forget(self) -> None:
        self._by_url.clear()
        _PLACES.clear()

    def get(self, session: Session) -> tuple[list[Site], list[_Postal]]:
        key = database_key(session)
        found = self._by_url.get(key)
        if found is not None and clock.monotonic() - found[0] < SITES_MAX_AGE:
            return found[1], found[2]
        sites, places = _load_sites(session)
        self._by_url[key] = (clock.monotonic(), sites, places)
        return sites, places


SITES = _Sites()


def _load_sites(session: Session) -> tuple[list[Site], list[_Postal]]:
    settings = {row.location: row for row in session.scalars(select(LocationStockSettings))}
    rows = session.execute(
        select(Location, Entity.kind)
        .join(Entity, Entity.id == Location.owner_entity_id)
        .where(Location.active.is_(True), Location.kind.in_(("store", "warehouse")))
        .order_by(Location.code)
    ).all()
    hours: dict[tuple[str, str], OpeningHours] = {}
    terms: dict[str, DeliveryTerms | None] = {}
    policies: dict[str, VisibilityPolicy] = {}
    sites, places = [], []
    for location, owner_kind in rows:
        own = settings.get(location.code)
        week = location.opening_hours or {}
        hours_key = (repr(sorted(week.items())), location.timezone)
        if hours_key not in hours:
            hours[hours_key] = OpeningHours(week, location.timezone)
        delivery_key = repr(own.delivery if own else None) + location.kind
        if delivery_key not in terms:
            terms[delivery_key] = _terms(own.delivery if own else None, location.kind)
        policy_key = repr(own.visibility if own else None) + owner_kind
        if policy_key not in policies:
            policies[policy_key] = _policy(own.visibility if own else None, owner_kind)
        point = (
            Point(location.latitude, location.longitude)
            if location.latitude is not None and location.longitude is not None
            else None
        )
        sites.append(
            Site(
                location.code,
                location.kind,  # type: ignore[arg-type]
                location.owner_entity_id,
                point,
                hours[hours_key],
                frozenset(location.capabilities or ()),
                policies[policy_key],
                terms[delivery_key],
                (own.preparation_minutes if own and own.preparation_minutes is not None else 60),
            )
        )
        places.append((location.postal_code, point))
    return sites, places


_ATP_SQL = (
    "SELECT location, sku, on_hand - reserved - safety_stock FROM inventory_positions "
    "WHERE sku IN ({marks}) AND on_hand - reserved - safety_stock > 0"
)


def _atp(session: Session, skus: Sequence[str]) -> dict[str, dict[str, int]]:
    """Available-to-promise by location and SKU, where there is some. Read through the
    driver's cursor: a cart's SKUs come back from every location (thousands of rows), and
    SQLAlchemy's rows cost more than the query."""
    connection = session.connection()
    mark = "?" if connection.dialect.paramstyle == "qmark" else "%s"
    sql = _ATP_SQL.format(marks=", ".join([mark] * len(skus)))
    cursor = connection.connection.cursor()  # the session's own transaction
    try:
        cursor.execute(sql, list(skus))
        found = cursor.fetchall()
    finally:
        cursor.close()
    out: dict[str, dict[str, int]] = {}
    for location, sku, available in found:
        held = out.get(location)
        if held is None:
            out[location] = {sku: available}
        else:
            held[sku] = available
    return out


def sourcing_sites(
    session: Session, skus: Sequence[str]
) -> tuple[list[Site], dict[str, dict[str, int]]]:
    """The locations as the stock rules see them, and available-to-promise by location and
    SKU, for sourcing an order."""
    sites, _ = SITES.get(session)
    return sites, _atp(session, skus)


def find_availability(
    session: Session,
    principal: Principal | None,
    lines: Sequence[tuple[str, int]],
    *,
    near: Point | None = None,
    postal_code: str | None = None,
    radius_km: float | None = None,
    limit: int | None = None,
    public: bool = False,
    at: datetime | None = None,
) -> Availability:
    """Where a cart is available, nearest first, and what each location promises; what the
    caller sees of each location's stock follows its policy (`public`: as a customer)."""
    if principal is not None:
        require(principal, Permission.INVENTORY_READ)
    sites, places = SITES.get(session)
    if near is None and postal_code:
        near = postal_point(postal_code, places)
    viewer = Viewer() if public or principal is None else _viewer(principal)
    skus = list(dict.fromkeys(sku for sku, _ in lines))
    return availability(
        lines,
        sites,
        _atp(session, skus),
        at=at or utcnow(),
        near=near,
        radius_km=radius_km,
        limit=limit,
        viewer=viewer,
    )


def stock_near(
    session: Session, principal: Principal, sku: str, location: str, *, limit: int = 10
) -> Availability:
    """One SKU at a store and the nearest others, for the store console."""
    sites, _ = SITES.get(session)
    here = next((s for s in sites if s.code == location), None)
    if here is None:
        raise NotFound(f"unknown location {location!r}", field="location")
    return find_availability(session, principal, [(sku, 1)], near=here.point, limit=limit)


def positions_by_key(
    session: Session, keys: Sequence[tuple[str, str]]
) -> dict[tuple[str, str], rules.StockPosition]:
    """Exact positions by (location, sku), for the domain's own reports and tests."""
    out = {}
    for chunk in _chunks(list(keys)):
        for row in session.scalars(
            select(StockPositionRow).where(
                tuple_(StockPositionRow.location, StockPositionRow.sku).in_(chunk)
            )
        ):
            out[(row.location, row.sku)] = rules.StockPosition(
                row.location, row.sku, row.on_hand, row.reserved, row.safety_stock, row.counted_at
            )
    return out

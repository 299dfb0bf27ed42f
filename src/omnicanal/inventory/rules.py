"""Stock per location and SKU: counts and movements applied once each, available-to-promise,
and reservations with expiry. Pure, no I/O: the clock and the movement log come in as data.

A location's system sends full counts (snapshots) and movements (receipts, sales, transfers,
returns, write-offs, adjustments), in any order and possibly more than once:

- a movement is applied once: an id already seen is a duplicate and changes nothing;
- a count taken at T includes every movement stamped at or before T, so such a movement
  arriving after the count changes nothing either (`already_counted`);
- a full count older than (or as old as) the last full count applied is stale and ignored
  whole; otherwise each SKU takes the counted quantity plus the movements applied since T
  (the caller passes the movement log, the rule keeps those after T). A SKU the full count
  does not name holds none. A partial count (a cycle count of a few SKUs) touches only its
  SKUs, each unless that SKU was counted later;
- on hand may go below zero when a location reports a sale before the receipt that fed it:
  the movement happened, refusing it would lose it. Available-to-promise never does:
  `max(0, on_hand − reserved − safety_stock)`.

A reservation holds units of one SKU at one location until it expires, is released (the order
cancelled) or is consumed (the goods handed over: the sale movement then takes them off hand).
Nothing is ever reserved beyond available-to-promise.
"""

from __future__ import annotations

from collections.abc import Container, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Literal

from omnicanal.errors import Conflict, InvalidInput


class InvalidStock(InvalidInput):
    code = "invalid_stock"


class OutOfStock(Conflict):
    """More units asked for than are available to promise; `extra` names the SKU, the location,
    what was asked and what is available."""

    code = "out_of_stock"


class ReservationNotActive(Conflict):
    code = "reservation_not_active"


def _count(value: object, name: str, *, positive: bool = False) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < (1 if positive else 0):
        what = "a positive" if positive else "a non-negative"
        raise InvalidStock(f"{name.rsplit('.', 1)[-1]} is {what} whole number", field=name)


def _aware(value: object, name: str) -> None:
    if not isinstance(value, datetime) or value.utcoffset() is None:
        raise InvalidStock("an instant must carry its time zone", field=name)


def _code(value: object, name: str) -> None:
    if not isinstance(value, str) or not value:
        raise InvalidStock(f"{name.rsplit('.', 1)[-1]} is required", field=name)


# -- positions --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class StockPosition:
    """One SKU at one location. `counted_at`: the last count of this SKU applied (full or
    partial); a full count also sets the location's `counted_at`."""

    location: str
    sku: str
    on_hand: int = 0
    reserved: int = 0
    safety_stock: int = 0
    counted_at: datetime | None = None

    def __post_init__(self) -> None:
        _code(self.location, "location")
        _code(self.sku, "sku")
        if isinstance(self.on_hand, bool) or not isinstance(self.on_hand, int):
            raise InvalidStock("on_hand is a whole number", field="on_hand")
        _count(self.reserved, "reserved")
        _count(self.safety_stock, "safety_stock")
        if self.counted_at is not None:
            _aware(self.counted_at, "counted_at")

    @property
    def available_to_promise(self) -> int:
        return max(0, self.on_hand - self.reserved - self.safety_stock)


def available_to_promise(position: StockPosition) -> int:
    return position.available_to_promise


def set_safety_stock(position: StockPosition, safety_stock: int) -> StockPosition:
    _count(safety_stock, "safety_stock")
    return replace(position, safety_stock=safety_stock)


@dataclass(frozen=True, slots=True)
class LocationStock:
    """The positions of one location (all of them for a full count; the SKUs concerned are
    enough for movements and reservations) and the instant of its last full count."""

    location: str
    positions: Mapping[str, StockPosition] = field(default_factory=dict)
    counted_at: datetime | None = None

    def __post_init__(self) -> None:
        _code(self.location, "location")
        if self.counted_at is not None:
            _aware(self.counted_at, "counted_at")
        for sku, position in self.positions.items():
            if position.sku != sku or position.location != self.location:
                raise InvalidStock(
                    f"position {position.location}/{position.sku} filed under "
                    f"{self.location}/{sku}",
                    field=f"positions.{sku}",
                )

    def position(self, sku: str) -> StockPosition:
        found = self.positions.get(sku)
        return found if found is not None else StockPosition(self.location, sku)

    def last_count(self, sku: str) -> datetime | None:
        """The latest count that covered `sku`: its own, or the location's last full count (a
        SKU a full count did not name was counted at zero)."""
        own = self.positions[sku].counted_at if sku in self.positions else None
        if own is None or self.counted_at is None:
            return own or self.counted_at
        return max(own, self.counted_at)


@dataclass(frozen=True, slots=True)
class StockChange:
    """A position before and after an operation, for `stock.changed` events."""

    sku: str
    before: StockPosition
    after: StockPosition


def _changes(before: LocationStock, after: Mapping[str, StockPosition]) -> tuple[StockChange, ...]:
    out = []
    for sku in sorted(after):
        old, new = before.position(sku), after[sku]
        if old != new:
            out.append(StockChange(sku, old, new))
    return tuple(out)


# -- movements --------------------------------------------------------------------------------


class MovementKind(StrEnum):
    RECEIPT = "receipt"  # from a supplier
    TRANSFER_IN = "transfer_in"
    RETURN = "return"  # a customer's return put back on sale
    SALE = "sale"
    TRANSFER_OUT = "transfer_out"
    WRITE_OFF = "write_off"  # damaged, stolen, lost
    ADJUSTMENT = "adjustment"  # a correction either way


_INCOMING = {MovementKind.RECEIPT, MovementKind.TRANSFER_IN, MovementKind.RETURN}
_OUTGOING = {MovementKind.SALE, MovementKind.TRANSFER_OUT, MovementKind.WRITE_OFF}


@dataclass(frozen=True, slots=True)
class Movement:
    """A change of on hand, signed: +3 received, −1 sold. The id is the sender's, unique per
    movement: sending it again is how a retry looks."""

    id: str
    location: str
    sku: str
    quantity: int
    kind: MovementKind
    at: datetime  # when it happened at the location

    def __post_init__(self) -> None:
        _code(self.id, "id")
        _code(self.location, "location")
        _code(self.sku, "sku")
        try:
            object.__setattr__(self, "kind", MovementKind(self.kind))
        except ValueError as exc:
            known = ", ".join(k.value for k in MovementKind)
            raise InvalidStock(
                f"unknown movement {self.kind!r} (known: {known})", field="kind"
            ) from exc
        if (
            isinstance(self.quantity, bool)
            or not isinstance(self.quantity, int)
            or not self.quantity
        ):
            raise InvalidStock("a movement is a non-zero whole number of units", field="quantity")
        if self.kind in _INCOMING and self.quantity < 0:
            raise InvalidStock(f"a {self.kind} adds units: positive", field="quantity")
        if self.kind in _OUTGOING and self.quantity > 0:
            raise InvalidStock(f"a {self.kind} takes units away: negative", field="quantity")
        _aware(self.at, "at")


MovementStatus = Literal["applied", "duplicate", "already_counted"]


@dataclass(frozen=True, slots=True)
class MovementOutcome:
    movement_id: str
    sku: str
    status: MovementStatus


@dataclass(frozen=True, slots=True)
class MovementsApplied:
    stock: LocationStock
    outcomes: tuple[MovementOutcome, ...]  # one per movement given, in order
    changes: tuple[StockChange, ...]


def apply_movements(
    stock: LocationStock, movements: Iterable[Movement], seen: Container[str] = frozenset()
) -> MovementsApplied:
    """Apply movements of `stock`'s location; `seen` holds the ids already applied (the
    movement log), and an id repeated within `movements` counts once too."""
    positions = dict(stock.positions)
    batch_ids: set[str] = set()
    outcomes = []
    for i, movement in enumerate(movements):
        if movement.location != stock.location:
            raise InvalidStock(
                f"movement {movement.id} is for {movement.location}, not {stock.location}",
                field=f"movements[{i}].location",
            )
        status: MovementStatus
        if movement.id in batch_ids or movement.id in seen:
            status = "duplicate"
        else:
            batch_ids.add(movement.id)
            counted = stock.last_count(movement.sku)  # movements change no count
            if counted is not None and movement.at <= counted:
                status = "already_counted"
            else:
                status = "applied"
                position = positions.get(movement.sku) or stock.position(movement.sku)
                positions[movement.sku] = replace(
                    position, on_hand=position.on_hand + movement.quantity
                )
        outcomes.append(MovementOutcome(movement.id, movement.sku, status))
    return MovementsApplied(
        replace(stock, positions=positions), tuple(outcomes), _changes(stock, positions)
    )


# -- counts -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Snapshot:
    """A count of a location's stock taken at `counted_at`. Full: the whole location (a SKU
    not named holds none); partial: only the SKUs named."""

    location: str
    counted_at: datetime
    quantities: Mapping[str, int]
    full: bool = True

    def __post_init__(self) -> None:
        _code(self.location, "location")
        _aware(self.counted_at, "counted_at")
        for sku, quantity in self.quantities.items():
            _code(sku, "quantities")
            _count(quantity, f"quantities.{sku}")


@dataclass(frozen=True, slots=True)
class SnapshotApplied:
    stock: LocationStock
    status: Literal["applied", "stale"]
    changes: tuple[StockChange, ...]
    skipped: tuple[str, ...] = ()  # SKUs of a partial count that were counted later


def apply_snapshot(
    stock: LocationStock, snapshot: Snapshot, later_movements: Iterable[Movement] = ()
) -> SnapshotApplied:
    """Set on hand from a count. `later_movements`: the movements already applied at this
    location (any superset; those stamped after the count are added back on top of it)."""
    if snapshot.location != stock.location:
        raise InvalidStock(
            f"the count is of {snapshot.location}, not {stock.location}", field="location"
        )
    at = snapshot.counted_at
    if snapshot.full and stock.counted_at is not None and at <= stock.counted_at:
        return SnapshotApplied(stock, "stale", ())
    since: dict[str, int] = {}
    for movement in later_movements:
        if movement.location == stock.location and movement.at > at:
            since[movement.sku] = since.get(movement.sku, 0) + movement.quantity
    scope = set(snapshot.quantities)
    if snapshot.full:
        scope |= set(stock.positions)
    positions = dict(stock.positions)
    skipped = []
    for sku in sorted(scope):
        last = stock.last_count(sku)
        if last is not None and at <= last:
            skipped.append(sku)
            continue
        position = stock.position(sku)
        counted = snapshot.quantities.get(sku, 0)
        positions[sku] = replace(position, on_hand=counted + since.get(sku, 0), counted_at=at)
    if not snapshot.full and len(skipped) == len(scope):
        return SnapshotApplied(stock, "stale", (), tuple(skipped))
    after = replace(
        stock, positions=positions, counted_at=at if snapshot.full else stock.counted_at
    )
    return SnapshotApplied(after, "applied", _changes(stock, positions), tuple(skipped))


# -- reservations -----------------------------------------------------------------------------

ReservationStatus = Literal["active", "released", "expired", "consumed"]


@dataclass(frozen=True, slots=True)
class Reservation:
    id: str
    location: str
    sku: str
    quantity: int
    created_at: datetime
    expires_at: datetime
    status: ReservationStatus = "active"
    reference: str | None = None  # the order or cart it holds stock for
    closed_at: datetime | None = None

    def __post_init__(self) -> None:
        _code(self.id, "id")
        _code(self.location, "location")
        _code(self.sku, "sku")
        _count(self.quantity, "quantity", positive=True)
        _aware(self.created_at, "created_at")
        _aware(self.expires_at, "expires_at")
        if self.expires_at <= self.created_at:
            raise InvalidStock("a reservation expires after it is made", field="expires_at")
        if self.status not in ("active", "released", "expired", "consumed"):
            raise InvalidStock(f"unknown reservation status {self.status!r}", field="status")

    def due(self, at: datetime) -> bool:
        """Whether an active reservation has run out at `at` (`expires_at` is exclusive)."""
        return self.status == "active" and at >= self.expires_at


def reserve(
    stock: LocationStock,
    lines: Sequence[tuple[str, int]],
    *,
    ids: Sequence[str],
    at: datetime,
    expires_at: datetime | None = None,
    ttl: timedelta | None = None,
    reference: str | None = None,
) -> tuple[LocationStock, tuple[Reservation, ...]]:
    """Reserve `(sku, quantity)` lines at one location, all or nothing (one reservation per
    line, named by `ids`): a line beyond available-to-promise raises `OutOfStock` and nothing
    is held. Lines of the same SKU are checked together."""
    _aware(at, "at")
    if (expires_at is None) == (ttl is None):
        raise InvalidStock("give either expires_at or ttl", field="expires_at")
    until = expires_at if expires_at is not None else at + ttl  # type: ignore[operator]
    if len(ids) != len(lines):
        raise InvalidStock("one reservation id per line", field="ids")
    if len(set(ids)) != len(ids):
        raise InvalidStock("reservation ids must differ", field="ids")
    wanted: dict[str, int] = {}
    for i, (sku, quantity) in enumerate(lines):
        _code(sku, f"lines[{i}].sku")
        _count(quantity, f"lines[{i}].quantity", positive=True)
        wanted[sku] = wanted.get(sku, 0) + quantity
    for sku, quantity in wanted.items():
        available = stock.position(sku).available_to_promise
        if quantity > available:
            raise OutOfStock(
                f"{quantity} × {sku} asked at {stock.location}, {available} available",
                field="quantity",
                sku=sku,
                location=stock.location,
                requested=quantity,
                available=available,
            )
    positions = dict(stock.positions)
    reservations = []
    for rid, (sku, quantity) in zip(ids, lines, strict=True):
        position = positions.get(sku) or stock.position(sku)
        positions[sku] = replace(position, reserved=position.reserved + quantity)
        reservations.append(
            Reservation(rid, stock.location, sku, quantity, at, until, "active", reference)
        )
    return replace(stock, positions=positions), tuple(reservations)


def _close(
    stock: LocationStock, reservation: Reservation, status: ReservationStatus, at: datetime
) -> tuple[LocationStock, Reservation]:
    _aware(at, "at")
    if reservation.location != stock.location:
        raise InvalidStock(
            f"reservation {reservation.id} is at {reservation.location}, not {stock.location}",
            field="location",
        )
    if reservation.status == status and status in ("released", "expired"):
        return stock, reservation  # a retried release or sweep changes nothing
    if reservation.status != "active":
        raise ReservationNotActive(
            f"reservation {reservation.id} is {reservation.status}; it cannot be {status}",
            field="status",
            reservation_id=reservation.id,
            status=reservation.status,
        )
    position = stock.position(reservation.sku)
    if position.reserved < reservation.quantity:
        raise Conflict(
            f"{reservation.sku} at {stock.location} holds {position.reserved} reserved, "
            f"less than reservation {reservation.id}'s {reservation.quantity}",
            field="reserved",
        )
    positions = dict(stock.positions)
    positions[reservation.sku] = replace(
        position, reserved=position.reserved - reservation.quantity
    )
    closed = replace(reservation, status=status, closed_at=at)
    return replace(stock, positions=positions), closed


def release(
    stock: LocationStock, reservation: Reservation, at: datetime
) -> tuple[LocationStock, Reservation]:
    """Give the units back (an order cancelled). Releasing twice changes nothing."""
    return _close(stock, reservation, "released", at)


def consume(
    stock: LocationStock, reservation: Reservation, at: datetime
) -> tuple[LocationStock, Reservation]:
    """The goods are handed over: the hold ends, and the sale movement takes them off hand. An
    expired or released reservation cannot be consumed."""
    return _close(stock, reservation, "consumed", at)


def expire_reservations(
    stock: LocationStock, reservations: Iterable[Reservation], at: datetime
) -> tuple[LocationStock, tuple[Reservation, ...]]:
    """The sweeper: every active reservation of this location due at `at` expires, its units
    back to available-to-promise. Returns the reservations it expired."""
    expired = []
    for reservation in reservations:
        if reservation.due(at):
            stock, closed = _close(stock, reservation, "expired", at)
            expired.append(closed)
    return stock, tuple(expired)

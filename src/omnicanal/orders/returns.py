"""Returns anywhere: any line of any order, whatever channel sold it, returned at any store that
takes returns or by post to a warehouse. Pure, no I/O.

The refund is what was paid: the line's total after promotions (the quote spread every
discount over the lines to the cent), shared among its units by largest remainder — the
cents left over go to the last units returned, so a partial return never refunds more than its
share and returning every unit, one by one or all at once, refunds exactly the line's total.
The delivery fee paid (after its discount) comes back only with the return that completes the
order, when the policy says so. The window counts whole days in the brand's time zone from the
day the line reached the customer (delivered or collected; a till sale, the day of the sale).

Returned units go back on sale at the returning location (a `return` movement whose id comes
from the return's, so replaying it restocks once), or into quarantine when damaged.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from omnicanal.errors import Conflict, InvalidInput
from omnicanal.inventory import Movement, MovementKind, Site


class InvalidReturn(InvalidInput):
    code = "invalid_return"


class ReturnWindowClosed(Conflict):
    code = "return_window_closed"


class ReturnsNotAccepted(Conflict):
    code = "returns_not_accepted"


class NotHandedOver(Conflict):
    """The line has not reached the customer: cancel the fulfilment instead."""

    code = "not_handed_over"


def _whole(value: object, name: str, minimum: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise InvalidReturn(f"a whole number of at least {minimum}", field=name)


@dataclass(frozen=True, slots=True)
class SoldLine:
    id: str
    sku: str
    quantity: int
    paid: int  # the line's total after promotions, minor units
    handed_over_at: datetime | None  # delivered, collected or sold at the till; None: not yet
    returned: int = 0  # units already returned

    def __post_init__(self) -> None:
        _whole(self.quantity, "quantity", 1)
        _whole(self.paid, "paid", 0)
        _whole(self.returned, "returned", 0)
        if self.returned > self.quantity:
            raise InvalidReturn("more units returned than sold", field="returned")
        if self.handed_over_at is not None and self.handed_over_at.utcoffset() is None:
            raise InvalidReturn("an instant must carry its time zone", field="handed_over_at")


@dataclass(frozen=True, slots=True)
class SoldOrder:
    id: str
    channel: str  # the channel that sold it, for settlement: the refund does not depend on it
    entity: str  # the entity that sold it
    lines: tuple[SoldLine, ...]
    currency: str = "EUR"
    delivery_paid: int = 0  # the delivery fee less its discount
    delivery_refunded: bool = False

    def __post_init__(self) -> None:
        _whole(self.delivery_paid, "delivery_paid", 0)
        ids = [line.id for line in self.lines]
        if len(set(ids)) != len(ids):
            raise InvalidReturn("line ids repeat", field="lines")


@dataclass(frozen=True, slots=True)
class ReturnedLine:
    line_id: str
    quantity: int
    damaged: bool = False


@dataclass(frozen=True, slots=True)
class ReturnPolicy:
    window_days: int = 30
    delivery_refund: Literal["never", "when_all_returned"] = "when_all_returned"
    timezone: str = "Europe/Paris"

    def __post_init__(self) -> None:
        _whole(self.window_days, "window_days", 0)
        if self.delivery_refund not in ("never", "when_all_returned"):
            raise InvalidReturn(
                f"unknown delivery refund {self.delivery_refund!r}; use never or when_all_returned",
                field="delivery_refund",
            )
        try:
            ZoneInfo(self.timezone)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise InvalidReturn(f"unknown time zone {self.timezone!r}", field="timezone") from exc


@dataclass(frozen=True, slots=True)
class LineRefund:
    line_id: str
    sku: str
    quantity: int
    amount: int
    disposition: Literal["restock", "quarantine"]


@dataclass(frozen=True, slots=True)
class ReturnPlan:
    return_id: str
    order_id: str
    location: str  # where it was returned
    currency: str
    lines: tuple[LineRefund, ...]
    items_refund: int
    delivery_refund: int
    total: int
    restock: tuple[Movement, ...]  # `return` movements at the returning location
    quarantine: tuple[tuple[str, int], ...]  # (sku, units) kept aside, damaged
    returned: Mapping[str, int]  # line id -> units returned once this return is taken
    complete: bool  # every unit of the order is now returned
    sold_channel: str
    sold_entity: str


def unit_refund(paid: int, quantity: int, already: int, units: int) -> int:
    """What `units` more units of a line of `quantity` units paid `paid` in all refund, after
    `already` were returned. Each unit is worth `paid // quantity`, and the `paid % quantity`
    cents left over go one each to the last units returned."""
    if not 0 <= already <= already + units <= quantity:
        raise ValueError("returns more units than the line holds")
    base, extra = divmod(paid, quantity)

    def refunded(n: int) -> int:  # the first n units returned
        return n * base + max(0, n - (quantity - extra))

    return refunded(already + units) - refunded(already)


def last_return_day(handed_over_at: datetime, policy: ReturnPolicy = ReturnPolicy()) -> date:
    """The last day a line handed over at `handed_over_at` may come back: whole days in the
    brand's time zone from the day it reached the customer."""
    zone = ZoneInfo(policy.timezone)
    return handed_over_at.astimezone(zone).date() + timedelta(days=policy.window_days)


def plan_return(
    order: SoldOrder,
    lines: Sequence[ReturnedLine],
    *,
    return_id: str,
    location: Site,
    at: datetime,
    policy: ReturnPolicy = ReturnPolicy(),
) -> ReturnPlan:
    """Check a return of `lines` of `order` at `location` at `at`, and say what it refunds and
    where the units go."""
    if not return_id:
        raise InvalidReturn("a return needs its id", field="return_id")
    if at.utcoffset() is None:
        raise InvalidReturn("an instant must carry its time zone", field="at")
    if location.kind == "store" and "returns" not in location.capabilities:
        raise ReturnsNotAccepted(
            f"{location.code} does not take returns", field="location", location=location.code
        )
    if not lines:
        raise InvalidReturn("return at least one line", field="lines")
    sold = {line.id: line for line in order.lines}
    zone = ZoneInfo(policy.timezone)
    returned = {line.id: line.returned for line in order.lines}
    seen: set[tuple[str, bool]] = set()
    refunds: list[LineRefund] = []
    for i, item in enumerate(lines):
        line = sold.get(item.line_id)
        if line is None:
            raise InvalidReturn(
                f"order {order.id} has no line {item.line_id!r}", field=f"lines[{i}].line_id"
            )
        if (item.line_id, item.damaged) in seen:
            raise InvalidReturn("a line is given twice", field=f"lines[{i}].line_id")
        seen.add((item.line_id, item.damaged))
        _whole(item.quantity, f"lines[{i}].quantity", 1)
        left = line.quantity - returned[line.id]
        if item.quantity > left:
            raise InvalidReturn(
                f"{item.quantity} returned, {left} of line {line.id} left to return",
                field=f"lines[{i}].quantity",
                returnable=left,
            )
        if line.handed_over_at is None:
            raise NotHandedOver(
                f"line {line.id} has not reached the customer", field=f"lines[{i}].line_id"
            )
        last_day = last_return_day(line.handed_over_at, policy)
        if at.astimezone(zone).date() > last_day:
            raise ReturnWindowClosed(
                f"line {line.id} could be returned until {last_day.isoformat()}",
                field=f"lines[{i}].line_id",
                last_day=last_day.isoformat(),
            )
        amount = unit_refund(line.paid, line.quantity, returned[line.id], item.quantity)
        returned[line.id] += item.quantity
        disposition: Literal["restock", "quarantine"] = "quarantine" if item.damaged else "restock"
        refunds.append(LineRefund(line.id, line.sku, item.quantity, amount, disposition))
    complete = all(returned[line.id] == line.quantity for line in order.lines)
    delivery = (
        order.delivery_paid
        if complete
        and policy.delivery_refund == "when_all_returned"
        and not order.delivery_refunded
        else 0
    )
    items = sum(r.amount for r in refunds)
    restock = tuple(
        Movement(
            f"{return_id}:{r.line_id}", location.code, r.sku, r.quantity, MovementKind.RETURN, at
        )
        for r in refunds
        if r.disposition == "restock"
    )
    quarantine = tuple((r.sku, r.quantity) for r in refunds if r.disposition == "quarantine")
    return ReturnPlan(
        return_id, order.id, location.code, order.currency, tuple(refunds), items, delivery,
        items + delivery, restock, quarantine, returned, complete, order.channel, order.entity,
    )  # fmt: skip

"""Orders as a channel system recorded them: a till's receipts, an e-shop's, a call-center
tool's or a marketplace's orders, the steps of their parcels and pickups, and their returns.
They are history, not new sales: the prices are those charged, the statuses those reported, and
the stock already moved in the locations' own feeds. Here the rules that check such a record
and place it in omnicanal's state machines; no database.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from omnicanal.errors import InvalidInput
from omnicanal.orders.rules import FULFILMENTS, ORDER

# What channel systems report of a whole order, in omnicanal's order states: the goods reached
# the customer; they are on their way; the order was never served.
_REPORTED = {
    "delivered": "fulfilled", "collected": "fulfilled", "completed": "fulfilled",
    "shipped": "in_fulfilment", "ready": "in_fulfilment", "picking": "in_fulfilment",
    "packed": "in_fulfilment", "accepted": "in_fulfilment",
    "expired": "cancelled", "rejected": "cancelled", "refunded": "cancelled",
    "returned_to_sender": "cancelled", "released": "cancelled", "canceled": "cancelled",
}  # fmt: skip


@dataclass(frozen=True, slots=True)
class RecordedLine:
    """A line as charged: `paid` is what its units cost after the promotions."""

    sku: str
    quantity: int
    unit_price: int
    discount: int
    paid: int


@dataclass(frozen=True, slots=True)
class RecordedTotals:
    subtotal: int
    discount: int
    items_total: int
    delivery_fee: int
    total: int


def line_paid(index: int, quantity: int, unit_price: int, discount: int, paid: int | None) -> int:
    """What a line paid: its units at their price less its discount, which a line's own total,
    when the file gives it, must equal (`lines.N.total` names the line)."""
    expected = quantity * unit_price - discount
    if expected < 0:
        raise InvalidInput(
            f"the discount ({discount}) is more than the line's price ({quantity * unit_price})",
            field=f"lines.{index}.discount",
        )
    if paid is not None and paid != expected:
        raise InvalidInput(
            f"the line's total is {paid}, but {quantity} × {unit_price} − {discount} = {expected}",
            field=f"lines.{index}.total",
        )
    return expected


def recorded_totals(
    lines: Sequence[RecordedLine],
    *,
    shipping: int = 0,
    subtotal: int | None = None,
    discount: int | None = None,
    total: int | None = None,
) -> RecordedTotals:
    """The order's amounts from its lines; those the file states must agree with them, to the
    cent, or the record is refused naming the amount that does not add up."""
    if not lines:
        raise InvalidInput("an order has at least one line", field="lines")
    if shipping < 0:
        raise InvalidInput("the delivery fee cannot be negative", field="shipping")
    found = RecordedTotals(
        subtotal=sum(line.quantity * line.unit_price for line in lines),
        discount=sum(line.discount for line in lines),
        items_total=sum(line.paid for line in lines),
        delivery_fee=shipping,
        total=sum(line.paid for line in lines) + shipping,
    )
    for name, stated, computed in (
        ("subtotal", subtotal, found.subtotal),
        ("discount", discount, found.discount),
        ("total", total, found.total),
    ):
        if stated is not None and stated != computed:
            raise InvalidInput(
                f"the order's {name} is {stated}, but its lines add up to {computed}", field=name
            )
    return found


def recorded_order_status(reported: str | None, method: str) -> str:
    """An order's status in omnicanal's order machine from what its system reported: a sale
    at a till is fulfilled; an order the system calls `placed` was paid when placed online;
    a status of no machine is refused."""
    if method == "in_store":
        return "fulfilled"
    if reported is None:
        return "paid"
    value = reported.strip().lower()
    if value == "placed":
        return "paid"
    if value in ORDER.states:
        return value
    if value in _REPORTED:
        return _REPORTED[value]
    known = sorted(set(ORDER.states) | set(_REPORTED))
    raise InvalidInput(f"unknown order status {reported!r} (known: {', '.join(known)})",
                       field="status")  # fmt: skip


def recorded_steps(method: str, current: str | None, reported: str, refunded: bool) -> list[str]:
    """The states a fulfilment passes through when its system reports `reported`: that state,
    then, for a pickup not collected and refunded, the release of its units and the refund
    that omnicanal's own click & collect takes. [] when it is there already (a file read
    twice); a state of no step of the method is refused."""
    machine = FULFILMENTS.get(method)
    if machine is None:
        known = ", ".join(FULFILMENTS)
        raise InvalidInput(f"unknown fulfilment type {method!r} (known: {known})", field="type")
    if reported not in machine.states:
        known = ", ".join(sorted(machine.states))
        raise InvalidInput(f"{method} has no status {reported!r} (known: {known})",
                           field="status")  # fmt: skip
    path = [reported]
    if refunded and method == "click_and_collect" and reported in ("expired", "cancelled"):
        path += ["released", "refunded"]
    if current is not None and current in path:
        path = path[path.index(current) + 1 :]
    return path

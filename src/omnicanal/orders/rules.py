"""The order and fulfilment state machines: each a table of the transitions allowed, and one
check that refuses any other with an error naming both states. Pure, no I/O.

An order, whatever channel sold it, is placed, paid, fulfilled (by one or more fulfilments)
and closed once its return window is over; it can be cancelled until it is fulfilled. A sale
at a till is paid and handed over at once (`paid → fulfilled`). Returns do not move the order:
they are records of their own against its lines.

Fulfilments, one per parcel or pickup:

- home delivery from a warehouse: placed → picking → packed → shipped → delivered; a failed
  delivery is tried again or comes back to the sender; cancelled until it leaves;
- ship-from-store: the same, except that the store first accepts the order or rejects it
  (the item is not on the shelf after all), and may still reject it while picking: sourcing
  then looks elsewhere;
- click & collect: placed → ready → collected; or, not collected in time, expired → released
  (the reserved units back on sale) → refunded; cancelled (by the customer or the store before
  collection) → released → refunded too.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from omnicanal.errors import Conflict, InvalidInput


class ForbiddenTransition(Conflict):
    code = "forbidden_transition"


class UnknownStatus(InvalidInput):
    code = "unknown_status"


@dataclass(frozen=True, slots=True)
class StateMachine:
    name: str  # "click_and_collect": a fulfilment method, an order
    initial: str
    transitions: Mapping[str, frozenset[str]]  # state -> the states it may go to
    terminal: frozenset[str] = field(init=False)

    def __post_init__(self) -> None:
        states = set(self.transitions)
        for source, targets in self.transitions.items():
            unknown = set(targets) - states
            if unknown:
                raise ValueError(f"{self.name}: {source} leads to unknown {sorted(unknown)}")
        if self.initial not in states:
            raise ValueError(f"{self.name}: unknown initial state {self.initial}")
        terminal = frozenset(s for s, targets in self.transitions.items() if not targets)
        object.__setattr__(self, "terminal", terminal)

    @property
    def states(self) -> tuple[str, ...]:
        return tuple(self.transitions)

    def allows(self, current: str, target: str) -> bool:
        return target in self.transitions.get(current, ())

    def check(self, current: str, target: str) -> str:
        """`target` when the machine allows `current → target`; otherwise `ForbiddenTransition`
        (an unknown state: `UnknownStatus`)."""
        for state in (current, target):
            if state not in self.transitions:
                raise UnknownStatus(
                    f"{state!r} is not a status of {_label(self.name)} "
                    f"(known: {', '.join(self.transitions)})",
                    field="status",
                    machine=self.name,
                    state=state,  # not `status`: the problem document's HTTP status
                )
        if target not in self.transitions[current]:
            allowed = sorted(self.transitions[current])
            then = f"it may go to {', '.join(allowed)}" if allowed else "it is final"
            raise ForbiddenTransition(
                f"{_label(self.name)} cannot go from {current} to {target}: {then}",
                field="status",
                machine=self.name,
                current=current,
                target=target,
                allowed=allowed,
            )
        return target


def _label(name: str) -> str:
    return "an order" if name == "order" else f"a {name.replace('_', ' ')} fulfilment"


def _machine(name: str, initial: str, table: Mapping[str, tuple[str, ...]]) -> StateMachine:
    return StateMachine(name, initial, {state: frozenset(to) for state, to in table.items()})


ORDER = _machine(
    "order",
    "placed",
    {
        "placed": ("paid", "cancelled"),
        "paid": ("in_fulfilment", "fulfilled", "cancelled"),
        "in_fulfilment": ("fulfilled", "cancelled"),
        "fulfilled": ("closed",),
        "cancelled": (),
        "closed": (),
    },
)

HOME_DELIVERY = _machine(
    "home_delivery",
    "placed",
    {
        "placed": ("picking", "cancelled"),
        "picking": ("packed", "cancelled"),
        "packed": ("shipped", "cancelled"),
        "shipped": ("delivered", "delivery_failed"),
        "delivery_failed": ("shipped", "returned_to_sender"),
        "delivered": (),
        "returned_to_sender": (),
        "cancelled": (),
    },
)

SHIP_FROM_STORE = _machine(
    "ship_from_store",
    "placed",
    {
        "placed": ("accepted", "rejected", "cancelled"),
        "accepted": ("picking", "rejected", "cancelled"),
        "picking": ("packed", "rejected", "cancelled"),
        "packed": ("shipped", "cancelled"),
        "shipped": ("delivered", "delivery_failed"),
        "delivery_failed": ("shipped", "returned_to_sender"),
        "delivered": (),
        "returned_to_sender": (),
        "rejected": (),
        "cancelled": (),
    },
)

CLICK_AND_COLLECT = _machine(
    "click_and_collect",
    "placed",
    {
        "placed": ("ready", "cancelled"),
        "ready": ("collected", "expired", "cancelled"),
        "expired": ("released",),
        "cancelled": ("released",),
        "released": ("refunded",),
        "collected": (),
        "refunded": (),
    },
)

MACHINES: Mapping[str, StateMachine] = {
    m.name: m for m in (ORDER, HOME_DELIVERY, SHIP_FROM_STORE, CLICK_AND_COLLECT)
}
FULFILMENTS: Mapping[str, StateMachine] = {
    m.name: m for m in (HOME_DELIVERY, SHIP_FROM_STORE, CLICK_AND_COLLECT)
}

# Where the goods reached the customer: the return window counts from these.
HANDED_OVER = frozenset({"delivered", "collected"})
# Fulfilment states after which nothing more happens to it.
ENDED = frozenset().union(*(m.terminal for m in FULFILMENTS.values()))


def settled_status(fulfilments: Sequence[tuple[str, str]]) -> str | None:
    """What an order's status becomes from its fulfilments' (method, status): fulfilled when
    all are over and one reached the customer, cancelled when all are over and none did, in
    fulfilment once one moved; None while none has."""
    if not fulfilments:
        return None
    if all(status in ENDED for _, status in fulfilments):
        return "fulfilled" if any(s in HANDED_OVER for _, s in fulfilments) else "cancelled"
    if any(status != FULFILMENTS[method].initial for method, status in fulfilments):
        return "in_fulfilment"
    return None


def transition(machine: str, current: str, target: str) -> str:
    """Check one step of the named machine (`order` or a fulfilment method)."""
    found = MACHINES.get(machine)
    if found is None:
        raise UnknownStatus(
            f"no state machine {machine!r} (known: {', '.join(MACHINES)})", field="method"
        )
    return found.check(current, target)

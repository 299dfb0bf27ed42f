"""The order and fulfilment state machines: every allowed step passes, every other one is
refused with an error naming both states."""

from __future__ import annotations

from itertools import pairwise

import pytest

from omnicanal.orders import (
    CLICK_AND_COLLECT,
    HOME_DELIVERY,
    MACHINES,
    ORDER,
    SHIP_FROM_STORE,
    ForbiddenTransition,
    StateMachine,
    UnknownStatus,
    transition,
)

# The specification, written out again: a change to a table must change this too.
EXPECTED = {
    "order": {
        ("placed", "paid"), ("placed", "cancelled"), ("paid", "in_fulfilment"), ("paid", "fulfilled"),
        ("paid", "cancelled"), ("in_fulfilment", "fulfilled"), ("in_fulfilment", "cancelled"), ("fulfilled", "closed"),
    },
    "home_delivery": {
        ("placed", "picking"), ("placed", "cancelled"), ("picking", "packed"), ("picking", "cancelled"),
        ("packed", "shipped"), ("packed", "cancelled"), ("shipped", "delivered"), ("shipped", "delivery_failed"),
        ("delivery_failed", "shipped"), ("delivery_failed", "returned_to_sender"),
    },
    "ship_from_store": {
        ("placed", "accepted"), ("placed", "rejected"), ("placed", "cancelled"), ("accepted", "picking"),
        ("accepted", "rejected"), ("accepted", "cancelled"), ("picking", "packed"), ("picking", "rejected"),
        ("picking", "cancelled"), ("packed", "shipped"), ("packed", "cancelled"), ("shipped", "delivered"),
        ("shipped", "delivery_failed"), ("delivery_failed", "shipped"), ("delivery_failed", "returned_to_sender"),
    },
    "click_and_collect": {
        ("placed", "ready"), ("placed", "cancelled"), ("ready", "collected"), ("ready", "expired"),
        ("ready", "cancelled"), ("expired", "released"), ("cancelled", "released"), ("released", "refunded"),
    },
}  # fmt: skip

PAIRS = [
    pytest.param(
        name, current, target, (current, target) in EXPECTED[name], id=f"{name}:{current}->{target}"
    )
    for name, machine in MACHINES.items()
    for current in machine.states
    for target in machine.states
]


def test_the_tables_are_the_specification() -> None:
    assert set(MACHINES) == set(EXPECTED)
    for name, machine in MACHINES.items():
        actual = {(s, t) for s, targets in machine.transitions.items() for t in targets}
        assert actual == EXPECTED[name], name


@pytest.mark.parametrize(("machine", "current", "target", "allowed"), PAIRS)
def test_every_transition_is_allowed_or_refused_as_the_table_says(
    machine: str, current: str, target: str, allowed: bool
) -> None:
    if allowed:
        assert transition(machine, current, target) == target
        assert MACHINES[machine].allows(current, target)
        return
    with pytest.raises(ForbiddenTransition) as error:
        transition(machine, current, target)
    assert (error.value.code, error.value.status, error.value.field) == (
        "forbidden_transition",
        409,
        "status",
    )
    assert error.value.extra["current"] == current and error.value.extra["target"] == target
    assert f"from {current} to {target}" in error.value.detail
    assert error.value.extra["allowed"] == sorted(MACHINES[machine].transitions[current])


def test_the_refusal_says_where_the_state_may_go_or_that_it_is_final() -> None:
    with pytest.raises(ForbiddenTransition) as error:
        CLICK_AND_COLLECT.check("placed", "collected")
    assert (
        error.value.detail
        == "a click and collect fulfilment cannot go from placed to collected: it may go to cancelled, ready"
    )
    with pytest.raises(ForbiddenTransition) as error:
        ORDER.check("closed", "paid")
    assert error.value.detail == "an order cannot go from closed to paid: it is final"


@pytest.mark.parametrize(
    ("machine", "path"),
    [
        (CLICK_AND_COLLECT, ["placed", "ready", "collected"]),
        (CLICK_AND_COLLECT, ["placed", "ready", "expired", "released", "refunded"]),
        (CLICK_AND_COLLECT, ["placed", "cancelled", "released", "refunded"]),
        (
            HOME_DELIVERY,
            ["placed", "picking", "packed", "shipped", "delivery_failed", "shipped", "delivered"],
        ),
        (SHIP_FROM_STORE, ["placed", "accepted", "picking", "rejected"]),
        (ORDER, ["placed", "paid", "fulfilled", "closed"]),  # a sale at the till
    ],
)
def test_the_journeys_of_the_trade_are_paths_of_the_machines(
    machine: StateMachine, path: list[str]
) -> None:
    assert path[0] == machine.initial
    for current, target in pairwise(path):
        machine.check(current, target)
    assert path[-1] in machine.terminal


def test_final_states() -> None:
    assert CLICK_AND_COLLECT.terminal == {"collected", "refunded"}
    assert ORDER.terminal == {"cancelled", "closed"}
    assert HOME_DELIVERY.terminal == {"delivered", "returned_to_sender", "cancelled"}


def test_every_state_is_reachable_from_the_initial_one() -> None:
    for machine in MACHINES.values():
        reached, todo = {machine.initial}, [machine.initial]
        while todo:
            for target in machine.transitions[todo.pop()]:
                if target not in reached:
                    reached.add(target)
                    todo.append(target)
        assert reached == set(machine.states), machine.name


@pytest.mark.parametrize(
    ("machine", "current", "target"),
    [("order", "shipped", "paid"), ("order", "placed", "lost"), ("parcel", "placed", "paid")],
)
def test_an_unknown_status_or_machine_is_an_input_error(
    machine: str, current: str, target: str
) -> None:
    with pytest.raises(UnknownStatus) as error:
        transition(machine, current, target)
    assert error.value.status == 422


def test_a_table_leading_to_an_undeclared_state_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="unknown"):
        StateMachine("broken", "a", {"a": frozenset({"b"})})

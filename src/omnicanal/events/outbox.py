"""Writing events to the outbox and registering in-process subscribers."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from omnicanal.db import new_id, utcnow
from omnicanal.events.models import OutboxEvent


@dataclass(frozen=True)
class Event:
    id: str
    type: str
    entity_id: str | None
    payload: dict[str, Any]
    occurred_at: datetime


Handler = Callable[[Session, Event], None]

# name -> (event types or "*", handler). Names are stable: deliveries are recorded against them.
_SUBSCRIBERS: dict[str, tuple[frozenset[str], Handler]] = {}


def emit(
    session: Session, type: str, payload: dict[str, Any], *, entity_id: str | None = None
) -> OutboxEvent:
    """Record a domain event in the caller's transaction: it exists if and only if the change
    does."""
    event = OutboxEvent(
        id=new_id("evt"), type=type, entity_id=entity_id, payload=payload, occurred_at=utcnow()
    )
    session.add(event)
    return event


_OUTBOX_INSERT = OutboxEvent.__table__.insert()


def emit_now(
    session: Session, events: Sequence[tuple[str, dict[str, Any], str | None]]
) -> list[str]:
    """Record domain events (type, payload, entity id) in the caller's transaction with one
    INSERT, now rather than at the session's next flush: for the paths that write their own
    rows without the ORM (the real-time attach of customer records). Returns their ids."""
    if not events:
        return []
    now = utcnow()
    rows = [
        {"id": new_id("evt"), "type": type_, "entity_id": entity_id, "payload": payload,
         "occurred_at": now, "fanned_out_at": None}
        for type_, payload, entity_id in events
    ]  # fmt: skip
    session.connection().execute(_OUTBOX_INSERT, rows)
    return [row["id"] for row in rows]


def subscribe(name: str, types: str | list[str], handler: Handler) -> None:
    wanted = frozenset([types] if isinstance(types, str) else types)
    _SUBSCRIBERS[name] = (wanted, handler)


def unsubscribe(name: str) -> None:
    _SUBSCRIBERS.pop(name, None)


def subscriber(name: str, types: str | list[str]) -> Callable[[Handler], Handler]:
    def register(handler: Handler) -> Handler:
        subscribe(name, types, handler)
        return handler

    return register


def subscribers() -> dict[str, tuple[frozenset[str], Handler]]:
    return dict(_SUBSCRIBERS)


def matches(types: frozenset[str] | list[Any], event_type: str) -> bool:
    """`*` matches all; `order.*` matches a family; otherwise the exact type."""
    for wanted in types:
        if wanted == "*" or wanted == event_type:
            return True
        if wanted.endswith(".*") and event_type.startswith(wanted[:-1]):
            return True
    return False

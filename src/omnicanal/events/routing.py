"""Which targets receive an event, and what a webhook receives. Pure rules, no I/O."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from omnicanal.events import outbox

SUBSCRIBER = "subscriber:"
WEBHOOK = "webhook:"


@dataclass(frozen=True)
class EndpointRoute:
    id: str
    entity_id: str | None
    event_types: tuple[str, ...]


def targets_for(
    event_type: str,
    event_entity_id: str | None,
    subscriber_types: Mapping[str, frozenset[str]],
    endpoints: Iterable[EndpointRoute],
) -> list[str]:
    """Every subscriber whose types match, and every endpoint that may see the event: a
    brand-wide endpoint sees all events, an entity's endpoint only that entity's events."""
    targets = [
        SUBSCRIBER + name
        for name, types in sorted(subscriber_types.items())
        if outbox.matches(types, event_type)
    ]
    for endpoint in endpoints:
        if endpoint.entity_id is not None and endpoint.entity_id != event_entity_id:
            continue
        if endpoint.event_types and not outbox.matches(list(endpoint.event_types), event_type):
            continue
        targets.append(WEBHOOK + endpoint.id)
    return targets


def webhook_body(event: outbox.Event) -> bytes:
    message = {
        "id": event.id,
        "type": event.type,
        "timestamp": event.occurred_at.isoformat(),
        "data": event.payload,
    }
    return json.dumps(message, separators=(",", ":"), ensure_ascii=False).encode()

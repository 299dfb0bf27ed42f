"""Use cases of events: reading the outbox, managing webhook endpoints, following and replaying
their deliveries — always through the caller's scope.

A franchisee sees its own entity's events and endpoints only. Anything out of scope answers
exactly as if it did not exist, so that one franchisee cannot probe for another's objects.
"""

from __future__ import annotations

import ipaddress
import re
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

from sqlalchemy import select
from sqlalchemy.orm import Session

from omnicanal.config import get_settings
from omnicanal.errors import InvalidInput, NotFound
from omnicanal.events import dispatcher, routing, signing
from omnicanal.events.models import Delivery, OutboxEvent, WebhookEndpoint
from omnicanal.network import service as network_service
from omnicanal.network.models import Entity
from omnicanal.security.permissions import Permission, Principal, require

DELIVERY_STATUSES = ("pending", "delivered", "dead")
MAX_LIST = 1000
EVENT_TYPE = re.compile(r"^(\*|[a-z0-9_]+(\.[a-z0-9_]+)*(\.\*)?)$")


# --- scope ----------------------------------------------------------------------------------


def _reaches(reachable: set[str] | None, entity_id: str | None) -> bool:
    # Brand-wide objects (no entity) belong to brand-wide principals only.
    return reachable is None or (entity_id is not None and entity_id in reachable)


def _limit(limit: int) -> int:
    if not 1 <= limit <= MAX_LIST:
        raise InvalidInput(f"limit must be between 1 and {MAX_LIST}", field="limit")
    return limit


# --- events ---------------------------------------------------------------------------------


def list_events(
    session: Session, principal: Principal, type: str | None = None, limit: int = 100
) -> list[OutboxEvent]:
    """Latest events first; `type` is exact (`order.placed`) or a family (`order.*`)."""
    require(principal, Permission.EVENTS_READ)
    query = select(OutboxEvent).order_by(OutboxEvent.occurred_at.desc(), OutboxEvent.id.desc())
    reachable = network_service.reachable_entities(session, principal)
    if reachable is not None:
        query = query.where(OutboxEvent.entity_id.in_(reachable))
    if type:
        if type.endswith(".*"):
            query = query.where(OutboxEvent.type.startswith(type[:-1], autoescape=True))
        elif type != "*":
            query = query.where(OutboxEvent.type == type)
    return list(session.scalars(query.limit(_limit(limit))))


# --- endpoints ------------------------------------------------------------------------------


@dataclass(frozen=True)
class NewEndpoint:
    url: str
    entity_id: str | None = None  # None: the principal's own entity, or brand-wide for HQ
    description: str | None = None
    event_types: list[str] | None = None
    active: bool = True


@dataclass(frozen=True)
class EndpointChanges:
    """Fields to change; None leaves a field as it is."""

    url: str | None = None
    description: str | None = None
    event_types: list[str] | None = None
    active: bool | None = None


def _check_url(url: str, principal: Principal) -> str:
    url = url.strip()
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname or len(url) > 2000:
        raise InvalidInput("url must be an http(s) URL with a host", field="url")
    # A franchisee or a store must not make omnicanal call into the brand's own network.
    confined = not principal.scope.is_brand and not get_settings().webhook_allow_private_hosts
    if confined and targets_private_network(parts.hostname):
        raise InvalidInput("url points to a private, loopback or link-local address", field="url")
    return url


def is_private_address(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    return not ip.is_global or ip.is_multicast


def targets_private_network(hostname: str) -> bool:
    """Whether the host is, or resolves to, an address outside the public internet."""
    try:
        return is_private_address(hostname)
    except ValueError:
        pass  # a name, not an address
    if hostname.lower() == "localhost" or hostname.lower().endswith(".localhost"):
        return True
    try:
        infos = socket.getaddrinfo(hostname, None, proto=socket.IPPROTO_TCP)
    except OSError:
        return False  # unresolvable now; the delivery will fail and be retried
    return any(is_private_address(str(info[4][0])) for info in infos)


def _check_event_types(event_types: list[str] | None) -> list[str]:
    """Empty means every event; each entry is `*`, a type or a family such as `order.*`."""
    checked: list[str] = []
    for event_type in event_types or []:
        if not isinstance(event_type, str) or not EVENT_TYPE.match(event_type):
            raise InvalidInput(
                f"{event_type!r} is not an event type such as 'order.placed' or 'order.*'",
                field="event_types",
            )
        if event_type not in checked:
            checked.append(event_type)
    return checked


def _owner_for_new_endpoint(
    session: Session, principal: Principal, entity_id: str | None
) -> str | None:
    scope = principal.scope
    if entity_id is None:
        if scope.is_brand:
            return None
        if scope.entity_id is not None:
            return scope.entity_id
        raise InvalidInput("name the entity whose events the endpoint receives", field="entity_id")
    reachable = network_service.reachable_entities(session, principal)
    # Same answer for another franchisee's entity as for one that does not exist.
    if not _reaches(reachable, entity_id) or session.get(Entity, entity_id) is None:
        raise InvalidInput(f"unknown entity {entity_id!r}", field="entity_id")
    return entity_id


def create_endpoint(session: Session, principal: Principal, data: NewEndpoint) -> WebhookEndpoint:
    """A new endpoint with a fresh signing secret; the caller shows the secret this once."""
    require(principal, Permission.WEBHOOKS_MANAGE)
    endpoint = WebhookEndpoint(
        entity_id=_owner_for_new_endpoint(session, principal, data.entity_id),
        url=_check_url(data.url, principal),
        description=data.description,
        secret=signing.new_secret(),
        event_types=_check_event_types(data.event_types),
        active=data.active,
    )
    session.add(endpoint)
    session.flush()
    return endpoint


def list_endpoints(session: Session, principal: Principal) -> list[WebhookEndpoint]:
    require(principal, Permission.WEBHOOKS_MANAGE)
    query = select(WebhookEndpoint).order_by(WebhookEndpoint.created_at, WebhookEndpoint.id)
    reachable = network_service.reachable_entities(session, principal)
    if reachable is not None:
        query = query.where(WebhookEndpoint.entity_id.in_(reachable))
    return list(session.scalars(query))


def get_endpoint(session: Session, principal: Principal, endpoint_id: str) -> WebhookEndpoint:
    require(principal, Permission.WEBHOOKS_MANAGE)
    endpoint = session.get(WebhookEndpoint, endpoint_id)
    if endpoint is None or not _reaches(
        network_service.reachable_entities(session, principal), endpoint.entity_id
    ):
        raise NotFound(f"no webhook endpoint {endpoint_id!r}", field="endpoint_id")
    return endpoint


def update_endpoint(
    session: Session, principal: Principal, endpoint_id: str, changes: EndpointChanges
) -> WebhookEndpoint:
    endpoint = get_endpoint(session, principal, endpoint_id)
    if changes.url is not None:
        endpoint.url = _check_url(changes.url, principal)
    if changes.description is not None:
        endpoint.description = changes.description or None
    if changes.event_types is not None:
        endpoint.event_types = _check_event_types(changes.event_types)
    if changes.active is not None:
        endpoint.active = changes.active
    session.flush()
    return endpoint


def delete_endpoint(session: Session, principal: Principal, endpoint_id: str) -> None:
    """Its deliveries stay as history; those still pending become dead at the next dispatch."""
    endpoint = get_endpoint(session, principal, endpoint_id)
    session.delete(endpoint)
    session.flush()


# --- deliveries -----------------------------------------------------------------------------


def list_deliveries(
    session: Session,
    principal: Principal,
    status: str | None = None,
    endpoint_id: str | None = None,
    limit: int = 100,
) -> list[Delivery]:
    """Latest first. Brand-wide principals also see in-process subscribers' deliveries."""
    require(principal, Permission.WEBHOOKS_MANAGE)
    query = select(Delivery).order_by(Delivery.created_at.desc(), Delivery.id.desc())
    if status is not None:
        if status not in DELIVERY_STATUSES:
            raise InvalidInput(
                f"status must be one of {', '.join(DELIVERY_STATUSES)}", field="status"
            )
        query = query.where(Delivery.status == status)
    if endpoint_id is not None:
        endpoint = get_endpoint(session, principal, endpoint_id)
        query = query.where(Delivery.target == routing.WEBHOOK + endpoint.id)
    elif not principal.scope.is_brand:
        targets = [routing.WEBHOOK + e.id for e in list_endpoints(session, principal)]
        query = query.where(Delivery.target.in_(targets))
    return list(session.scalars(query.limit(_limit(limit))))


def _sees_delivery(session: Session, principal: Principal, delivery: Delivery) -> bool:
    if principal.scope.is_brand:
        return True
    if not delivery.target.startswith(routing.WEBHOOK):
        return False  # in-process subscribers are the brand's own plumbing
    endpoint = session.get(WebhookEndpoint, delivery.target.removeprefix(routing.WEBHOOK))
    reachable = network_service.reachable_entities(session, principal)
    return endpoint is not None and _reaches(reachable, endpoint.entity_id)


def get_delivery(session: Session, principal: Principal, delivery_id: str) -> Delivery:
    require(principal, Permission.WEBHOOKS_MANAGE)
    delivery = session.get(Delivery, delivery_id)
    if delivery is None or not _sees_delivery(session, principal, delivery):
        raise NotFound(f"no delivery {delivery_id!r}", field="delivery_id")
    return delivery


def replay_delivery(session: Session, principal: Principal, delivery_id: str) -> Delivery:
    """Send a dead or delivered delivery again, from a fresh count of attempts."""
    delivery = get_delivery(session, principal, delivery_id)
    return dispatcher.replay(session, delivery.id)

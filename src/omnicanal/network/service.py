"""Use cases of the network: entities, locations and channels, always seen through a scope."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session

from omnicanal.errors import Conflict, Forbidden, InvalidInput, NotFound
from omnicanal.events import emit
from omnicanal.network import schemas
from omnicanal.network.models import Channel, Entity, Location
from omnicanal.security.permissions import (
    Permission,
    Principal,
    Scope,
    can_reach_entity,
    can_reach_location,
    require,
)

# --- scope helpers -------------------------------------------------------------------------


def _entities_of_locations(session: Session, location_ids: frozenset[str]) -> set[str]:
    if not location_ids:
        return set()
    rows = session.scalars(
        select(Location.owner_entity_id).where(Location.id.in_(location_ids))
    ).all()
    return set(rows)


def _visible_entity_ids(session: Session, scope: Scope) -> set[str] | None:
    """None means every entity."""
    if scope.is_brand:
        return None
    if scope.entity_id is not None:
        return {scope.entity_id}
    return _entities_of_locations(session, scope.location_ids or frozenset())


def _scoped_locations(query: Select[tuple[Location]], scope: Scope) -> Select[tuple[Location]]:
    if scope.is_brand:
        return query
    if scope.entity_id is not None:
        return query.where(Location.owner_entity_id == scope.entity_id)
    return query.where(Location.id.in_(scope.location_ids or frozenset()))


def location_owners(session: Session, location_ids: Sequence[str]) -> dict[str, str]:
    """Map of location id to owning entity id, for the given ids that exist."""
    if not location_ids:
        return {}
    rows = session.execute(
        select(Location.id, Location.owner_entity_id).where(Location.id.in_(location_ids))
    ).all()
    return {row.id: row.owner_entity_id for row in rows}


def reachable_entities(session: Session, principal: Principal) -> set[str] | None:
    """The entities a principal reaches (its own, or the owners of its locations); None means
    all of them (a brand-wide principal)."""
    scope = principal.scope
    if scope.is_brand:
        return None
    if scope.entity_id is not None:
        return {scope.entity_id}
    return set(location_owners(session, sorted(scope.location_ids or ())).values())


def location_ids_of_scope(session: Session, scope: Scope) -> list[str] | None:
    """The locations a scope reaches; None means all of them."""
    if scope.is_brand:
        return None
    query = _scoped_locations(select(Location.id), scope)  # type: ignore[arg-type]
    return list(session.scalars(query))


def location_codes_of_scope(session: Session, scope: Scope) -> list[str] | None:
    """The codes of the locations a scope reaches; None means all of them."""
    if scope.is_brand:
        return None
    query = _scoped_locations(select(Location.code), scope)  # type: ignore[arg-type]
    return list(session.scalars(query))


# --- entities ------------------------------------------------------------------------------


def list_entities(session: Session, principal: Principal, kind: str | None = None) -> list[Entity]:
    require(principal, Permission.NETWORK_READ)
    query = select(Entity).order_by(Entity.code)
    visible = _visible_entity_ids(session, principal.scope)
    if visible is not None:
        query = query.where(Entity.id.in_(visible))
    if kind:
        query = query.where(Entity.kind == kind)
    return list(session.scalars(query))


def get_entity(session: Session, principal: Principal, entity_id: str) -> Entity:
    require(principal, Permission.NETWORK_READ)
    entity = session.get(Entity, entity_id)
    visible = _visible_entity_ids(session, principal.scope)
    if entity is None or (visible is not None and entity.id not in visible):
        raise NotFound(f"no entity {entity_id!r}", field="entity_id")
    return entity


def get_entity_by_code(session: Session, code: str) -> Entity | None:
    return session.scalars(select(Entity).where(Entity.code == code)).one_or_none()


def create_entity(session: Session, principal: Principal, data: schemas.EntityCreate) -> Entity:
    require(principal, Permission.ENTITIES_WRITE)
    if not principal.scope.is_brand:
        raise Forbidden("only a brand-wide user or key can create entities")
    if get_entity_by_code(session, data.code):
        raise Conflict(f"an entity with code {data.code!r} exists", field="code")
    entity = Entity(**data.model_dump())
    session.add(entity)
    session.flush()
    emit(session, "entity.created", _entity_payload(entity), entity_id=entity.id)
    return entity


def update_entity(
    session: Session, principal: Principal, entity_id: str, data: schemas.EntityUpdate
) -> Entity:
    entity = get_entity(session, principal, entity_id)
    require(principal, Permission.ENTITIES_WRITE)
    if not principal.scope.is_brand:
        raise Forbidden("only a brand-wide user or key can change entities")
    for name, value in data.model_dump(exclude_unset=True).items():
        setattr(entity, name, value)
    session.flush()
    emit(session, "entity.updated", _entity_payload(entity), entity_id=entity.id)
    return entity


def _entity_payload(entity: Entity) -> dict[str, object]:
    return schemas.EntityOut.model_validate(entity).model_dump(mode="json")


# --- locations -----------------------------------------------------------------------------


def list_locations(
    session: Session, principal: Principal, filters: schemas.LocationFilter | None = None
) -> list[Location]:
    require(principal, Permission.NETWORK_READ)
    query = _scoped_locations(select(Location), principal.scope).order_by(Location.code)
    f = filters or schemas.LocationFilter()
    if f.kind:
        query = query.where(Location.kind == f.kind.value)
    if f.entity_id:
        query = query.where(Location.owner_entity_id == f.entity_id)
    if f.city:
        query = query.where(func.lower(Location.city) == f.city.strip().lower())
    if f.active is not None:
        query = query.where(Location.active == f.active)
    if f.q:
        pattern = f"%{f.q.strip().lower()}%"
        query = query.where(
            or_(
                func.lower(Location.code).like(pattern),
                func.lower(Location.name).like(pattern),
                func.lower(Location.city).like(pattern),
                Location.postal_code.like(pattern),
            )
        )
    locations = list(session.scalars(query))
    if f.capability:
        # Capabilities are a small JSON list; filtering in Python keeps SQLite and PostgreSQL alike.
        locations = [loc for loc in locations if f.capability.value in loc.capabilities]
    return locations


def get_location(session: Session, principal: Principal, location_id: str) -> Location:
    require(principal, Permission.NETWORK_READ)
    location = session.get(Location, location_id)
    if location is None or not can_reach_location(
        principal.scope, location.id, location.owner_entity_id
    ):
        raise NotFound(f"no location {location_id!r}", field="location_id")
    return location


def get_location_by_code(session: Session, code: str) -> Location | None:
    return session.scalars(select(Location).where(Location.code == code)).one_or_none()


def _check_owner(session: Session, principal: Principal, owner_entity_id: str) -> None:
    scope = principal.scope
    if scope.location_ids is not None:
        raise Forbidden("a user or key scoped to locations cannot create locations")
    if scope.entity_id is not None and owner_entity_id != scope.entity_id:
        # Same answer as for an entity that does not exist: do not reveal other entities.
        raise InvalidInput(f"unknown entity {owner_entity_id!r}", field="owner_entity_id")
    if session.get(Entity, owner_entity_id) is None:
        raise InvalidInput(f"unknown entity {owner_entity_id!r}", field="owner_entity_id")


def create_location(
    session: Session, principal: Principal, data: schemas.LocationCreate
) -> Location:
    require(principal, Permission.NETWORK_WRITE)
    _check_owner(session, principal, data.owner_entity_id)
    if get_location_by_code(session, data.code):
        raise Conflict(f"a location with code {data.code!r} exists", field="code")
    location = Location(**data.model_dump())
    session.add(location)
    session.flush()
    emit(
        session, "location.created", _location_payload(location), entity_id=location.owner_entity_id
    )
    return location


def update_location(
    session: Session, principal: Principal, location_id: str, data: schemas.LocationUpdate
) -> Location:
    location = get_location(session, principal, location_id)
    require(principal, Permission.NETWORK_WRITE)
    changes = data.model_dump(exclude_unset=True)
    for field in ("name", "country", "timezone", "opening_hours", "capabilities", "active"):
        if field in changes and changes[field] is None:
            raise InvalidInput(f"{field} cannot be null", field=field)
    for name, value in changes.items():
        setattr(location, name, value)
    session.flush()
    emit(
        session, "location.updated", _location_payload(location), entity_id=location.owner_entity_id
    )
    return location


def upsert_location(
    session: Session, principal: Principal, data: schemas.LocationCreate
) -> tuple[Location, bool]:
    """Create the location with this code, or update it: what an import row means."""
    existing = get_location_by_code(session, data.code)
    if existing is None:
        return create_location(session, principal, data), True
    if not can_reach_location(principal.scope, existing.id, existing.owner_entity_id):
        raise Conflict(f"location code {data.code!r} belongs to another entity", field="code")
    if existing.owner_entity_id != data.owner_entity_id:
        raise InvalidInput(
            "a location cannot change owner through an import", field="owner_entity_id"
        )
    fields = data.model_dump(exclude={"code", "kind", "owner_entity_id"})
    return update_location(session, principal, existing.id, schemas.LocationUpdate(**fields)), False


def _location_payload(location: Location) -> dict[str, object]:
    return schemas.LocationOut.model_validate(location).model_dump(mode="json")


# --- channels ------------------------------------------------------------------------------


def list_channels(session: Session, principal: Principal) -> list[Channel]:
    require(principal, Permission.NETWORK_READ)
    query = select(Channel).order_by(Channel.code)
    visible = _visible_entity_ids(session, principal.scope)
    if visible is not None:
        query = query.where(Channel.entity_id.in_(visible))
    return list(session.scalars(query))


def get_channel(session: Session, principal: Principal, channel_id: str) -> Channel:
    require(principal, Permission.NETWORK_READ)
    channel = session.get(Channel, channel_id)
    visible = _visible_entity_ids(session, principal.scope)
    if channel is None or not can_reach_entity(
        principal.scope, channel.entity_id, visible or set()
    ):
        raise NotFound(f"no channel {channel_id!r}", field="channel_id")
    return channel


def get_channel_by_code(session: Session, code: str) -> Channel | None:
    return session.scalars(select(Channel).where(Channel.code == code)).one_or_none()


def create_channel(session: Session, principal: Principal, data: schemas.ChannelCreate) -> Channel:
    require(principal, Permission.ENTITIES_WRITE)
    if not principal.scope.is_brand:
        raise Forbidden("only a brand-wide user or key can create channels")
    if session.get(Entity, data.entity_id) is None:
        raise InvalidInput(f"unknown entity {data.entity_id!r}", field="entity_id")
    if get_channel_by_code(session, data.code):
        raise Conflict(f"a channel with code {data.code!r} exists", field="code")
    channel = Channel(**data.model_dump())
    session.add(channel)
    session.flush()
    emit(session, "channel.created", _channel_payload(channel), entity_id=channel.entity_id)
    return channel


def update_channel(
    session: Session, principal: Principal, channel_id: str, data: schemas.ChannelUpdate
) -> Channel:
    channel = get_channel(session, principal, channel_id)
    require(principal, Permission.ENTITIES_WRITE)
    if not principal.scope.is_brand:
        raise Forbidden("only a brand-wide user or key can change channels")
    for name, value in data.model_dump(exclude_unset=True).items():
        if value is None:
            raise InvalidInput(f"{name} cannot be null", field=name)
        setattr(channel, name, value)
    session.flush()
    emit(session, "channel.updated", _channel_payload(channel), entity_id=channel.entity_id)
    return channel


def _channel_payload(channel: Channel) -> dict[str, object]:
    return schemas.ChannelOut.model_validate(channel).model_dump(mode="json")

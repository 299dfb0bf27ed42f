"""Import rows for the network: entities and locations, matched on their code."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from omnicanal.errors import InvalidInput
from omnicanal.imports.service import Outcome, register_importer
from omnicanal.network import schemas, service
from omnicanal.security.permissions import Principal

LOCATION_FIELDS = set(schemas.LocationCreate.model_fields) | {"owner_entity_code"}


def import_location(session: Session, principal: Principal, row: dict[str, Any]) -> Outcome:
    row = {k: v for k, v in row.items() if v is not None}
    unknown = sorted(set(row) - LOCATION_FIELDS)
    if unknown:
        raise InvalidInput(f"unknown column {unknown[0]!r}", field=unknown[0])
    # Files name the owner by its code, which people know; the API uses ids.
    owner_code = row.pop("owner_entity_code", None)
    if owner_code and "owner_entity_id" not in row:
        owner = service.get_entity_by_code(session, str(owner_code))
        if owner is None:
            raise InvalidInput(f"unknown entity code {owner_code!r}", field="owner_entity_code")
        row["owner_entity_id"] = owner.id
    data = schemas.LocationCreate.model_validate(row)
    _, created = service.upsert_location(session, principal, data)
    return "created" if created else "updated"


def import_entity(session: Session, principal: Principal, row: dict[str, Any]) -> Outcome:
    row = {k: v for k, v in row.items() if v is not None}
    data = schemas.EntityCreate.model_validate(row)
    existing = service.get_entity_by_code(session, data.code)
    if existing is None:
        service.create_entity(session, principal, data)
        return "created"
    update = schemas.EntityUpdate(**data.model_dump(exclude={"code", "kind"}))
    service.update_entity(session, principal, existing.id, update)
    return "updated"


def import_channel(session: Session, principal: Principal, row: dict[str, Any]) -> Outcome:
    row = {k: v for k, v in row.items() if v is not None}
    entity_code = row.pop("entity_code", None)
    if entity_code and "entity_id" not in row:
        entity = service.get_entity_by_code(session, str(entity_code))
        if entity is None:
            raise InvalidInput(f"unknown entity code {entity_code!r}", field="entity_code")
        row["entity_id"] = entity.id
    data = schemas.ChannelCreate.model_validate(row)
    existing = service.get_channel_by_code(session, data.code)
    if existing is None:
        service.create_channel(session, principal, data)
        return "created"
    service.update_channel(
        session, principal, existing.id, schemas.ChannelUpdate(name=data.name, active=data.active)
    )
    return "updated"


register_importer("locations", import_location)
register_importer("channels", import_channel)
register_importer("entities", import_entity)

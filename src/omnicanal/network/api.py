"""HTTP routes of the network domain: thin wrappers around `network.service`."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends

from omnicanal.api.deps import DB, CurrentPrincipal
from omnicanal.network import schemas, service

router = APIRouter(tags=["network"])


@router.get("/entities", response_model=list[schemas.EntityOut])
def list_entities(db: DB, principal: CurrentPrincipal, kind: str | None = None):
    return service.list_entities(db, principal, kind)


@router.post("/entities", response_model=schemas.EntityOut, status_code=201)
def create_entity(body: schemas.EntityCreate, db: DB, principal: CurrentPrincipal):
    return service.create_entity(db, principal, body)


@router.get("/entities/{entity_id}", response_model=schemas.EntityOut)
def get_entity(entity_id: str, db: DB, principal: CurrentPrincipal):
    return service.get_entity(db, principal, entity_id)


@router.patch("/entities/{entity_id}", response_model=schemas.EntityOut)
def update_entity(entity_id: str, body: schemas.EntityUpdate, db: DB, principal: CurrentPrincipal):
    return service.update_entity(db, principal, entity_id, body)


@router.get("/locations", response_model=list[schemas.LocationOut])
def list_locations(
    db: DB, principal: CurrentPrincipal, filters: Annotated[schemas.LocationFilter, Depends()]
):
    return service.list_locations(db, principal, filters)


@router.post("/locations", response_model=schemas.LocationOut, status_code=201)
def create_location(body: schemas.LocationCreate, db: DB, principal: CurrentPrincipal):
    return service.create_location(db, principal, body)


@router.get("/locations/{location_id}", response_model=schemas.LocationOut)
def get_location(location_id: str, db: DB, principal: CurrentPrincipal):
    return service.get_location(db, principal, location_id)


@router.patch("/locations/{location_id}", response_model=schemas.LocationOut)
def update_location(
    location_id: str, body: schemas.LocationUpdate, db: DB, principal: CurrentPrincipal
):
    return service.update_location(db, principal, location_id, body)


@router.get("/channels", response_model=list[schemas.ChannelOut])
def list_channels(db: DB, principal: CurrentPrincipal):
    return service.list_channels(db, principal)


@router.post("/channels", response_model=schemas.ChannelOut, status_code=201)
def create_channel(body: schemas.ChannelCreate, db: DB, principal: CurrentPrincipal):
    return service.create_channel(db, principal, body)


@router.get("/channels/{channel_id}", response_model=schemas.ChannelOut)
def get_channel(channel_id: str, db: DB, principal: CurrentPrincipal):
    return service.get_channel(db, principal, channel_id)


@router.patch("/channels/{channel_id}", response_model=schemas.ChannelOut)
def update_channel(
    channel_id: str, body: schemas.ChannelUpdate, db: DB, principal: CurrentPrincipal
):
    return service.update_channel(db, principal, channel_id, body)

"""HTTP routes of events: the outbox, webhook endpoints, deliveries and their replay."""

from __future__ import annotations

from fastapi import APIRouter, Query, Response

from omnicanal.api.deps import DB, CurrentPrincipal
from omnicanal.events import schemas, service

router = APIRouter(tags=["events"])


@router.get("/events", response_model=list[schemas.EventOut])
def list_events(
    db: DB,
    principal: CurrentPrincipal,
    type: str | None = Query(default=None, description="`order.placed` or `order.*`"),
    limit: int = Query(default=100, ge=1, le=service.MAX_LIST),
):
    return service.list_events(db, principal, type=type, limit=limit)


@router.get("/webhooks/endpoints", response_model=list[schemas.EndpointOut])
def list_endpoints(db: DB, principal: CurrentPrincipal):
    return service.list_endpoints(db, principal)


@router.post("/webhooks/endpoints", response_model=schemas.EndpointCreated, status_code=201)
def create_endpoint(body: schemas.EndpointCreate, db: DB, principal: CurrentPrincipal):
    return service.create_endpoint(db, principal, service.NewEndpoint(**body.model_dump()))


@router.get("/webhooks/endpoints/{endpoint_id}", response_model=schemas.EndpointOut)
def get_endpoint(endpoint_id: str, db: DB, principal: CurrentPrincipal):
    return service.get_endpoint(db, principal, endpoint_id)


@router.patch("/webhooks/endpoints/{endpoint_id}", response_model=schemas.EndpointOut)
def update_endpoint(
    endpoint_id: str, body: schemas.EndpointUpdate, db: DB, principal: CurrentPrincipal
):
    changes = service.EndpointChanges(**body.model_dump(exclude_unset=True))
    return service.update_endpoint(db, principal, endpoint_id, changes)


@router.delete("/webhooks/endpoints/{endpoint_id}", status_code=204, response_class=Response)
def delete_endpoint(endpoint_id: str, db: DB, principal: CurrentPrincipal) -> Response:
    service.delete_endpoint(db, principal, endpoint_id)
    return Response(status_code=204)


@router.get("/webhooks/deliveries", response_model=list[schemas.DeliveryOut])
def list_deliveries(
    db: DB,
    principal: CurrentPrincipal,
    status: schemas.DeliveryStatus | None = None,
    endpoint_id: str | None = None,
    limit: int = Query(default=100, ge=1, le=service.MAX_LIST),
):
    return service.list_deliveries(db, principal, status, endpoint_id, limit)


@router.post("/webhooks/deliveries/{delivery_id}/replay", response_model=schemas.DeliveryOut)
def replay_delivery(delivery_id: str, db: DB, principal: CurrentPrincipal):
    return service.replay_delivery(db, principal, delivery_id)

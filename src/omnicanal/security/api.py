"""HTTP routes for the caller's identity, API keys and users."""

from __future__ import annotations

from fastapi import APIRouter

from omnicanal.api.deps import DB, CurrentPrincipal
from omnicanal.security import schemas, service

router = APIRouter(tags=["security"])


@router.get("/me", response_model=schemas.Me)
def me(principal: CurrentPrincipal):
    return schemas.Me(
        kind=principal.kind,
        id=principal.id,
        name=principal.name,
        role=principal.role,
        permissions=sorted(p.value for p in principal.permissions),
        scope=principal.scope.describe(),
    )


@router.get("/api-keys", response_model=list[schemas.ApiKeyOut])
def list_api_keys(db: DB, principal: CurrentPrincipal):
    return service.list_api_keys(db, principal)


@router.post("/api-keys", response_model=schemas.ApiKeyIssued, status_code=201)
def create_api_key(body: schemas.ApiKeyCreate, db: DB, principal: CurrentPrincipal):
    issued = service.create_api_key(
        db,
        principal,
        service.NewApiKey(
            name=body.name,
            permissions=body.permissions,
            scope_entity_id=body.scope_entity_id,
            scope_location_ids=body.scope_location_ids,
        ),
    )
    out = schemas.ApiKeyOut.model_validate(issued.key).model_dump()
    return schemas.ApiKeyIssued(**out, token=issued.token)


@router.delete("/api-keys/{key_id}", response_model=schemas.ApiKeyOut)
def revoke_api_key(key_id: str, db: DB, principal: CurrentPrincipal):
    return service.revoke_api_key(db, principal, key_id)


@router.get("/users", response_model=list[schemas.UserOut])
def list_users(db: DB, principal: CurrentPrincipal):
    return service.list_users(db, principal)


@router.post("/users", response_model=schemas.UserOut, status_code=201)
def create_user(body: schemas.UserCreate, db: DB, principal: CurrentPrincipal):
    return service.create_user(
        db,
        principal,
        service.NewUser(
            email=body.email,
            display_name=body.display_name,
            password=body.password,
            role=body.role,
            scope_entity_id=body.scope_entity_id,
            scope_location_ids=body.scope_location_ids,
            locale=body.locale,
        ),
    )

"""Administration pages: read-only lists of API keys and back-office users."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse
from sqlalchemy.orm import Session

from omnicanal.network import service as network_service
from omnicanal.security import service as security_service
from omnicanal.security.permissions import Permission, Principal
from omnicanal.web.auth import requires
from omnicanal.web.templating import render

router = APIRouter(prefix="/admin")


def _scope_names(db: Session, principal: Principal) -> dict[str, dict[str, str]]:
    """Names of the entities and codes of the locations a scope column may mention."""
    if not principal.has(Permission.NETWORK_READ):
        return {"entities": {}, "locations": {}}
    return {
        "entities": {e.id: e.name for e in network_service.list_entities(db, principal)},
        "locations": {loc.id: loc.code for loc in network_service.list_locations(db, principal)},
    }


@router.get("/api-keys", response_class=HTMLResponse)
def api_keys_page(
    request: Request,
    principal: Annotated[Principal, Depends(requires(Permission.APIKEYS_MANAGE))],
) -> HTMLResponse:
    db = request.state.db
    context: dict[str, Any] = {
        "keys": security_service.list_api_keys(db, principal),
        "names": _scope_names(db, principal),
    }
    return render(request, "api_keys.html", context)


@router.get("/users", response_class=HTMLResponse)
def users_page(
    request: Request,
    principal: Annotated[Principal, Depends(requires(Permission.USERS_MANAGE))],
) -> HTMLResponse:
    db = request.state.db
    context: dict[str, Any] = {
        "users": security_service.list_users(db, principal),
        "names": _scope_names(db, principal),
    }
    return render(request, "users.html", context)

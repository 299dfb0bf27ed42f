"""FastAPI dependencies shared by every router: the request's session and its principal."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.orm import Session

from omnicanal.errors import Forbidden, Unauthenticated
from omnicanal.security import service as security_service
from omnicanal.security.permissions import Principal
from omnicanal.web import csrf

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}

_bearer = HTTPBearer(auto_error=False, description="An API key: `Authorization: Bearer oc_…`")


async def get_db(request: Request) -> Session:
    # async: no I/O here, and a sync dependency would cost a trip through the thread pool.
    return request.state.db  # type: ignore[no-any-return]


Credentials = Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]


def get_principal(request: Request, credentials: Credentials) -> Principal:
    """Who calls: an API key, or a signed-in user's session cookie. A sync dependency (it
    reads the database, so FastAPI runs it in the thread pool); a handler that runs its
    whole unit of work in one worker thread calls it there itself, with `Credentials`."""
    session: Session = request.state.db
    if credentials is not None:
        principal = security_service.principal_for_token(session, credentials.credentials)
        if principal is None:
            raise Unauthenticated("the API key is unknown or revoked")
        request.state.principal = principal
        return principal
    # A signed-in back-office user may call the API with the session cookie; a write then
    # needs the session's CSRF token in `X-CSRF-Token`, as a form would.
    user_id = request.session.get("user_id") if "session" in request.scope else None
    if user_id:
        principal = security_service.load_user_principal(session, user_id)
        if principal is not None:
            if request.method not in SAFE_METHODS and not csrf.is_valid(
                request.session, request.headers.get("x-csrf-token")
            ):
                raise Forbidden("a write with the session cookie needs the X-CSRF-Token header")
            request.state.principal = principal
            return principal
    raise Unauthenticated("send an API key as `Authorization: Bearer <key>`")


DB = Annotated[Session, Depends(get_db)]
CurrentPrincipal = Annotated[Principal, Depends(get_principal)]

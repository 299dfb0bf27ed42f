"""Who is signed in to the back-office: the session's user, loaded as a scoped principal."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlsplit

from fastapi import Request

from omnicanal.security import service as security_service
from omnicanal.security.permissions import Permission, Principal

USER_ID_KEY = "user_id"
USER_LOCALE_KEY = "user_locale"
LOCALE_KEY = "locale"
DEFAULT_NEXT = "/network"


class LoginRequired(Exception):
    """No valid user in the session: answered with a redirect to the login page."""

    def __init__(self, next_path: str) -> None:
        super().__init__(next_path)
        self.next_path = next_path


class PageForbidden(Exception):
    """The signed-in user lacks the permission of the page: answered with a 403 page."""


def safe_next(value: str | None, default: str = DEFAULT_NEXT) -> str:
    """`value` if it is a path on this site, else `default`: never an open redirect."""
    if not value or not value.startswith("/") or value.startswith("//"):
        return default
    if "\\" in value or any(ord(char) < 32 or ord(char) == 127 for char in value):
        return default
    parts = urlsplit(value)
    if parts.scheme or parts.netloc:
        return default
    return value


def _requested_path(request: Request) -> str:
    query = request.url.query
    return f"{request.url.path}?{query}" if query else request.url.path


def current_principal(request: Request) -> Principal:
    """Dependency of every signed-in page."""
    user_id = request.session.get(USER_ID_KEY)
    principal = None
    if isinstance(user_id, str):
        principal = security_service.load_user_principal(request.state.db, user_id)
    if principal is None:
        # A deactivated or deleted user loses the session on the next page.
        request.session.pop(USER_ID_KEY, None)
        raise LoginRequired(_requested_path(request))
    request.state.principal = principal
    return principal


def requires(permission: Permission) -> Callable[[Request], Principal]:
    """Dependency of a page reserved to the holders of `permission`."""

    def dependency(request: Request) -> Principal:
        principal = current_principal(request)
        if not principal.has(permission):
            raise PageForbidden
        return principal

    return dependency

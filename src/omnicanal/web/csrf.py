"""CSRF protection of the back-office forms: one random token per session, checked on POST."""

from __future__ import annotations

import hmac
import secrets
from collections.abc import MutableMapping
from typing import Annotated, Any

from fastapi import Form, Request

SESSION_KEY = "csrf_token"
FIELD_NAME = "csrf_token"


class CsrfRejected(Exception):
    """A form came without the session's token: answered with a 403 page."""


def session_token(session: MutableMapping[str, Any]) -> str:
    """The session's token, created on first use."""
    token = session.get(SESSION_KEY)
    if not isinstance(token, str) or not token:
        token = secrets.token_urlsafe(32)
        session[SESSION_KEY] = token
    return token


def rotate(session: MutableMapping[str, Any]) -> str:
    session.pop(SESSION_KEY, None)
    return session_token(session)


def is_valid(session: MutableMapping[str, Any], submitted: str | None) -> bool:
    expected = session.get(SESSION_KEY)
    if not isinstance(expected, str) or not expected or not submitted:
        return False
    return hmac.compare_digest(expected.encode(), submitted.encode())


def require_csrf(request: Request, csrf_token: Annotated[str, Form()] = "") -> None:
    """Dependency of every POST page route."""
    if not is_valid(request.session, csrf_token):
        raise CsrfRejected

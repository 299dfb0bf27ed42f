"""Messages shown once, on the next page: what became of a form that was posted and redirected.

A message is kept in the session as its English text (marked with `N_` where it is written)
and its parameters, and translated when shown, in the language of the page that shows it.
"""

from __future__ import annotations

from collections.abc import MutableMapping
from dataclasses import asdict, dataclass, field
from typing import Any

from fastapi import Request

SESSION_KEY = "flashes"
OK = "ok"
ERROR = "error"


@dataclass(frozen=True)
class Flash:
    text: str
    kind: str = OK
    params: dict[str, str] = field(default_factory=dict)
    href: str | None = None  # a page the message leads on to, with `link_text`
    link_text: str | None = None


def add(
    request: Request,
    text: str,
    *,
    kind: str = OK,
    href: str | None = None,
    link_text: str | None = None,
    **params: object,
) -> None:
    message = Flash(text, kind, {k: str(v) for k, v in params.items()}, href, link_text)
    queued = request.session.get(SESSION_KEY)
    request.session[SESSION_KEY] = [*(queued if isinstance(queued, list) else []), asdict(message)]


def error(request: Request, text: str, **params: object) -> None:
    add(request, text, kind=ERROR, **params)


def pop_all(session: MutableMapping[str, Any]) -> list[Flash]:
    """The messages waiting, removed from the session: each is shown once."""
    queued = session.pop(SESSION_KEY, None)
    if not isinstance(queued, list):
        return []
    messages = []
    for item in queued:
        try:
            messages.append(Flash(**item))
        except TypeError:  # a cookie from an older version: not worth an error page
            continue
    return messages

"""Translations of the back-office: the shared catalog (`omnicanal.i18n`, which says how to
refresh it), one locale per request.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from omnicanal.config import SUPPORTED_LOCALES
from omnicanal.i18n import N_, SOURCE_LOCALE, catalog_path, translations

__all__ = [
    "N_", "SOURCE_LOCALE", "catalog_path", "choose_locale", "current_locale", "gettext",
    "ngettext", "translations", "use_locale",
]  # fmt: skip

# The Jinja environment is shared by every request; its gettext reads the locale from here.
_current_locale: ContextVar[str] = ContextVar("omnicanal_web_locale", default=SOURCE_LOCALE)


def choose_locale(session_locale: object, user_locale: str | None, default: str) -> str:
    """The session's choice wins, then the user's preference, then the deployment's default."""
    for candidate in (session_locale, user_locale):
        if isinstance(candidate, str) and candidate in SUPPORTED_LOCALES:
            return candidate
    return default


@contextmanager
def use_locale(locale: str) -> Iterator[None]:
    token = _current_locale.set(locale)
    try:
        yield
    finally:
        _current_locale.reset(token)


def current_locale() -> str:
    return _current_locale.get()


def gettext(message: str) -> str:
    return translations(_current_locale.get()).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return translations(_current_locale.get()).ngettext(singular, plural, n)


_ = gettext

"""Translations of the back-office: Babel catalogs read at runtime, one locale per request.

Source strings are English. To refresh the catalogs after changing a page:

    .venv/bin/pybabel extract -F babel.cfg -o src/omnicanal/web/locales/messages.pot .
    .venv/bin/pybabel update -i src/omnicanal/web/locales/messages.pot \
        -d src/omnicanal/web/locales
"""

from __future__ import annotations

import gettext as gettext_module
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache
from io import BytesIO
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from omnicanal.config import SUPPORTED_LOCALES

LOCALES_DIR = Path(__file__).parent / "locales"
DOMAIN = "messages"
SOURCE_LOCALE = "en"

# The Jinja environment is shared by every request; its gettext reads the locale from here.
_current_locale: ContextVar[str] = ContextVar("omnicanal_web_locale", default=SOURCE_LOCALE)


def catalog_path(locale: str) -> Path:
    return LOCALES_DIR / locale / "LC_MESSAGES" / f"{DOMAIN}.po"


@cache
def translations(locale: str) -> gettext_module.NullTranslations:
    """The catalog of `locale`, compiled in memory from its .po file (no .mo to commit)."""
    path = catalog_path(locale)
    if locale == SOURCE_LOCALE or not path.exists():
        return gettext_module.NullTranslations()
    with path.open("rb") as po_file:
        catalog = read_po(po_file, locale=locale, domain=DOMAIN)
    buffer = BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return gettext_module.GNUTranslations(buffer)


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


def N_(message: str) -> str:
    """Marks a string for extraction; it is translated where it is shown."""
    return message

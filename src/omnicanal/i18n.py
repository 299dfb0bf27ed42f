"""The translations of every user-facing text: one Babel catalog, English source strings,
compiled in memory from its .po file. The back-office pages (`omnicanal.web.i18n`) and the
domains' explanations (`omnicanal.pricing.explain`) both read it, so translators keep one
workflow. To refresh the catalog after changing a marked string:

    .venv/bin/pybabel extract -F babel.cfg -w 100 --project omnicanal --version 0.1.0 \
        --copyright-holder "omnicanal contributors" -o src/omnicanal/web/locales/messages.pot .
    .venv/bin/pybabel update -w 100 -i src/omnicanal/web/locales/messages.pot \
        -d src/omnicanal/web/locales

babel.cfg names the files whose strings are extracted; a module outside the web that writes
words for people is added there.
"""

from __future__ import annotations

import gettext as gettext_module
from functools import cache
from io import BytesIO
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from omnicanal.config import SUPPORTED_LOCALES

# The catalog stayed where the back-office first put it: moving it would only move the
# translators' paths.
LOCALES_DIR = Path(__file__).parent / "web" / "locales"
DOMAIN = "messages"
SOURCE_LOCALE = "en"


def catalog_path(locale: str) -> Path:
    return LOCALES_DIR / locale / "LC_MESSAGES" / f"{DOMAIN}.po"


def language(locale: str | None) -> str:
    """The supported language of a locale tag (`fr`, `fr_FR`, `fr-CA` -> `fr`); English for
    anything else."""
    if locale:
        code = locale.replace("-", "_").split("_")[0].lower()
        if code in SUPPORTED_LOCALES:
            return code
    return SOURCE_LOCALE


@cache
def translations(locale: str) -> gettext_module.NullTranslations:
    """The catalog of `locale`, compiled in memory from its .po file (no .mo to commit). The
    source language, or one without a catalog, translates nothing."""
    path = catalog_path(locale)
    if locale == SOURCE_LOCALE or not path.exists():
        return gettext_module.NullTranslations()
    with path.open("rb") as po_file:
        catalog = read_po(po_file, locale=locale, domain=DOMAIN)
    buffer = BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return gettext_module.GNUTranslations(buffer)


def requested_language(lang: str | None, accept_language: str | None) -> str | None:
    """The language an API caller asks for: `?lang=`, else the first of Accept-Language; None
    without either (a caller that reads only the figures does not pay for sentences)."""
    wanted = lang or accept_language
    return language(wanted.split(",")[0].split(";")[0].strip()) if wanted else None


def N_(message: str) -> str:
    """Marks a string for extraction; it is translated where it is shown."""
    return message

"""A location's promise in words, French or English: "ready in 1 hour", "ready on Thursday 4
December at 10:00", "delivered on Friday 5 December"."""

from __future__ import annotations

from babel.dates import format_date, format_time

from omnicanal.i18n import translations
from omnicanal.inventory.availability import Promise


def promise_text(promise: Promise | None, lang: str) -> str | None:
    if promise is None:
        return None
    gettext = translations(lang).gettext
    ngettext = translations(lang).ngettext
    locale = "fr_FR" if lang == "fr" else "en_GB"
    if promise["kind"] == "ready_in":
        minutes = promise["minutes"]
        if minutes % 60 == 0:
            hours = minutes // 60
            return ngettext("ready in %(n)d hour", "ready in %(n)d hours", hours) % {"n": hours}
        return gettext("ready in %(n)d minutes") % {"n": minutes}
    if promise["kind"] == "ready_at":
        at = promise["at"]
        return gettext("ready on %(date)s at %(time)s") % {
            "date": format_date(at.date(), "EEEE d MMMM", locale=locale),
            "time": format_time(at.time(), "HH:mm", locale=locale),
        }
    return gettext("delivered on %(date)s") % {
        "date": format_date(promise["date"], "EEEE d MMMM", locale=locale)
    }

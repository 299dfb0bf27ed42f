"""Locale-aware display of dates, numbers, money, percentages, match weights, opening hours,
phones and texts given in both languages (Babel, no I/O)."""

from __future__ import annotations

import copy
from datetime import date, datetime, time
from decimal import Decimal
from typing import NamedTuple
from zoneinfo import ZoneInfo

import phonenumbers
from babel import Locale
from babel.dates import format_date, format_time, get_datetime_format, get_day_names
from babel.numbers import format_currency, format_decimal, get_currency_precision

from omnicanal.network.rules import DAYS
from omnicanal.web.i18n import current_locale

# The brand's stores are in France; times are shown in their zone, whatever the server's.
DISPLAY_TIMEZONE = ZoneInfo("Europe/Paris")
EN_DASH = "\u2013"


def number(value: int | float, locale: str | None = None) -> str:
    return format_decimal(value, locale=locale or current_locale())


def money(minor: int | None, currency: str | None = "EUR", locale: str | None = None) -> str:
    """An amount in minor units as the locale writes it: `1 234,50 €` / `€1,234.50`; nothing
    without an amount or a currency."""
    if minor is None or not currency:
        return ""
    value = Decimal(minor).scaleb(-get_currency_precision(currency))
    return format_currency(value, currency, locale=locale or current_locale())


def date_time(value: datetime | None, locale: str | None = None) -> str:
    """`25 nov. 2026, 14:53` / `Nov 25, 2026, 2:53 PM`: medium date, minutes without seconds."""
    if value is None:
        return ""
    locale = locale or current_locale()
    local = value.astimezone(DISPLAY_TIMEZONE)
    pattern = str(get_datetime_format("medium", locale=locale))
    return pattern.format(
        format_time(local, "short", locale=locale), format_date(local, "medium", locale=locale)
    )


def _clock(text: str, locale: str) -> str:
    hours, minutes = (int(part) for part in text.split(":"))
    if hours >= 24:  # "24:00" closes at midnight; datetime.time cannot hold it
        return text
    return format_time(time(hours, minutes), "short", locale=locale)


def _span(span: str, locale: str) -> str:
    start, _, end = span.partition("-")
    return f"{_clock(start, locale)}{EN_DASH}{_clock(end, locale)}"


class HoursLine(NamedTuple):
    days: str  # "lun.–ven."
    spans: list[str]  # ["09:30–12:30", "14:00–19:00"]

    def __str__(self) -> str:
        return f"{self.days} {', '.join(self.spans)}"


def opening_hours_lines(week: dict[str, list[str]], locale: str | None = None) -> list[HoursLine]:
    """`{"mo": ["09:30-19:00"], ..., "sa": [...]}` as lines `lun.–ven. 09:30–19:00`, `sam. …`.

    Consecutive days with the same spans share a line; closed days are left out.
    """
    locale = locale or current_locale()
    names = get_day_names("abbreviated", locale=locale)  # 0 is Monday, as in DAYS
    groups: list[tuple[int, int]] = []
    for index, day in enumerate(DAYS):
        if not week.get(day):
            continue
        if groups and groups[-1][1] == index - 1 and week[DAYS[groups[-1][0]]] == week[day]:
            groups[-1] = (groups[-1][0], index)
        else:
            groups.append((index, index))
    lines = []
    for first, last in groups:
        days = names[first] if first == last else f"{names[first]}{EN_DASH}{names[last]}"
        lines.append(HoursLine(days, [_span(span, locale) for span in week[DAYS[first]]]))
    return lines


def opening_hours(week: dict[str, list[str]], locale: str | None = None) -> str:
    return " · ".join(str(line) for line in opening_hours_lines(week, locale))


def phone(value: str | None) -> str:
    """An E.164 phone in the international format people read: +33 4 78 00 00 00."""
    if not value:
        return ""
    try:
        parsed = phonenumbers.parse(value, None)
    except phonenumbers.NumberParseException:
        return value
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def percent(value: float, locale: str | None = None) -> str:
    """A probability as `89,6 %` / `89.6%`: one decimal at most, the locale's own pattern."""
    parsed = Locale.parse(locale or current_locale())
    pattern = copy.copy(parsed.percent_formats[None])
    pattern.frac_prec = (0, 1)
    return pattern.apply(value, parsed)


def weight(value: float | None, locale: str | None = None) -> str:
    """A match weight with its sign, one decimal: `+3,1`, `-12,4`."""
    if value is None:
        return ""
    return format_decimal(value, "+#,##0.0;-#,##0.0", locale=locale or current_locale())


def weekday(index: int, locale: str | None = None) -> str:
    """A weekday's name, 0 being Monday: `lundi` / `Monday`."""
    return str(get_day_names("wide", locale=locale or current_locale())[int(index)])


def day(value: date | None, locale: str | None = None) -> str:
    """A date without time, as `14 mars 1985` / `Mar 14, 1985`."""
    if value is None:
        return ""
    return format_date(value, "medium", locale=locale or current_locale())


def localised(french: str | None, english: str | None, locale: str | None = None) -> str:
    """The English text on an English page when there is one, else the French."""
    if (locale or current_locale()) == "en" and english:
        return english
    return french or english or ""

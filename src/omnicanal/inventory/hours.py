"""Opening hours as instants: whether a location is open, when it next opens, and when work of
a given length done only while it is open is finished. Pure, no I/O.

The week is the network's (`{"mo": ["09:30-19:00"], ...}`), read in the location's time zone.
A span may cross midnight, written either as two spans meeting there (`fr 18:00-24:00`,
`sa 00:00-02:00`) or as one that closes before it opens (`fr 22:00-02:00`, closing on
Saturday). Spans that meet or overlap are one opening. Days are laid out in local time and
turned into UTC instants one local date at a time, so a change of clock (the last Sunday of
March or October) gives the day its true length.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from omnicanal.errors import InvalidInput

DAYS = ("mo", "tu", "we", "th", "fr", "sa", "su")
HORIZON_DAYS = 8  # a location closed for longer than a week has no next opening
_SPAN = re.compile(r"^(\d{1,2})[:h](\d{2})-(\d{1,2})[:h](\d{2})$")
_DAY = timedelta(days=1)


class InvalidHours(InvalidInput):
    code = "invalid_opening_hours"


def _minutes(hours: int, minutes: int, text: str, name: str) -> int:
    if not (0 <= hours <= 24 and 0 <= minutes < 60) or (hours == 24 and minutes):
        raise InvalidHours(f"{text!r} is not a time of day", field=name)
    return hours * 60 + minutes


def _span(text: str, name: str) -> tuple[int, int]:
    match = _SPAN.match(text.replace(" ", ""))
    if not match:
        raise InvalidHours(f"opening span {text!r} is not like 09:30-19:00", field=name)
    h1, m1, h2, m2 = (int(g) for g in match.groups())
    start, end = _minutes(h1, m1, text, name), _minutes(h2, m2, text, name)
    if start == 1440:
        raise InvalidHours(f"{text!r} opens at midnight: write 00:00 on the next day", field=name)
    if end == start:
        raise InvalidHours(f"{text!r} closes when it opens", field=name)
    return start, end if end > start else end + 1440  # closes the next day


@lru_cache(maxsize=65_536)  # locations share a few weeks and look at the same few dates
def _local_day(
    spans: tuple[tuple[int, int], ...], timezone: str, day: date
) -> tuple[tuple[datetime, datetime], ...]:
    midnight = datetime(day.year, day.month, day.day, tzinfo=ZoneInfo(timezone))
    # local wall-clock times, then UTC: an hour the clock skips or repeats gets its true instant
    return tuple(
        (
            (midnight + timedelta(minutes=start)).astimezone(UTC),
            (midnight + timedelta(minutes=end)).astimezone(UTC),
        )
        for start, end in spans
    )


@dataclass(frozen=True, slots=True)
class OpeningHours:
    week: Mapping[str, Sequence[str]]
    timezone: str = "Europe/Paris"
    # derived once: each weekday's spans in minutes from its midnight (the end may pass 1440)
    spans: tuple[tuple[tuple[int, int], ...], ...] = field(init=False, repr=False, compare=False)
    zone: ZoneInfo = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        try:
            object.__setattr__(self, "zone", ZoneInfo(self.timezone))
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise InvalidHours(f"unknown time zone {self.timezone!r}", field="timezone") from exc
        by_day: list[list[tuple[int, int]]] = [[] for _ in DAYS]
        for day, spans in self.week.items():
            key = day.strip().lower()
            if key not in DAYS:
                raise InvalidHours(f"unknown day {day!r}", field="opening_hours")
            if isinstance(spans, str):
                spans = spans.split(",")
            by_day[DAYS.index(key)].extend(_span(s, f"opening_hours.{key}") for s in spans)
        object.__setattr__(self, "spans", tuple(tuple(sorted(s)) for s in by_day))

    @property
    def ever_open(self) -> bool:
        return any(self.spans)

    def openings(self, at: datetime) -> Iterator[tuple[datetime, datetime]]:
        """The openings (UTC, merged) that end after `at`, in order, within the horizon."""
        at = at.astimezone(UTC)  # arithmetic on an aware local time would be wall-clock
        start = at.astimezone(self.zone).date() - _DAY  # yesterday's span may run past midnight
        pending: tuple[datetime, datetime] | None = None
        for offset in range(HORIZON_DAYS + 2):
            day = start + offset * _DAY
            spans = self.spans[day.weekday()]
            if not spans:
                continue
            for begin, end in _local_day(spans, self.timezone, day):
                if pending is not None and begin <= pending[1]:
                    pending = (pending[0], max(pending[1], end))
                    continue
                if pending is not None and pending[1] > at:
                    yield pending
                pending = (begin, end)
        if pending is not None and pending[1] > at:
            yield pending

    def is_open(self, at: datetime) -> bool:
        for begin, _ in self.openings(at):
            return begin <= at.astimezone(UTC)
        return False

    def next_opening(self, at: datetime) -> datetime | None:
        """`at` itself when open then, else the next instant it opens (None: not within the
        horizon)."""
        at = at.astimezone(UTC)
        for begin, _ in self.openings(at):
            return max(begin, at)
        return None

    def finished_after(self, at: datetime, minutes: int) -> datetime | None:
        """When `minutes` of work started at `at`, done only while open, are finished."""
        at = at.astimezone(UTC)
        left = timedelta(minutes=minutes)
        for begin, end in self.openings(at):
            begin = max(begin, at)
            if end - begin >= left:
                return begin + left
            left -= end - begin
        return None

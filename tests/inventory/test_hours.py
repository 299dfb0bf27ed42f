"""Opening hours as instants: open now, next opening and preparation time, across midnight,
lunch breaks, time zones and changes of clock."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from omnicanal.inventory import InvalidHours, OpeningHours

PARIS = ZoneInfo("Europe/Paris")
WEEKDAYS_10_19 = {d: ["10:00-19:00"] for d in ("mo", "tu", "we", "th", "fr", "sa")}


def paris(*args: int) -> datetime:
    return datetime(*args, tzinfo=PARIS)  # type: ignore[misc]


# Monday 2 March 2026 (winter: Paris is UTC+1)


@pytest.mark.parametrize(
    ("when", "open_"),
    [
        (paris(2026, 3, 2, 9, 59), False),
        (paris(2026, 3, 2, 10, 0), True),
        (paris(2026, 3, 2, 18, 59), True),
        (paris(2026, 3, 2, 19, 0), False),
        (paris(2026, 3, 8, 12, 0), False),
    ],
)
def test_a_store_is_open_from_its_opening_included_to_its_closing_excluded(
    when: datetime, open_: bool
) -> None:
    assert OpeningHours(WEEKDAYS_10_19).is_open(when.astimezone(UTC)) is open_


def test_the_next_opening_is_now_when_open_else_the_next_span_in_utc() -> None:
    hours = OpeningHours(WEEKDAYS_10_19)
    now = paris(2026, 3, 2, 11, 0)
    assert hours.next_opening(now) == now
    assert hours.next_opening(paris(2026, 3, 2, 19, 30)) == datetime(2026, 3, 3, 9, 0, tzinfo=UTC)
    # Saturday evening: closed on Sunday, opens on Monday
    assert hours.next_opening(paris(2026, 3, 7, 20, 0)) == paris(2026, 3, 9, 10, 0)


def test_a_span_closing_before_it_opens_runs_past_midnight() -> None:
    hours = OpeningHours({"fr": ["22:00-02:00"]})
    assert hours.is_open(paris(2026, 3, 6, 23, 30))
    assert hours.is_open(paris(2026, 3, 7, 1, 59))  # Saturday, on Friday's span
    assert not hours.is_open(paris(2026, 3, 7, 2, 0))
    assert not hours.is_open(paris(2026, 3, 5, 23, 0))  # Thursday: closed


def test_two_spans_meeting_at_midnight_are_one_opening() -> None:
    hours = OpeningHours({"fr": ["18:00-24:00"], "sa": ["00:00-03:00"]})
    [(begin, end), *_] = hours.openings(paris(2026, 3, 6, 23, 30))
    assert (begin, end) == (paris(2026, 3, 6, 18, 0), paris(2026, 3, 7, 3, 0))
    # an hour of work begun at 23:30 on Friday is done at 00:30 on Saturday, without a pause
    assert hours.finished_after(paris(2026, 3, 6, 23, 30), 60) == paris(2026, 3, 7, 0, 30)


def test_sunday_night_runs_into_monday_morning() -> None:
    hours = OpeningHours({"su": ["20:00-02:00"]})
    assert hours.is_open(paris(2026, 3, 9, 1, 0))
    assert hours.next_opening(paris(2026, 3, 9, 3, 0)) == paris(2026, 3, 15, 20, 0)


def test_preparation_pauses_over_lunch_and_overnight() -> None:
    hours = OpeningHours(
        {d: ["09:30-12:30", "14:00-19:00"] for d in ("tu", "we", "th", "fr", "sa")}
    )
    assert hours.finished_after(paris(2026, 3, 3, 12, 0), 60) == paris(2026, 3, 3, 14, 30)
    assert hours.finished_after(paris(2026, 3, 3, 18, 40), 60) == paris(2026, 3, 4, 10, 10)
    assert hours.finished_after(paris(2026, 3, 2, 11, 0), 60) == paris(
        2026, 3, 3, 10, 30
    )  # closed on Monday


@pytest.mark.parametrize(
    ("timezone", "open_"),
    [
        ("Europe/Paris", True),
        ("America/Montreal", False),
        ("Asia/Tokyo", False),
        ("Europe/London", True),
    ],
)
def test_hours_are_read_in_the_locations_time_zone(timezone: str, open_: bool) -> None:
    # 10:30 UTC: 11:30 in Paris, 05:30 in Montreal, 19:30 in Tokyo, 10:30 in London
    at = datetime(2026, 3, 2, 10, 30, tzinfo=UTC)
    assert OpeningHours(WEEKDAYS_10_19, timezone).is_open(at) is open_


def test_a_store_abroad_opens_at_its_own_local_time() -> None:
    montreal = ZoneInfo("America/Montreal")
    opening = OpeningHours(WEEKDAYS_10_19, "America/Montreal").next_opening(
        datetime(2026, 3, 2, 10, 30, tzinfo=UTC)
    )
    assert opening is not None and opening.astimezone(montreal) == datetime(
        2026, 3, 2, 10, 0, tzinfo=montreal
    )
    assert opening == datetime(2026, 3, 2, 15, 0, tzinfo=UTC)


def test_the_day_the_clocks_go_forward_has_23_hours() -> None:
    # Sunday 29 March 2026: 02:00 in Paris becomes 03:00
    hours = OpeningHours({d: ["00:00-24:00"] for d in ("sa", "su", "mo")})
    start = paris(2026, 3, 28, 12, 0)
    [(begin, end), *_] = hours.openings(start)
    assert (begin, end) == (paris(2026, 3, 28, 0, 0), paris(2026, 3, 31, 0, 0))
    assert end - begin == timedelta(hours=71)
    # a night span over the skipped hour lasts an hour less
    night = OpeningHours({"su": ["01:00-04:00"]})
    [(begin, end), *_] = night.openings(paris(2026, 3, 29, 0, 0))
    assert end - begin == timedelta(hours=2)


def test_the_day_the_clocks_go_back_has_25_hours() -> None:
    # Sunday 25 October 2026: 03:00 in Paris becomes 02:00 again
    hours = OpeningHours({"su": ["00:00-24:00"]})
    [(begin, end), *_] = hours.openings(paris(2026, 10, 25, 12, 0))
    assert end - begin == timedelta(hours=25)
    assert hours.finished_after(paris(2026, 10, 25, 1, 0), 180) == datetime(
        2026, 10, 25, 2, 0, tzinfo=UTC
    )


def test_a_store_never_open_has_no_next_opening() -> None:
    hours = OpeningHours({})
    at = paris(2026, 3, 2, 12, 0)
    assert (
        hours.ever_open,
        hours.is_open(at),
        hours.next_opening(at),
        hours.finished_after(at, 60),
    ) == (False, False, None, None)


def test_the_networks_week_is_read_and_a_days_spans_may_be_one_string() -> None:
    assert OpeningHours({"mo": "14:00-18:00,09:00-12:00"}).spans[0] == ((540, 720), (840, 1080))


@pytest.mark.parametrize(
    ("week", "timezone", "field"),
    [
        ({"mo": ["9-19"]}, "Europe/Paris", "opening_hours.mo"),
        ({"mo": ["25:00-26:00"]}, "Europe/Paris", "opening_hours.mo"),
        ({"mo": ["24:00-02:00"]}, "Europe/Paris", "opening_hours.mo"),
        ({"mo": ["10:00-10:00"]}, "Europe/Paris", "opening_hours.mo"),
        ({"monday": ["10:00-11:00"]}, "Europe/Paris", "opening_hours"),
        ({}, "Mars/Olympus", "timezone"),
    ],
)
def test_opening_hours_are_validated_naming_the_field(
    week: dict[str, list[str]], timezone: str, field: str
) -> None:
    with pytest.raises(InvalidHours) as error:
        OpeningHours(week, timezone)
    assert error.value.field == field

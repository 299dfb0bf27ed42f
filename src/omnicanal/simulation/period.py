"""The simulated period as seconds from its first Monday 00:00 UTC: ISO-8601 formatting, French
local time (CET/CEST), the seasonality of demand, store and call-center opening hours."""

from __future__ import annotations

from datetime import date, timedelta

DAY = 86_400.0
HOUR = 3_600.0
MINUTE = 60.0

# Demand by time of year, before normalisation: the French retail calendar (sales in January and
# July, Mother's Day, back to school, Black Friday, Christmas).
_SEASONS: list[tuple[tuple[int, int], tuple[int, int], float]] = [
    ((1, 1), (2, 4), 1.35),  # soldes d'hiver
    ((2, 5), (3, 15), 0.80),
    ((3, 16), (5, 10), 1.00),
    ((5, 11), (6, 1), 1.15),  # fête des mères
    ((6, 2), (6, 24), 1.00),
    ((6, 25), (7, 22), 1.30),  # soldes d'été
    ((7, 23), (8, 25), 0.75),
    ((8, 26), (9, 30), 1.10),  # rentrée
    ((10, 1), (11, 20), 0.95),
    ((11, 21), (12, 1), 1.60),  # Black Friday
    ((12, 2), (12, 24), 1.70),  # Noël
    ((12, 25), (12, 31), 1.00),
]


def _season_of(day: date) -> float:
    key = (day.month, day.day)
    for first, last, level in _SEASONS:
        if first <= key <= last:
            return level
    return 1.0


def _last_sunday(year: int, month: int) -> date:
    day = date(year, month + 1, 1) - timedelta(days=1) if month < 12 else date(year, 12, 31)
    return day - timedelta(days=(day.weekday() + 1) % 7)


def paris_offset_hours(day: date) -> int:
    """UTC offset of Paris on `day`: +2 from the last Sunday of March to the last of October."""
    return 2 if _last_sunday(day.year, 3) <= day < _last_sunday(day.year, 10) else 1


_HH_MM = [f"{m // 60:02d}:{m % 60:02d}:" for m in range(1440)]
_SS = [f"{s:02d}" for s in range(60)]


class Period:
    """`weeks` weeks from Monday `start`; `t` is seconds since `start` 00:00 UTC."""

    MARGIN_DAYS = 60  # formatting reaches past the end, for deadlines computed near it

    def __init__(self, start: date, weeks: int) -> None:
        self.start = start
        self.weeks = weeks
        self.days = weeks * 7
        self.end = self.days * DAY
        dates = [start + timedelta(days=d) for d in range(self.days + self.MARGIN_DAYS)]
        self._day = [d.isoformat() for d in dates]
        self._day_t = [f"{d}T" for d in self._day]
        self._offset = [paris_offset_hours(d) * HOUR for d in dates]
        self._weekday = [d.weekday() for d in dates]
        raw = [sum(_season_of(d) for d in dates[w * 7 : w * 7 + 7]) / 7 for w in range(weeks)]
        mean = sum(raw) / len(raw)
        self.season = [s / mean for s in raw]  # weekly demand level, mean 1 over the period
        self.season_cumulative: list[float] = []
        total = 0.0
        for level in self.season:
            total += level
            self.season_cumulative.append(total)

    def week_start(self, week: int) -> date:
        return self.start + timedelta(weeks=week)

    def iso(self, t: float) -> str:
        """`2025-03-14T09:23:45Z`."""
        s = int(t)
        d = s // 86_400
        s -= d * 86_400
        return self._day_t[d] + _HH_MM[s // 60] + _SS[s % 60] + "Z"

    def iso_ms(self, t: float) -> str:
        """`2025-03-14T09:23:45.123Z`, as Segment libraries stamp events."""
        ms = int(t * 1000)
        s = ms // 1000
        d = s // 86_400
        s -= d * 86_400
        return f"{self._day_t[d]}{_HH_MM[s // 60]}{_SS[s % 60]}.{ms % 1000:03d}Z"

    def day_of(self, t: float) -> str:
        return self._day[int(t // DAY)]

    def compact_day(self, t: float) -> str:
        return self._day[int(t // DAY)].replace("-", "")

    def local(self, t: float) -> tuple[int, int, float]:
        """(local day index, weekday 0=Monday, local hour as a float) of `t` in Paris."""
        d = int(t // DAY)
        local = t + self._offset[d]
        ld = int(local // DAY)
        return ld, self._weekday[ld], (local - ld * DAY) / HOUR

    def at_local(self, day: int, hour: float) -> float:
        """`t` of local `hour` (Paris) on day index `day`."""
        return day * DAY + hour * HOUR - self._offset[day]

    def weekday(self, day: int) -> int:
        return self._weekday[day]


# Opening windows in local hours, Monday=0. Stores: Tuesday to Saturday 10:00-19:00 and Monday
# afternoon, the hours most stores in network/locations.csv keep (Store carries no hours yet).
STORE_HOURS: dict[int, tuple[float, float]] = {
    0: (14.0, 19.0), 1: (10.0, 19.0), 2: (10.0, 19.0), 3: (10.0, 19.0), 4: (10.0, 19.0),
    5: (10.0, 19.0),
}  # fmt: skip
CALL_CENTER_HOURS: dict[int, tuple[float, float]] = {d: (8.0, 20.0) for d in range(6)}
AWAKE_HOURS: dict[int, tuple[float, float]] = {d: (7.0, 23.5) for d in range(7)}


def next_open(period: Period, t: float, hours: dict[int, tuple[float, float]]) -> float:
    """`t` itself when inside the opening windows `hours`, else the next opening time."""
    day, weekday, hour = period.local(t)
    window = hours.get(weekday)
    if window and window[0] <= hour < window[1]:
        return t
    if window and hour < window[0]:
        return period.at_local(day, window[0])
    for ahead in range(1, 8):
        window = hours.get(period.weekday(day + ahead))
        if window:
            return period.at_local(day + ahead, window[0])
    raise AssertionError("opening hours with no open day")


def is_open(period: Period, t: float, hours: dict[int, tuple[float, float]]) -> bool:
    _, weekday, hour = period.local(t)
    window = hours.get(weekday)
    return bool(window and window[0] <= hour < window[1])

"""One person's year under the causal model of `effects`: the exposures the plan and the
person's channels bring (search and social clicks, e-mails opened, pushes tapped, flyers, store
browsing, calls, marketplace visits), then the purchase decisions they and the baseline cause.
Pure: data in, data out; randomness comes in as a stream."""

from __future__ import annotations

import bisect
import math
import random
from dataclasses import dataclass, field

from omnicanal.simulation import ids
from omnicanal.simulation.effects import CHANNEL_INDEX, EFFECTS, baseline_per_day
from omnicanal.simulation.media import BOUGHT, Plan
from omnicanal.simulation.model import Person
from omnicanal.simulation.period import DAY, HOUR, MINUTE, STORE_HOURS, Period

# Local hours of web traffic (7:00-23:59), evenings heavier: running totals of the weights.
_WEB_HOURS = list(range(7, 24))
_WEB_WEIGHTS = [2, 3, 4, 4, 5, 5, 5, 4, 4, 4, 5, 6, 8, 9, 9, 7, 4]
_WEB_CUMULATIVE = [sum(_WEB_WEIGHTS[: i + 1]) for i in range(len(_WEB_WEIGHTS))]
_STORE_DAY_CUMULATIVE = [1, 3, 5, 7, 9.5, 13.5]  # Monday afternoon ... Saturday, the busiest
_CAMPAIGNS = {
    "paid_search": (("SEA-MARQUE", "google", "cpc"), ("SEA-GENERIQUE", "google", "cpc"),
                    ("SEA-MARQUE", "bing", "cpc")),
    "display": (("DISPLAY-RETARGETING", "criteo", "display"),
                ("DISPLAY-PROSPECTION", "google_display", "display")),
    "social": (("SOCIAL-COLLECTION", "instagram", "paid_social"),
               ("SOCIAL-COLLECTION", "facebook", "paid_social"),
               ("SOCIAL-TENDANCES", "tiktok", "paid_social")),
}  # fmt: skip
_CLICKS = {"paid_search": "search_click", "display": "display_click", "social": "social_click"}


@dataclass(slots=True)
class Touchpoint:
    """A moment of contact with the brand: an exposure with a causal effect, or a step of a
    purchase journey (no effect of its own)."""

    id: str
    channel: str  # effects.CHANNELS
    kind: str  # search_click, email_open, flyer, walk_in, research_visit ...
    t: float  # seconds from the period start
    surface: str  # where it shows: web, app, email, call, store, or "" (not observed)
    causal: bool
    beta: float = 0.0
    tau_days: float = 1.0
    store: str = ""
    campaign: tuple[str, str, str] | None = None  # (name, source, medium)
    product: int = -1  # product viewed or advertised
    clicked: bool = False  # e-mails: opened and clicked through to the web shop
    order: object | None = None  # the order placed in this session or call
    order_id: str = ""  # journey touchpoints: the order they are a step of
    observed_in: str = ""
    observed_ref: str = ""


@dataclass(slots=True)
class Decision:
    """A purchase decision drawn from the intensity: `trigger` None means the baseline."""

    t: float
    trigger: Touchpoint | None


@dataclass
class Life:
    person: Person
    exposures: list[Touchpoint]
    decisions: list[Decision]
    sequence: int = 0  # per-person counter for every id made for this person
    journey: list[Touchpoint] = field(default_factory=list)
    _terms: list[tuple[float, int, float, float]] | None = None

    def next_id(self) -> int:
        self.sequence += 1
        return self.sequence

    def touchpoint_id(self) -> str:
        return f"{self.person.id}-T{self.next_id():04d}"

    def intensity_terms(self) -> list[tuple[float, int, float, float]]:
        """(time in days, channel index, β, τ) of every causal exposure."""
        if self._terms is None:
            self._terms = [
                (tp.t / DAY, CHANNEL_INDEX[tp.channel], tp.beta, tp.tau_days)
                for tp in self.exposures
                if tp.beta > 0.0
            ]
        return self._terms


def poisson(rng: random.Random, mean: float) -> int:
    """Knuth's inversion: fine for the small means drawn here."""
    if mean <= 0.0:
        return 0
    if mean > 30.0:
        return max(0, round(rng.gauss(mean, math.sqrt(mean))))
    limit, k, p = math.exp(-mean), 0, rng.random()
    while p > limit:
        k += 1
        p *= rng.random()
    return k


def web_time(rng: random.Random, period: Period, day: int) -> float:
    hour = _WEB_HOURS[bisect.bisect_right(_WEB_CUMULATIVE, rng.random() * _WEB_CUMULATIVE[-1])]
    return period.at_local(day, hour + rng.random())


def store_time(rng: random.Random, period: Period, week: int) -> float:
    weekday = bisect.bisect_right(_STORE_DAY_CUMULATIVE, rng.random() * 13.5)
    opens, closes = STORE_HOURS[weekday]
    return period.at_local(week * 7 + weekday, rng.uniform(opens, closes - 0.25))


def _weekly_draws(rng: random.Random, cumulative: list[float], count: int) -> list[int]:
    total = cumulative[-1]
    return [bisect.bisect_right(cumulative, rng.random() * total) for _ in range(count)]


def _running(values: list[float]) -> list[float]:
    out, total = [], 0.0
    for v in values:
        total += v
        out.append(total)
    return out


class Exposer:
    """Draws exposures and decisions for persons of one chunk (caches the plan's running sums)."""

    def __init__(self, plan: Plan) -> None:
        self.plan = plan
        self.period = plan.period
        self.bought = {k: _running(plan.exposures_per_week[k]) for k in BOUGHT}
        self.emails = [c for c in plan.campaigns if c.channel == "email"]
        self.pushes = [c for c in plan.campaigns if c.channel == "push"]
        # store -> ((β, store code), [(coverage, day of the drop)] of its drop weeks)
        self.drops = {
            code: ((f.beta, code), [(c, w * 7 + d) for w, (c, d) in enumerate(weeks) if c])
            for code, f in plan.flyers.items()
            for weeks in [list(zip(f.coverage, f.drop_day, strict=True))]
        }

    def _add(self, life: Life, channel: str, kind: str, t: float, surface: str,
             campaign: tuple[str, str, str] | None = None, product: int = -1,
             store: str = "") -> Touchpoint:  # fmt: skip
        effect = EFFECTS[channel]
        tp = Touchpoint(life.touchpoint_id(), channel, kind, t, surface, True,
                        effect.incremental_orders_per_exposure, effect.decay_days, store,
                        campaign, product)  # fmt: skip
        life.exposures.append(tp)
        return tp

    def live(self, person: Person, rng: random.Random) -> Life:
        life = Life(person, [], [])
        self._bought(life, rng)
        self._messages(life, rng)
        self._flyers(life, rng)
        self._visits_and_calls(life, rng)
        end = self.period.end
        life.exposures = sorted((tp for tp in life.exposures if tp.t < end), key=lambda x: x.t)
        life.decisions = self._decisions(life, rng)
        return life

    def _bought(self, life: Life, rng: random.Random) -> None:
        period, plan = self.period, self.plan
        for channel in BOUGHT:
            cumulative = self.bought[channel]
            for week in _weekly_draws(rng, cumulative, poisson(rng, cumulative[-1])):
                t = web_time(rng, period, week * 7 + rng.randrange(7))
                campaign = rng.choice(_CAMPAIGNS[channel])
                self._add(life, channel, _CLICKS[channel], t, "web", campaign, plan.product(rng))

    def _messages(self, life: Life, rng: random.Random) -> None:
        person, plan = life.person, self.plan
        if ids.email_opt_in(person):
            engagement = 0.05 + 0.35 * rng.random() ** 2  # chance to open each campaign
            for c in self.emails:
                if rng.random() < engagement:
                    t = c.t + rng.expovariate(1 / (5 * HOUR))
                    tag = (c.id, "newsletter", "email")
                    tp = self._add(life, "email", "email_open", t, "email", tag, plan.product(rng))
                    tp.clicked = rng.random() < 0.2
        if ids.push_opt_in(person):
            engagement = 0.02 + 0.10 * rng.random() ** 2  # chance to tap each notification
            for c in self.pushes:
                if rng.random() < engagement:
                    t = c.t + rng.expovariate(1 / (40 * MINUTE))
                    tag = (c.id, "push", "push")
                    self._add(life, "push", "push_tap", t, "app", tag, plan.product(rng))

    def _flyers(self, life: Life, rng: random.Random) -> None:
        """Flyers of the home store's drops; a person who moves gets the new store's after."""
        person, moved = life.person, self.moved_at(life.person)
        if person.moved_home_store and person.moved_home_store != person.home_store:
            homes = [(person.home_store, 0.0, moved)]
            homes.append((person.moved_home_store, moved, self.period.end))
        else:  # no move, or a move within the same store's catchment: its flyers keep coming
            homes = [(person.home_store, 0.0, self.period.end)]
        for home, since, until in homes:
            self._drops(life, rng, home, since, until)

    def _drops(self, life: Life, rng: random.Random, home: str, since: float,
               until: float) -> None:  # fmt: skip
        drops = self.drops.get(home)
        if not drops:
            return
        period, tau, beta, store = self.period, EFFECTS["flyer"].decay_days, *drops[0]
        exposures, next_id = life.exposures, life.touchpoint_id
        for coverage, day in drops[1]:
            if since <= day * DAY < until and rng.random() < coverage:
                t = period.at_local(day + (rng.random() < 0.3), 9 + 8 * rng.random())
                exposures.append(Touchpoint(next_id(), "flyer", "flyer", t, "", True, beta, tau,
                                            store))  # fmt: skip

    def _visits_and_calls(self, life: Life, rng: random.Random) -> None:
        person, period, plan = life.person, self.period, self.plan
        visits = EFFECTS["store_visit"].exposures_per_person_year * period.weeks / 52
        for week in _weekly_draws(rng, period.season_cumulative, poisson(rng, visits)):
            t = store_time(rng, period, week)
            store = self.home_at(person, t)
            home = plan.stores.get(store)
            if home and home.nearby and rng.random() < 0.2:
                store = rng.choice(home.nearby)
            self._add(life, "store_visit", "store_browse", t, "store", store=store)
        if "call_center" in person.channels:
            calls = EFFECTS["call_center"].exposures_per_person_year * period.weeks / 52
            for _ in range(poisson(rng, calls)):
                day = rng.randrange(period.days)
                if period.weekday(day) == 6:
                    day -= 1
                t = period.at_local(day, rng.uniform(8.5, 19.5))
                self._add(life, "call_center", "info_call", t, "call")
        if "marketplace" in person.channels:
            visits = EFFECTS["marketplace"].exposures_per_person_year * period.weeks / 52
            for _ in range(poisson(rng, visits)):
                t = web_time(rng, period, rng.randrange(period.days))
                self._add(life, "marketplace", "marketplace_visit", t, "", None, plan.product(rng))

    def _decisions(self, life: Life, rng: random.Random) -> list[Decision]:
        period = self.period
        end = period.end
        decisions: list[Decision] = []
        person = life.person
        rate = baseline_per_day(person.propensity, 1.0) * 7  # per week at season 1
        count = poisson(rng, rate * period.season_cumulative[-1])
        for week in _weekly_draws(rng, period.season_cumulative, count):
            decisions.append(Decision((week * 7 + rng.random() * 7) * DAY, None))
        for tp in life.exposures:
            for _ in range(poisson(rng, tp.beta)):
                t = tp.t + rng.expovariate(1 / tp.tau_days) * DAY
                if t < end:
                    decisions.append(Decision(t, tp))
        decisions.sort(key=lambda d: d.t)
        return decisions

    def moved_at(self, person: Person) -> float:
        """When the person moved (seconds from the period start), or the period end."""
        if person.moved_on is None:
            return self.period.end
        return max(0.0, (person.moved_on - self.period.start).days * DAY)

    def home_at(self, person: Person, t: float) -> str:
        """The person's home store at `t`: the nearest to where they live then."""
        if person.moved_home_store and t >= self.moved_at(person):
            return person.moved_home_store
        return person.home_store

    def baseline_at(self, person: Person, t: float) -> float:
        """b·s(t) in decisions per day."""
        week = min(int(t // (7 * DAY)), self.period.weeks - 1)
        return baseline_per_day(person.propensity, self.period.season[week])

"""The brand's plan for the period, decided before anyone is simulated: weekly media spend,
e-mail and push campaigns, paper flyer drops per store with each store's true flyer effect,
promotions, and what every chunk needs to know about stores and products."""

from __future__ import annotations

import bisect
import math
import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from omnicanal.simulation import stock
from omnicanal.simulation.data.verbatims import EMAIL_SUBJECTS, PUSH_MESSAGES
from omnicanal.simulation.effects import EFFECTS, GROSS_MARGIN_RATE
from omnicanal.simulation.period import DAY, Period
from omnicanal.simulation.places import places_of
from omnicanal.simulation.world import World

BOUGHT = ("paid_search", "display", "social")  # exposures follow the weekly spend
EMAIL_COST_PER_SEND_CENTS = 0.2
EMAIL_AUDIENCE_SHARE = 0.45  # planning estimate of opted-in persons, for the e-mail spend
# Store flyer effects by class: share of stores and the range of their true ROI (gross margin
# of the incremental sales over the flyers' cost, minus 1); "none" stores' flyers do nothing.
FLYER_CLASSES = (("strong", 0.30, 5.0, 10.0), ("moderate", 0.30, 1.0, 3.0),
                 ("weak", 0.25, -0.85, -0.3), ("none", 0.15, -1.0, -1.0))  # fmt: skip
BASKET_LINES = (1, 1, 1, 1, 1, 1, 2, 2, 2, 3)  # lines per order, drawn uniformly
PROMOTED_CATEGORIES = ("Femme", "Homme", "Enfant", "Chaussures")


@dataclass(frozen=True)
class Campaign:
    id: str
    channel: str  # email | push
    t: float  # sent at, seconds from the period start
    name: str
    subject: str


@dataclass
class StoreFlyers:
    store_code: str
    effect_class: str
    beta: float  # incremental purchase decisions per flyer reaching a household
    cost_per_flyer_cents: float
    mailboxes: int  # letterboxes in the catchment (one simulated person each)
    coverage: list[float]  # per week: share of the catchment reached, 0 when no drop
    drop_day: list[int]  # per week: day of the week the drop starts (0 = Monday)

    def quantity(self, week: int) -> int:
        return int(round(self.coverage[week] * self.mailboxes, -1))


@dataclass
class StorePlan:
    code: str
    warehouse: str  # the warehouse that serves it (as in stock.py)
    nearby: tuple[str, ...]  # other stores, nearest first
    collect_at: str  # itself, or the nearest store offering click & collect
    return_at: str  # itself, or the nearest store taking returns
    ship_from: str | None  # nearest store (itself included) shipping web orders
    assortment: list[int]  # product indexes it carries
    cumulative: list[float]  # popularity running totals over `assortment`


@dataclass(frozen=True)
class Promotion:
    code: str
    name: str
    kind: str  # percent_off | amount_off
    value: int  # percent, or cents
    starts: float
    ends: float
    channels: tuple[str, ...]
    categories: tuple[str, ...]  # top-level categories it applies to; empty: every product
    coupon: str | None = None
    condition: str = ""  # first_order | loyalty_200_points | ""


@dataclass
class Plan:
    """Decided once for the brand: media plan, flyer drops, true effects."""

    period: Period
    persons: int
    exposures_per_week: dict[str, list[float]]  # bought channels: per person, per week
    spend_cents: dict[str, list[int]]  # per channel, per week
    campaigns: list[Campaign]
    flyers: dict[str, StoreFlyers]
    stores: dict[str, StorePlan]
    promotions: list[Promotion]
    product_cumulative: list[float]  # popularity running totals over world.products
    average_order_value_cents: float  # expected list-price value of an order
    store_codes: list[str] = field(default_factory=list)

    def product(self, rng: random.Random) -> int:
        cumulative = self.product_cumulative
        return bisect.bisect_right(cumulative, rng.random() * cumulative[-1])


def _distance(a: tuple[float, float], b: tuple[float, float]) -> float:
    dy = a[0] - b[0]
    dx = (a[1] - b[1]) * math.cos(math.radians((a[0] + b[0]) / 2))
    return math.hypot(dx, dy)


def _stores(world: World, popularity: list[float]) -> dict[str, StorePlan]:
    plans: dict[str, StorePlan] = {}
    for store in world.stores:
        here = (store.latitude, store.longitude)
        ranked = sorted(world.stores, key=lambda s: _distance(here, (s.latitude, s.longitude)))

        def nearest(capability: str, ranked: list = ranked) -> str | None:  # type: ignore[type-arg]
            return next((s.code for s in ranked if capability in s.capabilities), None)

        carried = stock.assortment(world, store.code)
        running, total = [], 0.0
        for index in carried:
            total += popularity[index]
            running.append(total)
        warehouse = (
            world.warehouses[0]
            if store.longitude > 3.0 or store.latitude < 46
            else world.warehouses[1]
        )
        plans[store.code] = StorePlan(
            code=store.code,
            warehouse=warehouse,
            nearby=tuple(s.code for s in ranked[1:5]),
            collect_at=nearest("click_and_collect") or store.code,
            return_at=nearest("returns") or store.code,
            ship_from=nearest("ship_from_store"),
            assortment=carried,
            cumulative=running,
        )
    return plans


def _weekly_levels(rng: random.Random, period: Period) -> list[float]:
    """A bought channel's weekly pressure: dark weeks, bursts, a little more in high season;
    mean 1 over the period, so that weeks differ enough for effects to be identifiable."""
    levels = [
        0.0 if rng.random() < 0.12 else rng.lognormvariate(0, 0.35) * (1 + 0.6 * (s - 1))
        for s in period.season
    ]
    mean = sum(levels) / len(levels)
    return [level / mean for level in levels]


def _campaigns(rng: random.Random, period: Period) -> list[Campaign]:
    campaigns: list[Campaign] = []
    for week in range(period.weeks):
        high = period.season[week] > 1.2
        if week % 2 == 0 or (high and rng.random() < 0.3):
            day = week * 7 + rng.choice((1, 3))  # Tuesday or Thursday, 10:00 in Paris
            subject = rng.choice(EMAIL_SUBJECTS)
            campaigns.append(Campaign(f"EM-{period.compact_day(day * DAY)}", "email",
                                      period.at_local(day, 10.0), f"Newsletter S{week + 1:02d}",
                                      subject))  # fmt: skip
        if rng.random() < (0.9 if high else 0.6):
            day = week * 7 + rng.choice((2, 5))  # Wednesday or Saturday, 18:00
            message = rng.choice(PUSH_MESSAGES)
            campaigns.append(Campaign(f"PU-{period.compact_day(day * DAY)}", "push",
                                      period.at_local(day, 18.0), f"Push S{week + 1:02d}",
                                      message))  # fmt: skip
    return sorted(campaigns, key=lambda c: c.t)


def _flyers(
    rng: random.Random, world: World, period: Period, order_value_cents: float
) -> dict[str, StoreFlyers]:
    codes = [s.code for s in world.stores]
    rng.shuffle(codes)
    classes: list[tuple[str, float, float]] = []
    for name, share, low, high in FLYER_CLASSES:
        classes += [(name, low, high)] * max(1, round(share * len(codes)))
    # Each simulated person is one letterbox: a catchment has as many as people.py puts there.
    running = places_of(tuple(world.stores)).cumulative
    weights = [b - a for a, b in zip([0.0, *running], running, strict=False)]
    share = {s.code: w / running[-1] for s, w in zip(world.stores, weights, strict=True)}
    flyers: dict[str, StoreFlyers] = {}
    for i, code in enumerate(codes):
        name, low, high = classes[i % len(classes)]
        cost = rng.uniform(9.0, 15.0)
        roi = rng.uniform(low, high)
        frequency = rng.choice((0.1, 0.15, 0.2))
        on = [rng.random() < min(0.9, frequency * (0.7 + 0.3 * s)) for s in period.season]
        while sum(on) < 6:  # every store has drops and weeks without: identifiable
            on[rng.choice([w for w, drop in enumerate(on) if not drop])] = True
        while on.count(False) < 6:
            on[rng.choice([w for w, drop in enumerate(on) if drop])] = False
        flyers[code] = StoreFlyers(
            store_code=code,
            effect_class=name,
            beta=cost * (1 + roi) / (order_value_cents * GROSS_MARGIN_RATE),
            cost_per_flyer_cents=cost,
            mailboxes=max(10, round(world.scale.persons * share[code])),
            coverage=[rng.uniform(0.5, 0.8) if drop else 0.0 for drop in on],  # no 'Stop Pub'
            drop_day=[rng.randrange(3) for _ in on],
        )
    return {code: flyers[code] for code in sorted(flyers)}


def _nth_weekday(year: int, month: int, weekday: int, n: int) -> date:
    first = date(year, month, 1)
    return first + timedelta(days=(weekday - first.weekday()) % 7 + 7 * (n - 1))


def _promotions(period: Period) -> list[Promotion]:
    def t(day: date, hour: float = 0.0) -> float:
        return period.at_local(min(max((day - period.start).days, 0), period.days), hour)

    everywhere = ("web", "app", "pos", "call_center", "marketplace")
    promotions: list[Promotion] = []
    for year in sorted({period.start.year, period.week_start(period.weeks - 1).year}):
        winter = _nth_weekday(year, 1, 2, 2)  # second Wednesday of January
        summer = _nth_weekday(year, 6, 2, 4)  # fourth Wednesday of June
        black_friday = _nth_weekday(year, 11, 4, 4)
        promotions += [
            Promotion(f"SOLDES-HIVER-{year}", "Soldes d'hiver -30 %", "percent_off", 30,
                      t(winter, 8), t(winter + timedelta(days=28)), everywhere,
                      PROMOTED_CATEGORIES),
            Promotion(f"SOLDES-ETE-{year}", "Soldes d'été -30 %", "percent_off", 30,
                      t(summer, 8), t(summer + timedelta(days=28)), everywhere,
                      PROMOTED_CATEGORIES),
            Promotion(f"BLACK-FRIDAY-{year}", "Black Friday -20 % sur le site et l'appli",
                      "percent_off", 20, t(black_friday), t(black_friday + timedelta(days=4)),
                      ("web", "app"), ()),
        ]  # fmt: skip
    promotions = [p for p in promotions if p.starts < p.ends and p.starts < period.end]
    promotions += [
        Promotion("BIENVENUE10", "Bienvenue : -10 % sur la première commande en ligne",
                  "percent_off", 10, 0.0, period.end, ("web", "app"), (), "BIENVENUE10",
                  "first_order"),
        Promotion("FIDELITE-10E", "Chèque fidélité 10 € (200 points)", "amount_off", 1000,
                  0.0, period.end, everywhere, (), None, "loyalty_200_points"),
    ]  # fmt: skip
    return promotions


def build_plan(world: World, rng: random.Random) -> Plan:
    period = Period(world.scale.start, world.scale.weeks)
    order = list(range(len(world.products)))
    rng.shuffle(order)
    popularity = [0.0] * len(order)
    for rank, index in enumerate(order):
        popularity[index] = 1.0 / (rank + 10)  # best sellers near 2 % of sales, a long tail
    cumulative, total = [], 0.0
    for weight in popularity:
        total += weight
        cumulative.append(total)
    mean_price = (
        sum(w * p.base_price_cents for w, p in zip(popularity, world.products, strict=True)) / total
    )
    mean_units = sum(BASKET_LINES) / len(BASKET_LINES) * 1.1  # one line in ten takes two

    exposures: dict[str, list[float]] = {}
    spend: dict[str, list[int]] = {}
    for channel in BOUGHT:
        effect = EFFECTS[channel]
        levels = _weekly_levels(rng, period)
        exposures[channel] = [effect.exposures_per_person_year * 7 / 365 * x for x in levels]
        spend[channel] = [
            round(world.scale.persons * rate * effect.cost_per_exposure_cents)
            for rate in exposures[channel]
        ]
    campaigns = _campaigns(rng, period)
    email_spend = [0] * period.weeks
    for c in campaigns:
        if c.channel == "email":
            email_spend[int(c.t // (7 * DAY))] += round(
                world.scale.persons * EMAIL_AUDIENCE_SHARE * EMAIL_COST_PER_SEND_CENTS
            )
    spend["email"] = email_spend
    flyers = _flyers(rng, world, period, mean_price * mean_units)
    spend["flyer"] = [
        round(sum(f.quantity(w) * f.cost_per_flyer_cents for f in flyers.values()))
        for w in range(period.weeks)
    ]
    return Plan(
        period=period,
        persons=world.scale.persons,
        exposures_per_week=exposures,
        spend_cents=spend,
        campaigns=campaigns,
        flyers=flyers,
        stores=_stores(world, popularity),
        promotions=_promotions(period),
        product_cumulative=cumulative,
        average_order_value_cents=mean_price * mean_units,
        store_codes=[s.code for s in world.stores],
    )

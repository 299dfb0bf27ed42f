"""From a purchase decision to an order: on which channel and in which store it is placed, when,
the touchpoints of its journey (research online before a store purchase, the visit or call in
which it is placed), its basket and its prices (promotions, welcome coupon, loyalty voucher)."""

from __future__ import annotations

import bisect
import random
from dataclasses import dataclass, field

from omnicanal.simulation import ids
from omnicanal.simulation.effects import contributions
from omnicanal.simulation.journeys import Decision, Exposer, Life, Touchpoint
from omnicanal.simulation.media import BASKET_LINES, Plan, Promotion, StorePlan
from omnicanal.simulation.period import (
    AWAKE_HOURS,
    CALL_CENTER_HOURS,
    DAY,
    HOUR,
    MINUTE,
    STORE_HOURS,
    is_open,
    next_open,
)
from omnicanal.simulation.world import World

ORDER_CHANNELS = ("web", "app", "pos", "call_center", "marketplace")
# Where a decision is placed, by what triggered it: weights over ORDER_CHANNELS, restricted to
# the channels where the person has an account (anyone can buy in a store).
CHANNEL_MIX: dict[str, tuple[float, ...]] = {
    "organic": (0.30, 0.12, 0.48, 0.04, 0.06),
    "paid_search": (0.65, 0.05, 0.28, 0.02, 0.0),
    "display": (0.55, 0.05, 0.38, 0.02, 0.0),
    "social": (0.50, 0.25, 0.25, 0.0, 0.0),
    "email": (0.55, 0.10, 0.32, 0.03, 0.0),
    "push": (0.10, 0.80, 0.10, 0.0, 0.0),
    "flyer": (0.12, 0.05, 0.80, 0.03, 0.0),
    "store_visit": (0.0, 0.0, 1.0, 0.0, 0.0),
    "call_center": (0.15, 0.0, 0.15, 0.70, 0.0),
    "marketplace": (0.05, 0.0, 0.0, 0.0, 0.95),
}
SAME_SESSION = 30 * MINUTE  # an order this soon after a click is placed in the same session
RESEARCH_SHARE = 0.30  # store purchases preceded by a look on the web shop or the app
SURFACE_OF = {"web": "web", "app": "app", "pos": "store", "call_center": "call",
              "marketplace": ""}  # fmt: skip
# Order numbers: the e-shop numbers web and app orders alike; a till receipt is named by its store.
_ORDER_IDS = {"web": ("MD", 101), "app": ("MD", 101), "pos": ("", 103), "call_center": ("CC", 107),
              "marketplace": ("MP", 109)}  # fmt: skip


@dataclass(slots=True)
class Line:
    number: int
    product: int
    quantity: int
    unit_cents: int
    discount_cents: int = 0  # promotions and the order's voucher share, for the whole line
    promotion: str = ""

    @property
    def paid_cents(self) -> int:
        return self.unit_cents * self.quantity - self.discount_cents


@dataclass(slots=True)
class Order:
    id: str
    channel: str  # ORDER_CHANNELS
    t: float  # placed at
    decision: Decision
    initiating: Touchpoint
    shares: list[float]  # true contribution of each channel (effects.CHANNELS order)
    store: str = ""  # the store of a till sale, or the pickup store
    lines: list[Line] = field(default_factory=list)
    shipping_cents: int = 0
    coupon: str = ""
    voucher_cents: int = 0  # loyalty voucher used
    ropo: bool = False  # a store purchase whose journey went through the web shop or the app
    session: Touchpoint | None = None  # the web/app session or the call it was placed in
    delivery: str = ""  # in_store | home_delivery | ship_from_store | click_and_collect
    location: str = ""  # where the goods leave from: the store, or a warehouse
    status: str = ""  # the last fulfilment status reached within the period
    received_at: float | None = None  # when the customer had the goods in hand
    card: str = ""  # loyalty card presented or linked to the account

    @property
    def merchandise_cents(self) -> int:
        return sum(line.paid_cents for line in self.lines)

    @property
    def total_cents(self) -> int:
        return self.merchandise_cents + self.shipping_cents


class Placer:
    """Places one chunk's decisions as orders (caches what the plan lets it precompute)."""

    def __init__(self, world: World, plan: Plan, exposer: Exposer) -> None:
        self.world = world
        self.plan = plan
        self.period = plan.period
        self.exposer = exposer
        self.carried = {code: set(s.assortment) for code, s in plan.stores.items()}
        self.categories = [p.category.split(" > ")[0] for p in world.products]
        self.fallback = plan.stores[plan.store_codes[0]]

    def home(self, life: Life, t: float) -> StorePlan:
        """The store nearest to where the person lives at `t`."""
        return self.plan.stores.get(self.exposer.home_at(life.person, t), self.fallback)

    def place(self, life: Life, decision: Decision, rng: random.Random) -> Order | None:
        person, period = life.person, self.period
        trigger = decision.trigger
        component = trigger.channel if trigger else "organic"
        channel = self._channel(person.channels, CHANNEL_MIX[component], rng)
        t, store = self._when_where(life, decision, channel, rng)
        if t >= period.end:
            return None
        terms = life.intensity_terms()
        baseline = self.exposer.baseline_at(person, decision.t)
        shares = contributions(baseline, terms, decision.t / DAY)
        prefix, salt = _ORDER_IDS[channel]
        number = ids.export_id(prefix, person, life.next_id(), salt)
        order_id = f"{store}-{number}" if channel == "pos" else number
        order = Order(order_id, channel, t, decision, trigger or _PLACEHOLDER, shares, store)
        self._journey(life, order, rng)
        return order

    @staticmethod
    def _channel(channels: tuple[str, ...], mix: tuple[float, ...], rng: random.Random) -> str:
        allowed = [
            w if (c == "pos" or c in channels) else 0.0
            for c, w in zip(ORDER_CHANNELS, mix, strict=True)
        ]
        total = sum(allowed)
        if total <= 0.0:
            return "pos"
        x = rng.random() * total
        for c, w in zip(ORDER_CHANNELS, allowed, strict=True):
            x -= w
            if x < 0.0:
                return c
        return "pos"

    def _when_where(
        self, life: Life, decision: Decision, channel: str, rng: random.Random
    ) -> tuple[float, str]:
        period, trigger, home = self.period, decision.trigger, self.home(life, decision.t)
        if channel == "pos":
            if trigger is not None and trigger.channel == "store_visit":
                if is_open(period, decision.t, STORE_HOURS):
                    return decision.t + rng.uniform(1, 6) * MINUTE, trigger.store
                return next_open(period, decision.t, STORE_HOURS) + rng.uniform(0, 3) * HOUR, (
                    trigger.store
                )
            if trigger is not None and trigger.channel == "flyer":
                store = trigger.store
            else:
                roll = rng.random()  # mostly the home store, else one of the next nearest
                store = home.code
                if roll >= 0.85 and home.nearby:
                    store = home.nearby[0 if roll < 0.95 else -1]
            wanted = decision.t + rng.expovariate(1 / (0.8 * DAY))
            t = next_open(period, wanted, STORE_HOURS)
            return (t if t == wanted else t + rng.uniform(0, 3) * HOUR), store
        hours = CALL_CENTER_HOURS if channel == "call_center" else AWAKE_HOURS
        t = next_open(period, decision.t, hours)
        if t != decision.t:
            t += rng.uniform(0, 2) * HOUR
        return t + rng.uniform(2, 20) * MINUTE, ""

    def _step(self, life: Life, order: Order, channel: str, kind: str, t: float, surface: str,
              store: str = "") -> Touchpoint:  # fmt: skip
        tp = Touchpoint(life.touchpoint_id(), channel, kind, max(t, 0.0), surface, False,
                        store=store, order_id=order.id)  # fmt: skip
        life.journey.append(tp)
        return tp

    def _journey(self, life: Life, order: Order, rng: random.Random) -> None:
        """The touchpoints between the decision and the order, and the initiating one: the
        exposure that triggered the decision, else the first step of an organic journey."""
        trigger, t, channel = order.decision.trigger, order.t, order.channel
        decided = order.decision.t
        first: Touchpoint | None = trigger
        if channel == "pos":
            online = trigger is not None and (trigger.surface in ("web", "app") or trigger.clicked)
            if not online and t - decided > 10 * MINUTE and rng.random() < RESEARCH_SHARE:
                at = decided + (t - decided) * rng.uniform(0.0, 0.5)
                where = "app" if "app" in life.person.channels and rng.random() < 0.4 else "web"
                research = self._step(life, order, "organic", "research_visit", at, where)
                research.product = self.plan.product(rng)
                online = True
                first = first or research
            if trigger is None or trigger.channel != "store_visit":
                at = t - rng.uniform(5, 30) * MINUTE
                walk_in = self._step(life, order, "store_visit", "walk_in", at, "store",
                                     order.store)  # fmt: skip
                first = first or walk_in
            order.ropo = online
        elif channel == "call_center":
            call = self._step(life, order, "call_center", "inbound_call",
                              t - rng.uniform(3, 12) * MINUTE, "call")  # fmt: skip
            order.session, first = call, first or call
        elif channel == "marketplace":
            if trigger is None or t - trigger.t > SAME_SESSION:
                visit = self._step(life, order, "marketplace", "marketplace_search",
                                   t - rng.uniform(2, 20) * MINUTE, "")  # fmt: skip
                first = first or visit
        else:
            surface = SURFACE_OF[channel]
            landed = trigger is not None and (
                trigger.surface == surface or (trigger.clicked and surface == "web")
            )
            if trigger is not None and landed and t - trigger.t < SAME_SESSION:
                order.session = trigger
            else:
                start = t - rng.uniform(3, 20) * MINUTE
                if trigger is not None:  # back later, after the exposure
                    kind = "return_visit"
                    start = max(start, trigger.t + min(MINUTE, (t - trigger.t) / 2))
                elif channel == "app":
                    kind = "app_open"
                else:
                    kind = "organic_search" if rng.random() < 0.45 else "direct_visit"
                session = self._step(life, order, "organic", kind, start, surface)
                order.session, first = session, first or session
        assert first is not None
        order.initiating = first
        if order.session is not None:
            order.session.order = order

    # -- basket and prices -------------------------------------------------------------------

    def basket(self, life: Life, order: Order, rng: random.Random) -> None:
        plan = self.plan
        store = plan.stores.get(order.store) if order.channel == "pos" else None
        wanted = [
            tp.product
            for tp in (order.decision.trigger, order.initiating)
            if tp is not None and tp.product >= 0
        ]
        chosen: list[int] = []
        for _ in range(rng.choice(BASKET_LINES)):
            if wanted:
                product = wanted.pop(0)
            elif store is not None:
                x = rng.random() * store.cumulative[-1]
                product = store.assortment[bisect.bisect_right(store.cumulative, x)]
            else:
                product = plan.product(rng)
            if store is not None and product not in self.carried[store.code]:
                continue  # not on this store's shelves: the customer buys something else
            if product not in chosen:
                chosen.append(product)
        if not chosen and store is not None:
            chosen.append(store.assortment[0])
        elif not chosen:
            chosen.append(plan.product(rng))
        order.lines = [
            Line(i + 1, p, 2 if rng.random() < 0.1 else 1, self.world.products[p].base_price_cents)
            for i, p in enumerate(chosen)
        ]

    def price(self, order: Order, first_online: bool, rng: random.Random) -> None:
        """Apply the best percent promotion per line, the welcome coupon on a first online
        order's lines that have none, and shipping."""
        active = [
            p
            for p in self.plan.promotions
            if p.kind == "percent_off" and p.starts <= order.t < p.ends
            and order.channel in p.channels
        ]  # fmt: skip
        for line in order.lines:
            best: Promotion | None = None
            for promotion in active:
                if promotion.coupon or (
                    promotion.categories
                    and self.categories[line.product] not in promotion.categories
                ):
                    continue
                if best is None or promotion.value > best.value:
                    best = promotion
            if best is not None:
                line.discount_cents = round(line.unit_cents * line.quantity * best.value / 100)
                line.promotion = best.code
        welcome = next((p for p in active if p.condition == "first_order"), None)
        if welcome and first_online and rng.random() < 0.5:
            order.coupon = welcome.code
            for line in order.lines:
                if not line.promotion:
                    amount = line.unit_cents * line.quantity
                    line.discount_cents = round(amount * welcome.value / 100)
                    line.promotion = welcome.code

    def apply_voucher(self, order: Order, cents: int) -> None:
        """Spread an amount off over the lines in proportion to what they cost (largest
        remainder), so that a returned line is refunded what was really paid for it."""
        base = order.merchandise_cents
        shares = [line.paid_cents * cents // base for line in order.lines]
        remainders = sorted(
            range(len(order.lines)),
            key=lambda i: -(order.lines[i].paid_cents * cents % base),
        )
        for i in remainders[: cents - sum(shares)]:
            shares[i] += 1
        for line, share in zip(order.lines, shares, strict=True):
            line.discount_cents += share
            if not line.promotion:
                line.promotion = "FIDELITE-10E"
        order.voucher_cents = cents


_PLACEHOLDER = Touchpoint("", "organic", "", 0.0, "", False)

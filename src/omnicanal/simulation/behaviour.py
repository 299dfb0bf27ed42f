"""Behaviour over the period: touchpoints, journeys, orders, returns, loyalty, feedback.

The plan (`media`) is decided once; each chunk of persons then lives the period under the
causal model of `effects` (`journeys` draws exposures and purchase decisions), places orders
(`orders`), fulfils and takes them back (`fulfilment`), and writes what every channel system
exports (`segment`, `exports`, `feedback`) with the truth beside it (`truth/orders.csv`,
`truth/touchpoints.csv`)."""

from __future__ import annotations

import random
from collections import Counter
from pathlib import Path

from omnicanal.simulation import exports, feedback, fulfilment, ids, segment, sink
from omnicanal.simulation.effects import CHANNELS
from omnicanal.simulation.exports import Exporter, location_of
from omnicanal.simulation.feedback import Voice
from omnicanal.simulation.fulfilment import Fulfiller
from omnicanal.simulation.journeys import Exposer, Life, Touchpoint
from omnicanal.simulation.media import Plan, build_plan
from omnicanal.simulation.model import Person
from omnicanal.simulation.orders import Order, Placer
from omnicanal.simulation.plan_files import write_plan as _write_plan
from omnicanal.simulation.segment import Tracker
from omnicanal.simulation.sink import Sink
from omnicanal.simulation.world import World
from omnicanal.simulation.writers import Outputs

__all__ = ["Plan", "build_plan", "simulate_chunk", "write_plan"]

TRUTH_TOUCHPOINTS = "truth/touchpoints.csv"
TOUCHPOINT_COLUMNS = ["touchpoint_id", "person_id", "channel", "kind", "occurred_at", "causal",
                      "store_code", "campaign", "product_sku", "order_id", "observed_in",
                      "observed_ref"]  # fmt: skip
TRUTH_ORDERS = "truth/orders.csv"
ORDER_COLUMNS = ["order_id", "order_file", "person_id", "channel", "location_code", "ordered_at",
                 "decided_at", "initiating_touchpoint_id", "initiating_channel",
                 "initiating_kind", "initiating_at", "triggering_component",
                 "triggering_touchpoint_id", "ropo", "delivery", "fulfilled_from", "total_cents",
                 *(f"contribution_{c}" for c in CHANNELS)]  # fmt: skip
ORDER_FILES = {"web": exports.WEB_ORDERS, "app": exports.WEB_ORDERS, "pos": exports.RECEIPTS,
               "call_center": exports.CALL_ORDERS,
               "marketplace": exports.MARKETPLACE_ORDERS}  # fmt: skip
SHIPPED = ("home_delivery", "ship_from_store")
LOYALTY_VOUCHER_POINTS, LOYALTY_VOUCHER_CENTS = 200, 1000
SHIPPING_CENTS, FREE_SHIPPING_FROM_CENTS = 490, 5000


def _at(tp: Touchpoint) -> float:
    return tp.t


def write_plan(out_dir: Path, world: World, plan: Plan) -> dict[str, int]:
    """Media spend, campaigns, flyer drops, promotions and the true effects (`plan_files`)."""
    return _write_plan(out_dir, world, plan)


class _Chunk:
    """What the persons of one chunk share; nothing outlives the chunk, so chunks are
    independent and each is the same for its (seed, chunk) whatever runs before it."""

    def __init__(self, world: World, plan: Plan, out: Outputs) -> None:
        self.world, self.plan, self.period = world, plan, plan.period
        self.sink = Sink(out)
        self.exposer = Exposer(plan)
        self.placer = Placer(world, plan, self.exposer)
        self.fulfiller = Fulfiller(plan, world.products, self.sink)
        self.exporter = Exporter(world.products, plan.period, self.sink)
        self.voice = Voice(plan.period, self.sink, self.exporter)
        self.skus = [p.sku for p in world.products]
        self.viewed: dict[int, dict[str, object]] = {}
        self.touchpoints = out.csv(TRUTH_TOUCHPOINTS, TOUCHPOINT_COLUMNS)
        self.orders = out.csv(TRUTH_ORDERS, ORDER_COLUMNS)
        for relative, columns in [
            (exports.RECEIPTS, exports.RECEIPT_COLUMNS),
            (exports.RECEIPT_LINES, exports.RECEIPT_LINE_COLUMNS),
            (exports.CALL_ORDERS, exports.CALL_ORDER_COLUMNS),
            (exports.MARKETPLACE_ORDERS, exports.MARKETPLACE_COLUMNS),
            (exports.CALLS, exports.CALL_COLUMNS),
            (exports.EMAIL_EVENTS, exports.EMAIL_EVENT_COLUMNS),
            (exports.LOYALTY, exports.LOYALTY_COLUMNS),
            (fulfilment.FULFILMENTS, fulfilment.FULFILMENT_COLUMNS),
            (fulfilment.RETURNS, fulfilment.RETURN_COLUMNS),
            (feedback.NPS, feedback.NPS_COLUMNS),
            (feedback.TICKETS, feedback.TICKET_COLUMNS),
            (sink.MOVEMENTS, sink.MOVEMENT_COLUMNS),
        ]:
            self.sink.declare(relative, columns)
        for relative in (segment.WEB, segment.APP, exports.WEB_ORDERS):
            self.sink.declare(relative)

    def person(self, person: Person, rng: random.Random) -> None:
        life = self.exposer.live(person, rng)
        card = ids.source_id(person, "loyalty") if "loyalty" in person.channels else ""
        points: list[tuple[float, int]] = []  # (when, points) of the card's transactions
        first_online = True
        orders: list[Order] = []
        for decision in life.decisions:
            order = self.placer.place(life, decision, rng)
            if order is None:
                continue
            self._order(life, order, card, points, first_online, rng)
            first_online = first_online and order.channel not in ("web", "app")
            orders.append(order)
        self._contacts(life, rng)
        self._truth(life, orders)

    def _order(self, life: Life, order: Order, card: str, points: list[tuple[float, int]],
               first_online: bool, rng: random.Random) -> None:  # fmt: skip
        placer, home = self.placer, self.placer.home(life, order.t)
        placer.basket(life, order, rng)
        self.fulfiller.choose_delivery(home, order, rng)
        if card and order.channel != "marketplace":
            shown = {"pos": 0.85, "call_center": 0.9}.get(order.channel, 1.0)
            order.card = card if rng.random() < shown else ""
        placer.price(order, first_online and order.channel in ("web", "app"), rng)
        where = location_of(order)
        balance = sum(p for t, p in points if t < order.t)
        if (
            order.card and balance >= LOYALTY_VOUCHER_POINTS
            and order.merchandise_cents >= 2 * LOYALTY_VOUCHER_CENTS and rng.random() < 0.6
        ):  # fmt: skip
            franchised = order.channel == "pos" and self.world.store(order.store).franchised
            if not (franchised and rng.random() < 0.4):  # some franchisees refuse the voucher
                placer.apply_voucher(order, LOYALTY_VOUCHER_CENTS)
                points.append((order.t, -LOYALTY_VOUCHER_POINTS))
                self.exporter.loyalty(life, card, "burn", -LOYALTY_VOUCHER_POINTS, order.t,
                                      where, order.channel, order.id)  # fmt: skip
        shipped = order.delivery in SHIPPED and order.channel != "marketplace"
        if shipped and order.merchandise_cents < FREE_SHIPPING_FROM_CENTS:
            order.shipping_cents = SHIPPING_CENTS
        if order.session is not None and order.session.surface == "call":
            minutes = (order.t - order.session.t) / 60 + rng.uniform(1, 4)
            self.exporter.call(life, order.session, "order", "order_placed", order.id, rng, minutes)
        self.fulfiller.fulfil(life, order, home, rng)
        self.exporter.order(life, order, rng)
        earned_at = order.received_at if order.delivery == "click_and_collect" else order.t
        earned = order.merchandise_cents // 100 if order.card and earned_at is not None else 0
        if earned and earned_at is not None:
            points.append((earned_at, earned))
            self.exporter.loyalty(life, card, "earn", earned, earned_at, where, order.channel,
                                  order.id)  # fmt: skip
        returned = self.fulfiller.returns(life, order, home, rng)
        for r in returned if earned else ():
            taken_back = -min(earned, r.refund_cents // 100)
            points.append((r.t, taken_back))
            channel = "store" if r.location in self.plan.stores else "post"
            self.exporter.loyalty(life, card, "reversal", taken_back, r.t, r.location, channel,
                                  r.id)  # fmt: skip
        pain = self.voice.tickets(life, order, returned, rng)
        self.voice.nps(life, order, returned, pain, rng)

    def _contacts(self, life: Life, rng: random.Random) -> None:
        """What the exposures and journey steps leave in the web, app, e-mail and call exports."""
        tracker: Tracker | None = None
        has_account = "web" in life.person.channels
        for tp in sorted(life.exposures + life.journey, key=_at):
            surface = tp.surface
            if surface in ("web", "app", "email") and tracker is None:
                tracker = Tracker(life.person, self.world.products, self.period, self.sink, rng,
                                  self.viewed)  # fmt: skip
            if surface == "web":
                assert tracker is not None
                tracker.web_session(tp, tp.t, has_account and rng.random() < 0.25)
            elif surface == "app":
                assert tracker is not None
                tracker.app_session(tp, tp.t)
            elif surface == "email":
                assert tracker is not None
                clicked = self.exporter.email(life, tp, rng)
                if clicked is not None:
                    observed = tp.observed_in, tp.observed_ref
                    tracker.web_session(tp, clicked, has_account and rng.random() < 0.6)
                    tp.observed_in, tp.observed_ref = observed
            elif surface == "call" and not tp.observed_in:
                self.exporter.call(life, tp, "information", "answered", tp.order_id, rng)

    def _truth(self, life: Life, orders: list[Order]) -> None:
        person_id, iso, skus = life.person.id, self.period.iso, self.skus
        write = self.touchpoints.write_values
        for tp in sorted(life.exposures + life.journey, key=_at):
            write([tp.id, person_id, tp.channel, tp.kind, iso(tp.t),
                   "true" if tp.causal else "false", tp.store,
                   tp.campaign[0] if tp.campaign else "", skus[tp.product] if tp.product >= 0
                   else "", tp.order_id, tp.observed_in, tp.observed_ref])  # fmt: skip
        person = life.person
        for o in orders:
            first, trigger = o.initiating, o.decision.trigger
            self.orders.write_values([
                o.id, ORDER_FILES[o.channel], person.id, o.channel, o.store, iso(o.t),
                iso(o.decision.t), first.id, first.channel, first.kind, iso(first.t),
                trigger.channel if trigger else "organic", trigger.id if trigger else "",
                "true" if o.ropo else "false", o.delivery, o.location, o.total_cents,
                *map(repr, o.shares)])  # fmt: skip


def simulate_chunk(
    world: World, plan: Plan, persons: list[Person], rng: random.Random, out: Outputs
) -> Counter[tuple[str, str]]:
    """Write the chunk's touchpoints, events, orders...; return stock changes by (location, sku)."""
    chunk = _Chunk(world, plan, out)
    for person in persons:
        chunk.person(person, rng)
    chunk.sink.flush()
    return chunk.sink.deltas

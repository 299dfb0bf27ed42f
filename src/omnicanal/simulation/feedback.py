"""The voice of the customer: after-sales tickets (delivery, defects, refunds, click & collect
mishaps, loyalty cards refused) and post-purchase NPS answers with French verbatims, worse
after a bad experience."""

from __future__ import annotations

import random

from omnicanal.simulation import ids
from omnicanal.simulation.data.verbatims import TICKET_SUBJECTS, VERBATIMS
from omnicanal.simulation.exports import Exporter, location_of
from omnicanal.simulation.fulfilment import Returned
from omnicanal.simulation.journeys import Life, Touchpoint
from omnicanal.simulation.orders import Order
from omnicanal.simulation.period import CALL_CENTER_HOURS, DAY, Period, next_open
from omnicanal.simulation.sink import Sink

NPS = "feedback/nps.csv"
NPS_COLUMNS = ["response_id", "survey", "answered_at", "channel", "location_code", "order_id",
               "respondent_email", "loyalty_card", "score", "verbatim"]  # fmt: skip
TICKETS = "feedback/tickets.csv"
TICKET_COLUMNS = ["ticket_id", "created_at", "channel", "customer_email", "customer_phone",
                  "order_id", "category", "subject", "status", "resolved_at",
                  "first_response_minutes"]  # fmt: skip
SURVEYED = {"web": 0.15, "app": 0.15, "call_center": 0.12, "pos": 0.08}
TICKET_CHANNELS = ("email", "email", "web_form", "phone", "phone", "store")


class Voice:
    def __init__(self, period: Period, sink: Sink, exporter: Exporter) -> None:
        self.period, self.sink, self.exporter = period, sink, exporter

    def tickets(self, life: Life, order: Order, returned: list[Returned],
                rng: random.Random) -> int:  # fmt: skip
        """Tickets an order gives rise to; returns how much they hurt the experience (0-5)."""
        reasons: list[tuple[str, float]] = []
        if order.status == "expired" and rng.random() < 0.3:
            reasons.append(("retrait_magasin", order.t + 8 * DAY))
        if order.delivery in ("home_delivery", "ship_from_store") and rng.random() < 0.04:
            reasons.append(("livraison", order.t + rng.uniform(3, 8) * DAY))
        for r in returned:
            if rng.random() < 0.15:
                category = rng.choice(("produit", "remboursement", "retour"))
                reasons.append((category, r.t + rng.uniform(0.5, 12) * DAY))
        if order.card and order.channel == "pos" and rng.random() < 0.02:
            reasons.append(("fidelite", order.t + rng.uniform(0.1, 5) * DAY))
        if order.channel in ("web", "app") and rng.random() < 0.01:
            reasons.append(("compte", order.t + rng.uniform(0.1, 20) * DAY))
        pain = 0
        for category, t in reasons:
            if t < self.period.end:
                self._ticket(life, order, category, t, rng)
                pain += 2
        return min(pain + (4 if order.status == "expired" else 0), 5)

    def _ticket(self, life: Life, order: Order, category: str, t: float,
                rng: random.Random) -> None:  # fmt: skip
        person, period = life.person, self.period
        channel = rng.choice(TICKET_CHANNELS)
        if channel == "phone":
            t = next_open(period, t, CALL_CENTER_HOURS)
            call = Touchpoint(life.touchpoint_id(), "call_center", "after_sales_call", t, "call",
                              False)  # fmt: skip
            life.journey.append(call)
            self.exporter.call(life, call, "after_sales", "ticket_created", order.id, rng)
        resolved = t + rng.expovariate(1 / (2 * DAY))
        status = "resolved" if resolved < period.end and rng.random() < 0.9 else (
            "closed" if resolved < period.end else "open")  # fmt: skip
        ticket_id = ids.export_id("SAV", person, life.next_id(), 139)
        known_order = order.id if rng.random() < 0.8 else None  # customers forget the number
        self.sink.row(TICKETS, TICKET_COLUMNS, t, [
            ticket_id, period.iso(t), channel, person.email if channel != "phone" else None,
            person.phone if channel in ("phone", "store") else None, known_order, category,
            rng.choice(TICKET_SUBJECTS[category]), status,
            period.iso(resolved) if status != "open" else None,
            int(rng.expovariate(1 / (6 * 60))) if channel != "phone" else 0])  # fmt: skip

    def nps(self, life: Life, order: Order, returned: list[Returned], pain: int,
            rng: random.Random) -> None:  # fmt: skip
        rate = SURVEYED.get(order.channel, 0.0)
        if order.channel == "pos" and not order.card:
            rate /= 2  # the survey link reaches fewer anonymous buyers
        if rng.random() >= rate:
            return
        after = order.received_at if order.received_at is not None else order.t + 8 * DAY
        t = after + rng.uniform(0.5, 4) * DAY
        if t >= self.period.end:
            return
        t = self.period.at_local(int(t // DAY), rng.uniform(8, 23))
        damaged = any(r.damaged for r in returned)
        score = round(rng.gauss(8.3, 1.7)) - pain - (1 if damaged and rng.random() < 0.5 else 0)
        score = max(0, min(10, score))
        sentiment = "promoter" if score >= 9 else "passive" if score >= 7 else "detractor"
        if returned and rng.random() < 0.5:
            topic = "returns"
        elif order.delivery == "click_and_collect":
            topic = "click_and_collect"
        else:
            topic = {"pos": "store", "call_center": "call_center"}.get(order.channel, order.channel)
        keep = rng.random() < (0.75 if sentiment == "detractor" else 0.5)
        verbatim = rng.choice(VERBATIMS[(sentiment, topic)]) if keep else None
        person = life.person
        email = person.email if order.channel != "pos" or rng.random() < 0.3 else None
        self.sink.row(NPS, NPS_COLUMNS, t, [
            ids.export_id("NPS", person, life.next_id(), 149), "post_purchase",
            self.period.iso(t), order.channel, location_of(order), order.id, email,
            order.card or None, score, verbatim])  # fmt: skip

"""Orders, calls, e-mail events and loyalty transactions in the shape each system exports them:
till receipts (a header file and a line file), the e-shop's orders (JSON Lines, web and app,
lines nested), the call-center tool's and the marketplace's flat files (one row per line)."""

from __future__ import annotations

import random
from typing import Any

from omnicanal.simulation import ids
from omnicanal.simulation.journeys import Life, Touchpoint
from omnicanal.simulation.model import Person, Product
from omnicanal.simulation.orders import Order
from omnicanal.simulation.period import DAY, MINUTE, Period
from omnicanal.simulation.sink import Sink

RECEIPTS = "orders/pos_receipts.csv"
RECEIPT_COLUMNS = ["receipt_id", "store_code", "till", "cashier", "occurred_at", "customer_id",
                   "loyalty_card", "item_count", "subtotal_cents", "discount_cents",
                   "total_cents", "currency", "payment_method"]  # fmt: skip
RECEIPT_LINES = "orders/pos_receipt_lines.csv"
RECEIPT_LINE_COLUMNS = ["receipt_id", "line_number", "sku", "gtin", "quantity",
                        "unit_price_cents", "discount_cents", "line_total_cents",
                        "promotion_code"]  # fmt: skip
WEB_ORDERS = "orders/web_orders.jsonl"
CALL_ORDERS = "orders/call_center_orders.csv"
CALL_ORDER_COLUMNS = ["order_id", "contact_id", "call_id", "ordered_at", "delivery_mode",
                      "pickup_store_code", "line_number", "sku", "gtin", "quantity",
                      "unit_price_cents", "discount_cents", "line_total_cents", "shipping_cents",
                      "order_total_cents", "currency", "payment_method"]  # fmt: skip
MARKETPLACE_ORDERS = "orders/marketplace_orders.csv"
MARKETPLACE_COLUMNS = ["marketplace_order_id", "seller_code", "ordered_at", "buyer_id",
                       "buyer_name", "shipping_postal_code", "shipping_city", "line_number",
                       "sku", "gtin", "quantity", "unit_price_cents", "discount_cents",
                       "line_total_cents", "commission_cents", "currency", "status"]  # fmt: skip
CALLS = "touchpoints/calls.csv"
CALL_COLUMNS = ["call_id", "started_at", "duration_s", "wait_s", "direction", "caller_number",
                "contact_id", "reason", "outcome", "order_id", "agent_id"]  # fmt: skip
EMAIL_EVENTS = "touchpoints/email_events.csv"
EMAIL_EVENT_COLUMNS = ["event_id", "campaign_id", "email", "event", "occurred_at", "url"]
LOYALTY = "loyalty/transactions.csv"
LOYALTY_COLUMNS = ["transaction_id", "card_number", "type", "points", "occurred_at",
                   "location_code", "channel", "reference"]  # fmt: skip
MARKETPLACE_COMMISSION = 0.15
PAYMENTS_IN_STORE = ("card", "card", "card", "contactless", "contactless", "cash", "gift_card")
PAYMENTS_ONLINE = ("card", "card", "card", "paypal", "apple_pay", "gift_card")
LOCATION_OF_CHANNEL = {"web": "WEB", "app": "APP", "call_center": "CALL"}


def _address(person: Person, order: Order, period: Period) -> tuple[str, str]:
    """Where the person lives when ordering: movers order to their new address once moved (in
    the second half of the period when the day of the move is not known)."""
    if person.moved_to:
        moved = (person.moved_on - period.start).days * DAY if person.moved_on else period.end / 2
        if order.t >= moved:
            return person.moved_to[1], person.moved_to[2]
    return person.postal_code, person.city


class Exporter:
    def __init__(self, products: list[Product], period: Period, sink: Sink) -> None:
        self.products, self.period, self.sink = products, period, sink

    def order(self, life: Life, order: Order, rng: random.Random) -> None:
        getattr(self, f"_{order.channel}")(life, order, rng)

    def _pos(self, life: Life, order: Order, rng: random.Random) -> None:
        person, at = life.person, self.period.iso(order.t)
        known = "pos" in person.channels and order.store == person.home_store
        customer = ids.source_id(person, "pos") if known and rng.random() < 0.7 else None
        lines = order.lines
        self.sink.row(RECEIPTS, RECEIPT_COLUMNS, order.t, [
            order.id, order.store, f"{rng.randint(1, 3):02d}", f"V{rng.randint(1, 9):02d}", at,
            customer, order.card or None, sum(x.quantity for x in lines),
            sum(x.unit_cents * x.quantity for x in lines),
            sum(x.discount_cents for x in lines), order.total_cents, "EUR",
            rng.choice(PAYMENTS_IN_STORE)])  # fmt: skip
        for x in lines:
            p = self.products[x.product]
            self.sink.row(RECEIPT_LINES, RECEIPT_LINE_COLUMNS, order.t, [
                order.id, x.number, p.sku, p.gtin, x.quantity, x.unit_cents, x.discount_cents,
                x.paid_cents, x.promotion or None])  # fmt: skip

    def _web(self, life: Life, order: Order, rng: random.Random) -> None:
        person = life.person
        postal_code, city = _address(person, order, self.period)
        account = ids.source_id(person, order.channel)
        self.sink.event(WEB_ORDERS, order.t, {
            "order_id": order.id, "channel": order.channel, "customer_id": account,
            "email": person.email, "placed_at": self.period.iso(order.t),
            "status": order.status, "currency": "EUR",
            "lines": [self._line(x) for x in order.lines],
            "subtotal_cents": sum(x.unit_cents * x.quantity for x in order.lines),
            "discount_cents": sum(x.discount_cents for x in order.lines),
            "shipping_cents": order.shipping_cents, "total_cents": order.total_cents,
            "coupon_code": order.coupon or None, "loyalty_card": order.card or None,
            "delivery": {"mode": order.delivery,
                         "pickup_store_code": order.store or None,
                         "address": {"postal_code": postal_code, "city": city, "country": "FR"}},
            "payment_method": rng.choice(PAYMENTS_ONLINE),
        })  # fmt: skip

    _app = _web

    def _line(self, x: Any) -> dict[str, Any]:
        p = self.products[x.product]
        return {"line_number": x.number, "sku": p.sku, "gtin": p.gtin, "name": p.name,
                "quantity": x.quantity, "unit_price_cents": x.unit_cents,
                "discount_cents": x.discount_cents, "total_cents": x.paid_cents,
                "promotion_code": x.promotion or None}  # fmt: skip

    def _call_center(self, life: Life, order: Order, rng: random.Random) -> None:
        person, at = life.person, self.period.iso(order.t)
        contact = ids.source_id(person, "call_center")
        call_id = order.session.observed_ref if order.session else ""
        payment = rng.choice(PAYMENTS_ONLINE[:3])
        for x in order.lines:
            p = self.products[x.product]
            self.sink.row(CALL_ORDERS, CALL_ORDER_COLUMNS, order.t, [
                order.id, contact, call_id, at, order.delivery, order.store or None, x.number,
                p.sku, p.gtin, x.quantity, x.unit_cents, x.discount_cents, x.paid_cents,
                order.shipping_cents, order.total_cents, "EUR", payment])  # fmt: skip

    def _marketplace(self, life: Life, order: Order, rng: random.Random) -> None:
        person, at = life.person, self.period.iso(order.t)
        postal_code, city = _address(person, order, self.period)
        name = f"{person.first_name} {person.last_name}"
        name = name.upper() if rng.random() < 0.3 else name
        buyer = ids.source_id(person, "marketplace")
        for x in order.lines:
            p = self.products[x.product]
            self.sink.row(MARKETPLACE_ORDERS, MARKETPLACE_COLUMNS, order.t, [
                order.id, "HQ", at, buyer, name, postal_code, city, x.number, p.sku, p.gtin,
                x.quantity, x.unit_cents, x.discount_cents, x.paid_cents,
                round(x.paid_cents * MARKETPLACE_COMMISSION), "EUR", order.status])  # fmt: skip

    # -- contacts ----------------------------------------------------------------------------

    def call(self, life: Life, tp: Touchpoint, reason: str, outcome: str, order_id: str,
             rng: random.Random, minutes: float | None = None) -> str:  # fmt: skip
        """A row of the telephony export; returns the call id."""
        person = life.person
        call_id = ids.export_id("APL", person, life.next_id(), 127)
        roll = rng.random()
        number: str | None = person.phone  # mobile; the household landline; or withheld
        if roll >= 0.8:
            number = (person.landline or person.phone) if roll < 0.95 else None
        known = "call_center" in person.channels and rng.random() < 0.9
        duration = (minutes if minutes is not None else rng.uniform(2, 9)) * MINUTE
        self.sink.row(CALLS, CALL_COLUMNS, tp.t, [
            call_id, self.period.iso(tp.t), int(duration), int(rng.expovariate(1 / 90)),
            "inbound", number, ids.source_id(person, "call_center") if known else None,
            reason, outcome, order_id or None, f"AG{rng.randint(1, 40):03d}"])  # fmt: skip
        tp.observed_in, tp.observed_ref = CALLS, call_id
        return call_id

    def email(self, life: Life, tp: Touchpoint, rng: random.Random) -> float | None:
        """The opening (and click) of a campaign e-mail; returns when the click landed."""
        assert tp.campaign is not None
        campaign, person = tp.campaign[0], life.person
        event_id = ids.export_id("EV", person, life.next_id(), 131)
        self.sink.row(EMAIL_EVENTS, EMAIL_EVENT_COLUMNS, tp.t, [
            event_id, campaign, person.email, "open", self.period.iso(tp.t), None])  # fmt: skip
        tp.observed_in, tp.observed_ref = EMAIL_EVENTS, event_id
        if not tp.clicked:
            return None
        clicked = tp.t + rng.uniform(0.5, 3) * MINUTE
        if tp.order is not None:  # the order is placed in the visit the click opens
            clicked = min(clicked, tp.order.t - MINUTE)  # type: ignore[attr-defined]
        url = f"https://www.maisondemo.fr/?utm_source=newsletter&utm_medium=email&utm_campaign={campaign}"
        self.sink.row(EMAIL_EVENTS, EMAIL_EVENT_COLUMNS, clicked, [
            ids.export_id("EV", person, life.next_id(), 131), campaign, person.email, "click",
            self.period.iso(clicked), url])  # fmt: skip
        return clicked

    def loyalty(self, life: Life, card: str, kind: str, points: int, t: float, location: str,
                channel: str, reference: str) -> None:  # fmt: skip
        if t >= self.period.end or points == 0:
            return
        self.sink.row(LOYALTY, LOYALTY_COLUMNS, t, [
            ids.export_id("FID", life.person, life.next_id(), 137), card, kind, points,
            self.period.iso(t), location, channel, reference])  # fmt: skip


def location_of(order: Order) -> str:
    return order.store if order.channel == "pos" else LOCATION_OF_CHANNEL.get(order.channel, "")

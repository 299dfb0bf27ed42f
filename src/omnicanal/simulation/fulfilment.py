"""What happens to an order once placed: home delivery from a warehouse or shipped from a store,
click & collect (ready, collected or expired and refunded), till sales; then returns anywhere
(web orders returned in stores or by post, some damaged). Every unit that leaves or re-enters a
location's stock is a row of stock/movements.csv."""

from __future__ import annotations

import random
from dataclasses import dataclass

from omnicanal.simulation import ids
from omnicanal.simulation.data.verbatims import RETURN_REASONS
from omnicanal.simulation.journeys import Life
from omnicanal.simulation.media import Plan, StorePlan
from omnicanal.simulation.model import Product
from omnicanal.simulation.orders import Line, Order
from omnicanal.simulation.period import DAY, HOUR, MINUTE, STORE_HOURS, next_open
from omnicanal.simulation.sink import Sink

FULFILMENTS = "orders/fulfilments.csv"
FULFILMENT_COLUMNS = ["fulfilment_id", "order_id", "order_channel", "type", "location_code",
                      "status", "occurred_at", "refund_cents"]  # fmt: skip
RETURNS = "orders/returns.csv"
RETURN_COLUMNS = ["return_id", "order_id", "order_channel", "line_number", "sku", "gtin",
                  "quantity", "returned_at", "location_code", "return_channel", "condition",
                  "restocked", "refund_cents", "refund_method", "reason"]  # fmt: skip
WAREHOUSE_HOURS = {d: (5.0, 22.0) for d in range(6)}
COLLECT_WITHIN = 7 * DAY  # click & collect orders not collected within a week expire
RETURN_RATE = {"web": 0.22, "app": 0.22, "call_center": 0.18, "marketplace": 0.10, "pos": 0.05}
CATEGORY_RETURNS = {"Accessoires": 0.4, "Maison": 0.4, "Chaussures": 1.1}


@dataclass(slots=True)
class Returned:
    id: str
    line: Line
    quantity: int
    t: float
    location: str
    refund_cents: int
    damaged: bool


class Fulfiller:
    def __init__(self, plan: Plan, products: list[Product], sink: Sink) -> None:
        self.plan, self.period, self.products, self.sink = plan, plan.period, products, sink
        self.carried = {code: set(s.assortment) for code, s in plan.stores.items()}

    def choose_delivery(self, home: StorePlan, order: Order, rng: random.Random) -> None:
        if order.channel == "pos":
            order.delivery, order.location = "in_store", order.store
        elif order.channel != "marketplace" and rng.random() < 0.3:
            order.delivery, order.store = "click_and_collect", home.collect_at
            order.location = home.collect_at
        elif (
            order.channel != "marketplace" and home.ship_from and rng.random() < 0.15
            and all(x.product in self.carried[home.ship_from] for x in order.lines)
        ):  # fmt: skip
            order.delivery, order.location = "ship_from_store", home.ship_from
        else:
            order.delivery, order.location = "home_delivery", home.warehouse

    def _status(self, life: Life, order: Order, kind: str, location: str, status: str,
                t: float, refund: int | None = None) -> bool:  # fmt: skip
        """A fulfilment event; False (and nothing written) past the period end."""
        if t >= self.period.end:
            return False
        fulfilment_id = f"FUL-{order.id}"
        self.sink.row(FULFILMENTS, FULFILMENT_COLUMNS, t, [
            fulfilment_id, order.id, order.channel, kind, location, status,
            self.period.iso(t), refund])  # fmt: skip
        order.status = status
        return True

    def _move(self, location: str, line: Line, sign: int, reason: str, reference: str,
              t: float, quantity: int | None = None) -> None:  # fmt: skip
        if t < self.period.end:
            q = sign * (line.quantity if quantity is None else quantity)
            sku = self.products[line.product].sku
            movement_id = f"{reference}:{reason}:{line.number}"
            self.sink.movement(movement_id, location, sku, q, reason, reference, t,
                               self.period.iso(t))  # fmt: skip

    def fulfil(self, life: Life, order: Order, home: StorePlan, rng: random.Random) -> None:
        period = self.period
        if order.delivery == "in_store":
            for line in order.lines:
                self._move(order.store, line, -1, "sale", order.id, order.t)
            order.status, order.received_at = "completed", order.t
        elif order.delivery == "click_and_collect":
            self._click_and_collect(life, order, home, rng)
        else:
            from_store = order.delivery == "ship_from_store"
            hours = STORE_HOURS if from_store else WAREHOUSE_HOURS
            shipped = next_open(period, order.t + rng.uniform(1, 20) * HOUR, hours)
            reason = "ship_from_store" if from_store else "shipment"
            if self._status(life, order, order.delivery, order.location, "shipped", shipped):
                for line in order.lines:
                    self._move(order.location, line, -1, reason, order.id, shipped)
                delivered = shipped + rng.uniform(1, 3) * DAY
                if self._status(life, order, order.delivery, order.location, "delivered",
                                delivered):  # fmt: skip
                    order.received_at = delivered
            elif order.status == "":
                order.status = "placed"

    def _click_and_collect(self, life: Life, order: Order, home: StorePlan,
                           rng: random.Random) -> None:  # fmt: skip
        period, store = self.period, order.store
        on_shelf = [x for x in order.lines if x.product in self.carried.get(store, ())]
        shipped = [x for x in order.lines if x.product not in self.carried.get(store, ())]
        soon = order.t + rng.uniform(20, 60) * MINUTE if not shipped else order.t + rng.uniform(
            1.5, 3) * DAY  # fmt: skip
        ready = next_open(period, soon, STORE_HOURS)
        dispatched = order.t + rng.uniform(2, 12) * HOUR
        for line in shipped:  # sent from the warehouse to the pickup store
            self._move(home.warehouse, line, -1, "click_and_collect", order.id, dispatched)
        order.status = "placed"
        if not self._status(life, order, "click_and_collect", store, "ready", ready):
            return
        collected = next_open(period, ready + rng.expovariate(1 / (1.5 * DAY)), STORE_HOURS)
        if rng.random() < 0.9 and collected < ready + COLLECT_WITHIN:
            if self._status(life, order, "click_and_collect", store, "collected", collected):
                for line in on_shelf:
                    self._move(store, line, -1, "click_and_collect", order.id, collected)
                order.received_at = collected
            return
        expired = ready + COLLECT_WITHIN
        if self._status(life, order, "click_and_collect", store, "expired", expired,
                        order.total_cents):  # fmt: skip
            for line in shipped:  # goes back to the warehouse
                self._move(home.warehouse, line, +1, "click_and_collect_expired", order.id,
                           expired + 2 * DAY)  # fmt: skip

    def returns(self, life: Life, order: Order, home: StorePlan,
                rng: random.Random) -> list[Returned]:  # fmt: skip
        if order.received_at is None:
            return []
        period, done = self.period, []
        rate = RETURN_RATE[order.channel]
        for line in order.lines:
            category = self.products[line.product].category.split(" > ")[0]
            if rng.random() >= rate * CATEGORY_RETURNS.get(category, 1.0):
                continue
            quantity = line.quantity if rng.random() < 0.7 else 1
            t = order.received_at + rng.uniform(1, 25) * DAY
            if order.channel == "pos":  # back to the store, or the nearest taking returns
                where, channel = self.plan.stores[order.store].return_at, "store"
            elif order.channel != "marketplace" and rng.random() < (
                0.7 if order.delivery == "click_and_collect" else 0.55
            ):
                where, channel = home.return_at, "store"
            else:
                where, channel, t = home.warehouse, "post", t + 3 * DAY
            if channel == "store":
                t = next_open(period, t, STORE_HOURS) + rng.uniform(0, 2) * HOUR
            if t >= period.end:
                continue
            damaged = rng.random() < 0.12
            refund = round(line.paid_cents * quantity / line.quantity)
            return_id = ids.export_id("RT", life.person, life.next_id(), 113)
            reason = "article défectueux" if damaged and rng.random() < 0.6 else rng.choice(
                RETURN_REASONS)  # fmt: skip
            method = "original_payment" if channel == "post" or rng.random() < 0.7 else (
                "store_credit")  # fmt: skip
            product = self.products[line.product]
            self.sink.row(RETURNS, RETURN_COLUMNS, t, [
                return_id, order.id, order.channel, line.number, product.sku, product.gtin,
                quantity, period.iso(t), where, channel, "damaged" if damaged else "resaleable",
                "false" if damaged else "true", refund, method, reason])  # fmt: skip
            if not damaged:
                self._move(where, line, +1, "return", return_id, t, quantity)
            done.append(Returned(return_id, line, quantity, t, where, refund, damaged))
        return done

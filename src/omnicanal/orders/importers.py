"""Order history from channel systems: `omnicanal import orders | fulfilments | returns FILE`.

What the files record already happened: prices as charged (not priced again), statuses as
reported, no promotion counted again and no stock held or moved (the locations' own stock
feeds carry the units). Each record is taken once: an order by (channel, its system's order
number), a fulfilment step by (order, fulfilment reference, status), a return by its id — a file
imported twice changes nothing the second time.

- orders: one row per order with its `lines` (JSON Lines), or one row per line (CSV), the
  rows of one order one after another, or a header file with a separate line file (`--lines`,
  till receipts). Fields: `order_id` (the system's number), `channel`, `location` (the till's
  store), `placed_at`, `status`, `fulfilment` (home_delivery, ship_from_store,
  click_and_collect, in_store; in_store when a store is named and nothing else),
  `pickup_location`, `customer_id` (omnicanal's) or `customer_ref` with `customer_source` (the
  system's own customer id, the channel's code by default) or `loyalty_card`, `currency`,
  `subtotal`, `discount`, `shipping`, `total`, `coupon_code`, `ship_to` (or `postal_code`,
  `city`, `country`; an e-shop's `delivery` object with `mode`, `pickup_store_code` and
  `address` is read too); a line: `line_number`, `sku` or `gtin`, `quantity`, `unit_price`,
  `discount`, `line_total` (amounts in minor units; a `_cents` suffix is accepted). Amounts must
  add up to the cent or the order is refused, naming the one that does not.
- fulfilments: one row per step: `fulfilment_id`, `order_id`, `order_channel`, `type`,
  `location_code`, `status`, `occurred_at`, `refund_cents` (a pickup not collected).
- returns: one row per returned line, the lines of one return one after another: `return_id`,
  `order_id`, `order_channel`, `line_number`, `sku`, `quantity`, `returned_at`,
  `location_code`, `condition`, `restocked`, `refund_cents`, `reason`.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import (
    AliasChoices,
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    model_validator,
)
from sqlalchemy import func, insert, or_, select, tuple_
from sqlalchemy.orm import Session

from omnicanal.catalog.models import Product
from omnicanal.customers.models import SourceRecord
from omnicanal.db import new_id
from omnicanal.errors import Conflict, InvalidInput, NotFound
from omnicanal.imports.service import BatchImporter, Rows, register_importer
from omnicanal.network.models import Channel, Location
from omnicanal.orders import history
from omnicanal.orders import service as orders_service
from omnicanal.orders.models import Fulfilment, FulfilmentStep, Order, OrderLine, Return, ReturnLine
from omnicanal.orders.rules import FULFILMENTS, HANDED_OVER, settled_status
from omnicanal.security.permissions import Permission, Principal, require

BATCH = 2_000
BY = "import"  # who recorded a step or a return from a file
Method = Literal["home_delivery", "ship_from_store", "click_and_collect", "in_store"]


def _cents(*names: str) -> AliasChoices:
    return AliasChoices(*names, *(f"{n}_cents" for n in names))


class LineRow(BaseModel):
    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)

    line_number: int | None = Field(default=None, ge=1)
    sku: str | None = Field(default=None, min_length=1, max_length=64)
    gtin: str | None = Field(default=None, min_length=8, max_length=14)
    quantity: int = Field(ge=1, le=10_000)
    unit_price: int = Field(ge=0, validation_alias=_cents("unit_price"))
    discount: int = Field(default=0, ge=0, validation_alias=_cents("discount"))
    total: int | None = Field(default=None, validation_alias=_cents("total", "line_total"))
    promotion_code: str | None = Field(default=None, max_length=64)

    @model_validator(mode="after")
    def _product(self) -> LineRow:
        if self.sku is None and self.gtin is None:
            raise ValueError("name the product by sku or by gtin")
        return self


class ShipToRow(BaseModel):
    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)

    street: str | None = Field(default=None, max_length=300)
    postal_code: str | None = Field(default=None, max_length=16)
    city: str | None = Field(default=None, max_length=120)
    country: str = Field(default="FR", min_length=2, max_length=2)


class OrderRow(BaseModel):
    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)

    order_id: str = Field(min_length=1, max_length=120)
    channel: str | None = Field(default=None, min_length=1, max_length=64)
    location: str | None = Field(default=None, max_length=64)
    placed_at: AwareDatetime
    status: str | None = Field(default=None, max_length=32)
    fulfilment: Method | None = None
    pickup_location: str | None = Field(default=None, max_length=64)
    customer_id: str | None = Field(default=None, max_length=40)
    customer_ref: str | None = Field(default=None, max_length=128)
    customer_source: str | None = Field(default=None, max_length=64)
    loyalty_card: str | None = Field(default=None, max_length=64)
    currency: str = Field(default="EUR", min_length=3, max_length=3)
    subtotal: int | None = Field(default=None, validation_alias=_cents("subtotal"))
    discount: int | None = Field(default=None, validation_alias=_cents("discount"))
    shipping: int = Field(default=0, ge=0, validation_alias=_cents("shipping"))
    total: int | None = Field(default=None, validation_alias=_cents("total", "order_total"))
    coupon_code: str | None = Field(default=None, max_length=64)
    ship_to: ShipToRow | None = None
    lines: list[LineRow] = Field(min_length=1, max_length=500)

    @model_validator(mode="before")
    @classmethod
    def _lift(cls, data: Any) -> Any:
        """An e-shop's `delivery` object, and a flat file's address columns."""
        if not isinstance(data, dict):
            return data
        data = {k: v for k, v in data.items() if v not in (None, "")}
        delivery = data.pop("delivery", None)
        if isinstance(delivery, dict):
            data.setdefault("fulfilment", delivery.get("mode"))
            if delivery.get("pickup_store_code"):
                data.setdefault("pickup_location", delivery["pickup_store_code"])
            if isinstance(delivery.get("address"), dict):
                data.setdefault("ship_to", delivery["address"])
        for flat in ("postal_code", "city", "street"):
            if flat in data and "ship_to" not in data:
                data["ship_to"] = {k: data[k] for k in ("street", "postal_code", "city",
                                                        "country") if k in data}  # fmt: skip
        if data.get("fulfilment") is None:
            data["fulfilment"] = "in_store" if data.get("location") else "home_delivery"
        if data.get("channel") is None and not data.get("location"):
            raise ValueError("name the channel (a till's sale may name its store instead)")
        return data


@dataclass(frozen=True, slots=True)
class Recorded:
    row: OrderRow
    lines: list[history.RecordedLine]  # in line-number order; a line's sku may be "#gtin"
    positions: list[int]
    promotions: list[str | None]  # each line's promotion code, as the till printed it
    totals: history.RecordedTotals
    status: str


def validate_order(row: dict[str, Any]) -> Recorded:
    parsed = OrderRow.model_validate(row)
    method = parsed.fulfilment or "home_delivery"
    if method == "click_and_collect" and not parsed.pickup_location:
        raise InvalidInput("a click & collect order names its store in pickup_location",
                           field="pickup_location")  # fmt: skip
    if method == "in_store" and not parsed.location:
        raise InvalidInput("a sale at a till names its store", field="location")
    ordered = sorted(enumerate(parsed.lines), key=lambda p: p[1].line_number or p[0] + 1)
    lines, positions, promotions = [], [], []
    for index, line in ordered:
        paid = history.line_paid(index, line.quantity, line.unit_price, line.discount, line.total)
        sku = line.sku or f"#{line.gtin}"
        lines.append(history.RecordedLine(sku, line.quantity, line.unit_price, line.discount, paid))
        positions.append((line.line_number or index + 1) - 1)
        promotions.append(line.promotion_code)
    if len(set(positions)) != len(positions):
        raise InvalidInput("two lines have the same line_number", field="lines")
    totals = history.recorded_totals(
        lines, shipping=parsed.shipping, subtotal=parsed.subtotal, discount=parsed.discount,
        total=parsed.total,
    )  # fmt: skip
    return Recorded(parsed, lines, positions, promotions, totals, history.recorded_order_status(
        parsed.status, method))  # fmt: skip


class _Places:
    """Locations and channels a batch names, read once."""

    def __init__(self, session: Session, principal: Principal, rows: list[Recorded]) -> None:
        codes = {c for r in rows for c in (r.row.location, r.row.pickup_location) if c}
        self.locations = {
            loc.code: loc
            for loc in session.scalars(select(Location).where(Location.code.in_(codes)))
        }
        self.own = orders_service.own_location_codes(session, principal)
        self.session, self.principal = session, principal
        self.channels: dict[str, str] = {}
        # a till's sale that names no channel: the store channel of the store's owner
        self.store_channels: dict[str, str] = {
            entity: code
            for entity, code in session.execute(
                select(Channel.entity_id, func.min(Channel.code))
                .where(Channel.kind == "store", Channel.active.is_(True))
                .group_by(Channel.entity_id)
            )
        }

    def channel_of(self, row: OrderRow) -> str:
        for code, field in ((row.location, "location"), (row.pickup_location, "pickup_location")):
            if code and code not in self.locations:
                raise NotFound(f"no location {code!r}", field=field)
        if row.channel is not None:
            return row.channel
        assert row.location is not None  # the row's validation asked for one of the two
        channel = self.store_channels.get(self.locations[row.location].owner_entity_id)
        if channel is None:
            raise NotFound(f"no store channel sells for {row.location}: name the channel",
                           field="channel")  # fmt: skip
        return channel

    def entity_of(self, row: OrderRow, channel: str) -> str:
        if channel not in self.channels:
            self.channels[channel] = orders_service._check_channel(
                self.session, self.principal, channel
            )
        if row.location:
            if self.own is not None and row.location not in self.own:
                raise NotFound(f"no location {row.location!r}", field="location")
            return self.locations[row.location].owner_entity_id
        return self.channels[channel]


def _products(session: Session, rows: list[Recorded]) -> dict[str, str]:
    """SKU (or "#gtin") -> SKU, for the products of the catalog a batch names."""
    skus = {line.sku for r in rows for line in r.lines if not line.sku.startswith("#")}
    gtins = {line.sku[1:] for r in rows for line in r.lines if line.sku.startswith("#")}
    out = {sku: sku for sku in session.scalars(select(Product.sku).where(Product.sku.in_(skus)))}
    if gtins:
        for sku, gtin in session.execute(
            select(Product.sku, Product.gtin).where(Product.gtin.in_(gtins))
        ):
            out[f"#{gtin}"] = sku
    return out


def _customers(session: Session, rows: list[Recorded]) -> dict[tuple[str, str], str]:
    """(source, the source's customer id) and ("card", loyalty card) -> omnicanal's customer."""
    refs = {(r.row.customer_source or r.row.channel or "", r.row.customer_ref) for r in rows
            if r.row.customer_ref and not r.row.customer_id}  # fmt: skip
    cards = {r.row.loyalty_card for r in rows if r.row.loyalty_card and not r.row.customer_id}
    out: dict[tuple[str, str], str] = {}
    if refs:
        for source, source_id, customer in session.execute(
            select(SourceRecord.source, SourceRecord.source_id, SourceRecord.customer_id).where(
                tuple_(SourceRecord.source, SourceRecord.source_id).in_(list(refs)),
                SourceRecord.customer_id.is_not(None),
            )
        ):
            out[(source, source_id)] = customer
    if cards:
        for card, customer in session.execute(
            select(SourceRecord.loyalty_card, SourceRecord.customer_id).where(
                SourceRecord.loyalty_card.in_(cards), SourceRecord.customer_id.is_not(None)
            )
        ):
            out[("card", card)] = customer
    return out


def write_orders(session: Session, principal: Principal, rows: list[Recorded]) -> tuple[int, int]:
    require(principal, Permission.ORDERS_WRITE)
    places = _Places(session, principal, rows)
    products = _products(session, rows)
    customers = _customers(session, rows)
    known = {
        (channel, receipt)
        for channel, receipt in session.execute(
            select(Order.channel, Order.receipt).where(
                Order.receipt.in_({r.row.order_id for r in rows})
            )
        )
    }
    orders: list[dict[str, Any]] = []
    lines: list[dict[str, Any]] = []
    for r in rows:
        row = r.row
        channel = places.channel_of(row)
        if (channel, row.order_id) in known:
            continue  # recorded already: a file read twice
        known.add((channel, row.order_id))
        entity_id = places.entity_of(row, channel)
        for index, line in enumerate(r.lines):
            if line.sku not in products:
                what = "GTIN" if line.sku.startswith("#") else "SKU"
                raise NotFound(f"no product with {what} {line.sku.lstrip('#')!r}",
                               field=f"lines.{index}.sku")  # fmt: skip
        customer = row.customer_id or customers.get(
            (row.customer_source or channel, row.customer_ref or "")
        ) or customers.get(("card", row.loyalty_card or ""))  # fmt: skip
        method = row.fulfilment or "home_delivery"
        order_id = new_id("ord")
        orders.append({
            "id": order_id, "number": orders_service._new_number(), "receipt": row.order_id,
            "channel": channel, "entity_id": entity_id,
            "location": row.location if method == "in_store" else None,
            "customer_id": customer, "cart_id": None, "status": r.status, "fulfilment": method,
            "currency": row.currency.upper(), "subtotal": r.totals.subtotal,
            "discount": r.totals.discount, "items_total": r.totals.items_total,
            "delivery_fee": r.totals.delivery_fee, "delivery_discount": 0,
            "total": r.totals.total, "delivery_refunded": False,
            "coupons": [row.coupon_code] if row.coupon_code else [], "adjustments": [],
            "ship_to": row.ship_to.model_dump(exclude_none=True) if row.ship_to else None,
            "placed_at": row.placed_at, "placed_by": BY,
            "created_at": row.placed_at, "updated_at": row.placed_at,
        })  # fmt: skip
        for position, line, code in zip(r.positions, r.lines, r.promotions, strict=True):
            lines.append({
                "id": new_id("oln"), "order_id": order_id, "position": position,
                "sku": products[line.sku], "quantity": line.quantity,
                "unit_price": line.unit_price, "subtotal": line.quantity * line.unit_price,
                "discount": line.discount, "paid": line.paid,
                "adjustments": [{"promotion_id": None, "reason": code,
                                 "amount": line.discount}] if code else [],
                "returned": 0,
                "handed_over_at": row.placed_at if method == "in_store" else None,
            })  # fmt: skip
    if orders:
        session.execute(insert(Order), orders)
        session.execute(insert(OrderLine), lines)
    return len(orders), len(rows) - len(orders)


# -- the steps of fulfilments ---------------------------------------------------------------


class StepRow(BaseModel):
    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)

    fulfilment_id: str = Field(min_length=1, max_length=120)
    order_id: str = Field(min_length=1, max_length=120)
    order_channel: str | None = Field(default=None, max_length=64)
    type: str = Field(min_length=1, max_length=20)
    location_code: str = Field(min_length=1, max_length=64)
    status: str = Field(min_length=1, max_length=20)
    occurred_at: AwareDatetime
    refund: int | None = Field(default=None, ge=0, validation_alias=_cents("refund"))


class _Orders:
    """The recorded orders a batch names by their systems' numbers, read at once, with their
    lines and fulfilments."""

    def __init__(self, session: Session, principal: Principal, references: set[str]) -> None:
        self.session, self.principal = session, principal
        self.by_reference: dict[str, list[Order]] = {}
        for order in session.scalars(
            select(Order).where(or_(Order.receipt.in_(references), Order.number.in_(references)))
        ):
            for reference in {order.receipt, order.number} & references:
                self.by_reference.setdefault(str(reference), []).append(order)
        ids = [o.id for found in self.by_reference.values() for o in found]
        self.lines: dict[str, list[OrderLine]] = {}
        for line in session.scalars(
            select(OrderLine).where(OrderLine.order_id.in_(ids)).order_by(OrderLine.position)
        ):
            self.lines.setdefault(line.order_id, []).append(line)
        self.fulfilments: dict[str, list[Fulfilment]] = {}
        for fulfilment in session.scalars(
            select(Fulfilment)
            .where(Fulfilment.order_id.in_(ids))
            .order_by(Fulfilment.created_at, Fulfilment.id)
        ):
            self.fulfilments.setdefault(fulfilment.order_id, []).append(fulfilment)

    def find(self, reference: str, channel: str | None) -> Order:
        """The order a file names by its system's number (or omnicanal's), of the channel it
        names when two channels' numbers collide (`pos` stands for the stores)."""
        found = self.by_reference.get(reference, [])
        if channel and len(found) > 1:
            wanted = "store" if channel == "pos" else channel
            found = [o for o in found if o.channel == wanted or o.channel.startswith(f"{wanted}:")]
        found = [
            o for o in found if orders_service._order_reachable(self.session, self.principal, o)
        ]
        if not found:
            raise NotFound(f"no order {reference!r}: import the orders first", field="order_id")
        if len(found) > 1:
            raise Conflict(f"{reference!r} names orders of several channels: give order_channel",
                           field="order_channel")  # fmt: skip
        return found[0]

    def units_left(self, order: Order) -> list[dict[str, Any]]:
        """The order's units that no fulfilment carries yet."""
        taken: dict[str, int] = {}
        for fulfilment in self.fulfilments.get(order.id, []):
            for unit in fulfilment.lines:
                taken[unit["line_id"]] = taken.get(unit["line_id"], 0) + unit["quantity"]
        return [
            {"line_id": x.id, "sku": x.sku, "quantity": x.quantity - taken.get(x.id, 0)}
            for x in self.lines.get(order.id, [])
            if x.quantity > taken.get(x.id, 0)
        ]


def validate_step(row: dict[str, Any]) -> StepRow:
    step = StepRow.model_validate({k: v for k, v in row.items() if v not in (None, "")})
    history.recorded_steps(step.type, None, step.status, False)  # a type and status it has
    return step


def write_steps(session: Session, principal: Principal, rows: list[StepRow]) -> tuple[int, int]:
    """Each step once: a fulfilment is created at its first step (with the order's units no
    other one carries), then moves through the steps its system reports."""
    require(principal, Permission.ORDERS_FULFIL)
    orders = _Orders(session, principal, {r.order_id for r in rows})
    known = set(
        session.scalars(
            select(Location.code).where(Location.code.in_({r.location_code for r in rows}))
        )
    )
    by_reference = {
        (f.order_id, f.reference): f for found in orders.fulfilments.values() for f in found
    }
    seen: dict[str, set[str]] = {}
    for fulfilment_id, status in session.execute(
        select(FulfilmentStep.fulfilment_id, FulfilmentStep.to_status).where(
            FulfilmentStep.fulfilment_id.in_([f.id for f in by_reference.values()])
        )
    ):
        seen.setdefault(fulfilment_id, set()).add(status)
    steps: list[dict[str, Any]] = []
    touched: dict[str, Order] = {}
    created = 0
    for step in rows:
        order = orders.find(step.order_id, step.order_channel)
        fulfilment = by_reference.get((order.id, step.fulfilment_id))
        if fulfilment is None:
            if step.location_code not in known:
                raise NotFound(f"no location {step.location_code!r}", field="location_code")
            units = orders.units_left(order)
            if not units:
                raise Conflict("every unit of the order is in another fulfilment",
                               field="fulfilment_id")  # fmt: skip
            initial = FULFILMENTS[step.type].initial
            fulfilment = Fulfilment(
                id=new_id("ful"), order_id=order.id, method=step.type,
                location=step.location_code, status=initial, lines=units, reserved_until=None,
                refund=None, steps=0, reference=step.fulfilment_id,
                created_at=order.placed_at, updated_at=order.placed_at,
            )  # fmt: skip
            session.add(fulfilment)
            by_reference[(order.id, step.fulfilment_id)] = fulfilment
            orders.fulfilments.setdefault(order.id, []).append(fulfilment)
            steps.append({"id": new_id("fst"), "fulfilment_id": fulfilment.id, "seq": 0,
                          "from_status": None, "to_status": initial, "at": order.placed_at,
                          "by": BY, "note": None})  # fmt: skip
            seen[fulfilment.id] = {initial}
        elif step.type != fulfilment.method:
            raise Conflict(f"fulfilment {step.fulfilment_id} is a {fulfilment.method}, not a "
                           f"{step.type}", field="type")  # fmt: skip
        path = [
            s for s in history.recorded_steps(
                step.type, fulfilment.status, step.status, step.refund is not None
            ) if s not in seen[fulfilment.id]
        ]  # fmt: skip
        if not path:
            continue
        created += 1
        for status in path:
            fulfilment.steps += 1
            steps.append({"id": new_id("fst"), "fulfilment_id": fulfilment.id,
                          "seq": fulfilment.steps, "from_status": fulfilment.status,
                          "to_status": status, "at": step.occurred_at, "by": BY,
                          "note": None})  # fmt: skip
            fulfilment.status = status
            seen[fulfilment.id].add(status)
        fulfilment.updated_at = step.occurred_at
        if step.refund is not None:
            fulfilment.refund = step.refund
        if step.status in HANDED_OVER:
            carried = {u["line_id"] for u in fulfilment.lines}
            for line in orders.lines.get(order.id, []):
                if line.id in carried and line.handed_over_at is None:
                    line.handed_over_at = step.occurred_at
        touched[order.id] = order
    for order in touched.values():
        settled = settled_status(
            [(f.method, f.status) for f in orders.fulfilments.get(order.id, [])]
        )
        if settled is not None and order.status not in ("cancelled", "closed"):
            order.status = settled
    session.flush()  # the new fulfilments, before the steps that name them
    if steps:
        session.execute(insert(FulfilmentStep), steps)
    return created, len(rows) - created


# -- returns ---------------------------------------------------------------------------------


class ReturnLineRow(BaseModel):
    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)

    line_number: int | None = Field(default=None, ge=1)
    sku: str | None = Field(default=None, min_length=1, max_length=64)
    quantity: int = Field(ge=1, le=10_000)
    condition: str | None = Field(default=None, max_length=32)
    restocked: bool | None = None
    refund: int = Field(ge=0, validation_alias=_cents("refund"))


class ReturnRow(BaseModel):
    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)

    return_id: str = Field(min_length=1, max_length=120)
    order_id: str = Field(min_length=1, max_length=120)
    order_channel: str | None = Field(default=None, max_length=64)
    returned_at: AwareDatetime
    location_code: str = Field(min_length=1, max_length=64)
    reason: str | None = Field(default=None, max_length=500)
    lines: list[ReturnLineRow] = Field(min_length=1, max_length=500)


def validate_return(row: dict[str, Any]) -> ReturnRow:
    return ReturnRow.model_validate({k: v for k, v in row.items() if v not in (None, "")})


def write_returns(session: Session, principal: Principal, rows: list[ReturnRow]) -> tuple[int, int]:
    """Each return once, by its id: within what the line sold and has not taken back yet, its
    refund within what the line paid and has not refunded yet."""
    require(principal, Permission.ORDERS_WRITE)
    done = set(
        session.scalars(select(Return.reference).where(
            Return.reference.in_({r.return_id for r in rows})))
    )  # fmt: skip
    orders = _Orders(session, principal, {r.order_id for r in rows})
    locations = {
        loc.code: loc
        for loc in session.scalars(
            select(Location).where(Location.code.in_({r.location_code for r in rows}))
        )
    }
    line_ids = [x.id for found in orders.lines.values() for x in found]
    refunded: dict[str, int] = {
        line_id: int(amount or 0)
        for line_id, amount in session.execute(
            select(ReturnLine.order_line_id, func.sum(ReturnLine.amount))
            .where(ReturnLine.order_line_id.in_(line_ids))
            .group_by(ReturnLine.order_line_id)
        )
    }
    taken: list[dict[str, Any]] = []
    back: list[dict[str, Any]] = []
    for data in rows:
        if data.return_id in done:
            continue
        done.add(data.return_id)
        order = orders.find(data.order_id, data.order_channel)
        location = locations.get(data.location_code)
        if location is None:
            raise NotFound(f"no location {data.location_code!r}", field="location_code")
        return_id = new_id("ret")
        total = 0
        for index, item in enumerate(data.lines):
            line = _returned_line(orders.lines.get(order.id, []), item, index)
            if item.quantity > line.quantity - line.returned:
                raise InvalidInput(
                    f"{item.quantity} returned, but {line.quantity - line.returned} of line "
                    f"{line.position + 1} are left to return", field=f"lines.{index}.quantity",
                )  # fmt: skip
            left = line.paid - refunded.get(line.id, 0)
            if item.refund > left:
                raise InvalidInput(
                    f"{item.refund} refunded, but the line has {left} left to refund",
                    field=f"lines.{index}.refund",
                )  # fmt: skip
            line.returned += item.quantity
            refunded[line.id] = refunded.get(line.id, 0) + item.refund
            restock = item.restocked if item.restocked is not None else item.condition != "damaged"
            back.append({
                "id": new_id("rtl"), "return_id": return_id, "order_line_id": line.id,
                "sku": line.sku, "quantity": item.quantity, "amount": item.refund,
                "disposition": "restock" if restock else "quarantine",
            })  # fmt: skip
            total += item.refund
        taken.append({
            "id": return_id, "order_id": order.id, "location": location.code,
            "entity_id": location.owner_entity_id, "currency": order.currency,
            "items_refund": total, "delivery_refund": 0, "total": total, "reason": data.reason,
            "created_at": data.returned_at, "taken_by": BY, "reference": data.return_id,
        })  # fmt: skip
    session.flush()
    if taken:
        session.execute(insert(Return), taken)
        session.execute(insert(ReturnLine), back)
    return len(taken), len(rows) - len(taken)


def _returned_line(lines: list[OrderLine], item: ReturnLineRow, index: int) -> OrderLine:
    for line in lines:
        if item.line_number is not None and line.position == item.line_number - 1:
            if item.sku is not None and item.sku != line.sku:
                raise InvalidInput(f"line {item.line_number} of the order is {line.sku}, not "
                                   f"{item.sku}", field=f"lines.{index}.sku")  # fmt: skip
            return line
    for line in lines:
        if item.line_number is None and item.sku == line.sku:
            return line
    raise NotFound("the order has no such line", field=f"lines.{index}.line_number")


# -- rows of one record, one after another ---------------------------------------------------

ORDER_LINE_FIELDS = frozenset({
    "line_number", "sku", "gtin", "quantity", "unit_price", "unit_price_cents", "discount",
    "discount_cents", "line_total", "line_total_cents", "promotion_code", "commission",
    "commission_cents",
})  # fmt: skip
RETURN_LINE_FIELDS = frozenset({
    "line_number", "sku", "gtin", "quantity", "condition", "restocked", "refund", "refund_cents",
})  # fmt: skip


def grouped(key: str, line_fields: frozenset[str]) -> Any:
    """Rows of one record, one row per line and one after another (a flat export), made one
    row with its `lines`; a row that has its `lines` already passes as it is."""

    def assemble(
        rows: Rows,
    ) -> Iterator[tuple[int, dict[str, Any]]]:
        current: tuple[int, dict[str, Any]] | None = None
        for number, row in rows:
            if "lines" in row or "__unparsed__" in row or row.get(key) in (None, ""):
                if current is not None:
                    yield current
                    current = None
                yield number, row
                continue
            line = {k: v for k, v in row.items() if k in line_fields}
            if current is not None and current[1].get(key) == row.get(key):
                current[1]["lines"].append(line)
                continue
            if current is not None:
                yield current
            head = {k: v for k, v in row.items() if k not in line_fields}
            current = (number, {**head, "lines": [line]})
        if current is not None:
            yield current

    return assemble


register_importer("orders", batch=BatchImporter(validate_order, write_orders, BATCH),
                  assemble=grouped("order_id", ORDER_LINE_FIELDS))  # fmt: skip
register_importer("fulfilments", batch=BatchImporter(validate_step, write_steps, BATCH))
register_importer("returns", batch=BatchImporter(validate_return, write_returns, BATCH),
                  assemble=grouped("return_id", RETURN_LINE_FIELDS))  # fmt: skip

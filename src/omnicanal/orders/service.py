"""Use cases of the orders domain: carts resumable on any channel, orders from any channel
priced by the pricing engine, their fulfilment through the state machines, and returns taken
anywhere. The rules are in `rules`, `sourcing` and `returns`; here they get their data.

An order is one transaction: priced and its promotions and coupons counted
(`pricing.service.redeem`), its units held (`inventory.service.reserve`, one reference per
fulfilment: the fulfilment's id), the order written and `order.placed` in the outbox — or
nothing, when a coupon was used meanwhile or a unit is gone. Stock is held wherever the
fulfilment needs it, also outside the caller's own locations (a web order collected in a
franchised store): the caller's rights are checked here, and inventory is called as the system.

Scope: a brand-wide principal reaches every order; a scoped one (a franchisee, a store) the
orders it sold or that one of its locations fulfils, and the carts of its locations or of none
(a web cart resumed in store). Returns are the exception the trade asks for: any store that
takes returns takes back any order, found by its number or receipt, without seeing who sold it.
"""

from __future__ import annotations

import contextlib
import secrets
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import delete, exists, func, or_, select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.sql.elements import ColumnElement

from omnicanal.db import database_key, insert_loaded, new_id, utcnow
from omnicanal.errors import Conflict, Forbidden, InvalidInput, NotFound
from omnicanal.events import emit, subscribe
from omnicanal.events.outbox import Event
from omnicanal.inventory import InvalidAvailability, OutOfStock, Point, Site
from omnicanal.inventory import service as inventory_service
from omnicanal.inventory.postal import postal_point
from omnicanal.network import service as network_service
from omnicanal.network.models import Location
from omnicanal.orders import schemas
from omnicanal.orders.models import (
    Cart,
    CartLine,
    Fulfilment,
    FulfilmentStep,
    Order,
    OrderLine,
    Return,
    ReturnLine,
)
from omnicanal.orders.returns import (
    ReturnedLine,
    ReturnPolicy,
    ReturnsNotAccepted,
    SoldLine,
    SoldOrder,
    last_return_day,
    plan_return,
    unit_refund,
)
from omnicanal.orders.rules import (
    CLICK_AND_COLLECT,
    ENDED,
    FULFILMENTS,
    HANDED_OVER,
    ORDER,
    settled_status,
)
from omnicanal.orders.sourcing import source_home_delivery
from omnicanal.pricing import LoyaltyRules
from omnicanal.pricing import schemas as pricing_schemas
from omnicanal.pricing import service as pricing_service
from omnicanal.security.permissions import Permission, Principal, Scope, require
from omnicanal.security.service import SYSTEM

LOYALTY = LoyaltyRules()
RETURN_POLICY = ReturnPolicy()
# How long units stay held: a click & collect order until it is collected (or expires), a
# parcel until it leaves.
COLLECT_WITHIN = timedelta(days=5)
SHIP_WITHIN = timedelta(days=30)
NUMBER_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read out at a desk

# -- scope --------------------------------------------------------------------------------------


def _own_locations(scope: Scope) -> ColumnElement[bool]:
    return or_(
        Location.owner_entity_id == scope.entity_id, Location.id.in_(scope.location_ids or ())
    )


def own_location_codes(session: Session, principal: Principal) -> set[str] | None:
    """The location codes a principal reaches; None: every one."""
    codes = network_service.location_codes_of_scope(session, principal.scope)
    return None if codes is None else set(codes)


def _location(session: Session, code: str, field: str) -> Location:
    location = network_service.get_location_by_code(session, code)
    if location is None:
        raise InvalidInput(f"unknown location {code!r}", field=field)
    return location


def _own_location(session: Session, principal: Principal, code: str, field: str) -> Location:
    location = _location(session, code, field)
    own = own_location_codes(session, principal)
    if own is not None and code not in own:
        raise Forbidden("this location is outside your scope", field=field)
    return location


CHANNELS_MAX_AGE = 5.0  # seconds a process keeps a channel's entity


class _ChannelEntities:
    """The entity of each channel code, kept by each process a few seconds: every order and
    every cart change names its channel."""

    def __init__(self) -> None:
        self._seen: dict[tuple[str, str], tuple[float, str]] = {}

    def get(self, session: Session, code: str) -> str | None:
        key = (database_key(session), code)
        hit = self._seen.get(key)
        if hit is not None and time.monotonic() - hit[0] < CHANNELS_MAX_AGE:
            return hit[1]
        channel = network_service.get_channel_by_code(session, code)
        if channel is None:
            return None
        self._seen[key] = (time.monotonic(), channel.entity_id)
        return channel.entity_id


CHANNELS = _ChannelEntities()


def _check_channel(session: Session, principal: Principal, code: str) -> str:
    """The entity a channel belongs to; a scoped principal sells on its own channels only
    (or at its own location, checked by the caller)."""
    entity_id = CHANNELS.get(session, code)
    if entity_id is None:
        raise InvalidInput(f"unknown channel {code!r}", field="channel")
    return entity_id


# -- carts --------------------------------------------------------------------------------------


def _cart_reachable(session: Session, principal: Principal, cart: Cart) -> bool:
    own = own_location_codes(session, principal)
    return own is None or cart.location is None or cart.location in own


def get_cart(session: Session, principal: Principal, cart_id: str) -> Cart:
    require(principal, Permission.ORDERS_READ)
    cart = session.get(Cart, cart_id)
    if cart is None or not _cart_reachable(session, principal, cart):
        raise NotFound(f"no cart {cart_id!r}", field="cart_id")
    return cart


def cart_lines(session: Session, cart: Cart) -> list[CartLine]:
    return list(
        session.execute(
            select(CartLine).where(CartLine.cart_id == cart.id).order_by(CartLine.position)
        ).scalars()
    )


def list_carts(
    session: Session, principal: Principal, customer_id: str | None, limit: int, offset: int
) -> list[Cart]:
    """Open carts, newest first: a customer's, to resume one on another channel."""
    require(principal, Permission.ORDERS_READ)
    query = select(Cart).where(Cart.status == "open")
    if customer_id is not None:
        query = query.where(Cart.customer_id == customer_id)
    own = own_location_codes(session, principal)
    if own is not None:
        query = query.where(Cart.location.in_(own))
    query = query.order_by(Cart.updated_at.desc(), Cart.id).limit(limit).offset(offset)
    return list(session.execute(query).scalars())


def _touch(session: Session, principal: Principal, cart: Cart, data: schemas.Touch) -> None:
    """Where the change comes from becomes where the cart was last touched."""
    if data.channel is not None:
        _check_channel(session, principal, data.channel)
        cart.channel = data.channel
    if data.location is not None:  # "": no store any more (back on the web)
        if data.location:
            _own_location(session, principal, data.location, "location")
        cart.location = data.location or None
    cart.touched_by = principal.name
    cart.updated_at = utcnow()


def _writable_cart(session: Session, principal: Principal, cart_id: str) -> Cart:
    require(principal, Permission.ORDERS_WRITE)
    cart = get_cart(session, principal, cart_id)
    if cart.status != "open":
        raise Conflict(f"cart {cart_id} became order {cart.order_id}", field="cart_id")
    return cart


def create_cart(session: Session, principal: Principal, data: schemas.CartIn) -> Cart:
    require(principal, Permission.ORDERS_WRITE)
    _check_channel(session, principal, data.channel)
    if data.location is not None:
        _own_location(session, principal, data.location, "location")
    cart = Cart(
        channel=data.channel, started_channel=data.channel, location=data.location,
        customer_id=data.customer_id, currency=data.currency.upper(), coupons=list(data.coupons),
        touched_by=principal.name,
    )  # fmt: skip
    session.add(cart)
    session.flush()
    for line in data.lines:
        _add_line(session, cart, line.sku, line.quantity)
    session.flush()
    emit(session, "cart.created", {"cart_id": cart.id, "channel": cart.channel,
                                   "customer_id": cart.customer_id})  # fmt: skip
    return cart


def _add_line(session: Session, cart: Cart, sku: str, quantity: int) -> None:
    line = session.execute(
        select(CartLine).where(CartLine.cart_id == cart.id, CartLine.sku == sku)
    ).scalar_one_or_none()
    if line is not None:
        line.quantity += quantity
        return
    position = session.execute(
        select(func.coalesce(func.max(CartLine.position), -1)).where(CartLine.cart_id == cart.id)
    ).scalar_one()
    session.add(CartLine(cart_id=cart.id, sku=sku, quantity=quantity, position=position + 1))
    session.flush()


def change_cart(
    session: Session, principal: Principal, cart_id: str, data: schemas.CartChange
) -> Cart:
    """Attach a customer, change the coupons, or resume the cart on another channel."""
    cart = _writable_cart(session, principal, cart_id)
    _touch(session, principal, cart, data)
    if data.customer_id is not None:
        if cart.customer_id is not None and cart.customer_id != data.customer_id:
            raise Conflict("this cart belongs to another customer", field="customer_id")
        cart.customer_id = data.customer_id
    if data.coupons is not None:
        cart.coupons = list(data.coupons)
    session.flush()
    emit(session, "cart.updated", {"cart_id": cart.id, "channel": cart.channel,
                                   "customer_id": cart.customer_id})  # fmt: skip
    return cart


def add_cart_line(
    session: Session, principal: Principal, cart_id: str, data: schemas.CartLineAdd
) -> Cart:
    cart = _writable_cart(session, principal, cart_id)
    _touch(session, principal, cart, data)
    _add_line(session, cart, data.sku, data.quantity)
    session.flush()
    return cart


def set_cart_line(
    session: Session, principal: Principal, cart_id: str, sku: str, data: schemas.CartLineSet
) -> Cart:
    """Set a line's quantity (adds the line when new); 0 removes it."""
    cart = _writable_cart(session, principal, cart_id)
    _touch(session, principal, cart, data)
    line = session.execute(
        select(CartLine).where(CartLine.cart_id == cart.id, CartLine.sku == sku)
    ).scalar_one_or_none()
    if data.quantity == 0:
        if line is not None:
            session.delete(line)
    elif line is None:
        _add_line(session, cart, sku, data.quantity)
    else:
        line.quantity = data.quantity
    session.flush()
    return cart


def remove_cart_line(
    session: Session, principal: Principal, cart_id: str, sku: str, channel: str | None = None
) -> Cart:
    cart = _writable_cart(session, principal, cart_id)
    _touch(session, principal, cart, schemas.Touch(channel=channel))
    done = session.execute(delete(CartLine).where(CartLine.cart_id == cart.id, CartLine.sku == sku))
    if not done.rowcount:  # type: ignore[attr-defined]
        raise NotFound(f"the cart holds no {sku!r}", field="sku")
    session.flush()
    return cart


def _quote_in(
    cart_or_lines: Sequence[tuple[str, int]],
    *,
    channel: str,
    location: str | None,
    customer_id: str | None,
    coupons: Sequence[str],
    currency: str,
    at: datetime | None = None,
    delivery: pricing_schemas.DeliveryIn | None = None,
    order_ref: str | None = None,
) -> pricing_schemas.QuoteIn:
    fields: dict[str, Any] = {
        "channel": channel, "location": location, "customer_id": customer_id,
        "coupons": list(coupons), "currency": currency, "at": at, "delivery": delivery,
        "lines": [pricing_schemas.QuoteLineIn(sku=sku, quantity=n) for sku, n in cart_or_lines],
    }  # fmt: skip
    if order_ref is not None:
        return pricing_schemas.RedemptionIn(order_ref=order_ref, **fields)
    return pricing_schemas.QuoteIn(**fields)


def price_cart(
    session: Session, principal: Principal, cart_id: str, at: datetime | None = None
) -> pricing_service.PricedQuote:
    """The cart priced as its channel, location and customer would be charged now."""
    cart = get_cart(session, principal, cart_id)
    lines = [(line.sku, line.quantity) for line in cart_lines(session, cart)]
    if not lines:
        raise InvalidInput("the cart is empty", field="lines")
    data = _quote_in(
        lines, channel=cart.channel, location=cart.location, customer_id=cart.customer_id,
        coupons=cart.coupons, currency=cart.currency, at=at,
    )  # fmt: skip
    return pricing_service.price_quote(session, principal, data, loyalty=LOYALTY)


def cart_payload(session: Session, cart: Cart) -> dict[str, Any]:
    return {
        "id": cart.id, "status": cart.status, "customer_id": cart.customer_id,
        "channel": cart.channel, "location": cart.location,
        "started_channel": cart.started_channel, "currency": cart.currency,
        "coupons": list(cart.coupons), "order_id": cart.order_id,
        "lines": [{"sku": line.sku, "quantity": line.quantity}
                  for line in cart_lines(session, cart)],
        "created_at": cart.created_at, "updated_at": cart.updated_at,
    }  # fmt: skip


# -- orders -------------------------------------------------------------------------------------


def _new_number() -> str:
    return "OC-" + "".join(secrets.choice(NUMBER_ALPHABET) for _ in range(8))


def _merged(lines: Sequence[tuple[str, int]]) -> list[tuple[str, int]]:
    """One line per SKU, in the order first seen."""
    out: dict[str, int] = {}
    for sku, quantity in lines:
        out[sku] = out.get(sku, 0) + quantity
    return list(out.items())


@dataclass(frozen=True, slots=True)
class _Sale:
    """What an order is made of once its cart, channel and places are checked."""

    lines: list[tuple[str, int]]
    channel: str
    entity_id: str
    location: str | None
    customer_id: str | None
    coupons: list[str]
    currency: str
    cart: Cart | None


def _sale(session: Session, principal: Principal, data: schemas.OrderIn) -> _Sale:
    cart = None
    if data.cart_id is not None:
        cart = _writable_cart(session, principal, data.cart_id)
        lines = [(line.sku, line.quantity) for line in cart_lines(session, cart)]
        if not lines:
            raise InvalidInput("the cart is empty", field="cart_id")
    else:
        lines = [(line.sku, line.quantity) for line in data.lines or ()]
    channel = data.channel or (cart.channel if cart else "")
    location = data.location if data.location is not None else (cart.location if cart else None)
    channel_entity = _check_channel(session, principal, channel)
    if location:
        entity_id = _own_location(session, principal, location, "location").owner_entity_id
    else:
        entity_id = channel_entity
        reachable = network_service.reachable_entities(session, principal)
        if reachable is not None and entity_id not in reachable:
            raise Forbidden("this channel is outside your scope", field="channel")
    customer_id = data.customer_id or (cart.customer_id if cart else None)
    if cart is not None and data.customer_id and cart.customer_id not in (None, data.customer_id):
        raise Conflict("this cart belongs to another customer", field="customer_id")
    coupons = data.coupons if data.coupons is not None else (cart.coupons if cart else [])
    currency = (data.currency or (cart.currency if cart else "EUR")).upper()
    return _Sale(
        _merged(lines), channel, entity_id, location or None, customer_id, list(coupons),
        currency, cart,
    )  # fmt: skip


@dataclass(frozen=True, slots=True)
class Placed:
    """An order as its placement wrote it: answered without reading it back."""

    order: Order
    lines: list[OrderLine]
    fulfilments: list[Fulfilment]
    steps: dict[str, list[FulfilmentStep]]


def place_order(session: Session, principal: Principal, data: schemas.OrderIn) -> Placed:
    """An order from a cart or from lines: priced, its promotions redeemed, its units held
    where it will be fulfilled, in the caller's transaction. A retry with the same
    Idempotency-Key is answered by the API layer; a till's `receipt` is recorded once per
    channel."""
    require(principal, Permission.ORDERS_WRITE)
    sale = _sale(session, principal, data)
    way = data.fulfilment
    at = data.at or utcnow()
    if at.utcoffset() is None:
        raise InvalidInput("the instant must carry its time zone", field="at")
    if data.receipt is not None:
        taken = session.execute(
            select(Order.number).where(Order.channel == sale.channel, Order.receipt == data.receipt)
        ).first()
        if taken is not None:
            raise Conflict(
                f"receipt {data.receipt!r} of {sale.channel} is order {taken.number}",
                field="receipt",
            )
    if way.method == "in_store":
        if sale.location is None:
            raise InvalidInput("a sale at a till names its store", field="location")
        if not data.paid:
            raise InvalidInput("a sale at a till is paid", field="paid")
    delivery = None
    if way.method != "in_store":
        kind = "click_and_collect" if way.method == "click_and_collect" else "delivery"
        delivery = pricing_schemas.DeliveryIn(method=kind, fee=way.fee)
    order_id = new_id("ord")
    quote_in = _quote_in(
        sale.lines, channel=sale.channel, location=sale.location, customer_id=sale.customer_id,
        coupons=sale.coupons, currency=sale.currency, at=at, delivery=delivery,
        order_ref=order_id,
    )  # fmt: skip
    priced, _ = pricing_service.redeem(
        session,
        principal,
        quote_in,  # type: ignore[arg-type]
        loyalty=LOYALTY,
        new_order=True,
    )
    q = priced.quote
    # the order is written once, in its final status: paid at once, handed over at a till
    status = "placed"
    if data.paid:
        status = ORDER.check(status, "paid")
    if way.method == "in_store":
        # handed over at the till: the store's own system reports the stock it sold
        status = ORDER.check(status, "fulfilled")
    order = Order(
        id=order_id, number=_new_number(), receipt=data.receipt, channel=sale.channel,
        entity_id=sale.entity_id, location=sale.location, customer_id=sale.customer_id,
        cart_id=sale.cart.id if sale.cart else None, status=status, fulfilment=way.method,
        currency=q.currency, subtotal=q.subtotal, discount=q.discount,
        items_total=q.items_total, delivery_fee=q.delivery_fee,
        delivery_discount=q.delivery_discount, total=q.total,
        coupons=list(q.coupons_applied),
        adjustments=[
            {"promotion_id": a.promotion_id, "reason": a.reason, "amount": a.amount,
             "target": a.target, "coupon": a.coupon}
            for a in q.adjustments
        ],
        ship_to=way.ship_to.model_dump(exclude_none=True) if way.ship_to else None,
        placed_at=at, placed_by=principal.name,
    )  # fmt: skip
    lines = []
    for position, line in enumerate(q.lines):
        lines.append(OrderLine(
            id=new_id("oln"), order_id=order.id, position=position, sku=line.sku,
            quantity=line.quantity, unit_price=line.unit_price, subtotal=line.subtotal,
            discount=line.discount, paid=line.total,
            adjustments=[{"promotion_id": a.promotion_id, "reason": a.reason, "amount": a.amount}
                         for a in line.adjustments],
            handed_over_at=at if way.method == "in_store" else None,
        ))  # fmt: skip
    # Written table by table, each with one INSERT, parents first (no relationships here
    # for the unit of work to order them by): the order, its lines, then its fulfilments and
    # their first steps once their stock is held. The events stay for the commit's flush,
    # all in one INSERT.
    with session.no_autoflush:
        insert_loaded(session, [order])
        insert_loaded(session, lines)
        made = []
        if way.method != "in_store":
            made = _plan_fulfilments(session, principal, order, lines, way, at)
        insert_loaded(session, [f for f, _ in made])
        insert_loaded(session, [step for _, step in made])
    if sale.cart is not None:
        sale.cart.status = "ordered"
        sale.cart.order_id = order.id
    fulfilments = [f for f, _ in made]
    emit(session, "order.placed", _order_event(order, lines, fulfilments),
         entity_id=order.entity_id)  # fmt: skip
    return Placed(order, lines, fulfilments, {f.id: [step] for f, step in made})


def _plan_fulfilments(
    session: Session,
    principal: Principal,
    order: Order,
    lines: Sequence[OrderLine],
    way: schemas.FulfilmentIn,
    at: datetime,
) -> list[tuple[Fulfilment, FulfilmentStep]]:
    """The fulfilments of a new order, their stock held (they are written by the caller)."""
    wanted = [(line.sku, line.quantity) for line in lines]
    if way.method in ("click_and_collect", "ship_from_store"):
        assert way.location is not None
        store = _location(session, way.location, "fulfilment.location")
        capability = way.method
        if store.kind != "store" or capability not in (store.capabilities or ()):
            raise InvalidInput(
                f"{way.location} does not offer {capability.replace('_', ' ')}",
                field="fulfilment.location",
            )
        hold = COLLECT_WITHIN if way.method == "click_and_collect" else SHIP_WITHIN
        return [_new_fulfilment(session, order, lines, way.method, way.location, wanted, at, hold)]
    sites, stock = inventory_service.sourcing_sites(session, [sku for sku, _ in wanted])
    destination = destination_of(way.ship_to.model_dump() if way.ship_to else None)
    plan = source_home_delivery(wanted, sites, stock, destination=destination)
    kinds = {site.code: site.kind for site in sites}
    made = []
    for parcel in plan.parcels:
        method = "home_delivery" if kinds[parcel.location] == "warehouse" else "ship_from_store"
        made.append(_new_fulfilment(
            session, order, lines, method, parcel.location, list(parcel.lines), at, SHIP_WITHIN,
            sourced=True,
        ))  # fmt: skip
    return made


def destination_of(ship_to: Mapping[str, Any] | None) -> Point | None:
    """Where a parcel goes, for choosing the nearest locations: its coordinates, else its
    French postal code's département; None (distance plays no part) otherwise."""
    if not ship_to:
        return None
    if ship_to.get("latitude") is not None and ship_to.get("longitude") is not None:
        return Point(ship_to["latitude"], ship_to["longitude"])
    if ship_to.get("postal_code") and ship_to.get("country", "FR") == "FR":
        with contextlib.suppress(InvalidAvailability):
            return postal_point(ship_to["postal_code"])
    return None


def _new_fulfilment(
    session: Session,
    order: Order,
    lines: Sequence[OrderLine],
    method: str,
    location: str,
    units: Sequence[tuple[str, int]],
    at: datetime,
    hold: timedelta,
    *,
    sourced: bool = False,
) -> tuple[Fulfilment, FulfilmentStep]:
    """A fulfilment and its first step, not written yet, its units held at `location` (`sourced`:
    the plan chose the location from the stock it read just now, in this transaction)."""
    by_sku = {line.sku: line for line in lines}
    fulfilment = Fulfilment(
        id=new_id("ful"), order_id=order.id, steps=0, refund=None, method=method, location=location,
        status=FULFILMENTS[method].initial,
        lines=[{"line_id": by_sku[sku].id, "sku": sku, "quantity": n} for sku, n in units],
        reserved_until=at + hold,
    )  # fmt: skip
    inventory_service.reserve(
        session, SYSTEM, location, list(units), reference=fulfilment.id,
        expires_at=at + hold, now=at, checked=sourced,
    )  # fmt: skip
    step = FulfilmentStep(
        id=new_id("fst"), fulfilment_id=fulfilment.id, seq=0, from_status=None,
        to_status=fulfilment.status, at=at, by=None, note=None,
    )  # fmt: skip
    return fulfilment, step


def _order_event(
    order: Order, lines: Sequence[OrderLine], fulfilments: Sequence[Fulfilment]
) -> dict[str, Any]:
    return {
        "order_id": order.id, "number": order.number, "receipt": order.receipt,
        "channel": order.channel, "entity_id": order.entity_id, "location": order.location,
        "customer_id": order.customer_id, "status": order.status, "currency": order.currency,
        "total": order.total, "items_total": order.items_total,
        "placed_at": order.placed_at.isoformat(),
        "lines": [{"line_id": line.id, "sku": line.sku, "quantity": line.quantity,
                   "paid": line.paid} for line in lines],
        "fulfilments": [{"id": f.id, "method": f.method, "location": f.location,
                         "lines": f.lines} for f in fulfilments],
    }  # fmt: skip


def _order_reachable(session: Session, principal: Principal, order: Order) -> bool:
    scope = principal.scope
    if scope.is_brand:
        return True
    if order.entity_id == scope.entity_id:
        return True
    own = own_location_codes(session, principal) or set()
    if order.location in own:
        return True
    return (
        session.execute(
            select(Fulfilment.id).where(
                Fulfilment.order_id == order.id, Fulfilment.location.in_(own)
            )
        ).first()
        is not None
    )


def get_order(session: Session, principal: Principal, order_id: str) -> Order:
    require(principal, Permission.ORDERS_READ)
    order = session.get(Order, order_id)
    if order is None or not _order_reachable(session, principal, order):
        raise NotFound(f"no order {order_id!r}", field="order_id")
    return order


def list_orders(
    session: Session,
    principal: Principal,
    *,
    customer_id: str | None = None,
    status: str | None = None,
    channel: str | None = None,
    location: str | None = None,
    number: str | None = None,
    receipt: str | None = None,
    limit: int = 100,
    offset: int = 0,
) -> list[Order]:
    """Orders, newest first, within the caller's scope: the ones it sold or fulfils."""
    require(principal, Permission.ORDERS_READ)
    query = select(Order)
    for column, value in (
        (Order.customer_id, customer_id), (Order.status, status), (Order.channel, channel),
        (Order.location, location), (Order.number, number), (Order.receipt, receipt),
    ):  # fmt: skip
        if value is not None:
            query = query.where(column == value)
    scope = principal.scope
    if not scope.is_brand:
        own = select(Location.code).where(_own_locations(scope))
        fulfilled_here = exists().where(
            Fulfilment.order_id == Order.id, Fulfilment.location.in_(own)
        )
        query = query.where(
            or_(Order.entity_id == scope.entity_id, Order.location.in_(own), fulfilled_here)
        )
    query = query.order_by(Order.placed_at.desc(), Order.id).limit(limit).offset(offset)
    return list(session.execute(query).scalars())


def order_lines(session: Session, order: Order) -> list[OrderLine]:
    return list(
        session.execute(
            select(OrderLine).where(OrderLine.order_id == order.id).order_by(OrderLine.position)
        ).scalars()
    )


def fulfilments_of(session: Session, order: Order) -> list[Fulfilment]:
    return list(
        session.execute(
            select(Fulfilment)
            .where(Fulfilment.order_id == order.id)
            .order_by(Fulfilment.created_at, Fulfilment.id)
        ).scalars()
    )


def _sold_order(session: Session, principal: Principal, order_id: str) -> Order:
    """An order for its seller: a store that only fulfils it moves its fulfilment instead."""
    require(principal, Permission.ORDERS_WRITE)
    order = get_order(session, principal, order_id)
    scope = principal.scope
    own = own_location_codes(session, principal)
    if own is not None and order.entity_id != scope.entity_id and order.location not in own:
        raise Forbidden("only the seller of this order changes it", field="order_id")
    return order


def pay_order(session: Session, principal: Principal, order_id: str) -> Order:
    """The channel took the payment of an order placed unpaid (a call-center order)."""
    order = _sold_order(session, principal, order_id)
    order.status = ORDER.check(order.status, "paid")
    _settle(session, order)
    session.flush()
    emit(session, "order.paid", {"order_id": order.id, "number": order.number,
                                 "total": order.total}, entity_id=order.entity_id)  # fmt: skip
    return order


def cancel_order(
    session: Session, principal: Principal, order_id: str, reason: str | None = None
) -> Order:
    """Cancel an order not yet fulfilled: every fulfilment cancelled (refused, naming both
    states, when one has already left), its units back on sale, its promotion uses and coupons
    given back."""
    order = _sold_order(session, principal, order_id)
    ORDER.check(order.status, "cancelled")
    now = utcnow()
    fulfilments = [f for f in fulfilments_of(session, order) if f.status not in ENDED]
    for fulfilment in fulfilments:
        FULFILMENTS[fulfilment.method].check(fulfilment.status, "cancelled")
    for fulfilment in fulfilments:
        _move(session, principal, order, fulfilment, "cancelled", now, reason or "order cancelled")
    order.status = "cancelled"
    _give_back_promotions(session, order)
    session.flush()
    emit(session, "order.cancelled", {"order_id": order.id, "number": order.number,
                                      "reason": reason, "total": order.total},
         entity_id=order.entity_id)  # fmt: skip
    return order


# -- fulfilment ---------------------------------------------------------------------------------

# Where a fulfilment rests once over (a click & collect cancelled or expired goes on by itself
# to released and refunded).
_UNSERVED = frozenset({"cancelled", "rejected", "returned_to_sender", "refunded"})
_RELEASING = frozenset({"cancelled", "rejected", "expired", "released"})


def get_fulfilment(
    session: Session, principal: Principal, order_id: str, fulfilment_id: str
) -> tuple[Order, Fulfilment]:
    """An order's fulfilment, for the location that prepares it (or a brand-wide caller)."""
    require(principal, Permission.ORDERS_FULFIL)
    order = get_order(session, principal, order_id)
    # locked: two people moving it at once take their steps one after the other
    fulfilment = session.get(Fulfilment, fulfilment_id, with_for_update=True)
    if fulfilment is None or fulfilment.order_id != order.id:
        raise NotFound(f"no fulfilment {fulfilment_id!r} in this order", field="fulfilment_id")
    own = own_location_codes(session, principal)
    if own is not None and fulfilment.location not in own:
        raise Forbidden(
            f"{fulfilment.location} prepares this fulfilment: only it moves it along",
            field="fulfilment_id",
        )
    return order, fulfilment


def advance_fulfilment(
    session: Session,
    principal: Principal,
    order_id: str,
    fulfilment_id: str,
    status: str,
    note: str | None = None,
    now: datetime | None = None,
) -> Fulfilment:
    """Move a fulfilment one step of its method's state machine (`ForbiddenTransition`, 409,
    names both states otherwise): shipped or collected takes the units off hand, cancelled,
    rejected or expired gives them back, delivered or collected starts the return window."""
    order, fulfilment = get_fulfilment(session, principal, order_id, fulfilment_id)
    if order.status == "cancelled":
        raise Conflict("this order is cancelled", field="order_id")
    _move(session, principal, order, fulfilment, status, now or utcnow(), note)
    _settle(session, order)
    session.flush()
    return fulfilment


def _move(
    session: Session,
    principal: Principal,
    order: Order,
    fulfilment: Fulfilment,
    target: str,
    now: datetime,
    note: str | None = None,
) -> None:
    machine = FULFILMENTS[fulfilment.method]
    current = fulfilment.status
    machine.check(current, target)
    # only from the status read: a step taken meanwhile by someone else (or the sweeper) wins
    _changed(
        session,
        update(Fulfilment)
        .where(Fulfilment.id == fulfilment.id, Fulfilment.status == current)
        .values(status=target, steps=Fulfilment.steps + 1, updated_at=now),
        f"this fulfilment left {current} meanwhile; look it up again",
        "status",
    )
    set_committed_value(fulfilment, "status", target)
    set_committed_value(fulfilment, "steps", fulfilment.steps + 1)
    set_committed_value(fulfilment, "updated_at", now)
    session.add(
        FulfilmentStep(
            fulfilment_id=fulfilment.id, seq=fulfilment.steps, from_status=current,
            to_status=target, at=now, by=principal.name, note=note,
        )
    )  # fmt: skip
    if target in ("shipped", "collected"):
        inventory_service.consume(
            session, SYSTEM, fulfilment.id, location=fulfilment.location, now=now
        )
    elif target in _RELEASING:
        inventory_service.release(session, SYSTEM, fulfilment.id, now=now)
    if target in HANDED_OVER:
        _hand_over(session, order, now)
    if target == "returned_to_sender":  # the parcel is back where it left from
        inventory_service.restock(
            session, SYSTEM, fulfilment.location,
            [(u["sku"], u["quantity"]) for u in fulfilment.lines],
            reference=f"{fulfilment.id}:back", kind="return", now=now,
        )  # fmt: skip
    replaced: list[Fulfilment] = []
    if target == "rejected":
        replaced = _source_again(session, order, fulfilment, now)
    if target in _UNSERVED and fulfilment.method != "click_and_collect" and not replaced:
        fulfilment.refund = _unserved_refund(session, order, fulfilment)
    if target == "refunded":
        fulfilment.refund = _unserved_refund(session, order, fulfilment)
    session.flush()
    emit(
        session,
        f"fulfilment.{target}",
        {
            "order_id": order.id, "number": order.number, "fulfilment_id": fulfilment.id,
            "method": fulfilment.method, "location": fulfilment.location, "from": current,
            "to": target, "at": now.isoformat(), "lines": fulfilment.lines,
            "refund": fulfilment.refund, "currency": order.currency,
            "replaced_by": [f.id for f in replaced],
        },
        entity_id=_owner(session, fulfilment.location),
    )  # fmt: skip
    if fulfilment.method == "click_and_collect":
        then = CLICK_AND_COLLECT.transitions[target]
        if target in ("cancelled", "expired", "released") and len(then) == 1:
            # releasing the units and refunding are the system's steps, taken at once
            _move(session, SYSTEM, order, fulfilment, next(iter(then)), now, None)


def _changed(session: Session, statement: Any, conflict: str, field: str) -> None:
    """Run a conditional UPDATE of one row; `Conflict` when its condition no longer held."""
    done = session.execute(statement.execution_options(synchronize_session=False))
    if done.rowcount != 1:
        raise Conflict(conflict, field=field)


def _give_back_promotions(session: Session, order: Order) -> None:
    """The uses, budget and coupons of an order that did not happen, released as the system:
    the redemption is the order's, whoever may cancel it."""
    with contextlib.suppress(NotFound):  # it used no promotion
        pricing_service.release(session, SYSTEM, order.id)


def _owner(session: Session, code: str) -> str | None:
    location = network_service.get_location_by_code(session, code)
    return location.owner_entity_id if location is not None else None


def _hand_over(session: Session, order: Order, now: datetime) -> None:
    """A line reaches the customer when every fulfilment carrying it did."""
    fulfilments = fulfilments_of(session, order)
    for line in order_lines(session, order):
        carrying = [f for f in fulfilments if any(u["line_id"] == line.id for u in f.lines)]
        live = [f for f in carrying if f.status not in _UNSERVED]
        if live and line.handed_over_at is None and all(f.status in HANDED_OVER for f in live):
            line.handed_over_at = now


def _unserved_refund(session: Session, order: Order, fulfilment: Fulfilment) -> int:
    """What the units of a fulfilment that never reached the customer paid, shared as a
    return shares a line (`unit_refund`), plus the delivery paid once nothing is served."""
    fulfilments = fulfilments_of(session, order)
    lines = {line.id: line for line in order_lines(session, order)}
    amount = 0
    for unit in fulfilment.lines:
        line = lines[unit["line_id"]]
        already = sum(
            u["quantity"]
            for f in fulfilments
            if f.id != fulfilment.id and f.refund is not None
            for u in f.lines
            if u["line_id"] == line.id
        )
        amount += unit_refund(line.paid, line.quantity, already, unit["quantity"])
    others_unserved = all(
        f.status in _UNSERVED or f.status == "released" for f in fulfilments
    )  # fmt: skip
    if others_unserved and not order.delivery_refunded:
        amount += order.delivery_fee - order.delivery_discount
        order.delivery_refunded = True
    return amount


def _source_again(
    session: Session, order: Order, fulfilment: Fulfilment, now: datetime
) -> list[Fulfilment]:
    """A store rejected a ship-from-store parcel: the same units from elsewhere, sourced as a
    home delivery without that store; none when nobody else holds them."""
    from omnicanal.orders.sourcing import CannotSource

    units = [(u["sku"], u["quantity"]) for u in fulfilment.lines]
    sites, stock = inventory_service.sourcing_sites(session, [sku for sku, _ in units])
    sites = [s for s in sites if s.code != fulfilment.location]
    destination = destination_of(order.ship_to)
    try:
        plan = source_home_delivery(units, sites, stock, destination=destination)
    except CannotSource:
        return []
    kinds = {s.code: s.kind for s in sites}
    lines = order_lines(session, order)
    made = []
    for parcel in plan.parcels:
        method = "home_delivery" if kinds[parcel.location] == "warehouse" else "ship_from_store"
        made.append(_new_fulfilment(
            session, order, lines, method, parcel.location, list(parcel.lines), now, SHIP_WITHIN,
            sourced=True,
        ))  # fmt: skip
    insert_loaded(session, [f for f, _ in made])
    insert_loaded(session, [step for _, step in made])
    session.flush()
    return [f for f, _ in made]


def _settle(session: Session, order: Order) -> None:
    """The order's status follows its fulfilments: in fulfilment once one moved, fulfilled
    when all are over and one reached the customer, cancelled when none did."""
    if order.status in ORDER.terminal or order.status == "fulfilled":
        return
    target = settled_status([(f.method, f.status) for f in fulfilments_of(session, order)])
    if target is not None and target != order.status and ORDER.allows(order.status, target):
        order.status = target
        if target == "cancelled":
            _give_back_promotions(session, order)
        emit(session, f"order.{target}", {"order_id": order.id, "number": order.number,
                                          "total": order.total},
             entity_id=order.entity_id)  # fmt: skip


def expire_collection(
    session: Session, reference: str | None, now: datetime | None = None
) -> Fulfilment | None:
    """The hold of a click & collect order ran out (the sweeper's `reservation.expired`, whose
    reference is the fulfilment's id): ready → expired → released → refunded; not even
    prepared: cancelled → released → refunded. Anything else, or again: nothing."""
    fulfilment = session.get(Fulfilment, reference) if reference else None
    if fulfilment is None or fulfilment.method != "click_and_collect":
        return None
    target = {"ready": "expired", "placed": "cancelled"}.get(fulfilment.status)
    if target is None:
        return None
    order = session.get(Order, fulfilment.order_id)
    assert order is not None
    now = now or utcnow()
    note = "not collected in time" if target == "expired" else "not prepared in time"
    _move(session, SYSTEM, order, fulfilment, target, now, note)
    _settle(session, order)
    session.flush()
    return fulfilment


def hold_again(
    session: Session, reference: str | None, sku: str, quantity: int, now: datetime | None = None
) -> bool:
    """The hold of a parcel not yet shipped ran out (`SHIP_WITHIN`): its units are held again
    for as long; when they are gone meanwhile, `fulfilment.hold_lost` tells the people who
    prepare it. True when held again."""
    fulfilment = session.get(Fulfilment, reference) if reference else None
    if fulfilment is None or fulfilment.method == "click_and_collect" or not sku or quantity < 1:
        return False
    if fulfilment.status not in ("placed", "accepted", "picking", "packed"):
        return False
    now = now or utcnow()
    try:
        with session.begin_nested():
            inventory_service.reserve(
                session, SYSTEM, fulfilment.location, [(sku, quantity)],
                reference=fulfilment.id, expires_at=now + SHIP_WITHIN, now=now,
            )  # fmt: skip
    except OutOfStock as exc:
        emit(
            session,
            "fulfilment.hold_lost",
            {"order_id": fulfilment.order_id, "fulfilment_id": fulfilment.id,
             "location": fulfilment.location, "sku": sku, "quantity": quantity,
             "available": exc.extra.get("available")},
            entity_id=_owner(session, fulfilment.location),
        )  # fmt: skip
        return False
    fulfilment.reserved_until = now + SHIP_WITHIN
    return True


def _on_reservation_expired(session: Session, event: Event) -> None:
    payload = event.payload
    if expire_collection(session, payload.get("reference"), event.occurred_at) is None:
        hold_again(
            session, payload.get("reference"), payload.get("sku", ""),
            int(payload.get("quantity", 0)), event.occurred_at,
        )  # fmt: skip


subscribe("orders.collection_expiry", "reservation.expired", _on_reservation_expired)


def list_fulfilments(
    session: Session,
    principal: Principal,
    *,
    location: str | None = None,
    method: str | None = None,
    status: str | None = None,
    limit: int = 100,
    offset: int = 0,
) -> list[Fulfilment]:
    """A store's queue (`method=click_and_collect&status=ready`), oldest first, within the
    caller's locations."""
    require(principal, Permission.ORDERS_READ)
    query = select(Fulfilment)
    for column, value in (
        (Fulfilment.location, location), (Fulfilment.method, method), (Fulfilment.status, status)
    ):  # fmt: skip
        if value is not None:
            query = query.where(column == value)
    scope = principal.scope
    if not scope.is_brand:
        query = query.where(
            Fulfilment.location.in_(select(Location.code).where(_own_locations(scope)))
        )
    query = query.order_by(Fulfilment.created_at, Fulfilment.id).limit(limit).offset(offset)
    return list(session.execute(query).scalars())


def steps_of(session: Session, fulfilment: Fulfilment) -> list[FulfilmentStep]:
    return list(
        session.execute(
            select(FulfilmentStep)
            .where(FulfilmentStep.fulfilment_id == fulfilment.id)
            .order_by(FulfilmentStep.seq)
        ).scalars()
    )


# -- returns ------------------------------------------------------------------------------------


def _return_site(location: Location) -> Site:
    if location.kind not in ("store", "warehouse"):
        raise ReturnsNotAccepted(f"{location.code} does not take returns", field="location")
    return Site(
        location.code,
        location.kind,  # type: ignore[arg-type]
        location.owner_entity_id,
        capabilities=frozenset(location.capabilities or ()),
    )


def take_return(
    session: Session, principal: Principal, order_id: str, data: schemas.ReturnIn
) -> Return:
    """Units of any order, whichever channel or entity sold it, brought back at one of the
    caller's locations (a store that takes returns, or a warehouse for a return by post),
    within the return policy: refunded what they paid after promotions, back on sale there
    or kept aside when damaged. `return.accepted` carries what loyalty and settlement need."""
    require(principal, Permission.ORDERS_FULFIL)
    location = _own_location(session, principal, data.location, "location")
    # the order's row locked: two returns of the same line never both refund its last unit
    order = session.get(Order, order_id, with_for_update=True)
    if order is None:
        raise NotFound(f"no order {order_id!r}", field="order_id")
    at = data.at or utcnow()
    if at.utcoffset() is None:
        raise InvalidInput("the instant must carry its time zone", field="at")
    lines = order_lines(session, order)
    sold = SoldOrder(
        order.id, order.channel, order.entity_id,
        tuple(SoldLine(line.id, line.sku, line.quantity, line.paid, line.handed_over_at,
                       line.returned) for line in lines),
        order.currency, order.delivery_fee - order.delivery_discount, order.delivery_refunded,
    )  # fmt: skip
    return_id = new_id("ret")
    plan = plan_return(
        sold,
        [ReturnedLine(x.line_id, x.quantity, x.damaged) for x in data.lines],
        return_id=return_id,
        location=_return_site(location),
        at=at,
        policy=RETURN_POLICY,
    )
    row = Return(
        id=return_id, order_id=order.id, location=location.code,
        entity_id=location.owner_entity_id, currency=plan.currency,
        items_refund=plan.items_refund, delivery_refund=plan.delivery_refund, total=plan.total,
        reason=data.reason, created_at=at, taken_by=principal.name,
    )  # fmt: skip
    session.add(row)
    session.flush()
    by_id = {line.id: line for line in lines}
    for refund in plan.lines:
        session.add(
            ReturnLine(
                return_id=return_id, order_line_id=refund.line_id, sku=refund.sku,
                quantity=refund.quantity, amount=refund.amount, disposition=refund.disposition,
            )
        )  # fmt: skip
    # only from the counts read: a return of the same units taken meanwhile wins, this one
    # is refused (whatever the database's locking, never two refunds of one unit)
    for line_id, returned in plan.returned.items():
        before = by_id[line_id].returned
        if returned != before:
            _changed(
                session,
                update(OrderLine)
                .where(OrderLine.id == line_id, OrderLine.returned == before)
                .values(returned=returned),
                "another return of this line was taken meanwhile; look the order up again",
                "lines",
            )
            set_committed_value(by_id[line_id], "returned", returned)
    if plan.delivery_refund:
        _changed(
            session,
            update(Order)
            .where(Order.id == order.id, Order.delivery_refunded.is_(False))
            .values(delivery_refunded=True),
            "the delivery was refunded meanwhile; look the order up again",
            "lines",
        )
        set_committed_value(order, "delivery_refunded", True)
    if plan.restock:
        inventory_service.restock(
            session, SYSTEM, location.code, _merged([(m.sku, m.quantity) for m in plan.restock]),
            reference=return_id, kind="return", now=at,
        )  # fmt: skip
    session.flush()
    emit(session, "return.accepted", {
        "return_id": return_id, "order_id": order.id, "order_number": order.number,
        "customer_id": order.customer_id, "currency": plan.currency,
        "sold": {"channel": order.channel, "entity_id": order.entity_id,
                 "location": order.location, "at": order.placed_at.isoformat()},
        "returned": {"location": location.code, "entity_id": location.owner_entity_id,
                     "at": at.isoformat()},
        "lines": [{"order_line_id": r.line_id, "sku": r.sku, "quantity": r.quantity,
                   "amount": r.amount, "disposition": r.disposition,
                   "paid": by_id[r.line_id].paid, "sold_quantity": by_id[r.line_id].quantity}
                  for r in plan.lines],
        "items_refund": plan.items_refund, "delivery_refund": plan.delivery_refund,
        "total": plan.total, "complete": plan.complete,
    })  # fmt: skip
    return row


def returns_of(session: Session, order: Order) -> list[Return]:
    return list(
        session.execute(
            select(Return).where(Return.order_id == order.id).order_by(Return.created_at)
        ).scalars()
    )


def find_returnable(
    session: Session,
    principal: Principal,
    *,
    number: str | None = None,
    receipt: str | None = None,
    customer_id: str | None = None,
    limit: int = 20,
) -> list[Order]:
    """The returns desk's look-up. By the order's number or a receipt's (the customer holds
    it), any order of any channel; by customer, the orders the caller reaches."""
    require(principal, Permission.ORDERS_FULFIL)
    if number or receipt:
        query = select(Order)
        if number:
            query = query.where(Order.number == number.strip().upper())
        if receipt:
            query = query.where(Order.receipt == receipt.strip())
        return list(session.execute(query.order_by(Order.placed_at.desc()).limit(limit)).scalars())
    if customer_id:
        return list_orders(session, principal, customer_id=customer_id, limit=limit)
    return []


# -- payloads -----------------------------------------------------------------------------------


def fulfilment_payload(
    session: Session, fulfilment: Fulfilment, steps: Sequence[FulfilmentStep] | None = None
) -> dict[str, Any]:
    if steps is None:
        steps = steps_of(session, fulfilment)
    return {
        "id": fulfilment.id, "order_id": fulfilment.order_id, "method": fulfilment.method,
        "location": fulfilment.location, "status": fulfilment.status,
        "lines": fulfilment.lines, "reserved_until": fulfilment.reserved_until,
        "refund": fulfilment.refund,
        "steps": [schemas.StepOut.model_validate(s) for s in steps],
    }  # fmt: skip


def return_payload(session: Session, row: Return, number: str | None = None) -> dict[str, Any]:
    if number is None:
        number = session.execute(select(Order.number).where(Order.id == row.order_id)).scalar_one()
    lines = session.execute(select(ReturnLine).where(ReturnLine.return_id == row.id)).scalars()
    return {
        "id": row.id, "order_id": row.order_id, "order_number": number,
        "location": row.location, "currency": row.currency, "items_refund": row.items_refund,
        "delivery_refund": row.delivery_refund, "total": row.total, "reason": row.reason,
        "created_at": row.created_at,
        "lines": [schemas.ReturnLineOut.model_validate(line) for line in lines],
    }  # fmt: skip


def placed_payload(session: Session, placed: Placed) -> dict[str, Any]:
    """A new order as it was written, without reading it back."""
    return order_payload(
        session, placed.order, lines=placed.lines, fulfilments=placed.fulfilments,
        steps=placed.steps, returns=[],
    )  # fmt: skip


def order_payload(
    session: Session,
    order: Order,
    *,
    lines: Sequence[OrderLine] | None = None,
    fulfilments: Sequence[Fulfilment] | None = None,
    steps: dict[str, list[FulfilmentStep]] | None = None,
    returns: Sequence[Return] | None = None,
) -> dict[str, Any]:
    if lines is None:
        lines = order_lines(session, order)
    if fulfilments is None:
        fulfilments = fulfilments_of(session, order)
    if returns is None:
        returns = returns_of(session, order)
    steps = steps or {}
    return {
        "id": order.id, "number": order.number, "receipt": order.receipt,
        "channel": order.channel, "entity_id": order.entity_id, "location": order.location,
        "customer_id": order.customer_id, "cart_id": order.cart_id, "status": order.status,
        "fulfilment": order.fulfilment, "currency": order.currency,
        "subtotal": order.subtotal, "discount": order.discount,
        "items_total": order.items_total, "delivery_fee": order.delivery_fee,
        "delivery_discount": order.delivery_discount, "total": order.total,
        "coupons": list(order.coupons), "adjustments": list(order.adjustments),
        "ship_to": order.ship_to, "placed_at": order.placed_at,
        "lines": [schemas.OrderLineOut.model_validate(line) for line in lines],
        "fulfilments": [fulfilment_payload(session, f, steps.get(f.id)) for f in fulfilments],
        "returns": [return_payload(session, r, order.number) for r in returns],
    }  # fmt: skip


def returnable_payload(session: Session, order: Order) -> dict[str, Any]:
    """An order as any returns desk sees it: no seller, no customer."""
    lines = []
    today = utcnow().astimezone(ZoneInfo(RETURN_POLICY.timezone)).date()
    for line in order_lines(session, order):
        until = None
        if line.handed_over_at is not None:
            until = last_return_day(line.handed_over_at, RETURN_POLICY)
        closed = until is not None and until < today
        lines.append({
            "id": line.id, "sku": line.sku, "quantity": line.quantity, "returned": line.returned,
            "returnable": line.quantity - line.returned if until and not closed else 0,
            "paid": line.paid, "handed_over_at": line.handed_over_at,
            "return_until": until.isoformat() if until else None, "window_closed": closed,
        })  # fmt: skip
    return {
        "id": order.id, "number": order.number, "receipt": order.receipt,
        "channel": order.channel, "status": order.status, "currency": order.currency,
        "total": order.total, "placed_at": order.placed_at, "lines": lines,
    }  # fmt: skip

"""Tables of the orders domain: carts kept server-side (resumable on any channel), orders with the
lines as the pricing engine priced them (what each line paid after promotions, so that a return
refunds its share to the cent), their fulfilments with the history of their steps, and returns.

Channels, locations and SKUs are named by their codes, as the other domains name them; a
customer by the id of the customers domain. Amounts are minor units of the order's currency.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from omnicanal.db import Base, TimestampMixin, id_column, utcnow


class Cart(TimestampMixin, Base):
    """A customer's cart, whichever channel started it: `channel` and `location` are where it
    was last touched (the web, then an advisor's store), `status` open until it becomes an
    order."""

    __tablename__ = "order_carts"

    id: Mapped[str] = id_column("crt")
    status: Mapped[str] = mapped_column(String(16), default="open")  # open | ordered
    customer_id: Mapped[str | None] = mapped_column(String(40), default=None, index=True)
    channel: Mapped[str] = mapped_column(String(64))
    location: Mapped[str | None] = mapped_column(String(64), default=None, index=True)
    started_channel: Mapped[str] = mapped_column(String(64))
    currency: Mapped[str] = mapped_column(String(3), default="EUR")
    coupons: Mapped[list[Any]] = mapped_column(default=list)
    order_id: Mapped[str | None] = mapped_column(String(40), default=None)
    touched_by: Mapped[str | None] = mapped_column(String(120), default=None)


class CartLine(Base):
    __tablename__ = "order_cart_lines"
    __table_args__ = (UniqueConstraint("cart_id", "sku", name="uq_order_cart_lines_sku"),)

    id: Mapped[str] = id_column("crl")
    cart_id: Mapped[str] = mapped_column(ForeignKey("order_carts.id"), index=True)
    position: Mapped[int]
    sku: Mapped[str] = mapped_column(String(64))
    quantity: Mapped[int]


class Order(TimestampMixin, Base):
    """An order from any channel: who sold it (channel, entity, and the store of a till or an
    advisor), to whom, and what it cost as the pricing engine quoted it."""

    __tablename__ = "orders"
    __table_args__ = (
        # a till's receipt number, or another channel system's own order number, once per channel
        UniqueConstraint("channel", "receipt", name="uq_orders_receipt"),
    )

    id: Mapped[str] = id_column("ord")
    number: Mapped[str] = mapped_column(String(32), unique=True)
    receipt: Mapped[str | None] = mapped_column(String(120), default=None, index=True)
    channel: Mapped[str] = mapped_column(String(64))
    entity_id: Mapped[str] = mapped_column(String(40), index=True)  # the selling entity
    location: Mapped[str | None] = mapped_column(String(64), default=None, index=True)
    customer_id: Mapped[str | None] = mapped_column(String(40), default=None, index=True)
    cart_id: Mapped[str | None] = mapped_column(String(40), default=None)
    status: Mapped[str] = mapped_column(String(16), default="placed", index=True)
    fulfilment: Mapped[str] = mapped_column(String(20))  # how: home_delivery, ..., in_store
    currency: Mapped[str] = mapped_column(String(3))
    subtotal: Mapped[int]
    discount: Mapped[int]
    items_total: Mapped[int]
    delivery_fee: Mapped[int] = mapped_column(default=0)
    delivery_discount: Mapped[int] = mapped_column(default=0)
    total: Mapped[int]
    delivery_refunded: Mapped[bool] = mapped_column(default=False)
    coupons: Mapped[list[Any]] = mapped_column(default=list)
    adjustments: Mapped[list[Any]] = mapped_column(default=list)  # the quote's promotions
    ship_to: Mapped[dict[str, Any] | None] = mapped_column(default=None)
    placed_at: Mapped[datetime] = mapped_column(default=utcnow)
    placed_by: Mapped[str | None] = mapped_column(String(120), default=None)


class OrderLine(Base):
    """A line as quoted: `paid` is its total after every promotion, the sum the refunds of its
    units add up to; `returned` counts the units taken back; `handed_over_at` is when the last
    of its units reached the customer (the return window counts from it)."""

    __tablename__ = "order_lines"

    id: Mapped[str] = id_column("oln")
    order_id: Mapped[str] = mapped_column(ForeignKey("orders.id"), index=True)
    position: Mapped[int]
    sku: Mapped[str] = mapped_column(String(64), index=True)
    quantity: Mapped[int]
    unit_price: Mapped[int]
    subtotal: Mapped[int]
    discount: Mapped[int]
    paid: Mapped[int]
    adjustments: Mapped[list[Any]] = mapped_column(default=list)
    returned: Mapped[int] = mapped_column(default=0)
    handed_over_at: Mapped[datetime | None] = mapped_column(default=None)


class Fulfilment(TimestampMixin, Base):
    """One parcel or one pickup: its method, the location that prepares it, its status in the
    method's state machine, and its units (`lines`: order line id, SKU, quantity). Its id is
    the reference of the stock reservations it holds."""

    __tablename__ = "order_fulfilments"
    __table_args__ = (
        Index("ix_order_fulfilments_queue", "location", "method", "status"),
        UniqueConstraint("order_id", "reference", name="uq_order_fulfilments_reference"),
    )

    id: Mapped[str] = id_column("ful")
    order_id: Mapped[str] = mapped_column(ForeignKey("orders.id"), index=True)
    method: Mapped[str] = mapped_column(String(20))
    location: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(20))
    lines: Mapped[list[Any]] = mapped_column()
    reserved_until: Mapped[datetime | None] = mapped_column(default=None)
    refund: Mapped[int | None] = mapped_column(default=None)  # refunded when it ended unserved
    steps: Mapped[int] = mapped_column(default=0)  # how many steps it took after the first
    # the channel system's own id of the parcel or pickup, for one recorded from its history
    reference: Mapped[str | None] = mapped_column(String(120), default=None)


class FulfilmentStep(Base):
    """One step a fulfilment took, in order: the history the store console and the customer
    see."""

    __tablename__ = "order_fulfilment_steps"

    id: Mapped[str] = id_column("fst")
    fulfilment_id: Mapped[str] = mapped_column(ForeignKey("order_fulfilments.id"), index=True)
    seq: Mapped[int]  # 0 for the first
    from_status: Mapped[str | None] = mapped_column(String(20), default=None)
    to_status: Mapped[str] = mapped_column(String(20))
    at: Mapped[datetime] = mapped_column(default=utcnow)
    by: Mapped[str | None] = mapped_column(String(120), default=None)
    note: Mapped[str | None] = mapped_column(String(500), default=None)


class Return(Base):
    """Units of an order brought back at a location (a store, or a warehouse for a return by
    post), and what was refunded for them."""

    __tablename__ = "order_returns"
    __table_args__ = (UniqueConstraint("reference", name="uq_order_returns_reference"),)

    id: Mapped[str] = id_column("ret")
    order_id: Mapped[str] = mapped_column(ForeignKey("orders.id"), index=True)
    location: Mapped[str] = mapped_column(String(64), index=True)
    entity_id: Mapped[str] = mapped_column(String(40))  # the entity that took it back
    currency: Mapped[str] = mapped_column(String(3))
    items_refund: Mapped[int]
    delivery_refund: Mapped[int]
    total: Mapped[int]
    reason: Mapped[str | None] = mapped_column(String(500), default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    taken_by: Mapped[str | None] = mapped_column(String(120), default=None)
    # the channel system's own id of a return recorded from its history (taken once)
    reference: Mapped[str | None] = mapped_column(String(120), default=None)


class ReturnLine(Base):
    """`disposition`: restock (back on sale where returned) or quarantine (damaged, kept aside)."""

    __tablename__ = "order_return_lines"

    id: Mapped[str] = id_column("rtl")
    return_id: Mapped[str] = mapped_column(ForeignKey("order_returns.id"), index=True)
    order_line_id: Mapped[str] = mapped_column(ForeignKey("order_lines.id"), index=True)
    sku: Mapped[str] = mapped_column(String(64))
    quantity: Mapped[int]
    amount: Mapped[int]
    disposition: Mapped[str] = mapped_column(String(16))

"""What the orders domain knows of a customer, for the customer referential: their orders on
every channel in the customer's 360 view (with the orders of the customers merged into them),
and their part in a GDPR export or erasure (the delivery addresses go, the amounts stay)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from omnicanal.customers import gdpr
from omnicanal.customers.models import Customer
from omnicanal.customers.service import VIEW_PROVIDERS
from omnicanal.network.models import Channel
from omnicanal.orders import service
from omnicanal.orders.models import Cart, Order, OrderLine, Return
from omnicanal.security.permissions import Permission, Principal

RECENT = 20  # orders listed in the view; the figures count them all
EVERY = 2_000  # orders a view reads at most


@dataclass(frozen=True, slots=True)
class Sold:
    channel: str
    status: str
    currency: str
    total: int
    refunded: int
    placed_at: datetime


def summarise(orders: Sequence[Sold]) -> dict[str, Any]:
    """A customer's orders in figures: how many, on which channels, what they spent net of
    refunds (per currency; cancelled orders spent nothing), the first and the last."""
    kept = [o for o in orders if o.status != "cancelled"]
    spent: dict[str, int] = {}
    for o in kept:
        spent[o.currency] = spent.get(o.currency, 0) + o.total - o.refunded
    placed = sorted(o.placed_at for o in orders)
    return {
        "count": len(orders),
        "cancelled": len(orders) - len(kept),
        "channels": dict(Counter(o.channel for o in orders).most_common()),
        "spent": spent,
        "first_at": placed[0] if placed else None,
        "last_at": placed[-1] if placed else None,
    }


def customer_ids(session: Session, customer_id: str) -> list[str]:
    """The customer and every customer merged into them, at any depth."""
    ids, frontier = [customer_id], [customer_id]
    while frontier:
        frontier = list(
            session.scalars(select(Customer.id).where(Customer.merged_into_id.in_(frontier)))
        )
        frontier = [c for c in frontier if c not in ids]
        ids += frontier
    return ids


def orders_section(session: Session, principal: Principal, customer_id: str) -> Any:
    """The customer's orders the caller may see (its own, for a franchisee or a store)."""
    if not principal.has(Permission.ORDERS_READ):
        return None
    ids = customer_ids(session, customer_id)
    found: list[Order] = []
    for cid in ids:
        found += service.list_orders(session, principal, customer_id=cid, limit=EVERY)
    found.sort(key=lambda o: (o.placed_at, o.id), reverse=True)
    refunds = dict(
        session.execute(
            select(Return.order_id, func.sum(Return.total))
            .where(Return.order_id.in_([o.id for o in found]))
            .group_by(Return.order_id)
        ).all()
    )
    units = dict(
        session.execute(
            select(OrderLine.order_id, func.sum(OrderLine.quantity))
            .where(OrderLine.order_id.in_([o.id for o in found[:RECENT]]))
            .group_by(OrderLine.order_id)
        ).all()
    )
    sold = [
        Sold(o.channel, o.status, o.currency, o.total, int(refunds.get(o.id) or 0), o.placed_at)
        for o in found
    ]
    channels = {o.channel for o in found}
    names = dict(
        session.execute(select(Channel.code, Channel.name).where(Channel.code.in_(channels))).all()
    )
    return {
        **summarise(sold),
        "channel_names": names,
        "orders": [
            {
                "id": o.id, "number": o.number, "receipt": o.receipt, "channel": o.channel,
                "location": o.location, "status": o.status, "fulfilment": o.fulfilment,
                "currency": o.currency, "total": o.total, "refunded": int(refunds.get(o.id) or 0),
                "units": int(units.get(o.id) or 0), "placed_at": o.placed_at,
            }
            for o in found[:RECENT]
        ],
    }  # fmt: skip


def _export(session: Session, customer_id: str) -> Any:
    orders = session.scalars(select(Order).where(Order.customer_id == customer_id)).all()
    carts = session.scalars(select(Cart).where(Cart.customer_id == customer_id)).all()
    return {
        "orders": [
            {"number": o.number, "receipt": o.receipt, "channel": o.channel, "status": o.status,
             "currency": o.currency, "total": o.total, "ship_to": o.ship_to,
             "placed_at": o.placed_at.isoformat()}
            for o in orders
        ],
        "carts": [{"id": c.id, "status": c.status, "channel": c.channel} for c in carts],
    }  # fmt: skip


# what a delivery address keeps once its person is erased: where, roughly, not who
_KEPT = ("postal_code", "city", "country")


def _erase(session: Session, customer_id: str, erased: Any) -> int:
    changed = 0
    for order in session.scalars(select(Order).where(Order.customer_id == customer_id)):
        if order.ship_to and set(order.ship_to) - set(_KEPT):
            order.ship_to = {k: v for k, v in order.ship_to.items() if k in _KEPT}
            changed += 1
    return changed


def register() -> None:
    """Take part in the 360 view and in GDPR requests, unless something else (a test's stand-in)
    holds the name now."""
    VIEW_PROVIDERS.setdefault("orders", orders_section)
    if not gdpr.has_gdpr_handler("orders"):
        gdpr.register_gdpr_handler("orders", export=_export, erase=_erase)

"""Tables of the inventory domain: one position per location and SKU, the log of the movements
applied (a movement id seen twice is a retry), each location's stock settings (last full count,
visibility policy, preparation time, how it ships), and the reservations that hold units for
orders.

Locations and SKUs are named by their codes, as the locations' systems and the other domains
name them. Available-to-promise is never stored: `on_hand − reserved − safety_stock`, and a
reservation raises `reserved` only by a conditional UPDATE that checks it, so that two requests
can never hold the same last unit.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Index, String
from sqlalchemy.orm import Mapped, mapped_column

from omnicanal.db import Base, utcnow


class StockPositionRow(Base):
    __tablename__ = "inventory_positions"
    # the availability of a cart reads its SKUs at every location: from the index alone
    __table_args__ = (
        Index(
            "ix_inventory_positions_sku", "sku", "location", "on_hand", "reserved", "safety_stock"
        ),
    )

    location: Mapped[str] = mapped_column(String(64), primary_key=True)
    sku: Mapped[str] = mapped_column(String(64), primary_key=True)
    on_hand: Mapped[int] = mapped_column(default=0)
    reserved: Mapped[int] = mapped_column(default=0)
    safety_stock: Mapped[int] = mapped_column(default=0)
    counted_at: Mapped[datetime | None] = mapped_column(default=None)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class MovementRow(Base):
    """A movement as its location's system sent it, once. `status`: applied, or
    already_counted (stamped before a count that already includes it)."""

    __tablename__ = "inventory_movements"
    __table_args__ = (Index("ix_inventory_movements_at", "location", "at"),)

    location: Mapped[str] = mapped_column(String(64), primary_key=True)
    id: Mapped[str] = mapped_column(String(120), primary_key=True)  # the sender's id
    sku: Mapped[str] = mapped_column(String(64))
    quantity: Mapped[int]
    kind: Mapped[str] = mapped_column(String(16))
    at: Mapped[datetime]
    status: Mapped[str] = mapped_column(String(16))
    reference: Mapped[str | None] = mapped_column(String(120), default=None)
    received_at: Mapped[datetime] = mapped_column(default=utcnow)


class LocationStockSettings(Base):
    """A location's stock settings. A location without a row takes its kind's defaults (an own
    store shows its figure to the network and bands to customers; a franchised store bands to
    both)."""

    __tablename__ = "inventory_locations"

    location: Mapped[str] = mapped_column(String(64), primary_key=True)
    counted_at: Mapped[datetime | None] = mapped_column(default=None)  # last full count
    visibility: Mapped[dict[str, Any] | None] = mapped_column(default=None)
    preparation_minutes: Mapped[int | None] = mapped_column(default=None)
    delivery: Mapped[dict[str, Any] | None] = mapped_column(default=None)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class ReservationRow(Base):
    __tablename__ = "inventory_reservations"
    __table_args__ = (
        # the sweeper's look-up: active reservations by expiry
        Index("ix_inventory_reservations_due", "status", "expires_at"),
        Index("ix_inventory_reservations_reference", "reference"),
    )

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    location: Mapped[str] = mapped_column(String(64))
    sku: Mapped[str] = mapped_column(String(64))
    quantity: Mapped[int]
    status: Mapped[str] = mapped_column(String(16), default="active")
    reference: Mapped[str | None] = mapped_column(String(120), default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    closed_at: Mapped[datetime | None] = mapped_column(default=None)

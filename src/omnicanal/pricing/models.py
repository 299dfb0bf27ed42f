"""Tables of the pricing domain: price rows (never edited: a change is a new row, so the history
stays for the consistency audit), franchise price policies, promotions with their usage
counters, coupons, and the redemptions that orders made."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from omnicanal.db import Base, TimestampMixin, id_column, utcnow


class PriceRow(Base):
    """One row of a price list: a SKU's amount, optionally for a channel, a location or a
    customer segment, within validity dates (`valid_until` exclusive). Setting a new price for
    the same key closes the open row instead of changing it."""

    __tablename__ = "pricing_prices"
    # the quote's look-up: its SKUs, its currency, no location or its own (SQLite would
    # otherwise walk the location index for `location IS NULL`, every brand row)
    __table_args__ = (Index("ix_pricing_prices_sku", "sku", "currency", "location"),)

    id: Mapped[str] = id_column("prc")
    price_list: Mapped[str] = mapped_column(String(64), default="base")
    sku: Mapped[str] = mapped_column(String(64))
    amount_minor: Mapped[int]
    currency: Mapped[str] = mapped_column(String(3))
    channel: Mapped[str | None] = mapped_column(String(64), default=None)  # channel code
    location: Mapped[str | None] = mapped_column(String(64), default=None, index=True)
    segment: Mapped[str | None] = mapped_column(String(64), default=None)
    valid_from: Mapped[datetime | None] = mapped_column(default=None)
    valid_until: Mapped[datetime | None] = mapped_column(default=None)
    set_by: Mapped[str | None] = mapped_column(String(120), default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class PricePolicy(TimestampMixin, Base):
    """How far a franchisee may set its own prices from the brand's."""

    __tablename__ = "pricing_policies"

    id: Mapped[str] = id_column("pol")
    entity_id: Mapped[str] = mapped_column(ForeignKey("entities.id"), unique=True)
    mode: Mapped[str] = mapped_column(String(8))  # locked | free | band
    band_percent: Mapped[str | None] = mapped_column(String(8), default=None)  # decimal text


class PromotionRow(TimestampMixin, Base):
    """A promotion: its definition as `pricing.codec` writes it, the columns the service filters
    on, and its usage counters, changed only by conditional updates (never past a limit)."""

    __tablename__ = "pricing_promotions"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)  # the brand's own code
    name: Mapped[str] = mapped_column(String(200), default="")
    status: Mapped[str] = mapped_column(String(16), default="active", index=True)
    definition: Mapped[dict[str, Any]] = mapped_column()
    starts_at: Mapped[datetime | None] = mapped_column(default=None)
    ends_at: Mapped[datetime | None] = mapped_column(default=None)
    max_uses: Mapped[int | None] = mapped_column(default=None)
    budget: Mapped[int | None] = mapped_column(default=None)
    uses: Mapped[int] = mapped_column(default=0)
    budget_spent: Mapped[int] = mapped_column(default=0)
    updated_by: Mapped[str | None] = mapped_column(String(120), default=None)


class CustomerUse(Base):
    __tablename__ = "pricing_customer_uses"

    promotion_id: Mapped[str] = mapped_column(ForeignKey("pricing_promotions.id"), primary_key=True)
    customer_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    uses: Mapped[int] = mapped_column(default=0)


class CouponRow(Base):
    __tablename__ = "pricing_coupons"

    code: Mapped[str] = mapped_column(String(64), primary_key=True)  # normalised
    promotion_id: Mapped[str] = mapped_column(ForeignKey("pricing_promotions.id"), index=True)
    valid_from: Mapped[datetime | None] = mapped_column(default=None)
    valid_until: Mapped[datetime | None] = mapped_column(default=None)
    max_redemptions: Mapped[int | None] = mapped_column(default=1)
    customer_id: Mapped[str | None] = mapped_column(String(40), default=None)
    redemptions: Mapped[int] = mapped_column(default=0)
    batch: Mapped[str | None] = mapped_column(String(40), default=None, index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Redemption(Base):
    """A promotion used by an order, with the coupon it took and the discount it gave."""

    __tablename__ = "pricing_redemptions"
    __table_args__ = (
        UniqueConstraint("order_ref", "promotion_id", name="uq_pricing_redemptions_order"),
    )

    id: Mapped[str] = id_column("rdm")
    order_ref: Mapped[str] = mapped_column(String(120), index=True)
    promotion_id: Mapped[str] = mapped_column(ForeignKey("pricing_promotions.id"), index=True)
    coupon: Mapped[str | None] = mapped_column(String(64), default=None)
    customer_id: Mapped[str | None] = mapped_column(String(40), default=None, index=True)
    discount_minor: Mapped[int]
    channel: Mapped[str] = mapped_column(String(64))
    location: Mapped[str | None] = mapped_column(String(64), default=None)
    redeemed_at: Mapped[datetime] = mapped_column(default=utcnow)


class PricingState(Base):
    """One row whose version changes with every promotion change: each server process keeps
    its indexed promotions until the version moves."""

    __tablename__ = "pricing_state"

    id: Mapped[int] = mapped_column(primary_key=True)
    # a random token, not a counter: a database made again from scratch never repeats one
    version: Mapped[str] = mapped_column(String(32))

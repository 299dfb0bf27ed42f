"""Tables of the outbox, its deliveries, and the webhook endpoints that receive them."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from omnicanal.db import Base, TimestampMixin, id_column, utcnow


class OutboxEvent(Base):
    """One domain event, written in the same transaction as the change it reports."""

    __tablename__ = "outbox_events"

    id: Mapped[str] = id_column("evt")
    type: Mapped[str] = mapped_column(String(100), index=True)
    entity_id: Mapped[str | None] = mapped_column(String(40), index=True, default=None)
    payload: Mapped[dict[str, Any]] = mapped_column()
    occurred_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    # Set once deliveries have been created for every subscriber and endpoint.
    fanned_out_at: Mapped[datetime | None] = mapped_column(default=None)

    __table_args__ = (Index("ix_outbox_pending", "fanned_out_at", "occurred_at"),)


class WebhookEndpoint(TimestampMixin, Base):
    __tablename__ = "webhook_endpoints"

    id: Mapped[str] = id_column("whe")
    entity_id: Mapped[str | None] = mapped_column(ForeignKey("entities.id"), default=None)
    url: Mapped[str] = mapped_column(String(2000))
    description: Mapped[str | None] = mapped_column(String(300), default=None)
    # `whsec_<base64>`: kept in clear because signing needs it (Standard Webhooks).
    secret: Mapped[str] = mapped_column(String(100))
    event_types: Mapped[list[Any]] = mapped_column(default=list)
    active: Mapped[bool] = mapped_column(default=True)


class Delivery(Base):
    """One event for one target (a subscriber or a webhook endpoint), retried until delivered."""

    __tablename__ = "event_deliveries"

    id: Mapped[str] = id_column("dlv")
    event_id: Mapped[str] = mapped_column(ForeignKey("outbox_events.id"), index=True)
    target: Mapped[str] = mapped_column(String(120))  # "subscriber:<name>" or "webhook:<id>"
    status: Mapped[str] = mapped_column(String(16), default="pending")
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_error: Mapped[str | None] = mapped_column(Text, default=None)
    delivered_at: Mapped[datetime | None] = mapped_column(default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (Index("ix_event_deliveries_due", "status", "next_attempt_at"),)

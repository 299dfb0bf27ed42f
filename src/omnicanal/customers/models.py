"""Tables of the customer referential: source records as received, normalised beside."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from omnicanal.db import Base, TimestampMixin, id_column, utcnow


class SourceRecord(TimestampMixin, Base):
    """A customer record as one channel system sent it (`raw`), with its normalised fields.

    A record is named by its system (`source`) and that system's own id, within the entity
    that sent it: two franchisees' tills may both number their customers from 1.
    """

    __tablename__ = "customer_source_records"

    id: Mapped[str] = id_column("rec")
    entity_id: Mapped[str | None] = mapped_column(ForeignKey("entities.id"), index=True)
    # entity_id, or "brand" for records sent brand-wide: NULLs would not be unique together.
    owner: Mapped[str] = mapped_column(String(40))
    source: Mapped[str] = mapped_column(String(64))
    source_id: Mapped[str] = mapped_column(String(128))
    raw: Mapped[dict[str, Any]] = mapped_column()
    received_at: Mapped[datetime] = mapped_column(default=utcnow)

    first_name: Mapped[str | None] = mapped_column(String(200), default=None)
    last_name: Mapped[str | None] = mapped_column(String(200), default=None)
    birth_name: Mapped[str | None] = mapped_column(String(200), default=None)
    email: Mapped[str | None] = mapped_column(String(320), default=None)
    phone: Mapped[str | None] = mapped_column(String(32), default=None)
    birth_date: Mapped[date | None] = mapped_column(default=None)
    gender: Mapped[str | None] = mapped_column(String(1), default=None)
    street: Mapped[str | None] = mapped_column(String(300), default=None)
    postal_code: Mapped[str | None] = mapped_column(String(16), default=None)
    city: Mapped[str | None] = mapped_column(String(120), default=None)
    country: Mapped[str | None] = mapped_column(String(2), default=None)
    loyalty_card: Mapped[str | None] = mapped_column(String(64), default=None, index=True)

    # Matching keys: what the resolution compares.
    first_name_key: Mapped[str | None] = mapped_column(String(200), default=None)
    last_name_key: Mapped[str | None] = mapped_column(String(200), default=None, index=True)
    email_key: Mapped[str | None] = mapped_column(String(320), default=None, index=True)
    street_key: Mapped[str | None] = mapped_column(String(300), default=None)
    city_key: Mapped[str | None] = mapped_column(String(120), default=None)

    attributes: Mapped[dict[str, Any]] = mapped_column(default=dict)
    flags: Mapped[list[Any]] = mapped_column(default=list)

    __table_args__ = (
        UniqueConstraint("owner", "source", "source_id", name="uq_customer_source_records"),
        Index("ix_customer_source_records_phone", "phone"),
    )

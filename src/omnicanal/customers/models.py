"""Tables of the customer referential: source records as received and normalised, the golden
customers they resolve to, identities, review pairs, operators' decisions, consent."""

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
    customer_id: Mapped[str | None] = mapped_column(
        ForeignKey("customers.id"), default=None, index=True
    )

    # Matching keys: what the resolution compares.
    first_name_key: Mapped[str | None] = mapped_column(String(200), default=None)
    # Looked up through `ix_customer_source_records_names` (last name first), not alone.
    last_name_key: Mapped[str | None] = mapped_column(String(200), default=None)
    email_key: Mapped[str | None] = mapped_column(String(320), default=None, index=True)
    street_key: Mapped[str | None] = mapped_column(String(300), default=None)
    city_key: Mapped[str | None] = mapped_column(String(120), default=None)
    birth_name_key: Mapped[str | None] = mapped_column(String(200), default=None)
    # The e-mail key when the address says something about the person (not a relay or a
    # placeholder), and the phones split by kind: a mobile is personal, a landline shared.
    email_match_key: Mapped[str | None] = mapped_column(String(320), default=None, index=True)
    mobile_key: Mapped[str | None] = mapped_column(String(32), default=None, index=True)
    landline_key: Mapped[str | None] = mapped_column(String(32), default=None)

    attributes: Mapped[dict[str, Any]] = mapped_column(default=dict)
    flags: Mapped[list[Any]] = mapped_column(default=list)

    __table_args__ = (
        UniqueConstraint("owner", "source", "source_id", name="uq_customer_source_records"),
        # Search by phone looks at both kinds (a mobile's index is above).
        Index("ix_customer_source_records_landline", "landline_key"),
        # The real-time path's blocking keys (`matching.BLOCKING_RULES`).
        Index("ix_customer_source_records_names", "last_name_key", "first_name_key"),
        Index("ix_customer_source_records_first_birth", "first_name_key", "birth_date"),
        Index("ix_customer_source_records_last_birth", "last_name_key", "birth_date"),
        # Both names after the postal code: a name with the other's initial is read from the
        # index alone, and both names with the postal code are one exact look-up.
        Index(
            "ix_customer_source_records_postal_first",
            "postal_code",
            "first_name_key",
            "last_name_key",
        ),
        Index(
            "ix_customer_source_records_postal_last",
            "postal_code",
            "last_name_key",
            "first_name_key",
        ),
        Index("ix_customer_source_records_street", "street_key", "postal_code"),
    )


class Customer(TimestampMixin, Base):
    """A golden customer: one person across every channel, each field chosen among its
    source records by the survivorship rules, with where it came from (`provenance`)."""

    __tablename__ = "customers"

    id: Mapped[str] = id_column("cus")
    # active | merged (into `merged_into_id`, the id still answers) | erased (GDPR)
    status: Mapped[str] = mapped_column(String(16), default="active", index=True)
    merged_into_id: Mapped[str | None] = mapped_column(String(40), default=None)
    first_name: Mapped[str | None] = mapped_column(String(200), default=None)
    last_name: Mapped[str | None] = mapped_column(String(200), default=None)
    birth_name: Mapped[str | None] = mapped_column(String(200), default=None)
    email: Mapped[str | None] = mapped_column(String(320), default=None)
    phone: Mapped[str | None] = mapped_column(String(32), default=None)
    birth_date: Mapped[date | None] = mapped_column(default=None)
    gender: Mapped[str | None] = mapped_column(String(1), default=None)
    street: Mapped[str | None] = mapped_column(String(300), default=None)
    postal_code: Mapped[str | None] = mapped_column(String(16), default=None, index=True)
    city: Mapped[str | None] = mapped_column(String(120), default=None)
    country: Mapped[str | None] = mapped_column(String(2), default=None)
    loyalty_card: Mapped[str | None] = mapped_column(String(64), default=None)
    provenance: Mapped[dict[str, Any]] = mapped_column(default=dict)
    # Search keys of the golden fields.
    first_name_key: Mapped[str | None] = mapped_column(String(200), default=None)
    last_name_key: Mapped[str | None] = mapped_column(String(200), default=None, index=True)
    email_key: Mapped[str | None] = mapped_column(String(320), default=None, index=True)
    record_count: Mapped[int] = mapped_column(default=0)


class Identity(Base):
    """An identifier known for a customer (e-mail, phone, card, account, device, anonymous id)
    and the system that gave it."""

    __tablename__ = "customer_identities"

    id: Mapped[str] = id_column("cid")
    customer_id: Mapped[str] = mapped_column(ForeignKey("customers.id"), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    value: Mapped[str] = mapped_column(String(320))
    source: Mapped[str] = mapped_column(String(64))
    record_id: Mapped[str | None] = mapped_column(
        ForeignKey("customer_source_records.id"), default=None, index=True
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (Index("ix_customer_identities_value", "kind", "value"),)


class MatchReview(TimestampMixin, Base):
    """A pair of records the model could not settle: an operator decides."""

    __tablename__ = "customer_match_reviews"

    id: Mapped[str] = id_column("rev")
    record_a_id: Mapped[str] = mapped_column(ForeignKey("customer_source_records.id"))
    record_b_id: Mapped[str] = mapped_column(ForeignKey("customer_source_records.id"))
    weight: Mapped[float] = mapped_column()
    probability: Mapped[float] = mapped_column()
    levels: Mapped[list[Any]] = mapped_column(default=list)
    # pending | merged | distinct
    status: Mapped[str] = mapped_column(String(16), default="pending", index=True)
    decision_id: Mapped[str | None] = mapped_column(String(40), default=None)

    __table_args__ = (
        UniqueConstraint("record_a_id", "record_b_id", name="uq_customer_match_reviews"),
    )


class Decision(Base):
    """An operator's decision (merge, split, review verdict), audited and reversible:
    `before` and `after` give each touched record's customer."""

    __tablename__ = "customer_decisions"

    id: Mapped[str] = id_column("dec")
    kind: Mapped[str] = mapped_column(String(32))
    actor: Mapped[str] = mapped_column(String(200))
    note: Mapped[str | None] = mapped_column(String(500), default=None)
    customer_ids: Mapped[list[Any]] = mapped_column(default=list)
    before: Mapped[dict[str, Any]] = mapped_column(default=dict)
    after: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    reverted_at: Mapped[datetime | None] = mapped_column(default=None)
    reverted_by: Mapped[str | None] = mapped_column(String(200), default=None)


class LinkConstraint(Base):
    """What operators decided about two records, kept by every later batch run:
    `must` (same person) or `cannot` (different persons)."""

    __tablename__ = "customer_link_constraints"

    id: Mapped[str] = id_column("lnk")
    record_a_id: Mapped[str] = mapped_column(ForeignKey("customer_source_records.id"), index=True)
    record_b_id: Mapped[str] = mapped_column(ForeignKey("customer_source_records.id"), index=True)
    kind: Mapped[str] = mapped_column(String(8))
    decision_id: Mapped[str] = mapped_column(ForeignKey("customer_decisions.id"), index=True)
    active: Mapped[bool] = mapped_column(default=True)


class MatchModelVersion(Base):
    """Fellegi–Sunter parameters estimated by a batch run; the newest is used in real time."""

    __tablename__ = "customer_match_models"

    id: Mapped[str] = id_column("mdl")
    parameters: Mapped[dict[str, Any]] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)


class ResolutionRun(Base):
    __tablename__ = "customer_resolution_runs"

    id: Mapped[str] = id_column("run")
    engine: Mapped[str] = mapped_column(String(16))
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(default=None)
    figures: Mapped[dict[str, Any]] = mapped_column(default=dict)


class ConsentEvent(Base):
    """One consent given or withdrawn, for a purpose on a channel, as a source recorded it.
    The current state of a purpose and channel is its latest event."""

    __tablename__ = "customer_consent_events"

    id: Mapped[str] = id_column("cst")
    customer_id: Mapped[str] = mapped_column(ForeignKey("customers.id"), index=True)
    purpose: Mapped[str] = mapped_column(String(32))
    channel: Mapped[str] = mapped_column(String(32))
    granted: Mapped[bool] = mapped_column()
    source: Mapped[str] = mapped_column(String(64))
    record_id: Mapped[str | None] = mapped_column(
        ForeignKey("customer_source_records.id"), default=None
    )
    occurred_at: Mapped[datetime] = mapped_column()
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (
        Index("ix_customer_consent_events_state", "customer_id", "purpose", "channel"),
    )

"""Tables of the brand's network: legal/operating entities, physical locations, sales channels."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from omnicanal.db import Base, TimestampMixin, id_column


class Entity(TimestampMixin, Base):
    __tablename__ = "entities"

    id: Mapped[str] = id_column("ent")
    code: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(32), index=True)
    legal_name: Mapped[str | None] = mapped_column(String(200), default=None)
    siret: Mapped[str | None] = mapped_column(String(14), default=None)
    active: Mapped[bool] = mapped_column(default=True)


class Location(TimestampMixin, Base):
    __tablename__ = "locations"

    id: Mapped[str] = id_column("loc")
    code: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(32), index=True)
    owner_entity_id: Mapped[str] = mapped_column(ForeignKey("entities.id"), index=True)
    street: Mapped[str | None] = mapped_column(String(300), default=None)
    postal_code: Mapped[str | None] = mapped_column(String(16), default=None)
    city: Mapped[str | None] = mapped_column(String(120), default=None, index=True)
    country: Mapped[str] = mapped_column(String(2), default="FR")
    latitude: Mapped[float | None] = mapped_column(default=None)
    longitude: Mapped[float | None] = mapped_column(default=None)
    timezone: Mapped[str] = mapped_column(String(64), default="Europe/Paris")
    phone: Mapped[str | None] = mapped_column(String(32), default=None)
    opening_hours: Mapped[dict[str, Any]] = mapped_column(default=dict)
    capabilities: Mapped[list[Any]] = mapped_column(default=list)
    active: Mapped[bool] = mapped_column(default=True)


class Channel(TimestampMixin, Base):
    __tablename__ = "channels"

    id: Mapped[str] = id_column("chn")
    code: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(32), index=True)
    entity_id: Mapped[str] = mapped_column(ForeignKey("entities.id"), index=True)
    active: Mapped[bool] = mapped_column(default=True)

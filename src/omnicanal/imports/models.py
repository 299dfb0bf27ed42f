"""Tables of import runs and of the rows they rejected."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from omnicanal.db import Base, id_column, utcnow


class ImportRun(Base):
    __tablename__ = "import_runs"

    id: Mapped[str] = id_column("imp")
    kind: Mapped[str] = mapped_column(String(40), index=True)
    source: Mapped[str] = mapped_column(String(500))
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(default=None)
    rows_read: Mapped[int] = mapped_column(default=0)
    rows_created: Mapped[int] = mapped_column(default=0)
    rows_updated: Mapped[int] = mapped_column(default=0)
    rows_rejected: Mapped[int] = mapped_column(default=0)


class RejectedRow(Base):
    """A row that could not be accepted: kept as read, with why, until replayed successfully."""

    __tablename__ = "rejected_rows"

    id: Mapped[str] = id_column("rej")
    run_id: Mapped[str] = mapped_column(ForeignKey("import_runs.id"), index=True)
    kind: Mapped[str] = mapped_column(String(40), index=True)
    row_number: Mapped[int] = mapped_column()
    raw: Mapped[dict[str, Any]] = mapped_column()
    errors: Mapped[list[Any]] = mapped_column()
    status: Mapped[str] = mapped_column(String(16), default="rejected", index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    replayed_at: Mapped[datetime | None] = mapped_column(default=None)

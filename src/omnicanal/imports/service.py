"""Running an import: each row validated and written on its own savepoint, rejected rows kept."""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from omnicanal.db import utcnow
from omnicanal.errors import DomainError
from omnicanal.imports.models import ImportRun, RejectedRow
from omnicanal.security.permissions import Principal

Outcome = Literal["created", "updated"]
RowHandler = Callable[[Session, Principal, dict[str, Any]], Outcome]

_IMPORTERS: dict[str, RowHandler] = {}


def register_importer(kind: str, handler: RowHandler) -> None:
    _IMPORTERS[kind] = handler


def importer(kind: str) -> RowHandler:
    load_importers()
    try:
        return _IMPORTERS[kind]
    except KeyError:
        known = ", ".join(sorted(_IMPORTERS))
        raise ValueError(f"unknown import kind {kind!r} (known: {known})") from None


def importer_kinds() -> list[str]:
    load_importers()
    return sorted(_IMPORTERS)


def load_importers() -> None:
    from omnicanal.customers import importers as _customers  # noqa: F401
    from omnicanal.network import importers as _network  # noqa: F401


@dataclass
class RowError:
    row_number: int
    field: str | None
    message: str


@dataclass
class ImportReport:
    run_id: str
    kind: str
    source: str
    read: int = 0
    created: int = 0
    updated: int = 0
    rejected: int = 0
    errors: list[RowError] = field(default_factory=list)

    def write_csv(self, path: Path) -> None:
        with path.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(["row", "field", "error"])
            for error in self.errors:
                writer.writerow([error.row_number, error.field or "", error.message])


def row_errors(exc: Exception) -> list[dict[str, str | None]]:
    """The reasons a row was refused, each naming its field when there is one."""
    if isinstance(exc, ValidationError):
        return [
            {
                "field": ".".join(str(p) for p in err["loc"]) or None,
                "message": str(err["msg"]).removeprefix("Value error, "),
            }
            for err in exc.errors()
        ]
    if isinstance(exc, DomainError):
        return [{"field": exc.field, "message": exc.detail}]
    return [{"field": None, "message": str(exc)}]


REJECTABLE = (ValidationError, DomainError, ValueError)


def _apply(
    session: Session, handler: RowHandler, principal: Principal, row: dict[str, Any]
) -> Outcome:
    if "__unparsed__" in row:
        raise ValueError(f"unreadable line: {row.get('__error__')}")
    if "__extra_columns__" in row:
        raise ValueError("the row has more values than the header has columns")
    with session.begin_nested():
        return handler(session, principal, row)


def run_import(
    factory: sessionmaker[Session],
    principal: Principal,
    kind: str,
    source: str,
    rows: Iterable[tuple[int, dict[str, Any]]],
    *,
    batch_size: int = 500,
    on_progress: Callable[[int], None] | None = None,
) -> ImportReport:
    """Import `rows`, committing every `batch_size` rows so a long import keeps its progress."""
    handler = importer(kind)
    with factory.begin() as session:
        run = ImportRun(kind=kind, source=source)
        session.add(run)
    report = ImportReport(run_id=run.id, kind=kind, source=source)

    session = factory()
    try:
        for row_number, row in rows:
            report.read += 1
            try:
                outcome = _apply(session, handler, principal, row)
            except REJECTABLE as exc:
                errors = row_errors(exc)
                report.rejected += 1
                report.errors.extend(
                    RowError(row_number, e["field"], e["message"] or "") for e in errors
                )
                session.add(
                    RejectedRow(
                        run_id=run.id, kind=kind, row_number=row_number, raw=row, errors=errors
                    )
                )
            else:
                if outcome == "created":
                    report.created += 1
                else:
                    report.updated += 1
            if report.read % batch_size == 0:
                session.commit()
            if on_progress:
                on_progress(1)
        stored = session.get(ImportRun, run.id)
        assert stored is not None
        stored.rows_read = report.read
        stored.rows_created = report.created
        stored.rows_updated = report.updated
        stored.rows_rejected = report.rejected
        stored.finished_at = utcnow()
        session.commit()
    finally:
        session.close()
    return report


def list_rejected(
    session: Session, kind: str | None = None, run_id: str | None = None, status: str = "rejected"
) -> list[RejectedRow]:
    query = select(RejectedRow).where(RejectedRow.status == status)
    if kind:
        query = query.where(RejectedRow.kind == kind)
    if run_id:
        query = query.where(RejectedRow.run_id == run_id)
    return list(session.scalars(query.order_by(RejectedRow.created_at, RejectedRow.row_number)))


@dataclass
class ReplayReport:
    replayed: int = 0
    still_rejected: int = 0


def replay_rejected(
    factory: sessionmaker[Session],
    principal: Principal,
    kind: str | None = None,
    run_id: str | None = None,
) -> ReplayReport:
    """Try rejected rows again (after the reference data or the code was fixed)."""
    report = ReplayReport()
    with factory.begin() as session:
        for rejected in list_rejected(session, kind, run_id):
            try:
                _apply(session, importer(rejected.kind), principal, dict(rejected.raw))
            except REJECTABLE as exc:
                rejected.errors = row_errors(exc)
                report.still_rejected += 1
            else:
                rejected.status = "replayed"
                rejected.replayed_at = utcnow()
                report.replayed += 1
    return report

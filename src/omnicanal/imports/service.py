"""Running an import: each row validated and written on its own savepoint, rejected rows kept."""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable, Iterator
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


@dataclass(frozen=True)
class BatchImporter:
    """For kinds imported by the hundred thousand: `validate` checks one row (raising what
    a row handler raises) and gives what `write` takes; `write` stores a batch of validated
    rows at once and says how many were created and how many updated."""

    validate: Callable[[dict[str, Any]], Any]
    write: Callable[[Session, Principal, list[Any]], tuple[int, int]]
    # rows a batch (and a commit) for this kind, when it writes better in larger batches
    batch_size: int | None = None


Rows = Iterable[tuple[int, dict[str, Any]]]
Assembler = Callable[[Rows], Iterator[tuple[int, dict[str, Any]]]]

_IMPORTERS: dict[str, RowHandler] = {}
_BATCH_IMPORTERS: dict[str, BatchImporter] = {}
_ASSEMBLERS: dict[str, Assembler] = {}


def register_importer(
    kind: str,
    handler: RowHandler | None = None,
    batch: BatchImporter | None = None,
    assemble: Assembler | None = None,
) -> None:
    """`handler` imports one row; a kind that also has a `batch` importer is written a batch
    at a time, falling back to row by row (the batch importer given one row, without a
    `handler`) when a batch is refused as a whole. `assemble` makes the file's rows into the
    kind's records (the lines of one order, one after another, into that order): a record is
    validated, written, rejected and replayed whole."""
    if handler is None:
        if batch is None:
            raise ValueError(f"{kind}: give a row handler, a batch importer, or both")
        handler = _row_by_row(batch)
    _IMPORTERS[kind] = handler
    if batch is not None:
        _BATCH_IMPORTERS[kind] = batch
    if assemble is not None:
        _ASSEMBLERS[kind] = assemble


def _row_by_row(batch: BatchImporter) -> RowHandler:
    def handler(session: Session, principal: Principal, row: dict[str, Any]) -> Outcome:
        created, _ = batch.write(session, principal, [batch.validate(row)])
        return "created" if created else "updated"

    return handler


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
    from omnicanal.catalog import importers as _catalog  # noqa: F401
    from omnicanal.customers import importers as _customers  # noqa: F401
    from omnicanal.inventory import importers as _inventory  # noqa: F401
    from omnicanal.network import importers as _network  # noqa: F401
    from omnicanal.orders import importers as _orders  # noqa: F401
    from omnicanal.pricing import importers as _pricing  # noqa: F401


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
    rows: Rows,
    *,
    batch_size: int = 500,
    on_progress: Callable[[int], None] | None = None,
) -> ImportReport:
    """Import `rows`, committing every `batch_size` records so a long import keeps its
    progress; `on_progress` counts the file's rows as they are read."""
    handler = importer(kind)
    if on_progress is not None:
        rows = _counted(rows, on_progress)
    assemble = _ASSEMBLERS.get(kind)
    if assemble is not None:
        rows = assemble(rows)
    with factory.begin() as session:
        run = ImportRun(kind=kind, source=source)
        session.add(run)
    report = ImportReport(run_id=run.id, kind=kind, source=source)

    batch_importer = _BATCH_IMPORTERS.get(kind)
    if batch_importer is not None and batch_importer.batch_size:
        batch_size = batch_importer.batch_size
    session = factory()

    def reject(row_number: int, row: dict[str, Any], exc: Exception) -> None:
        errors = row_errors(exc)
        report.rejected += 1
        report.errors.extend(RowError(row_number, e["field"], e["message"] or "") for e in errors)
        session.add(
            RejectedRow(run_id=run.id, kind=kind, row_number=row_number, raw=row, errors=errors)
        )

    def one_by_one(pending: list[tuple[int, dict[str, Any]]]) -> None:
        for row_number, row in pending:
            try:
                outcome = _apply(session, handler, principal, row)
            except REJECTABLE as exc:
                reject(row_number, row, exc)
            else:
                if outcome == "created":
                    report.created += 1
                else:
                    report.updated += 1

    def flush_batch(pending: list[tuple[int, dict[str, Any]]]) -> None:
        assert batch_importer is not None
        valid: list[tuple[int, dict[str, Any], Any]] = []
        for row_number, row in pending:
            try:
                if "__unparsed__" in row or "__extra_columns__" in row:
                    _apply(session, handler, principal, row)  # raises the row's reason
                valid.append((row_number, row, batch_importer.validate(row)))
            except REJECTABLE as exc:
                reject(row_number, row, exc)
        if not valid:
            return
        try:
            with session.begin_nested():
                created, updated = batch_importer.write(session, principal, [v for *_, v in valid])
        except REJECTABLE:
            one_by_one([(number, row) for number, row, _ in valid])
        else:
            report.created += created
            report.updated += updated

    try:
        pending: list[tuple[int, dict[str, Any]]] = []
        for row_number, row in rows:
            report.read += 1
            if batch_importer is None:
                one_by_one([(row_number, row)])
            else:
                pending.append((row_number, row))
                if len(pending) >= batch_size:
                    flush_batch(pending)
                    pending = []
            if report.read % batch_size == 0:
                session.commit()
        if pending:
            flush_batch(pending)
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


def _counted(
    rows: Rows, on_progress: Callable[[int], None]
) -> Iterator[tuple[int, dict[str, Any]]]:
    for item in rows:
        on_progress(1)
        yield item


def hold_rows(
    session: Session, kind: str, source: str, rows: list[tuple[dict[str, Any], Exception]]
) -> str | None:
    """Keep rows that a feed outside an import (an API call) could not apply yet, with why, as
    an import run of their own: listed and replayed like any rejected row. Returns the run."""
    if not rows:
        return None
    run = ImportRun(
        kind=kind, source=source, rows_read=len(rows), rows_rejected=len(rows),
        finished_at=utcnow(),
    )  # fmt: skip
    session.add(run)
    session.flush()
    for number, (raw, exc) in enumerate(rows, start=1):
        session.add(
            RejectedRow(run_id=run.id, kind=kind, row_number=number, raw=raw,
                        errors=row_errors(exc))
        )  # fmt: skip
    return run.id


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

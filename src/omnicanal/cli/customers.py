"""`omnicanal customers`: batch identity resolution, the links export, GDPR export and erasure."""

from __future__ import annotations

import time
from pathlib import Path

import typer

app = typer.Typer(
    help=(
        "The customer referential: resolve records into golden customers, export the links, "
        "export or erase a customer (GDPR)."
    ),
    no_args_is_help=True,
)


@app.command()
def resolve(
    engine: str = typer.Option(
        "",
        help="duckdb (in-process, the default) or spark; default from OMNICANAL_RESOLUTION_ENGINE.",
    ),
) -> None:
    """Resolve every customer record received into golden customers (trains the model on
    them; operators' merges and splits are kept)."""
    from omnicanal.cli import common
    from omnicanal.customers import flows
    from omnicanal.db import transaction
    from omnicanal.security.service import SYSTEM

    chosen = engine or common.settings().resolution_engine
    if chosen not in ("duckdb", "spark"):
        raise typer.BadParameter(f"{chosen!r}: use duckdb or spark", param_hint="--engine")
    started = time.perf_counter()
    with (
        common.console.status("resolving…") as status,
        transaction(common.session_factory()) as session,
    ):
        result = flows.resolve_all(
            session, SYSTEM, engine=chosen, progress=lambda m: status.update(m)
        )
    common.console.print(
        f"[green]{result.records:,} records → {result.customers:,} customers[/] "
        f"({result.created:,} new, {result.retired:,} merged away, {result.moved_records:,} "
        f"records moved, {result.reviews:,} pairs to review) "
        f"in {time.perf_counter() - started:.1f} s"
    )


@app.command("export-links")
def export_links(
    out: Path = typer.Argument(..., help="CSV file to write: source,source_id,customer_id."),
) -> None:
    """Write which customer each source record belongs to."""
    from omnicanal.cli import common
    from omnicanal.customers import flows
    from omnicanal.db import transaction
    from omnicanal.security.service import SYSTEM

    with transaction(common.session_factory()) as session:
        rows = flows.export_links(session, SYSTEM, out)
    common.console.print(f"[green]{rows:,} links written[/] to {out}")


@app.command("export")
def export(
    customer_id: str = typer.Argument(..., help="The customer's id (a merged id: its survivor)."),
    out: Path | None = typer.Option(None, "--out", help="JSON file to write; default: stdout."),
) -> None:
    """Write everything held about a customer as JSON (GDPR access and portability)."""
    import json

    from omnicanal.cli import common
    from omnicanal.customers import gdpr
    from omnicanal.db import transaction
    from omnicanal.errors import DomainError
    from omnicanal.security.service import SYSTEM

    try:
        with transaction(common.session_factory()) as session:
            data = gdpr.export_customer(session, SYSTEM, customer_id)
    except DomainError as exc:
        common.err_console.print(f"[red]Error:[/] {exc.detail}")
        raise typer.Exit(code=1) from exc
    text = json.dumps(data, ensure_ascii=False, indent=2)
    if out is None:
        typer.echo(text)
        return
    out.write_text(text + "\n", encoding="utf-8")
    common.console.print(
        f"[green]Customer {data['metadata']['customer_id']} exported[/] to {out} "
        f"({len(data['records'])} records)"
    )


@app.command("erase")
def erase(
    customer_id: str = typer.Argument(..., help="The customer's id (a merged id: its survivor)."),
    reason: str = typer.Option(..., "--reason", help="Why (kept in the audit), 1-500 chars."),
    yes: bool = typer.Option(False, "--yes", "-y", help="Do not ask for confirmation."),
) -> None:
    """Erase a customer's personal data everywhere (GDPR right to erasure). Cannot be undone."""
    from omnicanal.cli import common
    from omnicanal.customers import gdpr
    from omnicanal.db import transaction
    from omnicanal.errors import DomainError
    from omnicanal.security.service import SYSTEM

    if not yes:
        typer.confirm(
            f"Erase every personal data of customer {customer_id}? This cannot be undone.",
            abort=True,
        )
    try:
        with transaction(common.session_factory()) as session:
            report = gdpr.erase_customer(session, SYSTEM, customer_id, reason)
    except DomainError as exc:
        common.err_console.print(f"[red]Error:[/] {exc.detail}")
        raise typer.Exit(code=1) from exc
    if report.already_erased:
        common.console.print(f"Customer {report.customer_id} was already erased: nothing to do")
        return
    changed = ", ".join(f"{table} {n:,}" for table, n in sorted(report.counts.items()) if n)
    common.console.print(
        f"[green]Customer {report.customer_id} erased[/] "
        f"({len(report.erased_customer_ids)} customer ids; {changed})"
    )

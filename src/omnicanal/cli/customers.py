"""`omnicanal customers`: batch identity resolution and the links export."""

from __future__ import annotations

import time
from pathlib import Path

import typer

app = typer.Typer(
    help="The customer referential: resolve records into golden customers, export the links.",
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

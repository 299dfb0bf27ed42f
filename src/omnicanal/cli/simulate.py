"""`omnicanal simulate OUT_DIR`: write the simulated brand's exports and ground truth."""

from __future__ import annotations

import os
from pathlib import Path

import typer
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table

from omnicanal.cli.common import console, err_console
from omnicanal.simulation import generate, parse_scale


def simulate(
    out_dir: Path = typer.Argument(
        ..., file_okay=False, help="Folder to write (its generated folders are replaced)."
    ),
    scale: str = typer.Option(
        "small", help="tiny, small (20 000 persons), medium, large, or a number of persons."
    ),
    seed: int = typer.Option(42, help="The same seed gives the same files, byte for byte."),
    processes: int = typer.Option(
        0,
        help="Worker processes (0: one per core); the output does not depend on it.",
    ),
    summary: bool = typer.Option(True, help="Print the rows of every file written."),
) -> None:
    """Generate the simulated brand "Maison Démo" with its ground truth."""
    try:
        chosen = parse_scale(scale)
    except ValueError as exc:
        err_console.print(f"[red]Error (--scale):[/] {exc}")
        raise typer.Exit(code=2) from exc
    workers = processes or (os.cpu_count() or 1)
    tasks: dict[str, TaskID] = {}
    with Progress(
        TextColumn("{task.description:<22}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
    ) as progress:

        def report(phase: str, done: int, total: int) -> None:
            if phase not in tasks:
                tasks[phase] = progress.add_task(phase, total=total)
            progress.update(tasks[phase], completed=done, total=total)

        manifest = generate(out_dir, chosen, seed, processes=workers, progress=report)

    if summary:
        table = Table("file", "rows", title=f"Maison Démo — {chosen.name}, seed {seed}")
        for relative, rows in manifest.files.items():
            table.add_row(relative, f"{rows:,}".replace(",", " "))
        console.print(table)

    def n(value: int) -> str:
        return f"{value:,}".replace(",", " ")

    console.print(
        f"{n(manifest.persons)} persons, {manifest.stores} stores, {n(manifest.products)} products"
        f" in {manifest.seconds:.1f} s → {out_dir}"
    )

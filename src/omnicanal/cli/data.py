"""`omnicanal import KIND FILE`: files from channel systems, with a per-row error report."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from omnicanal.cli.common import console, err_console, session_factory
from omnicanal.imports import readers
from omnicanal.imports import service as imports
from omnicanal.security.service import SYSTEM

import_app = typer.Typer(
    help="Import files (CSV, JSON Lines, Parquet) from channel systems; rejected rows are kept.",
    no_args_is_help=True,
)


def progress_bar() -> Progress:
    return Progress(
        TextColumn("{task.description:<28}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=console,
    )


def import_file(
    kind: str,
    path: Path,
    progress: Progress,
    fmt: str | None = None,
    column_map: dict[str, str] | None = None,
    defaults: dict[str, str] | None = None,
    lines: Path | None = None,
) -> imports.ImportReport:
    """Import one file through the import path of `kind`, advancing a progress bar.
    `defaults` fill columns that a row leaves empty (a row's own value wins); `lines` is a
    second file with the lines of the first one's records (a till's receipt lines), joined on
    the records' id (`order_id` once the columns are renamed)."""
    total = readers.count_rows(path, fmt)
    fill = defaults or {}

    def prepared(row: dict[str, object]) -> dict[str, object]:
        row = readers.apply_mapping(row, column_map or {})
        for name, value in fill.items():
            if row.get(name) in (None, ""):
                row[name] = value
        return row

    rows = ((number, prepared(row)) for number, row in readers.read_rows(path, fmt))
    if lines is not None:
        line_rows = (
            (number, readers.apply_mapping(row, column_map or {}))
            for number, row in readers.read_rows(lines)
        )
        rows = readers.attach_lines(rows, line_rows, "order_id")
    task = progress.add_task(f"Importing {kind}", total=total)
    return imports.run_import(
        session_factory(),
        SYSTEM,
        kind,
        str(path),
        rows,
        on_progress=lambda n: progress.advance(task, n),
    )


def _run(
    kind: str,
    path: Path,
    fmt: str | None,
    mapping: list[str] | None,
    report: Path | None,
    defaults: dict[str, str] | None = None,
    lines: Path | None = None,
) -> None:
    session_factory()  # stops here, clearly, when the schema needs upgrading
    try:
        column_map = readers.parse_mapping(mapping or [])
        with progress_bar() as progress:
            result = import_file(kind, path, progress, fmt, column_map, defaults, lines)
    except (readers.UnreadableFile, ValueError, OSError) as exc:
        err_console.print(f"[red]Cannot import {path}:[/] {exc}")
        raise typer.Exit(code=2) from exc

    console.print(
        f"{result.read} rows read: [green]{result.created} created[/], "
        f"{result.updated} updated, [red]{result.rejected} rejected[/] (run {result.run_id})"
    )
    if result.errors:
        table = Table("row", "field", "error", title="Rejected rows")
        for error in result.errors[:20]:
            table.add_row(str(error.row_number), error.field or "", error.message)
        console.print(table)
        if len(result.errors) > 20:
            console.print(f"… and {len(result.errors) - 20} more errors.")
        report = report or path.with_name(f"{path.stem}.errors.csv")
        result.write_csv(report)
        console.print(f"Error report: {report}")
        console.print("Fix the data, then `omnicanal import replay` retries the kept rows.")
        raise typer.Exit(code=1)


# The arguments every `import KIND` command takes, declared once.
File = Annotated[
    Path, typer.Argument(exists=True, dir_okay=False, help="CSV, JSON Lines or Parquet file.")
]
Format = Annotated[
    str | None,
    typer.Option("--format", help="csv, jsonl or parquet (default: from the file name)."),
]
Mapping = Annotated[
    list[str] | None, typer.Option("--map", help="Rename a column: COLUMN=FIELD; repeatable.")
]
Report = Annotated[Path | None, typer.Option(help="Where to write the per-row error report (CSV).")]


@import_app.command("locations")
def import_locations(
    file: File,
    format: Format = None,
    map: Mapping = None,
    report: Report = None,
) -> None:
    """Stores and warehouses, matched on `code` (created or updated).

    Columns: code, name, kind (store|warehouse), owner_entity_code (or owner_entity_id),
    street, postal_code, city, country, latitude, longitude, timezone, phone,
    opening_hours (`Mo-Sa 09:30-19:00; Su off`), capabilities (`click_and_collect|returns`),
    active.
    """
    _run("locations", file, format, map, report)


@import_app.command("entities")
def import_entities(
    file: File,
    format: Format = None,
    map: Mapping = None,
    report: Report = None,
) -> None:
    """Entities (HQ, web shop, franchisees, ...), matched on `code`.

    Columns: code, name, kind, legal_name, siret, active.
    """
    _run("entities", file, format, map, report)


@import_app.command("channels")
def import_channels(
    file: File,
    format: Format = None,
    map: Mapping = None,
    report: Report = None,
) -> None:
    """Sales channels, matched on `code`.

    Columns: code, name, kind (store|web|app|call_center|marketplace|social), entity_code
    (or entity_id), active.
    """
    _run("channels", file, format, map, report)


@import_app.command("customers")
def import_customers(
    file: File,
    source: str = typer.Option(None, help="The system the records come from (pos, web, app…)."),
    format: Format = None,
    map: Mapping = None,
    report: Report = None,
) -> None:
    """Customer records from a channel system, kept as received and normalised.

    Known fields: source_id, first_name, last_name, email, phone, birth_date, street,
    postal_code, city, country, loyalty_card, gender; other columns are kept as attributes.
    A `source` column overrides --source row by row.
    """
    _run("customers", file, format, map, report, {"source": source} if source else None)


@import_app.command("products")
def import_products(
    file: File,
    format: Format = None,
    map: Mapping = None,
    report: Report = None,
) -> None:
    """Master products, matched on `sku` (created or updated).

    Columns: sku, gtin (GTIN-8/12/13/14), name (or name_fr), name_en, description_fr,
    description_en, brand, category (a path: `Femme > Robes`, created as needed), parent_sku,
    variant_axes (`size|colour`), status (active|draft|discontinued); other columns (size,
    colour, ...) are kept as the product's attributes.
    """
    _run("products", file, format, map, report)


@import_app.command("product_codes")
def import_product_codes(
    file: File,
    owner: str = typer.Option(
        None, help="Entity code (or system name) whose codes these are, e.g. FR-ALPES."
    ),
    format: Format = None,
    map: Mapping = None,
    report: Report = None,
) -> None:
    """An owner's own product file: each code mapped to a master SKU automatically (GTIN,
    then a scored match on the label, brand, category and price) or queued for review.

    Columns: code, gtin, name, brand, category, price (`66,90`) or price_minor, currency;
    other columns are kept as attributes. An `owner` column overrides --owner row by row.
    A franchisee's till file: --map code_article=code --map libelle=name --map ean=gtin
    --map prix_ttc=price --map rayon=category.
    """
    _run("product_codes", file, format, map, report, {"owner": owner} if owner else None)


@import_app.command("prices")
def import_prices(
    file: File,
    owner: str = typer.Option(
        None, help="Whose local product codes the `code` column holds, e.g. FR-ALPES."
    ),
    format: Format = None,
    map: Mapping = None,
    report: Report = None,
) -> None:
    """Price rows: a change closes the row it replaces, so the history stays.

    Columns: sku, gtin or code (an owner's local code, mapped through the catalog), amount
    (minor units) or price (`66,90`), currency (EUR), channel, location, segment (codes),
    valid_from, valid_until (ISO 8601 with offset), price_list (base). An `owner` column
    overrides --owner row by row.
    """
    _run("prices", file, format, map, report, {"owner": owner} if owner else None)


@import_app.command("stock_counts")
def import_stock_counts(
    file: File, format: Format = None, map: Mapping = None, report: Report = None
) -> None:
    """Counts of a location's stock, SKU by SKU: each row sets its SKU as counted at that
    instant, the movements stamped after it added back on top.

    Columns: location_code, sku or code (a local code of the location's owner), quantity,
    counted_at (ISO 8601 with offset).
    """
    _run("stock_counts", file, format, map, report)


@import_app.command("stock_movements")
def import_stock_movements(
    file: File,
    kind: str = typer.Option(None, help="The kind of every row without one, e.g. receipt."),
    format: Format = None,
    map: Mapping = None,
    report: Report = None,
) -> None:
    """Stock movements, each applied once: importing a file again changes nothing.

    Columns: movement_id (unique at its location), location_code, sku or code, quantity
    (signed: +3 received, -1 sold), kind (receipt, transfer_in, return, sale, transfer_out,
    write_off, adjustment; or `reason`: shipment, ship_from_store, click_and_collect...),
    occurred_at, reference (an order, a transfer), supplier.
    """
    _run("stock_movements", file, format, map, report, {"kind": kind} if kind else None)


@import_app.command("stock_transfers")
def import_stock_transfers(
    file: File, format: Format = None, map: Mapping = None, report: Report = None
) -> None:
    """Transfers between locations: out of one when shipped, into the other when received.

    Columns: transfer_id, from_location, to_location, sku or code, quantity, shipped_at,
    received_at.
    """
    _run("stock_transfers", file, format, map, report)


Settings = Annotated[
    list[str] | None,
    typer.Option("--set", help="A value for every row without one: FIELD=VALUE; repeatable."),
]


@import_app.command("orders")
def import_orders(
    file: File,
    lines: Annotated[
        Path | None,
        typer.Option(
            exists=True,
            dir_okay=False,
            help="The lines of the orders, in a file of "
            "their own (a till's receipt lines), joined on order_id.",
        ),
    ] = None,
    format: Format = None,
    map: Mapping = None,
    set: Settings = None,
    report: Report = None,
) -> None:
    """Orders a channel system recorded (till receipts, an e-shop's, a call center's, a
    marketplace's orders), as history: prices as charged, statuses as reported, no stock
    moved (the stock feeds carry it). Each order is taken once, by channel and order_id.

    Fields: order_id, channel, location (the till's store), placed_at, status, fulfilment
    (home_delivery, ship_from_store, click_and_collect, in_store), pickup_location,
    customer_ref (the system's customer id) with customer_source, or loyalty_card, currency,
    subtotal, discount, shipping, total, coupon_code, postal_code, city; and lines
    (line_number, sku or gtin, quantity, unit_price, discount, line_total), nested in JSON
    Lines or one row per line in CSV. Amounts in minor units (`_cents` accepted).
    """
    _run("orders", file, format, map, report, readers.parse_mapping(set or []), lines)


@import_app.command("fulfilments")
def import_fulfilments(
    file: File, format: Format = None, map: Mapping = None, report: Report = None
) -> None:
    """Steps of recorded orders' parcels and pickups, each taken once.

    Columns: fulfilment_id, order_id, order_channel, type (home_delivery, ship_from_store,
    click_and_collect), location_code, status, occurred_at, refund_cents.
    """
    _run("fulfilments", file, format, map, report)


@import_app.command("returns")
def import_returns(
    file: File, format: Format = None, map: Mapping = None, report: Report = None
) -> None:
    """Returns of recorded orders, each taken once by its return_id; one row per line.

    Columns: return_id, order_id, order_channel, line_number, sku, quantity, returned_at,
    location_code, condition, restocked, refund_cents, reason.
    """
    _run("returns", file, format, map, report)


@import_app.command("rejected")
def list_rejected(
    kind: str = typer.Option(None, help="Only this kind."),
    run: str = typer.Option(None, help="Only this import run."),
) -> None:
    """List rows kept after being rejected."""
    with session_factory()() as session:
        rows = imports.list_rejected(session, kind, run)
        table = Table("run", "kind", "row", "errors")
        for row in rows:
            errors = "; ".join(f"{e.get('field') or '-'}: {e.get('message')}" for e in row.errors)
            table.add_row(row.run_id, row.kind, str(row.row_number), errors)
    console.print(table if rows else "No rejected rows waiting.")


@import_app.command("replay")
def replay(
    kind: str = typer.Option(None, help="Only this kind."),
    run: str = typer.Option(None, help="Only this import run."),
) -> None:
    """Retry the kept rejected rows (after fixing reference data)."""
    result = imports.replay_rejected(session_factory(), SYSTEM, kind, run)
    console.print(f"[green]{result.replayed} accepted[/], {result.still_rejected} still rejected")

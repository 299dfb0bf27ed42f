"""The simulated brand's stock, loaded through the inventory's import paths (the opening counts,
supplier receipts, transfers, then every movement the locations' systems reported: sales,
shipments, click & collect, returns), and checked against the simulation's truth."""

from __future__ import annotations

from pathlib import Path

from rich.progress import Progress

from omnicanal.cli.common import console, session_factory
from omnicanal.cli.data import import_file
from omnicanal.imports.readers import parse_mapping, read_rows
from omnicanal.inventory import service

RECEIPT_COLUMNS = ["receipt_id=movement_id", "received_at=occurred_at"]


def load_stock(brand_dir: Path, progress: Progress) -> None:
    stock = brand_dir / "stock"
    steps = [
        ("stock_counts", stock / "snapshot_start.csv", None, None),
        ("stock_movements", stock / "supplier_receipts.csv", RECEIPT_COLUMNS, {"kind": "receipt"}),
        ("stock_transfers", stock / "transfers.csv", None, None),
        ("stock_movements", stock / "movements.csv", None, None),
    ]
    for kind, path, columns, defaults in steps:
        report = import_file(
            kind, path, progress, column_map=parse_mapping(columns or []), defaults=defaults
        )
        if report.rejected:
            console.print(f"[yellow]{path.name}: {report.rejected} rows rejected[/]")


def compare_with_truth(brand_dir: Path) -> tuple[int, list[tuple[str, str, int, int]]]:
    """Positions checked against `truth/stock_end.csv`, and those that differ: (location,
    sku, true quantity, quantity on hand)."""
    truth = {
        (str(row["location_code"]), str(row["sku"])): int(row["quantity"])
        for _, row in read_rows(brand_dir / "truth" / "stock_end.csv")
    }
    with session_factory()() as session:
        found = service.positions_by_key(session, list(truth))
    wrong = []
    for key, quantity in truth.items():
        position = found.get(key)
        on_hand = position.on_hand if position is not None else 0
        if on_hand != quantity:
            wrong.append((key[0], key[1], quantity, on_hand))
    return len(truth), wrong


def check_stock(brand_dir: Path) -> None:
    checked, wrong = compare_with_truth(brand_dir)
    if wrong:
        console.print(
            f"[red]Stock: {len(wrong):,} of {checked:,} positions differ from the "
            f"simulation's truth[/], e.g. {wrong[:3]}"
        )
    else:
        console.print(f"Stock: {checked:,} positions, every one equal to the simulation's truth.")

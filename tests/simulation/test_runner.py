"""The whole generator: deterministic for a seed whatever the processes, and its truth adds up."""

from __future__ import annotations

import csv
import hashlib
from collections import Counter
from pathlib import Path

from omnicanal.simulation import generate
from tests.simulation.conftest import SCALE


def _digest(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file() and p.name != "manifest.json"
    }


def test_same_seed_gives_the_same_bytes_with_any_number_of_processes(
    brand: Path, tmp_path: Path
) -> None:
    generate(tmp_path, SCALE, seed=123, processes=2)
    assert _digest(tmp_path) == _digest(brand)


def test_another_seed_gives_another_brand(brand: Path, tmp_path: Path) -> None:
    generate(tmp_path, SCALE, seed=124, processes=1)
    ours, theirs = _digest(brand), _digest(tmp_path)
    assert ours["catalog/products.csv"] != theirs["catalog/products.csv"]


def test_no_part_files_are_left_behind(brand: Path) -> None:
    assert not (brand / ".parts").exists()


def test_manifest_counts_every_file(brand: Path) -> None:
    import json

    manifest = json.loads((brand / "manifest.json").read_text())
    assert manifest["seed"] == 123 and manifest["persons"] == 900
    for relative, rows in manifest["files"].items():
        path = brand / relative
        lines = path.read_bytes().count(b"\n")
        assert rows == (lines - 1 if relative.endswith(".csv") else lines), relative


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_stock_truth_equals_opening_stock_plus_every_movement(brand: Path) -> None:
    expected: Counter[tuple[str, str]] = Counter()
    for row in _read(brand / "stock" / "snapshot_start.csv"):
        expected[(row["location_code"], row["sku"])] += int(row["quantity"])
    for row in _read(brand / "stock" / "supplier_receipts.csv"):
        expected[(row["location_code"], row["sku"])] += int(row["quantity"])
    for row in _read(brand / "stock" / "transfers.csv"):
        expected[(row["from_location"], row["sku"])] -= int(row["quantity"])
        expected[(row["to_location"], row["sku"])] += int(row["quantity"])
    movements = _read(brand / "stock" / "movements.csv")
    assert movements, "sales and returns move stock"
    for row in movements:
        expected[(row["location_code"], row["sku"])] += int(row["quantity"])
    truth = {
        (r["location_code"], r["sku"]): int(r["quantity"])
        for r in _read(brand / "truth" / "stock_end.csv")
    }
    assert truth == dict(expected)


def test_in_the_whole_brand_every_order_is_initiated_by_an_earlier_touchpoint_of_its_person(
    brand: Path,
) -> None:
    touchpoints = {t["touchpoint_id"]: t for t in _read(brand / "truth" / "touchpoints.csv")}
    orders = _read(brand / "truth" / "orders.csv")
    assert len(orders) > 100
    for order in orders:
        touch = touchpoints[order["initiating_touchpoint_id"]]
        assert touch["person_id"] == order["person_id"]
        assert touch["occurred_at"] <= order["ordered_at"]
        shares = [float(v) for k, v in order.items() if k.startswith("contribution_")]
        assert abs(sum(shares) - 1) < 1e-6


def test_in_the_whole_brand_every_customer_record_has_its_person(brand: Path) -> None:
    truth = {
        (r["source"], r["source_id"]): r["person_id"]
        for r in _read(brand / "truth" / "customer_records.csv")
    }
    persons = set(truth.values())
    assert len(persons) == 900, "every person has at least one record"
    web = _read(brand / "customers" / "web_accounts.csv")
    assert web and all(("web", row["account_id"]) in truth for row in web)
    pos = _read(brand / "customers" / "pos_customers.csv")
    assert pos and all(("pos", row["customer_no"]) in truth for row in pos)

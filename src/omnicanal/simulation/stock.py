"""Stock: the opening count per location, supplier receipts into the warehouses, weekly
transfers to the stores, and the true closing stock once every movement is known."""

from __future__ import annotations

import random
from collections import Counter
from datetime import UTC, datetime, time, timedelta
from pathlib import Path

from omnicanal.simulation.world import World
from omnicanal.simulation.writers import CsvOut

SNAPSHOT_COLUMNS = ["location_code", "sku", "quantity", "counted_at"]
TRANSFER_COLUMNS = ["transfer_id", "from_location", "to_location", "sku", "quantity",
                    "shipped_at", "received_at"]  # fmt: skip
RECEIPT_COLUMNS = ["receipt_id", "location_code", "supplier", "sku", "quantity", "received_at"]


def assortment(world: World, store_code: str) -> list[int]:
    """Indexes of the products a store carries (every store carries a part of the catalog)."""
    store = world.store(store_code)
    rng = random.Random(world.seed * 1_000_003 + store.index)
    size = min(len(world.products), max(50, int(len(world.products) * 0.4)), 600)
    return sorted(rng.sample(range(len(world.products)), k=size))


def _at(day: datetime, hour: int) -> str:
    return (day + timedelta(hours=hour)).isoformat().replace("+00:00", "Z")


def write_stock_plan(out_dir: Path, world: World, rng: random.Random) -> Counter[tuple[str, str]]:
    """Write the opening snapshot, supplier receipts and transfers; return the stock they imply
    at the end of the period, before sales and returns."""
    scale = world.scale
    start = datetime.combine(scale.start, time(0), UTC)
    stock: Counter[tuple[str, str]] = Counter()

    snapshot = CsvOut(out_dir / "stock" / "snapshot_start.csv", SNAPSHOT_COLUMNS)
    counted_at = _at(start, -2)  # the night before the period opens
    for warehouse in world.warehouses:
        for product in world.products:
            quantity = rng.randrange(20, 300)
            snapshot.write_values([warehouse, product.sku, quantity, counted_at])
            stock[(warehouse, product.sku)] += quantity
    carried = {store.code: assortment(world, store.code) for store in world.stores}
    for store in world.stores:
        for index in carried[store.code]:
            sku = world.products[index].sku
            quantity = rng.choice((0, 1, 2, 2, 3, 3, 4, 5, 6, 8))
            snapshot.write_values([store.code, sku, quantity, counted_at])
            stock[(store.code, sku)] += quantity
    snapshot.close()

    # Each store is served weekly from the nearer warehouse, sized to its share of customers.
    units_per_store_week = max(5, int(scale.persons / scale.stores * 2.4 / scale.weeks))
    receipts = CsvOut(out_dir / "stock" / "supplier_receipts.csv", RECEIPT_COLUMNS)
    transfers = CsvOut(out_dir / "stock" / "transfers.csv", TRANSFER_COLUMNS)
    transfer_no = receipt_no = 0
    for week in range(scale.weeks):
        monday = start + timedelta(weeks=week)
        shipped: Counter[tuple[str, str]] = Counter()
        for store in world.stores:
            warehouse = (
                world.warehouses[0]
                if store.longitude > 3.0 or store.latitude < 46
                else world.warehouses[1]
            )
            skus = rng.sample(
                carried[store.code], k=min(len(carried[store.code]), units_per_store_week)
            )
            for index in skus:
                sku = world.products[index].sku
                quantity = rng.choice((1, 1, 1, 2, 2, 3))
                transfer_no += 1
                transfers.write_values(
                    [
                        f"TR{transfer_no:08d}",
                        warehouse,
                        store.code,
                        sku,
                        quantity,
                        _at(monday, 5),
                        _at(monday + timedelta(days=1), 7),
                    ]
                )
                stock[(warehouse, sku)] -= quantity
                stock[(store.code, sku)] += quantity
                shipped[(warehouse, sku)] += quantity
        # Suppliers refill the warehouses with what left them, in full cases of 6.
        for (warehouse, sku), quantity in sorted(shipped.items()):
            if rng.random() < 0.5:
                continue
            cases = -(-quantity // 6) * 6
            receipt_no += 1
            receipts.write_values(
                [
                    f"RC{receipt_no:08d}",
                    warehouse,
                    "Fournisseur Textile SA",
                    sku,
                    cases,
                    _at(monday + timedelta(days=3), 9),
                ]
            )
            stock[(warehouse, sku)] += cases
    transfers.close()
    receipts.close()
    return stock


def write_stock_truth(out_dir: Path, stock: Counter[tuple[str, str]]) -> int:
    out = CsvOut(out_dir / "truth" / "stock_end.csv", ["location_code", "sku", "quantity"])
    for (location, sku), quantity in sorted(stock.items()):
        out.write_values([location, sku, quantity])
    out.close()
    return out.rows

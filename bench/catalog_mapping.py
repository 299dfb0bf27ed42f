"""Importing a franchisee product file of 50 000 lines with automatic code mapping.

    .venv/bin/python bench/catalog_mapping.py [--backend sqlite|postgresql] [--lines 50000]

The simulated brand's catalog tops out at 4 000 products (the `large` preset), and one
franchisee re-encodes 50 to 80 % of it, so no single simulated file reaches 50 000 lines. The
benchmark generates the catalog of a brand with 4 000 products and 20 franchisees (the
`large` preset's catalog, seed 42), and concatenates the 20 franchisees' files into one file
of `--lines` lines: every franchisee numbers its codes with its own 3-letter prefix, so the
codes stay distinct and the simulation's truth (`truth/franchise_products.csv`) still says
which SKU each line is. The master products are imported first (not timed); then the
concatenated file is imported as `omnicanal import product_codes --owner FR-BENCH` does
(timed), and every code's mapping is compared with the truth:

- correct: mapped (automatically) to the SKU the truth gives;
- wrong: mapped automatically to another SKU;
- held: queued for a person's review (no SKU yet).
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import tempfile
import time
import uuid
from pathlib import Path

from sqlalchemy import select, text

from omnicanal.catalog.models import Product, ProductCode
from omnicanal.db import Base, load_all_models, make_engine, make_sessionmaker
from omnicanal.imports import readers
from omnicanal.imports import service as imports
from omnicanal.security.service import SYSTEM
from omnicanal.simulation.catalog import build_products, write_catalog
from omnicanal.simulation.scale import PRESETS

PG_URL = os.environ.get(
    "OMNICANAL_TEST_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
FRANCHISE_MAP = {"code_article": "code", "libelle": "name", "ean": "gtin", "prix_ttc": "price",
                 "rayon": "category"}  # fmt: skip


def build_file(out: Path, lines: int, seed: int) -> tuple[Path, dict[str, str]]:
    scale = PRESETS["large"]
    rng = random.Random(seed)
    products = build_products(scale, rng)
    write_catalog(out, scale, products, rng)
    truth = {
        row["code_article"]: row["sku"]
        for row in csv.DictReader((out / "truth" / "franchise_products.csv").open())
    }
    big = out / "franchise_50k.csv"
    written = 0
    with big.open("w", newline="", encoding="utf-8") as handle:
        writer = None
        for path in sorted((out / "catalog" / "franchise").glob("*.csv")):
            for row in csv.DictReader(path.open(encoding="utf-8")):
                if written == lines:
                    break
                if writer is None:
                    writer = csv.DictWriter(handle, fieldnames=list(row))
                    writer.writeheader()
                writer.writerow(row)
                written += 1
    if written < lines:
        raise SystemExit(f"the simulated files hold only {written} lines")
    return big, truth


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--backend", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--lines", type=int, default=50_000)
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args()
    load_all_models()

    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        big, truth = build_file(out, args.lines, args.seed)
        schema = None
        if args.backend == "sqlite":
            url = f"sqlite:///{out / 'bench.db'}"
        else:
            schema = f"bench_{uuid.uuid4().hex[:12]}"
            admin = make_engine(PG_URL)
            with admin.begin() as connection:
                connection.execute(text(f'CREATE SCHEMA "{schema}"'))
            sep = "&" if "?" in PG_URL else "?"
            url = f"{PG_URL}{sep}options=-csearch_path%3D{schema}"
        engine = make_engine(url)
        try:
            Base.metadata.create_all(engine)
            factory = make_sessionmaker(engine)
            products = out / "catalog" / "products.csv"
            rows = ((n, {**r, "brand": "Maison Démo"}) for n, r in readers.read_rows(products))
            loaded = imports.run_import(factory, SYSTEM, "products", str(products), rows)
            print(f"master products: {loaded.created} ({loaded.rejected} rejected)")

            started = time.perf_counter()
            rows = (
                (n, {**readers.apply_mapping(r, FRANCHISE_MAP), "owner": "FR-BENCH"})
                for n, r in readers.read_rows(big)
            )
            report = imports.run_import(factory, SYSTEM, "product_codes", str(big), rows)
            seconds = time.perf_counter() - started

            with factory() as session:
                mapped = session.execute(
                    select(ProductCode.code, ProductCode.method, Product.sku).outerjoin(
                        Product, Product.id == ProductCode.product_id
                    )
                ).all()
        finally:
            engine.dispose()
            if schema is not None:
                with admin.begin() as connection:
                    connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
                admin.dispose()

    total = len(mapped)
    correct = sum(1 for r in mapped if r.sku is not None and r.sku == truth[r.code])
    wrong = sum(1 for r in mapped if r.sku is not None and r.sku != truth[r.code])
    held = sum(1 for r in mapped if r.sku is None)
    by_gtin = sum(1 for r in mapped if r.method == "gtin")
    print(f"backend {args.backend}: {report.read} lines read, {report.rejected} rejected")
    print(f"import with automatic mapping: {seconds:.1f} s ({report.read / seconds:,.0f} lines/s)")
    print(f"mapped correctly: {correct / total:.2%} ({correct} of {total}; {by_gtin} by GTIN)")
    print(f"mapped wrongly, automatically: {wrong / total:.2%} ({wrong})")
    print(f"held for review: {held / total:.2%} ({held})")


if __name__ == "__main__":
    main()

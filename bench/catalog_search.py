"""Product search on the simulated catalog, query by query as the back-office sends them.

    .venv/bin/python bench/catalog_search.py [--backend sqlite|postgresql] [--products 4000]
        [--sample 200] [--method indexed|full-scan]

The master catalog of the `large` preset (4 000 products, seed 42; `--products` builds a
larger one the same way) is imported as `omnicanal demo` imports it. Then, for 200 products
drawn at random, the queries a person types are sent to `catalog.service.search_products`
(a page of 25, each in its own session, as a page request does):

- sku: the SKU in lower case (`md-00012-noir-38`);
- gtin13 / gtin14: the GTIN as printed (13 digits) and as stored by GS1 (14 digits);
- words: name, colour and size without accents (`robe portefeuille lina noir 38`);
- typo: the same with one typo (a letter doubled, dropped, swapped or replaced);
- keystrokes: every prefix of the name, as a search-as-you-type box sends them.

It prints each kind's median and 99th percentile, and how often the product meant is on the
first page. `--method full-scan` times instead a full scan: every product read and scored in
Python per query, with the same rules. Times are wall clock (the median and 99th percentile)
and the process's CPU time (median): the machine is shared, and CPU time moves less.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import tempfile
import time
import uuid
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from sqlalchemy import select, text
from sqlalchemy.orm import Session, sessionmaker

from omnicanal.catalog import search, service
from omnicanal.catalog.models import Product
from omnicanal.db import Base, load_all_models, make_engine, make_sessionmaker
from omnicanal.imports import readers
from omnicanal.imports import service as imports
from omnicanal.security.service import SYSTEM
from omnicanal.simulation.catalog import build_products, write_catalog
from omnicanal.simulation.mess import strip_accents, typo
from omnicanal.simulation.scale import PRESETS

PG_URL = os.environ.get(
    "OMNICANAL_TEST_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)


def queries_for(product: dict[str, str], rng: random.Random) -> dict[str, list[str]]:
    words = " ".join(
        strip_accents(p).lower() for p in (product["name"], product["colour"], product["size"]) if p
    )
    return {
        "sku": [product["sku"].lower()],
        "gtin13": [product["gtin"]],
        "gtin14": ["0" + product["gtin"]],
        "words": [words],
        "typo": [typo(rng, words)],
        "keystrokes": [product["name"][:n] for n in range(1, len(product["name"]) + 1)],
    }


def full_scan(session: Session, q: str) -> list[str]:
    """The baseline: every product read and scored in Python."""
    query = search.read_query(q)
    words: dict[str, list[str]] = {}
    codes: dict[str, list[str]] = {}
    skus = {}
    rows = session.execute(
        select(
            Product.id, Product.sku, Product.gtin, Product.name_fr, Product.name_en,
            Product.brand, Product.attributes,
        )
    )  # fmt: skip
    for r in rows:
        skus[r.id] = r.sku
        for kind, term in search.product_terms(
            r.sku, r.gtin, (r.name_fr, r.name_en), r.brand, r.attributes or {}
        ):
            (words if kind == search.WORD else codes).setdefault(r.id, []).append(term)
    vocabulary = {t for terms in words.values() for t in terms}
    typos: dict[str, dict[str, float]] = {}
    for w in query.words:
        if any(t.startswith(w) for t in vocabulary):
            typos[w] = {}
        else:
            typos[w] = {t: s for t in vocabulary if (s := search.typo_score(w, t)) is not None}

    def matches(word: str, term: str) -> bool:
        prefix = len(word) >= search.MIN_PREFIX and term.startswith(word)
        return term == word or prefix or term in typos[word]

    by_words = [
        p
        for p, terms in words.items()
        if query.words and all(any(matches(w, t) for t in terms) for w in query.words)
    ]
    code = query.code
    by_code = [p for p, cs in codes.items() if code and any(c.startswith(code) for c in cs)]
    telling = set(query.words).union(*typos.values())
    hits = [(p, search.WORD, t) for p in by_words for t in words[p] if t in telling]
    hits += [(p, search.CODE, c) for p in by_code for c in codes[p] if c == code]
    ranked = search.rank(query, by_words, by_code, hits, typos, skus)
    return [i for i, _ in ranked[:25]]


def timed(
    factory: sessionmaker[Session], run: Callable[[Session, str], list[str]], q: str
) -> tuple[float, float, list[str]]:
    started, cpu = time.perf_counter(), time.process_time()
    with factory() as session:
        found = run(session, q)
    return time.perf_counter() - started, time.process_time() - cpu, found


def indexed(session: Session, q: str) -> list[str]:
    return [hit.product.sku for hit in service.search_products(session, SYSTEM, q).items]


def report(name: str, seconds: list[float], cpu: list[float], hits: int, total: int) -> None:
    ms = sorted(s * 1000 for s in seconds)
    p99 = ms[min(len(ms) - 1, int(len(ms) * 0.99))]
    found = f"{hits / total:.1%} on the first page" if total else ""
    cpu_ms = statistics.median(cpu) * 1000
    print(f"  {name:<11} {len(ms):>5} queries  p50 {statistics.median(ms):6.1f} ms  "
          f"p99 {p99:6.1f} ms  cpu p50 {cpu_ms:6.1f} ms  {found}")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--backend", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--products", type=int, default=PRESETS["large"].products)
    parser.add_argument("--sample", type=int, default=200)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--method", choices=["indexed", "full-scan"], default="indexed")
    args = parser.parse_args()
    load_all_models()
    scale = replace(PRESETS["large"], products=args.products)

    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        rng = random.Random(args.seed)
        products = build_products(scale, rng)
        write_catalog(out, scale, products, rng)
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
            path = out / "catalog" / "products.csv"
            started = time.perf_counter()
            rows = ((n, {**r, "brand": "Maison Démo"}) for n, r in readers.read_rows(path))
            loaded = imports.run_import(factory, SYSTEM, "products", str(path), rows)
            print(f"{loaded.created} master products imported in "
                  f"{time.perf_counter() - started:.1f} s ({args.backend})")  # fmt: skip
            if args.backend == "postgresql":
                with engine.begin() as connection:
                    connection.execute(text("ANALYZE"))
            sample = random.Random(args.seed + 1).sample(products, k=args.sample)
            query_rng = random.Random(args.seed + 2)
            if args.method == "indexed":
                runs = [("indexed search", indexed)]
            else:
                runs = [("full scan", lambda s, q: _skus(s, full_scan(s, q)))]
            for title, run in runs:
                print(title)
                timed(factory, run, "robe")  # warm the connection pool and caches
                by_kind: dict[str, list[float]] = {}
                cpu_by_kind: dict[str, list[float]] = {}
                hits: dict[str, int] = {}
                for product in sample:
                    wanted = product.sku
                    fields = {
                        "sku": product.sku,
                        "gtin": product.gtin,
                        "name": product.name,
                        "colour": product.colour or "",
                        "size": product.size or "",
                    }
                    for kind, texts in queries_for(fields, query_rng).items():
                        for q in texts:
                            seconds, cpu, found = timed(factory, run, q)
                            by_kind.setdefault(kind, []).append(seconds)
                            cpu_by_kind.setdefault(kind, []).append(cpu)
                            if kind != "keystrokes" and wanted in found:
                                hits[kind] = hits.get(kind, 0) + 1
                for kind, seconds in by_kind.items():
                    total = 0 if kind == "keystrokes" else len(seconds)
                    report(kind, seconds, cpu_by_kind[kind], hits.get(kind, 0), total)
        finally:
            engine.dispose()
            if schema is not None:
                with admin.begin() as connection:
                    connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
                admin.dispose()


def _skus(session: Session, ids: list[str]) -> list[str]:
    rows = session.execute(select(Product.id, Product.sku).where(Product.id.in_(ids)))
    return [r.sku for r in rows]


if __name__ == "__main__":
    main()

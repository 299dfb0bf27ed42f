"""Quotes through HTTP: `POST /api/v1/pricing/quote` with 20-line carts against 2 000 active
promotions over 100 000 products, on the production server settings.

    .venv/bin/python bench/pricing_http.py [--backend postgresql|sqlite] [--workers 2]
        [--products 100000] [--promotions 2000] [--seconds 20] [--rounds 3] [--connections 16]
        [--keep | --database-url URL]

Loads the catalogue (categories three levels deep, 200 brands), one base price per product and
a channel price for one product in ten through `pricing.service.set_prices`, and the
promotions of `bench/pricing_quote.py` (same mix of kinds and targets) through
`pricing.service.create_promotion`; then serves the API as `omnicanal serve --workers N` does
(uvicorn, uvloop and httptools, no access log) and loads it with `wrk` (Debian's package:
one thread, so that the load generator takes little of the two cores) posting 200 different
carts in turn, each on a channel and for a segment or loyalty tier drawn at random.
Reports quotes per second, p50 and p99, and checks every answer was a 200. Loading takes a
minute or two: `--keep` keeps the database and prints its URL, for `--database-url` (here and in
`bench/pricing_service.py`) to skip the loading on the next runs.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).parent))

from api_latency import prepare_database
from harness import Server, drop_database, load_rounds, lua_strings
from pricing_quote import CHANNELS, SEGMENTS, catalogue, promotions

WRK_SCRIPT = """
local bodies = BODIES
local i = 0
local headers = {["Content-Type"] = "application/json", ["Authorization"] = "Bearer TOKEN"}
request = function()
  i = i % #bodies + 1
  return wrk.format("POST", "/api/v1/pricing/quote", headers, bodies[i])
end
"""


def _category_code(path: str) -> str:
    return path.replace("/", ".").upper()


def load(database_url: str, n_products: int, n_promotions: int, seed: int) -> tuple[str, list]:
    """The brand's catalogue, prices and promotions; returns an API key and the products."""
    from sqlalchemy import insert

    from omnicanal.catalog.models import Category, Product
    from omnicanal.db import make_engine, make_sessionmaker, new_id, transaction
    from omnicanal.migrations import upgrade
    from omnicanal.network import schemas as network_schemas
    from omnicanal.network import service as network
    from omnicanal.pricing import codec, schemas, service
    from omnicanal.security import service as security
    from omnicanal.security.permissions import Permission
    from omnicanal.security.service import SYSTEM

    upgrade(database_url)
    engine = make_engine(database_url)
    factory = make_sessionmaker(engine)
    rng = random.Random(seed)
    products = catalogue(rng, n_products)
    promos = promotions(rng, n_promotions, products)
    started = time.perf_counter()
    with transaction(factory) as s:
        hq = network.create_entity(
            s, SYSTEM, network_schemas.EntityCreate(code="HQ", name="Maison Démo", kind="hq")
        )
        for code in CHANNELS:
            network.create_channel(
                s,
                SYSTEM,
                network_schemas.ChannelCreate(code=code, name=code, kind="web", entity_id=hq.id),
            )
        ids: dict[str, str] = {}
        for path in sorted({p.category for p in products}):
            parts = path.split("/")
            for depth in range(1, len(parts) + 1):
                sub = "/".join(parts[:depth])
                if sub not in ids:
                    ids[sub] = new_id("cat")
                    s.execute(
                        insert(Category).values(
                            id=ids[sub], code=_category_code(sub), name_fr=parts[depth - 1],
                            parent_id=ids.get("/".join(parts[: depth - 1])),
                        )
                    )  # fmt: skip
        rows = [
            {"id": new_id("prd"), "sku": p.sku, "brand": p.brand, "category_id": ids[p.category],
             "name_fr": p.sku, "attributes": {}, "variant_axes": [], "status": "active"}
            for p in products
        ]  # fmt: skip
        for start in range(0, len(rows), 10_000):
            s.execute(insert(Product), rows[start : start + 10_000])
    with transaction(factory) as s:
        prices = [schemas.PriceIn(sku=p.sku, amount=p.price, valid_from="2026-01-01T00:00:00Z")
                  for p in products]  # fmt: skip
        prices += [
            schemas.PriceIn(sku=p.sku, amount=p.price - 100, channel="web",
                            valid_from="2026-01-01T00:00:00Z")
            for p in products[::10]
        ]  # fmt: skip
        service.set_prices(s, SYSTEM, prices)
    print(f"catalogue and {len(prices)} price rows loaded in {time.perf_counter() - started:.0f} s")
    started = time.perf_counter()
    with transaction(factory) as s:
        for promotion in promos:
            data = codec.promotion_to_dict(promotion)
            categories = data["conditions"].get("categories")
            if categories:
                data["conditions"]["categories"] = [_category_code(c) for c in categories]
            service.create_promotion(s, SYSTEM, data)
        key = security.create_api_key(
            s,
            SYSTEM,
            security.NewApiKey(name="bench", permissions=[Permission.PRICING_READ.value]),
        )
    print(f"{len(promos)} promotions created in {time.perf_counter() - started:.0f} s")
    with_coupon = next(p.id for p in promos if p.requires_coupon)
    started = time.perf_counter()
    with transaction(factory) as s:
        _, codes = service.add_coupons(
            s, SYSTEM, with_coupon, schemas.CouponsIn(count=100_000, prefix="BENCH")
        )
    print(f"{len(codes):,} single-use coupon codes generated and stored in "
          f"{time.perf_counter() - started:.1f} s")  # fmt: skip
    engine.dispose()
    return key.token, products, promos


def bodies(rng: random.Random, products: list, promos: list, n: int) -> list[str]:
    promoted = sorted({s for p in promos if p.conditions.skus for s in p.conditions.skus})
    skus = [p.sku for p in products]
    out = []
    for _ in range(n):
        picks = rng.sample(promoted, 10) + rng.sample(skus, 10)
        body = {
            "channel": rng.choice(CHANNELS),
            "at": "2026-03-07T15:00:00+00:00",  # the instant the promotions are active at
            "segments": [rng.choice(SEGMENTS)] if rng.random() < 0.3 else [],
            "loyalty_tier": rng.choice([None, "silver", "gold"]),
            "delivery": {"method": "delivery", "fee": 490},
            "lines": [{"sku": s, "quantity": rng.choice([1, 1, 1, 2, 3])} for s in picks],
        }
        out.append(json.dumps(body, separators=(",", ":")))
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--backend", choices=["sqlite", "postgresql"], default="postgresql")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--products", type=int, default=100_000)
    parser.add_argument("--promotions", type=int, default=2_000)
    parser.add_argument("--seconds", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=3, help="runs of wrk, each reported")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--database-url", help="a database loaded by an earlier --keep run")
    parser.add_argument("--keep", action="store_true", help="keep the loaded database")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("this benchmark needs wrk: apt-get install wrk")
    with tempfile.TemporaryDirectory() as tmp:
        data_dir = Path(tmp)
        url, token, products, promos = prepare(args, data_dir)
        carts = bodies(random.Random(args.seed + 1), products, promos, 200)
        server = Server(url, data_dir, args.workers)
        try:
            headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
            with httpx.Client(base_url=server.base, headers=headers, timeout=60) as client:
                applied = 0
                for body in carts:  # every cart once: checks them
                    response = client.post("/api/v1/pricing/quote", content=body)
                    assert response.status_code == 200, response.text
                    applied += len(response.json()["adjustments"])
            print(f"{args.backend}, {args.workers} worker(s), {len(products)} products, "
                  f"{len(promos)} promotions, 20-line carts ({applied / len(carts):.1f} applied "
                  f"per cart), wrk 1 thread x {args.connections} connections, "
                  f"{args.rounds} x {args.seconds} s")  # fmt: skip
            script = WRK_SCRIPT.replace("BODIES", lua_strings(carts)).replace("TOKEN", token)
            load_rounds(server, script, args.connections, args.seconds, args.rounds,
                        "POST /api/v1/pricing/quote", "quotes")  # fmt: skip
        finally:
            server.stop()
            if not (args.keep or args.database_url):
                drop_database(url)


def prepare(args: argparse.Namespace, data_dir: Path) -> tuple[str, str, list, list]:
    """The database's URL, the API key, the products and promotions: loaded now, or those of
    `--database-url` (loaded by a `--keep` run with the same sizes and seed: generated again,
    the same)."""
    if args.database_url:
        rng = random.Random(args.seed)
        products = catalogue(rng, args.products)
        promos = promotions(rng, args.promotions, products)
        token = json.loads(Path(token_file(args.database_url)).read_text())["token"]
        return args.database_url, token, products, promos
    if args.keep:  # a SQLite file outlives the temporary directory
        data_dir = Path(tempfile.mkdtemp(prefix="pricing_bench_"))
    url = prepare_database(args.backend, data_dir)
    token, products, promos = load(url, args.products, args.promotions, args.seed)
    if args.keep:
        Path(token_file(url)).write_text(json.dumps({"token": token}))
        print(f"kept: --database-url '{url}'")
    return url, token, products, promos


def token_file(url: str) -> str:
    """Where a kept database's API key is written (beside a SQLite file, else in /tmp)."""
    if url.startswith("sqlite:///"):
        return url.removeprefix("sqlite:///") + ".token.json"
    digest = hashlib.sha256(url.encode()).hexdigest()[:12]
    return str(Path(tempfile.gettempdir()) / f"pricing_bench_{digest}.json")


if __name__ == "__main__":
    main()

"""Availability of a 10-line cart across 200 locations, through HTTP on the production server
settings: `GET /api/v1/inventory/availability?sku=...&latitude=...&longitude=...&limit=200`.

Seeds 200 stores (half of them click & collect, opening hours, coordinates across France) and
2 warehouses, `--skus` SKUs of which each store holds 40 % (positions written directly, as a
night of counts would leave them), then loads the endpoint with `wrk` (Debian's package) over
200 different carts and places.

    .venv/bin/python bench/availability_http.py --backend postgresql --workers 2
"""

from __future__ import annotations

import argparse
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

import httpx

sys.path.insert(0, str(Path(__file__).parent))
from api_latency import prepare_database
from harness import Server, drop_database, lua_strings, run_wrk

WRK_SCRIPT = """
local paths = PATHS
local i = 0
local headers = {["Authorization"] = "Bearer TOKEN"}
request = function()
  i = i % #paths + 1
  return wrk.format("GET", paths[i], headers)
end
"""


def seed(url: str, stores: int, skus: int, rng: random.Random) -> tuple[str, list[str]]:
    from sqlalchemy import insert

    from omnicanal.db import make_engine, make_sessionmaker, utcnow
    from omnicanal.inventory.models import StockPositionRow
    from omnicanal.migrations import upgrade
    from omnicanal.network import schemas as network_schemas
    from omnicanal.network import service as network_service
    from omnicanal.security import service as security
    from omnicanal.security.permissions import Permission

    upgrade(url)
    engine = make_engine(url)
    factory = make_sessionmaker(engine)
    codes = []
    with factory.begin() as s:
        hq = network_service.create_entity(
            s, security.SYSTEM, network_schemas.EntityCreate(code="HQ", name="HQ", kind="hq")
        )
        for i in range(stores + 2):
            warehouse = i >= stores
            code = f"WH-{i}" if warehouse else f"S-{i:04d}"
            network_service.create_location(s, security.SYSTEM, network_schemas.LocationCreate(
                code=code, name=code, kind="warehouse" if warehouse else "store",
                owner_entity_id=hq.id, latitude=rng.uniform(43.0, 50.5),
                longitude=rng.uniform(-1.5, 7.5), opening_hours="Mo-Sa 09:30-19:00",
                capabilities=["click_and_collect"] if i % 2 else [],
            ))  # fmt: skip
            codes.append(code)
        token = security.create_api_key(
            s, security.SYSTEM,
            security.NewApiKey(name="bench", permissions=[p.value for p in Permission]),
        ).token  # fmt: skip
    names = [f"SKU-{n:06d}" for n in range(skus)]
    now = utcnow()
    with engine.begin() as connection:
        for code in codes:
            held = names if code.startswith("WH") else rng.sample(names, int(skus * 0.4))
            connection.execute(insert(StockPositionRow), [
                {"location": code, "sku": sku, "on_hand": rng.randrange(0, 8), "reserved": 0,
                 "safety_stock": 0, "updated_at": now}
                for sku in held
            ])  # fmt: skip
    engine.dispose()
    return token, names


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--backend", choices=["sqlite", "postgresql"], default="postgresql")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--stores", type=int, default=200)
    parser.add_argument("--skus", type=int, default=2_000)
    parser.add_argument("--seconds", type=int, default=15)
    parser.add_argument("--connections", type=int, default=4)
    parser.add_argument(
        "--limit", type=int, default=250, help="locations in each answer (all of them: 250)"
    )
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("this benchmark needs wrk: apt-get install wrk")
    rng = random.Random(7)
    with tempfile.TemporaryDirectory() as tmp:
        url = prepare_database(args.backend, Path(tmp))
        started = time.perf_counter()
        token, names = seed(url, args.stores, args.skus, rng)
        print(f"seeded {args.stores} stores, {args.skus} SKUs in "
              f"{time.perf_counter() - started:.1f} s")  # fmt: skip
        paths = []
        for _ in range(200):
            query = [("sku", f"{sku}:1") for sku in rng.sample(names, 10)]
            query += [("latitude", f"{rng.uniform(43.5, 50):.4f}"),
                      ("longitude", f"{rng.uniform(-1, 7):.4f}")]  # fmt: skip
            query.append(("limit", str(args.limit)))
            paths.append("/api/v1/inventory/availability?" + urlencode(query))
        server = Server(url, tmp, args.workers)
        try:
            headers = {"Authorization": f"Bearer {token}"}
            with httpx.Client(base_url=server.base, headers=headers, timeout=60) as client:
                rows = 0
                for path in paths:  # each cart once: checks them and warms the workers
                    answer = client.get(path)
                    assert answer.status_code == 200, answer.text
                    rows += len(answer.json()["locations"])
            print(f"{args.backend}, {args.workers} worker(s), 10-line carts across "
                  f"{args.stores + 2} locations, {rows / len(paths):.0f} locations an answer, "
                  "wrk 1 thread x "
                  f"{args.connections} connections")  # fmt: skip
            script = WRK_SCRIPT.replace("PATHS", lua_strings(paths)).replace("TOKEN", token)
            result = run_wrk(script, server.base, args.connections, args.seconds)
            print(f"GET /api/v1/inventory/availability  p50 {result.p50:6.1f} ms  "
                  f"p99 {result.p99:6.1f} ms  {result.rate:6.0f}/s")  # fmt: skip
        finally:
            server.stop()
            drop_database(url)


if __name__ == "__main__":
    main()

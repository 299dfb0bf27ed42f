"""Order placement through HTTP as `omnicanal serve --workers 2` runs it: `POST /api/v1/orders`
with an `Idempotency-Key`, each order priced by the pricing engine (its promotions redeemed),
its stock held at the warehouse that sources it, its fulfilment and events written, in one
transaction.

Seeds `--products` products with a base price, `--promotions` promotions on them, a warehouse
holding plenty of each and a web channel; then `wrk` posts 1- to 3-line web orders for home
delivery, a new Idempotency-Key each, for `--seconds`, `--rounds` times.

    .venv/bin/python bench/orders_http.py --backend postgresql --workers 2
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import sys
import tempfile
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).parent))
from api_latency import prepare_database
from harness import Server, drop_database, load_rounds, lua_strings, settle_database

WRK_SCRIPT = """
local bodies = BODIES
local i = 0
local n = 0
request = function()
  i = i % #bodies + 1
  n = n + 1
  local headers = {["Content-Type"] = "application/json", ["Authorization"] = "Bearer TOKEN",
                   ["Idempotency-Key"] = string.format("bench-%d-%d", os.time(), n)}
  return wrk.format("POST", "/api/v1/orders", headers, bodies[i])
end
"""


def seed(url: str, products: int, promotions: int, rng: random.Random) -> tuple[str, list[str]]:
    from sqlalchemy import insert

    from omnicanal.catalog.models import Product
    from omnicanal.db import make_engine, make_sessionmaker, new_id, utcnow
    from omnicanal.inventory.models import StockPositionRow
    from omnicanal.migrations import upgrade
    from omnicanal.network import schemas as network_schemas
    from omnicanal.network import service as network_service
    from omnicanal.pricing import schemas as pricing_schemas
    from omnicanal.pricing import service as pricing_service
    from omnicanal.security import service as security
    from omnicanal.security.permissions import Permission

    upgrade(url)
    engine = make_engine(url)
    factory = make_sessionmaker(engine)
    skus = [f"SKU-{n:06d}" for n in range(products)]
    now = utcnow()
    with engine.begin() as connection:
        connection.execute(insert(Product), [
            {"id": new_id("prd"), "sku": sku, "name_fr": f"Produit {sku}", "status": "active",
             "attributes": {}, "created_at": now, "updated_at": now}
            for sku in skus
        ])  # fmt: skip
    with factory.begin() as s:
        hq = network_service.create_entity(
            s, security.SYSTEM, network_schemas.EntityCreate(code="HQ", name="HQ", kind="hq")
        )
        network_service.create_location(s, security.SYSTEM, network_schemas.LocationCreate(
            code="WH-1", name="Entrepôt", kind="warehouse", owner_entity_id=hq.id,
            latitude=46.3, longitude=4.8, capabilities=["home_delivery"],
        ))  # fmt: skip
        network_service.create_channel(s, security.SYSTEM, network_schemas.ChannelCreate(
            code="web", name="Web", kind="web", entity_id=hq.id))  # fmt: skip
        pricing_service.set_prices(s, security.SYSTEM, [
            pricing_schemas.PriceIn(sku=sku, amount=rng.randrange(990, 19990),
                                    valid_from="2026-01-01T00:00:00+00:00")
            for sku in skus
        ])  # fmt: skip
        for n in range(promotions):
            pricing_service.create_promotion(s, security.SYSTEM, {
                "id": f"PROMO-{n}", "action": {"kind": "percent_off", "percent": "10"},
                "conditions": {"skus": rng.sample(skus, 5)},
            })  # fmt: skip
        token = security.create_api_key(
            s, security.SYSTEM,
            security.NewApiKey(name="bench", permissions=[p.value for p in Permission]),
        ).token  # fmt: skip
    with engine.begin() as connection:
        connection.execute(insert(StockPositionRow), [
            {"location": "WH-1", "sku": sku, "on_hand": 1_000_000, "reserved": 0,
             "safety_stock": 0, "updated_at": now}
            for sku in skus
        ])  # fmt: skip
    engine.dispose()
    return token, skus


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--backend", choices=["sqlite", "postgresql"], default="postgresql")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--products", type=int, default=5_000)
    parser.add_argument("--promotions", type=int, default=200)
    parser.add_argument("--seconds", type=int, default=15)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--rounds", type=int, default=3, help="runs of wrk, each reported")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("this benchmark needs wrk: apt-get install wrk")
    rng = random.Random(11)
    with tempfile.TemporaryDirectory() as tmp:
        url = prepare_database(args.backend, Path(tmp))
        token, skus = seed(url, args.products, args.promotions, rng)
        settle_database(url)
        bodies = [
            json.dumps({
                "channel": "web",
                "lines": [{"sku": sku, "quantity": rng.randint(1, 2)}
                          for sku in rng.sample(skus, rng.randint(1, 3))],
                "fulfilment": {"method": "home_delivery",
                               "ship_to": {"postal_code": "69002", "city": "Lyon"}},
            }, separators=(",", ":"))
            for _ in range(200)
        ]  # fmt: skip
        server = Server(url, tmp, args.workers)
        try:
            headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
            with httpx.Client(base_url=server.base, headers=headers, timeout=60) as client:
                for n, body in enumerate(bodies[:20]):  # checks the bodies
                    answer = client.post("/api/v1/orders", content=body,
                                         headers={"Idempotency-Key": f"warm-{n}"})  # fmt: skip
                    assert answer.status_code == 201, answer.text
            print(f"{args.backend}, {args.workers} worker(s), {args.products} products, "
                  f"{args.promotions} promotions, 1-3 line web orders for home delivery, "
                  f"wrk 1 thread x {args.connections} connections")  # fmt: skip
            script = WRK_SCRIPT.replace("BODIES", lua_strings(bodies)).replace("TOKEN", token)
            load_rounds(server, script, args.connections, args.seconds, args.rounds,
                        "POST /api/v1/orders", "orders")  # fmt: skip
        finally:
            server.stop()
            drop_database(url)


if __name__ == "__main__":
    main()

"""No oversell, ever: clients race for the last units of a SKU through the HTTP API of several
server processes, round after round; exactly the available units are held each round.

Each round puts `--units` units of a new SKU in one store (a receipt through the movements
feed), then `--clients` concurrent clients each ask to reserve one unit
(`POST /api/v1/inventory/reservations`). A round passes when exactly `--units` answers are 201,
every other one is 409 `out_of_stock`, and the store's position then shows `reserved == units`
and nothing available. Prints the reservations' throughput and latency.

    .venv/bin/python bench/oversell_race.py --workers 2 --clients 200 --rounds 1000

The test suite runs the same race, shorter (tests/inventory/test_oversell.py).
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).parent))
from api_latency import prepare_database
from harness import Server, drop_database

STORE = "RACE-STORE"


@dataclass
class RaceResult:
    rounds: int = 0
    requests: int = 0
    held: int = 0
    refused: int = 0
    seconds: float = 0.0
    latencies_ms: list[float] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)

    def percentile(self, p: float) -> float:
        ordered = sorted(self.latencies_ms)
        return ordered[min(len(ordered) - 1, int(len(ordered) * p))] if ordered else 0.0


def seed(database_url: str) -> str:
    """One entity, one store, an admin key; returns the key."""
    from omnicanal.db import make_engine, make_sessionmaker
    from omnicanal.migrations import upgrade
    from omnicanal.network import schemas as network_schemas
    from omnicanal.network import service as network_service
    from omnicanal.security import service as security
    from omnicanal.security.permissions import Permission

    upgrade(database_url)
    engine = make_engine(database_url)
    with make_sessionmaker(engine).begin() as s:
        hq = network_service.create_entity(
            s, security.SYSTEM, network_schemas.EntityCreate(code="HQ", name="HQ", kind="hq")
        )
        network_service.create_location(
            s, security.SYSTEM,
            network_schemas.LocationCreate(code=STORE, name="Race", kind="store",
                                           owner_entity_id=hq.id),
        )  # fmt: skip
        issued = security.create_api_key(
            s, security.SYSTEM,
            security.NewApiKey(name="race", permissions=[p.value for p in Permission]),
        )  # fmt: skip
    engine.dispose()
    return issued.token


async def _race(
    base: str, token: str, rounds: int, clients: int, units: int, progress: int = 0
) -> RaceResult:
    result = RaceResult()
    headers = {"Authorization": f"Bearer {token}"}
    # idle connections are dropped by the client before the server's keep-alive (5 s) closes
    # them: a request sent on a connection the server is closing fails at the transport
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients,
                          keepalive_expiry=2.0)  # fmt: skip
    async with httpx.AsyncClient(base_url=base, headers=headers, limits=limits,
                                 timeout=120) as client:  # fmt: skip
        started = time.perf_counter()
        for r in range(rounds):
            sku = f"RACE-{r:05d}"
            fed = await client.post(
                f"/api/v1/inventory/locations/{STORE}/movements",
                json={"movements": [{"id": f"IN-{r}", "sku": sku, "quantity": units,
                                     "kind": "receipt", "at": "2026-12-01T08:00:00Z"}]},
            )  # fmt: skip
            if fed.status_code != 200:
                result.failures.append(f"round {r}: receipt answered {fed.status_code}")
                continue

            async def reserve(c: int, sku: str = sku, r: int = r) -> int:
                t = time.perf_counter()
                answer = await client.post("/api/v1/inventory/reservations", json={
                    "location": STORE, "reference": f"ORDER-{r}-{c}",
                    "lines": [{"sku": sku, "quantity": 1}]})  # fmt: skip
                result.latencies_ms.append((time.perf_counter() - t) * 1000)
                if answer.status_code == 409 and answer.json().get("code") != "out_of_stock":
                    return 500
                return answer.status_code

            statuses = await asyncio.gather(*(reserve(c) for c in range(clients)))
            result.requests += clients
            held, refused = statuses.count(201), statuses.count(409)
            result.held += held
            result.refused += refused
            stock = await client.get(f"/api/v1/inventory/locations/{STORE}/stock",
                                     params={"sku": sku})  # fmt: skip
            position = stock.json()["positions"][0]
            if held != units or refused != clients - units:
                result.failures.append(f"round {r}: {held} held, {refused} refused, "
                                       f"others {sorted(set(statuses) - {201, 409})}")  # fmt: skip
            if (position["reserved"], position["available"]) != (units, 0):
                result.failures.append(f"round {r}: position {position}")
            result.rounds += 1
            if progress and result.rounds % progress == 0:
                elapsed = time.perf_counter() - started
                print(f"  {result.rounds} rounds, {len(result.failures)} failed, "
                      f"{result.requests / elapsed:.0f} req/s", flush=True)  # fmt: skip
        result.seconds = time.perf_counter() - started
    return result


def race(
    base: str, token: str, rounds: int, clients: int, units: int, progress: int = 0
) -> RaceResult:
    """`progress`: print how it goes every that many rounds (0: quiet)."""
    return asyncio.run(_race(base, token, rounds, clients, units, progress))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--backend", choices=["sqlite", "postgresql"], default="postgresql")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--clients", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=1000)
    parser.add_argument("--units", type=int, default=10)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = prepare_database(args.backend, Path(tmp))
        token = seed(url)
        server = Server(url, Path(tmp), args.workers)
        try:
            result = race(server.base, token, args.rounds, args.clients, args.units, progress=50)
        finally:
            server.stop()
            drop_database(url)
    print(f"{args.backend}, {args.workers} server processes, {args.clients} clients, "
          f"{args.units} units, {result.rounds} rounds: {result.held} held "
          f"({args.units * result.rounds} available), {result.refused} refused, "
          f"{len(result.failures)} failed rounds")  # fmt: skip
    print(
        f"reservations: {result.requests / result.seconds:7.0f}/s  "
        f"p50 {result.percentile(0.5):6.1f} ms  p99 {result.percentile(0.99):6.1f} ms"
    )
    for failure in result.failures[:10]:
        print("  ", failure)
    if result.failures:
        raise SystemExit(1)


if __name__ == "__main__":
    main()

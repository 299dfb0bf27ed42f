"""API latency and throughput through real HTTP (uvicorn), on SQLite and PostgreSQL.

    .venv/bin/python bench/api_latency.py [--backend sqlite|postgresql] [--locations 400]

Seeds a network of N stores, then measures, with 8 concurrent clients:
- reads: GET /api/v1/locations?capability=click_and_collect&city=… and GET /locations/{id}
- writes: POST /api/v1/locations with an Idempotency-Key (each a new store)
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
PG_URL = os.environ.get(
    "OMNICANAL_TEST_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def prepare_database(backend: str, data_dir: Path) -> str:
    if backend == "sqlite":
        return f"sqlite:///{data_dir / 'bench.db'}"
    import psycopg

    schema = f"bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(PG_URL.replace("+psycopg", ""), autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    return f"{PG_URL}?options=-csearch_path%3D{schema}"


def seed(database_url: str, stores: int) -> str:
    """A network of `stores` stores and an admin key, through the import paths the CLI uses."""
    from omnicanal.db import make_engine, make_sessionmaker
    from omnicanal.imports import service as imports
    from omnicanal.migrations import upgrade
    from omnicanal.security import service as security
    from omnicanal.security.permissions import Permission

    upgrade(database_url)
    engine = make_engine(database_url)
    factory = make_sessionmaker(engine)
    hq = {"code": "HQ", "name": "HQ", "kind": "hq"}
    imports.run_import(factory, security.SYSTEM, "entities", "bench", [(1, hq)])
    cities = ["Lyon", "Paris", "Lille", "Nantes", "Rennes", "Brest", "Nice", "Metz"]
    rows = [
        (
            i,
            {
                "code": f"S-{i:05d}",
                "name": f"Store {i}",
                "kind": "store",
                "owner_entity_code": "HQ",
                "city": cities[i % len(cities)],
                "capabilities": "click_and_collect|returns" if i % 2 else "returns",
                "opening_hours": "Mo-Sa 09:30-19:00",
            },
        )
        for i in range(stores)
    ]
    imports.run_import(factory, security.SYSTEM, "locations", "bench", rows)
    with factory.begin() as session:
        every = [p.value for p in Permission]
        issued = security.create_api_key(
            session, security.SYSTEM, security.NewApiKey(name="bench", permissions=every)
        )
    engine.dispose()
    return issued.token


def measure(label: str, calls: int, call) -> dict[str, float]:  # type: ignore[no-untyped-def]
    latencies: list[float] = []

    def one(i: int) -> None:
        started = time.perf_counter()
        call(i)
        latencies.append((time.perf_counter() - started) * 1000)

    for i in range(20):  # warm-up
        one(-i - 1)
    latencies.clear()
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(one, range(calls)))
    elapsed = time.perf_counter() - started
    result = {
        "p50_ms": statistics.median(latencies),
        "p99_ms": percentile(latencies, 0.99),
        "per_s": calls / elapsed,
    }
    print(
        f"{label:<44} p50 {result['p50_ms']:6.1f} ms  p99 {result['p99_ms']:6.1f} ms"
        f"  {result['per_s']:7.0f}/s"
    )
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--backend", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--locations", type=int, default=400)
    parser.add_argument("--calls", type=int, default=2000)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        data_dir = Path(tmp)
        env = {
            **os.environ,
            "OMNICANAL_DATA_DIR": str(data_dir),
            "OMNICANAL_DATABASE_URL": prepare_database(args.backend, data_dir),
            "OMNICANAL_RUN_DISPATCHER": "false",
            "OMNICANAL_SECRET_KEY": "bench",
        }
        token = seed(env["OMNICANAL_DATABASE_URL"], args.locations)
        port = free_port()
        server = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "omnicanal.api.main:app", "--port", str(port),
             "--log-level", "warning", "--no-access-log"],
            env=env,
        )  # fmt: skip
        try:
            base = f"http://127.0.0.1:{port}"
            for _ in range(100):
                try:
                    if httpx.get(f"{base}/healthz").status_code == 200:
                        break
                except httpx.HTTPError:
                    time.sleep(0.1)
            headers = {"Authorization": f"Bearer {token}"}
            with httpx.Client(base_url=base, headers=headers, timeout=30) as client:
                first = client.get("/api/v1/locations", params={"city": "Lyon"}).json()[0]["id"]
                print(f"backend {args.backend}, {args.locations} stores, 1 worker, 8 clients")

                def list_filtered(i: int) -> None:
                    r = client.get(
                        "/api/v1/locations",
                        params={"capability": "click_and_collect", "city": "Lyon"},
                    )
                    assert r.status_code == 200

                def get_one(i: int) -> None:
                    assert client.get(f"/api/v1/locations/{first}").status_code == 200

                owner = client.get("/api/v1/entities").json()[0]["id"]

                def create(i: int) -> None:
                    body = {
                        "code": f"N-{uuid.uuid4().hex[:12]}",
                        "name": "New",
                        "kind": "store",
                        "owner_entity_id": owner,
                    }
                    r = client.post(
                        "/api/v1/locations",
                        json=body,
                        headers={"Idempotency-Key": uuid.uuid4().hex},
                    )
                    assert r.status_code == 201, r.text

                measure("GET /locations?capability&city (filtered list)", args.calls, list_filtered)
                measure("GET /locations/{id}", args.calls, get_one)
                measure("POST /locations with Idempotency-Key", args.calls // 2, create)
        finally:
            server.terminate()
            server.wait(timeout=10)


if __name__ == "__main__":
    main()

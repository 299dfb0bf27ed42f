"""API latency and throughput through real HTTP (uvicorn), on SQLite and PostgreSQL.

    .venv/bin/python bench/api_latency.py [--backend sqlite|postgresql] [--workers 1]

Seeds a network of N stores, then loads the server with `wrk` (Debian's package; 2 threads,
8 connections, 10 s per figure) so that the load generator costs the server little CPU:
- GET /api/v1/locations?capability=click_and_collect&city=Lyon (filtered list, ~25 rows)
- GET /api/v1/locations/{id}
- POST /api/v1/locations with an Idempotency-Key (each request a new store)
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import uuid
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


WRK_POST = """
counter = 0
setup = function(thread) thread:set("id", math.random(1000000)) end
request = function()
  counter = counter + 1
  local code = string.format("W%d-%d", id, counter)
  local body = '{"code":"' .. code .. '","name":"New","kind":"store","owner_entity_id":"OWNER"}'
  local headers = {["Content-Type"] = "application/json", ["Authorization"] = "Bearer TOKEN",
                   ["Idempotency-Key"] = code}
  return wrk.format("POST", "/api/v1/locations", headers, body)
end
"""


def _ms(text: str) -> float:
    match = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text)
    assert match, f"unexpected wrk duration {text!r}"
    value, unit = match.groups()
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}[unit]


def wrk(label: str, url: str, token: str, seconds: int, script: str | None = None) -> None:
    command = ["wrk", "-t2", "-c8", f"-d{seconds}s", "--latency"]
    command += ["-H", f"Authorization: Bearer {token}"]
    with tempfile.NamedTemporaryFile("w", suffix=".lua") as lua:
        if script:
            lua.write(script)
            lua.flush()
            command += ["-s", lua.name]
        out = subprocess.run([*command, url], capture_output=True, text=True, check=True).stdout
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    assert errors is None, f"{label}: {errors.group(1)} failed requests\n{out}"
    p50 = _ms(re.search(r"^\s+50%\s+(\S+)", out, re.M).group(1))  # type: ignore[union-attr]
    p99 = _ms(re.search(r"^\s+99%\s+(\S+)", out, re.M).group(1))  # type: ignore[union-attr]
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    print(f"{label:<46} p50 {p50:6.1f} ms  p99 {p99:6.1f} ms  {rate:7.0f}/s")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--backend", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--locations", type=int, default=400)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--seconds", type=int, default=10)
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("this benchmark needs wrk: apt-get install wrk")

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
             "--workers", str(args.workers), "--log-level", "warning", "--no-access-log"],
            env=env,
        )  # fmt: skip
        try:
            base = f"http://127.0.0.1:{port}"
            headers = {"Authorization": f"Bearer {token}"}
            for _ in range(200):
                try:
                    if httpx.get(f"{base}/readyz").status_code == 200:
                        break
                except httpx.HTTPError:
                    time.sleep(0.1)
            with httpx.Client(base_url=base, headers=headers, timeout=30) as client:
                first = client.get("/api/v1/locations", params={"city": "Lyon"}).json()[0]["id"]
                owner = client.get("/api/v1/entities").json()[0]["id"]
            print(
                f"backend {args.backend}, {args.locations} stores, {args.workers} worker(s), "
                "wrk 2 threads x 8 connections"
            )
            wrk(
                "GET /locations?capability&city (filtered list)",
                f"{base}/api/v1/locations?capability=click_and_collect&city=Lyon",
                token,
                args.seconds,
            )
            wrk("GET /locations/{id}", f"{base}/api/v1/locations/{first}", token, args.seconds)
            script = WRK_POST.replace("OWNER", owner).replace("TOKEN", token)
            wrk("POST /locations with Idempotency-Key", base, token, args.seconds, script)
        finally:
            server.terminate()
            server.wait(timeout=10)


if __name__ == "__main__":
    main()

"""What the HTTP benchmarks share: the API served as `omnicanal serve --workers N` serves it
(uvicorn, uvloop and httptools, no access log) on a database of its own, and `wrk` driven by a
Lua script, its figures read back."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).parent))
from api_latency import _ms, free_port


class Server:
    """The API on `database_url`, `workers` processes, until `stop`."""

    def __init__(self, database_url: str, data_dir: Path | str, workers: int) -> None:
        self.port = free_port()
        env = {**os.environ, "OMNICANAL_DATA_DIR": str(data_dir),
               "OMNICANAL_DATABASE_URL": database_url, "OMNICANAL_RUN_DISPATCHER": "false",
               "OMNICANAL_SECRET_KEY": "bench"}  # fmt: skip
        self.process = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "omnicanal.api.main:app", "--port", str(self.port),
             "--workers", str(workers), "--log-level", "warning", "--no-access-log"],
            env=env,
        )  # fmt: skip
        self.base = f"http://127.0.0.1:{self.port}"
        for _ in range(600):
            try:
                if httpx.get(f"{self.base}/readyz").status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        self.stop()
        raise RuntimeError("the server did not start")

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)


def drop_database(url: str) -> None:
    """The PostgreSQL schema `prepare_database` made (a SQLite file goes with its folder)."""
    match = re.search(r"search_path%3D(\w+)", url)
    if match:
        import psycopg

        base = url.split("?")[0].replace("+psycopg", "")
        with psycopg.connect(base, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA "{match.group(1)}" CASCADE')


def settle_database(url: str) -> None:
    """VACUUM ANALYZE the tables a seeding just filled (PostgreSQL), as a database in service
    has its statistics: otherwise the first seconds of a run are planned without them, and the
    autovacuum that comes in the middle of the run moves its figures."""
    match = re.search(r"search_path%3D(\w+)", url)
    if not match:
        return
    import psycopg

    base = url.split("?")[0].replace("+psycopg", "")
    with psycopg.connect(base, autocommit=True) as conn:
        tables = conn.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = %s",
            (match.group(1),),
        ).fetchall()
        for (table,) in tables:
            conn.execute(f'VACUUM ANALYZE "{match.group(1)}"."{table}"')


@dataclass(frozen=True)
class WrkResult:
    rate: float  # requests a second
    p50: float  # ms
    p99: float  # ms


def lua_strings(values: list[str]) -> str:
    """A Lua table of long strings (no escaping needed for JSON or URLs)."""
    return "{" + ",".join(f"[[{v}]]" for v in values) + "}"


def run_wrk(script: str, base: str, connections: int, seconds: int) -> WrkResult:
    """`wrk` (Debian's package) with one thread; every answer must be 2xx."""
    with tempfile.NamedTemporaryFile("w", suffix=".lua") as lua:
        lua.write(script)
        lua.flush()
        command = ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--latency", "-s",
                   lua.name, base]  # fmt: skip
        done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"wrk failed: {done.stderr or done.stdout}")
    out = done.stdout
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if errors is not None:
        raise SystemExit(f"{errors.group(1)} failed requests\n{out}")
    p50 = _ms(re.search(r"^\s+50%\s+(\S+)", out, re.M).group(1))  # type: ignore[union-attr]
    p99 = _ms(re.search(r"^\s+99%\s+(\S+)", out, re.M).group(1))  # type: ignore[union-attr]
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    return WrkResult(rate, p50, p99)

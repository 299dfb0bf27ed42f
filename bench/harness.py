"""What the HTTP benchmarks share: the API served as `omnicanal serve --workers N` serves it
(uvicorn, uvloop and httptools, no access log) on a database of its own, and `wrk` driven by a
Lua script, its figures read back."""

from __future__ import annotations

import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable
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
    requests: int  # answered in the run


_TICK = os.sysconf("SC_CLK_TCK")


def _cpu_of(pid: int) -> float:
    """User and system CPU seconds of one process (Linux's /proc), 0 when it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / _TICK


def _processes() -> list[tuple[int, int, str]]:
    """(pid, parent pid, command name) of every process."""
    out = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                head, _, rest = (entry / "stat").read_text().rpartition(")")
            except OSError:
                continue
            out.append((int(entry.name), int(rest.split()[1]), head.partition("(")[2]))
    return out


def cpu_split(server_pid: int) -> dict[str, float]:
    """CPU seconds used so far by the server (its process and its workers) and by PostgreSQL's
    processes: sampled before and after a load, their difference divided by the requests
    answered is the CPU a request costs, a figure that moves far less than the throughput
    when the machine's speed does."""
    procs = _processes()
    tree = {server_pid}
    for _ in range(3):
        tree |= {pid for pid, parent, _ in procs if parent in tree}
    postgres = [pid for pid, _, name in procs if name.startswith("postgres")]
    return {
        "server": sum(_cpu_of(pid) for pid in tree),
        "database": sum(_cpu_of(pid) for pid in postgres),
    }


def machine_speed(rounds: int = 5) -> float:
    """Milliseconds a fixed pure-Python loop takes (best of `rounds`): this machine is shared
    and its speed moves by up to 1.75 times from one minute to the next, so every HTTP figure
    is printed beside it."""
    best = float("inf")
    for _ in range(rounds):
        started = time.perf_counter()
        total = 0
        for i in range(1_000_000):
            total += i % 7
        best = min(best, time.perf_counter() - started)
    return best * 1000


@dataclass(frozen=True)
class LoadResult:
    """One run of wrk against a server with its CPU accounting and the machine's speed."""

    wrk: WrkResult
    server_ms: float  # CPU of the server per request
    database_ms: float  # CPU of PostgreSQL per request
    speed_before: float
    speed_after: float
    split: tuple[int, ...]  # wrk's connections held by each worker, halfway through

    def describe(self, unit: str) -> str:
        return (
            f"{self.wrk.rate:6.0f} {unit}/s  p50 {self.wrk.p50:6.1f} ms  p99 {self.wrk.p99:6.1f} ms"
            f"  | CPU per request: server {self.server_ms:.2f} ms, database "
            f"{self.database_ms:.2f} ms | speed loop {self.speed_before:.0f}/"
            f"{self.speed_after:.0f} ms | connections per worker "
            f"{'/'.join(map(str, self.split)) or '?'}"
        )


def measured_load(server: Server, script: str, connections: int, seconds: int) -> LoadResult:
    """`run_wrk` with the CPU the server and the database spent on it, and the machine's speed
    before and after."""
    before_speed = machine_speed()
    before = cpu_split(server.process.pid)
    halfway: list[tuple[int, ...]] = []
    sampler = threading.Timer(seconds / 2, lambda: halfway.append(connection_split(server.port)))
    sampler.start()
    result = run_wrk(script, server.base, connections, seconds)
    sampler.join()
    after = cpu_split(server.process.pid)
    after_speed = machine_speed()
    n = max(1, result.requests)
    return LoadResult(
        result,
        (after["server"] - before["server"]) * 1000 / n,
        (after["database"] - before["database"]) * 1000 / n,
        before_speed,
        after_speed,
        halfway[0] if halfway else (),
    )


def connection_split(port: int) -> tuple[int, ...]:
    """How many established connections to `port` each server process holds, most first
    (`ss` from iproute2; empty when it is missing). The workers share one listening socket
    and a kept-alive connection stays where it was accepted, so an uneven split shows here."""
    if shutil.which("ss") is None:
        return ()
    out = subprocess.run(
        ["ss", "-tnpH", "state", "established", f"( sport = :{port} )"],
        capture_output=True,
        text=True,
    ).stdout
    held = Counter(re.findall(r"pid=(\d+)", out))
    return tuple(sorted(held.values(), reverse=True))


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
    requests = int(re.search(r"(\d+) requests in", out).group(1))  # type: ignore[union-attr]
    return WrkResult(rate, p50, p99, requests)


def summary(runs: list[LoadResult], unit: str) -> str:
    """The median run's figures, the range over the runs and the median CPU per request."""
    median = median_low(runs, key=lambda run: run.wrk.rate)
    rates = [run.wrk.rate for run in runs]
    p99s = [run.wrk.p99 for run in runs]
    return (
        f"median of {len(runs)}: {median.wrk.rate:.0f} {unit}/s, p50 {median.wrk.p50:.1f} ms, "
        f"p99 {median.wrk.p99:.1f} ms (range {min(rates):.0f}–{max(rates):.0f} {unit}/s, "
        f"p99 {min(p99s):.1f}–{max(p99s):.1f} ms); CPU per request: server "
        f"{statistics.median_low(run.server_ms for run in runs):.2f} ms, database "
        f"{statistics.median_low(run.database_ms for run in runs):.2f} ms"
    )


def median_low(runs: list[LoadResult], key: Callable[[LoadResult], float]) -> LoadResult:
    """The run at the lower middle when sorted by `key` (a run that took place)."""
    return sorted(runs, key=key)[(len(runs) - 1) // 2]


def load_rounds(
    server: Server,
    script: str,
    connections: int,
    seconds: int,
    rounds: int,
    label: str,
    unit: str,
    warmup: int = 5,
) -> list[LoadResult]:
    """`rounds` runs of `measured_load`, each printed, then their summary. A first run of
    `warmup` seconds, printed but not counted, fills every worker's caches: a warm-up through
    one keep-alive connection reaches one worker only, and the other then fills its caches
    during the first measured round."""
    if warmup > 0:
        warm = measured_load(server, script, connections, warmup)
        print(f"warm-up, not counted: {warm.describe(unit)}")
    runs = []
    for _ in range(rounds):
        run = measured_load(server, script, connections, seconds)
        runs.append(run)
        print(label, run.describe(unit))
    if len(runs) > 1:
        print(summary(runs, unit))
    return runs

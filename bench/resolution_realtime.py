"""Real-time attach: one incoming customer record resolved against a referential already
holding the brand's resolved customers, in the same request; in-process and through HTTP.

Builds the referential once (the simulated brand's records minus a held-out sample, resolved
by the batch engine, written straight into the database), then sends the held-out records
one at a time: every other one through `customers.service.intake` in-process, the others as
`POST /api/v1/customers/records` to a uvicorn server. Latency of each call, p50 / p99, and
how many were attached to the customer holding the same person's other records.

    /tmp/benchvenv/bin/python bench/resolution_batch.py --brand /tmp/brand_1m --tools omnicanal
    .venv/bin/python bench/resolution_realtime.py --brand /tmp/brand_1m [--backend postgresql]
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path

import httpx
import numpy as np
import pyarrow.parquet as pq

sys.path.insert(0, str(Path(__file__).parent))

from api_latency import free_port, prepare_database
from harness import machine_speed

from omnicanal.customers import resolution
from omnicanal.customers.schemas import RecordIn
from omnicanal.imports.readers import apply_mapping, parse_mapping, read_rows
from omnicanal.simulation.customer_files import CUSTOMER_FILES


def held_out_rows(brand: Path, keys: set[str]) -> dict[str, dict]:
    """The incoming records as their systems sent them (for the API)."""
    out = {}
    for spec in CUSTOMER_FILES:
        mapping = parse_mapping(spec.map_options())
        source_ids = {k.split(":", 1)[1] for k in keys if k.startswith(spec.source + ":")}
        if not source_ids:
            continue
        for _, row in read_rows(brand / spec.path):
            row = {k: v for k, v in apply_mapping(row, mapping).items() if v is not None}
            if str(row.get("source_id")) in source_ids:
                out[f"{spec.source}:{row['source_id']}"] = {"source": spec.source, **row}
    return out


def build(url: str, brand: Path, incoming: int, seed: int) -> tuple[list[str], dict[str, str]]:
    """Load the referential; returns the held-out keys and each key's true person."""
    from sqlalchemy import insert

    from omnicanal.customers.models import Customer, MatchModelVersion, SourceRecord
    from omnicanal.db import make_engine, make_sessionmaker
    from omnicanal.migrations import upgrade

    table = pq.read_table(brand / "matching.parquet")
    persons = table.column("person").to_pylist()
    ids = table.column("id").to_pylist()
    rng = random.Random(seed)
    held = set(rng.sample(range(len(ids)), incoming))
    keep = np.array([i not in held for i in range(len(ids))])
    kept = table.filter(keep).drop(["person"])
    started = time.perf_counter()
    found = resolution.resolve(kept)
    print(f"resolved {kept.num_rows:,} records in {time.perf_counter() - started:.0f} s")
    upgrade(url)
    engine = make_engine(url)
    factory = make_sessionmaker(engine)
    labels = found.labels
    customer_of = {int(label): f"cus_b{int(label):09d}" for label in np.unique(labels)}
    now = datetime.now(UTC)
    started = time.perf_counter()
    with factory.begin() as session:
        rows = [
            {"id": c, "status": "active", "provenance": {}, "record_count": 0,
             "created_at": now, "updated_at": now}
            for c in customer_of.values()
        ]  # fmt: skip
        for start in range(0, len(rows), 20_000):
            session.execute(insert(Customer.__table__), rows[start : start + 20_000])
        columns = {name: kept.column(name).to_pylist() for name in kept.column_names}
        batch = []
        for i in range(kept.num_rows):
            source, source_id = columns["id"][i].split(":", 1)
            dob = columns["dob"][i]
            batch.append(
                {"id": f"rec_b{i:09d}", "owner": "brand", "source": source,
                 "source_id": source_id, "raw": {}, "received_at": now, "created_at": now,
                 "updated_at": now, "first_name": columns["fn_ln"][i],
                 "first_name_key": columns["fn"][i], "last_name_key": columns["ln"][i],
                 "birth_name_key": columns["bn"][i], "email_key": columns["email"][i],
                 "email_match_key": columns["email"][i], "mobile_key": columns["mobile"][i],
                 "landline_key": columns["landline"][i],
                 "birth_date": date.fromisoformat(dob) if dob else None,
                 "postal_code": columns["pc"][i], "street_key": columns["street"][i],
                 "city_key": columns["city"][i], "gender": columns["gender"][i],
                 "loyalty_card": columns["card"][i], "customer_id": customer_of[int(labels[i])],
                 "attributes": {}, "flags": []}
            )  # fmt: skip
            if len(batch) == 20_000:
                session.execute(insert(SourceRecord.__table__), batch)
                batch = []
        if batch:
            session.execute(insert(SourceRecord.__table__), batch)
        session.add(MatchModelVersion(parameters=found.model.to_json()))
    print(
        f"wrote {len(customer_of):,} customers and {kept.num_rows:,} records "
        f"in {time.perf_counter() - started:.0f} s"
    )
    if engine.dialect.name == "postgresql":
        # A referential in service has its statistics and visibility map, and no autovacuum
        # of a freshly loaded table running under the measurement.
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.exec_driver_sql("VACUUM ANALYZE customer_source_records")
            connection.exec_driver_sql("VACUUM ANALYZE customers")
    engine.dispose()
    return [ids[i] for i in sorted(held)], dict(zip(ids, persons, strict=True))


def _percentiles(values: list[float]) -> str:
    ordered = sorted(values)
    p50 = statistics.median(ordered)
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
    return f"p50 {p50:5.1f} ms  p99 {p99:5.1f} ms  mean {statistics.fmean(ordered):5.1f} ms"


def _correct(url: str, keys: list[str], persons: dict[str, str]) -> float:
    """Share of the incoming records attached where the same person's other records are."""
    from sqlalchemy import select

    from omnicanal.customers.models import SourceRecord
    from omnicanal.db import make_engine

    engine = make_engine(url)
    with engine.connect() as connection:
        rows = connection.execute(
            select(SourceRecord.source, SourceRecord.source_id, SourceRecord.customer_id)
        ).all()
    engine.dispose()
    by_customer: dict[str, Counter[str]] = {}
    person_customers: dict[str, Counter[str]] = {}
    for source, source_id, customer in rows:
        person = persons.get(f"{source}:{source_id}")
        if person is None or customer is None:
            continue
        by_customer.setdefault(customer, Counter())[person] += 1
        person_customers.setdefault(person, Counter())[customer] += 1
    good = 0
    placed = {f"{s}:{i}": c for s, i, c in rows}
    for key in keys:
        person = persons[key]
        others = person_customers[person].copy()
        others[placed[key]] -= 1
        best = max(others.items(), key=lambda kv: kv[1]) if +others else None
        good += (best is None and person_customers[person][placed[key]] == 1) or (
            best is not None and best[0] == placed[key]
        )
    return good / len(keys)


def _http_client(kind: str, port: int, token: str) -> Callable[[dict], tuple[int, bytes]]:
    """POST one record on a kept-alive connection; (status, body). `stdlib` is Python's
    http.client, a client of a few dozen microseconds per call, as a till's or a web shop's
    would be; `httpx` costs about a millisecond of its own per call on this machine (the
    figures before the real-time tuning were taken with it)."""
    path = "/api/v1/customers/records"
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    if kind == "httpx":
        client = httpx.Client(base_url=f"http://127.0.0.1:{port}", headers=headers, timeout=30)

        def send_httpx(row: dict) -> tuple[int, bytes]:
            response = client.post(path, json=row)
            return response.status_code, response.content

        return send_httpx
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)

    def send_stdlib(row: dict) -> tuple[int, bytes]:
        connection.request("POST", path, body=json.dumps(row).encode(), headers=headers)
        response = connection.getresponse()
        return response.status, response.read()

    return send_stdlib


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--brand", type=Path, required=True)
    parser.add_argument("--backend", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--incoming", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--profile", action="store_true", help="profile the in-process calls")
    parser.add_argument(
        "--client", choices=["stdlib", "httpx"], default="stdlib", help="the HTTP client"
    )
    parser.add_argument(
        "--keep", type=Path, help="SQLite file to build once and reuse (a copy is measured)"
    )
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        if args.keep is not None:
            import shutil

            meta = args.keep.with_suffix(".json")
            if not args.keep.exists():
                keys, persons = build(
                    f"sqlite:///{args.keep}", args.brand, args.incoming, args.seed
                )
                meta.write_text(json.dumps({"keys": keys, "persons": persons}))
            saved = json.loads(meta.read_text())
            keys, persons = saved["keys"], saved["persons"]
            shutil.copy(args.keep, Path(tmp) / "copy.db")
            url = f"sqlite:///{Path(tmp) / 'copy.db'}"
        else:
            url = prepare_database(args.backend, Path(tmp))
            keys, persons = build(url, args.brand, args.incoming, args.seed)
        rows = held_out_rows(args.brand, set(keys))
        # Alternate records, so that both paths get the same mix of sources.
        in_process, over_http = keys[0::2], keys[1::2]

        from omnicanal.customers import service
        from omnicanal.db import make_engine, make_sessionmaker
        from omnicanal.security import service as security
        from omnicanal.security.permissions import Permission

        engine = make_engine(url)
        factory = make_sessionmaker(engine)
        print(f"speed loop {machine_speed():.0f} ms (the same pure-Python loop as the HTTP "
              f"benchmarks: ~27 ms on a quiet machine, more when it is shared)")  # fmt: skip
        timings, outcomes = [], Counter()
        if args.profile:
            import cProfile

            profiler = cProfile.Profile()
            profiler.enable()
        for key in in_process:
            record = RecordIn.model_validate(rows[key])
            started = time.perf_counter()
            with factory.begin() as session:
                result = service.intake(session, security.SYSTEM, [record])
            timings.append((time.perf_counter() - started) * 1000)
            outcomes[next(iter(result.attachments.values())).reason] += 1
        if args.profile:
            import pstats

            profiler.disable()
            pstats.Stats(profiler).sort_stats("cumulative").print_stats(40)
        print(f"in-process  {len(in_process)} records: {_percentiles(timings)}  {dict(outcomes)}")

        with factory.begin() as session:
            token = security.create_api_key(
                session,
                security.SYSTEM,
                security.NewApiKey(name="bench", permissions=[p.value for p in Permission]),
            ).token
        engine.dispose()
        port = free_port()
        env = {**os.environ, "OMNICANAL_DATABASE_URL": url, "OMNICANAL_DATA_DIR": tmp,
               "OMNICANAL_RUN_DISPATCHER": "false", "OMNICANAL_SECRET_KEY": "bench"}  # fmt: skip
        server = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "omnicanal.api.main:app", "--port", str(port),
             "--log-level", "warning", "--no-access-log"],
            env=env,
        )  # fmt: skip
        try:
            base = f"http://127.0.0.1:{port}"
            for _ in range(300):
                try:
                    if httpx.get(f"{base}/readyz").status_code == 200:
                        break
                except httpx.HTTPError:
                    time.sleep(0.1)
            send = _http_client(args.client, port, token)
            timings, outcomes = [], Counter()
            for key in over_http:
                started = time.perf_counter()
                status, body = send(rows[key])
                timings.append((time.perf_counter() - started) * 1000)
                assert status == 201, body
                outcomes[json.loads(body)["customers"][0]["outcome"]] += 1
            print(
                f"over HTTP   {len(over_http)} records ({args.client}): "
                f"{_percentiles(timings)}  {dict(outcomes)}"
            )
        finally:
            server.terminate()
            server.wait(timeout=10)
        print(f"attached with the same person's other records: {_correct(url, keys, persons):.1%}")


if __name__ == "__main__":
    main()

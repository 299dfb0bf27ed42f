"""The quote's whole service call in-process: what `POST /api/v1/pricing/quote` does between
reading its body and sending its answer, without the HTTP stack.

    .venv/bin/python bench/pricing_service.py [--backend sqlite|postgresql] [--quotes 2000]
        [--database-url URL] [--keep] [--profile]

Loads the data of `bench/pricing_http.py` (100 000 products, their prices, 2 000 promotions,
an API key) unless `--database-url` names a database a previous `--keep` run loaded; then, for
each of 200 carts posted in turn, one session: the API key's principal, `price_quote`,
`quote_payload`, the answer as JSON, the commit. Reports CPU time per quote (the machine is
shared: `time.process_time` is what compares), wall time p50 and p99; `--profile` prints
cProfile of the loop.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from pricing_http import _drop_schema, bodies, prepare


def run(url: str, token: str, carts: list[str], n: int, profile: bool) -> None:
    from pydantic_core import to_json

    from omnicanal.db import make_engine, make_sessionmaker
    from omnicanal.pricing import schemas, service
    from omnicanal.pricing.api import LOYALTY
    from omnicanal.security import service as security

    engine = make_engine(url)
    factory = make_sessionmaker(engine)
    parsed = [schemas.QuoteIn.model_validate_json(body) for body in carts]

    def one(data: schemas.QuoteIn) -> bytes:
        with factory() as session:
            principal = security.principal_for_token(session, token)
            assert principal is not None
            priced = service.price_quote(session, principal, data, loyalty=LOYALTY)
            out = to_json(service.quote_payload(priced, session, None))
            session.commit()
            return out

    for data in parsed:  # warms the caches and the connection pool
        one(data)
    walls = []
    profiler = cProfile.Profile() if profile else None
    cpu = time.process_time()
    if profiler:
        profiler.enable()
    for i in range(n):
        started = time.perf_counter()
        one(parsed[i % len(parsed)])
        walls.append(time.perf_counter() - started)
    if profiler:
        profiler.disable()
    cpu = time.process_time() - cpu
    walls.sort()
    p50, p99 = statistics.median(walls) * 1000, walls[int(n * 0.99)] * 1000
    print(f"{engine.dialect.name}: {n} quotes, CPU {cpu / n * 1000:.2f} ms a quote, "
          f"wall p50 {p50:.2f} ms, p99 {p99:.2f} ms")  # fmt: skip
    if profiler:
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(45)
        pstats.Stats(profiler).sort_stats("tottime").print_stats(30)
    engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--backend", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--database-url", help="a database loaded by an earlier --keep run")
    parser.add_argument("--keep", action="store_true", help="keep the loaded database")
    parser.add_argument("--products", type=int, default=100_000)
    parser.add_argument("--promotions", type=int, default=2_000)
    parser.add_argument("--quotes", type=int, default=2_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url, token, products, promos = prepare(args, Path(tmp))
        carts = bodies(random.Random(args.seed + 1), products, promos, 200)
        try:
            run(url, token, carts, args.quotes, args.profile)
        finally:
            if not (args.keep or args.database_url):
                _drop_schema(url)


if __name__ == "__main__":
    main()

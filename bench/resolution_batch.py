"""Batch identity resolution at scale: omnicanal and Splink 5 (DuckDB) on the same million
records of a simulated brand, in the same run; wall time, peak memory and pairwise F1.

Each tool runs in a child process of its own so that its peak resident memory is its own.
The records are normalised once (omnicanal's normalisers, as at intake) and cached as
Parquet next to the brand, so both tools start from the same matching table:

    .venv/bin/omnicanal simulate /tmp/brand_1m --scale 532000 --seed 7   # ~1 000 000 records
    UV_PROJECT_ENVIRONMENT=/tmp/benchvenv .tools/bin/uv sync --frozen --group bench
    /tmp/benchvenv/bin/python bench/resolution_batch.py --brand /tmp/brand_1m
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import resource
import sys
import time
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

sys.path.insert(0, str(Path(__file__).parent))

from resolution_common import pairwise_scores, simulated_records, to_table, truth_persons


def matching_table(brand: Path) -> tuple[pa.Table, list[str]]:
    """The brand's records in matching form and each record's true person (cached)."""
    cache = brand / "matching.parquet"
    if not cache.exists():
        started = time.perf_counter()
        records, keys = simulated_records(brand)
        persons = truth_persons(brand)
        table = to_table(records).append_column("person", pa.array([persons[k] for k in keys]))
        pq.write_table(table, cache)
        print(f"normalised {len(records):,} records in {time.perf_counter() - started:.0f} s")
    table = pq.read_table(cache)
    return table.drop(["person"]), table.column("person").to_pylist()


def _child(tool: str, brand: Path, queue: multiprocessing.Queue) -> None:
    records, truth = matching_table(brand)
    started = time.perf_counter()
    if tool == "omnicanal":
        from omnicanal.customers.resolution import resolve

        result = resolve(records)
        labels = list(result.labels)
        extra = {k: round(v, 1) for k, v in result.timings.items()}
    else:
        from resolution_accuracy import run_splink

        labels = list(run_splink(records, threshold=0.9))
        extra = {}
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB -> MiB
    scores = pairwise_scores(labels, truth)
    queue.put(
        {"tool": tool, "records": records.num_rows, "seconds": round(seconds, 1),
         "peak_mib": round(peak), "steps": extra,
         **{k: round(v, 4) for k, v in scores.items() if k in ("precision", "recall", "f1")}}
    )  # fmt: skip


def run(tool: str, brand: Path) -> dict:
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    process = context.Process(target=_child, args=(tool, brand, queue))
    process.start()
    result = queue.get()
    process.join()
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--brand", type=Path, required=True)
    parser.add_argument("--tools", nargs="+", default=["omnicanal", "splink"])
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    matching_table(args.brand)  # normalise once, outside the timed runs
    rows = [run(tool, args.brand) for tool in args.tools]
    print(
        f"{'tool':<10} {'records':>10} {'seconds':>8} {'peak MiB':>9} {'P':>7} {'R':>7} {'F1':>7}"
    )
    for r in rows:
        print(
            f"{r['tool']:<10} {r['records']:>10,} {r['seconds']:>8} {r['peak_mib']:>9} "
            f"{r['precision']:>7} {r['recall']:>7} {r['f1']:>7}  {r['steps']}"
        )
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2))


if __name__ == "__main__":
    main()

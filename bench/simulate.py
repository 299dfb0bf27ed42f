"""Time and peak memory of generating the simulated brand.

    .venv/bin/python bench/simulate.py [--scale small] [--processes 2] [--out DIR]

Peak memory is the largest resident set of the main process and of any worker process
(`ru_maxrss`), which is what bounds the run on a machine.
"""

from __future__ import annotations

import argparse
import resource
import shutil
import tempfile
import time
from pathlib import Path

from omnicanal.simulation import generate, parse_scale


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", default="small")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--out", type=Path, default=None, help="keep the files here")
    args = parser.parse_args()
    scale = parse_scale(args.scale)
    out = args.out or Path(tempfile.mkdtemp(prefix="omnicanal-sim-"))
    started = time.perf_counter()
    manifest = generate(out, scale, args.seed, processes=args.processes)
    elapsed = time.perf_counter() - started
    main_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    workers_mib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    size = sum(p.stat().st_size for p in out.rglob("*") if p.is_file())
    rows = sum(manifest.files.values())
    print(
        f"scale {scale.name}: {scale.persons:,} persons, {scale.stores} stores, "
        f"{args.processes} process(es)"
    )
    print(f"time          {elapsed:8.1f} s")
    peak = max(main_mib, workers_mib)
    print(f"peak memory   {peak:8.0f} MiB (main {main_mib:.0f}, worker {workers_mib:.0f})")
    print(f"output        {rows:,} rows in {len(manifest.files)} files, {size / 2**20:,.0f} MiB")
    if args.out is None:
        shutil.rmtree(out)


if __name__ == "__main__":
    main()

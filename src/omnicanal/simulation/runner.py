"""Generating a whole brand: the world once, then persons in chunks (in parallel when asked),
each chunk writing its own part files, joined in chunk order so the output is the same for a
seed whatever the number of processes."""

from __future__ import annotations

import json
import multiprocessing
import shutil
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from omnicanal import __version__
from omnicanal.simulation import behaviour, catalog, network, people, records, stock
from omnicanal.simulation.rng import stream
from omnicanal.simulation.scale import Scale
from omnicanal.simulation.world import World, build_world
from omnicanal.simulation.writers import Outputs

PARTS = ".parts"
GENERATED = ("network", "catalog", "customers", "events", "touchpoints", "media", "orders",
             "pricing", "loyalty", "stock", "feedback", "truth", PARTS)  # fmt: skip

Progress = Callable[[str, int, int], None]  # (phase, done, total)


@dataclass
class Manifest:
    seed: int
    scale: str
    persons: int
    stores: int
    products: int
    start: str
    weeks: int
    generator: str
    files: dict[str, int] = field(default_factory=dict)  # relative path -> rows
    seconds: float = 0.0

    def write(self, out_dir: Path) -> None:
        (out_dir / "manifest.json").write_text(
            json.dumps(self.__dict__, indent=2, ensure_ascii=False)
        )


# The world and plan live in each worker process once, not pickled with every chunk.
_STATE: dict[str, object] = {}


def _init_worker(world: World, plan: behaviour.Plan, out_dir: Path) -> None:
    _STATE.update(world=world, plan=plan, out_dir=out_dir)


def _run_chunk(chunk: int) -> tuple[int, dict[str, int], Counter[tuple[str, str]]]:
    world: World = _STATE["world"]  # type: ignore[assignment]
    plan: behaviour.Plan = _STATE["plan"]  # type: ignore[assignment]
    out_dir: Path = _STATE["out_dir"]  # type: ignore[assignment]
    seed = world.seed
    outputs = Outputs(out_dir / PARTS / f"{chunk:05d}")
    try:
        persons = people.build_persons(world, chunk, stream(seed, "persons", chunk))
        records.write_records(world, persons, stream(seed, "records", chunk), outputs)
        deltas = behaviour.simulate_chunk(
            world, plan, persons, stream(seed, "behaviour", chunk), outputs
        )
    finally:
        outputs.close()
    return chunk, outputs.counts(), deltas


def _join_parts(out_dir: Path, chunks: int, on_file: Callable[[], None] | None) -> dict[str, int]:
    """Concatenate every part file in chunk order; CSV headers are kept from the first part."""
    parts = out_dir / PARTS
    relatives = sorted(
        {str(p.relative_to(d)) for d in parts.iterdir() for p in d.rglob("*") if p.is_file()}
    )
    sizes: dict[str, int] = {}
    for relative in relatives:
        target = out_dir / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        header_written = False
        with target.open("wb") as out:
            for chunk in range(chunks):
                part = parts / f"{chunk:05d}" / relative
                if not part.exists():
                    continue
                with part.open("rb") as handle:
                    if relative.endswith(".csv"):
                        header = handle.readline()
                        if not header_written:
                            out.write(header)
                            header_written = True
                    shutil.copyfileobj(handle, out, 1 << 20)
        sizes[relative] = target.stat().st_size
        if on_file:
            on_file()
    shutil.rmtree(parts)
    return sizes


def count_rows(out_dir: Path) -> dict[str, int]:
    """Data rows of every file written (CSV without its header line, JSON Lines as they are)."""
    rows: dict[str, int] = {}
    for path in sorted(out_dir.rglob("*")):
        if not path.is_file() or path.suffix not in {".csv", ".jsonl"}:
            continue
        with path.open("rb") as handle:
            lines = sum(chunk.count(b"\n") for chunk in iter(lambda h=handle: h.read(1 << 20), b""))
        rows[str(path.relative_to(out_dir))] = lines - 1 if path.suffix == ".csv" else lines
    return rows


def generate(
    out_dir: Path,
    scale: Scale,
    seed: int = 42,
    *,
    processes: int = 1,
    progress: Progress | None = None,
) -> Manifest:
    """Write the brand `scale` for `seed` into `out_dir` (its generated folders are replaced)."""
    started = time.perf_counter()
    out_dir.mkdir(parents=True, exist_ok=True)
    for name in GENERATED:
        shutil.rmtree(out_dir / name, ignore_errors=True)
    report = progress or (lambda phase, done, total: None)

    world = build_world(scale, seed)
    manifest = Manifest(
        seed=seed, scale=scale.name, persons=scale.persons, stores=scale.stores,
        products=scale.products, start=scale.start.isoformat(), weeks=scale.weeks,
        generator=f"omnicanal {__version__}",
    )  # fmt: skip
    report("network and catalog", 0, 1)
    network.write_network(out_dir, scale, world.stores, stream(seed, "network-files"))
    catalog.write_catalog(out_dir, scale, world.products, stream(seed, "catalog"))
    plan = behaviour.build_plan(world, stream(seed, "plan"))
    behaviour.write_plan(out_dir, world, plan)
    closing = stock.write_stock_plan(out_dir, world, stream(seed, "stock"))
    report("network and catalog", 1, 1)

    chunk_files: set[str] = set()
    total = scale.chunks
    report("persons", 0, scale.persons)
    done_persons = 0

    def absorb(result: tuple[int, dict[str, int], Counter[tuple[str, str]]]) -> None:
        nonlocal done_persons
        _, rows, deltas = result
        chunk_files.update(rows)
        closing.update(deltas)  # update, not +: a Counter sum would drop stock at or below zero
        done_persons = min(scale.persons, done_persons + scale.chunk_size)
        report("persons", done_persons, scale.persons)

    if processes > 1 and total > 1:
        context = multiprocessing.get_context("fork")
        with context.Pool(processes, _init_worker, (world, plan, out_dir)) as pool:
            for result in pool.imap_unordered(_run_chunk, range(total)):
                absorb(result)
    else:
        _init_worker(world, plan, out_dir)
        for chunk in range(total):
            absorb(_run_chunk(chunk))

    relatives = chunk_files
    report("joining files", 0, len(relatives))
    joined = 0

    def joined_one() -> None:
        nonlocal joined
        joined += 1
        report("joining files", joined, len(relatives))

    _join_parts(out_dir, total, joined_one)
    stock.write_stock_truth(out_dir, closing)
    manifest.files = count_rows(out_dir)
    manifest.seconds = round(time.perf_counter() - started, 2)
    manifest.write(out_dir)
    return manifest

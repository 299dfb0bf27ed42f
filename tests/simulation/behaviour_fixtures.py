"""A stand-in for the persons of a chunk, so that behaviour tests do not depend on how
`people.py` draws names and addresses (only what behaviour reads is realistic here), and a
chunk run into a folder with readers for what it wrote."""

from __future__ import annotations

import csv
import json
import random
from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from omnicanal.simulation import behaviour
from omnicanal.simulation.model import Person
from omnicanal.simulation.rng import stream
from omnicanal.simulation.scale import Scale
from omnicanal.simulation.world import World, build_world
from omnicanal.simulation.writers import Outputs

SOURCES = {"web": 0.45, "app": 0.25, "pos": 0.55, "call_center": 0.12, "loyalty": 0.4,
           "marketplace": 0.15}  # fmt: skip


def make_persons(
    world: World, chunk: int, count: int, seed: int = 7, home_stores: list[str] | None = None
) -> list[Person]:
    rng = random.Random(seed * 100_003 + chunk)
    stores = [world.store(c) for c in home_stores] if home_stores else world.stores
    persons = []
    for i in range(count):
        number = chunk * world.scale.chunk_size + i + 1
        store = rng.choice(stores)
        channels = tuple(s for s, share in SOURCES.items() if rng.random() < share) or ("pos",)
        moves, moved = rng.random() < 0.05, rng.choice(world.stores)
        persons.append(Person(
            id=f"P{number:08d}", gender=rng.choice("FM"), first_name="Camille",
            last_name=f"Martin{number}", birth_name=None, birth_date=date(1980, 1, 1),
            street="1 rue de la Paix", postal_code=store.postal_code, city=store.city,
            latitude=store.latitude, longitude=store.longitude,
            phone=f"+336{number:08d}", email=f"camille.martin{number}@example.fr",
            home_store=store.code, household_id=f"H{number:08d}",
            landline=f"+331{number:08d}" if rng.random() < 0.3 else None,
            moved_to=("3 rue Neuve", moved.postal_code, moved.city) if moves else None,
            moved_on=date(2025, 3, 1) + timedelta(days=rng.randrange(200)) if moves else None,
            moved_home_store=moved.code if moves else None,
            channels=channels, propensity=rng.lognormvariate(0, 0.6),
        ))  # fmt: skip
    return persons


# -- running a chunk ---------------------------------------------------------------------------

TEST_SCALE = Scale("test", persons=20_000, stores=12, franchised_stores=4, products=300,
                   franchisees=2, chunk_size=5_000)  # fmt: skip


@dataclass
class Run:
    world: World
    plan: behaviour.Plan
    persons: list[Person]
    root: Path
    deltas: Counter[tuple[str, str]]

    def rows(self, relative: str) -> list[dict[str, str]]:
        with (self.root / relative).open(encoding="utf-8", newline="") as handle:
            return list(csv.DictReader(handle))

    def events(self, relative: str) -> list[dict[str, Any]]:
        with (self.root / relative).open(encoding="utf-8") as handle:
            return [json.loads(line) for line in handle]


def run_chunk(root: Path, persons: list[Person] | None = None, *, seed: int = 11, chunk: int = 0,
              count: int = 1_500, plan: behaviour.Plan | None = None) -> Run:  # fmt: skip
    world = build_world(TEST_SCALE, seed)
    plan = plan or behaviour.build_plan(world, stream(seed, "plan"))
    persons = persons if persons is not None else make_persons(world, chunk, count)
    out = Outputs(root)
    try:
        deltas = behaviour.simulate_chunk(
            world, plan, persons, stream(seed, "behaviour", chunk), out
        )
    finally:
        out.close()
    return Run(world, plan, persons, root, deltas)

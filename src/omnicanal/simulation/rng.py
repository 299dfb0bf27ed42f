"""Deterministic randomness: every part of the brand draws from its own named stream.

A stream is seeded from the run's seed and a path of names (`"persons", 12`), through SHA-256,
so that the output is the same for a seed whatever the number of processes, the order in which
chunks run, or Python's hash randomisation.
"""

from __future__ import annotations

import hashlib
import random


def stream(seed: int, *path: object) -> random.Random:
    key = "/".join([str(seed), *(str(p) for p in path)]).encode()
    return random.Random(int.from_bytes(hashlib.sha256(key).digest()[:8], "big"))


def weighted_index(rng: random.Random, cumulative: list[float]) -> int:
    """Index drawn with the weights whose running totals are `cumulative`."""
    import bisect

    return bisect.bisect_right(cumulative, rng.random() * cumulative[-1])

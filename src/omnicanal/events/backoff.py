"""When to try a failed delivery again, and when to give up. Pure: randomness comes in."""

from __future__ import annotations

import random
from datetime import timedelta

# Delay after the n-th failed attempt: quick retries for a blip, then hours for an outage.
SCHEDULE = (
    timedelta(seconds=5),
    timedelta(seconds=30),
    timedelta(minutes=2),
    timedelta(minutes=10),
    timedelta(minutes=30),
    timedelta(hours=1),
    timedelta(hours=3),
    timedelta(hours=6),
    timedelta(hours=12),
)
MAX_DELAY = SCHEDULE[-1]
# ±10 %: spreads the retries of many deliveries that failed together (a receiver's outage)
# without ever letting one step overlap the next.
JITTER = 0.1


def next_delay(attempts: int, rng: random.Random) -> timedelta:
    """How long to wait after `attempts` failed attempts (1 after the first failure)."""
    if attempts < 1:
        return timedelta(0)
    base = SCHEDULE[min(attempts, len(SCHEDULE)) - 1]
    factor = 1 + rng.uniform(-JITTER, JITTER)
    return base * factor


def is_exhausted(attempts: int, max_attempts: int) -> bool:
    """Whether a delivery that has been attempted `attempts` times should not be tried again."""
    return attempts >= max_attempts

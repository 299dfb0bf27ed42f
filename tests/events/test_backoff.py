import random
from datetime import timedelta

from hypothesis import given
from hypothesis import strategies as st

from omnicanal.events.backoff import JITTER, MAX_DELAY, SCHEDULE, is_exhausted, next_delay


def test_first_retry_comes_within_seconds() -> None:
    delay = next_delay(1, random.Random(1))
    assert timedelta(seconds=4) <= delay <= timedelta(seconds=6)


def test_delays_grow_with_each_failure_whatever_the_jitter() -> None:
    for attempts in range(1, len(SCHEDULE)):
        longest_now = SCHEDULE[attempts - 1] * (1 + JITTER)
        shortest_next = SCHEDULE[attempts] * (1 - JITTER)
        assert longest_now < shortest_next


@given(attempts=st.integers(min_value=1, max_value=10_000), seed=st.integers())
def test_delay_is_positive_and_bounded(attempts: int, seed: int) -> None:
    delay = next_delay(attempts, random.Random(seed))
    assert timedelta(0) < delay <= MAX_DELAY * (1 + JITTER)


@given(seed=st.integers())
def test_jitter_stays_within_ten_percent(seed: int) -> None:
    delay = next_delay(3, random.Random(seed))
    assert SCHEDULE[2] * 0.9 <= delay <= SCHEDULE[2] * 1.1


def test_same_seed_same_delay() -> None:
    assert next_delay(4, random.Random(7)) == next_delay(4, random.Random(7))


def test_exhausted_once_attempts_reach_the_maximum() -> None:
    assert not is_exhausted(7, 8)
    assert is_exhausted(8, 8)
    assert is_exhausted(9, 8)

"""Money arithmetic: half-up rounding once per promotion, largest-remainder spread."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from omnicanal.pricing.rounding import (
    div_half_up,
    percent_of,
    percent_to_basis_points,
    spread_amount,
    spread_shares,
)


def test_half_a_cent_rounds_up() -> None:
    assert percent_of(1005, 1000) == 101  # 10 % of 10.05 € is 1.005 €
    assert percent_of(1004, 1000) == 100
    assert div_half_up(5, 10) == 1 and div_half_up(4, 10) == 0


def test_percentages_have_at_most_two_decimals() -> None:
    assert percent_to_basis_points(Decimal("12.5")) == 1250
    assert percent_to_basis_points("33.33") == 3333
    with pytest.raises(ValueError, match="more than two decimals"):
        percent_to_basis_points("33.333")


def test_a_third_of_a_euro_over_three_lines_gives_the_odd_cent_to_the_first() -> None:
    assert spread_amount(100, [1, 1, 1]) == [34, 33, 33]


def test_the_cent_left_goes_to_the_largest_remainder() -> None:
    # 10 % of 0.05 € + 0.05 € + 0.06 € = 0.016 € -> 2 cents; shares 0.5, 0.5, 0.6 cents
    assert spread_shares([5 * 1000, 5 * 1000, 6 * 1000], 10_000) == [1, 0, 1]


def test_a_line_worth_nothing_gets_nothing() -> None:
    assert spread_amount(10, [0, 30, 0]) == [0, 10, 0]
    assert spread_amount(0, [0, 0]) == [0, 0]
    with pytest.raises(ValueError):
        spread_amount(1, [0, 0])


@given(st.lists(st.integers(0, 10**7), min_size=1, max_size=30), st.integers(0, 10**7))
def test_a_spread_adds_up_and_stays_within_each_line(weights: list[int], amount: int) -> None:
    amount = min(amount, sum(weights))
    parts = spread_amount(amount, weights) if sum(weights) else [0] * len(weights)
    assert sum(parts) == amount
    assert all(0 <= p <= w for p, w in zip(parts, weights, strict=True))


@given(st.lists(st.integers(0, 10**6), min_size=1, max_size=30), st.integers(1, 10_000))
def test_percent_shares_add_up_to_the_rounded_total(amounts: list[int], bp: int) -> None:
    parts = spread_shares([a * bp for a in amounts], 10_000)
    assert sum(parts) == percent_of(sum(amounts), bp)
    assert all(0 <= p <= a for p, a in zip(parts, amounts, strict=True))

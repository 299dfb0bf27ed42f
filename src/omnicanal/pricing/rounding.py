"""Money arithmetic of the pricing engine: integer minor units only, exact shares as integer
fractions, rounding half up, and the largest-remainder spread of a discount over lines.

Every discount is computed exactly (as numerators over one denominator), rounded once for the
whole promotion, then spread over the lines so that the line amounts add up to the rounded
total to the cent: no float, no per-line rounding drift.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

BASIS = 10_000  # percentages are held in basis points: 12.5 % is 1 250


def percent_to_basis_points(percent: Decimal | int | str) -> int:
    """`Decimal("12.5")` -> 1250. At most two decimals: a percentage finer than that is a typo."""
    value = Decimal(str(percent)) * 100
    if value != value.to_integral_value():
        raise ValueError(f"{percent} % has more than two decimals")
    return int(value)


def div_half_up(numerator: int, denominator: int) -> int:
    """numerator / denominator rounded half up (commercial rounding), for non-negative values."""
    if denominator <= 0 or numerator < 0:
        raise ValueError("div_half_up takes a non-negative numerator and a positive denominator")
    return (2 * numerator + denominator) // (2 * denominator)


def percent_of(amount: int, basis_points: int) -> int:
    """`amount` × percent, rounded half up: 10 % of 1 005 is 101 (100.5 rounds up)."""
    return div_half_up(amount * basis_points, BASIS)


def spread_shares(numerators: Sequence[int], denominator: int) -> list[int]:
    """Exact shares `numerators[i] / denominator` made whole: the total is rounded half up once,
    each share gets its floor, and the cents left go one each to the largest remainders (ties to
    the first line). The result adds up to the rounded total, and no share exceeds its ceiling,
    so a share bounded by a line's amount stays within it."""
    total = div_half_up(sum(numerators), denominator)
    floors = [n // denominator for n in numerators]
    left = total - sum(floors)
    if left:
        # largest remainder first; the sort is stable, so ties stay in line order
        remainders = [-(n % denominator) for n in numerators]
        by_remainder = sorted(range(len(numerators)), key=remainders.__getitem__)
        for i in by_remainder[:left]:
            floors[i] += 1
    return floors


def spread_amount(amount: int, weights: Sequence[int]) -> list[int]:
    """`amount` spread over lines in proportion to `weights` (their current amounts), largest
    remainder; the parts add up to `amount` exactly. Zero weights get nothing."""
    if amount < 0:
        raise ValueError("cannot spread a negative amount")
    weight = sum(weights)
    if weight <= 0:
        if amount:
            raise ValueError("cannot spread an amount over lines worth nothing")
        return [0] * len(weights)
    return spread_shares([amount * w for w in weights], weight)

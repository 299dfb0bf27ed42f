"""How big a simulated brand is: persons, stores, franchised stores, products, period."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class Scale:
    name: str
    persons: int
    stores: int
    franchised_stores: int
    products: int
    franchisees: int
    start: date = date(2025, 1, 6)  # a Monday: weeks of flyers and media run Monday to Sunday
    weeks: int = 52
    chunk_size: int = 5_000  # persons per chunk: fixed, so output does not depend on processes

    @property
    def chunks(self) -> int:
        return -(-self.persons // self.chunk_size)


PRESETS = {
    scale.name: scale
    for scale in (
        Scale("tiny", persons=1_000, stores=12, franchised_stores=4, products=200, franchisees=2),
        Scale("small", 20_000, stores=40, franchised_stores=15, products=1_200, franchisees=4),
        Scale("medium", 200_000, stores=120, franchised_stores=45, products=2_500, franchisees=8),
        Scale(
            "large", 1_000_000, stores=400, franchised_stores=150, products=4_000, franchisees=20
        ),
    )
}


def parse_scale(value: str) -> Scale:
    """`small`, `medium`, `large`, `tiny`, or a number of persons (stores grow with it)."""
    if value in PRESETS:
        return PRESETS[value]
    try:
        persons = int(value.replace("_", ""))
    except ValueError:
        names = ", ".join(PRESETS)
        raise ValueError(f"scale must be one of {names} or a number of persons") from None
    if persons < 100:
        raise ValueError("a simulated brand needs at least 100 persons")
    stores = max(12, min(400, persons // 2_500))
    return Scale(
        name=str(persons),
        persons=persons,
        stores=stores,
        franchised_stores=round(stores * 0.375),
        products=max(200, min(4_000, persons // 20)),
        franchisees=max(2, min(20, stores // 20)),
    )

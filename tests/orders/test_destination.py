"""Where a parcel goes, as sourcing measures distances: coordinates, else a French postal
code's département, else nowhere in particular."""

from __future__ import annotations

import pytest

from omnicanal.orders.service import destination_of


def test_coordinates_come_first() -> None:
    point = destination_of({"postal_code": "75001", "latitude": 45.76, "longitude": 4.83})
    assert point is not None and (point.latitude, point.longitude) == (45.76, 4.83)


def test_a_french_postal_code_is_placed_at_its_departement() -> None:
    point = destination_of({"postal_code": "69003", "country": "FR"})
    assert point is not None and round(point.latitude) == 46 and round(point.longitude) == 5


@pytest.mark.parametrize(
    "ship_to",
    [None, {}, {"postal_code": "SW1A 1AA", "country": "GB"}, {"postal_code": "xx"},
     {"city": "Lyon"}],
)  # fmt: skip
def test_otherwise_distance_plays_no_part(ship_to) -> None:  # type: ignore[no-untyped-def]
    assert destination_of(ship_to) is None

"""A whole simulated brand, generated once for the tests that read its files."""

from __future__ import annotations

from pathlib import Path

import pytest

from omnicanal.simulation import generate
from omnicanal.simulation.scale import Scale

# Small enough for a unit test, with several chunks so that joining parts is exercised.
SCALE = Scale("test", persons=900, stores=12, franchised_stores=4, products=120, franchisees=2,
              weeks=8, chunk_size=300)  # fmt: skip


@pytest.fixture(scope="session")
def brand(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("brand")
    generate(out, SCALE, seed=123, processes=1)
    return out

"""No oversell, ever: 200 clients race for the last 10 units through two server processes
(uvicorn, as in production), round after round; exactly the available units are held. The
benchmark `bench/oversell_race.py` runs the same race for 1 000 rounds and reports its pace."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).parents[2] / "bench" / "oversell_race.py"


def _race_module():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("oversell_race", BENCH)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["oversell_race"] = module
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize(
    ("backend", "clients", "rounds"),
    [("sqlite", 50, 2), pytest.param("postgresql", 200, 3, marks=pytest.mark.postgresql)],
)
def test_racing_clients_hold_exactly_the_available_units(
    backend: str, clients: int, rounds: int, tmp_path: Path
) -> None:
    race = _race_module()
    url = race.prepare_database(backend, tmp_path)
    token = race.seed(url)
    server = race.Server(url, tmp_path, workers=2)
    try:
        result = race.race(server.base, token, rounds=rounds, clients=clients, units=10)
    finally:
        server.stop()
        race.drop_database(url)
    assert result.failures == []
    assert result.rounds == rounds
    assert result.held == 10 * rounds
    assert result.refused == (clients - 10) * rounds

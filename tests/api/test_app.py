from sqlalchemy.pool import NullPool

from omnicanal.api.app import pool_slots
from omnicanal.db import make_engine


def test_units_of_work_run_on_the_pools_kept_connections_only(tmp_path) -> None:
    # An overflow connection is opened for one request and closed at its return: as many
    # requests at once as the pool keeps connections, the overflow left to background work.
    engine = make_engine(f"sqlite:///{tmp_path / 'a.db'}", pool_size=3, max_overflow=10)
    try:
        assert pool_slots(engine) == 3
    finally:
        engine.dispose()


def test_a_pool_without_a_size_does_not_limit_the_units(tmp_path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'b.db'}", poolclass=NullPool)
    try:
        assert pool_slots(engine) == 64
    finally:
        engine.dispose()

"""The Alembic migrations build exactly the schema the models describe, on both backends."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from omnicanal.db import Base, make_engine
from omnicanal.migrations import upgrade


def test_upgrade_to_head_matches_the_models(db_url: str) -> None:
    upgrade(db_url)
    upgrade(db_url)  # running it again is harmless
    engine = make_engine(db_url)
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, Base.metadata)
    engine.dispose()
    assert differences == [], f"models and migrations differ: {differences}"

"""The database's settings: on SQLite, WAL checkpoints in the background, never on commit; on
PostgreSQL, pooled connections tested only after they sat idle."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from sqlalchemy import text

from omnicanal import db
from omnicanal.db import make_engine
from tests.conftest import PG_URL


def _write_pages(engine, commits: int) -> None:  # type: ignore[no-untyped-def]
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE IF NOT EXISTS t (id INTEGER PRIMARY KEY, v TEXT)"))
    for i in range(commits):
        with engine.begin() as connection:
            connection.execute(text("INSERT INTO t (v) VALUES (:v)"), {"v": f"{i}" * 3000})


def test_a_commit_never_checkpoints_the_wal(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'db.sqlite'}")
    engine.checkpointer.stop()  # only the commits run
    with engine.connect() as connection:
        assert connection.execute(text("PRAGMA wal_autocheckpoint")).scalar() == 0
    _write_pages(engine, 1500)  # well past SQLite's default of 1 000 pages per checkpoint
    busy, frames, done = engine.checkpointer.checkpoint()
    assert frames > 1000
    assert (busy, done) == (0, frames)
    engine.dispose()


def test_the_background_thread_checkpoints_what_commits_wrote(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'db.sqlite'}")
    checkpointer = engine.checkpointer
    rounds: list[tuple[int, int, int]] = []
    run_once = checkpointer.checkpoint

    def counted() -> tuple[int, int, int]:
        rounds.append(run_once())
        return rounds[-1]

    checkpointer.checkpoint = counted
    checkpointer.interval = 0.05
    _write_pages(engine, 50)
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and not any(f > 0 and d == f for _, f, d in rounds):
        time.sleep(0.05)
    assert any(frames > 0 and done == frames for _, frames, done in rounds), rounds
    checkpointer.stop()
    with engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM t")).scalar() == 50
    engine.dispose()


def test_memory_databases_get_no_checkpointer() -> None:
    engine = make_engine("sqlite://")
    assert not hasattr(engine, "checkpointer")


@pytest.mark.postgresql
def test_a_pooled_connection_closed_by_the_server_while_idle_is_replaced(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert PG_URL
    engine = make_engine(PG_URL)
    with engine.connect() as connection:
        lost = connection.execute(text("SELECT pg_backend_pid()")).scalar()
    admin = make_engine(PG_URL)
    with admin.begin() as connection:
        connection.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": lost})
    admin.dispose()
    monkeypatch.setattr(db, "PING_AFTER_IDLE", 0.0)  # the pooled one counts as idle
    with engine.connect() as connection:
        assert connection.execute(text("SELECT pg_backend_pid()")).scalar() != lost
    engine.dispose()


@pytest.mark.postgresql
def test_a_connection_used_again_at_once_is_not_tested_first() -> None:
    assert PG_URL
    engine = make_engine(PG_URL)
    pings = []
    engine.dialect.do_ping = lambda dbapi_connection: pings.append(1) or True  # type: ignore[method-assign]
    for _ in range(3):
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    assert pings == []
    engine.dispose()


def test_pipelined_writes_are_all_applied(engine) -> None:  # type: ignore[no-untyped-def]
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE p (id INTEGER PRIMARY KEY, v TEXT)"))
    with engine.begin() as connection:
        with db.pipelined(connection):
            connection.execute(text("INSERT INTO p (id, v) VALUES (1, 'a')"))
            connection.execute(text("INSERT INTO p (id, v) VALUES (:id, :v)"), [
                {"id": 2, "v": "b"}, {"id": 3, "v": "c"}])  # fmt: skip
            connection.execute(text("UPDATE p SET v = 'z' WHERE id = 1"))
            if engine.dialect.name == "postgresql":  # sent together when the block ends
                assert connection.connection.driver_connection.pgconn.pipeline_status
        rows = connection.execute(text("SELECT id, v FROM p ORDER BY id")).all()
    assert [tuple(r) for r in rows] == [(1, "z"), (2, "b"), (3, "c")]


def test_a_pipelined_write_refused_raises_sqlalchemys_error(engine) -> None:  # type: ignore[no-untyped-def]
    from sqlalchemy.exc import IntegrityError

    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE q (id INTEGER PRIMARY KEY)"))
    with pytest.raises(IntegrityError), engine.begin() as connection, db.pipelined(connection):
        connection.execute(text("INSERT INTO q (id) VALUES (1)"))
        connection.execute(text("INSERT INTO q (id) VALUES (1)"))
    with engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM q")).scalar() == 0

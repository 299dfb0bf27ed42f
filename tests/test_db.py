"""The embedded database's settings: WAL checkpoints in the background, never on commit."""

from __future__ import annotations

import time
from pathlib import Path

from sqlalchemy import text

from omnicanal.db import make_engine


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

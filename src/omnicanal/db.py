"""Database ground shared by every domain: declarative base, engines, sessions, column types."""

from __future__ import annotations

import sqlite3
import threading
import time
import uuid
import weakref
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import JSON, DateTime, MetaData, String, create_engine, event, inspect
from sqlalchemy.engine import Connection, Engine, make_url
from sqlalchemy.exc import DBAPIError, DisconnectionError
from sqlalchemy.orm import (
    DeclarativeBase,
    Mapped,
    Session,
    make_transient_to_detached,
    mapped_column,
    sessionmaker,
)
from sqlalchemy.types import TypeDecorator

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    return datetime.now(UTC)


def new_id(prefix: str) -> str:
    """Opaque, stable identifier such as `loc_5f0c…`: the prefix tells a human what it names."""
    return f"{prefix}_{uuid.uuid4().hex}"


class UTCDateTime(TypeDecorator[datetime]):
    """Stores aware datetimes as UTC and always gives them back aware (SQLite forgets the zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the database; use an aware UTC datetime")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {datetime: UTCDateTime(), dict[str, Any]: JSON(), list[Any]: JSON()}


class TimestampMixin:
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


def id_column(prefix: str) -> Mapped[str]:
    return mapped_column(String(40), primary_key=True, default=lambda: new_id(prefix))


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    # Reads through memory maps rather than a read() per page (SQLite caps it at 2 GiB).
    cursor.execute(f"PRAGMA mmap_size={MMAP_BYTES}")
    cursor.close()


MMAP_BYTES = 2**31


def _no_checkpoint_on_commit(dbapi_connection: Any, _record: Any) -> None:
    dbapi_connection.execute("PRAGMA wal_autocheckpoint=0")


class WalCheckpointer:
    """Keeps WAL checkpoints off the commit path of a SQLite file database.

    By default the commit that grows the WAL past 1 000 pages copies them into the database
    and syncs it, so one write in a few dozen pays for the others. Here the engine's
    connections never checkpoint; a daemon thread does, on a connection of its own, every
    `interval` seconds while the WAL holds frames. PASSIVE: it never waits for a reader or
    a writer, and what it cannot copy now it copies next time. The last connection to close
    checkpoints what is left, as SQLite always does."""

    def __init__(self, path: str, interval: float = 0.5) -> None:
        self.path = path
        self.interval = interval
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="sqlite-checkpoint", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()

    def checkpoint(self) -> tuple[int, int, int]:
        """One PASSIVE checkpoint: (busy, frames in the WAL, frames checkpointed)."""
        connection = sqlite3.connect(self.path, timeout=0)
        try:
            return connection.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()  # type: ignore[no-any-return]
        finally:
            connection.close()

    def _loop(self) -> None:
        while not self._stop.wait(self.interval):
            wal = Path(self.path + "-wal")
            try:
                if wal.exists() and wal.stat().st_size > 0:
                    self.checkpoint()
            except sqlite3.Error:  # locked or gone: the next round tries again
                continue


def _sqlite_file(url: str) -> str | None:
    database = make_url(url).database
    if not database or database == ":memory:" or database.startswith("file:"):
        return None
    return database


def make_engine(url: str, **kwargs: Any) -> Engine:
    """An engine for `url`; SQLite files get WAL, foreign keys, a busy timeout and their
    checkpoints in the background (`WalCheckpointer`)."""
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False}, **kwargs)
        event.listen(engine, "connect", _sqlite_pragmas)
        path = _sqlite_file(url)
        if path is not None:
            event.listen(engine, "connect", _no_checkpoint_on_commit)
            checkpointer = WalCheckpointer(path)
            checkpointer.start()
            weakref.finalize(engine, checkpointer.stop)
            engine.checkpointer = checkpointer  # type: ignore[attr-defined]
        return engine
    if "pool_pre_ping" in kwargs:
        return create_engine(url, **kwargs)
    engine = create_engine(url, **kwargs)
    _ping_when_idle(engine)
    return engine


PING_AFTER_IDLE = 2.0  # seconds a pooled connection may sit unused before it is tested


def _ping_when_idle(engine: Engine) -> None:
    """Test a pooled connection before handing it out only when it sat unused for more than
    `PING_AFTER_IDLE` (a server restarted or a firewall's idle timeout closes the quiet ones):
    `pool_pre_ping` tested it before every unit of work, a round trip each. A failed test
    discards the connection and the pool hands out another (it tries three times)."""

    @event.listens_for(engine, "connect")
    def fresh(dbapi_connection: Any, record: Any) -> None:
        record.info["returned_at"] = time.monotonic()

    @event.listens_for(engine, "checkin")
    def returned(dbapi_connection: Any, record: Any) -> None:
        if record is not None:
            record.info["returned_at"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def test_if_idle(dbapi_connection: Any, record: Any, proxy: Any) -> None:
        if time.monotonic() - record.info.get("returned_at", 0.0) <= PING_AFTER_IDLE:
            return
        try:
            engine.dialect.do_ping(dbapi_connection)
        except engine.dialect.loaded_dbapi.Error as exc:
            raise DisconnectionError(str(exc)) from exc


_DATABASES: weakref.WeakKeyDictionary[Any, str] = weakref.WeakKeyDictionary()


def database_key(session: Session) -> str:
    """The URL of the session's database, which keys the per-process caches of the hot paths
    (rendering it takes 20 µs, and an order asks several times)."""
    bind = session.get_bind()
    key = _DATABASES.get(bind)
    if key is None:
        key = _DATABASES[bind] = str(bind.url)
    return key


def make_sessionmaker(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


_INSERTS: dict[Any, Any] = {}  # table -> its INSERT, built once


def insert_loaded(session: Session, rows: Sequence[Any]) -> None:
    """Write new objects of one mapped class with one INSERT, now, and keep them in the session
    as if read back: on a hot path (an order's lines, fulfilments and steps), the unit of work's
    bookkeeping of each object cost more than the database's writing it. Every column gets
    its value or its Python default, so none is left to load; the objects change afterwards
    as any loaded object does (an UPDATE at the next flush)."""
    if not rows:
        return
    mapper = inspect(type(rows[0]))
    columns = [(attribute.key, attribute.columns[0]) for attribute in mapper.column_attrs]
    values = []
    for row in rows:
        given = row.__dict__
        for key, column in columns:
            if key not in given:
                default = column.default
                value = None
                if default is not None and default.is_callable:
                    value = default.arg(None)
                elif default is not None and default.is_scalar:
                    value = default.arg
                elif default is not None:
                    raise TypeError(f"{column} has a default the database computes")
                setattr(row, key, value)
        values.append({column.key: given[key] for key, column in columns})
    table = mapper.local_table
    statement = _INSERTS.get(table)
    if statement is None:
        statement = _INSERTS[table] = table.insert()
    session.connection().execute(statement, values)
    for row in rows:
        make_transient_to_detached(row)
        session.add(row)


@contextmanager
def pipelined(connection: Connection) -> Iterator[None]:
    """Writes whose answers nobody reads, sent together: on PostgreSQL in one round trip
    (psycopg's pipeline mode) when the block ends, elsewhere one by one as they come. Only
    INSERT, UPDATE and DELETE without RETURNING belong inside: a query's rows are not there
    before the block ends. A write refused by the database raises at the block's end, as
    SQLAlchemy's error of the driver's."""
    driver = connection.connection.driver_connection
    if connection.dialect.name != "postgresql" or not hasattr(driver, "pipeline"):
        yield
        return
    dbapi = connection.dialect.loaded_dbapi
    try:
        with driver.pipeline():
            yield
    except dbapi.Error as error:
        raise DBAPIError.instance(None, None, error, dbapi.Error) from error


@contextmanager
def transaction(factory: sessionmaker[Session]) -> Iterator[Session]:
    """One unit of work: commits when the block ends normally, rolls back on an exception."""
    session = factory()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def load_all_models() -> None:
    """Import every domain's models so that `Base.metadata` knows all tables."""
    from omnicanal.api import idempotency as _idempotency  # noqa: F401
    from omnicanal.catalog import models as _catalog  # noqa: F401
    from omnicanal.customers import models as _customers  # noqa: F401
    from omnicanal.events import models as _events  # noqa: F401
    from omnicanal.imports import models as _imports  # noqa: F401
    from omnicanal.inventory import models as _inventory  # noqa: F401
    from omnicanal.network import models as _network  # noqa: F401
    from omnicanal.orders import models as _orders  # noqa: F401
    from omnicanal.pricing import models as _pricing  # noqa: F401
    from omnicanal.security import models as _security  # noqa: F401

"""The reservation sweeper: a daemon thread beside the web server that expires the reservations
whose time is up, every few seconds, so that held units go back on sale without anyone asking.
Several servers may sweep at once: a reservation is closed by a conditional update, once."""

from __future__ import annotations

import logging
import threading

from sqlalchemy.orm import Session, sessionmaker

from omnicanal.inventory.service import sweep

logger = logging.getLogger(__name__)


def sweep_all(factory: sessionmaker[Session], limit: int = 1000) -> int:
    """Expire everything due now, a transaction per `limit` reservations; how many expired."""
    total = 0
    while True:
        with factory.begin() as session:
            expired = sweep(session, limit=limit)
        total += expired
        if expired < limit:
            return total


class BackgroundSweeper:
    def __init__(self, factory: sessionmaker[Session], interval_seconds: float) -> None:
        self.factory = factory
        self.interval = interval_seconds
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                sweep_all(self.factory)
            except Exception:
                logger.exception("reservation sweep failed")
            self._stop.wait(self.interval)

    def start(self) -> None:
        if self._thread is not None and self._thread.is_alive():
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="omnicanal-sweeper", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None

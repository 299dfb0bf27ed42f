"""The sweeper thread beside the web server: a reservation whose time is up goes back on sale
without anyone asking, once, however many sweepers run."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

from omnicanal.inventory import rules, service
from omnicanal.inventory.models import ReservationRow, StockPositionRow
from omnicanal.inventory.sweeper import BackgroundSweeper, sweep_all
from omnicanal.security.service import SYSTEM

T0 = datetime(2026, 12, 1, 8, tzinfo=UTC)


def test_expired_reservations_are_swept_in_the_background(factory, brand) -> None:
    with factory.begin() as s:
        service.record_movements(
            s, SYSTEM, "LYON-01", [rules.Movement("R1", "LYON-01", "ROBE-1", 3, "receipt", T0)]
        )
        now = datetime.now(UTC)
        service.reserve(s, SYSTEM, "LYON-01", [("ROBE-1", 2)], reference="ORD-1",
                        expires_at=now + timedelta(milliseconds=300), now=now)  # fmt: skip
        service.reserve(s, SYSTEM, "LYON-01", [("ROBE-1", 1)], reference="ORD-2",
                        ttl=timedelta(hours=1))  # fmt: skip
    sweepers = [BackgroundSweeper(factory, interval_seconds=0.05) for _ in range(2)]
    for sweeper in sweepers:
        sweeper.start()
    try:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            with factory() as s:
                if s.get(ReservationRow, _id(s, "ORD-1")).status == "expired":
                    break
            time.sleep(0.05)
    finally:
        for sweeper in sweepers:
            sweeper.stop()
    with factory() as s:
        assert s.get(ReservationRow, _id(s, "ORD-1")).status == "expired"
        assert s.get(ReservationRow, _id(s, "ORD-2")).status == "active"
        position = s.get(StockPositionRow, ("LYON-01", "ROBE-1"))
        assert (position.on_hand, position.reserved) == (3, 1)  # given back once, not twice
    assert sweep_all(factory) == 0


def _id(session, reference: str) -> str:  # type: ignore[no-untyped-def]
    return session.query(ReservationRow.id).filter_by(reference=reference).scalar()

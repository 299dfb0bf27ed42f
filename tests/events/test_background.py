"""The dispatcher thread the web server runs: delivers on its own, survives a failing round,
stops promptly."""

from __future__ import annotations

import threading
import time

import pytest

from omnicanal.events import dispatcher, emit, subscribe
from omnicanal.events.dispatcher import BackgroundDispatcher


def _wait_for(condition, timeout: float = 10.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.02)
    return False


def test_background_dispatcher_delivers_survives_errors_and_stops(
    factory, settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = settings.model_copy(update={"dispatcher_interval_seconds": 0.05})
    received: list[str] = []
    subscribe("audit", "*", lambda session, event: received.append(event.type))
    real_dispatch_once = dispatcher.dispatch_once
    rounds = {"n": 0}

    def flaky(*args, **kwargs):
        rounds["n"] += 1
        if rounds["n"] == 1:
            raise ConnectionError("database restarting")
        return real_dispatch_once(*args, **kwargs)

    monkeypatch.setattr(dispatcher, "dispatch_once", flaky)
    with factory.begin() as session:
        emit(session, "order.placed", {"order": "ORD-1"})

    background = BackgroundDispatcher(factory, settings)
    background.start()
    try:
        assert _wait_for(lambda: received == ["order.placed"])
        assert background.running
    finally:
        started = time.monotonic()
        background.stop()
    assert time.monotonic() - started < 1.0
    assert not background.running
    assert rounds["n"] >= 2
    assert "omnicanal-dispatcher" not in {t.name for t in threading.enumerate()}

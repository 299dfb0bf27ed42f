"""Fixtures of the events tests: a private subscriber registry, a real webhook receiver."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from omnicanal.events import outbox
from omnicanal.events.models import Delivery, WebhookEndpoint
from omnicanal.events.signing import new_secret


@pytest.fixture(autouse=True)
def own_subscribers(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test starts with no in-process subscriber, whatever the domains registered."""
    monkeypatch.setattr(outbox, "_SUBSCRIBERS", {})


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class Receiver:
    """A webhook receiver on 127.0.0.1 that answers 500 to its first `fail_first` requests."""

    url: str
    fail_first: int = 0
    delay_seconds: float = 0.0
    requests: list[Received] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def answer(self, received: Received) -> int:
        with self.lock:
            self.requests.append(received)
            return 500 if len(self.requests) <= self.fail_first else 200


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    state: dict[str, Receiver] = {}

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("content-length", 0)))
            current = state["receiver"]
            if current.delay_seconds:
                threading.Event().wait(current.delay_seconds)
            status = current.answer(Received(self.path, dict(self.headers.items()), body))
            payload = b"ok" if status == 200 else b"receiver is down"
            try:
                self.send_response(status)
                self.send_header("content-length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)
            except OSError:  # the sender timed out and went away
                pass

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    state["receiver"] = Receiver(url=f"http://127.0.0.1:{server.server_port}/hooks")
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield state["receiver"]
    server.shutdown()
    server.server_close()
    thread.join(5)


def add_endpoint(
    factory: sessionmaker[Session],
    url: str,
    entity_id: str | None = None,
    event_types: list[str] | None = None,
) -> WebhookEndpoint:
    with factory.begin() as session:
        endpoint = WebhookEndpoint(
            url=url, entity_id=entity_id, secret=new_secret(), event_types=event_types or []
        )
        session.add(endpoint)
    return endpoint


def deliveries(factory: sessionmaker[Session], target: str | None = None) -> list[Delivery]:
    with factory() as session:
        query = select(Delivery).order_by(Delivery.created_at, Delivery.id)
        if target is not None:
            query = query.where(Delivery.target == target)
        return list(session.scalars(query))

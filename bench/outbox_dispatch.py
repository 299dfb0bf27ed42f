"""Outbox throughput: events written, fanned out and delivered, on SQLite and PostgreSQL.

    .venv/bin/python bench/outbox_dispatch.py [--backend sqlite|postgresql] [--events 10000]

Writes N events (in transactions of 100, as a busy API would), then runs `dispatch_once`
rounds until every event reached one in-process subscriber and one signed webhook served by
a local HTTP server. Reports events written per second and deliveries per second.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
from sqlalchemy import func, select, text

from omnicanal.config import Settings
from omnicanal.db import Base, load_all_models, make_engine, make_sessionmaker
from omnicanal.events import emit, outbox
from omnicanal.events.dispatcher import dispatch_once
from omnicanal.events.models import Delivery, WebhookEndpoint
from omnicanal.events.signing import new_secret

PG_URL = os.environ.get(
    "OMNICANAL_TEST_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)


class _Receiver(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as a real receiver behind a proxy
    received = 0
    lock = threading.Lock()

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("content-length", 0)))
        with _Receiver.lock:
            _Receiver.received += 1
        self.send_response(204)
        self.end_headers()

    def log_message(self, format: str, *args: object) -> None:
        return


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--backend", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--events", type=int, default=10_000)
    args = parser.parse_args()
    load_all_models()

    with tempfile.TemporaryDirectory() as tmp:
        schema = None
        if args.backend == "sqlite":
            url = f"sqlite:///{Path(tmp) / 'bench.db'}"
        else:
            schema = f"bench_{uuid.uuid4().hex[:8]}"
            with make_engine(PG_URL).begin() as connection:
                connection.execute(text(f'CREATE SCHEMA "{schema}"'))
            url = f"{PG_URL}?options=-csearch_path%3D{schema}"
        engine = make_engine(url)
        Base.metadata.create_all(engine)
        factory = make_sessionmaker(engine)
        settings = Settings(data_dir=Path(tmp), database_url=url, _env_file=None)  # type: ignore[call-arg]

        server = ThreadingHTTPServer(("127.0.0.1", 0), _Receiver)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        with factory.begin() as session:
            session.add(
                WebhookEndpoint(
                    url=f"http://127.0.0.1:{server.server_port}/hook",
                    secret=new_secret(),
                    event_types=[],
                )
            )
        seen = 0
        outbox.subscribe("bench", "*", lambda session, event: None)

        started = time.perf_counter()
        for batch in range(0, args.events, 100):
            with factory.begin() as session:
                for i in range(batch, min(batch + 100, args.events)):
                    emit(session, "stock.changed", {"sku": f"SKU-{i}", "quantity": i % 7})
        written = time.perf_counter() - started

        started = time.perf_counter()
        with httpx.Client(timeout=10) as http:
            while True:
                stats = dispatch_once(factory, settings, http=http, limit=500)
                if not stats:
                    break
        delivering = time.perf_counter() - started
        with factory() as session:
            delivered = session.scalar(select(func.count()).where(Delivery.status == "delivered"))
        seen = _Receiver.received
        server.shutdown()
        outbox.unsubscribe("bench")
        engine.dispose()
        if schema:
            with make_engine(PG_URL).begin() as connection:
                connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))

    assert delivered == 2 * args.events, delivered
    assert seen == args.events, seen
    print(f"backend {args.backend}, {args.events} events, 1 subscriber + 1 webhook each")
    print(f"events written     {args.events / written:8.0f}/s")
    print(f"deliveries made    {delivered / delivering:8.0f}/s  ({delivering:.1f} s)")


if __name__ == "__main__":
    main()

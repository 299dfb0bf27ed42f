"""At least once, even when a process dies: between the write and its delivery, or in the
middle of a delivery. Each crash is a real process ended with `os._exit`, mid-flight."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from datetime import timedelta
from pathlib import Path

from sqlalchemy import select
from standardwebhooks.webhooks import Webhook

from omnicanal.db import utcnow
from omnicanal.events import emit, subscribe
from omnicanal.events.dispatcher import dispatch_once
from omnicanal.events.models import OutboxEvent
from omnicanal.events.outbox import Event
from tests.events.conftest import Receiver, add_endpoint, deliveries

PAST_THE_LEASE = timedelta(minutes=5)


def _run_and_crash(code: str, *args: str) -> None:
    """Run `code` in a fresh interpreter with sys.argv[1:] = args; it must die with status 1."""
    result = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code), *args],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 1, result.stderr


WRITE_THEN_CRASH = """
    import os, sys
    from omnicanal.db import load_all_models, make_engine, make_sessionmaker, transaction
    from omnicanal.network import schemas, service
    from omnicanal.security.service import SYSTEM

    load_all_models()
    factory = make_sessionmaker(make_engine(sys.argv[1]))
    with transaction(factory) as session:  # the change and its event, in one transaction
        data = schemas.EntityCreate(code="CRASH-01", name="Franchise Crash", kind="franchisee")
        service.create_entity(session, SYSTEM, data)
    os._exit(1)  # dies before any dispatcher has seen the event
"""


def test_crash_between_write_and_delivery_loses_nothing(
    db_url: str, engine, factory, settings, receiver: Receiver
) -> None:
    received: list[Event] = []
    subscribe("crm", "entity.*", lambda session, event: received.append(event))
    endpoint = add_endpoint(factory, receiver.url)

    _run_and_crash(WRITE_THEN_CRASH, db_url)

    stats = dispatch_once(factory, settings)
    assert (stats.fanned_out, stats.delivered) == (1, 2)
    [event] = received
    assert (event.type, event.payload["code"]) == ("entity.created", "CRASH-01")
    [request] = receiver.requests
    assert Webhook(endpoint.secret).verify(request.body, request.headers)["id"] == event.id


DIE_INSIDE_THE_HANDLER = """
    import os, sys
    from pathlib import Path
    from omnicanal.config import Settings
    from omnicanal.db import load_all_models, make_engine, make_sessionmaker
    from omnicanal.events import subscribe
    from omnicanal.events.dispatcher import dispatch_once

    load_all_models()
    url, marker = sys.argv[1], Path(sys.argv[2])

    def send_receipt(session, event):
        marker.write_text(event.id)  # the side effect happens...
        os._exit(1)  # ...and the process dies before the delivery is recorded

    subscribe("receipts", "order.placed", send_receipt)
    dispatch_once(make_sessionmaker(make_engine(url)), Settings(database_url=url, _env_file=None))
"""


def test_process_killed_inside_a_subscriber_is_redelivered(
    db_url: str, engine, factory, settings, tmp_path: Path
) -> None:
    with factory.begin() as session:
        event = emit(session, "order.placed", {"order": "ORD-7"})
        session.flush()
        event_id = event.id
    marker = tmp_path / "receipt-sent"

    _run_and_crash(DIE_INSIDE_THE_HANDLER, db_url, str(marker))

    assert marker.read_text() == event_id
    [delivery] = deliveries(factory)
    assert (delivery.status, delivery.attempts) == ("pending", 1)
    received: list[str] = []
    subscribe("receipts", "order.placed", lambda session, event: received.append(event.id))
    assert dispatch_once(factory, settings).attempted == 0  # still leased to the dead process
    dispatch_once(factory, settings, now=utcnow() + PAST_THE_LEASE)
    assert received == [event_id]
    [delivery] = deliveries(factory)
    assert (delivery.status, delivery.attempts) == ("delivered", 2)


DIE_AFTER_THE_WEBHOOK_ANSWERED = """
    import os, sys
    import httpx
    from omnicanal.config import Settings
    from omnicanal.db import load_all_models, make_engine, make_sessionmaker
    from omnicanal.events.dispatcher import dispatch_once

    load_all_models()
    url = sys.argv[1]
    # The receiver has the event and said 200; the dispatcher dies before recording it.
    http = httpx.Client(event_hooks={"response": [lambda response: os._exit(1)]})
    dispatch_once(make_sessionmaker(make_engine(url)), Settings(database_url=url, _env_file=None), http=http)
"""


def test_process_killed_after_the_webhook_answered_sends_it_again(
    db_url: str, engine, factory, settings, receiver: Receiver
) -> None:
    endpoint = add_endpoint(factory, receiver.url)
    with factory.begin() as session:
        event = emit(session, "order.placed", {"order": "ORD-8"})
        session.flush()
        event_id = event.id

    _run_and_crash(DIE_AFTER_THE_WEBHOOK_ANSWERED, db_url)

    assert len(receiver.requests) == 1
    dispatch_once(factory, settings, now=utcnow() + PAST_THE_LEASE)
    assert len(receiver.requests) == 2
    # Same webhook-id both times: the receiver can tell it is the same message.
    assert [r.headers["webhook-id"] for r in receiver.requests] == [event_id, event_id]
    for request in receiver.requests:
        Webhook(endpoint.secret).verify(request.body, request.headers)
    [delivery] = deliveries(factory)
    assert (delivery.status, delivery.attempts) == ("delivered", 2)


def test_the_outbox_holds_no_event_of_a_rolled_back_change(factory, settings) -> None:
    try:
        with factory.begin() as session:
            emit(session, "order.placed", {"order": "ORD-9"})
            raise RuntimeError("payment refused")
    except RuntimeError:
        pass
    with factory() as session:
        assert session.scalars(select(OutboxEvent)).all() == []

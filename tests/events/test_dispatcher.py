"""The dispatcher delivers every event at least once, to the right targets only, and keeps
failed deliveries until they succeed, die, or are replayed."""

from __future__ import annotations

import json
import threading
from datetime import timedelta

import httpx
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker
from standardwebhooks.webhooks import Webhook

from omnicanal.config import Settings
from omnicanal.db import utcnow
from omnicanal.events import emit, subscribe
from omnicanal.events.dispatcher import dispatch_once, replay, replay_dead
from omnicanal.events.models import Delivery, OutboxEvent
from omnicanal.events.outbox import Event
from tests.conftest import Brand
from tests.events.conftest import Receiver, add_endpoint, deliveries


def _emit(
    factory: sessionmaker[Session], type: str = "order.placed", entity_id: str | None = None
) -> str:
    with factory.begin() as session:
        event = emit(session, type, {"order": "ORD-1", "total": 1999}, entity_id=entity_id)
        session.flush()
        return event.id


def _capture() -> tuple[httpx.Client, list[httpx.Request]]:
    seen: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(204)

    return httpx.Client(transport=httpx.MockTransport(answer)), seen


# --- fan-out ---------------------------------------------------------------------------------


def test_franchisee_endpoint_gets_only_its_own_entitys_events(
    factory, settings, brand: Brand
) -> None:
    endpoint_a = add_endpoint(factory, "https://a.example/hooks", entity_id=brand.franchisee_a)
    endpoint_b = add_endpoint(factory, "https://b.example/hooks", entity_id=brand.franchisee_b)
    hq = add_endpoint(factory, "https://hq.example/hooks")
    _emit(factory, "order.placed", brand.franchisee_b)
    http, seen = _capture()

    stats = dispatch_once(factory, settings, http=http)

    with factory() as session:
        events = {e.id: e.entity_id for e in session.scalars(select(OutboxEvent))}
    assert stats.fanned_out == len(events)
    received_by_a = [d.event_id for d in deliveries(factory, f"webhook:{endpoint_a.id}")]
    received_by_b = [d.event_id for d in deliveries(factory, f"webhook:{endpoint_b.id}")]
    assert received_by_a and {events[e] for e in received_by_a} == {brand.franchisee_a}
    assert received_by_b and {events[e] for e in received_by_b} == {brand.franchisee_b}
    assert len(deliveries(factory, f"webhook:{hq.id}")) == len(events)
    bodies_sent_to_a = [json.loads(r.content) for r in seen if r.url.host == "a.example"]
    assert {b["id"] for b in bodies_sent_to_a} == set(received_by_a)


def test_endpoint_receives_only_the_event_types_it_asked_for(
    factory, settings, brand: Brand
) -> None:
    endpoint = add_endpoint(factory, "https://hq.example/hooks", event_types=["location.*"])
    http, seen = _capture()
    dispatch_once(factory, settings, http=http)
    assert {json.loads(r.content)["type"] for r in seen} == {"location.created"}
    assert len(deliveries(factory, f"webhook:{endpoint.id}")) == 4


def test_disabled_endpoint_receives_nothing_new(factory, settings) -> None:
    endpoint = add_endpoint(factory, "https://hq.example/hooks")
    with factory.begin() as session:
        session.get(type(endpoint), endpoint.id).active = False
    _emit(factory)
    dispatch_once(factory, settings, http=_capture()[0])
    assert deliveries(factory, f"webhook:{endpoint.id}") == []


def test_an_event_is_fanned_out_once(factory, settings) -> None:
    add_endpoint(factory, "https://hq.example/hooks")
    _emit(factory)
    http, _ = _capture()
    assert dispatch_once(factory, settings, http=http).fanned_out == 1
    assert dispatch_once(factory, settings, http=http).fanned_out == 0
    assert len(deliveries(factory)) == 1


# --- subscribers -----------------------------------------------------------------------------


def test_subscriber_receives_every_event_once_delivered(factory, settings, brand: Brand) -> None:
    received: list[str] = []
    subscribe("audit", "*", lambda session, event: received.append(event.id))

    dispatch_once(factory, settings)
    dispatch_once(factory, settings, now=utcnow() + timedelta(days=1))

    with factory() as session:
        all_events = set(session.scalars(select(OutboxEvent.id)))
    assert set(received) == all_events
    assert len(received) == len(all_events)  # delivered ones are not sent again
    assert {d.status for d in deliveries(factory)} == {"delivered"}


def test_handler_writes_and_the_delivered_mark_commit_together(factory, settings) -> None:
    event_id = _emit(factory, "order.placed")
    calls: list[str] = []

    def loyalty(session: Session, event: Event) -> None:
        calls.append(event.id)
        emit(session, "loyalty.points_earned", {"order_event": event.id})
        if len(calls) == 1:
            raise RuntimeError("loyalty ledger unavailable")

    subscribe("loyalty", "order.placed", loyalty)
    now = utcnow()
    stats = dispatch_once(factory, settings, now=now)

    assert stats.failed == 1
    [delivery] = deliveries(factory, "subscriber:loyalty")
    assert (delivery.status, delivery.attempts) == ("pending", 1)
    assert "loyalty ledger unavailable" in (delivery.last_error or "")
    with factory() as session:
        earned = select(func.count()).where(OutboxEvent.type == "loyalty.points_earned")
        assert session.scalar(earned) == 0  # the failed handler's write was rolled back

    assert dispatch_once(factory, settings, now=now).attempted == 0  # not due yet
    dispatch_once(factory, settings, now=delivery.next_attempt_at)

    assert calls == [event_id, event_id]  # at least once: the failed call is redone
    [delivery] = deliveries(factory, "subscriber:loyalty")
    assert (delivery.status, delivery.attempts) == ("delivered", 2)
    with factory() as session:
        assert session.scalar(earned) == 1


def test_delivery_to_a_subscriber_unknown_to_this_process_is_kept(factory, settings) -> None:
    event_id = _emit(factory)
    with factory.begin() as session:  # fanned out by a process where "legacy" was registered
        session.add(Delivery(event_id=event_id, target="subscriber:legacy"))

    assert dispatch_once(factory, settings).failed == 1

    [delivery] = deliveries(factory)
    assert delivery.status == "pending"
    assert "no subscriber 'legacy'" in (delivery.last_error or "")


# --- webhooks --------------------------------------------------------------------------------


def test_failing_receiver_gets_the_event_when_it_recovers(
    factory, settings, receiver: Receiver
) -> None:
    receiver.fail_first = 3
    endpoint = add_endpoint(factory, receiver.url)
    event_id = _emit(factory)
    now = utcnow()

    rounds = []
    for _ in range(6):
        stats = dispatch_once(factory, settings, now=now)
        rounds.append((stats.delivered, stats.failed))
        [delivery] = deliveries(factory, f"webhook:{endpoint.id}")
        if delivery.status != "pending":
            break
        assert delivery.next_attempt_at > now  # waits before trying again
        now = delivery.next_attempt_at

    assert rounds == [(0, 1), (0, 1), (0, 1), (1, 0)]
    assert (delivery.status, delivery.attempts) == ("delivered", 4)
    assert "HTTP 500" in (delivery.last_error or "")
    assert len(receiver.requests) == 4
    assert {r.headers["webhook-id"] for r in receiver.requests} == {event_id}  # dedupe key
    last = receiver.requests[-1]
    message = Webhook(endpoint.secret).verify(last.body, last.headers)
    assert message["id"] == event_id
    assert message["type"] == "order.placed"
    assert message["data"] == {"order": "ORD-1", "total": 1999}


def test_retries_wait_longer_each_time(factory, settings) -> None:
    add_endpoint(factory, "https://down.example/hooks")
    _emit(factory)
    down = httpx.Client(transport=httpx.MockTransport(lambda request: httpx.Response(503)))
    now, waits = utcnow(), []
    for _ in range(4):
        dispatch_once(factory, settings, http=down, now=now)
        [delivery] = deliveries(factory)
        waits.append(delivery.next_attempt_at - now)
        now = delivery.next_attempt_at
    assert waits == sorted(waits) and waits[0] < timedelta(seconds=10) < waits[-1]


def test_after_max_attempts_a_delivery_is_dead_and_replay_delivers_it(
    factory, settings: Settings, receiver: Receiver
) -> None:
    settings = settings.model_copy(update={"webhook_max_attempts": 3})
    receiver.fail_first = 1000
    endpoint = add_endpoint(factory, receiver.url)
    _emit(factory)
    now = utcnow()
    outcomes = []
    for _ in range(5):
        stats = dispatch_once(factory, settings, now=now)
        outcomes.append((stats.failed, stats.dead))
        now += timedelta(days=1)

    [delivery] = deliveries(factory)
    assert outcomes == [(1, 0), (1, 0), (0, 1), (0, 0), (0, 0)]
    assert (delivery.status, delivery.attempts) == ("dead", 3)
    assert len(receiver.requests) == 3

    receiver.fail_first = 0
    with factory.begin() as session:
        replayed = replay(session, delivery.id)
        assert (replayed.status, replayed.attempts) == ("pending", 0)
    assert dispatch_once(factory, settings).delivered == 1
    [delivery] = deliveries(factory)
    assert (delivery.status, delivery.attempts) == ("delivered", 1)
    last = receiver.requests[-1]
    Webhook(endpoint.secret).verify(last.body, last.headers)


def test_replay_dead_requeues_every_dead_delivery(factory, settings) -> None:
    settings = settings.model_copy(update={"webhook_max_attempts": 1})
    add_endpoint(factory, "https://down.example/hooks")
    for _ in range(3):
        _emit(factory)
    down = httpx.Client(transport=httpx.MockTransport(lambda request: httpx.Response(500)))
    assert dispatch_once(factory, settings, http=down).dead == 3
    assert replay_dead(factory) == 3
    http, seen = _capture()
    assert dispatch_once(factory, settings, http=http).delivered == 3
    assert len(seen) == 3


def test_a_receiver_that_times_out_is_a_failed_attempt(
    factory, settings, receiver: Receiver
) -> None:
    settings = settings.model_copy(update={"webhook_timeout_seconds": 0.2})
    receiver.delay_seconds = 1.0
    add_endpoint(factory, receiver.url)
    _emit(factory)
    assert dispatch_once(factory, settings).failed == 1
    [delivery] = deliveries(factory)
    assert delivery.status == "pending"
    assert "Timeout" in (delivery.last_error or "")


def test_an_unreachable_receiver_is_a_failed_attempt(factory, settings) -> None:
    add_endpoint(factory, "http://127.0.0.1:9/hooks")  # discard port: nobody listens
    _emit(factory)
    assert dispatch_once(factory, settings).failed == 1
    assert "Connect" in (deliveries(factory)[0].last_error or "")


def test_deliveries_of_a_deleted_or_disabled_endpoint_die_and_say_why(factory, settings) -> None:
    deleted = add_endpoint(factory, "https://gone.example/hooks")
    disabled = add_endpoint(factory, "https://paused.example/hooks")
    _emit(factory)
    down = httpx.Client(transport=httpx.MockTransport(lambda request: httpx.Response(500)))
    dispatch_once(factory, settings, http=down)
    with factory.begin() as session:
        session.delete(session.get(type(deleted), deleted.id))
        session.get(type(disabled), disabled.id).active = False

    stats = dispatch_once(factory, settings, now=utcnow() + timedelta(hours=1))

    assert stats.dead == 2
    errors = {d.target: d.last_error for d in deliveries(factory)}
    assert errors[f"webhook:{deleted.id}"] == "the endpoint no longer exists"
    assert errors[f"webhook:{disabled.id}"] == "the endpoint is disabled"


# --- several dispatchers ---------------------------------------------------------------------


def test_two_dispatchers_at_once_deliver_each_event_once(factory, settings) -> None:
    for _ in range(40):
        _emit(factory)
    calls: list[str] = []
    lock = threading.Lock()

    def slow(session: Session, event: Event) -> None:
        threading.Event().wait(0.005)
        with lock:
            calls.append(event.id)

    subscribe("slow", "*", slow)
    start = threading.Barrier(2)
    errors: list[BaseException] = []

    def worker() -> None:
        start.wait()
        try:
            # Small rounds, so that both dispatchers fan out and claim side by side.
            while dispatch_once(factory, settings, limit=5):
                pass
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert errors == []
    assert len(calls) == 40
    assert len(set(calls)) == 40
    assert {d.status for d in deliveries(factory)} == {"delivered"}

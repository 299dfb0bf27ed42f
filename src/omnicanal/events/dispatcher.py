"""Delivers the outbox at least once: fans each event out to its targets, then tries every due
delivery (in-process subscriber or signed webhook), retrying with back-off until delivered or dead.

A delivery is claimed before it is tried: its attempt is counted and it is hidden for a lease
longer than the webhook timeout. A dispatcher that dies mid-delivery therefore loses nothing:
the lease runs out and the delivery is due again. Several dispatchers may run side by side;
on PostgreSQL they skip each other's locked rows, and every claim is a conditional update.
"""

from __future__ import annotations

import logging
import random
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import httpx
from sqlalchemy import Select, select, update
from sqlalchemy.orm import Session, sessionmaker

from omnicanal import __version__
from omnicanal.config import Settings
from omnicanal.db import transaction, utcnow
from omnicanal.errors import Conflict, NotFound
from omnicanal.events import outbox, signing
from omnicanal.events.backoff import is_exhausted, next_delay
from omnicanal.events.models import Delivery, OutboxEvent, WebhookEndpoint
from omnicanal.events.routing import SUBSCRIBER, WEBHOOK, EndpointRoute, targets_for, webhook_body

logger = logging.getLogger("omnicanal.events")

ERROR_LENGTH = 2000
_rng = random.Random()


@dataclass
class DispatchStats:
    fanned_out: int = 0  # events whose deliveries were created
    delivered: int = 0
    failed: int = 0  # failed attempts that will be retried
    dead: int = 0  # deliveries given up on this round

    @property
    def attempted(self) -> int:
        return self.delivered + self.failed + self.dead

    def __bool__(self) -> bool:
        return bool(self.fanned_out or self.attempted)


# --- one round ------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Job:
    delivery_id: str
    target: str
    event: outbox.Event
    url: str | None = None
    secret: str | None = None


def dispatch_once(
    factory: sessionmaker[Session],
    settings: Settings,
    *,
    http: httpx.Client | None = None,
    now: datetime | None = None,
    limit: int = 200,
) -> DispatchStats:
    """Fan out up to `limit` new events, then try up to `limit` due deliveries."""
    now = now or utcnow()
    stats = DispatchStats()
    stats.fanned_out = _fan_out(factory, now, limit)
    jobs = _claim(factory, settings, now, limit, stats)
    if not jobs:
        return stats
    own_client = http is None
    client = http or httpx.Client(timeout=settings.webhook_timeout_seconds)
    try:
        _run_subscribers(
            factory, settings, [j for j in jobs if j.target.startswith(SUBSCRIBER)], now, stats
        )
        webhooks = [job for job in jobs if job.target.startswith(WEBHOOK)]
        # Receivers are called side by side, so one slow endpoint does not hold up the others;
        # their results are then recorded in one transaction.
        with ThreadPoolExecutor(max_workers=settings.webhook_concurrency) as pool:
            errors = list(pool.map(lambda job: _post_webhook(settings, client, job), webhooks))
        with transaction(factory) as session:
            for job, error in zip(webhooks, errors, strict=True):
                if error is None:
                    _mark_delivered(session, job.delivery_id, now)
                    _count(stats, "delivered")
                else:
                    _count(stats, _record_failure(session, settings, job, now, error))
    finally:
        if own_client:
            client.close()
    return stats


def _is_postgresql(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def _skip_locked(session: Session, query: Select[Any]) -> Select[Any]:
    # SQLite has one writer at a time and no row locks; the conditional updates suffice there.
    return query.with_for_update(skip_locked=True) if _is_postgresql(session) else query


def _fan_out(factory: sessionmaker[Session], now: datetime, limit: int) -> int:
    with transaction(factory) as session:
        pending = select(OutboxEvent).where(OutboxEvent.fanned_out_at.is_(None))
        pending = pending.order_by(OutboxEvent.occurred_at, OutboxEvent.id).limit(limit)
        events = session.scalars(_skip_locked(session, pending)).all()
        if not events:
            return 0
        endpoints = [
            EndpointRoute(e.id, e.entity_id, tuple(e.event_types or ()))
            for e in session.scalars(select(WebhookEndpoint).where(WebhookEndpoint.active))
        ]
        subscriber_types = {name: types for name, (types, _) in outbox.subscribers().items()}
        # One conditional update marks the batch; RETURNING says which rows this dispatcher won.
        mark = (
            update(OutboxEvent.__table__)
            .where(OutboxEvent.id.in_([e.id for e in events]), OutboxEvent.fanned_out_at.is_(None))
            .values(fanned_out_at=now)
            .returning(OutboxEvent.__table__.c.id)
        )
        won = set(session.scalars(mark))
        for event in events:
            if event.id not in won:
                continue  # another dispatcher got there first
            for target in targets_for(event.type, event.entity_id, subscriber_types, endpoints):
                session.add(Delivery(event_id=event.id, target=target, next_attempt_at=now))
        return len(won)


def _lease(settings: Settings) -> timedelta:
    return timedelta(seconds=settings.webhook_timeout_seconds + 60)


def _claim(
    factory: sessionmaker[Session],
    settings: Settings,
    now: datetime,
    limit: int,
    stats: DispatchStats,
) -> list[_Job]:
    """Count an attempt on each due delivery and hide it for a lease, in one short transaction,
    so that no database transaction stays open while a webhook receiver answers."""
    with transaction(factory) as session:
        due = (
            select(Delivery)
            .where(Delivery.status == "pending", Delivery.next_attempt_at <= now)
            .order_by(Delivery.next_attempt_at, Delivery.id)
            .limit(limit)
        )
        deliveries = session.scalars(_skip_locked(session, due)).all()
        event_ids = {d.event_id for d in deliveries}
        events = {
            e.id: e
            for e in session.scalars(select(OutboxEvent).where(OutboxEvent.id.in_(event_ids)))
        }
        endpoint_ids = {
            d.target.removeprefix(WEBHOOK) for d in deliveries if d.target.startswith(WEBHOOK)
        }
        endpoints = {
            e.id: e
            for e in session.scalars(
                select(WebhookEndpoint).where(WebhookEndpoint.id.in_(endpoint_ids))
            )
        }
        claimable: list[Delivery] = []
        for delivery in deliveries:
            endpoint = None
            if delivery.target.startswith(WEBHOOK):
                endpoint = endpoints.get(delivery.target.removeprefix(WEBHOOK))
                if endpoint is None or not endpoint.active:
                    # Dead rather than dropped: it can be replayed once the endpoint is back.
                    gone = "no longer exists" if endpoint is None else "is disabled"
                    stats.dead += _give_up(session, delivery.id, f"the endpoint {gone}")
                    continue
            if is_exhausted(delivery.attempts, settings.webhook_max_attempts):
                # Only reachable when the last attempt's dispatcher died before recording it.
                error = "the last attempt was interrupted before its result was recorded"
                stats.dead += _give_up(session, delivery.id, error)
                continue
            claimable.append(delivery)
        if not claimable:
            return []
        table = Delivery.__table__
        claim = (
            update(table)
            .where(
                table.c.id.in_([d.id for d in claimable]),
                table.c.status == "pending",
                table.c.next_attempt_at <= now,
            )
            .values(attempts=table.c.attempts + 1, next_attempt_at=now + _lease(settings))
            .returning(table.c.id)
        )
        won = set(session.scalars(claim))
        return [
            _job(d, events[d.event_id], endpoints.get(d.target.removeprefix(WEBHOOK)))
            for d in claimable
            if d.id in won
        ]


def _job(delivery: Delivery, event: OutboxEvent, endpoint: WebhookEndpoint | None) -> _Job:
    data = outbox.Event(event.id, event.type, event.entity_id, event.payload, event.occurred_at)
    if endpoint is None:
        return _Job(delivery.id, delivery.target, data)
    return _Job(delivery.id, delivery.target, data, endpoint.url, endpoint.secret)


def _give_up(session: Session, delivery_id: str, error: str) -> int:
    """Mark a pending delivery dead; 1 if this call did it, 0 if another dispatcher did."""
    dead = (
        update(Delivery.__table__)
        .where(Delivery.id == delivery_id, Delivery.status == "pending")
        .values(status="dead", last_error=error)
        .execution_options(synchronize_session=False)
    )
    return int(session.execute(dead).rowcount)  # type: ignore[attr-defined]


def _count(stats: DispatchStats, outcome: str) -> None:
    setattr(stats, outcome, getattr(stats, outcome) + 1)


def _run_subscribers(
    factory: sessionmaker[Session],
    settings: Settings,
    jobs: list[_Job],
    now: datetime,
    stats: DispatchStats,
) -> None:
    """One transaction for the batch, one savepoint per delivery: a handler's writes and its
    delivered mark stand or fall together, and a crash before the commit redelivers them all."""
    if not jobs:
        return
    with transaction(factory) as session:
        for job in jobs:
            error = _call_subscriber(session, job, now)
            if error is None:
                _count(stats, "delivered")
            else:
                _count(stats, _record_failure(session, settings, job, now, error))


def _call_subscriber(session: Session, job: _Job, now: datetime) -> str | None:
    name = job.target.removeprefix(SUBSCRIBER)
    registered = outbox.subscribers().get(name)
    if registered is None:
        return f"no subscriber {name!r} is registered in this process"
    _, handler = registered
    try:
        with session.begin_nested():
            handler(session, job.event)
            _mark_delivered(session, job.delivery_id, now)
    except Exception as exc:
        return f"{type(exc).__name__}: {exc}"
    return None


def _post_webhook(settings: Settings, http: httpx.Client, job: _Job) -> str | None:
    assert job.url is not None and job.secret is not None
    body = webhook_body(job.event)
    # The signature's timestamp is the wall clock: receivers reject stale ones against theirs.
    sent_at = int(time.time())
    headers = signing.headers(job.secret, job.event.id, sent_at, body)
    headers["content-type"] = "application/json"
    headers["user-agent"] = f"omnicanal-webhooks/{__version__}"
    try:
        response = http.post(
            job.url, content=body, headers=headers, timeout=settings.webhook_timeout_seconds
        )
    except Exception as exc:  # refused, timed out, bad URL...: all are a failed attempt
        return f"{type(exc).__name__}: {exc}"
    if response.is_success:
        return None
    return f"HTTP {response.status_code}: {response.text[:300]}"


def _mark_delivered(session: Session, delivery_id: str, now: datetime) -> None:
    session.execute(
        update(Delivery.__table__)
        .where(Delivery.id == delivery_id)
        .values(status="delivered", delivered_at=now)
        .execution_options(synchronize_session=False)
    )


def _record_failure(
    session: Session, settings: Settings, job: _Job, now: datetime, error: str
) -> str:
    logger.warning("delivery %s to %s failed: %s", job.delivery_id, job.target, error)
    delivery = session.get(Delivery, job.delivery_id, with_for_update=_is_postgresql(session))
    if delivery is None or delivery.status != "pending":
        return "failed"
    delivery.last_error = error[:ERROR_LENGTH]
    if is_exhausted(delivery.attempts, settings.webhook_max_attempts):
        delivery.status = "dead"
        return "dead"
    delivery.next_attempt_at = now + next_delay(delivery.attempts, _rng)
    return "failed"


# --- replay ---------------------------------------------------------------------------------


def replay(session: Session, delivery_id: str, *, now: datetime | None = None) -> Delivery:
    """Send a dead (or already delivered) delivery again, from a fresh count of attempts."""
    delivery = session.get(Delivery, delivery_id)
    if delivery is None:
        raise NotFound(f"no delivery {delivery_id!r}", field="delivery_id")
    if delivery.status == "pending":
        raise Conflict("this delivery is already waiting to be sent", field="delivery_id")
    delivery.status = "pending"
    delivery.attempts = 0
    delivery.next_attempt_at = now or utcnow()
    delivery.delivered_at = None
    session.flush()
    return delivery


def replay_dead(
    factory: sessionmaker[Session], *, target: str | None = None, now: datetime | None = None
) -> int:
    """Put every dead delivery (of one target, if given) back in line; returns how many."""
    with transaction(factory) as session:
        query = update(Delivery).where(Delivery.status == "dead")
        if target is not None:
            query = query.where(Delivery.target == target)
        query = query.values(status="pending", attempts=0, next_attempt_at=now or utcnow())
        result = session.execute(query.execution_options(synchronize_session=False))
        return result.rowcount  # type: ignore[attr-defined, no-any-return]


# --- running continuously -------------------------------------------------------------------


def run(
    factory: sessionmaker[Session],
    settings: Settings,
    stop: threading.Event,
    on_round: Callable[[DispatchStats], None] | None = None,
    limit: int = 200,
) -> None:
    """Dispatch until `stop` is set; a failing round is logged and tried again next interval."""
    with httpx.Client(timeout=settings.webhook_timeout_seconds) as http:
        while not stop.is_set():
            backlog = False
            try:
                stats = dispatch_once(factory, settings, http=http, limit=limit)
            except Exception:
                logger.exception("event dispatch round failed")
            else:
                if on_round is not None:
                    on_round(stats)
                backlog = stats.fanned_out >= limit or stats.attempted >= limit
            if not backlog:
                stop.wait(settings.dispatcher_interval_seconds)


class BackgroundDispatcher:
    """Runs the dispatcher in a daemon thread beside the web server."""

    def __init__(self, factory: sessionmaker[Session], settings: Settings) -> None:
        self.factory = factory
        self.settings = settings
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def start(self) -> None:
        if self.running:
            return
        self._stop.clear()
        self._thread = threading.Thread(
            target=run,
            args=(self.factory, self.settings, self._stop),
            name="omnicanal-dispatcher",
            daemon=True,
        )
        self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        """Ask the loop to end and wait a little: a webhook call in flight may outlast the wait,
        which is safe since its delivery is retried once the lease expires."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None

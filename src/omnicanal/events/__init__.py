"""Domain events: written to an outbox in the writer's transaction, then delivered at least once
to in-process subscribers and to signed webhooks."""

from omnicanal.events.outbox import emit, emit_now, subscribe, subscriber

__all__ = ["emit", "emit_now", "subscribe", "subscriber"]

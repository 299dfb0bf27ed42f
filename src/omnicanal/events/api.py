"""HTTP routes of events: the outbox, webhook endpoints, deliveries and their replay."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(tags=["events"])

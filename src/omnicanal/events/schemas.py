"""API shapes of events, webhook endpoints and deliveries."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, computed_field

DeliveryStatus = Literal["pending", "delivered", "dead"]
EventTypes = Field(
    default=None,
    description="Event types to receive: exact (`order.placed`) or a family (`order.*`). "
    "Empty: every event.",
    examples=[["order.*", "customer.merged"]],
)


class EventOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    type: str
    entity_id: str | None
    payload: dict[str, Any]
    occurred_at: datetime


class EndpointCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    url: str = Field(min_length=1, max_length=2000, examples=["https://pos.example.com/hooks"])
    entity_id: str | None = Field(
        default=None,
        description="Whose events it receives. Omitted: the key's own entity, or every event "
        "of the brand for a brand-wide key.",
    )
    description: str | None = Field(default=None, max_length=300)
    event_types: list[str] | None = EventTypes
    active: bool = True


class EndpointUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    url: str | None = Field(default=None, min_length=1, max_length=2000)
    description: str | None = Field(
        default=None, max_length=300, description="An empty string clears it."
    )
    event_types: list[str] | None = EventTypes
    active: bool | None = None


class EndpointOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    entity_id: str | None
    url: str
    description: str | None
    event_types: list[str]
    active: bool
    created_at: datetime
    updated_at: datetime


class EndpointCreated(EndpointOut):
    secret: str = Field(
        description="Signs every delivery (Standard Webhooks). Shown once: store it now."
    )


class DeliveryOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    event_id: str
    target: str
    status: DeliveryStatus
    attempts: int
    next_attempt_at: datetime
    last_error: str | None
    delivered_at: datetime | None
    created_at: datetime

    @computed_field  # type: ignore[prop-decorator]
    @property
    def endpoint_id(self) -> str | None:
        prefix = "webhook:"
        return self.target.removeprefix(prefix) if self.target.startswith(prefix) else None

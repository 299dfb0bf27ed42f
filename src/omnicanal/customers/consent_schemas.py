"""API shapes of customers' consent: an event given or withdrawn, and the current state."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field


class ConsentIn(BaseModel):
    """One consent given (`granted: true`) or withdrawn (`false`), as a channel system saw it.

    `purpose` and `channel` are checked against the known lists (`consent.PURPOSES`,
    `consent.CHANNELS`); `channel: "all"` speaks for every channel of the purpose.
    """

    purpose: str = Field(max_length=32, examples=["email_marketing"])
    channel: str = Field(default="all", max_length=32, examples=["all", "web", "store"])
    granted: bool
    source: str = Field(
        min_length=1,
        max_length=64,
        pattern=r"^[A-Za-z0-9_.:-]+$",
        description="The system or form that collected it.",
        examples=["web_signup_form"],
    )
    occurred_at: datetime | None = Field(
        default=None,
        description="When the customer gave or withdrew it, with its time zone; now if absent.",
    )
    record_id: str | None = Field(
        default=None,
        max_length=40,
        description="The customer's source record the consent came with, if any.",
    )


class ConsentOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    customer_id: str
    purpose: str
    channel: str
    granted: bool
    source: str
    record_id: str | None
    occurred_at: datetime
    recorded_at: datetime


class ConsentStateOut(BaseModel):
    """The latest event of one purpose and channel."""

    purpose: str
    channel: str
    granted: bool
    occurred_at: datetime
    source: str
    event_id: str


class CustomerConsentOut(BaseModel):
    customer_id: str
    states: list[ConsentStateOut]
    history: list[ConsentOut] = Field(description="Every event, the latest first.")

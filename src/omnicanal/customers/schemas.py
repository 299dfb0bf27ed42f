"""API and import shapes of customer source records."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

KNOWN_FIELDS = (
    "first_name", "last_name", "email", "phone", "birth_date", "street", "postal_code", "city",
    "country", "loyalty_card", "gender", "mobile", "full_name",
)  # fmt: skip


class RecordIn(BaseModel):
    """One customer record as a channel system has it. Fields other than the known ones are
    kept as attributes."""

    model_config = ConfigDict(extra="allow")

    source: str = Field(
        min_length=1, max_length=64, examples=["pos"], pattern=r"^[A-Za-z0-9_.:-]+$"
    )
    source_id: str = Field(min_length=1, max_length=128, examples=["LYO00012345"])
    first_name: str | None = Field(default=None, max_length=200)
    last_name: str | None = Field(default=None, max_length=200)
    email: str | None = Field(default=None, max_length=320)
    phone: str | None = Field(default=None, max_length=64)
    mobile: str | None = Field(
        default=None, max_length=64, description="A second phone field, when the system has one."
    )
    full_name: str | None = Field(
        default=None,
        max_length=300,
        description="First and last name in one field, split when they are not given apart.",
    )
    birth_date: str | None = Field(default=None, max_length=32, examples=["14/03/1985"])
    street: str | None = Field(default=None, max_length=300)
    postal_code: str | None = Field(default=None, max_length=16)
    city: str | None = Field(default=None, max_length=120)
    country: str | None = Field(default=None, max_length=2)
    loyalty_card: str | None = Field(default=None, max_length=64)
    gender: str | None = Field(default=None, max_length=16)

    @model_validator(mode="before")
    @classmethod
    def _stringify(cls, data: Any) -> Any:
        # Exports carry numbers for phones, postal codes and dates: keep them as text.
        if isinstance(data, dict):
            from omnicanal.customers.consent import captured_consents

            captured_consents(data)  # a consent column it cannot read is refused, named
            return {
                k: (str(v) if k in KNOWN_FIELDS and isinstance(v, int | float) else v)
                for k, v in data.items()
            }
        return data

    def attributes(self) -> dict[str, Any]:
        return dict(self.model_extra or {})


class RecordBatch(BaseModel):
    records: list[RecordIn] = Field(min_length=1, max_length=1000)


class RecordOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    entity_id: str | None
    source: str
    source_id: str
    raw: dict[str, Any]
    received_at: datetime
    first_name: str | None
    last_name: str | None
    birth_name: str | None
    email: str | None
    phone: str | None
    birth_date: date | None
    gender: str | None
    street: str | None
    postal_code: str | None
    city: str | None
    country: str | None
    loyalty_card: str | None
    attributes: dict[str, Any]
    flags: list[dict[str, str]]


class IntakeOut(BaseModel):
    created: int
    updated: int
    records: list[RecordOut]
    customers: list[AttachmentOut] = []


class AttachmentOut(BaseModel):
    record_id: str
    customer_id: str
    outcome: str  # matched | new | review; `known` for a record sent again


class IdentityOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    kind: str
    value: str
    source: str
    record_id: str | None


class CustomerOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    status: str
    first_name: str | None
    last_name: str | None
    birth_name: str | None
    email: str | None
    phone: str | None
    birth_date: date | None
    gender: str | None
    street: str | None
    postal_code: str | None
    city: str | None
    country: str | None
    loyalty_card: str | None
    provenance: dict[str, dict[str, str]]
    record_count: int
    created_at: datetime
    updated_at: datetime


class SearchHit(BaseModel):
    customer: CustomerOut
    score: float


class ReviewOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    record_a_id: str
    record_b_id: str
    weight: float
    probability: float
    status: str
    evidence: list[dict[str, Any]] = []


class DecisionOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    kind: str
    actor: str
    note: str | None
    customer_ids: list[str]
    before: dict[str, Any]
    after: dict[str, Any]
    created_at: datetime
    reverted_at: datetime | None


class Customer360Out(BaseModel):
    customer: CustomerOut
    identities: list[IdentityOut]
    records: list[RecordOut]
    reviews: list[ReviewOut]
    decisions: list[DecisionOut]
    sections: dict[str, Any]


class MergeIn(BaseModel):
    survivor_id: str = Field(description="The customer that stays.")
    merged_id: str = Field(description="The customer whose records move to the survivor.")
    note: str | None = Field(default=None, max_length=500)


class SplitIn(BaseModel):
    record_ids: list[str] = Field(min_length=1, description="Records to move to a new customer.")
    note: str | None = Field(default=None, max_length=500)


class VerdictIn(BaseModel):
    verdict: str = Field(pattern="^(same|different)$", description="`same` or `different`.")
    note: str | None = Field(default=None, max_length=500)

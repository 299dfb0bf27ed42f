"""API shapes of users, API keys and the caller's own identity."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from omnicanal.security.permissions import Role


class ScopeIn(BaseModel):
    scope_entity_id: str | None = Field(default=None, description="Limit to one entity.")
    scope_location_ids: list[str] | None = Field(
        default=None, description="Limit to these locations."
    )


class ApiKeyCreate(ScopeIn):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=200, examples=["POS Lyon Part-Dieu"])
    permissions: list[str] = Field(min_length=1, examples=[["network:read"]])


class ApiKeyOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    name: str
    prefix: str
    permissions: list[str]
    scope_entity_id: str | None
    scope_location_ids: list[str] | None
    created_at: datetime
    revoked_at: datetime | None


class ApiKeyIssued(ApiKeyOut):
    token: str = Field(description="The secret key. Shown once: store it now.")


class UserCreate(ScopeIn):
    model_config = ConfigDict(extra="forbid")

    email: str = Field(min_length=3, max_length=320)
    display_name: str = Field(min_length=1, max_length=200)
    password: str = Field(min_length=10, max_length=200)
    role: Role
    locale: str | None = Field(default=None, pattern="^(fr|en)$")


class UserOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    email: str
    display_name: str
    role: Role
    scope_entity_id: str | None
    scope_location_ids: list[str] | None
    locale: str | None
    active: bool
    created_at: datetime
    last_login_at: datetime | None


class Me(BaseModel):
    kind: str
    id: str
    name: str
    role: Role | None
    permissions: list[str]
    scope: str

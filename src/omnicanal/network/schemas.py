"""API and import shapes of the network domain."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, field_validator

from omnicanal.config import get_settings
from omnicanal.network import rules
from omnicanal.network.rules import ChannelKind, EntityKind, LocationKind

Code = Annotated[str, Field(min_length=1, max_length=64, examples=["PARIS-01"])]
Name = Annotated[str, Field(min_length=1, max_length=200)]


def _check_siret(value: str | None) -> str | None:
    return None if not value else rules.normalise_siret(value)


class _CodeValidated(BaseModel):
    @field_validator("code", check_fields=False)
    @classmethod
    def _code(cls, value: str | None) -> str | None:
        return None if value is None else rules.normalise_code(value)


class EntityCreate(_CodeValidated):
    model_config = ConfigDict(extra="forbid")

    code: Code
    name: Name
    kind: EntityKind
    legal_name: str | None = Field(default=None, max_length=200)
    siret: str | None = None
    active: bool = True

    @field_validator("siret")
    @classmethod
    def _siret(cls, value: str | None) -> str | None:
        return _check_siret(value)


class EntityUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Name | None = None
    legal_name: str | None = Field(default=None, max_length=200)
    siret: str | None = None
    active: bool | None = None

    @field_validator("siret")
    @classmethod
    def _siret(cls, value: str | None) -> str | None:
        return _check_siret(value)


class EntityOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    code: str
    name: str
    kind: EntityKind
    legal_name: str | None
    siret: str | None
    active: bool
    created_at: datetime
    updated_at: datetime


class _LocationFields(BaseModel):
    @field_validator("opening_hours", mode="before", check_fields=False)
    @classmethod
    def _hours(cls, value: object) -> object:
        if value is None or value == "":
            return {}
        if isinstance(value, str | dict):
            return rules.normalise_opening_hours(value)  # type: ignore[arg-type]
        return value

    @field_validator("capabilities", mode="before", check_fields=False)
    @classmethod
    def _capabilities(cls, value: object) -> object:
        if value is None:
            return []
        if isinstance(value, str | list):
            return rules.normalise_capabilities(value)  # type: ignore[arg-type]
        return value

    @field_validator("phone", check_fields=False)
    @classmethod
    def _phone(cls, value: str | None) -> str | None:
        if not value:
            return None
        return rules.normalise_phone(value, get_settings().default_region)

    @field_validator("country", check_fields=False)
    @classmethod
    def _country(cls, value: str | None) -> str | None:
        if value is None:
            return None
        value = value.strip().upper()
        if len(value) != 2 or not value.isalpha():
            raise ValueError("must be an ISO 3166-1 alpha-2 code such as FR")
        return value


Latitude = Annotated[float, Field(ge=-90, le=90)]
Longitude = Annotated[float, Field(ge=-180, le=180)]


class LocationCreate(_CodeValidated, _LocationFields):
    model_config = ConfigDict(extra="forbid")

    code: Code
    name: Name
    kind: LocationKind
    owner_entity_id: str = Field(min_length=1, max_length=40)
    street: str | None = Field(default=None, max_length=300)
    postal_code: str | None = Field(default=None, max_length=16)
    city: str | None = Field(default=None, max_length=120)
    country: str = "FR"
    latitude: Latitude | None = None
    longitude: Longitude | None = None
    timezone: str = "Europe/Paris"
    phone: str | None = None
    opening_hours: dict[str, list[str]] = Field(
        default_factory=dict,
        description="Per day spans, or text such as `Mo-Sa 09:30-19:00; Su off`.",
        examples=[{"mo": ["09:30-19:00"], "sa": ["10:00-18:00"]}],
    )
    capabilities: list[str] = Field(default_factory=list, examples=[["click_and_collect"]])
    active: bool = True


class LocationUpdate(_LocationFields):
    model_config = ConfigDict(extra="forbid")

    name: Name | None = None
    street: str | None = Field(default=None, max_length=300)
    postal_code: str | None = Field(default=None, max_length=16)
    city: str | None = Field(default=None, max_length=120)
    country: str | None = None
    latitude: Latitude | None = None
    longitude: Longitude | None = None
    timezone: str | None = None
    phone: str | None = None
    opening_hours: dict[str, list[str]] | None = None
    capabilities: list[str] | None = None
    active: bool | None = None


class LocationOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    code: str
    name: str
    kind: LocationKind
    owner_entity_id: str
    street: str | None
    postal_code: str | None
    city: str | None
    country: str
    latitude: float | None
    longitude: float | None
    timezone: str
    phone: str | None
    opening_hours: dict[str, list[str]]
    capabilities: list[str]
    active: bool
    created_at: datetime
    updated_at: datetime


class ChannelCreate(_CodeValidated):
    model_config = ConfigDict(extra="forbid")

    code: Code
    name: Name
    kind: ChannelKind
    entity_id: str = Field(min_length=1, max_length=40)
    active: bool = True


class ChannelUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Name | None = None
    active: bool | None = None


class ChannelOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    code: str
    name: str
    kind: ChannelKind
    entity_id: str
    active: bool
    created_at: datetime
    updated_at: datetime


class LocationFilter(BaseModel):
    kind: LocationKind | None = None
    capability: rules.Capability | None = None
    entity_id: str | None = None
    city: str | None = None
    q: str | None = Field(default=None, description="Matches code, name, city or postal code.")
    active: bool | None = None

"""API and import shapes of the catalog."""

from __future__ import annotations

import re
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from omnicanal.catalog import rules
from omnicanal.catalog.rules import CodeStatus, MappingMethod, ProductStatus

Sku = Field(min_length=1, max_length=64, examples=["MD-00000-NOIR-34"])


def _gtin(value: str | None) -> str | None:
    return None if value is None or str(value).strip() == "" else rules.normalise_gtin(value)


class CategoryCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    code: str = Field(min_length=1, max_length=64, examples=["FEMME.ROBES"])
    name_fr: str = Field(min_length=1, max_length=200)
    name_en: str | None = Field(default=None, max_length=200)
    parent_id: str | None = None

    @field_validator("code")
    @classmethod
    def _code(cls, value: str) -> str:
        return rules.normalise_sku(value)


class CategoryOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    code: str
    parent_id: str | None
    name_fr: str
    name_en: str | None


class _ProductFields(BaseModel):
    @field_validator("gtin", check_fields=False)
    @classmethod
    def _gtin(cls, value: str | None) -> str | None:
        return _gtin(value)

    @field_validator("variant_axes", mode="before", check_fields=False)
    @classmethod
    def _axes(cls, value: object) -> object:
        if isinstance(value, str):
            return [a for a in re.split(r"[|,;\s]+", value.strip().lower()) if a]
        return value


class ProductCreate(_ProductFields):
    model_config = ConfigDict(extra="forbid")

    sku: str = Sku
    gtin: str | None = Field(default=None, description="GTIN-8, -12, -13 or -14; kept as 14.")
    brand: str | None = Field(default=None, max_length=120)
    category_id: str | None = None
    parent_id: str | None = None
    name_fr: str = Field(min_length=1, max_length=300)
    name_en: str | None = Field(default=None, max_length=300)
    description_fr: str | None = None
    description_en: str | None = None
    attributes: dict[str, Any] = Field(default_factory=dict, examples=[{"colour": "Noir"}])
    variant_axes: list[str] = Field(default_factory=list, examples=[["size", "colour"]])
    status: ProductStatus = ProductStatus.ACTIVE

    @field_validator("sku")
    @classmethod
    def _sku(cls, value: str) -> str:
        return rules.normalise_sku(value)


class ProductUpdate(_ProductFields):
    model_config = ConfigDict(extra="forbid")

    gtin: str | None = None
    brand: str | None = Field(default=None, max_length=120)
    category_id: str | None = None
    parent_id: str | None = None
    name_fr: str | None = Field(default=None, min_length=1, max_length=300)
    name_en: str | None = Field(default=None, max_length=300)
    description_fr: str | None = None
    description_en: str | None = None
    attributes: dict[str, Any] | None = None
    variant_axes: list[str] | None = None
    status: ProductStatus | None = None


class ProductOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    sku: str
    gtin: str | None
    brand: str | None
    category_id: str | None
    parent_id: str | None
    name_fr: str
    name_en: str | None
    description_fr: str | None
    description_en: str | None
    attributes: dict[str, Any]
    variant_axes: list[str]
    status: ProductStatus
    created_at: datetime
    updated_at: datetime


class ProductFilter(BaseModel):
    q: str | None = Field(
        default=None,
        max_length=120,
        description="Search by SKU, GTIN (8, 12, 13 or 14 digits), French or English name, "
        "brand, colour or size, forgiving typos and accents; best matches first.",
    )
    brand: str | None = None
    category_id: str | None = None
    parent_id: str | None = None
    status: ProductStatus | None = None
    limit: int = Field(default=100, ge=1, le=1000)
    offset: int = Field(default=0, ge=0)


def parse_price_minor(value: object) -> int:
    """`66,90`, `66.90` or `66` (major units, as files give them) -> 6690."""
    text = str(value).strip().replace("\u00a0", "").replace(" ", "").replace(",", ".")
    try:
        amount = Decimal(text)
    except InvalidOperation:
        raise ValueError(f"{value!r} is not an amount") from None
    if amount < 0 or amount != amount.quantize(Decimal("0.01")):
        raise ValueError(f"{value!r} is not an amount with at most 2 decimals")
    return int(amount * 100)


class ProductLineIn(BaseModel):
    """A product as an owner's own system knows it: its code, and what helps map it."""

    model_config = ConfigDict(extra="forbid")

    owner: str | None = Field(
        default=None,
        max_length=64,
        description="The entity code (or system name) that uses the code; a key scoped to "
        "an entity sends its own codes only and may leave it out.",
    )
    code: str = Field(min_length=1, max_length=64, examples=["ALP561083"])
    gtin: str | None = Field(default=None, max_length=32, description="As sent; checked later.")
    name: str | None = Field(default=None, max_length=300, examples=["ROBE LINA NOIR 38"])
    brand: str | None = Field(default=None, max_length=120)
    category: str | None = Field(default=None, max_length=200)
    price_minor: int | None = Field(default=None, ge=0)
    currency: str | None = Field(default=None, pattern=r"^[A-Z]{3}$")
    attributes: dict[str, Any] = Field(default_factory=dict)

    @field_validator("code")
    @classmethod
    def _code(cls, value: str) -> str:
        return rules.normalise_sku(value)

    price: int | None = Field(
        default=None,
        exclude=True,
        description="The price in major units as files give it (`66,90`), instead of "
        "`price_minor`.",
    )

    @field_validator("price", mode="before")
    @classmethod
    def _price(cls, value: object) -> int | None:
        return None if value is None or value == "" else parse_price_minor(value)

    @model_validator(mode="after")
    def _price_minor(self) -> ProductLineIn:
        if self.price_minor is None and self.price is not None:
            self.price_minor = self.price
        return self


class ProductCodeOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    owner: str
    owner_entity_id: str | None
    code: str
    sku: str | None = None
    status: CodeStatus
    method: MappingMethod | None
    score: float | None
    reason: str | None
    line: dict[str, Any]
    candidates: list[Any]
    decided_by: str | None
    decided_at: datetime | None
    updated_at: datetime


class CodeDecisionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    action: Literal["confirm", "map", "reject"] = Field(
        description="confirm: take the best candidate; map: give the SKU; reject: not a "
        "product of the catalog."
    )
    sku: str | None = Field(default=None, max_length=64)
    reason: str | None = Field(default=None, max_length=300)


class TranslateIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    owner: str | None = Field(default=None, max_length=64)
    codes: list[str] = Field(min_length=1, max_length=1000)


class Translation(BaseModel):
    code: str
    sku: str | None
    status: CodeStatus


class AssortmentIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    skus: list[str] = Field(min_length=1, max_length=10_000)
    channel_id: str | None = None
    location_id: str | None = None


class OfferIn(BaseModel):
    """A seller's offer for a product. A seller's key sets its own; a brand-wide user or key
    names the seller by its entity code."""

    model_config = ConfigDict(extra="forbid")

    seller: str | None = Field(
        default=None,
        max_length=64,
        description="Entity code of the seller (HQ or web shop for the brand's own offer, or "
        "a marketplace seller); a key scoped to the seller may leave it out.",
    )
    price_minor: int = Field(ge=0, description="Price in minor units (cents).", examples=[6690])
    currency: str = Field(pattern=r"^[A-Z]{3}$", examples=["EUR"])
    shipping_minor: int = Field(default=0, ge=0, description="Delivery fee in minor units.")
    stock_quantity: int = Field(ge=0)
    delivery_days: int = Field(ge=0, le=365, description="Delivery promise, in days.")
    seller_rating: Decimal | None = Field(
        default=None,
        ge=0,
        le=5,
        decimal_places=1,
        description="0 to 5 in tenths; set by the brand, not by the seller itself.",
    )
    active: bool = True


class OfferOut(BaseModel):
    id: str
    product_id: str
    seller: str
    seller_entity_id: str
    is_brand: bool
    price_minor: int
    currency: str
    shipping_minor: int
    landed_minor: int
    stock_quantity: int
    delivery_days: int
    seller_rating: Decimal | None
    active: bool
    featured: bool
    excluded_because: str | None = Field(
        default=None, description="inactive or out_of_stock: why it cannot be featured."
    )
    created_at: datetime
    updated_at: datetime


class BuyBoxOut(BaseModel):
    """Which offer is featured and the figures that decided it. A seller's key sees the
    figures, but not which other seller's offer won."""

    featured_offer_id: str | None
    reason: str
    currency: str | None
    featured_landed_minor: int | None
    runner_up_landed_minor: int | None
    best_third_party_landed_minor: int | None
    brand_landed_minor: int | None
    brand_ceiling_minor: Decimal | None
    tolerance_percent: Decimal


class ProductOffersOut(BaseModel):
    product_id: str
    sku: str
    offers: list[OfferOut]
    buy_box: BuyBoxOut

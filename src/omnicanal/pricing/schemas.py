"""API shapes of the pricing domain. Promotion definitions are checked by `pricing.codec`, which
names the field at fault; these models check the envelope."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

Code = Field(min_length=1, max_length=64)

PROMOTION_EXAMPLE = {
    "id": "SOLDES-ROBES-20",
    "name": "Soldes d'hiver : -20 % sur les robes",
    "action": {"kind": "percent_off", "percent": "20"},
    "conditions": {"categories": ["FEMME.ROBES"], "channels": ["web", "store"]},
    "priority": 10,
    "stacking_group": "soldes",
    "starts_at": "2027-01-07T08:00:00+01:00",
    "ends_at": "2027-02-04T00:00:00+01:00",
}


class QuoteLineIn(BaseModel):
    """A line names its product by master SKU, by GTIN, or by a local code of `code_owner`."""

    model_config = ConfigDict(extra="forbid")

    sku: str | None = Field(default=None, max_length=64)
    gtin: str | None = Field(default=None, max_length=32)
    code: str | None = Field(default=None, max_length=64)
    quantity: int = Field(ge=1, le=100_000)

    @model_validator(mode="after")
    def _one_key(self) -> QuoteLineIn:
        given = [name for name in ("sku", "gtin", "code") if getattr(self, name)]
        if len(given) != 1:
            raise ValueError("name the product by exactly one of sku, gtin or code")
        return self


class DeliveryIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    method: Literal["delivery", "click_and_collect"]
    fee: int = Field(ge=0, description="minor units")


class QuoteIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "channel": "web",
                    "customer_id": None,
                    "coupons": ["BIENVENUE10"],
                    "lines": [
                        {"sku": "MD-00012-NOIR-38", "quantity": 1},
                        {"gtin": "3601234567892", "quantity": 2},
                    ],
                }
            ]
        },
    )

    channel: str = Code
    location: str | None = Field(default=None, max_length=64, description="a location code")
    customer_id: str | None = Field(default=None, max_length=40)
    segments: list[str] = Field(default_factory=list, max_length=50)
    loyalty_tier: str | None = Field(default=None, max_length=64)
    first_order: bool = False
    coupons: list[str] = Field(default_factory=list, max_length=10)
    currency: str = Field(default="EUR", min_length=3, max_length=3)
    at: datetime | None = Field(default=None, description="the instant priced (now if absent)")
    code_owner: str | None = Field(
        default=None, max_length=64, description="whose local codes the lines' `code` are"
    )
    delivery: DeliveryIn | None = None
    lines: list[QuoteLineIn] = Field(min_length=1, max_length=500)


class RedemptionIn(QuoteIn):
    order_ref: str = Field(min_length=1, max_length=120, description="the order's reference")


class LineAdjustmentOut(BaseModel):
    promotion_id: str
    reason: str
    amount: int


class LinePriceOut(BaseModel):
    price_id: str
    price_list: str
    matched: list[str]  # location, segment, channel: what the winning row was specific to
    explanation: str | None = None


class QuoteLineOut(BaseModel):
    sku: str
    quantity: int
    unit_price: int
    price: LinePriceOut
    subtotal: int
    discount: int
    total: int
    unit_net: int
    adjustments: list[LineAdjustmentOut]


class AdjustmentOut(BaseModel):
    promotion_id: str
    name: str
    reason: str
    amount: int
    target: str
    lines: list[int]
    params: dict[str, Any]
    coupon: str | None = None
    explanation: str | None = None


class RefusalOut(BaseModel):
    code: str
    promotion_id: str | None = None
    coupon: str | None = None
    params: dict[str, Any] = Field(default_factory=dict)
    explanation: str | None = None


class QuoteOut(BaseModel):
    at: datetime
    channel: str
    location: str | None
    currency: str
    lines: list[QuoteLineOut]
    subtotal: int
    discount: int
    items_total: int
    delivery_fee: int
    delivery_discount: int
    total: int
    adjustments: list[AdjustmentOut]
    refusals: list[RefusalOut]
    loyalty_points: int
    coupons_applied: list[str]


class RedemptionOut(BaseModel):
    order_ref: str
    quote: QuoteOut
    redeemed: list[str]  # promotion ids counted for this order


class PriceIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    sku: str | None = Field(default=None, max_length=64)
    gtin: str | None = Field(default=None, max_length=32)
    amount: int = Field(ge=0, description="minor units")
    currency: str = Field(default="EUR", min_length=3, max_length=3)
    channel: str | None = Field(default=None, max_length=64)
    location: str | None = Field(default=None, max_length=64)
    segment: str | None = Field(default=None, max_length=64)
    valid_from: datetime | None = None
    valid_until: datetime | None = None
    price_list: str = Field(default="base", min_length=1, max_length=64)

    @model_validator(mode="after")
    def _one_key(self) -> PriceIn:
        if (self.sku is None) == (self.gtin is None):
            raise ValueError("name the product by its sku or its gtin, one of the two")
        return self


class PriceOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    price_list: str
    sku: str
    amount_minor: int
    currency: str
    channel: str | None
    location: str | None
    segment: str | None
    valid_from: datetime | None
    valid_until: datetime | None
    set_by: str | None


class PolicyIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    mode: Literal["locked", "free", "band"]
    band_percent: Decimal | None = Field(default=None, description="band only: ± percent")


class PolicyOut(BaseModel):
    entity: str
    entity_name: str
    mode: str
    band_percent: Decimal | None


class PromotionStatusIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    status: Literal["active", "paused", "archived"]


class PromotionOut(BaseModel):
    id: str
    name: str
    status: str
    definition: dict[str, Any]
    uses: int
    budget_spent: int
    coupons: int
    updated_at: datetime


class CouponsIn(BaseModel):
    """Either one code chosen by the brand (`code`, often shared: `max_redemptions` null), or
    `count` codes generated at random, each redeemable once by default."""

    model_config = ConfigDict(extra="forbid")

    code: str | None = Field(default=None, min_length=3, max_length=64)
    count: int | None = Field(default=None, ge=1, le=200_000)
    prefix: str = Field(default="", max_length=20)
    length: int = Field(default=8, ge=6, le=16)
    valid_from: datetime | None = None
    valid_until: datetime | None = None
    max_redemptions: int | None = Field(default=1, ge=1)
    customer_id: str | None = Field(default=None, max_length=40)

    @model_validator(mode="after")
    def _one_way(self) -> CouponsIn:
        if (self.code is None) == (self.count is None):
            raise ValueError("give a `code` or a `count` of codes to generate, one of the two")
        return self


class CouponsOut(BaseModel):
    promotion_id: str
    batch: str
    count: int
    codes: list[str]


class CouponOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    code: str
    promotion_id: str
    valid_from: datetime | None
    valid_until: datetime | None
    max_redemptions: int | None
    customer_id: str | None
    redemptions: int
    batch: str | None


class AuditFindingOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    location: str
    franchisee: str
    sku: str
    currency: str
    effective_price: int
    brand_price: int
    deviation: int
    deviation_percent: Decimal
    limit_percent: Decimal | None
    reason: str
    since: datetime | None
    location_price_id: str
    brand_price_id: str


class AuditLocationOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    location: str
    franchisee: str
    skus_outside: int
    worst_sku: str | None
    worst_deviation_percent: Decimal | None


class AuditOut(BaseModel):
    at: datetime
    channel: str
    currency: str
    pairs_checked: int
    outside: int
    findings: list[AuditFindingOut]
    locations: list[AuditLocationOut]
    not_compared: int

"""API shapes of the orders domain: carts, orders, fulfilments and returns. Amounts are minor
units of the order's currency; places are codes (channel `web`, location `LYON-01`)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

Code = Field(min_length=1, max_length=64)
FulfilmentMethod = Literal["home_delivery", "ship_from_store", "click_and_collect", "in_store"]


class LineIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    sku: str = Code
    quantity: int = Field(ge=1, le=10_000)


class CartIn(BaseModel):
    """A new cart, started on `channel` (and at `location`, for a store or an advisor)."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [{"channel": "web", "lines": [{"sku": "MD-00012-NOIR-38", "quantity": 1}]}]
        },
    )

    channel: str = Code
    location: str | None = Field(default=None, max_length=64)
    customer_id: str | None = Field(default=None, max_length=40)
    currency: str = Field(default="EUR", min_length=3, max_length=3)
    coupons: list[str] = Field(default_factory=list, max_length=10)
    lines: list[LineIn] = Field(default_factory=list, max_length=500)


class Touch(BaseModel):
    """Where a change comes from: a cart resumed on another channel records it."""

    model_config = ConfigDict(extra="forbid")

    channel: str | None = Field(default=None, min_length=1, max_length=64)
    location: str | None = Field(default=None, max_length=64)


class CartChange(Touch):
    """Attach a customer, change the coupons, or resume the cart on another channel."""

    customer_id: str | None = Field(default=None, max_length=40)
    coupons: list[str] | None = Field(default=None, max_length=10)


class CartLineAdd(Touch):
    sku: str = Code
    quantity: int = Field(ge=1, le=10_000)


class CartLineSet(Touch):
    quantity: int = Field(ge=0, le=10_000, description="0 removes the line")


class CartLineOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    sku: str
    quantity: int


class CartOut(BaseModel):
    id: str
    status: str
    customer_id: str | None
    channel: str
    location: str | None
    started_channel: str
    currency: str
    coupons: list[str]
    order_id: str | None
    lines: list[CartLineOut]
    created_at: datetime
    updated_at: datetime


class ShipTo(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str | None = Field(default=None, max_length=200)
    street: str | None = Field(default=None, max_length=300)
    postal_code: str | None = Field(default=None, max_length=16)
    city: str | None = Field(default=None, max_length=120)
    country: str = Field(default="FR", min_length=2, max_length=2)
    latitude: float | None = Field(default=None, ge=-90, le=90)
    longitude: float | None = Field(default=None, ge=-180, le=180)

    @model_validator(mode="after")
    def _both(self) -> ShipTo:
        if (self.latitude is None) != (self.longitude is None):
            raise ValueError("give the latitude and the longitude, or neither")
        return self


class FulfilmentIn(BaseModel):
    """How the order reaches the customer. `in_store`: handed over at the till, now.
    `click_and_collect`: `location` is the store of the pickup. `ship_from_store`: `location`
    is the store that ships. `home_delivery`: sourced by the rules (warehouse first)."""

    model_config = ConfigDict(extra="forbid")

    method: FulfilmentMethod
    location: str | None = Field(default=None, max_length=64)
    ship_to: ShipTo | None = None
    fee: int = Field(default=0, ge=0, description="the delivery fee, minor units")

    @model_validator(mode="after")
    def _where(self) -> FulfilmentIn:
        if self.method in ("click_and_collect", "ship_from_store") and not self.location:
            raise ValueError(f"{self.method} needs the location of the store")
        return self


class OrderIn(BaseModel):
    """An order from a cart (`cart_id`) or from `lines` directly, one of the two."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "channel": "web",
                    "customer_id": "cus_0f3…",
                    "lines": [{"sku": "MD-00012-NOIR-38", "quantity": 1}],
                    "fulfilment": {"method": "click_and_collect", "location": "LYON-01"},
                }
            ]
        },
    )

    cart_id: str | None = Field(default=None, max_length=40)
    lines: list[LineIn] | None = Field(default=None, min_length=1, max_length=500)
    channel: str | None = Field(
        default=None, min_length=1, max_length=64, description="required without a cart"
    )
    location: str | None = Field(
        default=None, max_length=64, description="the selling store (a till, an advisor)"
    )
    customer_id: str | None = Field(default=None, max_length=40)
    coupons: list[str] | None = Field(default=None, max_length=10)
    currency: str | None = Field(default=None, min_length=3, max_length=3)
    receipt: str | None = Field(
        default=None, max_length=120, description="the channel system's own number (a receipt)"
    )
    fulfilment: FulfilmentIn
    paid: bool = Field(default=True, description="payment taken by the channel")
    at: datetime | None = Field(default=None, description="when it was placed (now if absent)")

    @model_validator(mode="after")
    def _one_source(self) -> OrderIn:
        if (self.cart_id is None) == (self.lines is None):
            raise ValueError("give a cart_id or lines, one of the two")
        if self.cart_id is None and self.channel is None:
            raise ValueError("an order without a cart names its channel")
        return self


class OrderLineOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    position: int
    sku: str
    quantity: int
    unit_price: int
    subtotal: int
    discount: int
    paid: int
    adjustments: list[dict[str, object]]
    returned: int
    handed_over_at: datetime | None


class StepOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    from_status: str | None
    to_status: str
    at: datetime
    by: str | None
    note: str | None


class FulfilmentLineOut(BaseModel):
    line_id: str
    sku: str
    quantity: int


class FulfilmentOut(BaseModel):
    id: str
    order_id: str
    method: str
    location: str
    status: str
    lines: list[FulfilmentLineOut]
    reserved_until: datetime | None
    refund: int | None
    steps: list[StepOut]


class ReturnLineOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    order_line_id: str
    sku: str
    quantity: int
    amount: int
    disposition: str


class ReturnOut(BaseModel):
    id: str
    order_id: str
    order_number: str
    location: str
    currency: str
    items_refund: int
    delivery_refund: int
    total: int
    reason: str | None
    created_at: datetime
    lines: list[ReturnLineOut]


class OrderOut(BaseModel):
    id: str
    number: str
    receipt: str | None
    channel: str
    entity_id: str
    location: str | None
    customer_id: str | None
    cart_id: str | None
    status: str
    fulfilment: str
    currency: str
    subtotal: int
    discount: int
    items_total: int
    delivery_fee: int
    delivery_discount: int
    total: int
    coupons: list[str]
    adjustments: list[dict[str, object]]
    ship_to: dict[str, object] | None
    placed_at: datetime
    lines: list[OrderLineOut]
    fulfilments: list[FulfilmentOut]
    returns: list[ReturnOut]


class OrderSummaryOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    number: str
    receipt: str | None
    channel: str
    location: str | None
    customer_id: str | None
    status: str
    fulfilment: str
    currency: str
    total: int
    placed_at: datetime


class CancelIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: str | None = Field(default=None, max_length=500)


class StatusIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    status: str = Field(min_length=1, max_length=20)
    note: str | None = Field(default=None, max_length=500)


class ReturnLineIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    line_id: str = Field(min_length=1, max_length=40)
    quantity: int = Field(ge=1, le=10_000)
    damaged: bool = False


class ReturnIn(BaseModel):
    """Units brought back at `location`: a store that takes returns, or a warehouse for a
    return by post."""

    model_config = ConfigDict(extra="forbid")

    location: str = Code
    lines: list[ReturnLineIn] = Field(min_length=1, max_length=500)
    reason: str | None = Field(default=None, max_length=500)
    at: datetime | None = Field(default=None, description="when it was brought back")


class ReturnableLineOut(BaseModel):
    id: str
    sku: str
    quantity: int
    returned: int
    returnable: int
    paid: int
    handed_over_at: datetime | None
    return_until: str | None  # the last day, in the brand's time zone
    window_closed: bool = False  # that day has passed: nothing more comes back


class ReturnableOrderOut(BaseModel):
    """An order as the returns desk of any store sees it: what may come back and for how much,
    without who sold it or to whom."""

    id: str
    number: str
    receipt: str | None
    channel: str
    status: str
    currency: str
    total: int
    placed_at: datetime
    lines: list[ReturnableLineOut]

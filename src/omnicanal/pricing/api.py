"""HTTP routes of the pricing domain: thin wrappers around `pricing.service`."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Body, Query, Request, Response
from pydantic_core import to_json
from starlette.concurrency import run_in_threadpool

from omnicanal.api.deps import DB, Credentials, CurrentPrincipal, get_principal
from omnicanal.api.uow import finish_in_handler
from omnicanal.i18n import requested_language
from omnicanal.pricing import schemas, service
from omnicanal.pricing.engine import LoyaltyRules

router = APIRouter(prefix="/pricing", tags=["pricing"])
LOYALTY = LoyaltyRules()

PromotionBody = Annotated[
    dict[str, Any],
    Body(
        description="A promotion definition: `id`, `action` (with its `kind`), `conditions`, "
        "`priority`, `stacking_group`, `exclusive`, `requires_coupon`, `starts_at`, `ends_at`, "
        "`max_uses`, `max_uses_per_customer`, `budget`. Amounts in minor units.",
        examples=[schemas.PROMOTION_EXAMPLE],
    ),
]


def _locale(request: Request, lang: str | None) -> str | None:
    """The language of the explanations: `?lang=`, else Accept-Language; none without either
    (a till that reads the figures only does not pay for the sentences)."""
    return requested_language(lang, request.headers.get("accept-language"))


Lang = Annotated[
    str | None,
    Query(description="fr or en: explain each adjustment, refusal and price in words "
          "(Accept-Language does the same)"),
]  # fmt: skip


@router.post("/quote", response_model=schemas.QuoteOut)
async def quote(
    body: schemas.QuoteIn, request: Request, credentials: Credentials, lang: Lang = None
) -> Response:
    """Price a cart on a channel (and location, for a customer): unit and line prices, every
    promotion applied with its reason, what was refused and why, totals, points to earn."""
    locale = _locale(request, lang)

    # Every till, the web shop and the app ask for a quote at each change of a cart: the key
    # check, the quote and the end of the transaction in one trip through the thread pool (a
    # sync dependency, a sync handler and the middleware's commit would take three).
    def unit_of_work() -> Response:
        db = request.state.db
        priced = service.price_quote(db, get_principal(request, credentials), body, loyalty=LOYALTY)
        payload = service.quote_payload(priced, db, locale)
        # Built from the engine's checked figures: sent as it is rather than validated again
        # as the response model.
        response = Response(to_json(payload), media_type="application/json")
        finish_in_handler(request.scope, response)
        return response

    return await run_in_threadpool(unit_of_work)


@router.post("/redemptions", response_model=schemas.RedemptionOut, status_code=201)
def redeem(
    body: schemas.RedemptionIn,
    request: Request,
    db: DB,
    principal: CurrentPrincipal,
    lang: Lang = None,
):
    """Price an order's cart and count the promotions and coupons it uses, once per order."""
    priced, redeemed = service.redeem(db, principal, body, loyalty=LOYALTY)
    return {
        "order_ref": body.order_ref,
        "quote": service.quote_payload(priced, db, _locale(request, lang)),
        "redeemed": redeemed,
    }


@router.delete("/redemptions/{order_ref}", response_model=dict[str, int])
def release(order_ref: str, db: DB, principal: CurrentPrincipal):
    """An order cancelled: its promotion uses, budget and coupons are given back."""
    return {"released": service.release(db, principal, order_ref)}


@router.get("/promotions", response_model=list[schemas.PromotionOut])
def list_promotions(
    db: DB,
    principal: CurrentPrincipal,
    status: Literal["active", "paused", "archived"] | None = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    offset: Annotated[int, Query(ge=0)] = 0,
):
    rows = service.list_promotions(db, principal, status, limit, offset)
    return [service.promotion_payload(db, row) for row in rows]


@router.post("/promotions", response_model=schemas.PromotionOut, status_code=201)
def create_promotion(body: PromotionBody, db: DB, principal: CurrentPrincipal):
    return service.promotion_payload(db, service.create_promotion(db, principal, body))


@router.get("/promotions/{promotion_id}", response_model=schemas.PromotionOut)
def get_promotion(promotion_id: str, db: DB, principal: CurrentPrincipal):
    return service.promotion_payload(db, service.get_promotion(db, principal, promotion_id))


@router.put("/promotions/{promotion_id}", response_model=schemas.PromotionOut)
def update_promotion(promotion_id: str, body: PromotionBody, db: DB, principal: CurrentPrincipal):
    """Replace the definition; the usage counts and coupons stay."""
    row = service.update_promotion(db, principal, promotion_id, body)
    return service.promotion_payload(db, row)


@router.post("/promotions/{promotion_id}/status", response_model=schemas.PromotionOut)
def set_status(
    promotion_id: str, body: schemas.PromotionStatusIn, db: DB, principal: CurrentPrincipal
):
    row = service.set_promotion_status(db, principal, promotion_id, body.status)
    return service.promotion_payload(db, row)


@router.post(
    "/promotions/{promotion_id}/coupons", response_model=schemas.CouponsOut, status_code=201
)
def add_coupons(promotion_id: str, body: schemas.CouponsIn, db: DB, principal: CurrentPrincipal):
    """One chosen code, or `count` codes generated at random (each redeemable once)."""
    batch, codes = service.add_coupons(db, principal, promotion_id, body)
    return {"promotion_id": promotion_id, "batch": batch, "count": len(codes), "codes": codes}


@router.get("/promotions/{promotion_id}/coupons", response_model=list[schemas.CouponOut])
def list_coupons(
    promotion_id: str,
    db: DB,
    principal: CurrentPrincipal,
    limit: Annotated[int, Query(ge=1, le=10_000)] = 1000,
    offset: Annotated[int, Query(ge=0)] = 0,
):
    return service.list_coupons(db, principal, promotion_id, limit, offset)


@router.get("/prices", response_model=list[schemas.PriceOut])
def list_prices(
    db: DB,
    principal: CurrentPrincipal,
    sku: str | None = None,
    location: str | None = None,
    at: datetime | None = None,
    limit: Annotated[int, Query(ge=1, le=10_000)] = 1000,
    offset: Annotated[int, Query(ge=0)] = 0,
):
    """Price rows, newest first per SKU; `at` keeps those valid at that instant."""
    return service.list_prices(db, principal, sku, location, at, limit, offset)


@router.post("/prices", response_model=list[schemas.PriceOut], status_code=201)
def set_prices(
    body: Annotated[list[schemas.PriceIn], Body(min_length=1, max_length=50_000)],
    db: DB,
    principal: CurrentPrincipal,
):
    """New price rows (a change closes the row it replaces). Answers the rows written when
    there are at most 1 000 of them."""
    return service.set_prices(db, principal, body)


@router.get("/policies", response_model=list[schemas.PolicyOut])
def list_policies(db: DB, principal: CurrentPrincipal):
    return service.list_policies(db, principal)


@router.put("/policies/{entity}", response_model=schemas.PolicyOut)
def set_policy(entity: str, body: schemas.PolicyIn, db: DB, principal: CurrentPrincipal):
    """How far a franchisee (by entity code) may set its prices from the brand's."""
    return service.set_policy(db, principal, entity, body)


@router.get("/audit", response_model=schemas.AuditOut)
def price_audit(
    db: DB,
    principal: CurrentPrincipal,
    channel: str = "store",
    currency: str = "EUR",
    at: datetime | None = None,
    limit: Annotated[int, Query(ge=1, le=100_000)] = 1000,
):
    """Franchised stores showing a price outside their policy: by how much, since when; the
    largest deviation first, and a summary per store."""
    result = service.price_audit(db, principal, channel=channel, currency=currency, at=at)
    return {
        "at": result.at, "channel": result.channel, "currency": result.currency,
        "pairs_checked": result.pairs_checked, "outside": len(result.findings),
        "findings": result.findings[:limit], "locations": result.locations,
        "not_compared": len(result.not_compared),
    }  # fmt: skip

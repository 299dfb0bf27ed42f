"""HTTP routes of the catalog: thin wrappers around `catalog.service`."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request

from omnicanal.api.deps import DB, CurrentPrincipal
from omnicanal.catalog import offers, schemas, service
from omnicanal.catalog.rules import CodeStatus

router = APIRouter(tags=["catalog"])


@router.get("/categories", response_model=list[schemas.CategoryOut])
def list_categories(db: DB, principal: CurrentPrincipal):
    return service.list_categories(db, principal)


@router.post("/categories", response_model=schemas.CategoryOut, status_code=201)
def create_category(body: schemas.CategoryCreate, db: DB, principal: CurrentPrincipal):
    return service.create_category(db, principal, body)


@router.get("/products", response_model=list[schemas.ProductOut])
def list_products(
    db: DB, principal: CurrentPrincipal, filters: Annotated[schemas.ProductFilter, Depends()]
):
    return service.list_products(db, principal, filters)


@router.post("/products", response_model=schemas.ProductOut, status_code=201)
def create_product(body: schemas.ProductCreate, db: DB, principal: CurrentPrincipal):
    return service.create_product(db, principal, body)


@router.get("/products/{product_id}", response_model=schemas.ProductOut)
def get_product(product_id: str, db: DB, principal: CurrentPrincipal):
    """By id or by SKU."""
    return service.get_product(db, principal, product_id)


@router.patch("/products/{product_id}", response_model=schemas.ProductOut)
def update_product(
    product_id: str, body: schemas.ProductUpdate, db: DB, principal: CurrentPrincipal
):
    return service.update_product(db, principal, product_id, body)


@router.get("/products/{product_id}/offers", response_model=schemas.ProductOffersOut)
def list_offers(product_id: str, request: Request, db: DB, principal: CurrentPrincipal):
    """The marketplace offers, the featured one (buy box) first, with the reason it won."""
    tolerance = request.app.state.settings.buybox_brand_tolerance_percent
    return offers.list_offers(db, principal, product_id, tolerance)


@router.put("/products/{product_id}/offers", response_model=schemas.ProductOffersOut)
def set_offer(
    product_id: str,
    body: schemas.OfferIn,
    request: Request,
    db: DB,
    principal: CurrentPrincipal,
):
    """A seller sets its own offer (a brand-wide key names the seller); one per seller."""
    tolerance = request.app.state.settings.buybox_brand_tolerance_percent
    return offers.set_offer(db, principal, product_id, body, tolerance)


@router.get("/product-codes", response_model=list[schemas.ProductCodeOut])
def list_codes(
    db: DB,
    principal: CurrentPrincipal,
    status: CodeStatus | None = None,
    owner: str | None = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    offset: Annotated[int, Query(ge=0)] = 0,
):
    """The mapping queue: `status=pending_review` lists what waits for a person."""
    codes = service.list_codes(db, principal, status, owner, limit, offset)
    return [service.code_payload(db, code) for code in codes]


@router.post("/product-codes", response_model=list[schemas.ProductCodeOut])
def submit_codes(body: list[schemas.ProductLineIn], db: DB, principal: CurrentPrincipal):
    """Send product lines with one's own codes; each is mapped now or queued for review."""
    codes, _, _ = service.submit_lines(db, principal, body)
    return [service.code_payload(db, code) for code in codes]


@router.post("/product-codes/translate", response_model=list[schemas.Translation])
def translate(body: schemas.TranslateIn, db: DB, principal: CurrentPrincipal):
    """Local codes as master SKUs; an unknown code is held for review and answered unmapped."""
    return service.translate_codes(db, principal, body.owner, body.codes)


@router.get("/product-codes/{code_id}", response_model=schemas.ProductCodeOut)
def get_code(code_id: str, db: DB, principal: CurrentPrincipal):
    return service.code_payload(db, service.get_code(db, principal, code_id))


@router.post("/product-codes/{code_id}/decision", response_model=schemas.ProductCodeOut)
def decide(code_id: str, body: schemas.CodeDecisionIn, db: DB, principal: CurrentPrincipal):
    """Confirm the best candidate, map by hand to a SKU, or reject the code."""
    return service.code_payload(db, service.decide_code(db, principal, code_id, body))


@router.get("/assortment", response_model=list[str])
def assortment(
    db: DB,
    principal: CurrentPrincipal,
    channel_id: str | None = None,
    location_id: str | None = None,
):
    """The SKUs a channel or a location sells."""
    return service.assortment_skus(db, principal, channel_id, location_id)


@router.post("/assortment", response_model=dict[str, int])
def add_to_assortment(body: schemas.AssortmentIn, db: DB, principal: CurrentPrincipal):
    return {"added": service.set_assortment(db, principal, body)}

"""Catalog pages: the master products searched with one box (typos, accents, any form of GTIN)
and filters, and a product's page: its attributes and variants, the local codes mapped to it
(a franchisee sees its own) and its marketplace offers with the featured one and why."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response

from omnicanal.catalog import offers, service
from omnicanal.catalog.rules import ProductStatus
from omnicanal.errors import DomainError, NotFound
from omnicanal.security.permissions import Permission, Principal
from omnicanal.web import catalog_views
from omnicanal.web.auth import requires
from omnicanal.web.formatting import localised
from omnicanal.web.i18n import use_locale
from omnicanal.web.templating import render, request_locale

router = APIRouter(prefix="/catalog")

Reader = Annotated[Principal, Depends(requires(Permission.CATALOG_READ))]

PAGE_SIZE = 25
QUERY_LENGTH = 120
SUGGESTIONS = 8
CODES_SHOWN = 200


def product_path(product_id: str) -> str:
    return f"/catalog/products/{quote(product_id, safe='')}"


def _search_context(
    request: Request,
    principal: Principal,
    q: str = "",
    category: str = "",
    brand: str = "",
    status: str = "",
    page: int = 1,
) -> dict[str, Any]:
    db = request.state.db
    paths = service.category_paths(db, request_locale(request))
    brands = service.list_brands(db, principal)
    category = category if category in paths else ""
    brand = brand if brand in brands else ""
    status = status if status in set(ProductStatus) else ""
    found = service.search_products(
        db,
        principal,
        q or None,
        category_ids=service.category_subtree(db, category) if category else None,
        brand=brand or None,
        status=ProductStatus(status) if status else None,
        limit=PAGE_SIZE,
        offset=(page - 1) * PAGE_SIZE,
    )
    filters = {"q": q, "category": category, "brand": brand, "status": status}
    pages = max(1, -(-found.total // PAGE_SIZE))

    def page_url(number: int) -> str:
        wanted = {k: v for k, v in filters.items() if v} | ({"page": number} if number > 1 else {})
        return "/catalog" + ("?" + urlencode(wanted) if wanted else "")

    return {
        **filters,
        "filtered": any(filters.values()),
        "categories": sorted(paths.items(), key=lambda kv: kv[1].lower()),
        "paths": paths,
        "brands": brands,
        "statuses": list(ProductStatus),
        "found": found,
        "page": page,
        "pages": pages,
        "previous_url": page_url(page - 1) if page > 1 else None,
        "next_url": page_url(page + 1) if page < pages else None,
        "problem": None,
    }


@router.get("", response_class=HTMLResponse)
def search_page(
    request: Request,
    principal: Reader,
    q: Annotated[str, Query()] = "",
    category: Annotated[str, Query()] = "",
    brand: Annotated[str, Query()] = "",
    status: Annotated[str, Query()] = "",
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
) -> HTMLResponse:
    context = _search_context(
        request, principal, q.strip()[:QUERY_LENGTH], category, brand, status, page
    )
    return render(request, "catalog.html", context)


@router.get("/products/suggest")
def suggest(request: Request, principal: Reader, q: Annotated[str, Query()] = "") -> JSONResponse:
    """A few products for a box being typed in (the SKU field of the code queue)."""
    query = q.strip()[:QUERY_LENGTH]
    if not query:
        return JSONResponse([])
    found = service.search_products(request.state.db, principal, query, limit=SUGGESTIONS)
    with use_locale(request_locale(request)):
        items = [
            {"sku": hit.product.sku, "name": localised(hit.product.name_fr, hit.product.name_en)}
            for hit in found.items
        ]
    return JSONResponse(items, headers={"Cache-Control": "no-store"})


@router.get("/products/{product_id}", response_class=HTMLResponse)
def product_page(request: Request, product_id: str, principal: Reader) -> Response:
    db = request.state.db
    try:
        product = service.get_product(db, principal, product_id)
    except NotFound as exc:
        context = _search_context(request, principal)
        context["problem"] = catalog_views.refusal(exc, {"product_id": product_id})
        return render(request, "catalog.html", context, status_code=404)
    settings = request.app.state.settings
    model = service.get_product(db, principal, product.parent_id) if product.parent_id else None
    offers_view, offers_problem = None, None
    try:
        offers_view = offers.list_offers(
            db, principal, product.id, settings.buybox_brand_tolerance_percent
        )
    except DomainError as exc:  # offers in several currencies, kept from before the rule
        offers_problem = catalog_views.refusal(exc, {})
    price, currency = catalog_views.list_price(product, settings.default_currency)
    context = {
        "product": product,
        "model": model,
        "variants": service.variants_of(db, principal, product),
        "category_path": service.category_paths(db, request_locale(request)).get(
            product.category_id or ""
        ),
        "attributes": catalog_views.attributes(product),
        "list_price": price,
        "currency": currency,
        "codes": service.list_codes(db, principal, limit=CODES_SHOWN, product_id=product.id),
        "offers": offers_view,
        "offers_problem": offers_problem,
    }
    return render(request, "product.html", context)

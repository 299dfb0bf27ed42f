"""The store console's stock page (made for a tablet on the shop floor): find a product by
name, SKU or barcode; see what this store holds of it and what the nearest stores hold, as
their visibility policy lets this store see it, with what each promises."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse
from sqlalchemy import select

from omnicanal.catalog import service as catalog_service
from omnicanal.errors import DomainError
from omnicanal.inventory import service
from omnicanal.inventory.words import promise_text
from omnicanal.network import service as network_service
from omnicanal.network.models import Location
from omnicanal.network.schemas import LocationFilter
from omnicanal.security.permissions import Permission, Principal
from omnicanal.web.auth import requires
from omnicanal.web.i18n import use_locale
from omnicanal.web.templating import render, request_locale

router = APIRouter(prefix="/store")

Reader = Annotated[Principal, Depends(requires(Permission.INVENTORY_READ))]
NEARBY = 8
MATCHES = 8
POSITIONS = 50


def stores_of(request: Request, principal: Principal) -> list[Any]:
    """The stores this person works for (all of them for the brand's people)."""
    reader = catalog_service.reader_of(principal)
    return network_service.list_locations(
        request.state.db, reader, LocationFilter(kind="store", active=True)
    )


@router.get("/stock", response_class=HTMLResponse)
def stock_page(
    request: Request,
    principal: Reader,
    store: Annotated[str, Query(max_length=64)] = "",
    q: Annotated[str, Query(max_length=120)] = "",
    sku: Annotated[str, Query(max_length=64)] = "",
) -> HTMLResponse:
    db = request.state.db
    stores = stores_of(request, principal)
    codes = [s.code for s in stores]
    here = store if store in codes else (codes[0] if codes else "")
    lang = request_locale(request)
    matches: list[Any] = []
    error = None
    if q and not sku:
        try:
            found = catalog_service.search_products(
                db, catalog_service.reader_of(principal), q, limit=MATCHES
            )
            matches = [f.product for f in found.items]
        except DomainError as exc:
            error = exc.detail
        if len(matches) == 1:
            sku = matches[0].sku
    product = catalog_service.get_product_by_sku(db, sku) if sku else None
    nearby: list[dict[str, Any]] = []
    position = None
    if sku and here:
        position = service.location_positions(db, principal, here, skus=[sku])
        found_near = service.stock_near(db, principal, sku, here, limit=NEARBY + 1)
        near_codes = [row.location for row in found_near.locations]
        names = dict(
            db.execute(select(Location.code, Location.name).where(Location.code.in_(near_codes)))
            .tuples()
            .all()
        )
        for row in found_near.locations:
            if row.location == here:
                continue
            nearby.append({
                "code": row.location,
                "name": names.get(row.location, row.location),
                "distance_km": row.distance_km,
                "visibility": row.visibility.value,
                "shown": row.shown[0] if row.shown else None,
                "promise": promise_text(row.promise, lang),
            })  # fmt: skip
    listing = None
    if here and not sku and not q:
        listing = service.location_positions(db, principal, here, limit=POSITIONS)
    with use_locale(lang):
        context = {
            "stores": stores,
            "store": here,
            "q": q,
            "sku": sku,
            "product": product,
            "matches": matches if len(matches) != 1 else [],
            "error": error,
            "position": (position or {}).get("positions", [None])[0] if position else None,
            "nearby": nearby,
            "listing": listing,
        }
    return render(request, "store_stock.html", context)

"""The prices page: one product's price rows with their history, the price each channel and
each store gets today, and the franchisees' price policies (changed by pricing:manage users
with a brand-wide scope)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from pydantic import ValidationError

from omnicanal.db import utcnow
from omnicanal.errors import DomainError
from omnicanal.network import service as network_service
from omnicanal.pricing import schemas, service
from omnicanal.security.permissions import Permission, Principal
from omnicanal.web import csrf, flash
from omnicanal.web import promotion_views as views
from omnicanal.web.auth import requires
from omnicanal.web.i18n import N_, use_locale
from omnicanal.web.pages.promotions import can_manage
from omnicanal.web.templating import render, request_locale

router = APIRouter(prefix="/pricing")

Reader = Annotated[Principal, Depends(requires(Permission.PRICING_READ))]
Manager = Annotated[Principal, Depends(requires(Permission.PRICING_MANAGE))]
CsrfChecked = Annotated[None, Depends(csrf.require_csrf)]

PRICES_PATH = "/pricing/prices"
POLICY_MODES = ("locked", "free", "band")


@router.get("/prices", response_class=HTMLResponse)
def prices_page(
    request: Request, principal: Reader, q: Annotated[str, Query()] = ""
) -> HTMLResponse:
    db = request.state.db
    query = q.strip()[:64]
    sheet = None
    product_name = ""
    net = views.network(db, principal)
    if query:
        sku = service.find_sku(db, query)
        if sku is not None:
            places = [service.PricePlace(p.channel) for p in net.channel_places()]
            places += [service.PricePlace(p.channel, p.location) for p in net.store_places()]
            sheet = service.price_sheet(db, principal, sku, places, utcnow())
            with use_locale(request_locale(request)):
                product_name = views.product_names(db, [sku]).get(sku, "")
    store_names = {s.code: s.name for s in net.stores}
    context = {
        "q": query,
        "sheet": sheet,
        "product_name": product_name,
        "channel_names": net.channel_names,
        "store_names": store_names,
        "now": utcnow(),
        "policies": _policies(request, principal),
        "modes": POLICY_MODES,
        "can_manage": can_manage(principal),
    }
    return render(request, "prices.html", context)


def _policies(request: Request, principal: Principal) -> list[dict[str, object]]:
    """Every franchisee the reader sees, with its policy (locked when none was set)."""
    db = request.state.db
    set_ = {p["entity"]: p for p in service.list_policies(db, principal)}
    out = []
    for entity in network_service.list_entities(db, principal, kind="franchisee"):
        policy = set_.get(entity.code)
        out.append({
            "entity": entity.code, "entity_name": entity.name,
            "mode": policy["mode"] if policy else "locked",
            "band_percent": policy["band_percent"] if policy else None,
            "set": policy is not None,
        })  # fmt: skip
    return out


@router.post("/policies/{entity}")
def set_policy(
    request: Request,
    entity: str,
    principal: Manager,
    _csrf: CsrfChecked,
    mode: Annotated[str, Form()] = "",
    band_percent: Annotated[str, Form()] = "",
) -> RedirectResponse:
    back = RedirectResponse(f"{PRICES_PATH}#policies", status_code=303)
    band = None
    if mode == "band":
        try:
            band = Decimal(band_percent.strip().replace(",", ".").rstrip("%").strip())
        except InvalidOperation:
            flash.error(request, N_("Enter the band as a percentage, such as 5."))
            return back
    try:
        data = schemas.PolicyIn(mode=mode, band_percent=band)  # type: ignore[arg-type]
        service.set_policy(request.state.db, principal, entity, data)
    except ValidationError:
        flash.error(request, N_("Choose locked, free or a band."))
        return back
    except DomainError as exc:
        request.state.db.rollback()
        flash.error(request, N_("Refused: %(detail)s"), detail=exc.detail)
        return back
    flash.add(request, N_("Price policy of %(entity)s saved."), entity=entity)
    return back

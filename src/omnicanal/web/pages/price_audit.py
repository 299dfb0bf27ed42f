"""The price consistency audit: the franchised stores showing a price outside their policy,
worst first, with how far and since when, and a line per store."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse
from sqlalchemy import select

from omnicanal.network.models import Location
from omnicanal.pricing import service
from omnicanal.security.permissions import Permission, Principal
from omnicanal.web import promotion_views as views
from omnicanal.web.auth import requires
from omnicanal.web.i18n import use_locale
from omnicanal.web.templating import render, request_locale

router = APIRouter(prefix="/pricing")

Reader = Annotated[Principal, Depends(requires(Permission.PRICING_READ))]
SHOWN = 200  # findings listed; the count says how many there are


@router.get("/audit", response_class=HTMLResponse)
def audit_page(
    request: Request, principal: Reader, store: Annotated[str, Query()] = ""
) -> HTMLResponse:
    db = request.state.db
    result = service.price_audit(db, principal, channel="store", currency="EUR", at=None)
    findings = [f for f in result.findings if not store or f.location == store]
    codes = {s.location for s in result.locations}
    stores = {
        row.code: row.name
        for row in db.execute(select(Location.code, Location.name).where(Location.code.in_(codes)))
    }
    with use_locale(request_locale(request)):
        names = views.product_names(db, [f.sku for f in findings[:SHOWN]])
    context = {
        "audit": result,
        "findings": findings[:SHOWN],
        "total": len(findings),
        "store": store if store in stores else "",
        "stores": stores,
        "names": names,
    }
    return render(request, "price_audit.html", context)

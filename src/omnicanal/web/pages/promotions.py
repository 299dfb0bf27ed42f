"""Promotion pages: the list, the editor (a form over the codec's definition, the codec's errors
shown next to the input they name), pause / activate, coupon generation with the codes as CSV,
and the preview: a cart priced at several places with the definition as it stands in the form,
saved or not. Reading needs pricing:read; changing, and previewing an unsaved draft,
pricing:manage with a brand-wide scope."""

from __future__ import annotations

import csv
import io
from datetime import datetime
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from omnicanal.errors import DomainError, NotFound
from omnicanal.pricing import schemas, service
from omnicanal.pricing.api import LOYALTY
from omnicanal.pricing.codec import ACTION_KINDS
from omnicanal.security.permissions import Permission, Principal
from omnicanal.web import csrf, flash, promotion_preview
from omnicanal.web import promotion_form as forms
from omnicanal.web import promotion_views as views
from omnicanal.web.auth import requires
from omnicanal.web.i18n import N_, use_locale
from omnicanal.web.templating import render, request_locale

router = APIRouter(prefix="/pricing/promotions")

Reader = Annotated[Principal, Depends(requires(Permission.PRICING_READ))]
Manager = Annotated[Principal, Depends(requires(Permission.PRICING_MANAGE))]
CsrfChecked = Annotated[None, Depends(csrf.require_csrf)]

LIST_PATH = "/pricing/promotions"
STATUSES = ("active", "paused", "archived")
LIST_LIMIT = 500
MAX_COUPONS = 10_000  # per generation from the page (the API takes more)
NOT_SAVED = N_("The promotion was not saved: check the fields marked below.")


def promotion_path(promotion_id: str) -> str:
    return f"{LIST_PATH}/{quote(promotion_id, safe='')}"


def can_manage(principal: Principal) -> bool:
    return principal.has(Permission.PRICING_MANAGE) and principal.scope.is_brand


def _see_other(path: str) -> RedirectResponse:
    return RedirectResponse(path, status_code=303)


@router.get("", response_class=HTMLResponse)
def promotions_page(
    request: Request, principal: Reader, status: Annotated[str, Query()] = ""
) -> HTMLResponse:
    return render(request, "promotions.html", _list_context(request, principal, status))


def _list_context(request: Request, principal: Principal, status: str) -> dict[str, Any]:
    db = request.state.db
    chosen = status if status in STATUSES else ""
    rows = service.list_promotions(db, principal, chosen or None, LIST_LIMIT)
    names = views.network(db, principal).channel_names
    return {
        "promotions": [_list_item(db, row, names) for row in rows],
        "status": chosen,
        "statuses": STATUSES,
        "can_manage": can_manage(principal),
        "problem": None,
    }


def _list_item(db: Any, row: Any, channel_names: dict[str, str]) -> dict[str, Any]:
    payload = service.promotion_payload(db, row)
    definition = payload["definition"]
    conditions = definition.get("conditions") or {}
    currency = definition.get("currency") or "EUR"
    return {
        **payload,
        "path": promotion_path(row.id),
        "action": definition["action"],
        "kind": definition["action"]["kind"],
        "channels": [channel_names.get(c, c) for c in conditions.get("channels") or []],
        "locations": conditions.get("locations") or [],
        "starts_at": row.starts_at,
        "ends_at": row.ends_at,
        "max_uses": row.max_uses,
        "budget": row.budget,
        "currency": currency,
        "requires_coupon": definition.get("requires_coupon", False),
    }


# -- the editor ---------------------------------------------------------------------------------


def _editor(
    request: Request,
    principal: Principal,
    *,
    values: forms.Values,
    row: Any = None,
    errors: dict[str, str] | None = None,
    problem: str | None = None,
    preview: promotion_preview.Preview | None = None,
    preview_values: forms.Values | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    db = request.state.db
    net = views.network(db, principal)
    context = {
        "values": values,
        "errors": errors or {},
        "problem": problem,
        "row": row,
        "payload": service.promotion_payload(db, row) if row is not None else None,
        "editing": row.id if row is not None else "",
        "can_manage": can_manage(principal),
        "kinds": ACTION_KINDS,
        "tiers": range(forms.TIERS),
        "weekdays": forms.WEEKDAYS,
        "delivery_methods": forms.DELIVERY_METHODS,
        "channels": [c for c in net.channels if c.active],
        "channel_places": net.channel_places(),
        "store_places": net.store_places(),
        "preview": preview,
        "pv": preview_values or promotion_preview.default_values(),
    }
    return render(request, "promotion.html", context, status_code=status_code)


@router.get("/new", response_class=HTMLResponse)
def new_promotion(request: Request, principal: Manager) -> HTMLResponse:
    return _editor(request, principal, values=forms.blank_values())


def _row_or_404(request: Request, principal: Principal, promotion_id: str) -> Any:
    try:
        return service.get_promotion(request.state.db, principal, promotion_id)
    except NotFound:
        return None


def _not_found(request: Request, principal: Principal, promotion_id: str) -> HTMLResponse:
    """The list, saying that the promotion asked for does not exist."""
    context = _list_context(request, principal, "")
    context["problem"] = promotion_id
    return render(request, "promotions.html", context, status_code=404)


@router.get("/{promotion_id}", response_class=HTMLResponse)
def promotion_page(request: Request, promotion_id: str, principal: Reader) -> HTMLResponse:
    row = _row_or_404(request, principal, promotion_id)
    if row is None:
        return _not_found(request, principal, promotion_id)
    return _editor(request, principal, values=forms.values_of(row.definition), row=row)


def _save(request: Request, principal: Principal, values: forms.Values, row: Any) -> Response:
    db = request.state.db
    reading = forms.read_definition(values)
    if reading.errors:
        return _editor(request, principal, values=values, row=row, errors=reading.errors,
                       problem=NOT_SAVED, status_code=422)  # fmt: skip
    try:
        if row is None:
            saved = service.create_promotion(db, principal, reading.definition)
        else:
            saved = service.update_promotion(db, principal, row.id, reading.definition)
    except DomainError as exc:
        db.rollback()
        row = _row_or_404(request, principal, row.id) if row is not None else None
        key = reading.error_key(exc.field) or "_"
        return _editor(request, principal, values=values, row=row, errors={key: exc.detail},
                       problem=NOT_SAVED, status_code=422)  # fmt: skip
    flash.add(request, N_("Promotion %(id)s saved."), id=saved.id)
    return _see_other(promotion_path(saved.id))


@router.post("/new")
async def create(request: Request, principal: Manager, _csrf: CsrfChecked) -> Response:
    values = forms.read_posted(await request.form())
    return _save(request, principal, values, None)


@router.post("/preview", response_class=HTMLResponse)
async def preview(request: Request, principal: Reader, _csrf: CsrfChecked) -> HTMLResponse:
    """The editor again, as posted, with the cart priced at each place chosen. A reader who
    may not change promotions previews the saved definition, whatever the form says."""
    db = request.state.db
    posted = forms.read_posted(await request.form())
    editing = posted.text("editing")
    row = _row_or_404(request, principal, editing) if editing else None
    if editing and row is None:
        return _not_found(request, principal, editing)
    values = posted if can_manage(principal) or row is None else forms.values_of(row.definition)
    reading = forms.read_definition(values)
    errors = dict(reading.errors)
    draft = None
    if not errors and (can_manage(principal) or row is not None):
        try:
            draft = service.check_promotion(db, principal, reading.definition)
        except DomainError as exc:
            errors[reading.error_key(exc.field) or "_"] = exc.detail
    with use_locale(request_locale(request)):  # product names in the page's language
        result = promotion_preview.run(
            db, principal, posted, draft, views.network(db, principal), LOYALTY,
            blocked=bool(errors),
        )  # fmt: skip
    return _editor(request, principal, values=values, row=row, errors=errors,
                   preview=result, preview_values=posted)  # fmt: skip


@router.post("/{promotion_id}")
async def update(
    request: Request, promotion_id: str, principal: Manager, _csrf: CsrfChecked
) -> Response:
    row = _row_or_404(request, principal, promotion_id)
    if row is None:
        return _not_found(request, principal, promotion_id)
    values = forms.read_posted(await request.form())
    return _save(request, principal, values, row)


STATUS_DONE = {
    "active": N_("Promotion %(id)s is active."),
    "paused": N_("Promotion %(id)s is paused."),
    "archived": N_("Promotion %(id)s is archived."),
}


@router.post("/{promotion_id}/status")
def set_status(
    request: Request,
    promotion_id: str,
    principal: Manager,
    _csrf: CsrfChecked,
    status: Annotated[str, Form()] = "",
) -> Response:
    if status not in STATUSES:
        flash.error(request, N_("Unknown status."))
        return _see_other(promotion_path(promotion_id))
    try:
        service.set_promotion_status(request.state.db, principal, promotion_id, status)
    except DomainError as exc:
        request.state.db.rollback()
        flash.error(request, N_("Refused: %(detail)s"), detail=exc.detail)
        return _see_other(promotion_path(promotion_id))
    flash.add(request, STATUS_DONE[status], id=promotion_id)
    return _see_other(promotion_path(promotion_id))


@router.post("/{promotion_id}/coupons")
def generate_coupons(
    request: Request,
    promotion_id: str,
    principal: Manager,
    _csrf: CsrfChecked,
    count: Annotated[str, Form()] = "",
    prefix: Annotated[str, Form()] = "",
) -> Response:
    path = promotion_path(promotion_id)
    wanted = int(count) if count.strip().isdigit() else 0
    if not 1 <= wanted <= MAX_COUPONS:
        flash.error(request, N_("Enter a number of codes from 1 to %(max)s."), max=MAX_COUPONS)
        return _see_other(f"{path}#coupons")
    try:
        data = schemas.CouponsIn(count=wanted, prefix=prefix.strip()[:20])
        batch, codes = service.add_coupons(request.state.db, principal, promotion_id, data)
    except (DomainError, ValueError) as exc:
        request.state.db.rollback()
        detail = exc.detail if isinstance(exc, DomainError) else str(exc)
        flash.error(request, N_("Refused: %(detail)s"), detail=detail)
        return _see_other(f"{path}#coupons")
    flash.add(
        request,
        N_("%(count)s coupon codes generated."),
        href=f"{path}/coupons.csv?batch={quote(batch)}",
        link_text=N_("Download them (CSV)"),
        count=len(codes),
    )
    return _see_other(f"{path}#coupons")


@router.get("/{promotion_id}/coupons.csv")
def coupons_csv(
    request: Request,
    promotion_id: str,
    principal: Manager,
    batch: Annotated[str | None, Query()] = None,
) -> Response:
    """The promotion's codes (of one batch, when given), with their use so far."""
    rows = service.list_coupons(request.state.db, principal, promotion_id, 200_000, 0, batch)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["code", "promotion_id", "batch", "max_redemptions", "redemptions",
                     "valid_from", "valid_until", "customer_id"])  # fmt: skip
    for c in rows:
        writer.writerow([c.code, c.promotion_id, c.batch or "", _cell(c.max_redemptions),
                         c.redemptions, _cell(c.valid_from), _cell(c.valid_until),
                         c.customer_id or ""])  # fmt: skip
    name = f"coupons-{promotion_id}{'-' + batch if batch else ''}.csv"
    safe = "".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in name)
    return Response(
        out.getvalue(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{safe}"',
                 "Cache-Control": "no-store"},
    )  # fmt: skip


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.isoformat()
    return str(value)


__all__ = ["promotion_path", "router"]

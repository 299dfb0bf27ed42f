"""The code-mapping queue: the local product codes that franchisees, store systems and sellers
sent and that could not be mapped by themselves, each beside its best candidates with the
fields that agree; one click confirms a candidate, maps the code to a SKU or rejects it, and
the next code follows. Codes are read with catalog:write (a franchisee sees its own) and
decided with catalog:manage."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any, TypeVar
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError

from omnicanal.catalog import schemas, service
from omnicanal.catalog.models import ProductCode
from omnicanal.catalog.rules import CodeStatus
from omnicanal.errors import DomainError, NotFound
from omnicanal.security.permissions import Permission, Principal
from omnicanal.web import catalog_views, csrf, flash
from omnicanal.web.auth import requires
from omnicanal.web.i18n import N_
from omnicanal.web.pages.catalog import product_path
from omnicanal.web.templating import render, request_locale

router = APIRouter(prefix="/catalog/codes")

Mapper = Annotated[Principal, Depends(requires(Permission.CATALOG_WRITE))]
Steward = Annotated[Principal, Depends(requires(Permission.CATALOG_MANAGE))]
CsrfChecked = Annotated[None, Depends(csrf.require_csrf)]

QUEUE_PATH = "/catalog/codes"
PAGE_SIZE = 50
REASON_LENGTH = 300  # catalog_product_codes.reason
STATUS_ORDER = (CodeStatus.PENDING_REVIEW, CodeStatus.MAPPED, CodeStatus.REJECTED)
T = TypeVar("T")


def code_path(code_id: str, owner: str = "") -> str:
    path = f"{QUEUE_PATH}/{quote(code_id, safe='')}"
    return path + ("?" + urlencode({"owner": owner}) if owner else "")


def queue_path(owner: str = "", status: str = "") -> str:
    wanted = {"owner": owner, "status": status}
    query = urlencode({k: v for k, v in wanted.items() if v})
    return QUEUE_PATH + ("?" + query if query else "")


def _see_other(path: str) -> RedirectResponse:
    return RedirectResponse(path, status_code=303)


def _status(value: str) -> CodeStatus:
    return CodeStatus(value) if value in set(CodeStatus) else CodeStatus.PENDING_REVIEW


def _header(request: Request, principal: Principal, owner: str) -> dict[str, Any]:
    db = request.state.db
    owners = service.code_owners(db, principal)
    owner = owner if owner in owners else ""
    return {
        "owner": owner,
        "owners": owners,
        "counts": service.count_codes(db, principal, owner or None),
        "statuses": STATUS_ORDER,
        "status_urls": {s.value: queue_path(owner, s.value) for s in CodeStatus},
        "queue_url": queue_path(owner),
        "can_decide": principal.has(Permission.CATALOG_MANAGE),
    }


def _queue_context(
    request: Request, principal: Principal, owner: str, status: CodeStatus, page: int
) -> dict[str, Any]:
    db = request.state.db
    context = _header(request, principal, owner)
    codes = service.list_codes(
        db, principal, status, context["owner"] or None, PAGE_SIZE, (page - 1) * PAGE_SIZE
    )
    skus = service.skus_of(db, [c.product_id for c in codes if c.product_id])
    total = context["counts"].get(status.value, 0)
    pages = max(1, -(-total // PAGE_SIZE))

    def page_url(number: int) -> str:
        wanted = {"owner": context["owner"], "status": status.value}
        wanted |= {"page": str(number)} if number > 1 else {}
        return QUEUE_PATH + "?" + urlencode({k: v for k, v in wanted.items() if v})

    return {
        **context,
        "status": status.value,
        "codes": codes,
        "skus": skus,
        "page": page,
        "pages": pages,
        "previous_url": page_url(page - 1) if page > 1 else None,
        "next_url": page_url(page + 1) if page < pages else None,
        "problem": None,
    }


@router.get("", response_class=HTMLResponse)
def queue(
    request: Request,
    principal: Mapper,
    owner: Annotated[str, Query()] = "",
    status: Annotated[str, Query()] = CodeStatus.PENDING_REVIEW.value,
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
) -> HTMLResponse:
    context = _queue_context(request, principal, owner, _status(status), page)
    return render(request, "codes.html", context)


@router.get("/{code_id}", response_class=HTMLResponse)
def code_page(
    request: Request, code_id: str, principal: Mapper, owner: Annotated[str, Query()] = ""
) -> Response:
    db = request.state.db
    settings = request.app.state.settings
    try:
        code = service.get_code(db, principal, code_id)
    except NotFound as exc:
        context = _queue_context(request, principal, owner, CodeStatus.PENDING_REVIEW, 1)
        context["problem"] = catalog_views.refusal(exc, {"code_id": code_id})
        return render(request, "codes.html", context, status_code=404)
    context = _header(request, principal, owner)
    following = service.next_code(db, principal, code, owner=context["owner"] or None)
    context |= {
        "code": code,
        "sent": catalog_views.sent_line(code, settings.default_currency),
        "candidates": catalog_views.candidate_views(
            service.candidate_products(db, principal, code), settings.default_currency
        ),
        "mapped_to": service.get_product(db, principal, code.product_id)
        if code.product_id
        else None,
        "paths": service.category_paths(db, request_locale(request)),
        "fields": catalog_views.COMPARED_FIELDS,
        "next_code": following,
    }
    return render(request, "code.html", context)


def _attempt(request: Request, action: Callable[[], T], ids: dict[str, str]) -> T | None:
    """Run a decision; when the catalog refuses it, nothing of it is kept and the reason is
    flashed in words for the next page."""
    try:
        return action()
    except DomainError as exc:
        request.state.db.rollback()
        text, params = catalog_views.refusal(exc, ids)
        flash.error(request, text, **params)
        return None


DONE = {
    "mapped": N_("Code %(code)s of %(owner)s is now mapped to %(sku)s."),
    "rejected": N_("Code %(code)s of %(owner)s was rejected: it is not a product of the catalog."),
}


@router.post("/{code_id}/decision")
def decide(
    request: Request,
    code_id: str,
    principal: Steward,
    _csrf: CsrfChecked,
    action: Annotated[str, Form()] = "",
    sku: Annotated[str, Form()] = "",
    reason: Annotated[str, Form()] = "",
    owner: Annotated[str, Form()] = "",
) -> RedirectResponse:
    db = request.state.db
    here = code_path(code_id, owner)
    typed = sku.strip()
    if action == "map" and not typed:
        flash.error(request, N_("Enter the SKU or the GTIN of the product to map this code to."))
        return _see_other(here)
    if action == "map":
        # A SKU typed in another case, or a GTIN, names the product as well as its SKU.
        found = service.find_product(db, principal, typed)
        typed = found.sku if found is not None else typed
    try:
        decision = schemas.CodeDecisionIn(
            action=action,  # type: ignore[arg-type]
            sku=typed[:64] or None,
            reason=reason.strip()[:REASON_LENGTH] or None,
        )
    except ValidationError:
        flash.error(request, N_("Choose to confirm a candidate, map the code or reject it."))
        return _see_other(here)
    code = _attempt(
        request,
        lambda: service.decide_code(db, principal, code_id, decision),
        {"code_id": code_id, "sku": typed},
    )
    if code is None:
        return _see_other(here)
    _tell(request, db, code)
    following = service.next_code(db, principal, code, owner=owner or None)
    if following is None:
        return _see_other(queue_path(owner))
    return _see_other(code_path(following.id, owner))


def _tell(request: Request, db: Any, code: ProductCode) -> None:
    if code.status == CodeStatus.MAPPED and code.product_id:
        skus = service.skus_of(db, [code.product_id])
        flash.add(
            request,
            DONE["mapped"],
            href=product_path(code.product_id),
            link_text=N_("Open the product"),
            code=code.code,
            owner=code.owner,
            sku=skus.get(code.product_id, ""),
        )
    else:
        flash.add(request, DONE["rejected"], code=code.code, owner=code.owner)

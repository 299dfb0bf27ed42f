"""Customer pages: search the referential, the customer 360, and the stewards' corrections
posted from it (merge, split, undo). Only customers with a record of the reader's entity are
shown to a franchisee or a store; the corrections need customers:manage."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Annotated, Any, TypeVar
from urllib.parse import quote

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from omnicanal.customers import consent, service, stewardship
from omnicanal.errors import DomainError, NotFound
from omnicanal.network import service as network_service
from omnicanal.security.permissions import Permission, Principal
from omnicanal.web import csrf, customer_views, flash
from omnicanal.web.auth import requires, safe_next
from omnicanal.web.i18n import N_
from omnicanal.web.templating import render

router = APIRouter(prefix="/customers")

Reader = Annotated[Principal, Depends(requires(Permission.CUSTOMERS_READ))]
Steward = Annotated[Principal, Depends(requires(Permission.CUSTOMERS_MANAGE))]
CsrfChecked = Annotated[None, Depends(csrf.require_csrf)]
NoteField = Annotated[str, Form()]

SEARCH_LIMIT = 50
QUERY_LENGTH = 120
NOTE_LENGTH = 500  # customer_decisions.note

T = TypeVar("T")


def customer_path(customer_id: str) -> str:
    return f"/customers/{quote(customer_id, safe='')}"


def _see_other(path: str) -> RedirectResponse:
    return RedirectResponse(path, status_code=303)


def _note(text: str) -> str | None:
    return text.strip()[:NOTE_LENGTH] or None


def attempt(request: Request, action: Callable[[], T], ids: Mapping[str, str]) -> T | None:
    """Run a correction; when a rule refuses it, nothing of it is kept and the reason is
    flashed in words for the next page (the pages never answer with an API problem)."""
    try:
        return action()
    except DomainError as exc:
        request.state.db.rollback()
        text, params = customer_views.refusal(exc, ids)
        flash.error(request, text, **params)
        return None


def _search_context(request: Request, principal: Principal, q: str) -> dict[str, Any]:
    try:
        hits = service.search_customers(request.state.db, principal, q or None, SEARCH_LIMIT)
    except DomainError as exc:  # a scope that names no single entity
        text, params = customer_views.refusal(exc, {})
        return {"q": q, "customers": [], "problem": (text, params)}
    return {"q": q, "customers": [customer for customer, _score in hits], "problem": None}


@router.get("", response_class=HTMLResponse)
def search_page(
    request: Request, principal: Reader, q: Annotated[str, Query()] = ""
) -> HTMLResponse:
    query = q.strip()[:QUERY_LENGTH]
    return render(request, "customers.html", _search_context(request, principal, query))


def _entity_names(request: Request, principal: Principal) -> dict[str, str]:
    if not principal.has(Permission.NETWORK_READ):
        return {}
    return {e.id: e.name for e in network_service.list_entities(request.state.db, principal)}


@router.get("/{customer_id}", response_class=HTMLResponse)
def customer_page(request: Request, customer_id: str, principal: Reader) -> Response:
    db = request.state.db
    try:
        view = service.customer_360(db, principal, customer_id)
    except DomainError as exc:
        # Another entity's customer is answered as an unknown one: the search page, saying so.
        context = _search_context(request, principal, "")
        context["problem"] = customer_views.refusal(exc, {"customer_id": customer_id})
        return render(
            request,
            "customers.html",
            context,
            status_code=404 if isinstance(exc, NotFound) else 403,
        )
    if view.customer.id != customer_id:
        flash.add(request, N_("Customer %(id)s was merged into this one."), id=customer_id)
        return _see_other(customer_path(view.customer.id))
    context = {
        "view": view,
        "customer": view.customer,
        "name": customer_views.display_name(view.customer),
        "golden": customer_views.golden_fields(view.customer, view.records),
        "records": view.records,
        "record_rows": customer_views.record_rows(view.records),
        "records_by_id": {r.id: r for r in view.records},
        "reviews": customer_views.review_pairs(db, principal, view.reviews),
        "consent": consent.consent_of(db, principal, view.customer.id),
        "entity_names": _entity_names(request, principal),
        "can_manage": principal.has(Permission.CUSTOMERS_MANAGE),
    }
    return render(request, "customer.html", context)


@router.post("/{customer_id}/merge")
def merge_into(
    request: Request,
    customer_id: str,
    principal: Steward,
    _csrf: CsrfChecked,
    other_id: Annotated[str, Form()] = "",
    note: NoteField = "",
) -> RedirectResponse:
    """Merge the customer entered into this one: its records move here."""
    # A pasted address of a customer page is as good as its id.
    other = other_id.strip().rstrip("/").rsplit("/", 1)[-1]
    if not other:
        flash.error(request, N_("Enter the id of the customer to merge into this one."))
        return _see_other(customer_path(customer_id))
    done = attempt(
        request,
        lambda: stewardship.merge(request.state.db, principal, customer_id, other, _note(note)),
        {"survivor_id": customer_id, "merged_id": other},
    )
    if done is not None:
        flash.add(request, N_("Customer %(id)s was merged into this one."), id=other)
    return _see_other(customer_path(customer_id))


@router.post("/{customer_id}/split")
def split_out(
    request: Request,
    customer_id: str,
    principal: Steward,
    _csrf: CsrfChecked,
    record_ids: Annotated[list[str] | None, Form()] = None,
    note: NoteField = "",
) -> RedirectResponse:
    """Move the ticked records to a new customer."""
    if not record_ids:
        flash.error(request, N_("Tick the records to move to a new customer."))
        return _see_other(customer_path(customer_id))
    decision = attempt(
        request,
        lambda: stewardship.split(
            request.state.db, principal, customer_id, record_ids, _note(note)
        ),
        {"customer_id": customer_id},
    )
    if decision is not None:
        flash.add(
            request,
            N_("The ticked records now belong to a new customer."),
            href=customer_path(decision.customer_ids[1]),
            link_text=N_("Open the new customer"),
        )
    return _see_other(customer_path(customer_id))


@router.post("/decisions/{decision_id}/undo")
def undo_decision(
    request: Request,
    decision_id: str,
    principal: Steward,
    _csrf: CsrfChecked,
    next_path: Annotated[str, Form(alias="next")] = "",
) -> RedirectResponse:
    done = attempt(
        request,
        lambda: stewardship.undo(request.state.db, principal, decision_id),
        {"decision_id": decision_id},
    )
    if done is not None:
        flash.add(request, N_("Decision undone: the records are back with their customers."))
    return _see_other(safe_next(next_path, "/customers"))

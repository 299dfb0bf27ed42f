"""The store console's order pages, made for a tablet behind the counter:

- the click & collect queue of a store: to prepare, ready, collected, expired; one tap moves
  an order on (prepared, handed over, cancelled), each step through the order's state machine;
- the returns desk: find any order (whatever channel or store sold it) by its number, the
  receipt's number or the customer; choose what comes back and whether it is damaged; the
  refund is what the customer actually paid for those units, promotions prorated."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Annotated, Any, TypeVar
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from sqlalchemy import select
from starlette.concurrency import run_in_threadpool

from omnicanal.errors import DomainError
from omnicanal.orders import schemas, service
from omnicanal.orders.models import Order
from omnicanal.security.permissions import Permission, Principal
from omnicanal.web import csrf, flash
from omnicanal.web import promotion_views as views
from omnicanal.web.auth import requires
from omnicanal.web.formatting import money
from omnicanal.web.i18n import N_, use_locale
from omnicanal.web.pages.store_stock import stores_of
from omnicanal.web.templating import render, request_locale

router = APIRouter(prefix="/store")

Clerk = Annotated[Principal, Depends(requires(Permission.ORDERS_FULFIL))]
CsrfChecked = Annotated[None, Depends(csrf.require_csrf)]
T = TypeVar("T")

# the queue's tabs: (key, label, statuses shown)
TABS = (
    ("prepare", N_("To prepare"), ("placed",)),
    ("ready", N_("Ready"), ("ready",)),
    ("collected", N_("Collected"), ("collected",)),
    ("expired", N_("Expired"), ("expired", "released", "refunded", "cancelled")),
)
# what a tap does from each status of a pickup
ACTIONS = {
    "placed": (("ready", N_("Prepared")), ("cancelled", N_("Cancel"))),
    "ready": (("collected", N_("Handed over")), ("cancelled", N_("Cancel"))),
}
QUEUE_SIZE = 100


def _here(request: Request, principal: Principal, store: str) -> tuple[list[Any], str]:
    stores = stores_of(request, principal)
    codes = [s.code for s in stores]
    return stores, store if store in codes else (codes[0] if codes else "")


def _see_other(path: str, **query: str) -> RedirectResponse:
    query = {k: v for k, v in query.items() if v}
    return RedirectResponse(f"{path}?{urlencode(query)}" if query else path, status_code=303)


def _attempt(request: Request, action: Callable[[], T]) -> T | None:
    """Run a step; when the orders domain refuses it, nothing of it is kept and the reason is
    flashed for the next page."""
    try:
        return action()
    except DomainError as exc:
        request.state.db.rollback()
        flash.error(request, N_("Not done: %(reason)s"), reason=exc.detail)
        return None


@router.get("/pickups", response_class=HTMLResponse)
def pickups_page(
    request: Request,
    principal: Clerk,
    store: Annotated[str, Query(max_length=64)] = "",
    tab: Annotated[str, Query(max_length=20)] = "prepare",
) -> HTMLResponse:
    db = request.state.db
    stores, here = _here(request, principal, store)
    tab = tab if tab in {key for key, *_ in TABS} else "prepare"
    counts: dict[str, int] = {}
    shown: list[Any] = []
    for key, _, statuses in TABS:
        found = []
        for status in statuses:
            found += service.list_fulfilments(
                db, principal, location=here, method="click_and_collect", status=status,
                limit=QUEUE_SIZE,
            )  # fmt: skip
        counts[key] = len(found)
        if key == tab:
            shown = found
    orders = {
        o.id: o
        for o in db.execute(select(Order).where(Order.id.in_([f.order_id for f in shown])))
        .scalars()
        .all()
    }
    with use_locale(request_locale(request)):
        names = views.product_names(db, [line["sku"] for f in shown for line in f.lines])
    context = {
        "names": names,
        "stores": stores,
        "store": here,
        "tab": tab,
        "tabs": TABS,
        "counts": counts,
        "pickups": [(f, orders.get(f.order_id)) for f in shown],
        "actions": ACTIONS,
    }
    return render(request, "store_pickups.html", context)


@router.post("/pickups/{fulfilment_id}")
def pickup_step(
    request: Request,
    fulfilment_id: str,
    principal: Clerk,
    _csrf: CsrfChecked,
    order_id: Annotated[str, Form()] = "",
    status: Annotated[str, Form()] = "",
    store: Annotated[str, Form()] = "",
    tab: Annotated[str, Form()] = "",
) -> RedirectResponse:
    db = request.state.db
    done = _attempt(
        request,
        lambda: service.advance_fulfilment(db, principal, order_id, fulfilment_id, status),
    )
    if done is not None:
        number = db.execute(select(Order.number).where(Order.id == order_id)).scalar_one()
        flash.add(request, STEP_DONE.get(status, N_("Order %(number)s updated.")), number=number)
    return _see_other("/store/pickups", store=store, tab=tab)


STEP_DONE = {
    "ready": N_("Order %(number)s is ready: the customer can come."),
    "collected": N_("Order %(number)s handed over."),
    "cancelled": N_(
        "Order %(number)s cancelled: its units are back on sale, the customer refunded."
    ),
}


@router.get("/returns", response_class=HTMLResponse)
def returns_page(
    request: Request,
    principal: Clerk,
    store: Annotated[str, Query(max_length=64)] = "",
    q: Annotated[str, Query(max_length=120)] = "",
) -> HTMLResponse:
    db = request.state.db
    stores, here = _here(request, principal, store)
    found: list[Any] = []
    text = q.strip()
    if text:
        found = service.find_returnable(db, principal, number=text) or service.find_returnable(
            db, principal, receipt=text
        )
        if not found and text.startswith("cus_"):
            found = service.find_returnable(db, principal, customer_id=text)
    payloads = [service.returnable_payload(db, order) for order in found]
    for payload in payloads:
        for line in payload["lines"]:  # a day, for the page to say in its language
            until = line["return_until"]
            line["return_until"] = date.fromisoformat(until) if until else None
    with use_locale(request_locale(request)):
        names = views.product_names(db, [line["sku"] for o in payloads for line in o["lines"]])
    context = {
        "stores": stores,
        "store": here,
        "q": q,
        "orders": payloads,
        "names": names,
    }
    return render(request, "store_returns.html", context)


@router.post("/returns/{order_id}")
async def take_return(
    request: Request, order_id: str, principal: Clerk, _csrf: CsrfChecked
) -> RedirectResponse:
    form = await request.form()
    store = str(form.get("store", ""))
    q = str(form.get("q", ""))
    lines = []
    for key, value in form.multi_items():
        if key.startswith("quantity-") and str(value).strip() not in ("", "0"):
            line_id = key.removeprefix("quantity-")
            try:
                quantity = int(str(value))
            except ValueError:
                flash.error(request, N_("A quantity is a whole number."))
                return _see_other("/store/returns", store=store, q=q)
            damaged = form.get(f"damaged-{line_id}") == "on"
            lines.append({"line_id": line_id, "quantity": quantity, "damaged": damaged})
    if not lines:
        flash.error(request, N_("Say how many units of which line come back."))
        return _see_other("/store/returns", store=store, q=q)
    reason = str(form.get("reason", "")).strip()[:500] or None
    db = request.state.db

    def act() -> Any:
        data = schemas.ReturnIn(location=store, lines=lines, reason=reason)  # type: ignore[arg-type]
        row = service.take_return(db, principal, order_id, data)
        db.flush()
        return row

    try:
        row = await run_in_threadpool(act)
    except DomainError as exc:
        await run_in_threadpool(db.rollback)
        flash.error(request, N_("Not done: %(reason)s"), reason=exc.detail)
        return _see_other("/store/returns", store=store, q=q)
    except ValueError as exc:  # the form's lines, checked by the schema
        flash.error(request, N_("Not done: %(reason)s"), reason=str(exc).splitlines()[0])
        return _see_other("/store/returns", store=store, q=q)
    flash.add(
        request,
        N_("Return taken: refund %(amount)s."),
        amount=money(row.total, row.currency, request_locale(request)),
    )
    return _see_other("/store/returns", store=store, q=q)

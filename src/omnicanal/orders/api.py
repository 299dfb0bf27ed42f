"""HTTP routes of the orders domain: thin wrappers around `orders.service`. Every write takes an
`Idempotency-Key` (the unit of work answers a retry with the first answer)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response
from fastapi.concurrency import run_in_threadpool

from omnicanal.api.deps import DB, Credentials, CurrentPrincipal, get_principal
from omnicanal.api.uow import finish_in_handler
from omnicanal.i18n import requested_language
from omnicanal.orders import schemas, service
from omnicanal.pricing import schemas as pricing_schemas
from omnicanal.pricing import service as pricing_service

router = APIRouter(tags=["orders"])

Limit = Annotated[int, Query(ge=1, le=1000)]
Offset = Annotated[int, Query(ge=0)]


# -- carts --------------------------------------------------------------------------------------


@router.post("/carts", response_model=schemas.CartOut, status_code=201)
def create_cart(body: schemas.CartIn, db: DB, principal: CurrentPrincipal):
    """A cart kept by the server: resumable on any channel, by the customer or an advisor."""
    return service.cart_payload(db, service.create_cart(db, principal, body))


@router.get("/carts", response_model=list[schemas.CartOut])
def list_carts(
    db: DB,
    principal: CurrentPrincipal,
    customer_id: str | None = None,
    limit: Limit = 50,
    offset: Offset = 0,
):
    """Open carts, the latest touched first: a customer's, to take one up where it was left."""
    carts = service.list_carts(db, principal, customer_id, limit, offset)
    return [service.cart_payload(db, cart) for cart in carts]


@router.get("/carts/{cart_id}", response_model=schemas.CartOut)
def get_cart(cart_id: str, db: DB, principal: CurrentPrincipal):
    return service.cart_payload(db, service.get_cart(db, principal, cart_id))


@router.patch("/carts/{cart_id}", response_model=schemas.CartOut)
def change_cart(cart_id: str, body: schemas.CartChange, db: DB, principal: CurrentPrincipal):
    """Attach the customer, change the coupons, or resume the cart on another channel."""
    return service.cart_payload(db, service.change_cart(db, principal, cart_id, body))


@router.post("/carts/{cart_id}/lines", response_model=schemas.CartOut)
def add_cart_line(cart_id: str, body: schemas.CartLineAdd, db: DB, principal: CurrentPrincipal):
    """Add units of a SKU (to the line that holds it already, if any)."""
    return service.cart_payload(db, service.add_cart_line(db, principal, cart_id, body))


@router.put("/carts/{cart_id}/lines/{sku}", response_model=schemas.CartOut)
def set_cart_line(
    cart_id: str, sku: str, body: schemas.CartLineSet, db: DB, principal: CurrentPrincipal
):
    """Set a line's quantity; 0 removes the line."""
    return service.cart_payload(db, service.set_cart_line(db, principal, cart_id, sku, body))


@router.delete("/carts/{cart_id}/lines/{sku}", response_model=schemas.CartOut)
def remove_cart_line(
    cart_id: str, sku: str, db: DB, principal: CurrentPrincipal, channel: str | None = None
):
    cart = service.remove_cart_line(db, principal, cart_id, sku, channel)
    return service.cart_payload(db, cart)


@router.get("/carts/{cart_id}/quote", response_model=pricing_schemas.QuoteOut)
def quote_cart(
    cart_id: str, request: Request, db: DB, principal: CurrentPrincipal, lang: str | None = None
):
    """The cart priced now, on the channel and at the location it was last touched, for its
    customer: every promotion applied and refused, explained with `lang` (fr, en)."""
    priced = service.price_cart(db, principal, cart_id)
    locale = requested_language(lang, request.headers.get("accept-language"))
    return pricing_service.quote_payload(priced, db, locale)


# -- orders -------------------------------------------------------------------------------------


@router.post("/orders", response_model=schemas.OrderOut, status_code=201)
async def place_order(
    request: Request, body: schemas.OrderIn, credentials: Credentials
) -> Response:
    """An order from any channel, from a cart or from lines: priced by the pricing engine, its
    promotions and coupons counted, its units held where it is fulfilled (home delivery
    sourced warehouse first, click & collect in the chosen store, ship-from-store), all or
    nothing. Send an `Idempotency-Key`: a retry gets the same order."""

    # Every channel's orders: the key check, the placement and the commit in one trip through
    # the thread pool (a sync dependency, a sync handler and the middleware's commit took
    # three), so that the rows it locks stay locked no longer than the work itself.
    def unit_of_work() -> Response:
        db = request.state.db
        placed = service.place_order(db, get_principal(request, credentials), body)
        answer = schemas.OrderOut.model_validate(service.placed_payload(db, placed))
        response = Response(
            answer.model_dump_json(), status_code=201, media_type="application/json"
        )
        finish_in_handler(request.scope, response)
        return response

    return await run_in_threadpool(unit_of_work)


@router.get("/orders", response_model=list[schemas.OrderSummaryOut])
def list_orders(
    db: DB,
    principal: CurrentPrincipal,
    customer_id: str | None = None,
    status: str | None = None,
    channel: str | None = None,
    location: str | None = None,
    number: str | None = None,
    receipt: str | None = None,
    limit: Limit = 100,
    offset: Offset = 0,
):
    """Orders, newest first: those the caller sold or fulfils."""
    return service.list_orders(
        db, principal, customer_id=customer_id, status=status, channel=channel,
        location=location, number=number, receipt=receipt, limit=limit, offset=offset,
    )  # fmt: skip


@router.get("/orders/{order_id}", response_model=schemas.OrderOut)
def get_order(order_id: str, db: DB, principal: CurrentPrincipal):
    return service.order_payload(db, service.get_order(db, principal, order_id))


@router.post("/orders/{order_id}/pay", response_model=schemas.OrderOut)
def pay_order(order_id: str, db: DB, principal: CurrentPrincipal):
    """The payment of an order placed unpaid was taken."""
    return service.order_payload(db, service.pay_order(db, principal, order_id))


@router.post("/orders/{order_id}/cancel", response_model=schemas.OrderOut)
def cancel_order(order_id: str, body: schemas.CancelIn, db: DB, principal: CurrentPrincipal):
    """Cancel an order that has not left: its units back on sale, its promotions given back."""
    order = service.cancel_order(db, principal, order_id, body.reason)
    return service.order_payload(db, order)


@router.post(
    "/orders/{order_id}/fulfilments/{fulfilment_id}/status", response_model=schemas.FulfilmentOut
)
def advance_fulfilment(
    order_id: str, fulfilment_id: str, body: schemas.StatusIn, db: DB, principal: CurrentPrincipal
):
    """One step of the fulfilment's state machine (home delivery: picking, packed, shipped,
    delivered; ship-from-store: accepted or rejected first; click & collect: ready, collected).
    A step the machine does not allow is refused with 409, naming both states."""
    fulfilment = service.advance_fulfilment(
        db, principal, order_id, fulfilment_id, body.status, body.note
    )
    return service.fulfilment_payload(db, fulfilment)


@router.get("/fulfilments", response_model=list[schemas.FulfilmentOut])
def list_fulfilments(
    db: DB,
    principal: CurrentPrincipal,
    location: str | None = None,
    method: str | None = None,
    status: str | None = None,
    limit: Limit = 100,
    offset: Offset = 0,
):
    """A store's queue, oldest first: `?location=LYON-01&method=click_and_collect&status=ready`."""
    rows = service.list_fulfilments(
        db, principal, location=location, method=method, status=status, limit=limit,
        offset=offset,
    )  # fmt: skip
    return [service.fulfilment_payload(db, f) for f in rows]


# -- returns ------------------------------------------------------------------------------------


@router.post("/orders/{order_id}/returns", response_model=schemas.ReturnOut, status_code=201)
def take_return(order_id: str, body: schemas.ReturnIn, db: DB, principal: CurrentPrincipal):
    """Units of any order, whatever channel sold it, returned at one of the caller's stores or
    by post to a warehouse, within the return policy: refunded what they paid after
    promotions, back on sale there or kept aside when damaged."""
    row = service.take_return(db, principal, order_id, body)
    return service.return_payload(db, row)


@router.get("/returns/lookup", response_model=list[schemas.ReturnableOrderOut])
def find_returnable(
    db: DB,
    principal: CurrentPrincipal,
    number: str | None = None,
    receipt: str | None = None,
    customer_id: str | None = None,
):
    """The returns desk: an order by its number or receipt (any channel's), or a customer's
    orders; what each line may still return and until when. Nothing asked, nothing found."""
    orders = service.find_returnable(
        db, principal, number=number, receipt=receipt, customer_id=customer_id
    )
    return [service.returnable_payload(db, order) for order in orders]

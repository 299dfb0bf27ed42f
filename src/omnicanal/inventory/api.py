"""HTTP routes of the inventory domain: thin wrappers around `inventory.service`."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response
from fastapi.concurrency import run_in_threadpool
from pydantic_core import to_json
from sqlalchemy.orm import Session

from omnicanal.api.deps import DB, Credentials, CurrentPrincipal, get_principal
from omnicanal.api.uow import finish_in_handler, reads_only
from omnicanal.errors import InvalidInput
from omnicanal.i18n import requested_language
from omnicanal.imports.service import hold_rows
from omnicanal.inventory import rules, schemas, service
from omnicanal.inventory.availability import Availability, Point
from omnicanal.inventory.visibility import Visibility
from omnicanal.inventory.words import promise_text
from omnicanal.security.permissions import Principal

router = APIRouter(prefix="/inventory", tags=["inventory"])


def _mapped(
    session: Session, principal: Principal, location: str, lines: list[Any]
) -> list[str | None]:
    """Each line's master SKU: its own, or its local code translated through the catalog (None
    for a code not mapped yet: the code waits in the mapping queue)."""
    pairs = [(location, line.code) for line in lines if line.code is not None]
    mapped = service.master_skus(session, principal, pairs) if pairs else {}
    return [line.sku if line.sku is not None else mapped[(location, line.code)] for line in lines]


def _skus(
    session: Session, principal: Principal, location: str, lines: list[Any], field: str
) -> list[str]:
    """As `_mapped`, refusing a line whose code is not mapped yet, naming it."""
    out = []
    for i, (line, sku) in enumerate(zip(lines, _mapped(session, principal, location, lines),
                                        strict=True)):  # fmt: skip
        if sku is None:
            raise InvalidInput(
                f"local code {line.code!r} is not mapped to a product yet; it waits in the "
                "code-mapping queue",
                field=f"{field}[{i}].code",
            )
        out.append(sku)
    return out


def _held(code: str) -> InvalidInput:
    return InvalidInput(f"local code {code!r} is not mapped to a product yet", field="code")


@router.get("/locations/{location}/stock", response_model=schemas.PositionsOut)
def location_stock(
    location: str,
    db: DB,
    principal: CurrentPrincipal,
    sku: Annotated[list[str] | None, Query()] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    offset: Annotated[int, Query(ge=0)] = 0,
):
    """A location's stock, as its visibility policy lets the caller see it."""
    return service.location_positions(db, principal, location, skus=sku, limit=limit, offset=offset)


@router.post("/locations/{location}/movements", response_model=schemas.FeedOut)
def post_movements(location: str, body: schemas.MovementsIn, db: DB, principal: CurrentPrincipal):
    """Movements from the location's system (receipts, sales, transfers, returns, write-offs,
    adjustments), each applied once: an id already seen is a duplicate and changes nothing."""
    service.check_writable(db, principal, location)
    skus = _mapped(db, principal, location, body.movements)
    movements = [
        rules.Movement(m.id, location, sku, m.quantity, m.kind, m.at)
        for m, sku in zip(body.movements, skus, strict=True)
        if sku is not None
    ]
    references = {m.id: m.reference for m in body.movements if m.reference}
    held = [
        ({"movement_id": m.id, "location_code": location, "code": m.code,
          "quantity": m.quantity, "kind": m.kind.value, "occurred_at": m.at.isoformat(),
          "reference": m.reference}, _held(m.code or ""))
        for m, sku in zip(body.movements, skus, strict=True)
        if sku is None
    ]  # fmt: skip
    result = service.record_movements(db, principal, location, movements, references)
    return _feed(result, _hold(db, "stock_movements", location, held))


@router.post("/locations/{location}/counts", response_model=schemas.FeedOut)
def post_count(location: str, body: schemas.CountIn, db: DB, principal: CurrentPrincipal):
    """A count of the location's stock: full (a SKU not named holds none) or partial. The
    movements stamped after it are added back on top; an older count changes nothing."""
    service.check_writable(db, principal, location)
    skus = _mapped(db, principal, location, body.lines)
    quantities: dict[str, int] = {}
    held = []
    for line, sku in zip(body.lines, skus, strict=True):
        if sku is None:
            raw = {"location_code": location, "code": line.code, "quantity": line.quantity,
                   "counted_at": body.counted_at.isoformat()}  # fmt: skip
            held.append((raw, _held(line.code or "")))
        else:
            quantities[sku] = quantities.get(sku, 0) + line.quantity
    snapshot = rules.Snapshot(location, body.counted_at, quantities, body.full)
    result = service.record_count(db, principal, snapshot)
    return _feed(result, _hold(db, "stock_counts", location, held))


def _hold(
    session: Session, kind: str, location: str, rows: list[tuple[dict[str, Any], Exception]]
) -> list[dict[str, Any]]:
    """Lines whose local code is not mapped yet, kept to be replayed once it is
    (`omnicanal import replay --kind KIND`): never dropped."""
    run = hold_rows(session, kind, f"api:{location}", rows)
    return [{"code": raw["code"], "run_id": run, "reason": str(exc)} for raw, exc in rows]


def _feed(result: service.FeedResult, held: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "held": held,
        "location": result.location,
        "status": result.status,
        "applied": result.applied,
        "duplicates": result.duplicates,
        "already_counted": result.already_counted,
        "changes": result.changes,
        "skipped": list(result.skipped),
        "outcomes": [
            {"movement_id": o.movement_id, "sku": o.sku, "status": o.status}
            for o in result.outcomes
        ],
    }


@router.put("/locations/{location}/stock/{sku}/safety", response_model=schemas.PositionOut)
def put_safety_stock(
    location: str, sku: str, body: schemas.SafetyStockIn, db: DB, principal: CurrentPrincipal
):
    """Units kept back from what is promised (a display model, a margin for errors)."""
    return service.set_safety_stock(db, principal, location, sku, body.safety_stock)


@router.get("/locations/{location}/settings", response_model=schemas.SettingsOut)
def get_settings(location: str, db: DB, principal: CurrentPrincipal):
    return service.location_settings(db, principal, location)


@router.put("/locations/{location}/settings", response_model=schemas.SettingsOut)
def put_settings(location: str, body: schemas.SettingsIn, db: DB, principal: CurrentPrincipal):
    """What the network and customers see of the stock, the preparation time of a click &
    collect order, and how the location ships."""
    return service.set_location_settings(
        db, principal, location, body.model_dump(exclude_unset=True)
    )


@router.post("/reservations", response_model=list[schemas.ReservationOut], status_code=201)
async def post_reservation(
    request: Request, body: schemas.ReservationIn, credentials: Credentials
) -> Response:
    """Hold units at a location for an order or a cart, every line or none (409
    `out_of_stock` names the line short and what is available)."""

    # Every buyer of the last units asks at once: the key check, the reservation and the
    # commit in one trip through the thread pool, so the stock row is locked no longer than
    # the work itself.
    def unit_of_work() -> Response:
        principal = get_principal(request, credentials)
        db = request.state.db
        skus = _skus(db, principal, body.location, body.lines, "lines")
        lines = [(sku, line.quantity) for line, sku in zip(body.lines, skus, strict=True)]
        held = service.reserve(
            db, principal, body.location, lines, reference=body.reference,
            ttl=timedelta(minutes=body.ttl_minutes),
        )  # fmt: skip
        payload = [service.reservation_json(r) for r in held]
        response = Response(to_json(payload), status_code=201, media_type="application/json")
        finish_in_handler(request.scope, response)
        return response

    return await run_in_threadpool(unit_of_work)


@router.get("/reservations/{reference}", response_model=list[schemas.ReservationOut])
def get_reservations(reference: str, db: DB, principal: CurrentPrincipal):
    return service.reservations_of(db, principal, reference)


@router.delete("/reservations/{reference}", response_model=dict[str, int])
def delete_reservations(reference: str, db: DB, principal: CurrentPrincipal):
    """Give back every unit held for the reference; again, nothing."""
    return {"released": service.release_known(db, principal, reference)}


def _line(text: str, i: int) -> tuple[str, int]:
    sku, _, quantity = text.rpartition(":")
    if not sku:
        return text, 1
    if not quantity.isdigit() or int(quantity) < 1:
        raise InvalidInput(
            f"{text!r}: write SKU or SKU:quantity with a positive quantity", field=f"sku[{i}]"
        )
    return sku, int(quantity)


@router.get("/availability", response_model=schemas.AvailabilityOut)
async def get_availability(
    request: Request,
    credentials: Credentials,
    query: Annotated[schemas.AvailabilityQuery, Query()],
) -> Response:
    """Where a SKU or a whole cart is available near a postal code or a point, nearest first:
    what each location holds (as its visibility policy lets the caller see it) and what it
    promises (ready in an hour, ready at a time, or a delivery date); and the home delivery."""
    if len(query.sku) > 200:
        raise InvalidInput("at most 200 lines", field="sku")
    lines = [_line(text, i) for i, text in enumerate(query.sku)]
    latitude, longitude = query.latitude, query.longitude
    if (latitude is None) != (longitude is None):
        raise InvalidInput("send latitude and longitude together", field="latitude")
    near = Point(latitude, longitude) if latitude is not None and longitude is not None else None
    words = requested_language(query.lang, request.headers.get("accept-language"))

    # Asked at every visit of a product page: the key check, the reads and the end of the
    # unit of work in one trip through the thread pool.
    def unit_of_work() -> Response:
        reads_only(request.state.db)
        principal = get_principal(request, credentials)
        found = service.find_availability(
            request.state.db, principal, lines, near=near, postal_code=query.postal_code,
            radius_km=query.radius_km, limit=query.limit, public=query.audience == "public",
        )  # fmt: skip
        response = Response(
            to_json(availability_payload(found, words)), media_type="application/json"
        )
        finish_in_handler(request.scope, response)
        return response

    return await run_in_threadpool(unit_of_work)


def availability_payload(found: Availability, lang: str | None) -> dict[str, Any]:
    """Each location's figures in the order of `skus`: `available` (units) when the caller
    sees them exactly, `levels` (none, low, available) when it sees bands, neither when the
    location hides its stock."""
    rows = []
    for row in found.locations:
        shown = list(row.shown) if row.shown is not None else None
        rows.append({
            "location": row.location,
            "distance_km": None if row.distance_km is None else round(row.distance_km, 2),
            "visibility": row.visibility.value,
            "available": shown if row.visibility is Visibility.EXACT else None,
            "levels": shown if row.visibility is Visibility.BAND else None,
            "complete": row.complete,
            "promise": row.promise,
            "promise_text": promise_text(row.promise, lang) if lang else None,
        })  # fmt: skip
    return {"skus": list(found.skus), "locations": rows, "home_delivery": found.home_delivery}

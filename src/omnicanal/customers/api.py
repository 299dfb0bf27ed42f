"""HTTP routes of the customer referential: thin wrappers around `customers.service`."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from omnicanal.api.deps import DB, CurrentPrincipal
from omnicanal.customers import schemas, service

router = APIRouter(tags=["customers"])


@router.post("/customers/records", response_model=schemas.IntakeOut, status_code=201)
def post_records(body: schemas.RecordIn | schemas.RecordBatch, db: DB, principal: CurrentPrincipal):
    """One record, or `{"records": [...]}` (up to 1 000); each kept as received."""
    records = body.records if isinstance(body, schemas.RecordBatch) else [body]
    result = service.intake(db, principal, records)
    return schemas.IntakeOut(
        created=result.created,
        updated=result.updated,
        records=[schemas.RecordOut.model_validate(r) for r in result.records],
    )


@router.get("/customers/records", response_model=list[schemas.RecordOut])
def list_records(
    db: DB,
    principal: CurrentPrincipal,
    source: str | None = None,
    q: Annotated[
        str | None, Query(description="Last name, e-mail, source id, card or postal code.")
    ] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
):
    return service.list_records(db, principal, source, q, limit)


@router.get("/customers/records/{record_id}", response_model=schemas.RecordOut)
def get_record(record_id: str, db: DB, principal: CurrentPrincipal):
    return service.get_record(db, principal, record_id)

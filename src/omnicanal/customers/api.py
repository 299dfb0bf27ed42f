"""HTTP routes of the customer referential: thin wrappers around the customers services."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response
from starlette.concurrency import run_in_threadpool

from omnicanal.api.deps import DB, Credentials, CurrentPrincipal, get_principal
from omnicanal.api.uow import finish_in_handler
from omnicanal.customers import schemas, service, stewardship
from omnicanal.customers.matching import COMPARISON_NAMES, COMPARISONS
from omnicanal.customers.models import MatchReview

router = APIRouter(tags=["customers"])


@router.post("/customers/records", response_model=schemas.IntakeOut, status_code=201)
async def post_records(
    request: Request, body: schemas.RecordIn | schemas.RecordBatch, credentials: Credentials
) -> Response:
    """One record, or `{"records": [...]}` (up to 1 000); each kept as received and attached
    in the same request to the customer it belongs to (or a new one)."""
    records = body.records if isinstance(body, schemas.RecordBatch) else [body]

    # The real-time path of every channel's customer records: the key check, the intake and
    # the commit in one trip through the thread pool (a sync dependency, a sync handler and
    # the middleware's commit would take three).
    def unit_of_work() -> Response:
        principal = get_principal(request, credentials)
        result = service.intake(request.state.db, principal, records)
        # Built and checked here: sent as it is rather than checked again as the response
        # model.
        response = Response(
            _intake_out(result).model_dump_json(), status_code=201, media_type="application/json"
        )
        finish_in_handler(request.scope, response)
        return response

    return await run_in_threadpool(unit_of_work)


def _intake_out(result: service.IntakeResult) -> schemas.IntakeOut:
    return schemas.IntakeOut(
        created=result.created,
        updated=result.updated,
        records=[schemas.RecordOut.model_validate(r) for r in result.records],
        customers=[
            schemas.AttachmentOut(
                record_id=r.id,
                customer_id=r.customer_id,
                outcome=result.attachments[r.id].reason if r.id in result.attachments else "known",
            )
            for r in result.records
            if r.customer_id
        ],
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


@router.get("/customers", response_model=list[schemas.SearchHit])
def search_customers(
    db: DB,
    principal: CurrentPrincipal,
    q: Annotated[
        str | None, Query(description="Name, e-mail, phone, loyalty card or postal code.")
    ] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
):
    """Customers matching `q`, tolerant of typos in names, best first; without `q`, the
    latest updated."""
    return [
        schemas.SearchHit(customer=schemas.CustomerOut.model_validate(c), score=s)
        for c, s in service.search_customers(db, principal, q, limit)
    ]


def _review_out(review: MatchReview) -> schemas.ReviewOut:
    out = schemas.ReviewOut.model_validate(review)
    out.evidence = [
        {
            "comparison": name,
            "level": level,
            "label": "missing" if level < 0 else comparison.labels[level],
        }
        for name, comparison, level in zip(
            COMPARISON_NAMES, COMPARISONS, review.levels, strict=False
        )
    ]
    return out


@router.get("/customers/reviews", response_model=list[schemas.ReviewOut])
def list_reviews(
    db: DB, principal: CurrentPrincipal, limit: Annotated[int, Query(ge=1, le=500)] = 50
):
    """Pairs of records the model could not settle, strongest first."""
    return [_review_out(r) for r in stewardship.pending_reviews(db, principal, limit)]


@router.post("/customers/reviews/{review_id}", response_model=schemas.ReviewOut)
def decide_review(review_id: str, body: schemas.VerdictIn, db: DB, principal: CurrentPrincipal):
    return _review_out(stewardship.decide_review(db, principal, review_id, body.verdict, body.note))


@router.post("/customers/merge", response_model=schemas.DecisionOut, status_code=201)
def merge(body: schemas.MergeIn, db: DB, principal: CurrentPrincipal):
    """Merge two customers: every record of `merged_id` moves to `survivor_id`."""
    return stewardship.merge(db, principal, body.survivor_id, body.merged_id, body.note)


@router.post("/customers/{customer_id}/split", response_model=schemas.DecisionOut, status_code=201)
def split(customer_id: str, body: schemas.SplitIn, db: DB, principal: CurrentPrincipal):
    """Move some records of a customer to a new customer (a wrong merge undone)."""
    return stewardship.split(db, principal, customer_id, body.record_ids, body.note)


@router.post("/customers/decisions/{decision_id}/undo", response_model=schemas.DecisionOut)
def undo(decision_id: str, db: DB, principal: CurrentPrincipal):
    return stewardship.undo(db, principal, decision_id)


@router.get("/customers/{customer_id}", response_model=schemas.Customer360Out)
def get_customer(customer_id: str, db: DB, principal: CurrentPrincipal):
    """The customer 360: golden record with provenance, identities, source records, pending
    reviews and decisions, and what other domains hold about the customer."""
    view = service.customer_360(db, principal, customer_id)
    return schemas.Customer360Out(
        customer=schemas.CustomerOut.model_validate(view.customer),
        identities=[schemas.IdentityOut.model_validate(i) for i in view.identities],
        records=[schemas.RecordOut.model_validate(r) for r in view.records],
        reviews=[_review_out(r) for r in view.reviews],
        decisions=[schemas.DecisionOut.model_validate(d) for d in view.decisions],
        sections=view.sections,
    )

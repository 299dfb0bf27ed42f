"""HTTP routes of GDPR export and erasure: thin wrappers around `customers.gdpr`."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from omnicanal.api.deps import DB, CurrentPrincipal
from omnicanal.customers import gdpr

router = APIRouter(tags=["customers"])


class ErasureIn(BaseModel):
    reason: str = Field(
        min_length=1,
        max_length=gdpr.MAX_REASON,
        description="Why the customer is erased (kept in the audit, without personal data).",
        examples=["request of the customer by e-mail, ticket 4521"],
    )


class ErasureOut(BaseModel):
    customer_id: str
    erased_customer_ids: list[str] = Field(description="It and every customer merged into it.")
    already_erased: bool = Field(description="True when nothing was left to erase.")
    decision_id: str | None = Field(description="The audited decision of the erasure.")
    counts: dict[str, int] = Field(description="Rows changed or deleted, per table and domain.")


@router.get(
    "/customers/{customer_id}/export",
    response_class=JSONResponse,
    responses={200: {"description": "Everything held about the customer, as a JSON file."}},
)
def export_customer(customer_id: str, db: DB, principal: CurrentPrincipal) -> JSONResponse:
    """Everything held about the customer (GDPR access and portability): golden record with
    provenance, source records as received, identities, consent, reviews, decisions, events
    and rejected import rows about them, and other domains' sections. A merged id exports
    the customer it was merged into. Needs `customers:manage` on a brand-wide key."""
    data = gdpr.export_customer(db, principal, customer_id)
    filename = f"customer-{data['metadata']['customer_id']}.json"
    return JSONResponse(data, headers={"Content-Disposition": f"attachment; filename={filename}"})


@router.post("/customers/{customer_id}/erase", response_model=ErasureOut)
def erase_customer(customer_id: str, body: ErasureIn, db: DB, principal: CurrentPrincipal):
    """Erase the customer's personal data everywhere (GDPR right to erasure), keeping
    non-personal figures and consent proofs; emits `customer.erased`. Erasing again changes
    nothing (`already_erased`). Needs `customers:manage` on a brand-wide key."""
    return gdpr.erase_customer(db, principal, customer_id, body.reason)

"""HTTP routes of customers' consent: thin wrappers around `customers.consent`."""

from __future__ import annotations

from fastapi import APIRouter

from omnicanal.api.deps import DB, CurrentPrincipal
from omnicanal.customers import consent
from omnicanal.customers.consent_schemas import (
    ConsentIn,
    ConsentOut,
    ConsentStateOut,
    CustomerConsentOut,
)

router = APIRouter(tags=["customers"])


@router.post("/customers/{customer_id}/consent", response_model=ConsentOut, status_code=201)
def post_consent(customer_id: str, body: ConsentIn, db: DB, principal: CurrentPrincipal):
    """Record a consent given or withdrawn. A merged customer's id records it for the
    customer it was merged into (`customer_id` of the answer)."""
    return consent.record_consent(db, principal, customer_id, body)


@router.get("/customers/{customer_id}/consent", response_model=CustomerConsentOut)
def get_consent(customer_id: str, db: DB, principal: CurrentPrincipal):
    """The current state of each purpose and channel (its latest event), and the history.
    A purpose and channel without any event is not consented to."""
    result = consent.consent_of(db, principal, customer_id)
    return CustomerConsentOut(
        customer_id=result.customer_id,
        states=[
            ConsentStateOut(
                purpose=s.purpose,
                channel=s.channel,
                granted=s.state.granted,
                occurred_at=s.state.occurred_at,
                source=s.state.source,
                event_id=s.state.event_id,
            )
            for s in result.states
        ],
        history=[ConsentOut.model_validate(e) for e in result.history],
    )

"""The review queue: pairs of records the model could not settle, side by side with the
evidence, and the steward's one-click verdict (same person, different persons)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from omnicanal.customers import stewardship
from omnicanal.customers.models import SourceRecord
from omnicanal.security.permissions import Permission, Principal
from omnicanal.web import csrf, customer_views, flash
from omnicanal.web.auth import requires, safe_next
from omnicanal.web.i18n import N_
from omnicanal.web.pages.customers import attempt, customer_path
from omnicanal.web.templating import render

# Under /customers, and included before the customer pages: `reviews` is not a customer id.
router = APIRouter(prefix="/customers/reviews")

Steward = Annotated[Principal, Depends(requires(Permission.CUSTOMERS_MANAGE))]
CsrfChecked = Annotated[None, Depends(csrf.require_csrf)]

QUEUE_LENGTH = 50
QUEUE_PATH = "/customers/reviews"
VERDICTS = {
    "same": N_("Same person: the two records are now on one customer."),
    "different": N_("Different persons: the two records are kept on separate customers."),
}


@router.get("", response_class=HTMLResponse)
def review_queue(request: Request, principal: Steward) -> HTMLResponse:
    db = request.state.db
    reviews = stewardship.pending_reviews(db, principal, QUEUE_LENGTH)
    context = {"pairs": customer_views.review_pairs(db, principal, reviews)}
    return render(request, "reviews.html", context)


@router.post("/{review_id}")
def decide(
    request: Request,
    review_id: str,
    principal: Steward,
    _csrf: CsrfChecked,
    verdict: Annotated[str, Form()] = "",
    note: Annotated[str, Form()] = "",
    next_path: Annotated[str, Form(alias="next")] = "",
) -> RedirectResponse:
    db = request.state.db
    review = attempt(
        request,
        lambda: stewardship.decide_review(
            db, principal, review_id, verdict, note.strip()[:500] or None
        ),
        {"review_id": review_id},
    )
    if review is not None:
        record = db.get(SourceRecord, review.record_a_id)
        customer_id = record.customer_id if record is not None else None
        flash.add(
            request,
            VERDICTS[verdict],
            href=customer_path(customer_id) if customer_id else None,
            link_text=N_("Open the customer"),
        )
    return _back(next_path)


def _back(next_path: str) -> RedirectResponse:
    return RedirectResponse(safe_next(next_path, QUEUE_PATH), status_code=303)

"""Operators' corrections of the referential: merge two customers, split records out of a
wrong merge, decide a review pair, undo any of these. Every decision is audited with each
touched record's customer before and after, and kept as link constraints that later batch
runs respect."""

from __future__ import annotations

import itertools
from collections.abc import Sequence

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from omnicanal.customers.consent import move_consents
from omnicanal.customers.flows import refresh_customers, require_steward
from omnicanal.customers.models import (
    Customer,
    Decision,
    LinkConstraint,
    MatchReview,
    SourceRecord,
)
from omnicanal.db import utcnow
from omnicanal.errors import Conflict, InvalidInput, NotFound
from omnicanal.events import emit
from omnicanal.security.permissions import Principal


def _actor(principal: Principal) -> str:
    return f"{principal.kind}:{principal.name}"


def _active(session: Session, customer_id: str, field: str) -> Customer:
    customer = session.get(Customer, customer_id)
    if customer is None or customer.status == "erased":
        raise NotFound(f"no customer {customer_id!r}", field=field)
    if customer.status != "active":
        raise Conflict(
            f"customer {customer_id!r} was merged into {customer.merged_into_id!r}", field=field
        )
    return customer


def _records(session: Session, customer_id: str) -> list[SourceRecord]:
    return list(
        session.scalars(
            select(SourceRecord)
            .where(SourceRecord.customer_id == customer_id)
            .order_by(SourceRecord.id)
        )
    )


def merge(
    session: Session,
    principal: Principal,
    survivor_id: str,
    merged_id: str,
    note: str | None = None,
    kind: str = "merge",
) -> Decision:
    """Move every record of `merged_id` to `survivor_id`; the merged id keeps answering as
    `merged` into the survivor."""
    require_steward(principal)
    if survivor_id == merged_id:
        raise InvalidInput("cannot merge a customer with itself", field="merged_id")
    survivor = _active(session, survivor_id, "survivor_id")
    merged = _active(session, merged_id, "merged_id")
    kept, moved = _records(session, survivor.id), _records(session, merged.id)
    decision = Decision(
        kind=kind,
        actor=_actor(principal),
        note=note,
        customer_ids=[survivor.id, merged.id],
        before={r.id: r.customer_id for r in kept + moved},
        after={r.id: survivor.id for r in kept + moved},
    )
    session.add(decision)
    session.flush()
    if kept and moved:
        for record in moved:
            session.add(
                LinkConstraint(
                    record_a_id=kept[0].id, record_b_id=record.id, kind="must",
                    decision_id=decision.id,
                )
            )  # fmt: skip
    for record in moved:
        record.customer_id = survivor.id
    session.flush()
    move_consents(session, {r.id: survivor.id for r in moved})
    merged.status, merged.merged_into_id, merged.record_count = "merged", survivor.id, 0
    session.flush()
    refresh_customers(session, [survivor.id, merged.id])
    emit(
        session,
        "customer.merged",
        {"customer_id": survivor.id, "merged_id": merged.id, "decision_id": decision.id},
    )
    return decision


def split(
    session: Session,
    principal: Principal,
    customer_id: str,
    record_ids: Sequence[str],
    note: str | None = None,
    kind: str = "split",
) -> Decision:
    """Move these records of a customer to a new customer: a wrong merge undone."""
    require_steward(principal)
    customer = _active(session, customer_id, "customer_id")
    records = _records(session, customer.id)
    wanted = set(record_ids)
    moving = [r for r in records if r.id in wanted]
    staying = [r for r in records if r.id not in wanted]
    unknown = wanted - {r.id for r in records}
    if unknown:
        raise InvalidInput(
            f"records {sorted(unknown)} are not records of customer {customer.id!r}",
            field="record_ids",
        )
    if not moving or not staying:
        raise InvalidInput(
            "a split moves some of the customer's records, not none or all", field="record_ids"
        )
    new = Customer()
    session.add(new)
    session.flush()
    decision = Decision(
        kind=kind,
        actor=_actor(principal),
        note=note,
        customer_ids=[customer.id, new.id],
        before={r.id: customer.id for r in records},
        after={r.id: (new.id if r.id in wanted else customer.id) for r in records},
    )
    session.add(decision)
    session.flush()
    for a in moving:
        for b in staying:
            session.add(
                LinkConstraint(
                    record_a_id=a.id, record_b_id=b.id, kind="cannot", decision_id=decision.id
                )
            )
    for a, b in itertools.pairwise(moving):
        session.add(
            LinkConstraint(record_a_id=a.id, record_b_id=b.id, kind="must", decision_id=decision.id)
        )
    for record in moving:
        record.customer_id = new.id
    session.flush()
    move_consents(session, {r.id: new.id for r in moving})
    refresh_customers(session, [customer.id, new.id])
    emit(
        session,
        "customer.split",
        {"customer_id": customer.id, "new_customer_id": new.id, "decision_id": decision.id},
    )
    return decision


def undo(session: Session, principal: Principal, decision_id: str) -> Decision:
    """Put every record of a decision back with the customer it had before it."""
    require_steward(principal)
    decision = session.get(Decision, decision_id)
    if decision is None:
        raise NotFound(f"no decision {decision_id!r}", field="decision_id")
    if decision.reverted_at is not None:
        raise Conflict(f"decision {decision_id!r} was already undone", field="decision_id")
    if decision.kind == "erasure":
        raise Conflict("an erasure cannot be undone: the data is gone", field="decision_id")
    touched = set(decision.customer_ids)
    restored: dict[str, str] = {}
    for record_id, customer_id in decision.before.items():
        record = session.get(SourceRecord, record_id)
        if record is not None and customer_id is not None:
            now_at = session.get(Customer, record.customer_id) if record.customer_id else None
            if now_at is not None and now_at.status == "erased":
                continue  # the person was erased since: nothing of theirs goes back
            if record.customer_id != decision.after.get(record_id):
                raise Conflict(
                    f"record {record_id!r} has moved since this decision; undo the later "
                    "decisions first",
                    field="decision_id",
                )
            touched.add(record.customer_id or customer_id)
            record.customer_id = customer_id
            restored[record_id] = customer_id
    session.flush()
    move_consents(session, restored)
    session.execute(
        update(LinkConstraint).where(LinkConstraint.decision_id == decision.id).values(active=False)
    )
    for customer in session.scalars(select(Customer).where(Customer.id.in_(touched))):
        if customer.status == "merged":
            customer.status, customer.merged_into_id = "active", None
    session.flush()
    refresh_customers(session, touched)
    for customer in session.scalars(select(Customer).where(Customer.id.in_(touched))):
        if customer.record_count == 0 and customer.status == "active":
            survivor = next(iter(set(decision.before.values()) - {customer.id}), None)
            customer.status, customer.merged_into_id = "merged", survivor
    session.execute(
        update(MatchReview)
        .where(MatchReview.decision_id == decision.id)
        .values(status="pending", decision_id=None)
    )
    decision.reverted_at = utcnow()
    decision.reverted_by = _actor(principal)
    session.flush()
    emit(session, "customer.decision_undone", {"decision_id": decision.id})
    return decision


def decide_review(
    session: Session, principal: Principal, review_id: str, verdict: str, note: str | None = None
) -> MatchReview:
    """`same`: the two records are one person (their customers are merged); `different`:
    they are two (the second record is split out when they share a customer)."""
    require_steward(principal)
    review = session.get(MatchReview, review_id)
    if review is None:
        raise NotFound(f"no review {review_id!r}", field="review_id")
    if review.status != "pending":
        raise Conflict(f"review {review_id!r} was already decided", field="review_id")
    if verdict not in ("same", "different"):
        raise InvalidInput("verdict must be `same` or `different`", field="verdict")
    a = session.get(SourceRecord, review.record_a_id)
    b = session.get(SourceRecord, review.record_b_id)
    assert a is not None and b is not None
    if verdict == "same":
        if a.customer_id != b.customer_id:
            decision = merge(session, principal, a.customer_id, b.customer_id, note, "review_same")  # type: ignore[arg-type]
        else:
            decision = _record_only(session, principal, "review_same", note, [a, b])
        session.add(
            LinkConstraint(record_a_id=a.id, record_b_id=b.id, kind="must", decision_id=decision.id)
        )
        review.status = "merged"
    else:
        if a.customer_id == b.customer_id:
            decision = split(session, principal, a.customer_id, [b.id], note, "review_different")  # type: ignore[arg-type]
        else:
            decision = _record_only(session, principal, "review_different", note, [a, b])
            session.add(
                LinkConstraint(
                    record_a_id=a.id, record_b_id=b.id, kind="cannot", decision_id=decision.id
                )
            )
        review.status = "distinct"
    review.decision_id = decision.id
    session.flush()
    return review


def _record_only(
    session: Session,
    principal: Principal,
    kind: str,
    note: str | None,
    records: Sequence[SourceRecord],
) -> Decision:
    mapping = {r.id: r.customer_id for r in records}
    decision = Decision(
        kind=kind,
        actor=_actor(principal),
        note=note,
        customer_ids=sorted({c for c in mapping.values() if c}),
        before=mapping,
        after=mapping,
    )
    session.add(decision)
    session.flush()
    return decision


def pending_reviews(session: Session, principal: Principal, limit: int = 50) -> list[MatchReview]:
    require_steward(principal)
    return list(
        session.scalars(
            select(MatchReview)
            .where(MatchReview.status == "pending")
            .order_by(MatchReview.weight.desc(), MatchReview.id)
            .limit(limit)
        )
    )

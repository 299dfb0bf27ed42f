"""The promotion editor's preview: a cart typed as lines ("SKU or GTIN, quantity") priced at
each place chosen (channels, stores), for an optional customer, with the definition of the
form in place of the saved one. Each place shows its lines, totals, the adjustments with the
promotion that made them (the draft's marked) and the refusals."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from pydantic import ValidationError
from sqlalchemy.orm import Session

from omnicanal.catalog.rules import gtin_or_none
from omnicanal.errors import DomainError
from omnicanal.pricing import schemas, service
from omnicanal.pricing.engine import LoyaltyRules
from omnicanal.pricing.explain import explain_quote
from omnicanal.pricing.promotions import Promotion
from omnicanal.security.permissions import Principal
from omnicanal.web import promotion_views as views
from omnicanal.web.i18n import N_, current_locale
from omnicanal.web.promotion_form import ZONE, Values, split_codes

MAX_PLACES = 8
MAX_LINES = 50
_LINE = re.compile(r"^\s*(\S+?)\s*(?:[,;]|\s[x×*]|\s)\s*(\d+)\s*$")

LINES_NEEDED = N_("Enter at least one line: a SKU or a GTIN, then the quantity.")
LINE_UNREADABLE = N_("Line %(n)s: write a SKU or a GTIN, then the quantity (ROBE-1, 2).")
TOO_MANY_LINES = N_("At most %(max)s lines.")
PLACES_NEEDED = N_("Choose at least one place to compare.")
TOO_MANY_PLACES = N_("At most %(max)s places side by side.")
FIX_DEFINITION = N_("Fix the definition to preview it.")


def default_values() -> Values:
    now = datetime.now(ZONE).strftime("%Y-%m-%dT%H:%M")
    return Values({"preview.lines": "", "preview.places": ["channel:web"], "preview.at": now})


@dataclass(frozen=True)
class Message:
    text: str  # English, translated where shown
    params: dict[str, Any] = field(default_factory=dict)


@dataclass
class PricedPlace:
    place: views.Place
    quote: Any = None  # pricing.engine.Quote
    lines: list[dict[str, Any]] = field(default_factory=list)
    adjustments: list[dict[str, Any]] = field(default_factory=list)
    refusals: list[dict[str, Any]] = field(default_factory=list)
    error: str | None = None  # the domain's own words when the cart cannot be priced here


@dataclass
class Preview:
    places: list[PricedPlace] = field(default_factory=list)
    errors: dict[str, Message] = field(default_factory=dict)  # preview input -> message
    draft_id: str | None = None
    blocked: bool = False  # the definition has errors: nothing priced

    @property
    def totals_differ(self) -> bool:
        totals = {p.quote.total for p in self.places if p.quote is not None}
        return len(totals) > 1


def read_lines(text: str) -> tuple[list[schemas.QuoteLineIn], Message | None]:
    lines = []
    rows = [row for row in text.splitlines() if row.strip()]
    if not rows:
        return [], Message(LINES_NEEDED)
    if len(rows) > MAX_LINES:
        return [], Message(TOO_MANY_LINES, {"max": MAX_LINES})
    for n, row in enumerate(rows, start=1):
        match = _LINE.match(row)
        if match:
            key, quantity = match[1], int(match[2])
        elif len(row.split()) == 1:
            key, quantity = row.strip().rstrip(",;"), 1
        else:
            return [], Message(LINE_UNREADABLE, {"n": n})
        try:
            if key.isdigit() and gtin_or_none(key):
                lines.append(schemas.QuoteLineIn(gtin=key, quantity=quantity))
            else:
                lines.append(schemas.QuoteLineIn(sku=key, quantity=quantity))
        except ValidationError:
            return [], Message(LINE_UNREADABLE, {"n": n})
    return lines, None


def _at(text: str) -> datetime | None:
    try:
        return datetime.fromisoformat(text.strip()).replace(tzinfo=ZONE)
    except ValueError:
        return None


def run(
    session: Session,
    principal: Principal,
    posted: Values,
    draft: Promotion | None,
    net: views.Network,
    loyalty: LoyaltyRules,
    *,
    blocked: bool = False,
) -> Preview:
    preview = Preview(draft_id=draft.id if draft is not None else None, blocked=blocked)
    lines, problem = read_lines(posted.text("preview.lines"))
    if problem is not None:
        preview.errors["preview.lines"] = problem
    keys = list(dict.fromkeys(posted.many("preview.places")))
    places = [p for p in (net.place(k) for k in keys) if p is not None]
    if not places:
        preview.errors["preview.places"] = Message(PLACES_NEEDED)
    elif len(places) > MAX_PLACES:
        preview.errors["preview.places"] = Message(TOO_MANY_PLACES, {"max": MAX_PLACES})
    at = _at(posted.text("preview.at")) if posted.text("preview.at").strip() else None
    if posted.text("preview.at").strip() and at is None:
        preview.errors["preview.at"] = Message(N_("Enter a date and time."))
    if blocked or preview.errors:
        return preview
    names = views.product_names(session, [line.sku for line in lines if line.sku])
    for place in places:
        preview.places.append(
            _price_at(session, principal, posted, place, lines, at, draft, loyalty, names)
        )
    return preview


def _price_at(
    session: Session, principal: Principal, posted: Values, place: views.Place,
    lines: list[schemas.QuoteLineIn], at: datetime | None, draft: Promotion | None,
    loyalty: LoyaltyRules, names: dict[str, str],
) -> PricedPlace:  # fmt: skip
    result = PricedPlace(place)
    try:
        data = schemas.QuoteIn(
            channel=place.channel,
            location=place.location,
            customer_id=posted.text("preview.customer_id").strip() or None,
            segments=split_codes(posted.text("preview.segments"), spaced=True),
            loyalty_tier=posted.text("preview.loyalty_tier").strip() or None,
            first_order=bool(posted.text("preview.first_order")),
            coupons=split_codes(posted.text("preview.coupons")),
            at=at,
            lines=lines,
        )
        priced = service.price_quote(session, principal, data, loyalty=loyalty, draft=draft)
    except DomainError as exc:
        result.error = exc.detail
        return result
    except ValidationError as exc:
        result.error = "; ".join(str(e["msg"]) for e in exc.errors())
        return result
    q = priced.quote
    result.quote = q
    if len(names) < len(q.lines):
        names = {**views.product_names(session, [line.sku for line in q.lines]), **names}
    for line in q.lines:
        result.lines.append({
            "sku": line.sku, "name": names.get(line.sku, ""), "quantity": line.quantity,
            "unit_price": line.unit_price, "discount": line.discount, "total": line.total,
            "promotions": [a.promotion_id for a in line.adjustments],
        })  # fmt: skip
    draft_id = draft.id if draft is not None else None
    said = _sentences(session, q, draft, place, names, priced.names)
    for a, sentence in zip(q.adjustments, said.adjustments, strict=True):
        result.adjustments.append({
            "promotion_id": a.promotion_id, "name": priced.names.get(a.promotion_id) or a.name,
            "reason": a.reason, "amount": a.amount, "target": a.target, "coupon": a.coupon,
            "draft": a.promotion_id == draft_id, "sentence": sentence,
        })  # fmt: skip
    for r, sentence in zip(q.refusals, said.refusals, strict=True):
        result.refusals.append({
            "code": r.code, "promotion_id": r.promotion_id, "coupon": r.coupon,
            "draft": r.promotion_id is not None and r.promotion_id == draft_id,
            "sentence": sentence,
        })  # fmt: skip
    return result


def _sentences(
    session: Session, q: Any, draft: Promotion | None, place: views.Place,
    products: dict[str, str], promotion_names: Any,
) -> Any:  # fmt: skip
    """The quote's adjustments and refusals in words (pricing.explain), in the page's
    language; the definitions (the draft's in place of the saved one) name what a promotion
    is on."""
    definitions = dict(service.PROMOTIONS.get(session).by_id)
    if draft is not None:
        definitions[draft.id] = draft
    names = {
        "sku": products,
        "promotion": {k: v for k, v in promotion_names.items() if v},
        "location": {place.location: place.label} if place.location else {},
    }
    return explain_quote(q, current_locale(), names, promotions=definitions)

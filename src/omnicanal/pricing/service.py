"""Use cases of the pricing domain: price rows, franchise price policies, promotions, coupons,
the quote and the redemptions an order makes. The rules are in the pure modules beside this
one; here they get their data from the tables.

Each server process keeps the active promotions indexed (`PromotionSet`) until the row of
`pricing_state` gets a new version, which every promotion change writes: a quote reads that
one row, the cart's products, prices and coupons, and nothing else. Usage counts are read only
for the promotions that reach the limit check. Redemption counts with conditional updates
(`... WHERE uses < max_uses`), so two orders racing for the last use, or for a single-use
coupon, never both get it: on PostgreSQL the second waits for the first's row lock and then
sees its count.
"""

from __future__ import annotations

import secrets
import threading
import time
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timezone
from decimal import Decimal
from typing import Any

from sqlalchemy import Integer, and_, bindparam, delete, func, insert, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.sql import Executable
from sqlalchemy.sql.elements import ColumnElement

from omnicanal.catalog import rules as catalog_rules
from omnicanal.catalog import service as catalog_service
from omnicanal.catalog.models import Category, Product
from omnicanal.db import database_key, insert_loaded, new_id, utcnow
from omnicanal.errors import Conflict, Forbidden, InvalidInput, NotFound
from omnicanal.events import emit
from omnicanal.network.models import Channel, Entity, Location
from omnicanal.pricing import audit, codec, explain, schemas
from omnicanal.pricing.engine import (
    Cart,
    CartLine,
    Delivery,
    LoyaltyRules,
    Quote,
    QuoteContext,
    Usage,
    category_prefixes,
)
from omnicanal.pricing.engine import quote as price_cart
from omnicanal.pricing.index import PromotionSet
from omnicanal.pricing.models import (
    CouponRow,
    CustomerUse,
    PricePolicy,
    PriceRow,
    PricingState,
    PromotionRow,
    Redemption,
)
from omnicanal.pricing.prices import (
    FranchisePolicy,
    Price,
    PriceBook,
    PriceContext,
    PriceNotFound,
    ResolvedPrice,
    check_franchise_price,
)
from omnicanal.pricing.promotions import CODE_ALPHABET, Coupon, Promotion, normalise_code
from omnicanal.security.permissions import (
    Permission,
    Principal,
    Scope,
    can_reach_location,
    require,
)

# -- the promotions every quote reads, cached per process ---------------------------------------


def _bump(session: Session) -> None:
    version = uuid.uuid4().hex
    if not session.execute(
        update(PricingState).where(PricingState.id == 1).values(version=version)
    ).rowcount:  # type: ignore[attr-defined]
        session.add(PricingState(id=1, version=version))
    session.flush()
    PROMOTIONS.changed()


def _engine_promotion(promotion: Promotion) -> Promotion:
    """Category conditions are catalog codes (`FEMME.ROBES`); the engine reads paths."""
    categories = promotion.conditions.categories
    if categories is None:
        return promotion
    paths = frozenset(c.replace(".", "/") for c in categories)
    return replace(promotion, conditions=replace(promotion.conditions, categories=paths))


def _category_path(code: str | None) -> str:
    return code.replace(".", "/") if code else ""


COUNTS_MAX_AGE = 1.0  # seconds a plain quote may read usage counts this old
VERSION_MAX_AGE = 1.0  # seconds before another process's promotion change is seen


class _PromotionCache:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._reloading = threading.Lock()  # held by the thread reading the counts again
        self._by_database: dict[str, tuple[str, PromotionSet]] = {}
        # database -> (when read, uses by promotion, budget spent by promotion)
        self._counts: dict[str, tuple[float, dict[str, int], dict[str, int]]] = {}
        self._checked: dict[str, float] = {}  # database -> when its version was last read

    def changed(self) -> None:
        """A promotion changed in this process: the next quote reads the version again."""
        self._checked.clear()

    def get(self, session: Session) -> PromotionSet:
        """The active promotions, indexed. The version row is read again when the last read
        is `VERSION_MAX_AGE` old (a change made by another process shows within a second) or
        after a change made by this one."""
        key = database_key(session)
        hit = self._by_database.get(key)
        now = time.monotonic()
        if hit is not None and now - self._checked.get(key, -VERSION_MAX_AGE) < VERSION_MAX_AGE:
            return hit[1]
        version = session.execute(
            select(PricingState.version).where(PricingState.id == 1)
        ).scalar_one_or_none()
        self._checked[key] = now
        if hit is not None and hit[0] == version:
            return hit[1]
        definitions = session.execute(
            select(PromotionRow.definition).where(PromotionRow.status == "active")
        ).scalars()
        promotions = PromotionSet(
            _engine_promotion(codec.promotion_from_dict(d)) for d in definitions
        )
        with self._lock:
            self._by_database[key] = (version or "", promotions)
        return promotions

    def counts(self, session: Session) -> tuple[dict[str, int], dict[str, int]]:
        """Uses and budget spent (by promotion id) of every active promotion with a limit or a
        budget, loaded again when older than `COUNTS_MAX_AGE` or after a redemption in this
        process. Kept as the two mappings `Usage` takes, which quotes share and never change:
        about 1 300 entries, too many to copy per quote."""
        key = database_key(session)
        hit = self._counts.get(key)
        now = time.monotonic()
        if hit is not None and now - hit[0] < COUNTS_MAX_AGE:
            return hit[1], hit[2]
        # Stale counts are read again by one thread; the others quote on the last ones
        # meanwhile rather than all reading the same rows at once.
        reloading = hit is not None
        if reloading and not self._reloading.acquire(blocking=False):
            return hit[1], hit[2]
        try:
            rows = _read(session, _LIMITED_COUNTS, {})
            uses = {promotion_id: count for promotion_id, count, _ in rows}
            spent = {promotion_id: amount for promotion_id, _, amount in rows}
            self._counts[key] = (now, uses, spent)
        finally:
            if reloading:
                self._reloading.release()
        return uses, spent

    def forget_counts(self) -> None:
        self._counts.clear()

    def current(self, session: Session) -> PromotionSet:
        """The set the last `get` of this database gave (what a quote just ran against)."""
        hit = self._by_database.get(database_key(session))
        return hit[1] if hit is not None else self.get(session)


PROMOTIONS = _PromotionCache()
_LIMITED_COUNTS = select(PromotionRow.id, PromotionRow.uses, PromotionRow.budget_spent).where(
    PromotionRow.status == "active",
    or_(PromotionRow.max_uses.is_not(None), PromotionRow.budget.is_not(None)),
)


# -- the quote ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PricedQuote:
    quote: Quote
    context: QuoteContext
    prices: tuple[Price, ...]  # the row that gave each line's unit price
    matched: tuple[tuple[str, ...], ...]
    names: Mapping[str, str]  # promotion id -> name


def _usage(
    session: Session,
    promotions: PromotionSet,
    cart: Cart,
    ctx: QuoteContext,
    coupons: Mapping[str, CouponRow],
    *,
    exact: bool,
) -> Usage:
    """Usage counts of the promotions that have a limit or a budget. A plain quote reads them
    as the process last loaded them, at most `COUNTS_MAX_AGE` old (one statement a second, not
    an IN list of a cart's candidates every quote): a promotion used up meanwhile may still be
    quoted, and its redemption then refuses it. A redemption (`exact`) reads the candidates'
    counts now; the conditional updates that follow are what holds the limits."""
    if exact:
        candidates = promotions.candidates(
            {line.sku for line in cart.lines},
            {prefix for line in cart.lines for prefix in category_prefixes(line.category)},
            {line.brand for line in cart.lines if line.brand is not None},
            ctx.channel,
            {row.promotion_id for row in coupons.values()},
        )
        limited = [p.id for p in candidates if p.max_uses is not None or p.budget is not None]
        rows = session.execute(
            select(PromotionRow.id, PromotionRow.uses, PromotionRow.budget_spent).where(
                PromotionRow.id.in_(limited)
            )
        ).all() if limited else []  # fmt: skip
        uses = {row.id: row.uses for row in rows}
        spent = {row.id: row.budget_spent for row in rows}
    else:
        uses, spent = PROMOTIONS.counts(session)
    customer_uses: dict[str, int] = {}
    if ctx.customer_id is not None:
        rows = _read(session, _CUSTOMER_USES, {"customer_id": ctx.customer_id})
        customer_uses = {promotion_id: count for promotion_id, count in rows}
    return Usage(
        uses=uses,
        customer_uses=customer_uses,
        budget_spent=spent,
        coupon_redemptions={code: row.redemptions for code, row in coupons.items()},
    )


_CUSTOMER_USES = select(CustomerUse.promotion_id, CustomerUse.uses).where(
    CustomerUse.customer_id == bindparam("customer_id")
)


class _Places:
    """Channel and location codes known to exist, kept by each process once seen (they are
    never deleted; an unknown code is asked for again each time)."""

    def __init__(self) -> None:
        self.channels: set[tuple[str, str]] = set()
        self.locations: dict[tuple[str, str], tuple[str, str]] = {}

    def channel_exists(self, session: Session, code: str) -> bool:
        key = (database_key(session), code)
        if key not in self.channels:
            if session.execute(select(Channel.id).where(Channel.code == code)).first() is None:
                return False
            self.channels.add(key)
        return True

    def location(self, session: Session, code: str) -> tuple[str, str] | None:
        """(id, owner entity id) of a location code."""
        key = (database_key(session), code)
        if key not in self.locations:
            row = session.execute(
                select(Location.id, Location.owner_entity_id).where(Location.code == code)
            ).first()
            if row is None:
                return None
            self.locations[key] = (row.id, row.owner_entity_id)
        return self.locations[key]


PLACES = _Places()


def _check_place(session: Session, principal: Principal, data: schemas.QuoteIn) -> None:
    if not PLACES.channel_exists(session, data.channel):
        raise InvalidInput(f"unknown channel {data.channel!r}", field="channel")
    if data.location is not None:
        location = PLACES.location(session, data.location)
        if location is None:
            raise InvalidInput(f"unknown location {data.location!r}", field="location")
        location_id, owner = location
        if not can_reach_location(principal.scope, location_id, owner):
            raise Forbidden("this location is outside your scope", field="location")


def _products(
    session: Session, principal: Principal, data: schemas.QuoteIn, at: datetime
) -> tuple[list[tuple[str, str | None, str]], list[Price]]:
    """(sku, brand, category path) of each line, whichever way the line names its product,
    and the price rows of those products that may apply at `at` on the quote's channel and
    location (the brand's rows only, without one): both in one statement."""
    gtins: dict[int, str] = {}
    local: dict[int, str] = {}
    for i, line in enumerate(data.lines):
        if line.gtin is not None:
            try:
                gtins[i] = catalog_rules.normalise_gtin(line.gtin)
            except ValueError as exc:
                raise InvalidInput(str(exc), field=f"lines[{i}].gtin") from exc
        elif line.code is not None:
            local[i] = line.code
    skus: dict[int, str] = {i: line.sku for i, line in enumerate(data.lines) if line.sku}
    if local:
        translated = catalog_service.translate_codes(
            session, principal, data.code_owner, list(local.values())
        )
        for (i, code), t in zip(local.items(), translated, strict=True):
            if t.sku is None:
                raise InvalidInput(
                    f"local code {code!r} is not mapped to a product yet ({t.status.value})",
                    field=f"lines[{i}].code",
                )
            skus[i] = t.sku
    params = {"currency": data.currency, "at": at, "channel": data.channel}
    local_prices = data.location is not None
    if local_prices:
        params["location"] = data.location
    rows = []  # one statement per kind of key: an OR of the two would not use the indexes
    if skus:
        statement = _PRODUCT_PRICES[False, local_prices]
        rows += _read(session, statement, {**params, "keys": list(set(skus.values()))})
    if gtins:
        statement = _PRODUCT_PRICES[True, local_prices]
        rows += _read(session, statement, {**params, "keys": list(set(gtins.values()))})
    # by position: a Row's attributes cost a microsecond each, and a quote reads ~40 rows
    products: dict[str, tuple[str, str | None, str, str]] = {}  # sku -> (sku, brand, path, status)
    by_gtin: dict[str, tuple[str, str | None, str, str]] = {}
    prices: dict[str, Price] = {}  # a product comes once per price row, twice if named both ways
    for sku, gtin, brand, status, code, price_id, *price in rows:
        product = products.get(sku)
        if product is None:
            product = products[sku] = (sku, brand, _category_path(code), status)
            if gtin:
                by_gtin[gtin] = product
        if price_id is not None and price_id not in prices:
            prices[price_id] = Price(price_id, sku, *price)
    out = []
    for i, line in enumerate(data.lines):
        found = by_gtin.get(gtins[i]) if i in gtins else products.get(skus[i])
        name = "gtin" if i in gtins else "code" if i in local else "sku"
        if found is None:
            given = getattr(line, name)
            raise InvalidInput(f"no product with {name} {given!r}", field=f"lines[{i}].{name}")
        if found[3] != "active":
            raise InvalidInput(
                f"{found[0]} is {found[3]}, no longer sold", field=f"lines[{i}].{name}"
            )
        out.append(found[:3])
    return out, list(prices.values())


def _price_rows(
    session: Session,
    skus: set[str],
    currency: str,
    at: datetime,
    channel: str,
    location: str | None,
) -> list[Price]:
    """The rows of `skus` that may apply at `at` on the channel, at the location (or the
    brand's rows only, without one)."""
    params = {"skus": list(skus), "currency": currency, "at": at, "channel": channel}
    if location is None:
        return [_price(row) for row in _read(session, _BRAND_PRICES_AT, params)]
    params["location"] = location
    return [_price(row) for row in _read(session, _PRICES_AT_LOCATION, params)]


def _read(session: Session, statement: Executable, params: dict[str, Any]) -> Sequence[Any]:
    """The rows of a statement built once, run on the session's connection. Each quote runs
    several: building them each time, and the ORM's layers on top of Core, cost more than the
    database took to answer (SQLAlchemy's compiled cache still needs a built statement)."""
    if session.autoflush:
        session.flush()  # as `session.execute` would
    return session.connection().execute(statement, params).all()


_PRICE_COLUMNS = (
    PriceRow.id, PriceRow.sku, PriceRow.amount_minor, PriceRow.currency, PriceRow.channel,
    PriceRow.location, PriceRow.segment, PriceRow.valid_from, PriceRow.valid_until,
    PriceRow.price_list,
)  # fmt: skip
# the rows that may apply at `at` on `channel`: with `location`, its rows and the brand's
_PRICE_AT = (
    PriceRow.currency == bindparam("currency"),
    or_(PriceRow.valid_from.is_(None), PriceRow.valid_from <= bindparam("at")),
    or_(PriceRow.valid_until.is_(None), PriceRow.valid_until > bindparam("at")),
    or_(PriceRow.channel.is_(None), PriceRow.channel == bindparam("channel")),
)
_BRAND_ROW = PriceRow.location.is_(None)
_LOCAL_OR_BRAND_ROW = or_(PriceRow.location.is_(None), PriceRow.location == bindparam("location"))
_PRICES_AT = select(*_PRICE_COLUMNS).where(
    PriceRow.sku.in_(bindparam("skus", expanding=True)), *_PRICE_AT
)
_BRAND_PRICES_AT = _PRICES_AT.where(_BRAND_ROW)
_PRICES_AT_LOCATION = _PRICES_AT.where(_LOCAL_OR_BRAND_ROW)
# (by GTIN, with a location) -> the products of the keys with their price rows (none: a row
# of NULL price columns), the price's columns in the order of `Price`'s fields
_PRODUCT_PRICES = {
    (by_gtin, local): select(
        Product.sku, Product.gtin, Product.brand, Product.status, Category.code, PriceRow.id,
        PriceRow.amount_minor, PriceRow.currency, PriceRow.channel, PriceRow.location,
        PriceRow.segment, PriceRow.valid_from, PriceRow.valid_until, PriceRow.price_list,
    )
    .outerjoin(Category, Category.id == Product.category_id)
    .outerjoin(
        PriceRow,
        and_(PriceRow.sku == Product.sku, *_PRICE_AT, _LOCAL_OR_BRAND_ROW if local else _BRAND_ROW),
    )
    .where((Product.gtin if by_gtin else Product.sku).in_(bindparam("keys", expanding=True)))
    for by_gtin in (False, True)
    for local in (False, True)
}  # fmt: skip


def _price(row: Any) -> Price:
    return Price(
        id=row.id, sku=row.sku, amount=row.amount_minor, currency=row.currency,
        channel=row.channel, location=row.location, segment=row.segment,
        valid_from=row.valid_from, valid_until=row.valid_until, price_list=row.price_list,
    )  # fmt: skip


def with_draft(promotions: PromotionSet, draft: Promotion) -> PromotionSet:
    """The active promotions with `draft` in place of the one of the same id (or added): what
    the cart would cost once the draft is saved and active."""
    others = (p for p in promotions.promotions if p.id != draft.id)
    return PromotionSet((*others, _engine_promotion(draft)))


def check_promotion(session: Session, principal: Principal, data: dict[str, Any]) -> Promotion:
    """A promotion definition checked as saving it would check it (the codec, then the
    channels, locations, SKUs and categories it names), without saving it."""
    require(principal, Permission.PRICING_READ)
    promotion = codec.promotion_from_dict(data)
    _check_references(session, promotion)
    return promotion


def price_quote(
    session: Session,
    principal: Principal,
    data: schemas.QuoteIn,
    *,
    loyalty: LoyaltyRules,
    draft: Promotion | None = None,
    exact_counts: bool = False,
) -> PricedQuote:
    """The cart of `data` priced as the channel, location and customer would be charged.
    With a `draft` (a definition not saved yet, checked by `check_promotion`), priced as if it
    were saved and active, replacing the promotion of the same id."""
    require(principal, Permission.PRICING_READ)
    at = data.at or utcnow()
    offset = at.utcoffset()
    if offset is None:
        raise InvalidInput("the instant must carry its time zone", field="at")
    # The same instant and offset in the standard library's zone: the engine compares it with
    # the dates of every candidate promotion and price, each comparison about 20 times slower
    # with pydantic's `TzInfo` (it asks both offsets) than with the `UTC` of the stored dates.
    at = at.replace(tzinfo=UTC if not offset else timezone(offset))
    _check_place(session, principal, data)
    products, prices = _products(session, principal, data, at)
    segments = frozenset(data.segments)
    book = PriceBook(prices)
    price_ctx = PriceContext(at, data.currency, data.channel, data.location, segments)
    lines, used, matched = [], [], []
    for i, ((sku, brand, category), line) in enumerate(zip(products, data.lines, strict=True)):
        try:
            resolved = book.resolve(sku, price_ctx)
        except PriceNotFound as exc:
            raise PriceNotFound(exc.detail, field=f"lines[{i}]", sku=sku) from exc
        lines.append(CartLine(sku, line.quantity, resolved.amount, data.currency, category, brand))
        used.append(resolved.price)
        matched.append(resolved.matched)
    coupon_codes = [normalise_code(c) for c in data.coupons]
    coupon_rows = (
        {
            row.code: row
            for row in session.execute(
                select(CouponRow).where(CouponRow.code.in_(coupon_codes))
            ).scalars()
        }
        if coupon_codes
        else {}
    )
    context = QuoteContext(
        channel=data.channel, at=at, location=data.location, customer_id=data.customer_id,
        segments=segments, loyalty_tier=data.loyalty_tier, coupons=tuple(data.coupons),
        first_order=data.first_order,
    )  # fmt: skip
    promotions = PROMOTIONS.get(session)
    if draft is not None:
        promotions = with_draft(promotions, draft)
    delivery = Delivery(data.delivery.method, data.delivery.fee) if data.delivery else None
    cart = Cart(tuple(lines), data.currency, delivery)
    result = price_cart(
        cart,
        context,
        promotions,
        coupons={code: _coupon(row) for code, row in coupon_rows.items()},
        usage=_usage(session, promotions, cart, context, coupon_rows, exact=exact_counts),
        loyalty=loyalty,
    )
    names = {
        p.id: p.name
        for p in (promotions.by_id.get(a.promotion_id) for a in result.adjustments)
        if p
    }
    return PricedQuote(result, context, tuple(used), tuple(matched), names)


def _coupon(row: CouponRow) -> Coupon:
    return Coupon(row.code, row.promotion_id, row.valid_from, row.valid_until,
                  row.max_redemptions, row.customer_id)  # fmt: skip


def quote_payload(
    priced: PricedQuote, session: Session | None = None, locale: str | None = None
) -> dict[str, Any]:
    """The quote as the API answers it; with a `locale` (`fr`, `en`), each adjustment, refusal
    and line price also says in words what it is."""
    q, ctx = priced.quote, priced.context
    adjustments: Sequence[str | None] = [None] * len(q.adjustments)
    refusals: Sequence[str | None] = [None] * len(q.refusals)
    sources: Sequence[str | None] = [None] * len(q.lines)
    if locale is not None:
        names = _place_names(session, ctx) if session is not None else None
        sentences = explain.explain_quote(
            q, locale, names, promotions=PROMOTIONS.current(session) if session else ()
        )
        adjustments, refusals = sentences.adjustments, sentences.refusals
        sources = [
            explain.explain_price(
                ResolvedPrice(line.sku, line.unit_price, q.currency, price, matched),
                locale,
                names,
            )
            for line, price, matched in zip(q.lines, priced.prices, priced.matched, strict=True)
        ]
    return {
        "at": ctx.at,
        "channel": ctx.channel,
        "location": ctx.location,
        "currency": q.currency,
        "lines": [
            {
                "sku": line.sku, "quantity": line.quantity, "unit_price": line.unit_price,
                "price": {"price_id": price.id, "price_list": price.price_list,
                          "matched": list(matched), "explanation": source},
                "subtotal": line.subtotal, "discount": line.discount, "total": line.total,
                "unit_net": line.unit_net,
                "adjustments": [
                    {"promotion_id": a.promotion_id, "reason": a.reason, "amount": a.amount}
                    for a in line.adjustments
                ],
            }
            for line, price, matched, source in zip(
                q.lines, priced.prices, priced.matched, sources, strict=True
            )
        ],
        "subtotal": q.subtotal, "discount": q.discount, "items_total": q.items_total,
        "delivery_fee": q.delivery_fee, "delivery_discount": q.delivery_discount,
        "total": q.total,
        "adjustments": [
            {"promotion_id": a.promotion_id, "name": a.name, "reason": a.reason,
             "amount": a.amount, "target": a.target, "lines": list(a.lines),
             "params": _plain(a.params), "coupon": a.coupon, "explanation": sentence}
            for a, sentence in zip(q.adjustments, adjustments, strict=True)
        ],
        "refusals": [
            {"code": r.code, "promotion_id": r.promotion_id, "coupon": r.coupon,
             "params": _plain(r.params), "explanation": sentence}
            for r, sentence in zip(q.refusals, refusals, strict=True)
        ],
        "loyalty_points": q.loyalty_points,
        "coupons_applied": list(q.coupons_applied),
    }  # fmt: skip


def _place_names(session: Session, ctx: QuoteContext) -> dict[str, dict[str, str]]:
    names: dict[str, dict[str, str]] = {"channel": {}, "location": {}}
    row = session.execute(select(Channel.name).where(Channel.code == ctx.channel)).first()
    if row is not None:
        names["channel"][ctx.channel] = row.name
    if ctx.location is not None:
        row = session.execute(select(Location.name).where(Location.code == ctx.location)).first()
        if row is not None:
            names["location"][ctx.location] = row.name
    return names


def _own_locations(scope: Scope) -> ColumnElement[bool]:
    """The locations a scoped principal reaches: its entity's, or those it was given."""
    return or_(
        Location.owner_entity_id == scope.entity_id, Location.id.in_(scope.location_ids or ())
    )


_SETS = (frozenset, set)


def _plain(params: Mapping[str, object]) -> dict[str, Any]:
    """Params as JSON values: decimals as text ("20.5"), sets as sorted lists."""
    out: dict[str, Any] = {}
    for key, value in params.items():
        if type(value) is str:  # most of a quote's: about a hundred refusals name promotions
            pass
        elif isinstance(value, Decimal):
            value = str(value)
        elif isinstance(value, _SETS):  # a tuple: `frozenset | set` is a new union per call
            value = sorted(value)
        elif isinstance(value, tuple):
            value = [sorted(v) if isinstance(v, frozenset) else v for v in value]
        out[key] = value
    return out


# -- redemptions --------------------------------------------------------------------------------


def redeem(
    session: Session,
    principal: Principal,
    data: schemas.RedemptionIn,
    *,
    loyalty: LoyaltyRules,
    new_order: bool = False,
) -> tuple[PricedQuote, list[str]]:
    """Price the order's cart and count what it uses: each applied promotion's use and budget,
    the customer's use, each coupon. A limit reached meanwhile by another order is a conflict
    (the caller prices again and shows the new total); nothing is counted twice for one order.
    `new_order`: `order_ref` was made just now (a new order's id), so no redemption names it
    yet and none is looked for."""
    require(principal, Permission.PRICING_REDEEM)
    if (
        not new_order
        and session.execute(
            select(Redemption.id).where(Redemption.order_ref == data.order_ref).limit(1)
        ).first()
    ):
        raise Conflict(f"order {data.order_ref!r} has already redeemed its promotions",
                       field="order_ref")  # fmt: skip
    priced = price_quote(session, principal, data, loyalty=loyalty, exact_counts=True)
    promotions = PROMOTIONS.get(session)
    redeemed, rows = [], []
    for adjustment in priced.quote.adjustments:
        promotion = promotions.by_id[adjustment.promotion_id]
        _count_use(session, promotion, adjustment.amount)
        if data.customer_id is not None:
            _count_customer_use(session, promotion, data.customer_id)
        if adjustment.coupon is not None:
            _count_coupon(session, adjustment.coupon)
        rows.append(
            Redemption(
                order_ref=data.order_ref, promotion_id=promotion.id, coupon=adjustment.coupon,
                customer_id=data.customer_id, discount_minor=adjustment.amount,
                channel=data.channel, location=data.location,
            )
        )  # fmt: skip
        redeemed.append(promotion.id)
    try:
        insert_loaded(session, rows)  # one INSERT, now
    except IntegrityError as exc:  # a concurrent request for the same order
        raise Conflict(f"order {data.order_ref!r} has already redeemed its promotions",
                       field="order_ref") from exc  # fmt: skip
    if redeemed:
        PROMOTIONS.forget_counts()
        emit(session, "promotions.redeemed", {
            "order_ref": data.order_ref, "customer_id": data.customer_id,
            "channel": data.channel, "location": data.location,
            "promotions": [{"promotion_id": a.promotion_id, "coupon": a.coupon,
                            "discount": a.amount} for a in priced.quote.adjustments],
        })  # fmt: skip
    return priced, redeemed


def _count_use(session: Session, promotion: Promotion, amount: int) -> None:
    result = session.connection().execute(
        _COUNT_USE, {"promotion_id": promotion.id, "discount": amount}
    )
    if not result.rowcount:
        raise Conflict(
            f"promotion {promotion.id!r} reached its usage limit or budget meanwhile; "
            "price the cart again",
            field="lines",
        )


# Each order counts its promotions' uses with it: built once (building it cost more than
# running it), run on the connection (no object of the session is involved).
_PROMOTIONS = PromotionRow.__table__
_COUNT_USE = (
    update(_PROMOTIONS)
    .where(
        _PROMOTIONS.c.id == bindparam("promotion_id"),
        or_(_PROMOTIONS.c.max_uses.is_(None), _PROMOTIONS.c.uses < _PROMOTIONS.c.max_uses),
        or_(
            _PROMOTIONS.c.budget.is_(None),
            _PROMOTIONS.c.budget_spent + bindparam("discount", type_=Integer)
            <= _PROMOTIONS.c.budget,
        ),
    )
    .values(
        uses=_PROMOTIONS.c.uses + 1,
        budget_spent=_PROMOTIONS.c.budget_spent + bindparam("discount", type_=Integer),
    )
)


def _count_customer_use(session: Session, promotion: Promotion, customer_id: str) -> None:
    limit = promotion.max_uses_per_customer
    where = [CustomerUse.promotion_id == promotion.id, CustomerUse.customer_id == customer_id]
    if limit is not None:
        where.append(CustomerUse.uses < limit)
    changed = session.execute(
        update(CustomerUse)
        .where(*where)
        .values(uses=CustomerUse.uses + 1)
        .execution_options(synchronize_session=False)
    ).rowcount  # type: ignore[attr-defined]
    if changed:
        return
    exists = session.execute(
        select(CustomerUse.uses).where(
            CustomerUse.promotion_id == promotion.id, CustomerUse.customer_id == customer_id
        )
    ).first()
    if exists is not None:
        raise Conflict(
            f"this customer has used promotion {promotion.id!r} as often as it allows",
            field="customer_id",
        )
    try:
        with session.begin_nested():
            session.execute(
                insert(CustomerUse).values(
                    promotion_id=promotion.id, customer_id=customer_id, uses=1
                )
            )
    except IntegrityError as exc:  # the customer's other order counted its first use first
        if limit == 1:
            raise Conflict(
                f"this customer has used promotion {promotion.id!r} as often as it allows",
                field="customer_id",
            ) from exc
        _count_customer_use(session, promotion, customer_id)


def _count_coupon(session: Session, code: str) -> None:
    changed = session.execute(
        update(CouponRow)
        .where(
            CouponRow.code == code,
            or_(
                CouponRow.max_redemptions.is_(None),
                CouponRow.redemptions < CouponRow.max_redemptions,
            ),
        )
        .values(redemptions=CouponRow.redemptions + 1)
        .execution_options(synchronize_session=False)
    ).rowcount  # type: ignore[attr-defined]
    if not changed:
        raise Conflict(f"coupon {code} has already been used", field="coupons")


def release(session: Session, principal: Principal, order_ref: str) -> int:
    """An order cancelled before it was paid gives back its uses, budget and coupons."""
    require(principal, Permission.PRICING_REDEEM)
    rows = list(
        session.execute(select(Redemption).where(Redemption.order_ref == order_ref)).scalars()
    )
    scope = principal.scope
    if rows and not scope.is_brand:
        own = set(session.execute(select(Location.code).where(_own_locations(scope))).scalars())
        if any(row.location not in own for row in rows):
            rows = []  # another entity's order: as if it did not exist
    if not rows:
        raise NotFound(f"order {order_ref!r} redeemed no promotion", field="order_ref")
    for row in rows:
        session.execute(
            update(PromotionRow)
            .where(PromotionRow.id == row.promotion_id)
            .values(
                uses=PromotionRow.uses - 1,
                budget_spent=PromotionRow.budget_spent - row.discount_minor,
            )
            .execution_options(synchronize_session=False)
        )
        if row.customer_id is not None:
            session.execute(
                update(CustomerUse)
                .where(
                    CustomerUse.promotion_id == row.promotion_id,
                    CustomerUse.customer_id == row.customer_id,
                    CustomerUse.uses > 0,
                )
                .values(uses=CustomerUse.uses - 1)
                .execution_options(synchronize_session=False)
            )
        if row.coupon is not None:
            session.execute(
                update(CouponRow)
                .where(CouponRow.code == row.coupon, CouponRow.redemptions > 0)
                .values(redemptions=CouponRow.redemptions - 1)
                .execution_options(synchronize_session=False)
            )
    session.execute(delete(Redemption).where(Redemption.order_ref == order_ref))
    released = [r.promotion_id for r in rows]
    emit(session, "promotions.released", {"order_ref": order_ref, "promotions": released})
    return len(rows)


# -- promotions ---------------------------------------------------------------------------------


def _require_manage(principal: Principal) -> None:
    require(principal, Permission.PRICING_MANAGE)
    if not principal.scope.is_brand:
        raise Forbidden(
            "only a brand-wide user or key can change the brand's prices and promotions"
        )


def _check_references(session: Session, promotion: Promotion) -> None:
    """Channels, locations, SKUs and categories a promotion names must exist."""
    c = promotion.conditions
    checks = (
        ("channels", c.channels, Channel.code),
        ("locations", c.locations, Location.code),
        ("skus", c.skus, Product.sku),
        ("categories", c.categories, Category.code),
    )
    for name, values, column in checks:
        if values is None:
            continue
        found = set(session.execute(select(column).where(column.in_(values))).scalars())
        if missing := sorted(values - found):
            raise InvalidInput(
                f"unknown {name[:-1] if name != 'categories' else 'category'} {missing[0]!r}"
                + (f" and {len(missing) - 1} more" if len(missing) > 1 else ""),
                field=f"conditions.{name}",
            )
    action = promotion.action
    components = getattr(action, "components", None)
    if components:
        wanted = set().union(*components)
        found = set(session.execute(select(Product.sku).where(Product.sku.in_(wanted))).scalars())
        if missing := sorted(wanted - found):
            raise InvalidInput(f"unknown sku {missing[0]!r}", field="action.components")


def _promotion_row_values(promotion: Promotion) -> dict[str, Any]:
    return {
        "name": promotion.name,
        "definition": codec.promotion_to_dict(promotion),
        "starts_at": promotion.starts_at,
        "ends_at": promotion.ends_at,
        "max_uses": promotion.max_uses,
        "budget": promotion.budget,
    }


def create_promotion(session: Session, principal: Principal, data: dict[str, Any]) -> PromotionRow:
    _require_manage(principal)
    promotion = codec.promotion_from_dict(data)
    _check_references(session, promotion)
    if session.get(PromotionRow, promotion.id) is not None:
        raise Conflict(f"a promotion with id {promotion.id!r} exists", field="id")
    row = PromotionRow(
        id=promotion.id, updated_by=principal.name, **_promotion_row_values(promotion)
    )
    session.add(row)
    session.flush()
    _bump(session)
    emit(session, "promotion.created", row.definition)
    return row


def update_promotion(
    session: Session, principal: Principal, promotion_id: str, data: dict[str, Any]
) -> PromotionRow:
    """Replace a promotion's definition; its counts and coupons stay."""
    _require_manage(principal)
    row = get_promotion(session, principal, promotion_id)
    if data.get("id", promotion_id) != promotion_id:
        raise InvalidInput("the id of a promotion cannot change", field="id")
    promotion = codec.promotion_from_dict({**data, "id": promotion_id})
    _check_references(session, promotion)
    for key, value in _promotion_row_values(promotion).items():
        setattr(row, key, value)
    row.updated_by = principal.name
    session.flush()
    _bump(session)
    emit(session, "promotion.updated", row.definition)
    return row


def set_promotion_status(
    session: Session, principal: Principal, promotion_id: str, status: str
) -> PromotionRow:
    _require_manage(principal)
    row = get_promotion(session, principal, promotion_id)
    row.status = status
    row.updated_by = principal.name
    session.flush()
    _bump(session)
    emit(session, "promotion.updated", {**row.definition, "status": status})
    return row


def get_promotion(session: Session, principal: Principal, promotion_id: str) -> PromotionRow:
    require(principal, Permission.PRICING_READ)
    row = session.get(PromotionRow, promotion_id)
    if row is None:
        raise NotFound(f"no promotion {promotion_id!r}", field="promotion_id")
    return row


def list_promotions(
    session: Session, principal: Principal, status: str | None = None, limit: int = 100,
    offset: int = 0,
) -> list[PromotionRow]:  # fmt: skip
    require(principal, Permission.PRICING_READ)
    query = select(PromotionRow).order_by(PromotionRow.id).limit(limit).offset(offset)
    if status is not None:
        query = query.where(PromotionRow.status == status)
    return list(session.execute(query).scalars())


def promotion_payload(session: Session, row: PromotionRow) -> dict[str, Any]:
    coupons = session.execute(
        select(func.count()).select_from(CouponRow).where(CouponRow.promotion_id == row.id)
    ).scalar_one()
    return {
        "id": row.id, "name": row.name, "status": row.status, "definition": row.definition,
        "uses": row.uses, "budget_spent": row.budget_spent, "coupons": coupons,
        "updated_at": row.updated_at,
    }  # fmt: skip


# -- coupons ------------------------------------------------------------------------------------


def add_coupons(
    session: Session, principal: Principal, promotion_id: str, data: schemas.CouponsIn
) -> tuple[str, list[str]]:
    """One chosen code, or `count` random ones (none already taken), written in bulk."""
    _require_manage(principal)
    row = get_promotion(session, principal, promotion_id)
    if not row.definition.get("requires_coupon"):
        raise InvalidInput(
            "this promotion applies without a coupon; set requires_coupon first",
            field="promotion_id",
        )
    for name in ("valid_from", "valid_until"):
        value = getattr(data, name)
        if value is not None and value.utcoffset() is None:
            raise InvalidInput("a date must carry its time zone", field=name)
    if data.valid_from and data.valid_until and data.valid_until <= data.valid_from:
        raise InvalidInput("ends before it starts", field="valid_until")
    batch = new_id("cpb")
    if data.code is not None:
        code = normalise_code(data.code)
        if session.get(CouponRow, code) is not None:
            raise Conflict(f"coupon {code} exists", field="code")
        codes = [code]
    else:
        codes = _fresh_codes(session, data.count or 0, data.prefix, data.length)
    values = {
        "promotion_id": row.id, "valid_from": data.valid_from, "valid_until": data.valid_until,
        "max_redemptions": data.max_redemptions, "customer_id": data.customer_id,
        "redemptions": 0, "batch": batch, "created_at": utcnow(),
    }  # fmt: skip
    for start in range(0, len(codes), 5_000):
        session.execute(
            insert(CouponRow), [{"code": c, **values} for c in codes[start : start + 5_000]]
        )
    emit(session, "coupons.created", {"promotion_id": row.id, "batch": batch, "count": len(codes)})
    return batch, codes


def _fresh_codes(session: Session, count: int, prefix: str, length: int) -> list[str]:
    head = f"{normalise_code(prefix)}-" if prefix else ""
    pick = secrets.SystemRandom().choices
    codes: set[str] = set()
    while len(codes) < count:
        wanted = count - len(codes)
        new = {head + "".join(pick(CODE_ALPHABET, k=length)) for _ in range(wanted)} - codes
        for start in range(0, len(new), 5_000):
            chunk = list(new)[start : start + 5_000]
            new -= set(
                session.execute(select(CouponRow.code).where(CouponRow.code.in_(chunk))).scalars()
            )
        codes |= new
    return sorted(codes)


def list_coupons(
    session: Session, principal: Principal, promotion_id: str, limit: int, offset: int,
    batch: str | None = None,
) -> list[CouponRow]:  # fmt: skip
    """A promotion's coupons by code; `batch` keeps those generated together."""
    require(principal, Permission.PRICING_MANAGE)
    get_promotion(session, principal, promotion_id)
    query = select(CouponRow).where(CouponRow.promotion_id == promotion_id)
    if batch is not None:
        query = query.where(CouponRow.batch == batch)
    return list(
        session.execute(query.order_by(CouponRow.code).limit(limit).offset(offset)).scalars()
    )


# -- prices and policies ------------------------------------------------------------------------


def _policy_of(session: Session, entity_id: str) -> FranchisePolicy | None:
    row = session.execute(
        select(PricePolicy).where(PricePolicy.entity_id == entity_id)
    ).scalar_one_or_none()
    if row is None:
        return None
    band = Decimal(row.band_percent) if row.band_percent is not None else None
    return FranchisePolicy(entity_id, row.mode, band)  # type: ignore[arg-type]


def set_prices(
    session: Session, principal: Principal, rows: Sequence[schemas.PriceIn]
) -> list[PriceRow]:
    """New price rows. Each closes the open row of the same list, SKU, currency, channel,
    location and segment that started before it, so the history stays. A franchisee sets its
    own locations' prices only, and within its price policy."""
    require(principal, Permission.PRICING_WRITE)
    brand_wide = principal.scope.is_brand and principal.has(Permission.PRICING_MANAGE)
    now = utcnow()
    gtins = {}
    for i, row in enumerate(rows):
        if row.gtin is not None:
            try:
                gtins[i] = catalog_rules.normalise_gtin(row.gtin)
            except ValueError as exc:
                raise InvalidInput(str(exc), field=f"[{i}].gtin") from exc
        for name in ("valid_from", "valid_until"):
            value = getattr(row, name)
            if value is not None and value.utcoffset() is None:
                raise InvalidInput("a date must carry its time zone", field=f"[{i}].{name}")
    found = []  # by chunks (a statement takes at most 65 535 parameters), SKUs then GTINs
    for column, keys in (
        (Product.sku, {r.sku for r in rows if r.sku}),
        (Product.gtin, set(gtins.values())),
    ):
        keys_list = sorted(keys)
        for start in range(0, len(keys_list), 5_000):
            chunk = keys_list[start : start + 5_000]
            found += session.execute(
                select(Product.sku, Product.gtin).where(column.in_(chunk))
            ).all()
    known_skus = {r.sku for r in found}
    sku_of_gtin = {r.gtin: r.sku for r in found if r.gtin}
    channels = set(session.execute(select(Channel.code)).scalars())
    wanted_locations = {r.location for r in rows if r.location}
    locations = {
        r.code: r
        for r in session.execute(
            select(Location.code, Location.id, Location.owner_entity_id).where(
                Location.code.in_(wanted_locations)
            )
        )
    }
    values = []
    for i, row in enumerate(rows):
        sku = sku_of_gtin.get(gtins[i]) if i in gtins else row.sku
        if sku is None or sku not in known_skus:
            name = "gtin" if i in gtins else "sku"
            raise InvalidInput(
                f"no product with {name} {getattr(row, name)!r}", field=f"[{i}].{name}"
            )
        if row.channel is not None and row.channel not in channels:
            raise InvalidInput(f"unknown channel {row.channel!r}", field=f"[{i}].channel")
        location = locations.get(row.location) if row.location else None
        if row.location and location is None:
            raise InvalidInput(f"unknown location {row.location!r}", field=f"[{i}].location")
        if not brand_wide:
            _check_own_price(session, principal, i, row, sku, location)
        start = row.valid_from or now
        if row.valid_until is not None and row.valid_until <= start:
            raise InvalidInput("ends before it starts", field=f"[{i}].valid_until")
        values.append({
            "id": new_id("prc"), "price_list": row.price_list, "sku": sku,
            "amount_minor": row.amount, "currency": row.currency.upper(), "channel": row.channel,
            "location": row.location, "segment": row.segment, "valid_from": start,
            "valid_until": row.valid_until, "set_by": principal.name, "created_at": now,
        })  # fmt: skip
    _close_open_rows(session, values)
    for start_index in range(0, len(values), 5_000):
        session.execute(insert(PriceRow), values[start_index : start_index + 5_000])
    ids = [v["id"] for v in values]
    if len(ids) <= 1_000:
        out = list(session.execute(select(PriceRow).where(PriceRow.id.in_(ids))).scalars())
        return sorted(out, key=lambda r: ids.index(r.id))
    return []


def _key(v: Mapping[str, Any]) -> tuple[Any, ...]:
    return (v["price_list"], v["sku"], v["currency"], v["channel"], v["location"], v["segment"])


def _close_open_rows(session: Session, values: list[dict[str, Any]]) -> None:
    if not values:
        return
    skus = {v["sku"] for v in values}
    open_rows: dict[tuple[Any, ...], list[Any]] = {}
    for start in range(0, len(skus), 5_000):
        chunk = list(skus)[start : start + 5_000]
        for r in session.execute(
            select(PriceRow.id, PriceRow.price_list, PriceRow.sku, PriceRow.currency,
                   PriceRow.channel, PriceRow.location, PriceRow.segment, PriceRow.valid_from)
            .where(PriceRow.sku.in_(chunk), PriceRow.valid_until.is_(None))
        ):  # fmt: skip
            open_rows.setdefault(_key(r._mapping), []).append(r)
    closing = []
    for v in values:
        for r in open_rows.get(_key(v), ()):
            if r.valid_from is None or r.valid_from < v["valid_from"]:
                closing.append({"row_id": r.id, "until": v["valid_from"]})
    if closing:
        table = PriceRow.__table__
        session.execute(
            update(table)
            .where(table.c.id == bindparam("row_id"))
            .values(valid_until=bindparam("until")),
            closing,
        )


def _check_own_price(
    session: Session, principal: Principal, i: int, row: schemas.PriceIn, sku: str, location: Any
) -> None:
    scope = principal.scope
    if location is None or not (
        location.owner_entity_id == scope.entity_id or location.id in (scope.location_ids or ())
    ):
        raise Forbidden("a franchisee sets the prices of its own locations only",
                        field=f"[{i}].location")  # fmt: skip
    policy = _policy_of(session, location.owner_entity_id) or FranchisePolicy(
        location.owner_entity_id, "locked"
    )
    at = row.valid_from or utcnow()
    brand_rows = _price_rows(session, {sku}, row.currency, at, row.channel or "", None)
    try:
        brand = PriceBook(brand_rows).resolve(sku, PriceContext(at, row.currency, row.channel))
    except PriceNotFound as exc:
        raise InvalidInput(f"{sku} has no brand price to compare with", field=f"[{i}].sku") from exc
    check = check_franchise_price(policy, brand.amount, row.amount)
    if not check.allowed:
        limit = "no change" if check.limit_percent == 0 else f"± {check.limit_percent} %"
        raise InvalidInput(
            f"{row.amount} is {check.deviation_percent} % from the brand price {brand.amount}; "
            f"your price policy allows {limit}",
            field=f"[{i}].amount",
        )


def list_prices(
    session: Session, principal: Principal, sku: str | None, location: str | None,
    at: datetime | None, limit: int, offset: int,
) -> list[PriceRow]:  # fmt: skip
    require(principal, Permission.PRICING_READ)
    query = select(PriceRow).order_by(PriceRow.sku, PriceRow.valid_from.desc(), PriceRow.id)
    if sku is not None:
        query = query.where(PriceRow.sku == sku)
    if location is not None:
        query = query.where(PriceRow.location == location)
    if at is not None:
        query = query.where(
            or_(PriceRow.valid_from.is_(None), PriceRow.valid_from <= at),
            or_(PriceRow.valid_until.is_(None), PriceRow.valid_until > at),
        )
    scope = principal.scope
    if not scope.is_brand:
        own = select(Location.code).where(_own_locations(scope))
        query = query.where(or_(PriceRow.location.is_(None), PriceRow.location.in_(own)))
    return list(session.execute(query.limit(limit).offset(offset)).scalars())


@dataclass(frozen=True, slots=True)
class PricePlace:
    """Where a price is asked for: a channel, and a store on it (None: the channel at large)."""

    channel: str
    location: str | None = None


@dataclass(frozen=True, slots=True)
class PriceSheet:
    """One product's prices: every row the reader may see, newest first within each key, and
    the price each place gets at `at` (None where no row applies)."""

    sku: str
    at: datetime
    rows: tuple[PriceRow, ...]
    effective: tuple[tuple[PricePlace, ResolvedPrice | None], ...]


def find_sku(session: Session, text: str) -> str | None:
    """The master SKU a person typed, or the one of the GTIN they typed."""
    text = text.strip()
    if not text:
        return None
    if session.execute(select(Product.sku).where(Product.sku == text)).first() is not None:
        return text
    gtin = catalog_rules.gtin_or_none(text)
    if gtin is None:
        return None
    return session.execute(select(Product.sku).where(Product.gtin == gtin)).scalar_one_or_none()


def price_sheet(
    session: Session, principal: Principal, sku: str, places: Sequence[PricePlace],
    at: datetime, currency: str = "EUR",
) -> PriceSheet:  # fmt: skip
    rows = list_prices(session, principal, sku, None, None, 10_000, 0)  # newest first
    # grouped by key, the newest first within each (a stable sort keeps that order)
    rows.sort(key=lambda r: (r.price_list, r.channel or "", r.location or "", r.segment or ""))
    book = PriceBook(_price(row) for row in rows if row.currency == currency)
    effective = []
    for place in places:
        try:
            resolved = book.resolve(sku, PriceContext(at, currency, place.channel, place.location))
        except PriceNotFound:
            resolved = None
        effective.append((place, resolved))
    return PriceSheet(sku, at, tuple(rows), tuple(effective))


def set_policy(
    session: Session, principal: Principal, entity_code: str, data: schemas.PolicyIn
) -> dict[str, Any]:
    _require_manage(principal)
    entity = session.execute(select(Entity).where(Entity.code == entity_code)).scalar_one_or_none()
    if entity is None:
        raise NotFound(f"no entity {entity_code!r}", field="entity")
    if entity.kind != "franchisee":
        raise InvalidInput(f"{entity_code} is a {entity.kind}; price policies are for franchisees",
                           field="entity")  # fmt: skip
    FranchisePolicy(entity.id, data.mode, data.band_percent)  # checks the band
    row = session.execute(
        select(PricePolicy).where(PricePolicy.entity_id == entity.id)
    ).scalar_one_or_none()
    if row is None:
        row = PricePolicy(entity_id=entity.id, mode=data.mode)
        session.add(row)
    row.mode = data.mode
    row.band_percent = str(data.band_percent) if data.band_percent is not None else None
    session.flush()
    payload = _policy_payload(entity, row)
    emit(session, "price_policy.updated", {**payload, "band_percent": row.band_percent},
         entity_id=entity.id)  # fmt: skip
    return payload


def _policy_payload(entity: Entity, row: PricePolicy) -> dict[str, Any]:
    return {
        "entity": entity.code,
        "entity_name": entity.name,
        "mode": row.mode,
        "band_percent": Decimal(row.band_percent) if row.band_percent is not None else None,
    }


def list_policies(session: Session, principal: Principal) -> list[dict[str, Any]]:
    require(principal, Permission.PRICING_READ)
    query = select(Entity, PricePolicy).join(PricePolicy, PricePolicy.entity_id == Entity.id)
    if not principal.scope.is_brand:
        query = query.where(Entity.id == principal.scope.entity_id)
    return [_policy_payload(e, p) for e, p in session.execute(query.order_by(Entity.code))]


__all__ = [
    "PROMOTIONS", "PricePlace", "PriceSheet", "PricedQuote", "add_coupons", "check_promotion",
    "create_promotion", "find_sku", "get_promotion", "list_coupons", "list_policies",
    "list_prices", "list_promotions", "price_quote", "price_sheet", "promotion_payload",
    "quote_payload", "redeem", "release", "set_policy", "set_prices", "set_promotion_status",
    "update_promotion", "with_draft",
]  # fmt: skip


# -- price consistency audit --------------------------------------------------------------------


def price_audit(
    session: Session, principal: Principal, *, channel: str, currency: str, at: datetime | None
) -> audit.PriceAudit:
    """Which franchised stores show a price outside their policy, by how much, since when:
    the audit rule over the whole history of the audited stores' rows and the brand's rows of
    the same SKUs. A franchisee's key sees its own stores."""
    require(principal, Permission.PRICING_READ)
    scope = principal.scope
    query = (
        select(Location.code, Location.id, Entity.code.label("entity"), PricePolicy)
        .join(Entity, Entity.id == Location.owner_entity_id)
        .join(PricePolicy, PricePolicy.entity_id == Entity.id)
    )
    if not scope.is_brand:
        query = query.where(_own_locations(scope))
    policies = {
        row.code: FranchisePolicy(
            row.entity,
            row.PricePolicy.mode,  # type: ignore[arg-type]
            Decimal(row.PricePolicy.band_percent) if row.PricePolicy.band_percent else None,
        )
        for row in session.execute(query)
    }
    rows: list[Price] = []
    for start in range(0, len(policies), 1_000):
        codes = list(policies)[start : start + 1_000]
        rows += [
            _price(r)
            for r in session.execute(select(*_PRICE_COLUMNS).where(PriceRow.location.in_(codes)))
        ]
    skus = sorted({row.sku for row in rows})
    for start in range(0, len(skus), 5_000):
        chunk = skus[start : start + 5_000]
        rows += [
            _price(r)
            for r in session.execute(
                select(*_PRICE_COLUMNS).where(PriceRow.location.is_(None), PriceRow.sku.in_(chunk))
            )
        ]
    return audit.audit_prices(rows, policies, channel=channel, currency=currency, at=at or utcnow())

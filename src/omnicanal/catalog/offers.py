"""Use cases of marketplace offers: a seller sets its offer for a product; a product's offers
are listed with the featured one (the buy box, `catalog/buybox.py`) and why.

A seller's key sets and sees its own offer only; the buy box figures (prices) are what the
marketplace shows anyway, but which other seller holds the box is not said to a seller."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from omnicanal.catalog import buybox, schemas
from omnicanal.catalog.models import Offer
from omnicanal.catalog.rules import ProductStatus
from omnicanal.catalog.service import get_product, reader_of
from omnicanal.errors import Conflict, Forbidden, InvalidInput
from omnicanal.events import emit
from omnicanal.network import service as network_service
from omnicanal.network.rules import EntityKind
from omnicanal.security.permissions import Permission, Principal, require

if TYPE_CHECKING:
    from omnicanal.network.models import Entity

# The brand sells its own offers through its head office or its web shop.
BRAND_SELLER_KINDS = frozenset({EntityKind.HQ.value, EntityKind.WEB_SHOP.value})
THIRD_PARTY_SELLER_KINDS = frozenset({EntityKind.MARKETPLACE_SELLER.value})


class ProductNotActive(InvalidInput):
    code = "product_not_active"


def _seller(session: Session, principal: Principal, code: str | None) -> Entity:
    """The seller making the offer: the principal's own entity, or (brand-wide) any seller."""
    reachable = network_service.reachable_entities(session, principal)
    if code is None:
        if reachable is None or len(reachable) != 1:
            raise InvalidInput("say which seller makes the offer", field="seller")
        entity = network_service.get_entity(session, reader_of(principal), next(iter(reachable)))
    else:
        found = network_service.get_entity_by_code(session, code)
        if found is None or (reachable is not None and found.id not in reachable):
            # The same answer as for a seller that does not exist: do not reveal others.
            raise InvalidInput(f"unknown seller {code!r}", field="seller")
        entity = found
    if entity.kind not in BRAND_SELLER_KINDS | THIRD_PARTY_SELLER_KINDS:
        raise InvalidInput(
            f"{entity.code!r} is a {entity.kind}; offers are made by the brand (hq, web_shop) "
            "or a marketplace_seller",
            field="seller",
        )
    if not entity.active:
        raise InvalidInput(f"seller {entity.code!r} is inactive", field="seller")
    return entity


def set_offer(
    session: Session,
    principal: Principal,
    product_id: str,
    data: schemas.OfferIn,
    tolerance_percent: Decimal,
) -> schemas.ProductOffersOut:
    """Create or replace the seller's offer for the product (one per seller and product)."""
    product = get_product(session, principal, product_id)
    require(principal, Permission.CATALOG_WRITE)
    seller = _seller(session, principal, data.seller)
    # A draft is not on sale yet and a discontinued product no more; an offer already there
    # can still be withdrawn (`active: false`), which is what a seller does when it ends.
    if data.active and product.status != ProductStatus.ACTIVE.value:
        raise ProductNotActive(
            f"product {product.sku} is {product.status}: only an active product takes an "
            "active offer (an existing offer can be withdrawn with active: false)",
            field="product_id",
            product_status=product.status,
        )
    fields = data.model_fields_set
    if "seller_rating" in fields and not (
        principal.scope.is_brand and principal.has(Permission.CATALOG_MANAGE)
    ):
        raise Forbidden("a seller's rating is set by the brand", field="seller_rating")
    offers = _offers_of(session, product.id)
    mine = next((o for o in offers if o.seller_entity_id == seller.id), None)
    others = {o.currency for o in offers if o is not mine}
    if others and data.currency not in others:
        raise InvalidInput(
            f"the product's other offers are in {', '.join(sorted(others))}; "
            f"an offer in {data.currency} cannot be compared with them",
            field="currency",
        )
    if mine is None:
        mine = _first_offer(session, product.id, seller, data)
    mine.is_brand = seller.kind in BRAND_SELLER_KINDS
    mine.price_minor = data.price_minor
    mine.currency = data.currency
    mine.shipping_minor = data.shipping_minor
    mine.stock_quantity = data.stock_quantity
    mine.delivery_days = data.delivery_days
    mine.active = data.active
    if "seller_rating" in fields:
        rating = data.seller_rating
        mine.rating_tenths = None if rating is None else int(rating * 10)
    session.flush()
    emit(
        session,
        "offer.updated",
        {"product_id": product.id, "sku": product.sku, **_offer_payload(mine)},
        entity_id=seller.id,
    )
    return list_offers(session, principal, product.id, tolerance_percent)


def _first_offer(session: Session, product_id: str, seller: Entity, data: schemas.OfferIn) -> Offer:
    """The seller's offer row, written now unless a concurrent first write of the same seller
    for the same product has just written it. Both meet on the unique key (product, seller):
    `ON CONFLICT DO NOTHING` waits for the other transaction and then leaves its row, which
    this request updates as any later PUT would, instead of failing on the constraint."""
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    session.execute(
        insert(Offer)
        .values(
            product_id=product_id,
            seller_entity_id=seller.id,
            seller=seller.code,
            is_brand=seller.kind in BRAND_SELLER_KINDS,
            price_minor=data.price_minor,
            currency=data.currency,
            stock_quantity=data.stock_quantity,
            delivery_days=data.delivery_days,
        )
        .on_conflict_do_nothing(index_elements=["product_id", "seller_entity_id"])
    )
    return session.scalars(
        select(Offer)
        .where(Offer.product_id == product_id, Offer.seller_entity_id == seller.id)
        .with_for_update()
    ).one()


def _offers_of(session: Session, product_id: str) -> list[Offer]:
    return list(
        session.scalars(select(Offer).where(Offer.product_id == product_id).order_by(Offer.id))
    )


def _candidate(offer: Offer) -> buybox.Offer:
    return buybox.Offer(
        offer_id=offer.id,
        is_brand=offer.is_brand,
        price_minor=offer.price_minor,
        currency=offer.currency,
        stock=offer.stock_quantity,
        delivery_days=offer.delivery_days,
        rating_tenths=offer.rating_tenths,
        shipping_minor=offer.shipping_minor,
        active=offer.active,
    )


def _offer_payload(offer: Offer) -> dict[str, object]:
    return {
        "offer_id": offer.id,
        "seller": offer.seller,
        "price_minor": offer.price_minor,
        "currency": offer.currency,
        "shipping_minor": offer.shipping_minor,
        "stock_quantity": offer.stock_quantity,
        "delivery_days": offer.delivery_days,
        "active": offer.active,
    }


def list_offers(
    session: Session, principal: Principal, product_id: str, tolerance_percent: Decimal
) -> schemas.ProductOffersOut:
    """The product's offers the principal may see, the featured one marked, and why."""
    product = get_product(session, principal, product_id)
    offers = _offers_of(session, product.id)
    try:
        box = buybox.select_buy_box([_candidate(o) for o in offers], tolerance_percent)
    except buybox.MixedCurrencies as exc:  # refused on write; kept for rows older than that
        raise Conflict(str(exc), field="currency") from None
    reachable = network_service.reachable_entities(session, principal)
    visible = [o for o in offers if reachable is None or o.seller_entity_id in reachable]
    seen = {o.id for o in visible}
    rows = [
        schemas.OfferOut(
            id=o.id,
            product_id=o.product_id,
            seller=o.seller,
            seller_entity_id=o.seller_entity_id,
            is_brand=o.is_brand,
            price_minor=o.price_minor,
            currency=o.currency,
            shipping_minor=o.shipping_minor,
            landed_minor=o.price_minor + o.shipping_minor,
            stock_quantity=o.stock_quantity,
            delivery_days=o.delivery_days,
            seller_rating=None if o.rating_tenths is None else Decimal(o.rating_tenths) / 10,
            active=o.active,
            featured=o.id == box.winner_id,
            excluded_because=box.excluded.get(o.id),
            created_at=o.created_at,
            updated_at=o.updated_at,
        )
        for o in visible
    ]
    rows.sort(key=lambda row: (not row.featured, row.landed_minor, row.id))
    return schemas.ProductOffersOut(
        product_id=product.id,
        sku=product.sku,
        offers=rows,
        buy_box=schemas.BuyBoxOut(
            featured_offer_id=box.winner_id if box.winner_id in seen else None,
            reason=box.reason.value,
            currency=box.currency,
            featured_landed_minor=box.winner_landed_minor,
            runner_up_landed_minor=box.runner_up_landed_minor,
            best_third_party_landed_minor=box.best_third_party_landed_minor,
            brand_landed_minor=box.brand_landed_minor,
            brand_ceiling_minor=box.brand_ceiling_minor,
            tolerance_percent=box.tolerance_percent,
        ),
    )

"""Tables of the catalog: categories, master products and the terms they are searched by,
local code mappings, assortment, marketplace offers."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Float, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from omnicanal.db import Base, TimestampMixin, id_column


class Category(TimestampMixin, Base):
    __tablename__ = "catalog_categories"

    id: Mapped[str] = id_column("cat")
    code: Mapped[str] = mapped_column(String(64), unique=True)
    parent_id: Mapped[str | None] = mapped_column(
        ForeignKey("catalog_categories.id"), default=None, index=True
    )
    name_fr: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str | None] = mapped_column(String(200), default=None)


class Product(TimestampMixin, Base):
    """A master product. A model (`parent_id` None, `variant_axes` such as size and colour)
    has variants whose `attributes` give their value on each axis."""

    __tablename__ = "catalog_products"

    id: Mapped[str] = id_column("prd")
    sku: Mapped[str] = mapped_column(String(64), unique=True)
    # GS1 asks for GTINs to be stored in a 14-digit field: GTIN-8, -12 and -13 zero-padded.
    gtin: Mapped[str | None] = mapped_column(String(14), unique=True, default=None)
    brand: Mapped[str | None] = mapped_column(String(120), default=None, index=True)
    category_id: Mapped[str | None] = mapped_column(
        ForeignKey("catalog_categories.id"), default=None, index=True
    )
    parent_id: Mapped[str | None] = mapped_column(
        ForeignKey("catalog_products.id"), default=None, index=True
    )
    name_fr: Mapped[str] = mapped_column(String(300))
    name_en: Mapped[str | None] = mapped_column(String(300), default=None)
    description_fr: Mapped[str | None] = mapped_column(Text, default=None)
    description_en: Mapped[str | None] = mapped_column(Text, default=None)
    attributes: Mapped[dict[str, Any]] = mapped_column(default=dict)
    variant_axes: Mapped[list[Any]] = mapped_column(default=list)
    status: Mapped[str] = mapped_column(String(16), default="active", index=True)


class ProductTerm(Base):
    """A word or a code a product is found by (`catalog.search`), written with the product:
    the search reads the terms beginning with what was typed through the index."""

    __tablename__ = "catalog_product_terms"
    # A product's own terms, to check the words after the first among the products it found.
    __table_args__ = (Index("ix_catalog_product_terms_product", "product_id", "kind", "term"),)

    kind: Mapped[str] = mapped_column(String(1), primary_key=True)  # w: word, c: code
    term: Mapped[str] = mapped_column(String(64), primary_key=True)
    product_id: Mapped[str] = mapped_column(ForeignKey("catalog_products.id"), primary_key=True)


class SearchWord(Base):
    """A word of the catalog (of `ProductTerm`'s words), once: what a typed word is compared
    with when it may be a typo. Kept when no product says it any more: it then matches none."""

    __tablename__ = "catalog_search_words"

    word: Mapped[str] = mapped_column(String(64), primary_key=True)
    tail: Mapped[str] = mapped_column(String(63), index=True)  # the word but its first letter


class ProductCode(TimestampMixin, Base):
    """A code that an entity (franchisee, store system, seller) or a system uses for a product:
    how it was mapped to a master SKU, or why it waits for a person."""

    __tablename__ = "catalog_product_codes"
    __table_args__ = (UniqueConstraint("owner", "code", name="uq_catalog_product_codes"),)

    id: Mapped[str] = id_column("pcd")
    owner: Mapped[str] = mapped_column(String(64))  # an entity code, or a system's name
    owner_entity_id: Mapped[str | None] = mapped_column(
        ForeignKey("entities.id"), default=None, index=True
    )
    code: Mapped[str] = mapped_column(String(64))
    product_id: Mapped[str | None] = mapped_column(
        ForeignKey("catalog_products.id"), default=None, index=True
    )
    status: Mapped[str] = mapped_column(String(16), index=True)  # mapped|pending_review|rejected
    method: Mapped[str | None] = mapped_column(String(16), default=None)  # gtin|scored|manual
    score: Mapped[float | None] = mapped_column(Float, default=None)
    reason: Mapped[str | None] = mapped_column(String(300), default=None)
    # What the owner sent: its label, GTIN, brand, category, price; and the suggestions.
    line: Mapped[dict[str, Any]] = mapped_column(default=dict)
    candidates: Mapped[list[Any]] = mapped_column(default=list)
    decided_by: Mapped[str | None] = mapped_column(String(80), default=None)
    decided_at: Mapped[datetime | None] = mapped_column(default=None)


class Assortment(TimestampMixin, Base):
    """A product sold on a channel or at a location (exactly one of the two)."""

    __tablename__ = "catalog_assortment"
    __table_args__ = (
        UniqueConstraint("product_id", "channel_id", name="uq_catalog_assortment_channel"),
        UniqueConstraint("product_id", "location_id", name="uq_catalog_assortment_location"),
    )

    id: Mapped[str] = id_column("ast")
    product_id: Mapped[str] = mapped_column(ForeignKey("catalog_products.id"), index=True)
    channel_id: Mapped[str | None] = mapped_column(
        ForeignKey("channels.id"), default=None, index=True
    )
    location_id: Mapped[str | None] = mapped_column(
        ForeignKey("locations.id"), default=None, index=True
    )


class Offer(TimestampMixin, Base):
    """A seller's marketplace offer for a master product: the brand's own (an HQ or web-shop
    entity) or a third-party marketplace seller's. One per seller and product."""

    __tablename__ = "catalog_offers"
    __table_args__ = (
        UniqueConstraint("product_id", "seller_entity_id", name="uq_catalog_offers_seller"),
    )

    id: Mapped[str] = id_column("ofr")
    product_id: Mapped[str] = mapped_column(ForeignKey("catalog_products.id"), index=True)
    seller_entity_id: Mapped[str] = mapped_column(ForeignKey("entities.id"), index=True)
    seller: Mapped[str] = mapped_column(String(64))  # the entity's code, as ProductCode.owner
    is_brand: Mapped[bool]
    price_minor: Mapped[int]
    currency: Mapped[str] = mapped_column(String(3))
    shipping_minor: Mapped[int] = mapped_column(default=0)
    stock_quantity: Mapped[int]
    delivery_days: Mapped[int]
    # The seller's rating in tenths of a star (0 to 50); None until the brand rates it.
    rating_tenths: Mapped[int | None] = mapped_column(default=None)
    active: Mapped[bool] = mapped_column(default=True)

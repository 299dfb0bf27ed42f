"""What the catalog pages show, shaped from the catalog's objects: a product's attributes in
words, what an owner sent about a local code beside each candidate product and how their
fields compare, and the readable message of a refused decision."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from omnicanal.catalog.mapping import FieldCheck
from omnicanal.catalog.models import Product, ProductCode
from omnicanal.errors import DomainError, Forbidden, InvalidInput, NotFound
from omnicanal.web.i18n import N_

# Attributes of the simulated brand's and the usual product files, in words; any other is
# shown under its own name, as the file gave it.
ATTRIBUTE_LABELS: dict[str, str] = {
    "colour": N_("Colour"),
    "color": N_("Colour"),
    "couleur": N_("Colour"),
    "size": N_("Size"),
    "taille": N_("Size"),
    "material": N_("Material"),
}
PRICE_ATTRIBUTES = ("base_price_cents", "price_minor")
COMPARED_FIELDS = ("label", "gtin", "brand", "category", "price")


@dataclass(frozen=True)
class Attribute:
    name: str  # the attribute's key as stored
    label: str | None  # English label to translate, or None to show `name`
    value: Any


def list_price(product: Product, default_currency: str) -> tuple[int | None, str]:
    """The brand's list price kept among the product's attributes, in minor units."""
    attributes = product.attributes or {}
    for key in PRICE_ATTRIBUTES:
        value = str(attributes.get(key) or "")
        if value.isdigit():
            return int(value), str(attributes.get("currency") or default_currency)
    return None, default_currency


def attributes(product: Product) -> list[Attribute]:
    """The product's attributes but its list price (shown apart), known ones first."""
    values = product.attributes or {}
    hidden = {*PRICE_ATTRIBUTES, "currency"}
    known = [k for k in values if k in ATTRIBUTE_LABELS]
    others = sorted(k for k in values if k not in ATTRIBUTE_LABELS and k not in hidden)
    return [
        Attribute(k, ATTRIBUTE_LABELS.get(k), values[k])
        for k in (*known, *others)
        if values[k] not in (None, "")
    ]


@dataclass(frozen=True)
class SentLine:
    """What the owner's own system sent about a code."""

    label: str | None
    gtin: str | None
    brand: str | None
    category: str | None
    price_minor: int | None
    currency: str
    attributes: list[tuple[str, Any]]

    @property
    def empty(self) -> bool:
        values = (self.label, self.gtin, self.brand, self.category, self.price_minor)
        return all(v in (None, "") for v in values) and not self.attributes


def sent_line(code: ProductCode, default_currency: str) -> SentLine:
    line = code.line or {}
    return SentLine(
        label=line.get("name"),
        gtin=line.get("gtin"),
        brand=line.get("brand"),
        category=line.get("category"),
        price_minor=line.get("price_minor"),
        currency=line.get("currency") or default_currency,
        attributes=sorted((line.get("attributes") or {}).items()),
    )


@dataclass(frozen=True)
class CandidateView:
    product: Product
    score: float | None
    checks: dict[str, FieldCheck]  # by field: label, gtin, brand, category, price
    price_minor: int | None
    currency: str

    @property
    def agreeing(self) -> int:
        return sum(1 for c in self.checks.values() if c.state == "agrees")


def candidate_views(
    found: Sequence[tuple[Product, float | None, list[FieldCheck]]], default_currency: str
) -> list[CandidateView]:
    views = []
    for product, score, checks in found:
        price, currency = list_price(product, default_currency)
        views.append(CandidateView(product, score, {c.field: c for c in checks}, price, currency))
    return views


# --- refused decisions -----------------------------------------------------------------------

REFUSALS: dict[tuple[type[DomainError], str | None], str] = {
    (NotFound, "code_id"): N_("This code is not among those you can see."),
    (NotFound, "product_id"): N_("No product %(id)s in the catalog."),
    (InvalidInput, "sku"): N_("No product has the SKU or GTIN “%(id)s”."),
}
FORBIDDEN = N_("Your role does not allow this action.")
REFUSED = N_("The action could not be done: %(detail)s")


def refusal(exc: DomainError, ids: Mapping[str, str]) -> tuple[str, dict[str, str]]:
    """The message (English, marked for translation) and its parameters for a refused
    decision; `ids` gives what the user entered for each field a service may name."""
    if isinstance(exc, Forbidden):
        return FORBIDDEN, {}
    for (kind, field), text in REFUSALS.items():
        if isinstance(exc, kind) and exc.field == field:
            return text, {"id": ids.get(field or "", "")}
    return REFUSED, {"detail": exc.detail}

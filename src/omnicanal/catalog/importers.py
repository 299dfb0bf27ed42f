"""Import rows of the catalog: `omnicanal import products FILE` (master products, matched on
their SKU) and `omnicanal import product_codes FILE --owner ENTITY` (an owner's product file,
mapped to master SKUs automatically or queued for review)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from omnicanal.catalog import schemas, service
from omnicanal.errors import InvalidInput
from omnicanal.imports.service import BatchImporter, Outcome, register_importer
from omnicanal.security.permissions import Principal

PRODUCT_FIELDS = set(schemas.ProductCreate.model_fields) | {"name", "category", "parent_sku"}
LINE_FIELDS = set(schemas.ProductLineIn.model_fields)


def _product_row(session: Session, row: dict[str, Any]) -> schemas.ProductCreate:
    row = {k: v for k, v in row.items() if v is not None and k != ""}
    # Columns the catalog does not know are the product's attributes (size, colour, ...).
    attributes = dict(row.pop("attributes", None) or {})
    for key in sorted(set(row) - PRODUCT_FIELDS):
        attributes[key] = row.pop(key)
    if "name" in row:
        row.setdefault("name_fr", row.pop("name"))
    category = row.pop("category", None)
    if category and "category_id" not in row:
        try:
            row["category_id"] = service.ensure_category_path(session, str(category)).id
        except ValueError as exc:
            raise InvalidInput(str(exc), field="category") from None
    parent_sku = row.pop("parent_sku", None)
    if parent_sku and "parent_id" not in row:
        parent = service.get_product_by_sku(session, str(parent_sku))
        if parent is None:
            raise InvalidInput(f"unknown parent SKU {parent_sku!r}", field="parent_sku")
        row["parent_id"] = parent.id
    return schemas.ProductCreate.model_validate({**row, "attributes": attributes})


def import_product(session: Session, principal: Principal, row: dict[str, Any]) -> Outcome:
    _, created = service.upsert_product(session, principal, _product_row(session, row))
    return "created" if created else "updated"


def validate_line(row: dict[str, Any]) -> schemas.ProductLineIn:
    row = {k: v for k, v in row.items() if v is not None and k != ""}
    attributes = dict(row.pop("attributes", None) or {})
    for key in sorted(set(row) - LINE_FIELDS):
        attributes[key] = row.pop(key)
    return schemas.ProductLineIn.model_validate({**row, "attributes": attributes})


def import_product_code(session: Session, principal: Principal, row: dict[str, Any]) -> Outcome:
    _, created, _ = service.submit_lines(session, principal, [validate_line(row)])
    return "created" if created else "updated"


def write_product_codes(
    session: Session, principal: Principal, lines: list[schemas.ProductLineIn]
) -> tuple[int, int]:
    return service.store_lines(session, principal, lines)


register_importer("products", import_product)
register_importer(
    "product_codes", import_product_code, BatchImporter(validate_line, write_product_codes)
)

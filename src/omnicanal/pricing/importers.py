"""Import price rows: `omnicanal import prices FILE`, a batch at a time through
`pricing.service.set_prices` (each change closes the row it replaces, so history stays).

A row names its product by `sku`, `gtin`, or an owner's local `code` (with `owner`, or
`--owner`), translated through the catalog's code mapping: a code not mapped yet is rejected
with the reason and kept in the error report, and the code waits in the review queue."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from omnicanal.catalog import service as catalog_service
from omnicanal.catalog.schemas import parse_price_minor
from omnicanal.errors import InvalidInput
from omnicanal.imports.service import BatchImporter, Outcome, register_importer
from omnicanal.pricing import schemas, service
from omnicanal.security.permissions import Principal


@dataclass(frozen=True, slots=True)
class PriceLine:
    price: dict[str, Any]  # PriceIn fields, with sku or gtin or neither (a local code)
    owner: str | None = None
    code: str | None = None


def validate_price(row: dict[str, Any]) -> PriceLine:
    row = {k: v for k, v in row.items() if v not in (None, "") and k != ""}
    if "price" in row and "amount" not in row:
        try:
            row["amount"] = parse_price_minor(row.pop("price"))
        except ValueError as exc:
            raise InvalidInput(str(exc), field="price") from None
    code, owner = row.pop("code", None), row.pop("owner", None)
    unknown = sorted(set(row) - set(schemas.PriceIn.model_fields))
    if unknown:
        raise InvalidInput(f"unknown column {unknown[0]!r}", field=unknown[0])
    if code is not None:
        if "sku" in row or "gtin" in row:
            raise InvalidInput("name the product by sku, gtin or code, one of them", field="code")
        # checked now with a stand-in SKU, translated when the batch is written
        schemas.PriceIn.model_validate({**row, "sku": "-"})
        return PriceLine(row, owner, str(code))
    schemas.PriceIn.model_validate(row)
    return PriceLine(row)


def _resolved(session: Session, principal: Principal, lines: list[PriceLine]) -> list[Any]:
    by_owner: dict[str | None, list[str]] = {}
    for line in lines:
        if line.code is not None:
            by_owner.setdefault(line.owner, []).append(line.code)
    skus: dict[tuple[str | None, str], str | None] = {}
    for owner, codes in by_owner.items():
        for t in catalog_service.translate_codes(session, principal, owner, codes):
            skus[(owner, t.code)] = t.sku
    out = []
    for line in lines:
        values = dict(line.price)
        if line.code is not None:
            sku = skus[(line.owner, line.code)]
            if sku is None:
                raise InvalidInput(
                    f"local code {line.code!r} is not mapped to a product yet", field="code"
                )
            values["sku"] = sku
        out.append(schemas.PriceIn.model_validate(values))
    return out


def write_prices(session: Session, principal: Principal, lines: list[PriceLine]) -> tuple[int, int]:
    service.set_prices(session, principal, _resolved(session, principal, lines))
    return len(lines), 0


def import_price(session: Session, principal: Principal, row: dict[str, Any]) -> Outcome:
    write_prices(session, principal, [validate_price(row)])
    return "created"


register_importer("prices", import_price, BatchImporter(validate_price, write_prices))

"""Stock files: `omnicanal import stock_counts | stock_movements | stock_transfers FILE`, a batch
at a time through `inventory.service` (each movement applied once, so a file imported twice
changes nothing the second time).

- stock_counts: `location_code, sku, quantity, counted_at` — each row counts its SKU at that
  instant (the movements stamped after it are added back on top); a whole location's count
  that also zeroes the SKUs it does not name goes through `POST /inventory/.../counts`.
- stock_movements: `movement_id, location_code, sku, quantity, kind, occurred_at` and an
  optional `reference`; `reason` may stand for `kind` with the words of shipping systems
  (shipment, ship_from_store, click_and_collect: sales; click_and_collect_expired: back in).
- stock_transfers: `transfer_id, from_location, to_location, sku, quantity, shipped_at,
  received_at` — out of one location when shipped, into the other when received.

A row may name its product by a local `code` (of the location's owner) instead of `sku`; a
code not mapped yet is rejected with the reason and kept for `omnicanal import replay`, and
waits in the code-mapping queue."""

from __future__ import annotations

from datetime import datetime
from itertools import groupby
from typing import Any

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field
from sqlalchemy.orm import Session

from omnicanal.errors import InvalidInput
from omnicanal.imports.service import BatchImporter, register_importer
from omnicanal.inventory import rules, service
from omnicanal.security.permissions import Principal

# A batch holds the movements of many locations, each location's applied together (its lock,
# its positions, its log): larger batches, fewer round trips per location.
BATCH = 5_000

# what shipping and till systems call their movements, as movement kinds
REASONS = {
    "shipment": "sale", "ship_from_store": "sale", "click_and_collect": "sale",
    "click_and_collect_expired": "transfer_in", "sold": "sale", "returned": "return",
}  # fmt: skip


class _Row(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    location_code: str = Field(min_length=1, max_length=64)
    sku: str | None = Field(default=None, min_length=1, max_length=64)
    code: str | None = Field(default=None, min_length=1, max_length=64)
    quantity: int


class CountRow(_Row):
    quantity: int = Field(ge=0)
    counted_at: AwareDatetime


class MovementRow(_Row):
    movement_id: str = Field(min_length=1, max_length=120)
    kind: str
    occurred_at: AwareDatetime
    reference: str | None = Field(default=None, max_length=120)
    supplier: str | None = Field(default=None, max_length=200)


class TransferRow(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    transfer_id: str = Field(min_length=1, max_length=110)
    from_location: str = Field(min_length=1, max_length=64)
    to_location: str = Field(min_length=1, max_length=64)
    sku: str | None = Field(default=None, min_length=1, max_length=64)
    code: str | None = Field(default=None, min_length=1, max_length=64)
    quantity: int = Field(ge=1)
    shipped_at: AwareDatetime
    received_at: AwareDatetime


def _clean(row: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in row.items() if v not in (None, "") and k != ""}


def _one_product(row: dict[str, Any]) -> None:
    if ("sku" in row) == ("code" in row):
        raise InvalidInput("name the product by sku or by code, one of them", field="sku")


def validate_count(row: dict[str, Any]) -> CountRow:
    row = _clean(row)
    _one_product(row)
    return CountRow.model_validate(row)


def validate_movement(row: dict[str, Any]) -> tuple[rules.Movement, str | None, str | None]:
    row = _clean(row)
    if "kind" not in row and "reason" in row:
        reason = str(row.pop("reason"))
        row["kind"] = REASONS.get(reason, reason)
    _one_product(row)
    parsed = MovementRow.model_validate(row)
    movement = rules.Movement(
        parsed.movement_id, parsed.location_code, parsed.sku or f"\0{parsed.code}",
        parsed.quantity, parsed.kind, parsed.occurred_at,  # type: ignore[arg-type]
    )  # fmt: skip
    return movement, parsed.reference or parsed.supplier, parsed.code


def validate_transfer(row: dict[str, Any]) -> TransferRow:
    row = _clean(row)
    _one_product(row)
    parsed = TransferRow.model_validate(row)
    if parsed.received_at < parsed.shipped_at:
        raise InvalidInput("a transfer is received after it is shipped", field="received_at")
    if parsed.from_location == parsed.to_location:
        raise InvalidInput("a transfer goes to another location", field="to_location")
    return parsed


def _translate(
    session: Session, principal: Principal, wanted: list[tuple[str, str]]
) -> dict[tuple[str, str], str]:
    """(location, local code) -> master SKU; a code not mapped yet is refused."""
    out = {}
    for (location, code), sku in service.master_skus(session, principal, wanted).items():
        if sku is None:
            raise InvalidInput(f"local code {code!r} is not mapped to a product yet", field="code")
        out[(location, code)] = sku
    return out


def write_counts(session: Session, principal: Principal, rows: list[CountRow]) -> tuple[int, int]:
    skus = _translate(session, principal, [(r.location_code, r.code) for r in rows if r.code])

    def key(r: CountRow) -> tuple[str, datetime]:
        return r.location_code, r.counted_at

    for (location, counted_at), group in groupby(sorted(rows, key=key), key=key):
        quantities: dict[str, int] = {}
        for r in group:
            sku = r.sku or skus[(location, r.code)]  # type: ignore[index]
            quantities[sku] = quantities.get(sku, 0) + r.quantity
        snapshot = rules.Snapshot(location, counted_at, quantities, full=False)
        service.record_count(session, principal, snapshot)
    return len(rows), 0


Validated = tuple[rules.Movement, str | None, str | None]


def write_movements(
    session: Session, principal: Principal, rows: list[Validated]
) -> tuple[int, int]:
    codes = [(m.location, code) for m, _, code in rows if code]
    skus = _translate(session, principal, codes)
    by_location: dict[str, list[Validated]] = {}
    for row in rows:
        by_location.setdefault(row[0].location, []).append(row)
    created = 0
    for location, group in by_location.items():
        movements = [
            m if code is None else rules.Movement(
                m.id, m.location, skus[(location, code)], m.quantity, m.kind, m.at
            )
            for m, _, code in group
        ]  # fmt: skip
        references = {m.id: ref for m, ref, _ in group if ref}
        result = service.record_movements(session, principal, location, movements, references)
        created += result.applied + result.already_counted
    return created, len(rows) - created


def write_transfers(
    session: Session, principal: Principal, rows: list[TransferRow]
) -> tuple[int, int]:
    movements: list[Validated] = []
    for r in rows:
        product = {"sku": r.sku} if r.sku else {"code": r.code}
        for kind, location, at, sign in (
            ("transfer_out", r.from_location, r.shipped_at, -1),
            ("transfer_in", r.to_location, r.received_at, 1),
        ):
            movements.append(validate_movement({
                "movement_id": f"{r.transfer_id}:{kind}", "location_code": location,
                "quantity": sign * r.quantity, "kind": kind, "occurred_at": at.isoformat(),
                "reference": r.transfer_id, **product,
            }))  # fmt: skip
    created, _ = write_movements(session, principal, movements)
    return created // 2, len(rows) - created // 2


register_importer("stock_counts", batch=BatchImporter(validate_count, write_counts, BATCH))
register_importer("stock_movements",
                  batch=BatchImporter(validate_movement, write_movements, BATCH))  # fmt: skip
register_importer("stock_transfers",
                  batch=BatchImporter(validate_transfer, write_transfers, BATCH))  # fmt: skip

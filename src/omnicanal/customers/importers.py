"""Import rows of customer records: `omnicanal import customers FILE [--source NAME]`."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from omnicanal.customers import service
from omnicanal.customers.schemas import RecordIn
from omnicanal.errors import InvalidInput
from omnicanal.imports.service import BatchImporter, Outcome, register_importer
from omnicanal.security.permissions import Principal


def validate_customer(row: dict[str, Any]) -> RecordIn:
    row = {k: v for k, v in row.items() if v is not None and k != ""}
    if not row.get("source"):
        raise InvalidInput("no source: pass --source or give a `source` column", field="source")
    return RecordIn.model_validate(row)


def import_customer(session: Session, principal: Principal, row: dict[str, Any]) -> Outcome:
    result = service.intake(session, principal, [validate_customer(row)], attach=False)
    return "created" if result.created else "updated"


def write_customers(
    session: Session, principal: Principal, records: list[RecordIn]
) -> tuple[int, int]:
    # Imported files are resolved by the batch run (`omnicanal customers resolve`), which
    # trains the model on everything received; the API attaches records one by one.
    result = service.intake(session, principal, records, attach=False)
    return result.created, result.updated


register_importer("customers", import_customer, BatchImporter(validate_customer, write_customers))

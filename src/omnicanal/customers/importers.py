"""Import rows of customer records: `omnicanal import customers FILE [--source NAME]`."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from omnicanal.customers import service
from omnicanal.customers.schemas import RecordIn
from omnicanal.errors import InvalidInput
from omnicanal.imports.service import Outcome, register_importer
from omnicanal.security.permissions import Principal


def import_customer(session: Session, principal: Principal, row: dict[str, Any]) -> Outcome:
    row = {k: v for k, v in row.items() if v is not None and k != ""}
    if not row.get("source"):
        raise InvalidInput("no source: pass --source or give a `source` column", field="source")
    result = service.intake(session, principal, [RecordIn.model_validate(row)])
    return "created" if result.created else "updated"


register_importer("customers", import_customer)

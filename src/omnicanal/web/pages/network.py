"""The network page: the stores and warehouses the signed-in user may see, with filters."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse

from omnicanal.network import schemas as network_schemas
from omnicanal.network import service as network_service
from omnicanal.network.rules import Capability, LocationKind
from omnicanal.security.permissions import Permission, Principal
from omnicanal.web.auth import requires
from omnicanal.web.templating import render

router = APIRouter()

STATUSES = ("active", "inactive")


@dataclass(frozen=True)
class LocationFilterForm:
    """The filter form as the user filled it; values that mean nothing are dropped, not errors."""

    q: str = ""
    kind: str = ""
    capability: str = ""
    city: str = ""
    entity: str = ""
    status: str = ""

    @classmethod
    def from_query(cls, params: Mapping[str, str]) -> LocationFilterForm:
        def text(name: str, limit: int = 120) -> str:
            return (params.get(name) or "").strip()[:limit]

        def choice(name: str, allowed: set[str]) -> str:
            value = text(name)
            return value if value in allowed else ""

        return cls(
            q=text("q"),
            kind=choice("kind", {k.value for k in LocationKind}),
            capability=choice("capability", {c.value for c in Capability}),
            city=text("city"),
            entity=text("entity", 40),
            status=choice("status", set(STATUSES)),
        )

    @property
    def is_empty(self) -> bool:
        return not any((self.q, self.kind, self.capability, self.city, self.entity, self.status))

    def to_filter(self) -> network_schemas.LocationFilter:
        return network_schemas.LocationFilter(
            q=self.q or None,
            kind=LocationKind(self.kind) if self.kind else None,
            capability=Capability(self.capability) if self.capability else None,
            city=self.city or None,
            entity_id=self.entity or None,
            active=(self.status == "active") if self.status else None,
        )


@router.get("/network", response_class=HTMLResponse)
def network_page(
    request: Request,
    principal: Annotated[Principal, Depends(requires(Permission.NETWORK_READ))],
) -> HTMLResponse:
    db = request.state.db
    form = LocationFilterForm.from_query(request.query_params)
    visible = network_service.list_locations(db, principal)
    shown = (
        visible
        if form.is_empty
        else network_service.list_locations(db, principal, form.to_filter())
    )
    owners = {loc.owner_entity_id for loc in visible}
    entities = [e for e in network_service.list_entities(db, principal) if e.id in owners]
    context = {
        "form": form,
        "locations": shown,
        "total": len(visible),
        "store_count": sum(loc.kind == LocationKind.STORE for loc in shown),
        "warehouse_count": sum(loc.kind == LocationKind.WAREHOUSE for loc in shown),
        "entities": entities,
        "entity_names": {e.id: e.name for e in entities},
        "cities": sorted({loc.city for loc in visible if loc.city}, key=str.casefold),
        "kinds": [k.value for k in LocationKind],
        "capabilities": [c.value for c in Capability],
        "statuses": STATUSES,
    }
    return render(request, "network.html", context)

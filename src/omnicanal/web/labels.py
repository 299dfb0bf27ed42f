"""Human names of the codes the pages show (roles, location kinds, capabilities), translated."""

from __future__ import annotations

from omnicanal.network.rules import Capability, LocationKind
from omnicanal.security.permissions import Role
from omnicanal.web.i18n import N_, gettext

ROLE_LABELS: dict[str, str] = {
    Role.ADMIN: N_("Administrator"),
    Role.HQ_ANALYST: N_("Head-office analyst"),
    Role.PRICING_MANAGER: N_("Pricing manager"),
    Role.STORE_MANAGER: N_("Store manager"),
    Role.STORE_STAFF: N_("Store staff"),
    Role.ADVISOR: N_("Customer advisor"),
    Role.FRANCHISEE: N_("Franchisee"),
    Role.FINANCE: N_("Finance"),
}

LOCATION_KIND_LABELS: dict[str, str] = {
    LocationKind.STORE: N_("Store"),
    LocationKind.WAREHOUSE: N_("Warehouse"),
}

CAPABILITY_LABELS: dict[str, str] = {
    Capability.CLICK_AND_COLLECT: N_("Click & collect"),
    Capability.SHIP_FROM_STORE: N_("Ship from store"),
    Capability.RETURNS: N_("Returns"),
    Capability.HOME_DELIVERY: N_("Home delivery"),
    Capability.RESERVE_IN_STORE: N_("Reserve in store"),
}


def _label(labels: dict[str, str], code: str | None) -> str:
    if code is None:
        return ""
    message = labels.get(code)
    # An unknown code (added to a domain before the pages) is shown as is rather than hidden.
    return gettext(message) if message else code


def role_label(code: str | None) -> str:
    return _label(ROLE_LABELS, code)


def location_kind_label(code: str | None) -> str:
    return _label(LOCATION_KIND_LABELS, code)


def capability_label(code: str | None) -> str:
    return _label(CAPABILITY_LABELS, code)

"""The back-office menu: which sections a principal may open. Pure: a principal in, items out."""

from __future__ import annotations

from dataclasses import dataclass

from omnicanal.security.permissions import Permission, Principal
from omnicanal.web.i18n import N_


@dataclass(frozen=True)
class MenuItem:
    key: str
    label: str  # English source text, translated where it is shown
    path: str
    permission: Permission


# Only pages that exist are listed. A domain's pages join the menu with the permission its
# users hold (pricing:read for the pricing manager, settlement:read for finance, ...).
MENU: tuple[MenuItem, ...] = (
    MenuItem("network", N_("Network"), "/network", Permission.NETWORK_READ),
    MenuItem("customers", N_("Customers"), "/customers", Permission.CUSTOMERS_READ),
    MenuItem("reviews", N_("Review queue"), "/customers/reviews", Permission.CUSTOMERS_MANAGE),
    MenuItem("catalog", N_("Catalog"), "/catalog", Permission.CATALOG_READ),
    # Those who send codes (franchisees) follow their mapping; catalog:manage decides it.
    MenuItem("codes", N_("Product codes"), "/catalog/codes", Permission.CATALOG_WRITE),
    MenuItem("promotions", N_("Promotions"), "/pricing/promotions", Permission.PRICING_READ),
    MenuItem("prices", N_("Prices"), "/pricing/prices", Permission.PRICING_READ),
    MenuItem("price_audit", N_("Price audit"), "/pricing/audit", Permission.PRICING_READ),
    MenuItem("store_stock", N_("Stock"), "/store/stock", Permission.INVENTORY_READ),
    MenuItem("pickups", N_("Click & collect"), "/store/pickups", Permission.ORDERS_FULFIL),
    MenuItem("returns", N_("Returns desk"), "/store/returns", Permission.ORDERS_FULFIL),
    MenuItem("api_keys", N_("API keys"), "/admin/api-keys", Permission.APIKEYS_MANAGE),
    MenuItem("users", N_("Users"), "/admin/users", Permission.USERS_MANAGE),
)


def menu_for(principal: Principal) -> list[MenuItem]:
    return [item for item in MENU if principal.has(item.permission)]


def current_section(menu: list[MenuItem], path: str) -> str | None:
    """The key of the item whose path is the longest prefix of `path`: the review queue
    (/customers/reviews) rather than the customers (/customers)."""
    matching = [
        item for item in menu if path == item.path or path.startswith(item.path.rstrip("/") + "/")
    ]
    return max(matching, key=lambda item: len(item.path)).key if matching else None

"""Roles, permissions and scopes: who may do what, and on which part of the brand. Pure rules."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum

from omnicanal.errors import Forbidden


class Permission(StrEnum):
    NETWORK_READ = "network:read"
    NETWORK_WRITE = "network:write"
    ENTITIES_WRITE = "entities:write"
    USERS_MANAGE = "users:manage"
    APIKEYS_MANAGE = "apikeys:manage"
    WEBHOOKS_MANAGE = "webhooks:manage"
    EVENTS_READ = "events:read"
    CUSTOMERS_READ = "customers:read"
    CUSTOMERS_WRITE = "customers:write"
    # Brand-wide stewardship of the referential: resolution runs, merges and splits, reviews,
    # GDPR export and erasure.
    CUSTOMERS_MANAGE = "customers:manage"
    CATALOG_READ = "catalog:read"
    # Send one's own product codes and settle how they map (a franchisee, a store system).
    CATALOG_WRITE = "catalog:write"
    # The brand's referential: master products, categories, assortment, every owner's codes.
    CATALOG_MANAGE = "catalog:manage"
    # Quotes, prices, promotions and the price audit as they stand.
    PRICING_READ = "pricing:read"
    # Set one's own locations' prices (a franchisee, within its price policy).
    PRICING_WRITE = "pricing:write"
    # The brand's price lists, promotions, coupons and franchise price policies.
    PRICING_MANAGE = "pricing:manage"
    # Commit a quote's promotions and coupons to an order (a till, the web shop, an advisor).
    PRICING_REDEEM = "pricing:redeem"
    # Stock as each location's visibility policy shows it, and availability.
    INVENTORY_READ = "inventory:read"
    # Feed one's own locations' stock (counts, movements) and hold units for orders.
    INVENTORY_WRITE = "inventory:write"
    # Every location's stock settings: visibility policy, preparation time, delivery terms.
    INVENTORY_MANAGE = "inventory:manage"
    # Carts, orders and returns as they stand.
    ORDERS_READ = "orders:read"
    # Keep carts and place orders for customers (the web shop, the app, an advisor, a till).
    ORDERS_WRITE = "orders:write"
    # Move an order's fulfilment along and take returns, at one's own locations.
    ORDERS_FULFIL = "orders:fulfil"


class Role(StrEnum):
    ADMIN = "admin"
    HQ_ANALYST = "hq_analyst"
    PRICING_MANAGER = "pricing_manager"
    STORE_MANAGER = "store_manager"
    STORE_STAFF = "store_staff"
    ADVISOR = "advisor"
    FRANCHISEE = "franchisee"
    FINANCE = "finance"


ALL_PERMISSIONS = frozenset(Permission)

ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.ADMIN: ALL_PERMISSIONS,
    Role.HQ_ANALYST: frozenset(
        {
            Permission.NETWORK_READ,
            Permission.EVENTS_READ,
            Permission.CUSTOMERS_READ,
            Permission.CATALOG_READ,
            Permission.PRICING_READ,
            Permission.INVENTORY_READ,
            Permission.ORDERS_READ,
        }
    ),
    Role.PRICING_MANAGER: frozenset(
        {
            Permission.NETWORK_READ,
            Permission.CATALOG_READ,
            Permission.CATALOG_WRITE,
            Permission.CATALOG_MANAGE,
            Permission.PRICING_READ,
            Permission.PRICING_WRITE,
            Permission.PRICING_MANAGE,
            Permission.PRICING_REDEEM,
            Permission.INVENTORY_READ,
        }
    ),
    Role.STORE_MANAGER: frozenset(
        {
            Permission.NETWORK_READ,
            Permission.NETWORK_WRITE,
            Permission.CUSTOMERS_READ,
            Permission.CUSTOMERS_WRITE,
            Permission.CATALOG_READ,
            Permission.PRICING_READ,
            Permission.PRICING_REDEEM,
            Permission.INVENTORY_READ,
            Permission.INVENTORY_WRITE,
            Permission.ORDERS_READ,
            Permission.ORDERS_WRITE,
            Permission.ORDERS_FULFIL,
        }
    ),
    Role.STORE_STAFF: frozenset(
        {
            Permission.NETWORK_READ,
            Permission.CUSTOMERS_READ,
            Permission.CUSTOMERS_WRITE,
            Permission.CATALOG_READ,
            Permission.PRICING_READ,
            Permission.PRICING_REDEEM,
            Permission.INVENTORY_READ,
            Permission.INVENTORY_WRITE,
            Permission.ORDERS_READ,
            Permission.ORDERS_WRITE,
            Permission.ORDERS_FULFIL,
        }
    ),
    Role.ADVISOR: frozenset(
        {
            Permission.NETWORK_READ,
            Permission.CUSTOMERS_READ,
            Permission.CUSTOMERS_WRITE,
            Permission.CATALOG_READ,
            Permission.PRICING_READ,
            Permission.PRICING_REDEEM,
            Permission.INVENTORY_READ,
            Permission.ORDERS_READ,
            Permission.ORDERS_WRITE,
        }
    ),
    Role.FRANCHISEE: frozenset(
        {
            Permission.NETWORK_READ,
            Permission.NETWORK_WRITE,
            Permission.WEBHOOKS_MANAGE,
            Permission.EVENTS_READ,
            Permission.CUSTOMERS_READ,
            Permission.CUSTOMERS_WRITE,
            Permission.CATALOG_READ,
            Permission.CATALOG_WRITE,
            Permission.PRICING_READ,
            Permission.PRICING_REDEEM,
            Permission.PRICING_WRITE,
            Permission.INVENTORY_READ,
            Permission.INVENTORY_WRITE,
            Permission.ORDERS_READ,
            Permission.ORDERS_WRITE,
            Permission.ORDERS_FULFIL,
        }
    ),
    Role.FINANCE: frozenset(
        {
            Permission.NETWORK_READ,
            Permission.EVENTS_READ,
            Permission.CATALOG_READ,
            Permission.PRICING_READ,
            Permission.INVENTORY_READ,
            Permission.ORDERS_READ,
        }
    ),
}


@dataclass(frozen=True)
class Scope:
    """The part of the brand a principal reaches: everything, one entity, or given locations."""

    entity_id: str | None = None
    location_ids: frozenset[str] | None = None

    @property
    def is_brand(self) -> bool:
        return self.entity_id is None and self.location_ids is None

    def describe(self) -> str:
        if self.is_brand:
            return "brand"
        if self.entity_id is not None:
            return f"entity:{self.entity_id}"
        return "locations:" + ",".join(sorted(self.location_ids or ()))


BRAND = Scope()


@dataclass(frozen=True)
class Principal:
    """Whoever makes a request: a back-office user or a client system's API key."""

    kind: str  # "user" or "api_key"
    id: str
    name: str
    permissions: frozenset[Permission]
    scope: Scope = BRAND
    role: Role | None = None
    extra: dict[str, str] = field(default_factory=dict)

    def has(self, permission: Permission) -> bool:
        return permission in self.permissions


def validate_scope(entity_id: str | None, location_ids: Iterable[str] | None) -> Scope:
    if entity_id is not None and location_ids is not None:
        raise ValueError("a scope is either one entity or a list of locations, not both")
    if location_ids is not None:
        ids = frozenset(location_ids)
        if not ids:
            raise ValueError("a location scope needs at least one location")
        return Scope(location_ids=ids)
    return Scope(entity_id=entity_id)


def can_reach_location(scope: Scope, location_id: str, owner_entity_id: str) -> bool:
    if scope.is_brand:
        return True
    if scope.entity_id is not None:
        return owner_entity_id == scope.entity_id
    return location_id in (scope.location_ids or frozenset())


def can_reach_entity(scope: Scope, entity_id: str, entities_of_scope_locations: set[str]) -> bool:
    """Location-scoped principals see the entities that own their locations, nothing else."""
    if scope.is_brand:
        return True
    if scope.entity_id is not None:
        return entity_id == scope.entity_id
    return entity_id in entities_of_scope_locations


def scope_within(inner: Scope, outer: Scope, location_owners: dict[str, str]) -> bool:
    """Whether `inner` is no wider than `outer`; `location_owners` maps location id to entity id."""
    if outer.is_brand:
        return True
    if inner.is_brand:
        return False
    if outer.entity_id is not None:
        if inner.entity_id is not None:
            return inner.entity_id == outer.entity_id
        return all(location_owners.get(loc) == outer.entity_id for loc in inner.location_ids or ())
    if inner.entity_id is not None:
        return False
    return (inner.location_ids or frozenset()) <= (outer.location_ids or frozenset())


def grantable(requested: Iterable[str], holder: frozenset[Permission]) -> frozenset[Permission]:
    """Permissions a holder may hand to a new key: only known ones it holds itself."""
    wanted: set[Permission] = set()
    for name in requested:
        try:
            permission = Permission(name)
        except ValueError as exc:
            raise ValueError(f"unknown permission {name!r}") from exc
        if permission not in holder:
            raise PermissionError(f"cannot grant {name!r}: not held")
        wanted.add(permission)
    return frozenset(wanted)


def require(principal: Principal, permission: Permission) -> None:
    if not principal.has(permission):
        raise Forbidden(f"this action needs the {permission.value!r} permission")

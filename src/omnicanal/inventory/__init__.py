"""Stock per location and SKU: counts and movements applied once each, available-to-promise,
reservations with expiry, what each viewer may see of a location's stock, and availability with
the promise of each location. Pure rules for now: the tables, the service and the API call
them with data.

What other domains may use:
- `LocationStock`, `StockPosition`, `Movement`, `Snapshot`, `apply_movements`,
  `apply_snapshot`: a location's stock as its system reports it, idempotently;
- `reserve`, `release`, `consume`, `expire_reservations`, `Reservation`, `OutOfStock`: holding
  units for an order, never beyond available-to-promise;
- `VisibilityPolicy`, `Viewer`, `shown_stock`: the exact figure, a band or nothing;
- `Site`, `Point`, `DeliveryTerms`, `OpeningHours`, `availability`, `promise`,
  `delivery_date`, `distance_km`, `shipping_rank`: where a cart is available and what each
  location promises.
"""

from omnicanal.inventory.availability import (
    Availability,
    DeliveryPromise,
    DeliveryTerms,
    HomeDelivery,
    InvalidAvailability,
    LocationAvailability,
    Point,
    Promise,
    ReadyAt,
    ReadyIn,
    Site,
    availability,
    cart_quantities,
    collect_promise,
    delivery_date,
    distance_km,
    promise,
    shipping_rank,
)
from omnicanal.inventory.hours import InvalidHours, OpeningHours
from omnicanal.inventory.rules import (
    InvalidStock,
    LocationStock,
    Movement,
    MovementKind,
    MovementOutcome,
    MovementsApplied,
    OutOfStock,
    Reservation,
    ReservationNotActive,
    Snapshot,
    SnapshotApplied,
    StockChange,
    StockPosition,
    apply_movements,
    apply_snapshot,
    available_to_promise,
    consume,
    expire_reservations,
    release,
    reserve,
    set_safety_stock,
)
from omnicanal.inventory.visibility import (
    BANDS_ONLY_POLICY,
    OWN_STORE_POLICY,
    PUBLIC,
    Audience,
    InvalidVisibility,
    ShownStock,
    Viewer,
    Visibility,
    VisibilityPolicy,
    shown_stock,
)

__all__ = [
    "BANDS_ONLY_POLICY", "OWN_STORE_POLICY", "PUBLIC", "Audience", "Availability",
    "DeliveryPromise", "DeliveryTerms", "HomeDelivery", "InvalidAvailability", "InvalidHours",
    "InvalidStock", "InvalidVisibility", "LocationAvailability", "LocationStock", "Movement",
    "MovementKind", "MovementOutcome", "MovementsApplied", "OpeningHours", "OutOfStock", "Point",
    "Promise", "ReadyAt", "ReadyIn", "Reservation", "ReservationNotActive", "ShownStock", "Site",
    "Snapshot", "SnapshotApplied", "StockChange", "StockPosition", "Viewer", "Visibility",
    "VisibilityPolicy", "apply_movements", "apply_snapshot", "availability",
    "available_to_promise", "cart_quantities", "collect_promise", "consume", "delivery_date",
    "distance_km", "expire_reservations", "promise", "release", "reserve", "set_safety_stock",
    "shipping_rank", "shown_stock",
]  # fmt: skip

"""Orders from any channel, their fulfilment and returns anywhere. The pure rules are named
here; `orders.service` (carts, orders, fulfilment steps, returns) calls them with data from the
tables, and is what other domains and the adapters call.

What other domains may use:
- `ORDER`, `HOME_DELIVERY`, `SHIP_FROM_STORE`, `CLICK_AND_COLLECT` (`StateMachine` tables),
  `transition`, `ForbiddenTransition`: the steps an order and its fulfilments may take;
- `source_home_delivery`, `SourcingPlan`, `Parcel`, `CannotSource`: which locations ship a
  home delivery;
- `plan_return`, `unit_refund`, `last_return_day`, `SoldOrder`, `SoldLine`, `ReturnedLine`,
  `ReturnPolicy`, `ReturnPlan`: what a return refunds, where its units go, and until when.
"""

from omnicanal.orders.returns import (
    InvalidReturn,
    LineRefund,
    NotHandedOver,
    ReturnedLine,
    ReturnPlan,
    ReturnPolicy,
    ReturnsNotAccepted,
    ReturnWindowClosed,
    SoldLine,
    SoldOrder,
    last_return_day,
    plan_return,
    unit_refund,
)
from omnicanal.orders.rules import (
    CLICK_AND_COLLECT,
    FULFILMENTS,
    HANDED_OVER,
    HOME_DELIVERY,
    MACHINES,
    ORDER,
    SHIP_FROM_STORE,
    ForbiddenTransition,
    StateMachine,
    UnknownStatus,
    transition,
)
from omnicanal.orders.sourcing import CannotSource, Parcel, SourcingPlan, source_home_delivery

__all__ = [
    "CLICK_AND_COLLECT", "FULFILMENTS", "HANDED_OVER", "HOME_DELIVERY", "MACHINES", "ORDER",
    "SHIP_FROM_STORE", "CannotSource", "ForbiddenTransition", "InvalidReturn", "LineRefund",
    "NotHandedOver", "Parcel", "ReturnPlan", "ReturnPolicy", "ReturnWindowClosed",
    "ReturnedLine", "ReturnsNotAccepted", "SoldLine", "SoldOrder", "SourcingPlan",
    "StateMachine", "UnknownStatus", "last_return_day", "plan_return", "source_home_delivery",
    "transition", "unit_refund",
]  # fmt: skip

"""The routes of the back-office pages, one module per section."""

from __future__ import annotations

from fastapi import APIRouter

from omnicanal.web.pages import (
    account,
    admin,
    catalog,
    codes,
    customers,
    network,
    price_audit,
    prices,
    promotions,
    reviews,
    store_orders,
    store_stock,
)

router = APIRouter(include_in_schema=False)
# The review queue before the customer pages: /customers/reviews is not a customer's page.
for module in (
    account,
    network,
    reviews,
    customers,
    catalog,
    codes,
    promotions,
    prices,
    price_audit,
    store_stock,
    store_orders,
    admin,
):
    router.include_router(module.router)

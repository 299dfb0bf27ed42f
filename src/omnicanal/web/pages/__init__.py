"""The routes of the back-office pages, one module per section."""

from __future__ import annotations

from fastapi import APIRouter

from omnicanal.web.pages import account, admin, network

router = APIRouter(include_in_schema=False)
for module in (account, network, admin):
    router.include_router(module.router)

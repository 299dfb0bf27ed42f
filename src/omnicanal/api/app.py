"""The ASGI application: API routers under /api/v1, the back-office pages, health checks."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import anyio
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from sqlalchemy import text
from sqlalchemy.engine import Engine
from starlette.middleware.sessions import SessionMiddleware

from omnicanal import __version__
from omnicanal.api.connections import KeepAliveLimitMiddleware
from omnicanal.api.logs import RequestIdMiddleware
from omnicanal.api.problems import install_problem_handlers, problem
from omnicanal.api.uow import UnitOfWorkMiddleware
from omnicanal.config import Settings, get_settings
from omnicanal.db import load_all_models, make_engine, make_sessionmaker

API_PREFIX = "/api/v1"

DESCRIPTION = """
The omnicanal REST API. Authenticate with an API key: `Authorization: Bearer oc_…`.
Errors are RFC 9457 problem details (`application/problem+json`) naming the field at fault.
Writes accept an `Idempotency-Key` header: a retry with the same key and body gets the first
answer without a second write; the same key with another body gets 409.
"""


def create_app(settings: Settings | None = None, engine: Engine | None = None) -> FastAPI:
    settings = settings or get_settings()
    load_all_models()
    engine = engine or make_engine(settings.resolved_database_url)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        workers = []
        if settings.run_dispatcher:
            from omnicanal.events.dispatcher import BackgroundDispatcher
            from omnicanal.inventory.sweeper import BackgroundSweeper

            workers.append(BackgroundDispatcher(app.state.sessionmaker, settings))
            workers.append(
                BackgroundSweeper(app.state.sessionmaker, settings.sweeper_interval_seconds)
            )
            for worker in workers:
                worker.start()
        try:
            yield
        finally:
            for worker in workers:
                worker.stop()

    app = FastAPI(
        title="omnicanal",
        version=__version__,
        description=DESCRIPTION,
        openapi_url="/openapi.json",
        docs_url="/api/docs",
        redoc_url=None,
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.engine = engine
    app.state.sessionmaker = make_sessionmaker(engine)
    app.state.write_lock = anyio.Lock() if engine.dialect.name == "sqlite" else None
    app.state.db_slots = anyio.Semaphore(pool_slots(engine))

    install_problem_handlers(app)
    _include_routers(app)
    _install_health(app)

    from omnicanal import web

    web.install(app, settings)

    # Added last = outermost: the connection's budget, the request id, the cookie session,
    # then one transaction.
    app.add_middleware(UnitOfWorkMiddleware, max_body_bytes=settings.max_body_bytes)
    app.add_middleware(
        SessionMiddleware,
        secret_key=settings.resolved_secret_key(),
        session_cookie="omnicanal_session",
        same_site="lax",
        https_only=settings.secure_cookies,
        max_age=12 * 3600,
    )
    app.add_middleware(RequestIdMiddleware)
    if settings.keepalive_requests:
        app.add_middleware(KeepAliveLimitMiddleware, limit=settings.keepalive_requests)
    return app


def pool_slots(engine: Engine) -> int:
    """How many units of work run at once: as many as the pool keeps connections. An overflow
    connection is opened for one unit and closed at its return (a new PostgreSQL backend each
    time, several milliseconds of CPU on both sides), so requests beyond the kept connections
    wait for one of them instead; the overflow stays for the background workers."""
    size = getattr(engine.pool, "size", None)
    if not callable(size):
        return 64
    return max(1, size())


def _include_routers(app: FastAPI) -> None:
    from omnicanal.catalog.api import router as catalog_router
    from omnicanal.customers.api import router as customers_router
    from omnicanal.customers.consent_api import router as consent_router
    from omnicanal.customers.gdpr_api import router as gdpr_router
    from omnicanal.events.api import router as events_router
    from omnicanal.inventory.api import router as inventory_router
    from omnicanal.network.api import router as network_router
    from omnicanal.orders.api import router as orders_router
    from omnicanal.pricing.api import router as pricing_router
    from omnicanal.security.api import router as security_router

    # Routes are matched in order, a regular expression each: the real-time paths first —
    # every channel's customer records, quotes at each change of a cart, stock at each product
    # page, orders — (the routers' paths do not overlap, so the order changes nothing else).
    for router in (
        customers_router,
        pricing_router,
        inventory_router,
        orders_router,
        consent_router,
        gdpr_router,
        network_router,
        security_router,
        events_router,
        catalog_router,
    ):
        app.include_router(router, prefix=API_PREFIX)


def _install_health(app: FastAPI) -> None:
    @app.get("/healthz", tags=["health"])
    def healthz() -> dict[str, str]:
        return {"status": "ok", "version": __version__}

    @app.get("/readyz", tags=["health"])
    def readyz(request: Request) -> JSONResponse:
        try:
            with request.app.state.engine.connect() as connection:
                connection.execute(text("SELECT 1"))
        except Exception as exc:  # any driver error means not ready
            return problem(
                503, "Not ready", f"database unreachable: {type(exc).__name__}", code="not_ready"
            )
        return JSONResponse({"status": "ready", "database": request.app.state.engine.dialect.name})

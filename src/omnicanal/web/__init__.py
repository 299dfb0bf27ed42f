"""Back-office pages (server-rendered, French and English)."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlencode

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles

from omnicanal.config import Settings

STATIC_DIR = Path(__file__).parent / "static"


def install(app: FastAPI, settings: Settings) -> None:
    """Mount the back-office pages and their static files on `app`."""
    # Imported here: a helper such as omnicanal.web.i18n must not load every page with it.
    from omnicanal.web.auth import LoginRequired, PageForbidden
    from omnicanal.web.csrf import CsrfRejected
    from omnicanal.web.pages import router
    from omnicanal.web.templating import render

    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    app.include_router(router)

    @app.exception_handler(LoginRequired)
    async def _login_required(request: Request, exc: LoginRequired) -> RedirectResponse:
        return RedirectResponse("/login?" + urlencode({"next": exc.next_path}), status_code=303)

    @app.exception_handler(PageForbidden)
    async def _forbidden(request: Request, exc: PageForbidden) -> HTMLResponse:
        return render(request, "error.html", {"reason": "forbidden"}, status_code=403)

    @app.exception_handler(CsrfRejected)
    async def _csrf_rejected(request: Request, exc: CsrfRejected) -> HTMLResponse:
        return render(request, "error.html", {"reason": "csrf"}, status_code=403)

"""Signing in and out, and the choice of language."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from omnicanal.config import SUPPORTED_LOCALES
from omnicanal.security import service as security_service
from omnicanal.web import csrf
from omnicanal.web.auth import (
    LOCALE_KEY,
    USER_ID_KEY,
    USER_LOCALE_KEY,
    LoginRequired,
    current_principal,
    safe_next,
)
from omnicanal.web.templating import render

router = APIRouter()

CsrfChecked = Annotated[None, Depends(csrf.require_csrf)]
NextField = Annotated[str, Form(alias="next")]


def _see_other(path: str) -> RedirectResponse:
    return RedirectResponse(path, status_code=303)


@router.get("/")
def home() -> RedirectResponse:
    return _see_other("/network")


@router.get("/login", response_class=HTMLResponse)
def login_form(
    request: Request, next_path: Annotated[str | None, Query(alias="next")] = None
) -> Response:
    try:
        current_principal(request)
    except LoginRequired:
        context = {"next": safe_next(next_path), "email": "", "failed": False}
        return render(request, "login.html", context)
    return _see_other(safe_next(next_path))


@router.post("/login", response_class=HTMLResponse)
def login(
    request: Request,
    _csrf: CsrfChecked,
    email: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
    next_path: NextField = "",
) -> Response:
    user = security_service.authenticate(request.state.db, email, password)
    if user is None:
        # One answer for an unknown e-mail and a wrong password: no account enumeration.
        context = {"next": safe_next(next_path), "email": email, "failed": True}
        return render(request, "login.html", context, status_code=401)
    chosen_locale = request.session.get(LOCALE_KEY)
    # A fresh session on sign-in: nothing planted before it survives but the language.
    request.session.clear()
    if chosen_locale:
        request.session[LOCALE_KEY] = chosen_locale
    request.session[USER_ID_KEY] = user.id
    if user.locale:
        request.session[USER_LOCALE_KEY] = user.locale
    csrf.rotate(request.session)
    return _see_other(safe_next(next_path))


@router.post("/logout")
def logout(request: Request, _csrf: CsrfChecked) -> RedirectResponse:
    chosen_locale = request.session.get(LOCALE_KEY)
    request.session.clear()
    if chosen_locale:
        request.session[LOCALE_KEY] = chosen_locale
    return _see_other("/login")


@router.post("/lang")
def choose_language(
    request: Request,
    _csrf: CsrfChecked,
    locale: Annotated[str, Form()] = "",
    next_path: NextField = "",
) -> RedirectResponse:
    if locale in SUPPORTED_LOCALES:
        request.session[LOCALE_KEY] = locale
    return _see_other(safe_next(next_path))

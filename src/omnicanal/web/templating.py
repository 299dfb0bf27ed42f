"""The Jinja environment of the pages, shared by every request, and `render` to answer with one."""

from __future__ import annotations

from typing import Any

from babel import Locale
from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from omnicanal.config import SUPPORTED_LOCALES, Settings
from omnicanal.security.permissions import Principal
from omnicanal.web import csrf, flash, formatting, i18n, labels
from omnicanal.web import promotion_views as pricing_views
from omnicanal.web.auth import LOCALE_KEY, USER_LOCALE_KEY
from omnicanal.web.navigation import current_section, menu_for

# No inline script or style, nothing from another origin: a CDN cannot sneak in.
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; "
        "form-action 'self'; base-uri 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
}


def _environment() -> Environment:
    env = Environment(
        loader=PackageLoader("omnicanal.web", "templates"),
        autoescape=select_autoescape(["html"]),
        undefined=StrictUndefined,
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.policies["ext.i18n.trimmed"] = True
    env.install_gettext_callables(  # type: ignore[attr-defined]
        i18n.gettext, i18n.ngettext, newstyle=True
    )
    env.filters.update(
        capability=labels.capability_label,
        location_kind=labels.location_kind_label,
        role=labels.role_label,
        date_time=formatting.date_time,
        number=formatting.number,
        opening_hours=formatting.opening_hours,
        opening_hours_lines=formatting.opening_hours_lines,
        phone=formatting.phone,
        # the customer referential's pages
        customer_field=labels.customer_field_label,
        survivorship_rule=labels.survivorship_rule_label,
        record_source=labels.record_source_label,
        record_flag=labels.record_flag_label,
        gender=labels.gender_label,
        identity_kind=labels.identity_kind_label,
        decision_kind=labels.decision_kind_label,
        consent_purpose=labels.consent_purpose_label,
        consent_channel=labels.consent_channel_label,
        match_level=labels.match_level_label,
        day=formatting.day,
        percent=formatting.percent,
        weight=formatting.weight,
        # the pricing pages
        money=formatting.money,
        # a message that may carry what a user typed: translated when it is one of ours, and
        # escaped like any text (the `_` of the templates marks its result safe)
        tr=i18n.gettext,
        weekday=formatting.weekday,
        promotion_status=lambda code: pricing_views.label(pricing_views.STATUS_LABELS, code),
        action_kind=lambda code: pricing_views.label(pricing_views.ACTION_LABELS, code),
        refusal=lambda code: pricing_views.label(pricing_views.REFUSAL_LABELS, code),
        delivery_method=lambda code: pricing_views.label(pricing_views.DELIVERY_LABELS, code),
        policy_mode=lambda code: pricing_views.label(pricing_views.POLICY_LABELS, code),
        price_match=lambda code: pricing_views.label(pricing_views.PRICE_MATCH_LABELS, code),
        percent_value=pricing_views.percent,
        action_summary=pricing_views.action_summary,
        # the catalog's pages
        localised=formatting.localised,
        product_status=labels.product_status_label,
        code_status=labels.code_status_label,
        code_list=labels.code_list_label,
        mapping_method=labels.mapping_method_label,
        code_field=labels.code_field_label,
        agreement=labels.agreement_label,
        buy_box_reason=labels.buy_box_reason_label,
        offer_exclusion=labels.offer_exclusion_label,
        # the store console
        pickup_status=labels.pickup_status_label,
    )
    return env


environment = _environment()


def _endonym(code: str) -> str:
    name = Locale.parse(code).get_display_name(code) or code
    return name[:1].upper() + name[1:]


LANGUAGES = tuple((code, _endonym(code)) for code in SUPPORTED_LOCALES)


def request_locale(request: Request) -> str:
    settings: Settings = request.app.state.settings
    session = request.session
    return i18n.choose_locale(
        session.get(LOCALE_KEY), session.get(USER_LOCALE_KEY), settings.default_locale
    )


def _here(request: Request) -> str:
    query = request.url.query
    return f"{request.url.path}?{query}" if query else request.url.path


def _base_context(request: Request, locale: str) -> dict[str, Any]:
    principal: Principal | None = getattr(request.state, "principal", None)
    menu = menu_for(principal) if principal is not None else []
    return {
        "locale": locale,
        "languages": LANGUAGES,
        "csrf_token": csrf.session_token(request.session),
        "here": _here(request),
        "principal": principal,
        "menu": menu,
        "section": current_section(menu, request.url.path),
        "flashes": flash.pop_all(request.session),
    }


def render(
    request: Request, template: str, context: dict[str, Any] | None = None, status_code: int = 200
) -> HTMLResponse:
    locale = request_locale(request)
    with i18n.use_locale(locale):
        html = environment.get_template(template).render(
            **_base_context(request, locale), **(context or {})
        )
    return HTMLResponse(html, status_code=status_code, headers=SECURITY_HEADERS)

"""What the promotion pages show of the pricing domain: a promotion's action in a few words
("-20 %", "2nd item at -50 %"), its channels and dates, the labels of statuses, action kinds,
adjustments and refusals, and the places a preview compares. No I/O except `places` and
`product_names`, which read the network and catalog through their services."""

from __future__ import annotations

import copy
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from babel import Locale
from babel.numbers import format_decimal
from sqlalchemy.orm import Session

from omnicanal.catalog import service as catalog_service
from omnicanal.network import service as network_service
from omnicanal.network.models import Channel, Location
from omnicanal.security.permissions import Principal
from omnicanal.web.formatting import money
from omnicanal.web.i18n import N_, current_locale, gettext, ngettext

MINUS = "\u2212"

STATUS_LABELS = {"active": N_("Active"), "paused": N_("Paused"), "archived": N_("Archived")}

ACTION_LABELS = {
    "percent_off": N_("Percent off"),
    "amount_off": N_("Amount off"),
    "fixed_price": N_("Fixed price"),
    "buy_x_get_y": N_("Buy X get Y"),
    "nth_item": N_("Nth item at a discount"),
    "bundle_price": N_("Bundle price"),
    "spend_threshold": N_("Spend thresholds"),
    "free_delivery": N_("Free delivery"),
    "loyalty_multiplier": N_("Loyalty points multiplier"),
}

# Short labels of the engine's refusal codes (pricing.engine.REFUSALS).
REFUSAL_LABELS = {
    "coupon_unknown": N_("Unknown coupon"),
    "coupon_not_yet_valid": N_("Coupon not valid yet"),
    "coupon_expired": N_("Coupon expired"),
    "coupon_already_used": N_("Coupon already used"),
    "coupon_other_customer": N_("Coupon of another customer"),
    "coupon_duplicate": N_("A second coupon for the same promotion"),
    "coupon_not_applicable": N_("The coupon's conditions are not met"),
    "not_combinable": N_("Not combinable with a promotion already applied"),
    "stacking_group_taken": N_("Another promotion of its stacking group applied"),
    "usage_limit_reached": N_("Usage limit reached"),
    "customer_required": N_("Needs a known customer"),
    "customer_limit_reached": N_("The customer has used it as often as allowed"),
    "budget_exhausted": N_("Budget spent"),
}

DELIVERY_LABELS = {"delivery": N_("Home delivery"), "click_and_collect": N_("Click & collect")}
POLICY_LABELS = {
    "locked": N_("Locked: the brand price"),
    "free": N_("Free"),
    "band": N_("Free within a band"),
}
PRICE_MATCH_LABELS = {"location": N_("store"), "segment": N_("segment"), "channel": N_("channel")}


def label(labels: Mapping[str, str], code: str | None) -> str:
    if code is None:
        return ""
    text = labels.get(code)
    return gettext(text) if text else code


def percent(value: object) -> str:
    """A percentage given in percent (`12.5` -> `12,5 %`), up to two decimals."""
    locale = Locale.parse(current_locale())
    pattern = copy.copy(locale.percent_formats[None])
    pattern.frac_prec = (0, 2)
    return pattern.apply(Decimal(str(value)) / 100, locale)


def ordinal(n: int) -> str:
    if current_locale() == "fr":
        return f"{n}er" if n == 1 else f"{n}e"
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _number(value: object) -> str:
    return format_decimal(Decimal(str(value)), locale=current_locale())


def action_summary(action: Mapping[str, Any], currency: str = "EUR") -> str:
    """What a promotion gives, in a few words."""
    kind = action.get("kind")
    off = f"{MINUS}{percent(action['percent'])}" if action.get("percent") is not None else ""
    if kind == "percent_off":
        return off
    if kind == "amount_off":
        amount = f"{MINUS}{money(action['amount'], currency)}"
        if action.get("per") == "unit":
            return gettext("%(amount)s per item") % {"amount": amount}
        return amount
    if kind == "fixed_price":
        return gettext("%(price)s each") % {"price": money(action["amount"], currency)}
    if kind == "buy_x_get_y":
        buy, get = action["buy"], action["get"]
        if Decimal(str(action.get("percent") or 100)) == 100:
            return ngettext(
                "Buy %(buy)s, get %(get)s free", "Buy %(buy)s, get %(get)s free", get
            ) % {"buy": buy, "get": get}
        return gettext("Buy %(buy)s, get %(get)s at %(off)s") % {
            "buy": buy,
            "get": get,
            "off": off,
        }
    if kind == "nth_item":
        return gettext("%(nth)s item at %(off)s") % {"nth": ordinal(action["n"]), "off": off}
    if kind == "bundle_price":
        count = len(action.get("components") or [])
        return gettext("%(count)s items for %(price)s") % {
            "count": count,
            "price": money(action["price"], currency),
        }
    if kind == "spend_threshold":
        tiers = []
        for tier in action.get("tiers") or []:
            given = (
                f"{MINUS}{money(tier['amount'], currency)}"
                if tier.get("amount") is not None
                else f"{MINUS}{percent(tier['percent'])}"
            )
            tiers.append(
                gettext("%(discount)s from %(threshold)s")
                % {"discount": given, "threshold": money(tier["threshold"], currency)}
            )
        return " · ".join(tiers)
    if kind == "free_delivery":
        methods = set(action.get("methods") or DELIVERY_LABELS)
        if methods >= set(DELIVERY_LABELS):
            return gettext("Free delivery and click & collect")
        if "delivery" in methods:
            return gettext("Free delivery")
        return gettext("Free click & collect")
    if kind == "loyalty_multiplier":
        return gettext("Points ×%(factor)s") % {"factor": _number(action["factor"])}
    return str(kind)


# -- the network: channel names and the places a preview compares ------------------------------


@dataclass(frozen=True)
class Place:
    """A place to price a cart: a channel, and a store on it."""

    key: str  # the form's value: `channel:web`, `store:LYON-01`
    label: str
    channel: str
    location: str | None = None
    city: str = ""


@dataclass
class Network:
    channels: list[Channel] = field(default_factory=list)
    stores: list[Location] = field(default_factory=list)
    channel_names: dict[str, str] = field(default_factory=dict)
    store_channel: dict[str, str] = field(default_factory=dict)  # location code -> channel code

    def channel_places(self) -> list[Place]:
        """The channels that are not stores', each a place of its own."""
        return [
            Place(f"channel:{c.code}", c.name, c.code)
            for c in self.channels
            if c.kind != "store" and c.active
        ]

    def store_places(self) -> list[Place]:
        return [
            Place(f"store:{s.code}", s.name, self.store_channel[s.code], s.code, s.city or "")
            for s in self.stores
            if s.code in self.store_channel
        ]

    def place(self, key: str) -> Place | None:
        for place in (*self.channel_places(), *self.store_places()):
            if place.key == key:
                return place
        return None


def network(session: Session, principal: Principal) -> Network:
    """The channels and stores the principal sees; a store is priced on its owner's store
    channel (a franchisee's `store:FR-ALPES`), else on the brand's own stores' channel."""
    channels = network_service.list_channels(session, principal)
    stores = [
        loc
        for loc in network_service.list_locations(session, principal)
        if loc.kind == "store" and loc.active
    ]
    store_channels = [c for c in channels if c.kind == "store"]
    by_entity = {c.entity_id: c.code for c in store_channels}
    fallback = next((c.code for c in store_channels if c.code == "store"), None) or (
        store_channels[0].code if store_channels else None
    )
    store_channel = {}
    for store in stores:
        code = by_entity.get(store.owner_entity_id, fallback)
        if code is not None:
            store_channel[store.code] = code
    return Network(
        channels=channels,
        stores=stores,
        channel_names={c.code: c.name for c in channels},
        store_channel=store_channel,
    )


def product_names(session: Session, skus: list[str]) -> dict[str, str]:
    names = {}
    for sku in dict.fromkeys(skus):
        product = catalog_service.get_product_by_sku(session, sku)
        if product is not None:
            en = getattr(product, "name_en", None)
            names[sku] = (en if current_locale() == "en" and en else product.name_fr) or sku
    return names

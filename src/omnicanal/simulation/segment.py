"""Web and app sessions as the Segment libraries send them (analytics.js, analytics-ios and
analytics-android): `page`/`screen`, `track` with the e-commerce spec's events and properties,
`identify` at login, `alias`, an `anonymousId` per browser or app install and the `userId` of
the account once known, `context.campaign` from the landing page's utm parameters.

Segment's spec gives prices and totals as numbers in currency units (39.99), not in cents."""

from __future__ import annotations

import random
from typing import Any

from omnicanal.simulation import ids
from omnicanal.simulation.data.devices import USER_AGENTS
from omnicanal.simulation.journeys import Touchpoint
from omnicanal.simulation.model import Person, Product
from omnicanal.simulation.orders import Order
from omnicanal.simulation.period import MINUTE, Period
from omnicanal.simulation.sink import Sink

WEB, APP = "events/web.jsonl", "events/app.jsonl"
SITE = "https://www.maisondemo.fr"
WEB_LIBRARY = {"name": "analytics.js", "version": "5.2.0"}
APP_LIBRARIES = {"ios": {"name": "analytics-ios", "version": "4.1.8"},
                 "android": {"name": "analytics-android", "version": "4.11.3"}}  # fmt: skip
APP_INFO = {"name": "Maison Démo", "version": "4.12.0", "build": "41200"}
OS = {"ios": {"name": "iOS", "version": "18.1"}, "android": {"name": "Android", "version": "14"}}
REFERRERS = {"google": "https://www.google.fr/", "bing": "https://www.bing.com/",
             "instagram": "https://l.instagram.com/", "facebook": "https://m.facebook.com/",
             "tiktok": "https://www.tiktok.com/", "criteo": "https://www.lemonde.fr/",
             "google_display": "https://www.marmiton.org/", "newsletter": ""}  # fmt: skip


def new_uuid(rng: random.Random) -> str:
    """A version-4 UUID drawn from the stream (uuid4() would not be reproducible)."""
    x = rng.getrandbits(128)
    x = (x & ~(0xF << 76)) | (0x4 << 76)
    x = (x & ~(0x3 << 62)) | (0x2 << 62)
    h = f"{x:032x}"
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def product_properties(product: Product, quantity: int | None = None) -> dict[str, Any]:
    """The e-commerce spec's product properties (a fresh dict: callers may add to it)."""
    props: dict[str, Any] = {
        "product_id": product.sku, "sku": product.sku, "name": product.name,
        "category": product.category, "brand": "Maison Démo",
        "variant": " / ".join(v for v in (product.colour, product.size) if v),
        "price": product.base_price_cents / 100, "currency": "EUR",
    }  # fmt: skip
    if quantity is not None:
        props["quantity"] = quantity
    return props


class Tracker:
    """One person's browsers and app install over the period, and the events they send."""

    def __init__(self, person: Person, products: list[Product], period: Period, sink: Sink,
                 rng: random.Random, viewed: dict[int, dict[str, Any]]) -> None:  # fmt: skip
        self.person, self.products, self.period, self.sink, self.rng = (
            person, products, period, sink, rng,
        )  # fmt: skip
        self._viewed = viewed  # Product Viewed properties by product, shared by a chunk
        self.web_user = ids.source_id(person, "web") if "web" in person.channels else None
        self.app_user = ids.source_id(person, "app") if "app" in person.channels else None
        self.browsers = [(new_uuid(rng), rng.randrange(len(USER_AGENTS)))
                         for _ in range(1 + (rng.random() < 0.4))]  # fmt: skip
        self.known: set[str] = set()  # anonymous ids already tied to the account
        self.platform = "ios" if rng.random() < 0.55 else "android"
        self.device = new_uuid(rng) if self.app_user else ""
        self.app_identified = False

    def _product(self, index: int) -> dict[str, Any]:
        """Product Viewed properties, made once per product (the encoder only reads them)."""
        props = self._viewed.get(index)
        if props is None:
            props = self._viewed[index] = product_properties(self.products[index])
        return props

    # -- plumbing ----------------------------------------------------------------------------

    def _send(self, relative: str, t: float, body: dict[str, Any], anonymous: str,
              user: str | None, context: dict[str, Any]) -> str:  # fmt: skip
        # analytics.js names messages `ajs-next-<32 hex>`; the mobile libraries use UUIDs
        message_id = (
            f"ajs-next-{self.rng.getrandbits(128):032x}" if relative == WEB else new_uuid(self.rng)
        )
        body["messageId"] = message_id
        body["timestamp"] = self.period.iso_ms(t)
        body["anonymousId"] = anonymous
        if user:
            body["userId"] = user
        body["context"] = context
        self.sink.event(relative, t, body)
        return message_id

    def _order_events(self, send: Any, order: Order, start: float) -> None:
        span = max(order.t - start, 1.0)
        line = order.lines[0]
        product = self.products[line.product]
        send(order.t - span * 0.3, {"type": "track", "event": "Product Added", "properties": {
            **product_properties(product, line.quantity), "cart_id": order.id[-8:]}})  # fmt: skip
        revenue = order.merchandise_cents
        send(order.t, {"type": "track", "event": "Order Completed", "properties": {
            "order_id": order.id, "affiliation": "maisondemo.fr" if order.channel == "web"
            else "app", "total": order.total_cents / 100, "revenue": revenue / 100,
            "shipping": order.shipping_cents / 100, "tax": round(revenue / 6) / 100,
            "discount": sum(x.discount_cents for x in order.lines) / 100,
            "coupon": order.coupon or None, "currency": "EUR",
            "products": [{**product_properties(self.products[x.product], x.quantity),
                          "price": x.unit_cents / 100} for x in order.lines],
        }})  # fmt: skip

    # -- sessions ----------------------------------------------------------------------------

    def web_session(self, tp: Touchpoint, start: float, logged_in: bool) -> None:
        """A visit to the web shop: landing page, maybe a login, a product view, maybe an order."""
        rng = self.rng
        browser, agent = self.browsers[0] if rng.random() < 0.75 else self.browsers[-1]
        if rng.random() < 0.05:
            browser = new_uuid(rng)  # cookies cleared, private window, another computer
        order: Order | None = tp.order  # type: ignore[assignment]
        user = self.web_user if (logged_in or order) else None
        sku = self.products[tp.product].sku if tp.product >= 0 else ""
        path = f"/p/{sku.lower()}" if sku else "/"
        page: dict[str, Any] = {"path": path, "referrer": "", "title": "Maison Démo"}
        context: dict[str, Any] = {"library": WEB_LIBRARY, "userAgent": USER_AGENTS[agent],
                                   "locale": "fr-FR"}  # fmt: skip
        search = ""
        if tp.campaign is not None:
            name, source, medium = tp.campaign
            search = f"?utm_source={source}&utm_medium={medium}&utm_campaign={name}"
            context["campaign"] = {"name": name, "source": source, "medium": medium}
            if medium == "cpc":  # the keyword bought: the brand, or the kind of product
                generic = self.products[tp.product].name.split()[0].lower() if sku else "mode"
                context["campaign"]["term"] = "maison demo" if "MARQUE" in name else generic
            page["referrer"] = REFERRERS.get(source, "")
        elif tp.kind == "organic_search":
            page["referrer"] = "https://www.google.fr/"
        page["search"] = search
        page["url"] = SITE + path + search
        known = self.web_user if browser in self.known else None

        def send(t: float, body: dict[str, Any]) -> str:
            return self._send(WEB, t, body, browser, known, context)

        tp.observed_in = WEB
        tp.observed_ref = send(start, {"type": "page", "name": "Produit" if sku else "Accueil",
                                       "properties": page})  # fmt: skip
        end = order.t if order else start + 10 * MINUTE
        if user and known is None:
            at = start + min(rng.uniform(20, 60), (end - start) * 0.2)
            known = user
            send(at, {"type": "identify", "traits": {
                "email": self.person.email, "firstName": self.person.first_name,
                "lastName": self.person.last_name}})  # fmt: skip
            if rng.random() < 0.3:
                send(at + 0.5, {"type": "alias", "previousId": browser, "userId": user})
            self.known.add(browser)
        viewed = tp.product if tp.product >= 0 else (order.lines[0].product if order else -1)
        if viewed >= 0 and (order or rng.random() < 0.5):  # half the landings bounce
            at = start + min(rng.uniform(30, 120), (end - start) * 0.25)
            send(at, {"type": "track", "event": "Product Viewed",
                      "properties": self._product(viewed)})  # fmt: skip
        if order:
            self._order_events(send, order, start)

    def app_session(self, tp: Touchpoint, start: float) -> None:
        """The app opened (from a push or not): a screen, a product view, maybe an order."""
        rng = self.rng
        if rng.random() < 0.01:
            self.device, self.app_identified = new_uuid(rng), False  # reinstalled
        device = self.device
        context: dict[str, Any] = {
            "library": APP_LIBRARIES[self.platform], "app": APP_INFO, "locale": "fr-FR",
            "device": {"id": device, "type": self.platform}, "os": OS[self.platform],
        }  # fmt: skip
        if tp.campaign is not None:
            name, source, medium = tp.campaign
            context["campaign"] = {"name": name, "source": source, "medium": medium}
        user = self.app_user
        order: Order | None = tp.order  # type: ignore[assignment]

        def send(t: float, body: dict[str, Any]) -> str:
            return self._send(APP, t, body, device, user, context)

        first = (
            {"type": "track", "event": "Push Notification Tapped",
             "properties": {"campaign": {"name": tp.campaign[0], "medium": "push"}}}
            if tp.kind == "push_tap" and tp.campaign else
            {"type": "track", "event": "Application Opened",
             "properties": {"from_background": rng.random() < 0.6, "version": APP_INFO["version"]}}
        )  # fmt: skip
        tp.observed_in, tp.observed_ref = APP, send(start, first)
        end = order.t if order else start + 10 * MINUTE
        if not self.app_identified and user:
            send(start + 1, {"type": "identify", "traits": {
                "email": self.person.email, "firstName": self.person.first_name,
                "lastName": self.person.last_name, "phone": self.person.phone}})  # fmt: skip
            self.app_identified = True
        product = tp.product if tp.product >= 0 else (order.lines[0].product if order else -1)
        if product >= 0:
            at = start + min(rng.uniform(10, 60), (end - start) * 0.25)
            send(at, {"type": "screen", "name": "Produit",
                      "properties": {"sku": self.products[product].sku}})  # fmt: skip
            send(at + 1, {"type": "track", "event": "Product Viewed",
                          "properties": self._product(product)})  # fmt: skip
        if order:
            self._order_events(send, order, start)

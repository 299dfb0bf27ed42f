"""Prices and promotions in words, in French or English: one sentence for each adjustment and
refusal of a quote, for a resolved price and for a franchise policy check. Pure, no I/O.

The words come from the shared catalog (`omnicanal.i18n`), amounts, percentages and dates are
written by Babel the locale's way, dates in the brand's time zone. A locale tag may be regional
(`fr_FR`, `en_GB`: its dates and numbers); a language other than French or English reads
English. Display names are the caller's: `names` maps a kind (`location`, `channel`,
`segment`, as in `ResolvedPrice.matched`, and `category`, `brand`, `sku`, `promotion`) to
{code: name}; a code without a name is shown as it is. Given the promotions' definitions, a
sentence also says which products a promotion is on and what cart a code needs.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from datetime import time as clock
from decimal import Decimal
from functools import lru_cache
from zoneinfo import ZoneInfo

from babel import Locale, UnknownLocaleError
from babel.dates import format_date, format_time
from babel.lists import format_list
from babel.numbers import format_currency, format_decimal, get_currency_precision

from omnicanal.i18n import N_, language, translations
from omnicanal.pricing.engine import Adjustment, Quote, Refusal
from omnicanal.pricing.index import PromotionSet
from omnicanal.pricing.prices import PolicyCheck, ResolvedPrice
from omnicanal.pricing.promotions import BRAND_TIMEZONE, Promotion

Names = Mapping[str, Mapping[str, str]]
Params = Mapping[str, object]
LISTED = 3  # more products, categories or brands than this are counted, not named
_NAME_KINDS = {"skus": "sku", "categories": "category", "brands": "brand"}


@lru_cache(maxsize=64)
def _babel_locale(tag: str | None, lang: str) -> Locale:
    """The tag's own formats when Babel knows it and it speaks the catalog's language."""
    try:
        parsed = Locale.parse((tag or lang).replace("-", "_"))
    except (UnknownLocaleError, ValueError, TypeError):
        return Locale.parse(lang)
    return parsed if parsed.language == lang else Locale.parse(lang)


class _Writer:
    """One locale's words and formats."""

    def __init__(self, locale: str | None, names: Names | None, timezone: str) -> None:
        lang = language(locale)
        self.locale = _babel_locale(locale, lang)
        catalog = translations(lang)
        self.gettext, self.ngettext, self.pgettext = (
            catalog.gettext, catalog.ngettext, catalog.pgettext
        )  # fmt: skip
        self.names = names or {}
        self.zone = ZoneInfo(timezone)

    def name(self, kind: str, code: str) -> str:
        return self.names.get(kind, {}).get(code) or code

    def quoted(self, name: str) -> str:
        return self.gettext("“%(name)s”") % {"name": name}

    def money(self, minor: object, currency: str) -> str:
        value = Decimal(str(minor)).scaleb(-get_currency_precision(currency))
        return format_currency(value, currency, locale=self.locale)

    def percent(self, value: object) -> str:
        """A percentage given in percent (12.5 -> `12,5 %`), up to two decimals."""
        pattern = copy.copy(self.locale.percent_formats[None])
        pattern.frac_prec = (0, 2)
        return pattern.apply(Decimal(str(value)) / 100, self.locale)

    def number(self, value: object) -> str:
        return format_decimal(Decimal(str(value)), locale=self.locale)

    def listing(self, items: Iterable[str]) -> str:
        return format_list(list(items), locale=self.locale)

    def ordinal(self, n: int) -> str:
        form = self.locale.ordinal_form(n)
        message = {
            "one": self.pgettext("ordinal", "%(n)sst"),
            "two": self.pgettext("ordinal", "%(n)snd"),
            "few": self.pgettext("ordinal", "%(n)srd"),
        }.get(form) or self.pgettext("ordinal", "%(n)sth")
        return message % {"n": n}

    def moment(self, at: datetime) -> str:
        """The day, and the time unless it is midnight."""
        local = at.astimezone(self.zone)
        day = format_date(local, "long", locale=self.locale)
        if local.time() == clock(0):
            return day
        hour = format_time(local, "short", locale=self.locale)
        return self.gettext("%(date)s at %(time)s") % {"date": day, "time": hour}

    def last_moment(self, end: datetime) -> str:
        """An exclusive end as people say it: an end at midnight is the day before's, whole."""
        local = end.astimezone(self.zone)
        if local.time() == clock(0):
            return format_date(local - timedelta(days=1), "long", locale=self.locale)
        return self.moment(end)


# -- the products a promotion is on -----------------------------------------------------------


def _scope(w: _Writer, promotion: Promotion | None) -> str | None:
    """`the category Dresses`, `the products A and B`, `12 products`, from the promotion's
    product conditions (all of which hold), or None when it has none."""
    if promotion is None or not promotion.conditions.products:
        return None
    parts = []
    for kind, codes in promotion.conditions.products:
        shown = sorted((w.name(_NAME_KINDS[kind], code) for code in codes), key=str.casefold)
        n = len(shown)
        listed = {"names": w.listing(shown), "count": n}
        if kind == "categories":
            parts.append(
                w.ngettext("the category %(names)s", "the categories %(names)s", n) % listed
                if n <= LISTED
                else w.ngettext("%(count)s category", "%(count)s categories", n) % listed
            )
        elif kind == "brands":
            parts.append(
                w.ngettext("the brand %(names)s", "the brands %(names)s", n) % listed
                if n <= LISTED
                else w.ngettext("%(count)s brand", "%(count)s brands", n) % listed
            )
        else:
            parts.append(
                w.ngettext("the product %(names)s", "the products %(names)s", n) % listed
                if n <= LISTED
                else w.ngettext("%(count)s product", "%(count)s products", n) % listed
            )
    return ", ".join(parts)


# -- adjustments ------------------------------------------------------------------------------


def _whole(value: object) -> int:
    return int(str(value))


def _percent_off(w: _Writer, p: Params, currency: str) -> str:
    return w.gettext("%(percent)s off") % {"percent": w.percent(p["percent"])}


def _amount_off(w: _Writer, p: Params, currency: str) -> str:
    amount = {"amount": w.money(p["amount"], currency)}
    if p.get("per") == "unit":
        return w.gettext("%(amount)s off each item") % amount
    return w.gettext("%(amount)s off") % amount


def _fixed_price(w: _Writer, p: Params, currency: str) -> str:
    return w.gettext("Special price of %(price)s each") % {"price": w.money(p["price"], currency)}


def _buy_x_get_y(w: _Writer, p: Params, currency: str) -> str:
    buy, get, percent = _whole(p["buy"]), _whole(p["get"]), Decimal(str(p.get("percent", 100)))
    bought = w.ngettext("Buy %(count)s", "Buy %(count)s", buy) % {"count": buy}
    if percent == 100:
        given = w.ngettext("get %(count)s free", "get %(count)s free", get) % {"count": get}
    else:
        given = w.ngettext(
            "get %(count)s at %(percent)s off", "get %(count)s at %(percent)s off", get
        ) % {"count": get, "percent": w.percent(percent)}
    return w.gettext("%(bought)s, %(given)s") % {"bought": bought, "given": given}


def _nth_item(w: _Writer, p: Params, currency: str) -> str:
    nth, percent = w.ordinal(_whole(p["n"])), Decimal(str(p["percent"]))
    if percent == 100:
        return w.gettext("The %(nth)s item free") % {"nth": nth}
    return w.gettext("The %(nth)s item at %(percent)s off") % {
        "nth": nth,
        "percent": w.percent(percent),
    }


def _bundle_price(w: _Writer, p: Params, currency: str) -> str:
    bundles = _whole(p.get("bundles", 1))
    return w.ngettext("Bundle at %(price)s", "%(count)s bundles at %(price)s each", bundles) % {
        "count": bundles,
        "price": w.money(p["price"], currency),
    }


def _spend_threshold(w: _Writer, p: Params, currency: str) -> str:
    threshold = w.money(p["threshold"], currency)
    if p.get("amount") is not None:
        return w.gettext("%(amount)s off from %(threshold)s spent") % {
            "amount": w.money(p["amount"], currency),
            "threshold": threshold,
        }
    return w.gettext("%(percent)s off from %(threshold)s spent") % {
        "percent": w.percent(p["percent"]),
        "threshold": threshold,
    }


def _free_delivery(w: _Writer, p: Params, currency: str) -> str:
    if p.get("method") == "click_and_collect":
        return w.gettext("Free click & collect")
    return w.gettext("Free delivery")


def _loyalty_multiplier(w: _Writer, p: Params, currency: str) -> str:
    return w.gettext("Loyalty points ×%(factor)s") % {"factor": w.number(p["factor"])}


# the sentence of each action kind (the adjustment's reason), from its params
_EFFECTS: dict[str, Callable[[_Writer, Params, str], str]] = {
    "percent_off": _percent_off,
    "amount_off": _amount_off,
    "fixed_price": _fixed_price,
    "buy_x_get_y": _buy_x_get_y,
    "nth_item": _nth_item,
    "bundle_price": _bundle_price,
    "spend_threshold": _spend_threshold,
    "free_delivery": _free_delivery,
    "loyalty_multiplier": _loyalty_multiplier,
}
# a bundle names its own products; a delivery is on no product
_UNSCOPED = frozenset({"bundle_price", "free_delivery"})


def _adjustment(
    w: _Writer, adjustment: Adjustment, currency: str, promotion: Promotion | None
) -> str:
    effect_of = _EFFECTS.get(adjustment.reason)
    effect = (
        effect_of(w, adjustment.params, currency) if effect_of else w.gettext("Promotion applied")
    )
    scope = None if adjustment.reason in _UNSCOPED else _scope(w, promotion)
    if scope:
        effect = w.gettext("%(effect)s on %(scope)s") % {"effect": effect, "scope": scope}
    name = adjustment.name or w.names.get("promotion", {}).get(adjustment.promotion_id, "")
    code = adjustment.coupon
    if name and code:
        label = w.gettext("%(promotion)s (code %(code)s)") % {"promotion": name, "code": code}
    elif code:
        label = w.gettext("Code %(code)s") % {"code": code}
    elif name:
        label = name
    else:
        return effect
    return w.gettext("%(promotion)s: %(effect)s") % {"promotion": label, "effect": effect}


def explain_adjustment(
    adjustment: Adjustment,
    locale: str | None,
    currency: str = "EUR",
    *,
    names: Names | None = None,
    promotion: Promotion | None = None,
    timezone: str = BRAND_TIMEZONE,
) -> str:
    """`Soldes d'été : 20 % de remise sur la catégorie Robes`, `Buy 2, get 1 free`."""
    return _adjustment(_Writer(locale, names, timezone), adjustment, currency, promotion)


# -- refusals ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Refused:
    """A refusal to put in words, with what its sentence may use."""

    w: _Writer
    refusal: Refusal
    currency: str
    promotion: Promotion | None  # the definition, when the caller gave it

    @property
    def code(self) -> str:
        return self.refusal.coupon or ""

    @property
    def params(self) -> Params:
        return self.refusal.params

    def subject(self) -> str:
        """`The code WELCOME10`, `The promotion “Sales”`: what was refused."""
        w, refusal = self.w, self.refusal
        if refusal.coupon:
            return w.gettext("The code %(code)s") % {"code": refusal.coupon}
        name = refusal.params.get("promotion") or (self.promotion.name if self.promotion else "")
        if not name and refusal.promotion_id:
            name = w.name("promotion", refusal.promotion_id)
        if not name:
            return w.gettext("This promotion")
        return w.gettext("The promotion %(name)s") % {"name": w.quoted(str(name))}

    def limit(self, name: str) -> int:
        """A limit from the params; 1 when a hand-made refusal has none."""
        value = self.params.get(name)
        return value if isinstance(value, int) and not isinstance(value, bool) else 1


def _coupon_unknown(c: _Refused) -> str:
    return c.w.gettext("The code %(code)s is not recognised") % {"code": c.code}


def _coupon_not_yet_valid(c: _Refused) -> str:
    if isinstance(start := c.params.get("valid_from"), datetime):
        return c.w.gettext("The code %(code)s is valid from %(date)s") % {
            "code": c.code,
            "date": c.w.moment(start),
        }
    return c.w.gettext("The code %(code)s is not valid yet") % {"code": c.code}


def _coupon_expired(c: _Refused) -> str:
    if isinstance(end := c.params.get("valid_until"), datetime):
        return c.w.gettext("The code %(code)s expired on %(date)s") % {
            "code": c.code,
            "date": c.w.last_moment(end),
        }
    return c.w.gettext("The code %(code)s has expired") % {"code": c.code}


def _coupon_already_used(c: _Refused) -> str:
    limit = c.limit("max_redemptions")
    return c.w.ngettext(
        "The code %(code)s has already been used",
        "The code %(code)s has already been used %(count)s times, its limit",
        limit,
    ) % {"code": c.code, "count": limit}


def _coupon_other_customer(c: _Refused) -> str:
    if c.params.get("identified") is False:
        message = N_("The code %(code)s is reserved for one customer: identify them first")
    else:
        message = N_("The code %(code)s belongs to another customer")
    return c.w.gettext(message) % {"code": c.code}


def _coupon_duplicate(c: _Refused) -> str:
    if kept := c.params.get("kept"):
        return c.w.gettext(
            "The code %(code)s gives the same promotion as %(kept)s, entered before"
        ) % {
            "code": c.code,
            "kept": kept,
        }
    return c.w.gettext("The code %(code)s gives a promotion another code already gives") % {
        "code": c.code
    }


# The conditions a `coupon_not_applicable` refusal names: the first unmet (in the engine's
# order), the products, or a promotion that gives nothing on the cart.
_CONDITIONS = {
    "channels": N_("The code %(code)s is not valid on this channel"),
    "locations": N_("The code %(code)s is only valid in some stores"),
    "weekdays": N_("The code %(code)s is not valid on this day"),
    "hours": N_("The code %(code)s is not valid at this time of day"),
    "segments": N_("The code %(code)s is reserved for some customer segments"),
    "loyalty_tiers": N_("The code %(code)s is reserved for some loyalty tiers"),
    "customers": N_("The code %(code)s is reserved for some customers"),
    "first_order": N_("The code %(code)s is for a first order only"),
    "min_cart": N_("The cart is below the minimum amount of the code %(code)s"),
    "products": N_("The code %(code)s applies to no item in the cart"),
    "nothing_to_discount": N_("The code %(code)s gives nothing on this cart"),
}
CONDITIONS = tuple(_CONDITIONS)


def _coupon_not_applicable(c: _Refused) -> str:
    condition = c.params.get("condition")
    minimum = c.promotion.conditions.min_cart if c.promotion else None
    if condition == "min_cart" and minimum:
        return c.w.gettext("The code %(code)s needs a cart of at least %(amount)s") % {
            "code": c.code,
            "amount": c.w.money(minimum, c.currency),
        }
    if condition == "products" and (scope := _scope(c.w, c.promotion)):
        return c.w.gettext("The code %(code)s only applies to %(scope)s") % {
            "code": c.code,
            "scope": scope,
        }
    message = _CONDITIONS.get(str(condition), N_("The code %(code)s does not apply to this cart"))
    return c.w.gettext(message) % {"code": c.code}


def _not_combinable(c: _Refused) -> str:
    if c.params.get("exclusive") == "other" and (other := c.params.get("other")):
        return c.w.gettext("%(subject)s does not combine with %(other)s, which applies alone") % {
            "subject": c.subject(),
            "other": c.w.quoted(str(other)),
        }
    if c.params.get("exclusive") == "self":
        message = N_("%(subject)s applies alone, and other promotions already apply")
    else:
        message = N_("%(subject)s does not combine with the promotions already applied")
    return c.w.gettext(message) % {"subject": c.subject()}


def _stacking_group_taken(c: _Refused) -> str:
    if taken_by := c.params.get("taken_by"):
        return c.w.gettext("%(subject)s does not combine with %(other)s, of the same group") % {
            "subject": c.subject(),
            "other": c.w.quoted(str(taken_by)),
        }
    return c.w.gettext("%(subject)s does not combine with another promotion of its group") % {
        "subject": c.subject()
    }


def _usage_limit_reached(c: _Refused) -> str:
    if "max_uses" not in c.params:
        return c.w.gettext("%(subject)s has reached its usage limit") % {"subject": c.subject()}
    limit = c.limit("max_uses")
    return c.w.ngettext(
        "%(subject)s has reached its limit of %(count)s use",
        "%(subject)s has reached its limit of %(count)s uses",
        limit,
    ) % {"subject": c.subject(), "count": limit}


def _customer_required(c: _Refused) -> str:
    return c.w.gettext("%(subject)s needs an identified customer") % {"subject": c.subject()}


def _customer_limit_reached(c: _Refused) -> str:
    limit = c.limit("max_uses_per_customer")
    return c.w.ngettext(
        "%(subject)s was already used by this customer, as often as allowed",
        "%(subject)s was already used %(count)s times by this customer, as often as allowed",
        limit,
    ) % {"subject": c.subject(), "count": limit}


def _budget_exhausted(c: _Refused) -> str:
    if remaining := c.params.get("remaining"):
        return c.w.gettext(
            "%(subject)s has %(amount)s of budget left, less than its discount here"
        ) % {
            "subject": c.subject(),
            "amount": c.w.money(remaining, c.currency),
        }
    return c.w.gettext("%(subject)s has used up its budget") % {"subject": c.subject()}


# the sentence of each refusal code (engine.REFUSALS, whose params engine.py lists)
_REFUSALS: dict[str, Callable[[_Refused], str]] = {
    "coupon_unknown": _coupon_unknown,
    "coupon_not_yet_valid": _coupon_not_yet_valid,
    "coupon_expired": _coupon_expired,
    "coupon_already_used": _coupon_already_used,
    "coupon_other_customer": _coupon_other_customer,
    "coupon_duplicate": _coupon_duplicate,
    "coupon_not_applicable": _coupon_not_applicable,
    "not_combinable": _not_combinable,
    "stacking_group_taken": _stacking_group_taken,
    "usage_limit_reached": _usage_limit_reached,
    "customer_required": _customer_required,
    "customer_limit_reached": _customer_limit_reached,
    "budget_exhausted": _budget_exhausted,
}


def _refusal(w: _Writer, refusal: Refusal, currency: str, promotion: Promotion | None) -> str:
    case = _Refused(w, refusal, currency, promotion)
    sentence = _REFUSALS.get(refusal.code)
    if sentence is not None:
        return sentence(case)
    # a code added to the engine before its sentence still reads as one, never as an error
    return w.gettext("%(subject)s does not apply") % {"subject": case.subject()}


def explain_refusal(
    refusal: Refusal,
    locale: str | None,
    currency: str = "EUR",
    *,
    names: Names | None = None,
    promotion: Promotion | None = None,
    timezone: str = BRAND_TIMEZONE,
) -> str:
    """`Le code BIENVENUE a expiré le 3 décembre 2026`, `The promotion “Sales” has reached its
    limit of 100 uses`."""
    return _refusal(_Writer(locale, names, timezone), refusal, currency, promotion)


# -- a quote ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class QuoteExplanation:
    """One sentence per adjustment and per refusal, in the quote's order."""

    adjustments: tuple[str, ...]
    refusals: tuple[str, ...]


def explain_quote(
    quote: Quote,
    locale: str | None,
    names: Names | None = None,
    *,
    promotions: PromotionSet | Mapping[str, Promotion] | Iterable[Promotion] = (),
    timezone: str = BRAND_TIMEZONE,
) -> QuoteExplanation:
    """The sentences of a quote's adjustments and refusals. `promotions`, the definitions the
    quote ran against (or any of them), lets a sentence name the products a promotion is on
    and the cart a code needs."""
    if isinstance(promotions, PromotionSet):
        by_id: Mapping[str, Promotion] = promotions.by_id
    elif isinstance(promotions, Mapping):
        by_id = promotions
    else:
        by_id = {p.id: p for p in promotions}
    w = _Writer(locale, names, timezone)
    return QuoteExplanation(
        tuple(_adjustment(w, a, quote.currency, by_id.get(a.promotion_id))
              for a in quote.adjustments),
        tuple(_refusal(w, r, quote.currency, by_id.get(r.promotion_id or ""))
              for r in quote.refusals),
    )  # fmt: skip


# -- prices and the franchise policy ----------------------------------------------------------


# the sentence of each set of dimensions a price row may match
_PRICE_SOURCES = {
    frozenset(): N_("Base price"),
    frozenset({"location"}): N_("%(location)s store price"),
    frozenset({"channel"}): N_("%(channel)s channel price"),
    frozenset({"segment"}): N_("Price for segment %(segment)s"),
    frozenset({"location", "channel"}): N_("%(location)s store price on the %(channel)s channel"),
    frozenset({"location", "segment"}): N_("%(location)s store price for segment %(segment)s"),
    frozenset({"channel", "segment"}): N_("%(channel)s channel price for segment %(segment)s"),
    frozenset({"location", "channel", "segment"}): N_(
        "%(location)s store price on the %(channel)s channel for segment %(segment)s"
    ),
}
_POLICIES = {
    "free_policy": N_("the policy leaves the price free"),
    "within_band": N_("within the ± %(band)s the policy allows"),
    "outside_band": N_("the policy allows ± %(band)s"),
    "locked": N_("the policy allows no difference"),
}


def explain_price(
    resolved: ResolvedPrice,
    locale: str | None,
    names: Names | None = None,
    *,
    timezone: str = BRAND_TIMEZONE,
) -> str:
    """Where a price comes from: `Prix du magasin Lyon Part-Dieu`, `Base price`, `Web channel
    price for segment VIP, from December 1, 2026`."""
    w = _Writer(locale, names, timezone)
    row, matched = resolved.price, frozenset(resolved.matched)
    values = {
        "location": w.name("location", row.location or ""),
        "channel": w.name("channel", row.channel or ""),
        "segment": w.name("segment", row.segment or ""),
    }
    sentence = w.gettext(_PRICE_SOURCES.get(matched, _PRICE_SOURCES[frozenset()])) % values
    start, end = row.valid_from, row.valid_until
    if start and end:
        return w.gettext("%(price)s, from %(start)s to %(end)s") % {
            "price": sentence,
            "start": w.moment(start),
            "end": w.last_moment(end),
        }
    if start:
        return w.gettext("%(price)s, from %(start)s") % {
            "price": sentence,
            "start": w.moment(start),
        }
    if end:
        return w.gettext("%(price)s, until %(end)s") % {
            "price": sentence,
            "end": w.last_moment(end),
        }
    return sentence


def explain_policy(check: PolicyCheck, locale: str | None) -> str:
    """How far a franchisee's price is from the brand's, and what the policy allows: `12,5 %
    au-dessus du prix de la marque, la politique autorise ± 10 %`."""
    w = _Writer(locale, None, BRAND_TIMEZONE)
    if check.deviation == 0:
        return w.gettext("Same price as the brand")
    percent = {"percent": w.percent(abs(check.deviation_percent))}
    deviation = (
        w.gettext("%(percent)s above the brand price") % percent
        if check.deviation > 0
        else w.gettext("%(percent)s below the brand price") % percent
    )
    policy = _POLICIES.get(check.reason)
    if policy is None:
        return deviation
    # a message without a placeholder ignores the mapping
    clause = w.gettext(policy) % {"band": w.percent(check.limit_percent or 0)}
    return w.gettext("%(deviation)s, %(policy)s") % {"deviation": deviation, "policy": clause}

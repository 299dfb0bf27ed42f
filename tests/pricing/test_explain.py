"""Prices and promotions in words: every adjustment kind and every refusal code in French and
English, from real quotes, with Babel's amounts, plurals and the fallbacks.

Babel writes French amounts and percentages with non-breaking spaces (`\\xa0`, and `\\u202f`
between thousands); the expected sentences carry them as Babel gives them.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from omnicanal.pricing import (
    REFUSALS,
    Adjustment,
    AmountOff,
    BundlePrice,
    BuyXGetY,
    Cart,
    CartLine,
    Conditions,
    Coupon,
    Delivery,
    FixedPrice,
    FranchisePolicy,
    FreeDelivery,
    LoyaltyMultiplier,
    NthItem,
    PercentOff,
    Price,
    PriceContext,
    Promotion,
    PromotionSet,
    Quote,
    Refusal,
    SpendThreshold,
    SpendTier,
    Usage,
    check_franchise_price,
    explain_adjustment,
    explain_policy,
    explain_price,
    explain_quote,
    explain_refusal,
    quote,
    resolve_price,
)
from omnicanal.pricing.actions import ACTIONS
from omnicanal.pricing.explain import CONDITIONS

from .builders import AT, cart, context, line, price

PARIS = ZoneInfo("Europe/Paris")
TEES = Conditions(categories={"mode/tee-shirts"})


def tee(sku: str, amount: int, quantity: int = 1) -> CartLine:
    return line(sku, amount, quantity, category="mode/tee-shirts")


def sentences(q: Quote, locale: str, **kwargs: object) -> tuple[str, ...]:
    explained = explain_quote(q, locale, **kwargs)  # type: ignore[arg-type]
    return explained.adjustments + explained.refusals


# -- every adjustment kind --------------------------------------------------------------------

# kind -> (the quote that applies it, French, English)
ADJUSTMENTS: dict[str, tuple[Callable[[], Quote], str, str]] = {
    "percent_off": (
        lambda: price(cart(line("A", 5000)), [Promotion("p", PercentOff(Decimal(20)))]),
        "20\xa0% de remise",
        "20% off",
    ),
    "amount_off": (
        lambda: price(cart(line("A", 8000)), [Promotion("p", AmountOff(1000))]),
        "10,00\xa0€ de remise",
        "€10.00 off",
    ),
    "fixed_price": (
        lambda: price(cart(tee("T", 2500, 2)), [Promotion("p", FixedPrice(1990), TEES)]),
        "Prix spécial de 19,90\xa0€ l’article",
        "Special price of €19.90 each",
    ),
    "buy_x_get_y": (
        lambda: price(cart(tee("T", 1500, 3)), [Promotion("p", BuyXGetY(2, 1), TEES)]),
        "2 achetés, 1 offert",
        "Buy 2, get 1 free",
    ),
    "nth_item": (
        lambda: price(cart(tee("T", 2000, 2)), [Promotion("p", NthItem(2, Decimal(50)), TEES)]),
        "Le 2e article à −50\xa0%",
        "The 2nd item at 50% off",
    ),
    "bundle_price": (
        lambda: price(
            cart(line("JACKET", 12000), line("TROUSERS", 8000)),
            [Promotion("p", BundlePrice(({"JACKET"}, {"TROUSERS"}), 17900))],
        ),
        "Lot à 179,00\xa0€",
        "Bundle at €179.00",
    ),
    "spend_threshold": (
        lambda: price(
            cart(line("A", 6000)),
            [
                Promotion(
                    "p",
                    SpendThreshold((SpendTier(5000, amount=1000), SpendTier(10000, amount=2500))),
                )
            ],
        ),
        "10,00\xa0€ de remise dès 50,00\xa0€ d’achat",
        "€10.00 off from €50.00 spent",
    ),
    "free_delivery": (
        lambda: price(
            cart(line("A", 3000), delivery=Delivery("click_and_collect", 290)),
            [Promotion("p", FreeDelivery())],
        ),
        "Retrait en magasin offert",
        "Free click & collect",
    ),
    "loyalty_multiplier": (
        lambda: price(cart(line("A", 3000)), [Promotion("p", LoyaltyMultiplier(Decimal(2)))]),
        "Points de fidélité ×2",
        "Loyalty points ×2",
    ),
}


@pytest.mark.parametrize("kind", [action.kind for action in ACTIONS])
def test_every_adjustment_kind_reads_as_one_sentence_in_french_and_english(kind: str) -> None:
    make, french, english = ADJUSTMENTS[kind]  # a new action needs its sentence here
    q = make()
    assert [a.reason for a in q.adjustments] == [kind]
    assert sentences(q, "fr") == (french,)
    assert sentences(q, "en") == (english,)


@pytest.mark.parametrize(
    ("action", "lines", "french", "english"),
    [
        (AmountOff(300, per="unit"), [tee("T", 2000, 2)], "3,00\xa0€ de remise par article", "€3.00 off each item"),
        (BuyXGetY(3, 2), [tee("T", 1000, 5)], "3 achetés, 2 offerts", "Buy 3, get 2 free"),
        (BuyXGetY(1, 1), [tee("T", 1000, 2)], "1 acheté, 1 offert", "Buy 1, get 1 free"),
        (BuyXGetY(2, 1, Decimal(50)), [tee("T", 1000, 3)], "2 achetés, 1 à −50\xa0%", "Buy 2, get 1 at 50% off"),
        (NthItem(3, Decimal(100)), [tee("T", 1000, 3)], "Le 3e article offert", "The 3rd item free"),
        (NthItem(4, Decimal("12.5")), [tee("T", 1000, 4)], "Le 4e article à −12,5\xa0%", "The 4th item at 12.5% off"),
        (NthItem(21, Decimal(10)), [tee("T", 1000, 21)], "Le 21e article à −10\xa0%", "The 21st item at 10% off"),
        (SpendThreshold((SpendTier(5000, percent=Decimal("7.5")),)), [tee("T", 6000)],
         "7,5\xa0% de remise dès 50,00\xa0€ d’achat", "7.5% off from €50.00 spent"),
        (FreeDelivery(), [tee("T", 1000)], "Livraison offerte", "Free delivery"),
        (LoyaltyMultiplier(Decimal("1.5")), [tee("T", 1000)], "Points de fidélité ×1,5", "Loyalty points ×1.5"),
    ],
)  # fmt: skip
def test_each_variant_of_an_action_says_what_it_gives(
    action: object, lines: list[CartLine], french: str, english: str
) -> None:
    q = price(cart(*lines, delivery=Delivery("delivery", 490)), [Promotion("p", action, TEES)])  # type: ignore[arg-type]
    assert sentences(q, "fr") == (french,)
    assert sentences(q, "en") == (english,)


def test_several_bundles_are_counted_in_the_plural() -> None:
    q = price(cart(line("JACKET", 12000, 2), line("TROUSERS", 8000, 2)),
              [Promotion("p", BundlePrice(({"JACKET"}, {"TROUSERS"}), 17900))])  # fmt: skip
    assert sentences(q, "fr") == ("2 lots à 179,00\xa0€ chacun",)
    assert sentences(q, "en") == ("2 bundles at €179.00 each",)


def test_a_spend_threshold_names_the_tier_reached() -> None:
    tiers = SpendThreshold((SpendTier(5000, amount=1000), SpendTier(10000, amount=2500)))
    q = price(cart(line("A", 12_345)), [Promotion("p", tiers)])
    assert sentences(q, "fr") == ("25,00\xa0€ de remise dès 100,00\xa0€ d’achat",)


def test_amounts_follow_the_currency_and_the_locale() -> None:
    yen = Cart((CartLine("A", 1, 1_250_000, "JPY"),), "JPY")
    q = quote(yen, context(), [Promotion("p", AmountOff(120_000), currency="JPY")])
    assert sentences(q, "en") == ("¥120,000 off",)
    assert sentences(q, "fr") == ("120\u202f000\xa0JPY de remise",)
    big = price(cart(line("A", 500_000)), [Promotion("p", AmountOff(123_456))])
    assert sentences(big, "fr") == ("1\u202f234,56\xa0€ de remise",)
    assert sentences(big, "en") == ("€1,234.56 off",)


# -- the promotion's name, its code and its products ------------------------------------------


def test_a_named_promotion_and_its_code_lead_the_sentence() -> None:
    welcome = Promotion("welcome", AmountOff(1000), name="Bienvenue", requires_coupon=True)
    known = [Coupon("BIENVENUE", "welcome")]
    q = price(cart(line("A", 8000)), [welcome], coupons=["bienvenue"], known_coupons=known)
    assert sentences(q, "fr") == ("Bienvenue (code BIENVENUE)\xa0: 10,00\xa0€ de remise",)
    assert sentences(q, "en") == ("Bienvenue (code BIENVENUE): €10.00 off",)
    unnamed = Promotion("welcome", AmountOff(1000), requires_coupon=True)
    q = price(cart(line("A", 8000)), [unnamed], coupons=["BIENVENUE"], known_coupons=known)
    assert sentences(q, "fr") == ("Code BIENVENUE\xa0: 10,00\xa0€ de remise",)
    sale = Promotion("sale", PercentOff(Decimal(20)), name="Soldes d'été")
    assert sentences(price(cart(line("A", 8000)), [sale]), "en") == ("Soldes d'été: 20% off",)


def test_an_unnamed_promotion_may_be_named_by_the_caller() -> None:
    q = price(cart(line("A", 8000)), [Promotion("summer", PercentOff(Decimal(20)))])
    names = {"promotion": {"summer": "Summer sale"}}
    assert sentences(q, "en", names=names) == ("Summer sale: 20% off",)


def test_given_the_definitions_a_sentence_names_the_products() -> None:
    dresses = Promotion("sale", PercentOff(Decimal(20)), Conditions(categories={"mode/femme/robes"}),
                        name="Soldes")  # fmt: skip
    q = price(cart(line("R", 8000, category="mode/femme/robes")), [dresses])
    assert sentences(q, "fr", promotions=[dresses],
                     names={"category": {"mode/femme/robes": "Robes"}}) == (
        "Soldes\xa0: 20\xa0% de remise sur la catégorie Robes",
    )  # fmt: skip
    assert sentences(q, "en", promotions={"sale": dresses},
                     names={"category": {"mode/femme/robes": "Dresses"}}) == (
        "Soldes: 20% off on the category Dresses",
    )  # fmt: skip
    # without a display name the code is shown
    assert sentences(q, "en", promotions=PromotionSet([dresses])) == (
        "Soldes: 20% off on the category mode/femme/robes",
    )


@pytest.mark.parametrize(
    ("conditions", "french", "english"),
    [
        (Conditions(skus={"TEE-1"}), "l’article Tee-shirt blanc", "the product White tee"),
        (Conditions(skus={"TEE-1", "TEE-2"}), "les articles Tee-shirt blanc et Tee-shirt noir",
         "the products Black tee and White tee"),
        (Conditions(skus={"TEE-1", "TEE-2", "TEE-3", "TEE-4"}), "4 produits", "4 products"),
        (Conditions(categories={"a", "b", "c", "d"}), "4 catégories", "4 categories"),
        (Conditions(categories={"a", "b"}), "les catégories a et b", "the categories a and b"),
        (Conditions(brands={"maison"}), "la marque Maison", "the brand Maison"),
        (Conditions(brands={"maison", "atelier"}), "les marques atelier et Maison",
         "the brands atelier and Maison"),
        (Conditions(brands={"a", "b", "c", "maison"}), "4 marques", "4 brands"),
        (Conditions(categories={"a"}, brands={"maison"}), "la catégorie a, la marque Maison",
         "the category a, the brand Maison"),
    ],
)  # fmt: skip
def test_the_products_are_named_or_counted_in_the_plural(
    conditions: Conditions, french: str, english: str
) -> None:
    tees = Promotion("p", BuyXGetY(1, 1), conditions)
    q = price(cart(line("TEE-1", 1000, 2, category="a", brand="maison")), [tees])
    fr_names = {
        "sku": {"TEE-1": "Tee-shirt blanc", "TEE-2": "Tee-shirt noir"},
        "brand": {"maison": "Maison"},
    }
    en_names = {"sku": {"TEE-1": "White tee", "TEE-2": "Black tee"}, "brand": {"maison": "Maison"}}
    assert sentences(q, "fr", promotions=[tees], names=fr_names) == (
        f"1 acheté, 1 offert sur {french}",
    )
    assert sentences(q, "en", promotions=[tees], names=en_names) == (
        f"Buy 1, get 1 free on {english}",
    )


def test_a_delivery_and_a_bundle_name_no_products() -> None:
    free = Promotion("p", FreeDelivery(), Conditions(skus={"A"}))
    q = price(cart(line("A", 1000), delivery=Delivery("delivery", 490)), [free])
    assert sentences(q, "en", promotions=[free]) == ("Free delivery",)


# -- every refusal code -----------------------------------------------------------------------

WELCOME = Promotion("welcome", AmountOff(1000), requires_coupon=True)
CART = cart(line("A", 10_000))


def _with_coupon(coupon: Coupon, *typed: str, **fields: object) -> Quote:
    promotion = fields.pop("promotion", WELCOME)
    return price(
        CART, [promotion], coupons=typed or [coupon.code], known_coupons=[coupon], **fields
    )


def _stopped(promotions: list[Promotion], **fields: object) -> Quote:
    return price(CART, promotions, **fields)


SPRING = Promotion("spring", PercentOff(Decimal(10)), name="Printemps")
MIDNIGHT_4_DEC = datetime(2026, 12, 4, tzinfo=PARIS)

# code -> (the quote that refuses with it, French, English)
REFUSED: dict[str, tuple[Callable[[], Quote], str, str]] = {
    "coupon_unknown": (
        lambda: price(CART, [WELCOME], coupons=["NOPE"]),
        "Le code NOPE n’est pas reconnu",
        "The code NOPE is not recognised",
    ),
    "coupon_not_yet_valid": (
        lambda: _with_coupon(
            Coupon("ETE", "welcome", valid_from=datetime(2026, 6, 21, tzinfo=PARIS))
        ),
        "Le code ETE est valable à partir du 21 juin 2026",
        "The code ETE is valid from June 21, 2026",
    ),
    "coupon_expired": (
        lambda: _with_coupon(
            Coupon("BIENVENUE", "welcome", valid_until=MIDNIGHT_4_DEC),
            at=MIDNIGHT_4_DEC + timedelta(days=10),
        ),
        "Le code BIENVENUE a expiré le 3 décembre 2026",
        "The code BIENVENUE expired on December 3, 2026",
    ),
    "coupon_already_used": (
        lambda: _with_coupon(
            Coupon("BIENVENUE", "welcome"), usage=Usage(coupon_redemptions={"BIENVENUE": 1})
        ),
        "Le code BIENVENUE a déjà été utilisé",
        "The code BIENVENUE has already been used",
    ),
    "coupon_other_customer": (
        lambda: _with_coupon(Coupon("VIP-X7K2", "welcome", customer_id="c1"), customer_id="c2"),
        "Le code VIP-X7K2 appartient à un autre client",
        "The code VIP-X7K2 belongs to another customer",
    ),
    "coupon_duplicate": (
        lambda: price(
            CART,
            [WELCOME],
            coupons=["ONE", "TWO"],
            known_coupons=[Coupon("ONE", "welcome"), Coupon("TWO", "welcome")],
        ),
        "Le code TWO donne la même promotion que ONE, saisi avant lui",
        "The code TWO gives the same promotion as ONE, entered before",
    ),
    "coupon_not_applicable": (
        lambda: _with_coupon(
            Coupon("BIENVENUE", "welcome"),
            promotion=Promotion(
                "welcome", AmountOff(1000), Conditions(min_cart=20_000), requires_coupon=True
            ),
        ),
        "Le panier n’atteint pas le montant minimum du code BIENVENUE",
        "The cart is below the minimum amount of the code BIENVENUE",
    ),
    "not_combinable": (
        lambda: _stopped(
            [
                Promotion(
                    "bf", PercentOff(Decimal(20)), name="Black Friday", exclusive=True, priority=9
                ),
                SPRING,
            ]
        ),
        "La promotion «\xa0Printemps\xa0» ne se cumule pas avec «\xa0Black Friday\xa0», qui s’applique seule",
        "The promotion “Printemps” does not combine with “Black Friday”, which applies alone",
    ),
    "stacking_group_taken": (
        lambda: _stopped(
            [
                Promotion(
                    "sale",
                    PercentOff(Decimal(30)),
                    name="Soldes",
                    stacking_group="sales",
                    priority=2,
                ),
                Promotion(
                    "spring", PercentOff(Decimal(10)), name="Printemps", stacking_group="sales"
                ),
            ]
        ),
        "La promotion «\xa0Printemps\xa0» ne se cumule pas avec «\xa0Soldes\xa0», du même groupe",
        "The promotion “Printemps” does not combine with “Soldes”, of the same group",
    ),
    "usage_limit_reached": (
        lambda: _stopped(
            [Promotion("spring", AmountOff(500), name="Printemps", max_uses=100)],
            usage=Usage(uses={"spring": 100}),
        ),
        "La promotion «\xa0Printemps\xa0» a atteint sa limite de 100 utilisations",
        "The promotion “Printemps” has reached its limit of 100 uses",
    ),
    "customer_required": (
        lambda: _stopped(
            [Promotion("spring", AmountOff(500), name="Printemps", max_uses_per_customer=1)]
        ),
        "La promotion «\xa0Printemps\xa0» demande un client identifié",
        "The promotion “Printemps” needs an identified customer",
    ),
    "customer_limit_reached": (
        lambda: _stopped(
            [Promotion("spring", AmountOff(500), name="Printemps", max_uses_per_customer=1)],
            customer_id="c1",
            usage=Usage(customer_uses={"spring": 1}),
        ),
        "La promotion «\xa0Printemps\xa0» a déjà servi à ce client, autant que permis",
        "The promotion “Printemps” was already used by this customer, as often as allowed",
    ),
    "budget_exhausted": (
        lambda: _stopped(
            [Promotion("spring", PercentOff(Decimal(10)), name="Printemps", budget=100_000)],
            usage=Usage(budget_spent={"spring": 99_400}),
        ),
        "La promotion «\xa0Printemps\xa0» n’a plus que 6,00\xa0€ de budget, moins que sa remise ici",
        "The promotion “Printemps” has €6.00 of budget left, less than its discount here",
    ),
}


@pytest.mark.parametrize("code", REFUSALS)
def test_every_refusal_code_reads_as_one_sentence_in_french_and_english(code: str) -> None:
    make, french, english = REFUSED[code]  # a new refusal code needs its sentence here
    q = make()
    assert [r.code for r in q.refusals] == [code]
    assert explain_quote(q, "fr").refusals == (french,)
    assert explain_quote(q, "en").refusals == (english,)


@pytest.mark.parametrize(
    ("make", "french", "english"),
    [
        (lambda: _with_coupon(Coupon("MULTI", "welcome", max_redemptions=5),
                              usage=Usage(coupon_redemptions={"MULTI": 5})),
         "Le code MULTI a déjà été utilisé 5 fois, sa limite",
         "The code MULTI has already been used 5 times, its limit"),
        (lambda: _stopped([Promotion("spring", AmountOff(500), name="Printemps", max_uses=1)],
                          usage=Usage(uses={"spring": 1})),
         "La promotion «\xa0Printemps\xa0» a atteint sa limite de 1 utilisation",
         "The promotion “Printemps” has reached its limit of 1 use"),
        (lambda: _stopped([Promotion("spring", AmountOff(500), name="Printemps", max_uses_per_customer=3)],
                          customer_id="c1", usage=Usage(customer_uses={"spring": 3})),
         "La promotion «\xa0Printemps\xa0» a déjà servi 3 fois à ce client, autant que permis",
         "The promotion “Printemps” was already used 3 times by this customer, as often as allowed"),
        (lambda: _stopped([Promotion("spring", AmountOff(500), name="Printemps", budget=1000)],
                          usage=Usage(budget_spent={"spring": 1000})),
         "La promotion «\xa0Printemps\xa0» a épuisé son budget",
         "The promotion “Printemps” has used up its budget"),
        (lambda: _stopped([Promotion("first", AmountOff(500), priority=9),
                           Promotion("solo", PercentOff(Decimal(20)), name="Solo", exclusive=True)]),
         "La promotion «\xa0Solo\xa0» ne se cumule avec aucune autre, et d’autres promotions s’appliquent déjà",
         "The promotion “Solo” applies alone, and other promotions already apply"),
        (lambda: _with_coupon(Coupon("VIP-X7K2", "welcome", customer_id="c1")),
         "Le code VIP-X7K2 est réservé à un client\xa0: identifiez-le d’abord",
         "The code VIP-X7K2 is reserved for one customer: identify them first"),
        (lambda: _stopped([Promotion("spring", AmountOff(500), max_uses=1)], usage=Usage(uses={"spring": 1})),
         "La promotion «\xa0spring\xa0» a atteint sa limite de 1 utilisation",
         "The promotion “spring” has reached its limit of 1 use"),
        (lambda: _with_coupon(Coupon("SOLO", "welcome"), usage=Usage(uses={"welcome": 1}),
                              promotion=Promotion("welcome", AmountOff(1000), requires_coupon=True,
                                                  max_uses=1)),
         "Le code SOLO a atteint sa limite de 1 utilisation",
         "The code SOLO has reached its limit of 1 use"),
    ],
)  # fmt: skip
def test_each_variant_of_a_refusal_says_what_stopped_it(
    make: Callable[[], Quote], french: str, english: str
) -> None:
    q = make()
    assert explain_quote(q, "fr").refusals == (french,)
    assert explain_quote(q, "en").refusals == (english,)


# -- a code whose promotion does not apply: each condition --------------------------------------


def _unmet(conditions: Conditions, **fields: object) -> Quote:
    guarded = Promotion("welcome", AmountOff(1000), conditions, requires_coupon=True)
    return _with_coupon(Coupon("CODE", "welcome"), promotion=guarded, **fields)


# condition -> (the quote that stops the code there, French, English)
UNMET: dict[str, tuple[Callable[[], Quote], str, str]] = {
    "channels": (lambda: _unmet(Conditions(channels={"store"})),
                 "Le code CODE n’est pas valable sur ce canal",
                 "The code CODE is not valid on this channel"),
    "locations": (lambda: _unmet(Conditions(locations={"lyon"})),
                  "Le code CODE n’est valable que dans certains magasins",
                  "The code CODE is only valid in some stores"),
    "weekdays": (lambda: _unmet(Conditions(weekdays={5, 6})),  # AT is a Monday
                 "Le code CODE n’est pas valable ce jour-ci",
                 "The code CODE is not valid on this day"),
    "hours": (lambda: _unmet(Conditions(hours=(datetime(2026, 1, 1, 18).time(),
                                               datetime(2026, 1, 1, 20).time()))),
              "Le code CODE n’est pas valable à cette heure-ci",
              "The code CODE is not valid at this time of day"),
    "segments": (lambda: _unmet(Conditions(segments={"vip"})),
                 "Le code CODE est réservé à certains segments de clients",
                 "The code CODE is reserved for some customer segments"),
    "loyalty_tiers": (lambda: _unmet(Conditions(loyalty_tiers={"gold"})),
                      "Le code CODE est réservé à certains niveaux de fidélité",
                      "The code CODE is reserved for some loyalty tiers"),
    "customers": (lambda: _unmet(Conditions(customers={"c1"})),
                  "Le code CODE est réservé à certains clients",
                  "The code CODE is reserved for some customers"),
    "first_order": (lambda: _unmet(Conditions(first_order=True)),
                    "Le code CODE n’est valable que pour une première commande",
                    "The code CODE is for a first order only"),
    "min_cart": (lambda: _unmet(Conditions(min_cart=20_000)),
                 "Le panier n’atteint pas le montant minimum du code CODE",
                 "The cart is below the minimum amount of the code CODE"),
    "products": (lambda: _unmet(Conditions(skus={"SHOE"})),
                 "Le code CODE ne porte sur aucun article du panier",
                 "The code CODE applies to no item in the cart"),
    "nothing_to_discount": (
        lambda: _with_coupon(Coupon("CODE", "welcome"),
                             promotion=Promotion("welcome", FreeDelivery(), requires_coupon=True)),
        "Le code CODE ne donne rien sur ce panier",
        "The code CODE gives nothing on this cart"),
}  # fmt: skip


@pytest.mark.parametrize("condition", CONDITIONS)
def test_a_code_whose_promotion_does_not_apply_says_which_condition_failed(condition: str) -> None:
    make, french, english = UNMET[condition]
    q = make()
    assert [(r.code, r.params) for r in q.refusals] == [
        ("coupon_not_applicable", {"condition": condition})
    ]
    assert explain_quote(q, "fr").refusals == (french,)
    assert explain_quote(q, "en").refusals == (english,)


def test_a_code_that_no_promotion_reached_does_not_apply_to_the_cart() -> None:
    swiss = Promotion("welcome", AmountOff(1000), requires_coupon=True, currency="CHF")
    q = _with_coupon(Coupon("CODE", "welcome"), promotion=swiss)
    assert [(r.code, r.params) for r in q.refusals] == [("coupon_not_applicable", {})]
    assert explain_quote(q, "fr").refusals == ("Le code CODE ne s’applique pas à ce panier",)


def test_given_the_definition_a_code_says_the_cart_it_needs() -> None:
    guarded = Promotion(
        "welcome", AmountOff(1000), Conditions(min_cart=20_000), requires_coupon=True
    )
    q = _with_coupon(Coupon("CODE", "welcome"), promotion=guarded)
    assert explain_quote(q, "fr", promotions=[guarded]).refusals == (
        "Le code CODE demande un panier d’au moins 200,00\xa0€",
    )
    shoes = Promotion(
        "welcome", AmountOff(1000), Conditions(categories={"chaussures"}), requires_coupon=True
    )
    q = _with_coupon(Coupon("CODE", "welcome"), promotion=shoes)
    names = {"category": {"chaussures": "Shoes"}}
    assert explain_quote(q, "en", names, promotions=[shoes]).refusals == (
        "The code CODE only applies to the category Shoes",
    )


# -- dates ------------------------------------------------------------------------------------


def test_a_code_that_ends_during_the_day_says_the_time() -> None:
    six_pm = datetime(2026, 12, 3, 18, tzinfo=PARIS)
    q = _with_coupon(Coupon("FLASH", "welcome", valid_until=six_pm), at=six_pm + timedelta(hours=1))
    assert explain_quote(q, "fr").refusals == ("Le code FLASH a expiré le 3 décembre 2026 à 18:00",)
    assert explain_quote(q, "en").refusals == (
        "The code FLASH expired on December 3, 2026 at 6:00\u202fPM",
    )


def test_a_code_ends_when_its_promotion_ends_if_that_is_earlier() -> None:
    ended = Promotion("welcome", AmountOff(1000), requires_coupon=True,
                      ends_at=datetime(2026, 3, 1, tzinfo=PARIS))  # fmt: skip
    q = _with_coupon(
        Coupon("LATE", "welcome", valid_until=AT + timedelta(days=30)), promotion=ended
    )
    assert explain_quote(q, "fr").refusals == ("Le code LATE a expiré le 28 février 2026",)


def test_dates_are_written_in_the_brand_time_zone_or_the_one_given() -> None:
    # 23:30 UTC on 20 June is already 21 June in Paris, still 20 June in Montreal
    start = datetime(2026, 6, 20, 23, 30, tzinfo=UTC)
    q = _with_coupon(Coupon("ETE", "welcome", valid_from=start))
    assert explain_quote(q, "fr").refusals == (
        "Le code ETE est valable à partir du 21 juin 2026 à 01:30",
    )
    assert explain_quote(q, "fr_CA", timezone="America/Montreal").refusals == (
        "Le code ETE est valable à partir du 20 juin 2026 à 19 h 30",
    )


def test_a_regional_locale_keeps_its_own_dates() -> None:
    q = REFUSED["coupon_expired"][0]()
    assert explain_quote(q, "en_GB").refusals == ("The code BIENVENUE expired on 3 December 2026",)
    assert explain_quote(q, "fr-FR").refusals == ("Le code BIENVENUE a expiré le 3 décembre 2026",)


# -- fallbacks --------------------------------------------------------------------------------


@pytest.mark.parametrize("locale", ["de", "xx_YY", "", None, "en_US"])
def test_an_unknown_locale_reads_english(locale: str | None) -> None:
    q = price(cart(line("A", 8000)), [Promotion("p", AmountOff(1000))])
    assert sentences(q, locale) == ("€10.00 off",)  # type: ignore[arg-type]


def test_a_reason_or_code_without_its_sentence_still_reads_as_one() -> None:
    adjustment = Adjustment("p", "Nouveauté", "future_kind", 100, "items", (0,), {})
    assert explain_adjustment(adjustment, "fr") == "Nouveauté\xa0: Promotion appliquée"
    refusal = Refusal("future_code", "p", None, {"promotion": "Nouveauté"})
    assert explain_refusal(refusal, "fr") == "La promotion «\xa0Nouveauté\xa0» ne s’applique pas"
    assert explain_refusal(Refusal("future_code"), "en") == "This promotion does not apply"


@pytest.mark.parametrize(
    ("refusal", "french"),
    [
        (Refusal("coupon_expired", "p", "OLD"), "Le code OLD a expiré"),
        (Refusal("coupon_not_yet_valid", "p", "NEW"), "Le code NEW n’est pas encore valable"),
        (Refusal("coupon_already_used", "p", "ONCE"), "Le code ONCE a déjà été utilisé"),
        (Refusal("coupon_duplicate", "p", "TWICE"), "Le code TWICE donne une promotion qu’un autre code donne déjà"),
        (Refusal("not_combinable", "p"), "La promotion «\xa0p\xa0» ne se cumule pas avec les promotions déjà appliquées"),
        (Refusal("stacking_group_taken", "p"), "La promotion «\xa0p\xa0» ne se cumule pas avec une autre promotion de son groupe"),
        (Refusal("usage_limit_reached", "p"), "La promotion «\xa0p\xa0» a atteint sa limite d’utilisation"),
        (Refusal("budget_exhausted", "p"), "La promotion «\xa0p\xa0» a épuisé son budget"),
    ],
)  # fmt: skip
def test_a_refusal_made_without_its_params_falls_back_to_a_plainer_sentence(
    refusal: Refusal, french: str
) -> None:
    assert explain_refusal(refusal, "fr") == french


def test_a_refused_promotion_is_named_by_the_caller_or_its_definition_when_unnamed() -> None:
    refusal = Refusal("customer_required", "spring")
    assert explain_refusal(refusal, "en", names={"promotion": {"spring": "Spring"}}) == (
        "The promotion “Spring” needs an identified customer"
    )
    assert explain_refusal(refusal, "en", promotion=SPRING) == (
        "The promotion “Printemps” needs an identified customer"
    )


def test_the_explanation_follows_the_quote_order() -> None:
    promotions = [Promotion("a", PercentOff(Decimal(10)), priority=2),
                  Promotion("b", AmountOff(500), priority=1, max_uses=1),
                  Promotion("c", FreeDelivery())]  # fmt: skip
    q = price(cart(line("A", 10_000), delivery=Delivery("delivery", 490)), promotions,
              coupons=["NOPE"], usage=Usage(uses={"b": 1}))  # fmt: skip
    explained = explain_quote(q, "en")
    assert explained.adjustments == ("10% off", "Free delivery")
    assert explained.refusals == (
        "The code NOPE is not recognised",
        "The promotion “b” has reached its limit of 1 use",
    )


# -- a resolved price -------------------------------------------------------------------------

NAMES = {
    "location": {"lyon-pd": "Lyon Part-Dieu"},
    "channel": {"web": "Web"},
    "segment": {"vip": "VIP"},
}


@pytest.mark.parametrize(
    ("row", "french", "english"),
    [
        (Price("1", "S", 100), "Prix de base", "Base price"),
        (Price("1", "S", 100, location="lyon-pd"), "Prix du magasin Lyon Part-Dieu", "Lyon Part-Dieu store price"),
        (Price("1", "S", 100, channel="web"), "Prix du canal Web", "Web channel price"),
        (Price("1", "S", 100, segment="vip"), "Prix pour le segment VIP", "Price for segment VIP"),
        (Price("1", "S", 100, location="lyon-pd", channel="web"),
         "Prix du magasin Lyon Part-Dieu sur le canal Web", "Lyon Part-Dieu store price on the Web channel"),
        (Price("1", "S", 100, location="lyon-pd", segment="vip"),
         "Prix du magasin Lyon Part-Dieu pour le segment VIP", "Lyon Part-Dieu store price for segment VIP"),
        (Price("1", "S", 100, channel="web", segment="vip"),
         "Prix du canal Web pour le segment VIP", "Web channel price for segment VIP"),
        (Price("1", "S", 100, location="lyon-pd", channel="web", segment="vip"),
         "Prix du magasin Lyon Part-Dieu sur le canal Web pour le segment VIP",
         "Lyon Part-Dieu store price on the Web channel for segment VIP"),
    ],
)  # fmt: skip
def test_a_resolved_price_says_which_dimensions_its_row_matched(
    row: Price, french: str, english: str
) -> None:
    ctx = PriceContext(AT, channel="web", location="lyon-pd", segments=frozenset({"vip"}))
    resolved = resolve_price([row], "S", ctx)
    assert explain_price(resolved, "fr", NAMES) == french
    assert explain_price(resolved, "en", NAMES) == english


def test_a_price_without_display_names_shows_the_codes() -> None:
    row = Price("1", "S", 100, location="lyon-pd", segment="vip")
    resolved = resolve_price(
        [row], "S", PriceContext(AT, location="lyon-pd", segments=frozenset({"vip"}))
    )
    assert explain_price(resolved, "fr") == "Prix du magasin lyon-pd pour le segment vip"
    assert explain_price(resolved, "en", {"location": {}}) == "lyon-pd store price for segment vip"


def test_a_dated_price_says_from_and_until_when() -> None:
    december = datetime(2026, 12, 1, tzinfo=PARIS)
    january = datetime(2027, 1, 1, tzinfo=PARIS)
    ctx = PriceContext(
        datetime(2026, 12, 10, tzinfo=UTC), channel="web", segments=frozenset({"vip"})
    )

    def explained(locale: str, **dates: datetime) -> str:
        row = Price("1", "S", 100, channel="web", segment="vip", **dates)  # type: ignore[arg-type]
        return explain_price(resolve_price([row], "S", ctx), locale, NAMES)

    assert (
        explained("en", valid_from=december)
        == "Web channel price for segment VIP, from December 1, 2026"
    )
    assert (
        explained("en_GB", valid_from=december)
        == "Web channel price for segment VIP, from 1 December 2026"
    )
    assert (
        explained("fr", valid_until=january)
        == "Prix du canal Web pour le segment VIP, jusqu’au 31 décembre 2026"
    )
    assert explained("fr", valid_from=december + timedelta(hours=9), valid_until=january) == (
        "Prix du canal Web pour le segment VIP, du 1 décembre 2026 à 09:00 au 31 décembre 2026"
    )


# -- the franchise policy ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("policy", "franchise_price", "french", "english"),
    [
        (FranchisePolicy("f", "band", Decimal(10)), 11_250,
         "12,5\xa0% au-dessus du prix de la marque, la politique autorise ±\xa010\xa0%",
         "12.5% above the brand price, the policy allows ± 10%"),
        (FranchisePolicy("f", "band", Decimal("7.5")), 9_500,
         "5\xa0% en dessous du prix de la marque, dans les ±\xa07,5\xa0% que la politique autorise",
         "5% below the brand price, within the ± 7.5% the policy allows"),
        (FranchisePolicy("f", "free"), 8_000,
         "20\xa0% en dessous du prix de la marque, la politique laisse le prix libre",
         "20% below the brand price, the policy leaves the price free"),
        (FranchisePolicy("f", "locked"), 10_025,
         "0,25\xa0% au-dessus du prix de la marque, la politique n’autorise aucun écart",
         "0.25% above the brand price, the policy allows no difference"),
        (FranchisePolicy("f", "locked"), 10_000, "Même prix que la marque", "Same price as the brand"),
        (FranchisePolicy("f", "band", Decimal(5)), 10_000, "Même prix que la marque", "Same price as the brand"),
    ],
)  # fmt: skip
def test_a_franchise_price_check_says_how_far_and_what_the_policy_allows(
    policy: FranchisePolicy, franchise_price: int, french: str, english: str
) -> None:
    check = check_franchise_price(policy, 10_000, franchise_price)
    assert explain_policy(check, "fr") == french
    assert explain_policy(check, "en") == english


def test_every_policy_reason_has_its_sentence() -> None:
    reasons = {
        check_franchise_price(policy, 10_000, amount).reason
        for policy in (FranchisePolicy("f", "band", Decimal(10)), FranchisePolicy("f", "free"),
                       FranchisePolicy("f", "locked"))
        for amount in (10_000, 10_500, 12_000)
    }  # fmt: skip
    assert reasons == {"same_as_brand", "within_band", "outside_band", "free_policy", "locked"}


def test_the_pricing_domain_writes_its_words_without_the_web() -> None:
    probe = (
        "import sys, omnicanal.pricing; "
        "print(sorted(m for m in sys.modules if m.startswith('omnicanal.web')))"
    )
    run = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert run.stdout.strip() == "[]"

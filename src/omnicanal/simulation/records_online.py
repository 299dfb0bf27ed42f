"""The records customers type themselves: web-shop accounts, app accounts, marketplace buyers
(as each marketplace seller hands them over, with masked e-mail addresses)."""

from __future__ import annotations

import random

from omnicanal.simulation import ids
from omnicanal.simulation import records_render as render
from omnicanal.simulation.model import Person
from omnicanal.simulation.records_context import Context
from omnicanal.simulation.records_render import Habits
from omnicanal.simulation.writers import Outputs

WEB_FILE = "customers/web_accounts.csv"
WEB_COLUMNS = ["account_id", "email", "civility", "first_name", "last_name", "birth_date",
               "phone", "street", "postal_code", "city", "created_at", "opt_in_email"]  # fmt: skip
APP_FILE = "customers/app_accounts.jsonl"
MARKETPLACE_FILE = "customers/marketplace_buyers.csv"
MARKETPLACE_COLUMNS = ["seller_code", "buyer_id", "buyer_name", "buyer_email", "phone",
                       "shipping_street", "shipping_postal_code", "shipping_city",
                       "first_order_on"]  # fmt: skip

# Phone styles (mess.PHONE_STYLES): spaced, dotted, compact, +33 spaced, E.164, 0033,
# no leading zero, dashed, +33 (0).
WEB = Habits(
    nickname=0.04, name_typo=0.02, plain=0.15, upper=0.03, upper_last=0.03, lower=0.08,
    swap=0.01, birth_name=0.2, composed_name=0.06, phone_missing=0.35, landline=0.05,
    phone_styles=(40, 8, 34, 8, 6, 1, 0, 3, 0), email_missing=0.0, other_email=0.0,
    domain_typo=0.01, local_typo=0.0, email_case=0.04, birth_missing=0.35,
    address_missing=0.08, new_address=0.6, abbreviate=0.1,
)  # fmt: skip
APP = Habits(
    nickname=0.1, name_typo=0.02, plain=0.05, upper=0.01, upper_last=0.0, lower=0.08,
    swap=0.01, birth_name=0.2, composed_name=0.03, phone_missing=0.1, landline=0.0,
    phone_styles=(5, 0, 25, 8, 62, 0, 0, 0, 0), email_missing=0.0, other_email=0.2,
    domain_typo=0.005, local_typo=0.0, email_case=0.02, birth_missing=0.5,
    address_missing=0.3, new_address=0.7, abbreviate=0.0,
)  # fmt: skip
MARKETPLACE = Habits(
    nickname=0.05, name_typo=0.02, plain=0.3, upper=0.08, upper_last=0.0, lower=0.08,
    swap=0.0, birth_name=0.15, composed_name=0.03, phone_missing=0.05, landline=0.02,
    phone_styles=(5, 0, 35, 15, 40, 0, 0, 0, 5), email_missing=0.0, other_email=0.0,
    domain_typo=0.0, local_typo=0.0, email_case=0.0, birth_missing=1.0, address_missing=0.0,
    new_address=0.85, abbreviate=0.1,
)  # fmt: skip
IOS = 0.45  # share of app users on an iPhone
APPLE_RELAY = 0.3  # of them, signed in with Apple and a hidden address
SECOND_DEVICE = 0.2  # app users seen on two devices (a new phone, a tablet)
_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789"


def _timestamp(ctx: Context, rng: random.Random) -> str:
    day, second = ctx.created(rng)
    return f"{render.iso(day)}T{second // 3600:02d}:{second // 60 % 60:02d}:{second % 60:02d}Z"


def _token(rng: random.Random, length: int) -> str:
    return "".join([_ALPHABET[int(rng.random() * 36)] for _ in range(length)])


def write_web(ctx: Context, rng: random.Random, person: Person, variant: str, primary: bool,
              out: Outputs) -> str:  # fmt: skip
    n = ids.person_number(person)
    if primary:
        account_id = ids.source_id(person, "web")
        email = render.email(rng, person, WEB)
    else:  # second account: never the first one's login
        account_id = f"{ids.opaque(n, 211, 8) + 200_000_000}"
        local, domain = person.email.split("@")
        if person.other_email:
            email = person.other_email
        elif domain == "gmail.com":
            email = f"{local}+shop@{domain}"
        else:  # no pattern ends with a dot before digits: nobody else's address
            email = f"{local}.{n % 97}@{domain}"
    first, last = render.names(rng, person, WEB)
    street, postal_code, city = render.address(rng, person, WEB)
    birth = render.birth_date(rng, person, WEB)
    civility = "" if rng.random() < 0.1 else ("Mme" if person.gender == "F" else "M.")
    out.csv(WEB_FILE, WEB_COLUMNS).write_values([
        account_id, email, civility, first, last, render.iso(birth) if birth else "",
        render.phone(rng, person, WEB), street, postal_code, city, _timestamp(ctx, rng),
        "1" if ids.email_opt_in(person) else "0",
    ])  # fmt: skip
    return account_id


def write_app(ctx: Context, rng: random.Random, person: Person, variant: str, primary: bool,
              out: Outputs) -> str:  # fmt: skip
    user_id = ids.source_id(person, "app")
    ios = rng.random() < IOS
    if ios and rng.random() < APPLE_RELAY:
        email = f"{_token(rng, 10)}@privaterelay.appleid.com"
    else:
        email = render.email(rng, person, APP)
    devices = []
    for _ in range(2 if rng.random() < SECOND_DEVICE else 1):
        bits = f"{rng.getrandbits(128):032x}"
        if ios:
            device = f"{bits[:8]}-{bits[8:12]}-{bits[12:16]}-{bits[16:20]}-{bits[20:]}".upper()
        else:
            device = bits[:16]
        devices.append({"device_id": device, "platform": "ios" if ios else "android"})
    first, last = render.names(rng, person, APP)
    _, postal_code, _ = render.address(rng, person, APP)
    birth = render.birth_date(rng, person, APP)
    out.jsonl(APP_FILE).write({
        "user_id": user_id,
        "created_at": _timestamp(ctx, rng),
        "email": email,
        "given_name": first,
        "family_name": last,
        "mobile": render.phone(rng, person, APP) or None,
        "birthday": render.iso(birth) if birth else None,
        "postal_code": postal_code or None,
        "devices": devices,
        "push_opt_in": ids.push_opt_in(person),
    })  # fmt: skip
    return user_id


def write_marketplace(ctx: Context, rng: random.Random, person: Person, variant: str,
                      primary: bool, out: Outputs) -> str:  # fmt: skip
    n = ids.person_number(person)
    if primary:
        buyer_id = ids.source_id(person, "marketplace")
    else:  # a second seller's id: 12 hex digits, never one of the first sellers' 10
        buyer_id = f"mkp_{ids.opaque(n, 89, 12):012x}"
    first, last = render.names(rng, person, MARKETPLACE)
    x = rng.random()  # the seller's one name field, in the seller's order
    if x < 0.45:
        name = f"{first} {last}"
    elif x < 0.65:
        name = f"{last.upper()} {first}"
    elif x < 0.8:
        name = f"{first} {last.upper()}"
    elif x < 0.9:
        name = f"{first[0]}. {last}"
    else:
        name = f"{last} {first}"
    street, postal_code, city = render.address(rng, person, MARKETPLACE)
    day, _ = ctx.created(rng, years=3)
    out.csv(MARKETPLACE_FILE, MARKETPLACE_COLUMNS).write_values([
        variant, buyer_id, name, f"{_token(rng, 12)}@{ctx.relay_domains[variant]}",
        render.phone(rng, person, MARKETPLACE), street, postal_code, city, render.iso(day),
    ])  # fmt: skip
    return buyer_id

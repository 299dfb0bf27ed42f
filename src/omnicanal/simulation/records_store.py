"""The records others type for the customer: at a store's till (own stores' software, and the
franchisees' older one, exported through a spreadsheet), by a call-center agent on the phone,
by the operator keying loyalty-card forms filled in by hand."""

from __future__ import annotations

import random

from omnicanal.simulation import ids
from omnicanal.simulation import records_render as render
from omnicanal.simulation.catalog import gtin_check_digit
from omnicanal.simulation.model import Person
from omnicanal.simulation.records_context import Context
from omnicanal.simulation.records_render import Habits
from omnicanal.simulation.writers import Outputs

POS_FILE = "customers/pos_customers.csv"
POS_COLUMNS = ["store_code", "customer_no", "civilite", "NOM", "PRENOM", "tel", "email",
               "adresse", "cp", "ville", "date_naissance", "date_creation"]  # fmt: skip
CALL_CENTER_FILE = "customers/call_center_contacts.csv"
CALL_CENTER_COLUMNS = ["Id", "Salutation", "LastName", "FirstName", "Phone", "MobilePhone",
                       "Email", "MailingStreet", "MailingPostalCode", "MailingCity",
                       "Birthdate", "CreatedDate"]  # fmt: skip
LOYALTY_FILE = "customers/loyalty_cards.csv"
LOYALTY_COLUMNS = ["CARD_NUMBER", "STATUS", "ENROLLED_ON", "ENROLLED_STORE", "TITLE",
                   "LAST_NAME", "FIRST_NAME", "BIRTH_DATE", "EMAIL", "MOBILE", "ADDRESS", "ZIP",
                   "CITY", "OPT_IN_SMS"]  # fmt: skip

# Phone styles (mess.PHONE_STYLES): spaced, dotted, compact, +33 spaced, E.164, 0033,
# no leading zero, dashed, +33 (0).
POS_OWN = Habits(
    nickname=0.04, name_typo=0.06, plain=0.6, upper=0.35, upper_last=0.45, lower=0.0,
    swap=0.05, birth_name=0.3, composed_name=0.07, phone_missing=0.25, landline=0.15,
    phone_styles=(25, 10, 50, 0, 2, 0, 8, 5, 0), email_missing=0.45, other_email=0.4,
    domain_typo=0.04, local_typo=0.03, email_case=0.0, birth_missing=0.55,
    address_missing=0.25, new_address=0.2, abbreviate=0.4, nee=True,
)  # fmt: skip
POS_FRANCHISE = Habits(
    nickname=0.04, name_typo=0.08, plain=0.95, upper=0.8, upper_last=0.15, lower=0.0,
    swap=0.06, birth_name=0.3, composed_name=0.07, phone_missing=0.3, landline=0.15,
    phone_styles=(10, 30, 45, 0, 0, 0, 15, 0, 0), email_missing=0.6, other_email=0.4,
    domain_typo=0.05, local_typo=0.03, email_case=0.3, birth_missing=0.6,
    address_missing=0.3, new_address=0.2, abbreviate=0.5, nee=True,
)  # fmt: skip
CALL_CENTER = Habits(
    nickname=0.03, name_typo=0.08, plain=0.5, upper=0.05, upper_last=0.5, lower=0.0,
    swap=0.03, birth_name=0.25, composed_name=0.05, phone_missing=0.05, landline=0.0,
    phone_styles=(30, 0, 10, 0, 45, 15, 0, 0, 0), email_missing=0.5, other_email=0.3,
    domain_typo=0.04, local_typo=0.04, email_case=0.05, birth_missing=0.8,
    address_missing=0.3, new_address=0.5, abbreviate=0.3, nee=True,
)  # fmt: skip
LOYALTY = Habits(
    nickname=0.02, name_typo=0.05, plain=0.5, upper=0.6, upper_last=0.2, lower=0.0,
    swap=0.02, birth_name=0.35, composed_name=0.05, phone_missing=0.15, landline=0.08,
    phone_styles=(20, 5, 60, 5, 0, 0, 10, 0, 0), email_missing=0.25, other_email=0.5,
    domain_typo=0.05, local_typo=0.03, email_case=0.2, birth_missing=0.1,
    address_missing=0.05, new_address=0.3, abbreviate=0.3, nee=True,
)  # fmt: skip
UNKNOWN_BIRTH = 0.01  # tills that require a birth date get 01/01/1900 when the customer won't say
SPREADSHEET_POSTAL_CODE = 0.8  # franchisees' files lose the leading zero of 0x postal codes
CALLER_LANDLINE = 0.6  # the Phone field holds the landline the customer called from
LOYALTY_ONLINE = 0.2  # cards of in-store customers enrolled on the web site all the same


def _civility(rng: random.Random, person: Person, upper: bool) -> str:
    x = rng.random()
    if x < 0.1:
        return ""
    if person.gender == "M":
        return "M" if upper else "M."
    if x < 0.15 and person.birth_date.year >= 1990:
        return "MLLE" if upper else "Mlle"
    return "MME" if upper else "Mme"


def write_pos(ctx: Context, rng: random.Random, person: Person, variant: str, primary: bool,
              out: Outputs) -> str:  # fmt: skip
    store = ctx.stores[variant]
    if primary:
        customer_no = ids.source_id(person, "pos")
    else:  # the second store's till numbers its customers too: 9 digits there
        customer_no = f"{variant[:3]}{ids.opaque(ids.person_number(person), 97, 9):09d}"
    h = POS_FRANCHISE if store.franchised else POS_OWN
    first, last = render.names(rng, person, h)
    street, postal_code, city = render.address(rng, person, h)
    if store.franchised and postal_code[:1] == "0" and rng.random() < SPREADSHEET_POSTAL_CODE:
        postal_code = postal_code[1:]
    birth = render.birth_date(rng, person, h)
    if birth is None:
        birth_text = "01/01/1900" if rng.random() < UNKNOWN_BIRTH else ""
    else:
        birth_text = render.french(birth)
    created, _ = ctx.created(rng)
    out.csv(POS_FILE, POS_COLUMNS).write_values([
        store.code, customer_no, _civility(rng, person, True), last, first,
        render.phone(rng, person, h), render.email(rng, person, h), street, postal_code, city,
        birth_text, render.french(created),
    ])  # fmt: skip
    return customer_no


def write_call_center(ctx: Context, rng: random.Random, person: Person, variant: str,
                      primary: bool, out: Outputs) -> str:  # fmt: skip
    if primary:
        contact_id = ids.source_id(person, "call_center")
    else:  # a duplicate contact: the same CRM numbering, from another sequence
        contact_id = f"CT9{ids.opaque(ids.person_number(person), 101, 8):08d}"
    h = CALL_CENTER
    first, last = render.names(rng, person, h)
    landline = ""
    if person.landline and rng.random() < CALLER_LANDLINE:
        landline = render.formatted(rng, person.landline, h)
    street, postal_code, city = render.address(rng, person, h)
    birth = render.birth_date(rng, person, h)
    day, second = ctx.created(rng)
    salutation = _civility(rng, person, False)
    out.csv(CALL_CENTER_FILE, CALL_CENTER_COLUMNS).write_values([
        contact_id, salutation, last, first, landline, render.phone(rng, person, h, True),
        render.email(rng, person, h), street, postal_code, city,
        render.short(birth) if birth else "",
        f"{render.french(day)} {second // 3600:02d}:{second // 60 % 60:02d}",
    ])  # fmt: skip
    return contact_id


def write_loyalty(ctx: Context, rng: random.Random, person: Person, variant: str, primary: bool,
                  out: Outputs) -> str:  # fmt: skip
    if primary:
        body = ids.source_id(person, "loyalty")[:12]
        status = "ACTIVE"
    else:  # the lost card, replaced by the active one
        body = f"2991{ids.opaque(ids.person_number(person), 103, 8):08d}"
        status = "REPLACED"
    card = body + gtin_check_digit(body)  # an EAN-13, as printed under the card's barcode
    if "pos" in person.channels and rng.random() >= LOYALTY_ONLINE:
        store = person.home_store
    else:
        store = "WEB"
    h = LOYALTY
    first, last = render.names(rng, person, h)
    street, postal_code, city = render.address(rng, person, h)
    birth = render.birth_date(rng, person, h)
    enrolled, _ = ctx.created(rng)
    out.csv(LOYALTY_FILE, LOYALTY_COLUMNS).write_values([
        card, status, render.compact(enrolled), store, _civility(rng, person, True), last, first,
        render.compact(birth) if birth else "", render.email(rng, person, h),
        render.phone(rng, person, h), street, postal_code, city,
        "O" if rng.random() < 0.55 else "N",
    ])  # fmt: skip
    return card

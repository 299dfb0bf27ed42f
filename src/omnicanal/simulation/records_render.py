"""How one person's true attributes come out in one record of a source, given that source's
habits: who typed it (the customer, a cashier, an agent on the phone, an operator keying a
paper form), on what (a phone, a till, an old CRM) and what the export does to it.
"""

from __future__ import annotations

import bisect
import random
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from itertools import accumulate

from omnicanal.simulation.data.names import EMAIL_DOMAIN_TYPOS, NICKNAMES
from omnicanal.simulation.mess import (
    abbreviate_city,
    abbreviate_street,
    phone_as,
    strip_accents,
    typo,
)
from omnicanal.simulation.model import Person


@dataclass(frozen=True)
class Habits:
    """Probabilities (per record) of each kind of mess in one source's export."""

    nickname: float  # first name given as a nickname (Cathy for Catherine)
    name_typo: float  # one keying error in the first or the last name
    plain: float  # accents dropped
    upper: float  # everything in capitals
    upper_last: float  # only the last name in capitals (MARTIN Sophie)
    lower: float  # everything in lower case (typed on a phone)
    swap: float  # first and last names in each other's field
    birth_name: float  # married women: the birth name instead of the married one
    composed_name: float  # married women: married-birth (Martin-Dupont) or « Martin née Dupont »
    phone_missing: float
    landline: float  # the household's landline instead of the mobile, when there is one
    phone_styles: tuple[int, ...]  # weight of each of mess.PHONE_STYLES, in percent
    email_missing: float
    other_email: float  # the person's older address, when they have one
    domain_typo: float  # gmial.com, orange.fe...
    local_typo: float  # one keying error before the @
    email_case: float  # Marie.Martin@Gmail.com, or MARIE.MARTIN@GMAIL.COM where upper > 0.5
    birth_missing: float
    address_missing: float
    new_address: float  # movers: the address after the move (else the old one)
    abbreviate: float  # r. for rue, St- for Saint-
    nee: bool = False  # composed married names read « Martin née Dupont » (else Martin-Dupont)
    phone_cumulative: list[int] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "phone_cumulative", list(accumulate(self.phone_styles)))


@lru_cache(maxsize=16_384)
def plain(text: str) -> str:
    return strip_accents(text)


def names(rng: random.Random, person: Person, h: Habits) -> tuple[str, str]:
    """(first name, last name) as written in the record."""
    r = rng.random
    first = person.first_name
    if r() < h.nickname and first in NICKNAMES:
        nicknames = NICKNAMES[first]
        first = nicknames[0] if len(nicknames) == 1 else rng.choice(nicknames)
    last = person.last_name
    if person.birth_name:
        x = r()
        if x < h.birth_name:
            last = person.birth_name
        elif x < h.birth_name + h.composed_name:
            last = f"{last} née {person.birth_name}" if h.nee else f"{last}-{person.birth_name}"
    if r() < h.name_typo:
        if r() < 0.5:
            first = typo(rng, first)
        else:
            last = typo(rng, last)
    if r() < h.plain:
        first, last = plain(first), plain(last)
    x = r()
    if x < h.upper:
        first, last = first.upper(), last.upper()
    elif x < h.upper + h.upper_last:
        last = last.upper()
    elif x < h.upper + h.upper_last + h.lower:
        first, last = first.lower(), last.lower()
    if r() < h.swap:
        return last, first
    return first, last


def phone(rng: random.Random, person: Person, h: Habits, mobile_only: bool = False) -> str:
    r = rng.random
    if r() < h.phone_missing:
        return ""
    number = person.phone
    if person.landline and not mobile_only and r() < h.landline:
        number = person.landline
    return formatted(rng, number, h)


def formatted(rng: random.Random, e164: str, h: Habits) -> str:
    """The number in one of the source's phone styles."""
    cumulative = h.phone_cumulative
    return phone_as(bisect.bisect_right(cumulative, rng.random() * cumulative[-1]), e164)


def email(rng: random.Random, person: Person, h: Habits) -> str:
    r = rng.random
    if r() < h.email_missing:
        return ""
    address = person.email
    if person.other_email and r() < h.other_email:
        address = person.other_email
    x = r()
    if x < h.domain_typo:
        local, domain = address.split("@")
        address = f"{local}@{rng.choice(EMAIL_DOMAIN_TYPOS[domain])}"
    elif x < h.domain_typo + h.local_typo:
        local, domain = address.split("@")
        address = f"{typo(rng, local)}@{domain}"
    if r() < h.email_case:  # keyed in capitals where everything is, else Capitalised
        if h.upper > 0.5:
            address = address.upper()
        else:
            local, domain = address.split("@")
            address = f"{local.capitalize()}@{domain.capitalize()}"
    return address


def address(rng: random.Random, person: Person, h: Habits) -> tuple[str, str, str]:
    """(street, postal code, city) as written; the old or the new one for movers."""
    r = rng.random
    street, postal_code, city = person.street, person.postal_code, person.city
    if person.moved_to and r() < h.new_address:
        street, postal_code, city = person.moved_to
    if r() < h.address_missing:
        return "", (postal_code if r() < 0.5 else ""), ""
    if r() < h.abbreviate:
        street, city = abbreviate_street(street), abbreviate_city(city)
    if r() < h.plain:
        street, city = plain(street), plain(city)
    if r() < h.upper:
        street, city = street.upper(), city.upper()
    return street, postal_code, city


def birth_date(rng: random.Random, person: Person, h: Habits) -> date | None:
    return None if rng.random() < h.birth_missing else person.birth_date


def iso(d: date) -> str:
    return f"{d.year:04d}-{d.month:02d}-{d.day:02d}"


def french(d: date) -> str:
    return f"{d.day:02d}/{d.month:02d}/{d.year:04d}"


def compact(d: date) -> str:
    return f"{d.year:04d}{d.month:02d}{d.day:02d}"


def short(d: date) -> str:
    return f"{d.day:02d}-{d.month:02d}-{d.year % 100:02d}"

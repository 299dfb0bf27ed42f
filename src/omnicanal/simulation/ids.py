"""Identifiers: the customer id each channel system gives a person, and the opaque numbers of
orders, receipts, calls... made from a person and a per-person sequence, so that chunks never
collide and nothing in an id betrays which person it belongs to.

Also what several generators must agree on about a person without sharing state: whether the
person opted in to e-mails and app pushes.
"""

from __future__ import annotations

import hashlib

from omnicanal.simulation.catalog import gtin_check_digit
from omnicanal.simulation.model import Person

# Multiplying by a constant prime to 10 and adding a salt, modulo 10**digits, is a bijection on
# [0, 10**digits): distinct inputs give distinct, scattered outputs.
_MULTIPLIER = 738_219_481


def opaque(number: int, salt: int, digits: int) -> int:
    return (number * _MULTIPLIER + salt) % 10**digits


def person_number(person: Person) -> int:
    """P00000042 -> 42."""
    return int(person.id[1:])


def object_number(person: Person, sequence: int) -> int:
    """A number unique to (person, sequence) for sequences below 10 000 (below 10**11 in all)."""
    return person_number(person) * 10_000 + sequence


def export_id(prefix: str, person: Person, sequence: int, salt: int) -> str:
    """An opaque, unique id for an object a channel system exports: prefix and 12 digits."""
    return f"{prefix}{opaque(object_number(person, sequence), salt, 12):012d}"


def source_id(person: Person, source: str) -> str:
    """The person's customer id in `source`'s system (web, app, pos, call_center, loyalty,
    marketplace). POS ids are those of the person's home store's till file."""
    n = person_number(person)
    if source == "web":
        return f"{opaque(n, 11, 8) + 100_000_000}"  # the e-shop's 9-digit customer number
    if source == "app":
        return f"app-{opaque(n, 23, 10):010x}"
    if source == "pos":
        return f"{person.home_store[:3]}{opaque(n, 37, 8):08d}"
    if source == "call_center":
        return f"CT{opaque(n, 41, 8):08d}"
    if source == "loyalty":
        body = f"2990{opaque(n, 53, 8):08d}"
        return body + gtin_check_digit(body)  # an EAN-13, printed under the card's barcode
    if source == "marketplace":
        return f"mkp_{opaque(n, 67, 10):010x}"
    raise ValueError(f"unknown source {source!r}")


def _bucket(person: Person, salt: str) -> int:
    """0-99, uniform and independent between salts."""
    digest = hashlib.blake2b(f"{salt}/{person.id}".encode(), digest_size=4).digest()
    return int.from_bytes(digest, "big") % 100


def email_opt_in(person: Person) -> bool:
    """Opted in to marketing e-mails: about 60 % of those with an account or a card."""
    known = {"web", "app", "loyalty"}.intersection(person.channels)
    return bool(known) and _bucket(person, "email") < 60


def push_opt_in(person: Person) -> bool:
    """Accepted app notifications: about 65 % of app users."""
    return "app" in person.channels and _bucket(person, "push") < 65

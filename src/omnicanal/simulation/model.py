"""The simulated brand's own objects (its ground truth), shared by every generator module."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date


@dataclass(frozen=True)
class Store:
    code: str  # as in network/locations.csv, e.g. LYON-CENTRE
    name: str
    city: str
    postal_code: str
    latitude: float
    longitude: float
    owner_code: str  # entity code: OWN or a franchisee's code (FR-…)
    franchised: bool
    capabilities: tuple[str, ...]
    index: int  # 0-based position in the store list


@dataclass(frozen=True)
class Product:
    sku: str  # the brand's master code, e.g. MD-000123-M-BLEU
    gtin: str  # GTIN-13 with a valid check digit
    name: str
    category: str
    size: str | None
    colour: str | None
    base_price_cents: int
    index: int


@dataclass
class Person:
    """One real human: the truth behind the channel records."""

    id: str  # P00000001
    gender: str  # F or M
    first_name: str
    last_name: str
    birth_name: str | None  # for married persons whose records may carry either name
    birth_date: date
    street: str
    postal_code: str
    city: str
    latitude: float
    longitude: float
    phone: str  # E.164 mobile, e.g. +33612345678
    email: str  # the address the person really uses
    home_store: str  # code of the nearest store
    household_id: str
    twin_of: str | None = None
    landline: str | None = None  # shared by the household, E.164
    moved_to: tuple[str, str, str] | None = None  # (street, postal_code, city) after a move
    moved_on: date | None = None  # the day of the move, within the period
    moved_home_store: str | None = None  # nearest store after a move to another city
    other_email: str | None = None  # an older address some records still carry
    channels: tuple[str, ...] = ()  # sources where this person has a record
    propensity: float = 1.0  # how much more or less than average this person buys
    traits: dict[str, str] = field(default_factory=dict)  # trap markers, for tests
    # (source, source_id) of every record written for this person, filled by records.py, so
    # that behaviour can quote the web account, the POS customer or the loyalty card it uses.
    records: list[tuple[str, str]] = field(default_factory=list)

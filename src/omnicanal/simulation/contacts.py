"""Persons' phone numbers and e-mail addresses, unique across the whole brand without any state
shared between chunks.

Phones: a person's (or household's) global index is mapped through a multiplicative bijection
onto the valid French number ranges, so two indexes never get the same number. E-mail: every
address has one owning chunk, computed from the address itself; a chunk only hands out the
addresses it owns, and remembers those it handed out.
"""

from __future__ import annotations

import bisect
import random
import zlib
from functools import cache
from itertools import accumulate

from omnicanal.simulation.data.names import (
    EMAIL_GENERATIONS,
    EMAIL_PROVIDER_SHARES,
    EMAIL_PROVIDERS,
)
from omnicanal.simulation.mess import strip_accents
from omnicanal.simulation.rng import stream

# Mobile ranges open in the numbering plan: 06 (all but 063 9 and 069 0-4, 6, 7) and 073-079.
MOBILE_06 = tuple(
    [f"6{d}{u}" for d in "01245678" for u in "0123456789"]
    + [f"63{u}" for u in "012345678"]
    + ["695", "698", "699"]
)
MOBILE_07 = tuple(f"7{d}{u}" for d in "3456789" for u in "0123456789")
# Second digit of a geographic number: these are open in every region (0X 1…, 0X 2…, …).
LANDLINE_SECOND = "1234578"
_SCRAMBLE = 2_654_435_761  # a prime that shares no factor with the range sizes below


def _scramble(index: int, offset: int, size: int) -> int:
    return (index * _SCRAMBLE + offset) % size


class PhoneBook:
    """Mobile and landline numbers in E.164, one per global index, never repeated."""

    def __init__(self, seed: int) -> None:
        rng = stream(seed, "phones")
        self._offsets = (rng.randrange(1 << 40), rng.randrange(1 << 40), rng.randrange(1 << 40))

    def mobile(self, index: int, seven: bool) -> str:
        prefixes = MOBILE_07 if seven else MOBILE_06
        k = _scramble(index, self._offsets[seven], len(prefixes) * 1_000_000)
        return f"+33{prefixes[k // 1_000_000]}{k % 1_000_000:06d}"

    def landline(self, index: int, region: str) -> str:
        k = _scramble(index, self._offsets[2], len(LANDLINE_SECOND) * 10_000_000)
        return f"+33{region}{LANDLINE_SECOND[k // 10_000_000]}{k % 10_000_000:07d}"


def landline_region(postal_code: str) -> str:
    """The first digit of a geographic number: 1 Île-de-France, 2 north-west, 3 north-east,
    4 south-east, 5 south-west."""
    department = int(postal_code[:2]) if postal_code[:2].isdigit() else 20
    if department in {75, 77, 78, 91, 92, 93, 94, 95}:
        return "1"
    if department in {14, 18, 22, 28, 29, 35, 37, 41, 44, 45, 49, 53, 56, 72, 76, 79, 85, 86}:
        return "2"
    if department in {2, 10, 21, 25, 51, 54, 57, 59, 60, 62, 67, 68, 80}:
        return "3"
    if department in {11, 16, 17, 31, 33, 64, 66, 81, 82, 87}:
        return "5"
    return "4"


@cache
def email_slug(name: str) -> str:
    """`Anne-Sophie` -> `anne-sophie`, `de La Fontaine` -> `delafontaine`, `D'Angelo` ->
    `dangelo`."""
    return strip_accents(name).lower().replace(" ", "").replace("'", "")


# Local parts, as shares in percent: most people write first.last, some add a number.
_PATTERNS = ("{f}.{l}", "{f}{l}", "{i}{l}", "{i}.{l}", "{l}.{f}", "{f}_{l}", "{l}{i}", "{f}-{l}",
             "{l}.{i}", "{f}")  # fmt: skip
_PATTERN_CUMULATIVE = list(accumulate((36, 14, 11, 7, 8, 5, 4, 3, 2, 10)))
WITH_NUMBER = 0.40  # share of addresses that carry a number (year of birth or any)
_PROVIDER_CUMULATIVE = [list(accumulate(shares)) for shares in EMAIL_PROVIDER_SHARES]


def email_owner(address: str, chunks: int) -> int:
    """The chunk allowed to hand out `address`: from its local part without trailing digits, its
    domain, and the value of those digits. A chunk can thus aim at its own addresses directly."""
    local, domain = address.split("@")
    base = local.rstrip("0123456789")
    number = int(local[len(base) :] or 0)
    return (zlib.crc32(f"{base}@{domain}".encode()) + number) % chunks


class EmailBook:
    """The e-mail addresses one chunk hands out; unique across chunks (see `email_owner`)."""

    def __init__(self, chunk: int, chunks: int, rng: random.Random) -> None:
        self.chunk = chunk
        self.chunks = chunks
        self.rng = rng
        self.taken: set[str] = set()

    def provider(self, birth_year: int, avoid: str | None = None) -> str:
        generation = bisect.bisect_right(EMAIL_GENERATIONS, birth_year)
        cumulative = _PROVIDER_CUMULATIVE[generation]
        while True:
            domain = EMAIL_PROVIDERS[
                bisect.bisect_right(cumulative, self.rng.random() * cumulative[-1])
            ]
            if domain != avoid:
                return domain

    def address(self, first: str, last: str, birth_year: int, domain: str) -> str:
        rng = self.rng
        f, ln = email_slug(first), email_slug(last)
        chunk, chunks, taken = self.chunk, self.chunks, self.taken
        wants_number = rng.random() < WITH_NUMBER
        # Another pattern when this chunk may not have the address; futile with many chunks.
        for _ in range(1 if wants_number or chunks > 10 else 5):
            base = self._base(f, ln)
            h = zlib.crc32(f"{base}@{domain}".encode())
            if not wants_number and h % chunks == chunk and base != f:
                address = f"{base}@{domain}"
                if address not in taken:
                    taken.add(address)
                    return address
        year = birth_year % 100 if rng.random() < 0.6 else birth_year
        if (h + year) % chunks == chunk:
            address = f"{base}{year:02d}@{domain}"
            if address not in taken:
                taken.add(address)
                return address
        # Any number of the chunk's residue: as many tries as it takes, rarely more than one.
        residue = (chunk - h) % chunks
        spread = 100
        while True:
            number = residue + chunks * rng.randrange(0 if residue else 1, spread)
            address = f"{base}{number}@{domain}"
            if address not in taken:
                taken.add(address)
                return address
            spread *= 2

    def _base(self, f: str, ln: str) -> str:
        r = self.rng.random() * _PATTERN_CUMULATIVE[-1]
        return _PATTERNS[bisect.bisect_right(_PATTERN_CUMULATIVE, r)].format(f=f, l=ln, i=f[0])

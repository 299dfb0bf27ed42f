"""The mess real exports have, as small pure functions of a random stream and a value."""

from __future__ import annotations

import random
import unicodedata

KEYBOARD_NEIGHBOURS = {
    "a": "zqs",
    "z": "aes",
    "e": "zrd",
    "r": "etf",
    "t": "ryg",
    "y": "tuh",
    "u": "yij",
    "i": "uok",
    "o": "ipl",
    "p": "om",
    "q": "asw",
    "s": "qdz",
    "d": "sfe",
    "f": "dgr",
    "g": "fht",
    "h": "gjy",
    "j": "hku",
    "k": "jli",
    "l": "kmo",
    "m": "lp",
    "w": "xq",
    "x": "wcs",
    "c": "xvd",
    "v": "cbf",
    "b": "vng",
    "n": "bh",
}  # fmt: skip  (AZERTY)


def strip_accents(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()


def typo(rng: random.Random, text: str) -> str:
    """One keying error: a neighbour key, a dropped, doubled or swapped letter."""
    letters = [i for i, c in enumerate(text) if c.isalpha()]
    if len(letters) < 3:
        return text
    i = rng.choice(letters[1:])
    kind = rng.randrange(4)
    c = text[i]
    if kind == 0:
        near = KEYBOARD_NEIGHBOURS.get(c.lower())
        if near:
            n = rng.choice(near)
            return text[:i] + (n.upper() if c.isupper() else n) + text[i + 1 :]
        return text[:i] + text[i + 1 :]
    if kind == 1:
        return text[:i] + text[i + 1 :]
    if kind == 2:
        return text[:i] + c + text[i:]
    if i + 1 < len(text) and text[i + 1].isalpha():
        return text[:i] + text[i + 1] + c + text[i + 2 :]
    return text[:i] + text[i + 1 :]


# How a French phone number gets written, from one E.164 number (+33612345678).
PHONE_STYLES = (
    "spaced",  # 06 12 34 56 78
    "dotted",  # 06.12.34.56.78
    "compact",  # 0612345678
    "international_spaced",  # +33 6 12 34 56 78
    "e164",  # +33612345678
    "double_zero",  # 0033612345678
    "no_leading_zero",  # 612345678: a spreadsheet took it for a number
    "dashed",  # 06-12-34-56-78
    "international_trunk",  # +33 (0)6 12 34 56 78
)


def phone_as(style: int, e164: str) -> str:
    """`e164` (+33…) written in `PHONE_STYLES[style]`."""
    n = "0" + e164[3:]
    if style == 0:
        return f"{n[:2]} {n[2:4]} {n[4:6]} {n[6:8]} {n[8:]}"
    if style == 1:
        return f"{n[:2]}.{n[2:4]}.{n[4:6]}.{n[6:8]}.{n[8:]}"
    if style == 2:
        return n
    if style == 3:
        return f"+33 {n[1]} {n[2:4]} {n[4:6]} {n[6:8]} {n[8:]}"
    if style == 4:
        return e164
    if style == 5:
        return "00" + e164[1:]
    if style == 6:
        return n[1:]
    if style == 7:
        return f"{n[:2]}-{n[2:4]}-{n[4:6]}-{n[6:8]}-{n[8:]}"
    return f"+33 (0){n[1]} {n[2:4]} {n[4:6]} {n[6:8]} {n[8:]}"


STREET_ABBREVIATIONS = {
    "rue": "r.", "avenue": "av.", "boulevard": "bd", "place": "pl.", "allée": "all.",
    "chemin": "ch.", "impasse": "imp.", "quai": "q.", "route": "rte",
}  # fmt: skip


def abbreviate_street(street: str) -> str:
    """`12 rue du Général-de-Gaulle` -> `12 r. du Gal de Gaulle`: how tills and forms shorten."""
    words = street.replace("Général-", "Gal ").replace("-", " ").split(" ")
    return " ".join(STREET_ABBREVIATIONS.get(w, w) for w in words)


def abbreviate_city(city: str) -> str:
    """`Saint-Étienne` -> `St-Étienne`, `Le Havre` stays."""
    return city.replace("Saint-", "St-").replace("Sainte-", "Ste-")

"""Rules of the catalog's own data: GTINs, SKUs, statuses, category paths. No I/O."""

from __future__ import annotations

import re
import unicodedata
from enum import StrEnum

from stdnum import ean
from stdnum.exceptions import InvalidChecksum, InvalidFormat, InvalidLength

GTIN_LENGTHS = (8, 12, 13, 14)


class ProductStatus(StrEnum):
    DRAFT = "draft"
    ACTIVE = "active"
    DISCONTINUED = "discontinued"


class CodeStatus(StrEnum):
    MAPPED = "mapped"
    PENDING_REVIEW = "pending_review"
    REJECTED = "rejected"


class MappingMethod(StrEnum):
    GTIN = "gtin"
    SCORED = "scored"
    MANUAL = "manual"


class InvalidGtin(ValueError):
    """A GTIN that is not 8, 12, 13 or 14 digits with a valid GS1 check digit."""


def normalise_gtin(value: str | int) -> str:
    """A GTIN-8, -12, -13 or -14 as the 14-digit form GS1 asks databases to store.

    Spaces and dashes are ignored; anything else that is not a digit, a wrong length or a
    wrong check digit raises `InvalidGtin` saying which.
    """
    text = re.sub(r"[\s-]", "", str(value))
    if not text:
        raise InvalidGtin("a GTIN cannot be empty")
    if not text.isdigit():
        raise InvalidGtin(f"GTIN {text!r} has characters other than digits")
    if len(text) not in GTIN_LENGTHS:
        raise InvalidGtin(f"GTIN {text!r} has {len(text)} digits; a GTIN has 8, 12, 13 or 14")
    try:
        ean.validate(text)
    except InvalidChecksum:
        raise InvalidGtin(f"GTIN {text!r} has a wrong check digit") from None
    except (InvalidFormat, InvalidLength) as exc:  # covered above; kept for stdnum's sake
        raise InvalidGtin(f"GTIN {text!r} is not valid: {exc}") from None
    return text.zfill(14)


def gtin_or_none(value: str | int | None) -> str | None:
    """The 14-digit GTIN, or None when the value is empty or not a valid GTIN."""
    if value is None or str(value).strip() == "":
        return None
    try:
        return normalise_gtin(value)
    except InvalidGtin:
        return None


def transposed_gtins(value: str) -> list[str]:
    """Valid GTINs one swap of neighbouring digits away from `value`, as 14 digits.

    Swapping two neighbours is the commonest keying error on a barcode typed by hand; the
    check digit catches most of them, and these are the products the typist probably meant.
    """
    text = re.sub(r"[\s-]", "", str(value))
    if not text.isdigit() or len(text) not in GTIN_LENGTHS:
        return []
    found: list[str] = []
    for i in range(len(text) - 1):
        if text[i] == text[i + 1]:
            continue
        swapped = text[:i] + text[i + 1] + text[i] + text[i + 2 :]
        if ean.is_valid(swapped):
            found.append(swapped.zfill(14))
    return found


def normalise_sku(value: str) -> str:
    sku = value.strip()
    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._:/-]{0,63}", sku):
        raise ValueError("a SKU or code is 1 to 64 letters, digits, '.', '_', ':', '/' or '-'")
    return sku


def category_code(path: list[str]) -> str:
    """`["Femme", "Robes"]` -> `FEMME.ROBES`: a stable code for a path of category names."""
    parts = []
    for name in path:
        plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
        part = re.sub(r"[^A-Za-z0-9]+", "-", plain).strip("-").upper()
        if not part:
            raise ValueError(f"category name {name!r} has no letter or digit")
        parts.append(part)
    code = ".".join(parts)
    if len(code) > 64:
        raise ValueError(f"category path {' > '.join(path)!r} is too long for a code")
    return code


def split_category_path(text: str) -> list[str]:
    """`Femme > Robes` (or `Femme/Robes`) -> ["Femme", "Robes"]."""
    parts = [p.strip() for p in re.split(r"\s*[>/]\s*", text) if p.strip()]
    if not parts:
        raise ValueError("a category path needs at least one name")
    return parts

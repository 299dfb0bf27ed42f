"""Normalisation of customer source records as French channel systems export them.

Pure functions, no I/O. A bad value is never dropped: each normaliser returns a `Normalised`
with the cleaned value (the raw value when it cannot be cleaned, or None) and flags saying
what was wrong or repaired. Keys (`name_key`, `email_key`, ...) are the forms used for matching.

Flags: `empty`, `invalid`, `placeholder`, `implausible`, `zero_restored`, `domain_corrected`,
`relay`, `landline`, `mobile`, `unspecified`, `name_order_guessed`.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime
from functools import lru_cache
from typing import Any, Generic, NamedTuple, TypeVar

import phonenumbers

from omnicanal.customers.data_nicknames import GENDERED_NICKNAMES, NICKNAMES

T = TypeVar("T")

EMPTY = "empty"
INVALID = "invalid"
PLACEHOLDER = "placeholder"
IMPLAUSIBLE = "implausible"
ZERO_RESTORED = "zero_restored"
DOMAIN_CORRECTED = "domain_corrected"
RELAY = "relay"
LANDLINE = "landline"
MOBILE = "mobile"
UNSPECIFIED = "unspecified"


class Normalised(NamedTuple, Generic[T]):
    """A normalised value (None when there is none to give) and what was wrong or repaired.

    A named tuple rather than a frozen dataclass: a million records create several million of
    these, and a tuple is built several times faster."""

    value: T | None
    flags: tuple[str, ...] = ()


_EMPTY: Normalised[Any] = Normalised(None, (EMPTY,))
_SPACES = re.compile(r"\s+")
_NON_WORD = re.compile(r"[\W_]+")
_COMBINING = re.compile(r"[\u0300-\u036f]")
_LIGATURES = str.maketrans({"œ": "oe", "Œ": "OE", "æ": "ae", "Æ": "AE", "ß": "ss", "ø": "o"})
_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "`": "'", "´": "'", "ʼ": "'"})


def _ascii_fold(text: str) -> str:
    """Lower case without accents; letters of other scripts are kept."""
    text = text.lower()
    if text.isascii():
        return text
    return _COMBINING.sub("", unicodedata.normalize("NFKD", text.translate(_LIGATURES)))


def _key(text: str) -> str:
    """Accents stripped, lower case, every run of punctuation or space as one space."""
    return _NON_WORD.sub(" ", _ascii_fold(text)).strip()


# ---------------------------------------------------------------------------------------- names

# `de`, `du`, `des` are particles: lower case when another word follows (`de Gaulle`, but a
# name reduced to `DE` stays `De`). `d'` and `l'` are lower case inside a name
# (`Giscard d'Estaing`) and capitalised when they open it (`D'Angelo`). `le`, `la`, `les` are
# part of the surname (`Le Goff`, `de La Fontaine`) and always capitalised.
_PARTICLES = frozenset({"de", "du", "des"})
_ELIDED = frozenset({"d", "l"})
_NAME_PLACEHOLDERS = frozenset(
    {"x", "xx", "xxx", "xxxx", "inconnu", "inconnue", "nc", "na", "n a", "nom", "prenom",
     "test", "client", "anonyme", "aucun", "none", "null"}
)  # fmt: skip
_HYPHEN_SPACES = re.compile(r"\s*-\s*")
_DIGIT = re.compile(r"\d")


def _capitalise_word(word: str, first: bool) -> str:
    parts = []
    for part in word.split("-"):
        if "'" in part:
            pieces = [p[:1].upper() + p[1:].lower() for p in part.split("'")]
            if not first and pieces[0].lower() in _ELIDED:
                pieces[0] = pieces[0].lower()
            parts.append("'".join(pieces))
        else:
            parts.append(part[:1].upper() + part[1:].lower())
        first = False
    return "-".join(parts)


@lru_cache(maxsize=65_536)
def clean_name(raw: str | None) -> Normalised[str]:
    """Display form: trimmed, spaces collapsed, French capitalisation (`JEAN-PIERRE` ->
    `Jean-Pierre`, `DE LA FONTAINE` -> `de La Fontaine`, `D'ANGELO` -> `D'Angelo`)."""
    if raw is None or not raw.strip():
        return _EMPTY
    text = unicodedata.normalize("NFC", raw).translate(_APOSTROPHES)
    text = _HYPHEN_SPACES.sub("-", _SPACES.sub(" ", text).strip(" .,;")).strip("-")
    if not text:
        return _EMPTY
    words = text.split(" ")
    out = []
    for i, word in enumerate(words):
        low = word.lower()
        if low in _PARTICLES and i + 1 < len(words):
            out.append(low)
        else:
            out.append(_capitalise_word(word, first=i == 0))
    value = " ".join(out)
    flags: tuple[str, ...] = ()
    if _key(value) in _NAME_PLACEHOLDERS:
        flags = (PLACEHOLDER,)
    elif _DIGIT.search(value):
        flags = (INVALID,)
    return Normalised(value, flags)


@lru_cache(maxsize=65_536)
def name_key(raw: str | None) -> str:
    """Matching key: accents stripped, lower case, punctuation and hyphens as spaces."""
    return "" if raw is None else _key(raw)


@lru_cache(maxsize=65_536)
def first_name_key(raw: str | None, gender: str | None = None) -> str:
    """`name_key` with each common French nickname replaced by the full first name
    (`Cathy` -> `catherine`, `JB` -> `jean baptiste`, `Anne-So` -> `anne sophie`). A nickname
    shared by a man's and a woman's name (`Steph`) is settled by `gender` (`F`/`M`) and left
    as it is when the gender is unknown."""
    key = name_key(raw)
    if not key:
        return key
    if key in NICKNAMES and " " in key:
        return NICKNAMES[key]
    out = []
    for token in key.split(" "):
        by_gender = GENDERED_NICKNAMES.get(token)
        if by_gender is None:
            out.append(NICKNAMES.get(token, token))
        elif gender in by_gender:
            out.append(by_gender[gender])
        elif len(set(by_gender.values())) == 1:
            out.append(next(iter(by_gender.values())))
        else:
            out.append(token)
    return " ".join(out)


# `DUPONT née MARTIN`: used name first, birth name after. `MARTIN épouse DUPONT`, `MARTIN ep.
# DUPONT`, `MARTIN veuve DUPONT`: birth name first, the spouse's (used) name after.
_BORN = re.compile(r"\s+n[ée]e?\.?\s+", re.IGNORECASE)
_SPOUSE = re.compile(r"\s+(?:[ée]pouse|[ée]pse|[ée]p|veuve|vve)\.?\s+", re.IGNORECASE)
_PARENS = re.compile(r"[()]")


@lru_cache(maxsize=65_536)
def split_married_name(raw: str | None) -> tuple[str | None, str | None]:
    """(used name, birth name) in display form; (name, None) without a marker."""
    if raw is None or not raw.strip():
        return None, None
    text = " " + _PARENS.sub(" ", raw) + " "
    born = _BORN.split(text, maxsplit=1)
    if len(born) == 2:
        return clean_name(born[0]).value, clean_name(born[1]).value
    spouse = _SPOUSE.split(text, maxsplit=1)
    if len(spouse) == 2:
        return clean_name(spouse[1]).value, clean_name(spouse[0]).value
    return clean_name(raw).value, None


# --------------------------------------------------------------------------------------- e-mails

_DOMAIN_TYPOS = {
    "gmial.com": "gmail.com", "gmail.fr": "gmail.com", "gmai.com": "gmail.com",
    "gmal.com": "gmail.com", "gamil.com": "gmail.com", "gnail.com": "gmail.com",
    "gmaill.com": "gmail.com", "gmail.co": "gmail.com", "gmail.con": "gmail.com",
    "gmail.cm": "gmail.com", "gmail.om": "gmail.com", "gmail.cmo": "gmail.com",
    "hotmal.fr": "hotmail.fr", "hotmai.fr": "hotmail.fr", "hotmil.fr": "hotmail.fr",
    "homail.fr": "hotmail.fr", "hotmail.fe": "hotmail.fr", "hotmial.fr": "hotmail.fr",
    "hotmial.com": "hotmail.com", "hotmal.com": "hotmail.com", "hotmail.con": "hotmail.com",
    "orange.fe": "orange.fr", "orage.fr": "orange.fr", "ornage.fr": "orange.fr",
    "wanadoo.fe": "wanadoo.fr", "wanado.fr": "wanadoo.fr", "wanadoo.com": "wanadoo.fr",
    "yahooo.fr": "yahoo.fr", "yaho.fr": "yahoo.fr", "yahoo.fe": "yahoo.fr",
    "yahou.fr": "yahoo.fr", "yahooo.com": "yahoo.com", "yaho.com": "yahoo.com",
    "laposte.ne": "laposte.net", "lapost.net": "laposte.net", "laposte.nte": "laposte.net",
    "free.fe": "free.fr", "fre.fr": "free.fr", "sfr.fe": "sfr.fr",
    "outlok.fr": "outlook.fr", "outlook.fe": "outlook.fr", "outlok.com": "outlook.com",
    "iclou.com": "icloud.com", "icloud.con": "icloud.com", "icoud.com": "icloud.com",
    "iclould.com": "icloud.com", "icloud.co": "icloud.com", "oange.fr": "orange.fr",
    "hotamil.fr": "hotmail.fr", "hotmail.co": "hotmail.com", "yhaoo.fr": "yahoo.fr",
    "frre.fr": "free.fr", "srf.fr": "sfr.fr", "lapsote.net": "laposte.net",
    "outloo.fr": "outlook.fr", "wanadou.fr": "wanadoo.fr",
    # Real domains, but no consumer mailbox lives there: an address at them is a slip for the
    # French consumer domain.
    "orange.com": "orange.fr", "sfr.com": "sfr.fr", "laposte.fr": "laposte.net",
    "icloud.fr": "icloud.com",
}  # fmt: skip
_GMAIL = frozenset({"gmail.com", "googlemail.com"})
# Outlook.com's consumer domains, by the label before the top-level domain.
_MICROSOFT = frozenset({"hotmail", "outlook", "live", "msn"})
# Masked addresses issued by a marketplace or a relay service: stable within one source only.
_RELAY_DOMAINS = frozenset({"privaterelay.appleid.com", "mozmail.com", "duck.com"})
_RELAY_PREFIXES = ("acheteurs.", "marketplace.", "members.ebay.", "guest.booking.")
_EMAIL_PLACEHOLDER_LOCALS = frozenset(
    {"no", "noemail", "nomail", "pasdemail", "pas.de.mail", "aucun", "none", "null", "test",
     "x", "xx", "xxx", "inconnu", "nc"}
)  # fmt: skip
_EMAIL_PLACEHOLDER_DOMAINS = frozenset({"nomail.com", "noemail.com", "example.com", "test.com"})
_LOCAL = re.compile(r"^[^\s@\"(),:;<>\[\]\\]+$")
_DOMAIN = re.compile(r"^(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z]{2,}$")


@lru_cache(maxsize=65_536)
def normalise_email(raw: str | None) -> Normalised[str]:
    """Trimmed and lower case; common domain typos corrected; invalid syntax kept, flagged."""
    if raw is None or not raw.strip():
        return _EMPTY
    text = raw.strip().lower()
    if text.startswith("mailto:"):
        text = text[7:]
    text = text.strip("<> ")
    local, at, domain = text.rpartition("@")
    flags: list[str] = []
    if "," in domain:  # a comma typed for the dot: `gmail,com`
        domain = domain.replace(",", ".")
        flags.append(DOMAIN_CORRECTED)
    if not at or not local or not _LOCAL.match(local) or not _DOMAIN.match(domain):
        return Normalised(text, (INVALID,))
    fixed = _DOMAIN_TYPOS.get(domain)
    if fixed is not None:
        domain = fixed
        if not flags:
            flags.append(DOMAIN_CORRECTED)
    if domain in _RELAY_DOMAINS or domain.startswith(_RELAY_PREFIXES):
        flags.append(RELAY)
    if local in _EMAIL_PLACEHOLDER_LOCALS or domain in _EMAIL_PLACEHOLDER_DOMAINS:
        flags.append(PLACEHOLDER)
    return Normalised(f"{local}@{domain}", tuple(flags))


@lru_cache(maxsize=65_536)
def email_key(email: str | None) -> str:
    """Matching key: the normalised address with the rules its provider applies (Gmail ignores
    dots and `+tag`, googlemail is gmail; Outlook.com domains ignore `+tag`). '' when empty."""
    result = normalise_email(email)
    if result.value is None:
        return ""
    if INVALID in result.flags:
        return result.value
    local, _, domain = result.value.rpartition("@")
    if domain in _GMAIL:
        return local.partition("+")[0].replace(".", "") + "@gmail.com"
    if domain.partition(".")[0] in _MICROSOFT:
        return local.partition("+")[0] + "@" + domain
    return result.value


# ---------------------------------------------------------------------------------------- phones

_PHONE_JUNK = re.compile(r"[\s.\-/()]")
_NATIONAL_ZERO = re.compile(r"^(\+\d{1,3})\s*\(0\)")
# Numbers typed to fill a mandatory field (national significant number).
_PHONE_PLACEHOLDERS = frozenset({"123456789", "102030405"})
_LANDLINE_TYPES = frozenset(
    # 09 numbers (VoIP) are the box lines of French homes: shared by a household like a landline.
    {phonenumbers.PhoneNumberType.FIXED_LINE, phonenumbers.PhoneNumberType.VOIP}
)


# Fast path for French numbers, the bulk of the records: phonenumbers' own FR patterns applied
# to the national number directly (about 20 times cheaper than a full parse). Anything they do
# not recognise falls through to phonenumbers.
_FR_NATIONAL = re.compile(r"^(?:\+33|0033|0)([1-9]\d{8})$")
_FR_METADATA = phonenumbers.PhoneMetadata.metadata_for_region("FR")
_FR_MOBILE = re.compile(_FR_METADATA.mobile.national_number_pattern)
_FR_LANDLINE = re.compile(
    f"(?:{_FR_METADATA.fixed_line.national_number_pattern})"
    f"|(?:{_FR_METADATA.voip.national_number_pattern})"
)


def _phone_result(e164: str, kind: str | None, flags: list[str]) -> Normalised[str]:
    if kind is not None:
        flags.append(kind)
    national = e164[-9:]
    if national in _PHONE_PLACEHOLDERS or len(set(national[1:])) == 1:
        flags.append(PLACEHOLDER)
    return Normalised(e164, tuple(flags))


@lru_cache(maxsize=65_536)
def normalise_phone(raw: str | None, region: str = "FR") -> Normalised[str]:
    """E.164 (`+33612345678`) from the ways exports write it; `landline` or `mobile` flag;
    a 9-digit French number that lost its leading zero gets it back (`zero_restored`)."""
    if raw is None or not raw.strip():
        return _EMPTY
    text = raw.strip()
    region = region.upper()
    compact = _PHONE_JUNK.sub("", _NATIONAL_ZERO.sub(r"\1", text))
    flags: list[str] = []
    if region == "FR":
        if len(compact) == 9 and compact.isdigit() and compact[0] != "0":
            compact = "0" + compact
            flags.append(ZERO_RESTORED)
        if (match := _FR_NATIONAL.match(compact)) is not None:
            national = match[1]
            if _FR_MOBILE.fullmatch(national):
                return _phone_result("+33" + national, MOBILE, flags)
            if _FR_LANDLINE.fullmatch(national):
                return _phone_result("+33" + national, LANDLINE, flags)
    try:
        number = phonenumbers.parse(compact, region)
    except phonenumbers.NumberParseException:
        return Normalised(text, (INVALID,))
    if not phonenumbers.is_valid_number(number):
        return Normalised(text, (INVALID,))
    kind = phonenumbers.number_type(number)
    e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    if kind in _LANDLINE_TYPES:
        return _phone_result(e164, LANDLINE, flags)
    if kind == phonenumbers.PhoneNumberType.MOBILE:
        return _phone_result(e164, MOBILE, flags)
    return _phone_result(e164, None, flags)


# ----------------------------------------------------------------------------------- birth dates

_ISO_DATE = re.compile(r"^(\d{4})[-/](\d{1,2})[-/](\d{1,2})(?:[T ].*)?$")
_DAY_FIRST = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4}|\d{2})(?:[T ].*)?$")
_EIGHT_DIGITS = re.compile(r"^\d{8}$")
_PLACEHOLDER_DATES = frozenset({date(1900, 1, 1)})
_EARLIEST = date(1900, 1, 1)


def _make_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _plausible(value: date, today: date) -> bool:
    return _EARLIEST <= value <= today


@lru_cache(maxsize=65_536)
def _parse_birth_date(raw: str, today: date) -> Normalised[date]:
    text = raw.strip()
    found: date | None = None
    if match := _ISO_DATE.match(text):
        found = _make_date(int(match[1]), int(match[2]), int(match[3]))
    elif match := _DAY_FIRST.match(text):
        day, month, year_text = int(match[1]), int(match[2]), match[3]
        year = int(year_text)
        if len(year_text) == 2:
            # Two-digit year: the latest century that puts the birth on or before today.
            year += today.year // 100 * 100
            candidate = _make_date(year, month, day)
            if candidate is not None and candidate > today:
                year -= 100
        found = _make_date(year, month, day)
    elif _EIGHT_DIGITS.match(text):
        # yyyymmdd as most exports write it; ddmmyyyy when that is the only plausible reading.
        found = _make_date(int(text[:4]), int(text[4:6]), int(text[6:]))
        if found is None or not _plausible(found, today):
            other = _make_date(int(text[4:]), int(text[2:4]), int(text[:2]))
            if other is not None and _plausible(other, today):
                found = other
    if found is None:
        return Normalised(None, (INVALID,))
    if found in _PLACEHOLDER_DATES:
        return Normalised(None, (PLACEHOLDER,))
    if not _plausible(found, today):
        return Normalised(None, (IMPLAUSIBLE,))
    return Normalised(found)


def parse_birth_date(raw: str | date | None, today: date | None = None) -> Normalised[date]:
    """A birth date from ISO, `dd/mm/yyyy`, `dd.mm.yyyy`, `dd-mm-yy`, `yyyymmdd` (day first, as
    in France); `01/01/1900` is a placeholder; future dates or before 1900 are implausible."""
    if isinstance(raw, date):  # Parquet and JSON loaders may already give a date
        raw = (raw.date() if isinstance(raw, datetime) else raw).isoformat()
    if raw is None or not raw.strip():
        return _EMPTY
    return _parse_birth_date(raw, today or date.today())


# ------------------------------------------------------------------------------------- addresses

# Countries whose addresses use French 5-digit postal codes (Monaco and the overseas territories).
_FRENCH_POSTAL = frozenset(
    {"FR", "MC", "GP", "MQ", "GF", "RE", "YT", "PM", "BL", "MF", "NC", "PF", "WF"}
)
_FRENCH_CODE = re.compile(r"^(?:0[1-9]|[1-8]\d|9[0-578])\d{3}$")
_EXCEL_DECIMAL = re.compile(r"\.0+$")


@lru_cache(maxsize=65_536)
def normalise_postal_code(raw: str | None, country: str | None = "FR") -> Normalised[str]:
    """French codes as 5 digits: a 4-digit code gets its lost leading zero back
    (`zero_restored`), Corsican `2A`/`2B` become `20`; other countries: trimmed, upper case."""
    if raw is None or not raw.strip():
        return _EMPTY
    text = _SPACES.sub("", raw).upper()
    if (country or "FR").upper() not in _FRENCH_POSTAL:
        return Normalised(text)
    text = _EXCEL_DECIMAL.sub("", text)
    if text[:2] in ("2A", "2B"):
        text = "20" + text[2:]
    flags: tuple[str, ...] = ()
    if len(text) == 4 and text.isdigit():
        text = "0" + text
        flags = (ZERO_RESTORED,)
    if not _FRENCH_CODE.match(text):
        return Normalised(raw.strip(), (INVALID,))
    return Normalised(text, flags)


_STREET_WORDS = {
    "av": "avenue", "ave": "avenue", "avn": "avenue", "bd": "boulevard", "bld": "boulevard",
    "blvd": "boulevard", "bvd": "boulevard", "boul": "boulevard", "r": "rue", "pl": "place",
    "ch": "chemin", "chem": "chemin", "imp": "impasse", "all": "allee", "st": "saint",
    "ste": "sainte", "gal": "general", "gen": "general", "fg": "faubourg", "fbg": "faubourg",
    "rte": "route", "crs": "cours", "sq": "square", "qu": "quai", "res": "residence",
    "bat": "batiment", "lot": "lotissement", "mal": "marechal", "pdt": "president",
    "dr": "docteur", "cdt": "commandant", "ham": "hameau", "pte": "porte",
}  # fmt: skip
_HOUSE_SUFFIXES = {"b": "bis", "bis": "bis", "t": "ter", "ter": "ter", "quater": "quater"}
_STREET_TYPES = frozenset(
    {"rue", "avenue", "boulevard", "place", "chemin", "impasse", "allee", "route", "cours",
     "square", "quai", "faubourg"}
)  # fmt: skip
_STREET_TOKEN = re.compile(r"\d+|[^\W\d_]+")


@lru_cache(maxsize=65_536)
def street_key(raw: str | None) -> str:
    """Matching key of a street line: accents stripped, lower case, abbreviations expanded
    (`12 B AV. DU GAL DE GAULLE` -> `12 bis avenue du general de gaulle`)."""
    if raw is None:
        return ""
    tokens = _STREET_TOKEN.findall(_ascii_fold(raw))
    out: list[str] = []
    for i, token in enumerate(tokens):
        after_number = bool(out) and out[-1].isdigit()
        if token.isdigit():
            out.append(token.lstrip("0") or "0")
        elif after_number and token in _HOUSE_SUFFIXES:
            out.append(_HOUSE_SUFFIXES[token])
        elif token == "q":
            # `12 q rue X` is quater, `12 q. de la Marne` a quai: a street type follows quater.
            following = (
                _STREET_WORDS.get(tokens[i + 1], tokens[i + 1]) if i + 1 < len(tokens) else ""
            )
            out.append("quater" if after_number and following in _STREET_TYPES else "quai")
        else:
            out.append(_STREET_WORDS.get(token, token))
    return " ".join(out)


_CEDEX = re.compile(r"\bcedex(?:\s*\d+)?\b")
_ARRONDISSEMENT = re.compile(r"\s+\d{1,2}\s*(?:e|eme|er)?(?:\s+arrondissement)?$")
_CITY_WORDS = {"st": "saint", "ste": "sainte", "s": "sur"}


@lru_cache(maxsize=65_536)
def city_key(raw: str | None) -> str:
    """Matching key of a city: accents stripped, lower case, `ST` as saint, hyphens as spaces,
    `CEDEX n` and a trailing arrondissement (`PARIS 15E`) removed."""
    if raw is None:
        return ""
    text = _NON_WORD.sub(" ", _ascii_fold(raw))
    text = _ARRONDISSEMENT.sub("", _CEDEX.sub(" ", text).strip())
    return " ".join(_CITY_WORDS.get(t, t) for t in text.split())


_COUNTRIES = {
    "fr": "FR", "fra": "FR", "france": "FR", "f": "FR", "france metropolitaine": "FR",
    "be": "BE", "bel": "BE", "belgique": "BE", "belgium": "BE",
    "ch": "CH", "che": "CH", "suisse": "CH", "switzerland": "CH",
    "lu": "LU", "lux": "LU", "luxembourg": "LU", "mc": "MC", "mco": "MC", "monaco": "MC",
    "de": "DE", "deu": "DE", "allemagne": "DE", "germany": "DE",
    "es": "ES", "esp": "ES", "espagne": "ES", "spain": "ES",
    "it": "IT", "ita": "IT", "italie": "IT", "italy": "IT",
    "gb": "GB", "uk": "GB", "gbr": "GB", "royaume uni": "GB", "united kingdom": "GB",
    "pt": "PT", "prt": "PT", "portugal": "PT", "nl": "NL", "nld": "NL", "pays bas": "NL",
    "gp": "GP", "guadeloupe": "GP", "mq": "MQ", "martinique": "MQ", "gf": "GF",
    "guyane": "GF", "re": "RE", "reunion": "RE", "la reunion": "RE", "yt": "YT",
    "mayotte": "YT",
}  # fmt: skip


@lru_cache(maxsize=1024)
def normalise_country(raw: str | None) -> Normalised[str]:
    """ISO 3166 alpha-2 from a code or a French or English name; unknown -> None, `invalid`."""
    if raw is None or not raw.strip():
        return _EMPTY
    code = _COUNTRIES.get(_key(raw))
    if code is None and len(raw.strip()) == 2 and raw.strip().isalpha():
        code = raw.strip().upper()
    return Normalised(code) if code else Normalised(None, (INVALID,))


# ----------------------------------------------------------------------------------------- gender

_GENDERS = {
    "m": "M", "mr": "M", "monsieur": "M", "h": "M", "homme": "M", "male": "M", "masculin": "M",
    "1": "M", "f": "F", "mme": "F", "madame": "F", "mlle": "F", "melle": "F",
    "mademoiselle": "F", "mrs": "F", "ms": "F", "miss": "F", "femme": "F", "female": "F",
    "feminin": "F", "2": "F",
}  # fmt: skip
_NO_GENDER = frozenset({"x", "u", "n", "nc", "autre", "inconnu", "non precise", "other"})


@lru_cache(maxsize=256)
def normalise_gender(raw: str | None) -> Normalised[str]:
    """`F` or `M` from a civility or a sex code (`Mme`, `Monsieur`, `H`, INSEE `1`/`2`, ...);
    a deliberate non-answer (`X`, `Autre`) -> None, `unspecified`; unknown -> None, `invalid`."""
    if raw is None or not raw.strip():
        return _EMPTY
    key = _key(raw)
    gender = _GENDERS.get(key)
    if gender is not None:
        return Normalised(gender)
    return Normalised(None, (UNSPECIFIED if key in _NO_GENDER else INVALID,))


# ------------------------------------------------------------------------------------ full names

NAME_ORDER_GUESSED = "name_order_guessed"
_INITIAL = re.compile(r"^[^\W\d_]\.?$")


@lru_cache(maxsize=65_536)
def split_full_name(raw: str) -> tuple[str | None, str | None]:
    """(first name, last name) of a name given in one field, as marketplaces hand buyers
    over: `Marie Dupont`, `DUPONT Marie`, `Marie DUPONT`, `M. Dupont`. Words in capitals are
    the last name, an initial is the first name; otherwise the first word is the first name
    (the matching also compares names crosswise, for `Dupont Marie`)."""
    words = _SPACES.sub(" ", raw).strip().split(" ")
    if len(words) < 2:
        return None, (words[0] or None) if words else None
    capitals = [w.isupper() and len(w.strip(".")) > 1 for w in words]
    if any(capitals) and not all(capitals):
        last = " ".join(w for w, c in zip(words, capitals, strict=True) if c)
        first = " ".join(w for w, c in zip(words, capitals, strict=True) if not c)
        return first, last
    if _INITIAL.match(words[-1]) and not _INITIAL.match(words[0]):
        return words[-1], " ".join(words[:-1])
    return words[0], " ".join(words[1:])


# ----------------------------------------------------------------------------------------- record

_PHONE_REGIONS = frozenset(phonenumbers.SUPPORTED_REGIONS)


def clean_text(raw: str | None) -> Normalised[str]:
    """Trimmed, inner spaces collapsed; blank -> None, `empty`."""
    if raw is None or not raw.strip():
        return _EMPTY
    return Normalised(_SPACES.sub(" ", raw).strip())


def normalise_record(
    fields: dict[str, Any], region: str = "FR", today: date | None = None
) -> dict[str, Any]:
    """Every known field normalised, with matching keys and a flat list of `{field, flag}`.

    A field absent or None gives None without a flag; a blank one is flagged `empty`. The phone
    is read in the record's country when known, else in `region`; the postal code likewise. A
    last name such as `DUPONT née MARTIN` is split into `last_name` and `birth_name`.
    """
    out: dict[str, Any] = {}
    flags: list[dict[str, str]] = []

    def take(field: str, normaliser: Any, *args: Any) -> Any:
        raw = fields.get(field)
        if raw is None:
            out[field] = None
            return None
        value, found = normaliser(raw, *args)
        for flag in found:
            flags.append({"field": field, "flag": flag})
        out[field] = value
        return value

    country = take("country", normalise_country)
    gender = take("gender", normalise_gender)
    local_region = country if country in _PHONE_REGIONS else region

    if fields.get("full_name") and not fields.get("first_name") and not fields.get("last_name"):
        first, last = split_full_name(fields["full_name"])
        fields = {**fields, "first_name": first, "last_name": last}
        flags.append({"field": "full_name", "flag": NAME_ORDER_GUESSED})
    take("first_name", clean_name)
    out["first_name_key"] = first_name_key(fields.get("first_name"), gender) or None

    take("last_name", clean_name)
    used, birth = split_married_name(fields.get("last_name"))
    if birth is not None:
        out["last_name"] = used
    out["birth_name"] = birth
    out["last_name_key"] = name_key(out["last_name"]) or None
    out["birth_name_key"] = name_key(birth) or None

    take("email", normalise_email)
    out["email_key"] = email_key(fields.get("email")) or None
    email_flags = {f["flag"] for f in flags if f["field"] == "email"}
    # Relay and placeholder addresses say nothing about the person; invalid ones may be typos
    # of a real address and are still compared.
    usable = out["email_key"] is not None and not email_flags & {RELAY, PLACEHOLDER}
    out["email_match_key"] = out["email_key"] if usable else None
    take("phone", normalise_phone, local_region)
    take("mobile", normalise_phone, local_region)
    out["mobile_key"] = out["landline_key"] = None
    for name in ("mobile", "phone"):  # the mobile field wins over a mobile in `phone`
        number = out.get(name)
        if number is None:
            continue
        found = {f["flag"] for f in flags if f["field"] == name}
        if PLACEHOLDER in found or INVALID in found:
            continue
        if MOBILE in found and out["mobile_key"] is None:
            out["mobile_key"] = number
        elif LANDLINE in found and out["landline_key"] is None:
            out["landline_key"] = number
    take("birth_date", parse_birth_date, today)
    take("street", clean_text)
    out["street_key"] = street_key(fields.get("street")) or None
    take("postal_code", normalise_postal_code, country or region)
    take("city", clean_text)
    out["city_key"] = city_key(fields.get("city")) or None
    out["flags"] = flags
    return out

"""The identity-resolution model: what two customer records are compared on, and how.

Pure, no I/O. A pair of `MatchRecord`s gets one level per comparison (`comparison_levels`);
a `MatchModel` of Fellegi–Sunter m and u probabilities turns the levels into a match weight
(log2 Bayes factor) and a probability; `decide` applies the deterministic identifiers and the
household rule on top and gives one of three outcomes: merge, review, distinct.

The same levels are written twice: as Python for one pair at a time (real-time attach, the
review queue's evidence) and as SQL for millions of pairs at once (`level_sql`, run by DuckDB
in-process and by Spark beyond one machine). Only functions that both engines implement the
same way are used (`levenshtein`, `substr`, `instr`, `length`; `damerau_levenshtein`, which
Spark lacks, is given to it by `customers.spark`), and a test checks the two forms agree on
random pairs.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import Any, Literal

from rapidfuzz.distance import DamerauLevenshtein, Levenshtein

from omnicanal.customers import normalise

Outcome = Literal["merge", "review", "distinct"]
MERGE: Outcome = "merge"
REVIEW: Outcome = "review"
DISTINCT: Outcome = "distinct"

# The matching form of a record: keys already normalised by `normalise`, None when unknown.
FIELDS = (
    "id", "fn", "ln", "bn", "ln_fn", "fn_ln", "email", "email_local", "mobile", "landline", "dob",
    "pc", "street", "city", "gender", "card", "fn_tier", "ln_tier",
)  # fmt: skip
# How common a name is, for the weight of agreeing on it (Splink's term frequencies, in tiers
# so that every pair still falls into a small number of patterns): a share of the records at
# or above COMMON is tier 0, at or above MEDIUM tier 1, rarer names tier 2.
COMMON_SHARE = 0.004
MEDIUM_SHARE = 0.0004
RARE = 2


@dataclass(frozen=True, slots=True)
class MatchRecord:
    id: str
    fn: str | None = None  # first-name key, nicknames resolved (`cathy` -> `catherine`)
    ln: str | None = None  # last-name key (used name)
    bn: str | None = None  # birth-name key, when the record gives one (`MARTIN née DUPONT`)
    ln_fn: str | None = None  # the last name read as a first name: for swapped names
    fn_ln: str | None = None  # the first name read as a last name (no nickname resolved)
    email: str | None = None  # e-mail key (provider rules applied); relay addresses left out
    email_local: str | None = None
    mobile: str | None = None  # E.164, a personal line
    landline: str | None = None  # E.164, shared by a household
    dob: str | None = None  # ISO yyyy-mm-dd
    pc: str | None = None
    street: str | None = None  # street key
    city: str | None = None  # city key
    gender: str | None = None
    card: str | None = None  # loyalty card number
    fn_tier: int = RARE  # how common the first name is: 0 common, 1 medium, 2 rare
    ln_tier: int = RARE

    def as_row(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in FIELDS}


_DIGITS = re.compile(r"[0-9]")


def _lev(a: str, b: str) -> int:
    return Levenshtein.distance(a, b)


def _one_edit(a: str, b: str) -> bool:
    """At most one edit apart, a transposition counting as one (`Liam`, `Laim`): Damerau–
    Levenshtein, computed only when Levenshtein says two (it is several times dearer)."""
    distance = Levenshtein.distance(a, b)
    return distance <= 1 or (distance == 2 and DamerauLevenshtein.distance(a, b) == 1)


def _one_edit_sql(x: str, y: str) -> str:
    # DuckDB's `damerau_levenshtein` (Spark gets it as a function of ours, customers.spark).
    # The length test first: it is what most pairs fail, and costs nothing.
    return (
        f"(abs(length({x}) - length({y})) <= 1 AND (levenshtein({x}, {y}) <= 1 "
        f"OR (levenshtein({x}, {y}) = 2 AND damerau_levenshtein({x}, {y}) = 1)))"
    )


def _contains(haystack: str, needle: str) -> bool:
    return (" " + needle + " ") in (" " + haystack + " ")


# ------------------------------------------------------------------------------- comparisons
# Each comparison: its levels from the highest agreement down to 0 (disagreement); None when
# either side lacks the value. Level labels are for people (the review queue's evidence).


def _first_name(x: str | None, y: str | None, tier: int) -> int:
    if not x or not y:
        return -1
    if x == y:
        return 3 + tier
    short, long = (x, y) if len(x) <= len(y) else (y, x)
    if (len(short) >= 3 and _one_edit(x, y)) or long.startswith(short + " "):
        return 2
    if (
        (len(short) == 1 and long[:1] == short)
        or (len(short) >= 6 and _lev(x, y) <= 2)
        or (len(short) >= 3 and long.startswith(short))
    ):
        return 1
    return 0


def _last_name(
    x: str | None, y: str | None, x_birth: str | None, y_birth: str | None, tier: int
) -> int:
    if not x or not y:
        return -1
    if x == y:
        return 3 + tier
    if (
        (x_birth is not None and x_birth in (y, y_birth))
        or (y_birth is not None and y_birth == x)
        or _contains(x, y)
        or _contains(y, x)
    ):
        return 2
    if _one_edit(x, y) or (_lev(x, y) <= 2 and min(len(x), len(y)) >= 7):
        return 1
    return 0


def name_levels(a: MatchRecord, b: MatchRecord) -> tuple[int, int]:
    """(first-name level, last-name level), names read straight or crosswise (`Dupont
    Marie` against `Marie Dupont`), whichever agrees more."""
    straight = (_first_name(a.fn, b.fn, a.fn_tier), _last_name(a.ln, b.ln, a.bn, b.bn, a.ln_tier))
    if not _may_be_crossed(a, b):
        return straight
    crossed = (
        _first_name(a.fn, b.ln_fn, a.fn_tier),
        _last_name(a.ln, b.fn_ln, None, None, a.ln_tier),
    )
    return crossed if sum(crossed) > sum(straight) else straight


def _may_be_crossed(a: MatchRecord, b: MatchRecord) -> bool:
    """Names are read crosswise only when an initial agrees crosswise (cheap, and a swap
    that also mistyped both initials is past recognising)."""
    return bool(
        (a.fn and b.ln_fn and a.fn[:1] == b.ln_fn[:1])
        or (a.ln and b.fn_ln and a.ln[:1] == b.fn_ln[:1])
    )


def first_name_level(a: MatchRecord, b: MatchRecord) -> int | None:
    level = name_levels(a, b)[0]
    return None if level < 0 else level


def last_name_level(a: MatchRecord, b: MatchRecord) -> int | None:
    level = name_levels(a, b)[1]
    return None if level < 0 else level


def birth_date_level(a: MatchRecord, b: MatchRecord) -> int | None:
    if not a.dob or not b.dob:
        return None
    if a.dob == b.dob:
        return 2
    ya, ma, da = a.dob[:4], a.dob[5:7], a.dob[8:10]
    yb, mb, db = b.dob[:4], b.dob[5:7], b.dob[8:10]
    same = (ya == yb) + (ma == mb) + (da == db)
    if same == 2 or (ya == yb and ma == db and da == mb) or _lev(a.dob, b.dob) <= 1:
        return 1
    return 0


def email_level(a: MatchRecord, b: MatchRecord) -> int | None:
    if not a.email or not b.email:
        return None
    if a.email == b.email:
        return 3
    if a.email_local == b.email_local and _DIGITS.search(a.email_local or ""):
        return 2
    if _lev(a.email, b.email) <= 1:
        return 1
    return 0


def mobile_level(a: MatchRecord, b: MatchRecord) -> int | None:
    if not a.mobile or not b.mobile:
        return None
    return 1 if a.mobile == b.mobile else 0


def landline_level(a: MatchRecord, b: MatchRecord) -> int | None:
    if not a.landline or not b.landline:
        return None
    return 1 if a.landline == b.landline else 0


def address_level(a: MatchRecord, b: MatchRecord) -> int | None:
    """The same home may come with a typo in the street (`23 bacchus hircuit`) or in the
    postal code (a key mistyped, two digits swapped: `2450`, `2405`): a close street counts in
    the same city as in the same postal code, and a postal code one typo off in the same city
    as the same postal code. (Other cities' close streets are not compared: a Levenshtein
    distance on most pairs for a handful of homes.)"""
    same_city = bool(a.city and a.city == b.city)
    if a.pc and b.pc:
        if a.pc == b.pc:
            if a.street and a.street == b.street:
                return 3
            return 2 if _close_street(a, b) else 1
        if same_city:
            return 2 if _close_street(a, b) else 1 if _one_edit(a.pc, b.pc) else 0
        return 2 if a.street and a.street == b.street and _one_edit(a.pc, b.pc) else 0
    if same_city:
        return 2 if _close_street(a, b) else 1
    return None


def _close_street(a: MatchRecord, b: MatchRecord) -> bool:
    return bool(a.street and b.street and _lev(a.street, b.street) <= 3)


def gender_level(a: MatchRecord, b: MatchRecord) -> int | None:
    if not a.gender or not b.gender:
        return None
    return 1 if a.gender == b.gender else 0


@dataclass(frozen=True)
class Comparison:
    name: str
    levels: int  # number of levels, 0 .. levels-1
    labels: tuple[str, ...]
    python: Any
    sql: str


def _first_name_sql(x: str, y: str, tier: str) -> str:
    short = f"least(length({x}), length({y}))"
    distance = f"levenshtein({x}, {y})"

    def starts(long: str, short_: str, sep: str) -> str:
        return (
            f"(length({short_}) < length({long}) AND "
            f"substr({long}, 1, length({short_}){' + 1' if sep else ''}) = {short_}{sep})"
        )

    return f"""CASE WHEN {x} IS NULL OR {y} IS NULL THEN -1
            WHEN {x} = {y} THEN 3 + {tier}
            WHEN ({short} >= 3 AND {_one_edit_sql(x, y)})
              OR {starts(y, x, " || ' '")} OR {starts(x, y, " || ' '")} THEN 2
            WHEN (length({x}) = 1 AND length({y}) > 1 AND substr({y}, 1, 1) = {x})
              OR (length({y}) = 1 AND length({x}) > 1 AND substr({x}, 1, 1) = {y})
              OR ({short} >= 6 AND abs(length({x}) - length({y})) <= 2 AND {distance} <= 2)
              OR ({short} >= 3 AND ({starts(y, x, "")} OR {starts(x, y, "")})) THEN 1
            ELSE 0 END"""


def _last_name_sql(x: str, y: str, x_birth: str, y_birth: str, tier: str) -> str:
    distance = f"levenshtein({x}, {y})"
    return f"""CASE WHEN {x} IS NULL OR {y} IS NULL THEN -1
            WHEN {x} = {y} THEN 3 + {tier}
            WHEN ({x_birth} IS NOT NULL AND ({x_birth} = {y} OR {x_birth} = {y_birth}))
              OR ({y_birth} IS NOT NULL AND {y_birth} = {x})
              OR instr(' ' || {x} || ' ', ' ' || {y} || ' ') > 0
              OR instr(' ' || {y} || ' ', ' ' || {x} || ' ') > 0 THEN 2
            WHEN {_one_edit_sql(x, y)}
              OR (least(length({x}), length({y})) >= 7 AND abs(length({x}) - length({y})) <= 2
                  AND {distance} <= 2) THEN 1
            ELSE 0 END"""


_SAME_CITY = "(l.city IS NOT NULL AND r.city IS NOT NULL AND l.city = r.city)"
_CLOSE_STREET = (
    "(l.street IS NOT NULL AND r.street IS NOT NULL"
    " AND abs(length(l.street) - length(r.street)) <= 3 AND levenshtein(l.street, r.street) <= 3)"
)

_MAY_BE_CROSSED = (
    "((l.fn IS NOT NULL AND r.ln_fn IS NOT NULL AND substr(l.fn, 1, 1) = substr(r.ln_fn, 1, 1))"
    " OR (l.ln IS NOT NULL AND r.fn_ln IS NOT NULL AND substr(l.ln, 1, 1) = substr(r.fn_ln, 1, 1)))"
)

# Names are compared straight and crosswise in an inner query (`name_parts_sql`); the outer
# query keeps the reading that agrees more, as `name_levels` does.
NAME_PARTS_SQL = ",\n".join(
    (
        f"{_first_name_sql('l.fn', 'r.fn', 'l.fn_tier')} AS fn_straight",
        f"{_last_name_sql('l.ln', 'r.ln', 'l.bn', 'r.bn', 'l.ln_tier')} AS ln_straight",
        f"CASE WHEN {_MAY_BE_CROSSED} THEN {_first_name_sql('l.fn', 'r.ln_fn', 'l.fn_tier')} "
        "ELSE -1 END AS fn_crossed",
        f"CASE WHEN {_MAY_BE_CROSSED} "
        f"THEN {_last_name_sql('l.ln', 'r.fn_ln', 'NULL', 'NULL', 'l.ln_tier')} "
        "ELSE -1 END AS ln_crossed",
    )
)
_CROSSED = "fn_crossed + ln_crossed > fn_straight + ln_straight"

COMPARISONS: tuple[Comparison, ...] = (
    Comparison(
        "first_name",
        6,
        ("different", "initial or close", "close or compound", "same, a common name",
         "same, a less common name", "same, a rare name"),
        first_name_level,
        f"CASE WHEN {_CROSSED} THEN fn_crossed ELSE fn_straight END",
    ),
    Comparison(
        "last_name",
        6,
        ("different", "close", "birth or compound name", "same, a common name",
         "same, a less common name", "same, a rare name"),
        last_name_level,
        f"CASE WHEN {_CROSSED} THEN ln_crossed ELSE ln_straight END",
    ),
    Comparison(
        "birth_date",
        3,
        ("different", "one part differs", "same"),
        birth_date_level,
        """CASE WHEN l.dob IS NULL OR r.dob IS NULL THEN -1
            WHEN l.dob = r.dob THEN 2
            WHEN (CASE WHEN substr(l.dob, 1, 4) = substr(r.dob, 1, 4) THEN 1 ELSE 0 END
                + CASE WHEN substr(l.dob, 6, 2) = substr(r.dob, 6, 2) THEN 1 ELSE 0 END
                + CASE WHEN substr(l.dob, 9, 2) = substr(r.dob, 9, 2) THEN 1 ELSE 0 END) = 2
              OR (substr(l.dob, 1, 4) = substr(r.dob, 1, 4)
                  AND substr(l.dob, 6, 2) = substr(r.dob, 9, 2)
                  AND substr(l.dob, 9, 2) = substr(r.dob, 6, 2))
              OR levenshtein(l.dob, r.dob) <= 1 THEN 1
            ELSE 0 END""",
    ),
    Comparison(
        "email",
        4,
        ("different", "one typo", "same mailbox name with digits", "same"),
        email_level,
        """CASE WHEN l.email IS NULL OR r.email IS NULL THEN -1
            WHEN l.email = r.email THEN 3
            WHEN l.email_local = r.email_local
                 AND translate(l.email_local, '0123456789', '') <> l.email_local THEN 2
            WHEN abs(length(l.email) - length(r.email)) <= 1
                 AND levenshtein(l.email, r.email) <= 1 THEN 1
            ELSE 0 END""",
    ),
    Comparison(
        "mobile",
        2,
        ("different", "same"),
        mobile_level,
        """CASE WHEN l.mobile IS NULL OR r.mobile IS NULL THEN -1
            WHEN l.mobile = r.mobile THEN 1 ELSE 0 END""",
    ),
    Comparison(
        "landline",
        2,
        ("different", "same"),
        landline_level,
        """CASE WHEN l.landline IS NULL OR r.landline IS NULL THEN -1
            WHEN l.landline = r.landline THEN 1 ELSE 0 END""",
    ),
    Comparison(
        "address",
        4,
        ("other postal code", "same postal code or city",
         "close street, or the same street with a postal code typo", "same street and postal code"),
        address_level,
        f"""CASE WHEN l.pc IS NOT NULL AND r.pc IS NOT NULL THEN
                CASE WHEN l.pc = r.pc THEN
                    CASE WHEN l.street IS NOT NULL AND l.street = r.street THEN 3
                         WHEN {_CLOSE_STREET} THEN 2
                         ELSE 1 END
                WHEN {_SAME_CITY} THEN
                    CASE WHEN {_CLOSE_STREET} THEN 2
                         WHEN {_one_edit_sql("l.pc", "r.pc")} THEN 1
                         ELSE 0 END
                WHEN l.street IS NOT NULL AND l.street = r.street THEN
                    CASE WHEN {_one_edit_sql("l.pc", "r.pc")} THEN 2 ELSE 0 END
                ELSE 0 END
            WHEN {_SAME_CITY} THEN
                CASE WHEN {_CLOSE_STREET} THEN 2 ELSE 1 END
            ELSE -1 END""",
    ),
    Comparison(
        "gender",
        2,
        ("different", "same"),
        gender_level,
        """CASE WHEN l.gender IS NULL OR r.gender IS NULL THEN -1
            WHEN l.gender = r.gender THEN 1 ELSE 0 END""",
    ),
)  # fmt: skip
COMPARISON_NAMES = tuple(c.name for c in COMPARISONS)
_INDEX = {c.name: i for i, c in enumerate(COMPARISONS)}


def comparison_levels(a: MatchRecord, b: MatchRecord) -> tuple[int, ...]:
    """One level per comparison, -1 where either side lacks the value. Both names come from
    one reading (`name_levels`), the other comparisons from their own function."""
    out = list(name_levels(a, b))
    for level_of in _OTHER_LEVELS:
        level = level_of(a, b)
        out.append(-1 if level is None else level)
    return tuple(out)


_NAMES = ("first_name", "last_name")
# The names come first (`comparison_levels` reads them together); then the others, in order.
assert COMPARISON_NAMES[: len(_NAMES)] == _NAMES
_OTHER_LEVELS = tuple(c.python for c in COMPARISONS[len(_NAMES) :])


def level_sql() -> tuple[str, str]:
    """Two SELECT lists: the inner one over pairs of a table aliased `l` and `r` (every level
    but the names, and the names read both ways), the outer one over the inner's columns
    (every level, each named after its comparison)."""
    inner = [NAME_PARTS_SQL] + [f"{c.sql} AS {c.name}" for c in COMPARISONS if c.name not in _NAMES]
    outer = [f"{c.sql} AS {c.name}" if c.name in _NAMES else c.name for c in COMPARISONS]
    return ",\n".join(inner), ", ".join(outer)


# ---------------------------------------------------------------------------------- blocking
# Pairs are compared only when they agree exactly on one of these key sets (Splink's blocking
# rules). Each rule keeps its blocks small enough that the cost grows near-linearly; together
# they catch the pairs that a change of name, address, e-mail or phone would otherwise hide.

BLOCKING_RULES: tuple[tuple[tuple[str, str], ...], ...] = (
    (("email", "email"),),
    (("mobile", "mobile"),),
    (("landline", "landline"),),
    (("fn", "fn"), ("dob", "dob")),
    (("ln", "ln"), ("dob", "dob")),
    (("fn", "fn"), ("ln", "ln"), ("pc", "pc")),
    (("fn", "fn"), ("ln", "ln"), ("city", "city")),
    # One name and the postal code, with the other name's initial: a typo in a name, a
    # married name (blocks of a name and a postal code alone grow with the square of the file).
    (("ln", "ln"), ("pc", "pc"), ("fn1", "fn1")),
    (("fn", "fn"), ("pc", "pc"), ("ln1", "ln1")),
    (("fn", "ln_fn"), ("ln", "fn_ln"), ("pc", "pc")),  # first and last names swapped
    (("bn", "ln"), ("fn", "fn")),  # birth name on one side, used name on the other
    (("street", "street"), ("pc", "pc")),
    (("street", "street"), ("city", "city"), ("ln1", "ln1")),  # a postal code mistyped
    (("dob", "dob"), ("pc", "pc")),
    (("dob", "dob"), ("city", "city")),
    (("fn", "ln_fn"), ("ln", "fn_ln"), ("dob", "dob")),
)
# Columns the batch engines derive from the records for blocking (not compared).
DERIVED_BLOCKING_COLUMNS = {"fn1": "fn", "ln1": "ln"}  # the initial of ...


# --------------------------------------------------------------------------------------- model


def log_ratios(
    m: Mapping[str, Sequence[float]], u: Mapping[str, Sequence[float]]
) -> dict[str, list[float]]:
    """log2(m/u) of every level of every comparison."""
    return {name: [math.log2(a / b) for a, b in zip(m[name], u[name], strict=True)] for name in m}


@dataclass(frozen=True)
class MatchModel:
    """Fellegi–Sunter parameters: per comparison, P(level | match) and P(level | non-match);
    `prior` is the probability that two compared records are the same person."""

    m: dict[str, list[float]]
    u: dict[str, list[float]]
    prior: float
    merge_threshold: float = 0.90
    review_threshold: float = 0.60
    trained_on: dict[str, Any] = field(default_factory=dict)
    # {"fn": {name: tier}, "ln": {...}} for the names more common than RARE.
    name_tiers: dict[str, dict[str, int]] = field(default_factory=dict)
    # Pairs that share a home (`shares_home`) are a population of their own: household
    # members agree on the last name, the address and the landline without being one person.
    # Their own m, u and prior, address and landline left out (they define the population).
    home_m: dict[str, list[float]] | None = None
    home_u: dict[str, list[float]] | None = None
    home_prior: float | None = None

    def home_weights(self) -> dict[str, list[float]] | None:
        return self._home_weights

    @cached_property
    def _home_weights(self) -> dict[str, list[float]] | None:
        if self.home_m is None or self.home_u is None:
            return None
        return log_ratios(self.home_m, self.home_u)

    def tier(self, kind: str, value: str | None) -> int:
        if value is None:
            return RARE
        return self.name_tiers.get(kind, {}).get(value, RARE)

    def with_tiers(self, record: MatchRecord) -> MatchRecord:
        """The record with how common its names are, by this model's name frequencies."""
        return replace(
            record, fn_tier=self.tier("fn", record.fn), ln_tier=self.tier("ln", record.ln)
        )

    def weights(self) -> dict[str, list[float]]:
        """log2(m/u) of each level: what agreeing at that level adds to the match weight."""
        return self._weights

    @cached_property
    def _weights(self) -> dict[str, list[float]]:
        return log_ratios(self.m, self.u)

    def prior_weight(self) -> float:
        return math.log2(self.prior / (1 - self.prior))

    def to_json(self) -> dict[str, Any]:
        return {
            "m": self.m,
            "u": self.u,
            "prior": self.prior,
            "merge_threshold": self.merge_threshold,
            "review_threshold": self.review_threshold,
            "trained_on": self.trained_on,
            "name_tiers": self.name_tiers,
            "home_m": self.home_m,
            "home_u": self.home_u,
            "home_prior": self.home_prior,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> MatchModel:
        return cls(
            m={k: list(v) for k, v in data["m"].items()},
            u={k: list(v) for k, v in data["u"].items()},
            prior=float(data["prior"]),
            merge_threshold=float(data.get("merge_threshold", 0.90)),
            review_threshold=float(data.get("review_threshold", 0.60)),
            trained_on=dict(data.get("trained_on", {})),
            name_tiers={k: dict(v) for k, v in data.get("name_tiers", {}).items()},
            home_m=data.get("home_m"),
            home_u=data.get("home_u"),
            home_prior=data.get("home_prior"),
        )


def default_model() -> MatchModel:
    """Parameters to start from before the brand's own data has trained a model: agreement
    rates typical of French retail customer files."""
    m = {
        "first_name": [0.03, 0.02, 0.07, 0.30, 0.30, 0.28],
        "last_name": [0.03, 0.05, 0.12, 0.27, 0.27, 0.26],
        "birth_date": [0.01, 0.03, 0.96],
        "email": [0.25, 0.03, 0.02, 0.70],
        "mobile": [0.05, 0.95],
        "landline": [0.10, 0.90],
        "address": [0.10, 0.15, 0.10, 0.65],
        "gender": [0.02, 0.98],
    }
    u = {
        "first_name": [0.985, 0.005, 0.005, 0.004, 0.0009, 0.0001],
        "last_name": [0.990, 0.002, 0.002, 0.004, 0.0009, 0.0001],
        "birth_date": [0.995, 0.004, 0.001],
        "email": [0.9999, 0.00005, 0.00001, 0.00004],
        "mobile": [0.99999, 0.00001],
        "landline": [0.99999, 0.00001],
        "address": [0.98, 0.018, 0.001, 0.001],
        "gender": [0.5, 0.5],
    }
    home_u = {
        "first_name": [0.90, 0.03, 0.03, 0.02, 0.01, 0.01],
        "last_name": [0.15, 0.02, 0.08, 0.25, 0.25, 0.25],
        "birth_date": [0.93, 0.02, 0.05],  # twins share one
        "email": [0.99, 0.005, 0.001, 0.004],
        "mobile": [0.99, 0.01],
        "landline": [0.5, 0.5],
        "address": [0.25, 0.25, 0.25, 0.25],
        "gender": [0.5, 0.5],
    }
    return MatchModel(
        m=_normalised(m),
        u=_normalised(u),
        prior=1e-4,
        home_m=_normalised(m),
        home_u=_normalised(home_u),
        home_prior=0.3,
    )


def _normalised(table: dict[str, list[float]]) -> dict[str, list[float]]:
    return {name: [v / sum(values) for v in values] for name, values in table.items()}


@dataclass(frozen=True)
class PairScore:
    levels: tuple[int, ...]
    weight: float  # log2 of the posterior odds
    probability: float
    outcome: Outcome
    reason: str  # which rule settled it: `model`, `loyalty_card`, `email`, `household`, ...

    def evidence(self, model: MatchModel) -> list[dict[str, Any]]:
        """Per comparison: its level, what it means, and the weight it contributed."""
        weights = model.weights()
        out = []
        for comparison, level in zip(COMPARISONS, self.levels, strict=True):
            out.append(
                {
                    "comparison": comparison.name,
                    "level": level,
                    "label": "missing" if level < 0 else comparison.labels[level],
                    "weight": 0.0 if level < 0 else round(weights[comparison.name][level], 2),
                }
            )
        return out


def match_weight(
    levels: Sequence[int],
    weights: Mapping[str, Sequence[float]],
    prior_weight: float,
    skip: frozenset[str] = frozenset(),
) -> float:
    total = prior_weight
    for name, level in zip(COMPARISON_NAMES, levels, strict=True):
        if level >= 0 and name not in skip:
            total += weights[name][level]
    return total


def probability(weight: float) -> float:
    if weight > 60:
        return 1.0
    if weight < -60:
        return 0.0
    odds = 2.0**weight
    return odds / (1 + odds)


HOME_CONTEXT = ("address", "landline")
_HOME_SKIP = frozenset(HOME_CONTEXT)


def shares_home(levels: Sequence[int]) -> bool:
    """The two records give the same home: the same street and postal code, or the same
    landline."""
    return levels[_INDEX["address"]] >= 2 or levels[_INDEX["landline"]] == 1


def rule_outcome(a_card: bool, levels: Sequence[int]) -> tuple[Outcome, str] | None:
    """The decisions that do not wait for the model's weight.

    - The same loyalty card is the same customer.
    - The same e-mail, or the same mobile, with a compatible first name and last name and no
      conflicting birth date or mobile: the same customer.
    """
    fn, ln, dob, email, mobile, _landline, _address, _gender = levels
    if a_card:
        return MERGE, "loyalty_card"
    if dob == 0 or mobile == 0:
        return None
    if email == 3 and fn >= 2 and ln != 0:
        return MERGE, "email"
    if mobile == 1 and fn >= 2 and ln != 0:
        return MERGE, "mobile"
    return None


def home_weight(levels: Sequence[int], model: MatchModel) -> float | None:
    """The match weight among pairs sharing a home, from that population's own parameters
    (address and landline left out: they are what the pairs share)."""
    home = model.home_weights()
    if home is None or model.home_prior is None:
        return None
    prior = math.log2(model.home_prior / (1 - model.home_prior))
    return match_weight(levels, home, prior, skip=_HOME_SKIP)


def decide(levels: Sequence[int], same_card: bool, model: MatchModel) -> tuple[float, Outcome, str]:
    """(weight, outcome, reason) of a pair's levels: the rules first, then the model.

    Two records at one home whose first names or birth dates disagree are judged against the
    other pairs sharing a home: in a file with households, such a pair is two members of one
    (a couple, a parent and a child, twins), kept apart for good; in a file without, it is
    one person with a mistyped field, and the brand-wide weight decides."""
    weight = match_weight(levels, model.weights(), model.prior_weight())
    ruled = rule_outcome(same_card, levels)
    if ruled is not None:
        return weight, ruled[0], ruled[1]
    fn, dob = levels[_INDEX["first_name"]], levels[_INDEX["birth_date"]]
    if fn == 0 and dob == 0 and weight < 0:
        # Another first name and another birth date, and nothing strong enough against it.
        return weight, DISTINCT, "different_person"
    if (fn == 0 or dob == 0) and shares_home(levels):
        at_home = home_weight(levels, model)
        if at_home is not None and at_home < 0:
            return at_home, DISTINCT, "household"
    return weight, outcome_from_weight(weight, model), "model"


# Reasons that keep two records apart for good: no chain of merges may join them.
APART_REASONS = frozenset({"different_person", "household"})


def outcome_from_weight(weight: float, model: MatchModel) -> Outcome:
    p = probability(weight)
    if p >= model.merge_threshold:
        return MERGE
    if p >= model.review_threshold:
        return REVIEW
    return DISTINCT


def name_tiers(
    first_names: Sequence[str | None], last_names: Sequence[str | None]
) -> dict[str, dict[str, int]]:
    """Tier of every name more common than rare, from the names of all records."""
    from collections import Counter

    out: dict[str, dict[str, int]] = {}
    for kind, values in (("fn", first_names), ("ln", last_names)):
        counts = Counter(v for v in values if v)
        total = sum(counts.values()) or 1
        out[kind] = {
            value: 0 if n / total >= COMMON_SHARE else 1
            for value, n in counts.items()
            if n / total >= MEDIUM_SHARE
        }
    return out


def score_pair(a: MatchRecord, b: MatchRecord, model: MatchModel) -> PairScore:
    """Levels, weight and outcome of a pair (the records' tiers already set)."""
    levels = comparison_levels(a, b)
    same_card = bool(a.card and b.card and a.card == b.card)
    weight, outcome, reason = decide(levels, same_card, model)
    return PairScore(levels, weight, probability(weight), outcome, reason)


def from_normalised(
    record_id: str, fields: Mapping[str, Any], model: MatchModel | None = None
) -> MatchRecord:
    """The matching form of a record from `normalise.normalise_record`'s output (or a stored
    source record's columns of the same names); with `model`, its names' tiers set."""
    get = fields.get
    return from_columns(
        record_id, get("first_name"), get("first_name_key"), get("last_name_key"),
        get("birth_name_key"), get("email_match_key"), get("mobile_key"), get("landline_key"),
        get("birth_date"), get("postal_code"), get("street_key"), get("city_key"),
        get("gender"), get("loyalty_card"), model,
    )  # fmt: skip


def from_columns(
    record_id: str,
    first_name: str | None,
    first_name_key: str | None,
    last_name_key: str | None,
    birth_name_key: str | None,
    email_match_key: str | None,
    mobile_key: str | None,
    landline_key: str | None,
    birth_date: Any,
    postal_code: str | None,
    street_key: str | None,
    city_key: str | None,
    gender: str | None,
    loyalty_card: str | None,
    model: MatchModel | None = None,
) -> MatchRecord:
    """`from_normalised` with the fields given in order, as a stored record's columns come
    (the real-time path builds one per candidate: no mapping to fill and read back)."""
    fn = first_name_key or None
    last = last_name_key or None
    email = email_match_key or None
    if birth_date is not None and not isinstance(birth_date, str):
        birth_date = birth_date.isoformat()
    return MatchRecord(
        record_id,
        fn,
        last,
        birth_name_key or None,
        normalise.first_name_key(last, gender) or None if last else None,
        normalise.name_key(first_name) or None,
        email,
        email.partition("@")[0] if email else None,
        mobile_key or None,
        landline_key or None,
        birth_date,
        postal_code or None,
        street_key or None,
        city_key or None,
        gender or None,
        loyalty_card or None,
        RARE if model is None else model.tier("fn", fn),
        RARE if model is None else model.tier("ln", last),
    )

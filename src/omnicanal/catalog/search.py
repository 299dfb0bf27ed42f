"""Product search rules: the terms a product is found by, how a query is read, and how well a
typed word matches a term. Pure: no I/O; `service.search_products` runs them on the database.

A product is indexed under two kinds of terms: the words of its names, brand, colour, size and
SKU (lower case, no accents), and its codes written without separators (the SKU as one string,
the GTIN without its leading zeros, so that GTIN-8, -12, -13 and -14 forms of one number meet).
A query matches a product when each of its words matches one of the product's words exactly,
as the beginning of the word (typing), or within an edit or two (a typo); or when the whole
query, separators removed, begins one of its codes.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from rapidfuzz.distance import OSA

from omnicanal.catalog.mapping import LABEL_ATTRIBUTES, normalise_text

WORD = "w"
CODE = "c"
TERM_LENGTH = 64  # the column's size; longer words are cut, and so are the queries' words

# What each way of matching scores. A code typed in full beats everything; a product whose
# every word is found as typed scores 1.
EXACT_CODE = 2.0
CODE_PREFIX = 1.5
EXACT_WORD = 1.0
WORD_PREFIX = 0.9
TYPO = 0.75  # one edit; each further edit takes `TYPO_STEP` off
TYPO_STEP = 0.15
TYPO_PREFIX = 0.65  # a typo in a word still being typed

MIN_PREFIX = 2  # a single letter matches whole words only (the size `M`), not every `m…`
MIN_CODE_PREFIX = 4  # `md` begins every SKU: a code is looked up from four characters
MIN_FUZZY = 3  # `pll` is a pull; two letters have too many neighbours one edit away
MIN_FUZZY_PREFIX = 4  # a typo in a word still being typed, from four letters


@dataclass(frozen=True)
class Query:
    words: tuple[str, ...]  # normalised, de-duplicated, in the order typed
    code: str | None  # the query as one code (separators removed), when it may be one


def words_of(text: str | None) -> list[str]:
    return [w[:TERM_LENGTH] for w in normalise_text(text or "").split()]


def code_key(text: str) -> str:
    """`MD-00001-NOIR-38` -> `md00001noir38`; a number loses its leading zeros, as GTINs do."""
    key = normalise_text(text).replace(" ", "")
    return (key.lstrip("0") or "0") if key.isdigit() else key


def product_terms(
    sku: str,
    gtin: str | None,
    names: Iterable[str | None],
    brand: str | None,
    attributes: Mapping[str, object],
) -> set[tuple[str, str]]:
    """The (kind, term) pairs a product is found by."""
    terms = {(WORD, w) for w in words_of(sku)}
    for text in (*names, brand, *(attributes.get(k) for k in LABEL_ATTRIBUTES)):
        if text not in (None, ""):
            terms.update((WORD, w) for w in words_of(str(text)))
    terms.add((CODE, code_key(sku)[:TERM_LENGTH]))
    if gtin:
        terms.add((CODE, code_key(gtin)))
    return terms


def read_query(text: str) -> Query:
    words = tuple(dict.fromkeys(words_of(text)))
    code = code_key(text)[:TERM_LENGTH]
    return Query(words, code if len(code) >= MIN_CODE_PREFIX else None)


def prefix_range(prefix: str) -> tuple[str, str]:
    """The bounds [low, high) of the terms beginning with `prefix` (terms are a-z and 0-9)."""
    return prefix, prefix[:-1] + chr(ord(prefix[-1]) + 1)


def allowed_edits(word: str) -> int:
    """Edits forgiven in a typed word; none in a number or a code: `38` is not `36`."""
    if len(word) < MIN_FUZZY or any(c.isdigit() for c in word):
        return 0
    return 1 if len(word) < 8 else 2


def tail_of(word: str) -> str:
    """A word without its first letter: the key that finds it when that letter is wrong."""
    return word[1:]


@dataclass(frozen=True)
class Blocks:
    """Where the words a typed word may be a typo of are looked up, by index: the words
    beginning with one of `heads`, and those whose tail (`tail_of`) begins with one of
    `tails`."""

    heads: tuple[str, ...]
    tails: tuple[str, ...]


def fuzzy_blocks(word: str) -> Blocks:
    """Every typo but one at the very start keeps the first letter (`portefeulle`); two first
    letters swapped, or a letter typed before the word, keep the second (`rboe`); a first
    letter dropped (`ose`) begins the tail, and a first letter replaced (`fouge`) leaves the
    tail's beginning as typed."""
    if allowed_edits(word) == 0:
        return Blocks((), ())
    return Blocks(tuple(dict.fromkeys(word[:2])), tuple(dict.fromkeys((word[:2], word[1:3]))))


def typo_score(word: str, term: str) -> float | None:
    """How well a typed word matches a vocabulary term within its allowed edits (a swap of
    two neighbouring letters is one edit), or None. The word may be a beginning of the term."""
    edits = allowed_edits(word)
    if edits == 0:
        return None
    whole = OSA.distance(word, term, score_cutoff=edits)
    best = TYPO - TYPO_STEP * (whole - 1) if 0 < whole <= edits else None
    if len(term) > len(word) and len(word) >= MIN_FUZZY_PREFIX:
        # Typing: compare with the term's beginning, one letter shorter or longer too.
        start = min(
            OSA.distance(word, term[:n], score_cutoff=edits)
            for n in (len(word) - 1, len(word), len(word) + 1)
        )
        if 0 < start <= edits:
            partial = TYPO_PREFIX - TYPO_STEP * max(start - 1, 0)
            best = partial if best is None else max(best, partial)
    return best


def rank(
    query: Query,
    by_words: Iterable[str],
    by_code: Iterable[str],
    hits: Iterable[tuple[str, str, str]],
    typos: Mapping[str, Mapping[str, float]],
    skus: Mapping[str, str],
) -> list[tuple[str, float]]:
    """Product ids with their score, best first (then by SKU).

    `by_words` are the products every typed word matches, `by_code` those one of whose codes
    begins with the query; `hits` are (product id, kind, term) for the terms that tell how
    well: a typed word as it is, a word it may be a typo of, the query as a whole code. A
    typed word matched by none of a product's terms as it is matched one as a beginning: the
    typo pass only runs for words that begin no word of the catalog, so a word matches by
    typos or by beginnings, never both. A product scores the mean of its words' matches, or
    its code's match when better."""
    terms: dict[str, set[tuple[str, str]]] = {}
    for product_id, kind, term in hits:
        terms.setdefault(product_id, set()).add((kind, term))
    scored: dict[str, float] = {}
    for product_id in by_code:
        exact = (CODE, query.code) in terms.get(product_id, ())
        scored[product_id] = EXACT_CODE if exact else CODE_PREFIX
    for product_id in by_words:
        own = terms.get(product_id, set())
        total = 0.0
        for word in query.words:
            if typos.get(word):
                total += max((typos[word].get(t, 0.0) for k, t in own if k == WORD), default=0.0)
            else:
                total += EXACT_WORD if (WORD, word) in own else WORD_PREFIX
        score = total / len(query.words)
        scored[product_id] = max(score, scored.get(product_id, 0.0))
    return sorted(scored.items(), key=lambda kv: (-kv[1], skus.get(kv[0], kv[0])))

"""Automatic mapping of a local product line (a franchisee's, a store system's or a seller's
article) to a master product: by GTIN first, then by a scored match on the label, brand,
category and price. Pure: master products and lines in, decisions out; no I/O.

A decision maps automatically only when it is clearly right: a GTIN whose product's name
agrees with the label, or a scored match above `auto_threshold` with no other product close
behind. Everything else goes to a person's review queue with the best candidates."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache

from rapidfuzz import fuzz, process

from omnicanal.catalog.rules import CodeStatus, MappingMethod, gtin_or_none, transposed_gtins

# Attributes that make up a till label after the product's name, in the order tills print them.
LABEL_ATTRIBUTES = ("colour", "color", "couleur", "size", "taille")


@dataclass(frozen=True)
class MasterItem:
    sku: str
    name: str
    gtin: str | None = None  # 14 digits, as the catalog stores it
    brand: str | None = None
    category: str | None = None  # a path such as `Femme > Robes`
    attributes: Mapping[str, str] = field(default_factory=dict)
    price_minor: int | None = None  # the brand's list price, when known


@dataclass(frozen=True)
class LocalLine:
    code: str
    name: str | None = None
    gtin: str | None = None  # as sent: may be empty, short of digits or keyed in wrong
    brand: str | None = None
    category: str | None = None
    attributes: Mapping[str, str] = field(default_factory=dict)
    price_minor: int | None = None  # the owner's own price, in the same currency


@dataclass(frozen=True)
class Candidate:
    sku: str
    score: float


@dataclass(frozen=True)
class Decision:
    code: str
    status: CodeStatus
    sku: str | None
    method: MappingMethod | None
    score: float | None
    reason: str
    candidates: tuple[Candidate, ...] = ()


@dataclass(frozen=True)
class MappingSettings:
    auto_threshold: float = 0.88  # a scored match maps by itself from here...
    min_margin: float = 0.04  # ...when the next product scores at least this much lower
    review_threshold: float = 0.6  # below this, no candidate is worth a person's look
    gtin_name_floor: float = 0.5  # a GTIN whose product's name scores lower goes to review
    price_tolerance: float = 0.2  # relative difference under which two prices agree
    price_penalty: float = 0.1
    category_penalty: float = 0.15
    attribute_penalty: float = 0.08  # per colour or size of the product the label lacks
    near_gtin_bonus: float = 0.05  # a product one digit swap away from the GTIN sent
    max_candidates: int = 5
    block_limit: int = 5000  # labels compared at most, per line


def normalise_text(text: str) -> str:
    """Lower case, no accents, letters and digits separated by single spaces."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return " ".join(re.split(r"[^a-z0-9]+", plain)).strip()


def label_of(name: str | None, attributes: Mapping[str, str]) -> str:
    parts = [name or ""]
    parts += [str(attributes[k]) for k in LABEL_ATTRIBUTES if attributes.get(k)]
    return normalise_text(" ".join(parts))


def _value_ends(label: str, attributes: Mapping[str, str]) -> tuple[tuple[str, int], ...]:
    """Each label attribute's value and where it ends in the product's label."""
    padded = f" {label} "
    ends = []
    for key in LABEL_ATTRIBUTES:
        value = normalise_text(str(attributes.get(key) or ""))
        at = padded.find(f" {value} ") if value else -1
        if at >= 0:
            ends.append((value, at + len(value)))
    return tuple(ends)


def _cut_within(label: str, value: str, end: int) -> bool:
    """Whether the label stops before `value` (ending at `end` in the product's label) would
    end, with nothing or the value's beginning where it would start: no evidence either way."""
    if len(label) >= end:
        return False
    start = end - len(value)
    if len(label) <= start:
        return True
    tokens = label.split()
    return any(value.startswith(" ".join(tokens[-k:])) for k in range(1, value.count(" ") + 2))


def text_score(line_label: str, master_label: str) -> float:
    """0 to 1. A line shorter than the master label is also read as a label cut short."""
    score = fuzz.ratio(line_label, master_label)
    if len(line_label) < len(master_label):
        score = max(score, fuzz.ratio(line_label, master_label[: len(line_label)]))
    return score / 100.0


@lru_cache(maxsize=4096)
def category_agrees(line_category: str, master_category: str) -> bool:
    """`FEMME` agrees with `Femme > Robes`: the line names the path or one of its levels."""
    wanted = normalise_text(line_category)
    parts = [normalise_text(p) for p in re.split(r"\s*[>/]\s*", master_category)]
    return wanted == normalise_text(master_category) or wanted in parts


def price_agrees(line_price: int, master_price: int, tolerance: float) -> bool:
    if master_price <= 0:
        return line_price == master_price
    return abs(line_price - master_price) / master_price <= tolerance


class Matcher:
    """An index of the master catalog that maps local lines. Build it once per import."""

    def __init__(self, items: Iterable[MasterItem], settings: MappingSettings | None = None):
        self.settings = settings or MappingSettings()
        self.items: list[MasterItem] = list(items)
        self.by_gtin: dict[str, int] = {}
        self.by_sku: dict[str, int] = {}
        labels: dict[str, int] = {}
        self.labels: list[str] = []
        self.label_items: list[list[int]] = []
        self.item_label: list[int] = []
        self.item_values: list[tuple[tuple[str, int], ...]] = []
        for index, item in enumerate(self.items):
            self.by_sku[item.sku] = index
            if item.gtin:
                self.by_gtin[item.gtin] = index
            label = label_of(item.name, item.attributes)
            label_id = labels.get(label)
            if label_id is None:
                label_id = labels[label] = len(self.labels)
                self.labels.append(label)
                self.label_items.append([])
            self.label_items[label_id].append(index)
            self.item_label.append(label_id)
            self.item_values.append(_value_ends(label, item.attributes))
        # Blocking: labels by token; a line is compared only with labels sharing its rarest.
        postings: dict[str, set[int]] = {}
        for label_id, label in enumerate(self.labels):
            for token in set(label.split()):
                postings.setdefault(token, set()).add(label_id)
        self.postings = postings
        self._scores = lru_cache(maxsize=200_000)(self._label_scores)

    # --- blocking and text scores -------------------------------------------------------

    def _rarest(self, tokens: list[str]) -> list[str]:
        return sorted(
            {t for t in tokens if t in self.postings}, key=lambda t: len(self.postings[t])
        )

    def _block(self, label: str) -> list[int]:
        tokens = label.split()
        # The last word of a label cut short may be a stump that means something else.
        usable = tokens[:-1] if len(tokens) >= 3 else tokens
        known = sorted(
            {t for t in usable if t in self.postings}, key=lambda t: len(self.postings[t])
        )
        if not known:
            known = sorted(
                {t for t in tokens if t in self.postings}, key=lambda t: len(self.postings[t])
            )
        if not known:
            return []
        block = set(self.postings[known[0]])
        if len(known) > 1:
            both = block & self.postings[known[1]]
            # A typo can put a rare word in the wrong label: fall back to either word's labels.
            block = both if both else block | self.postings[known[1]]
        if len(block) > self.settings.block_limit:
            return sorted(block)[: self.settings.block_limit]
        return list(block)

    def _label_scores(self, label: str) -> tuple[tuple[int, float], ...]:
        """The best-scoring master labels for a line's label, best first."""
        block = self._block(label)
        if not block:
            return ()
        choices = [self.labels[i] for i in block]
        cutoff = self.settings.review_threshold * 100 - 10  # room for bonuses
        scores: dict[int, float] = {}
        for _, score, pos in process.extract(
            label, choices, scorer=fuzz.ratio, limit=None, score_cutoff=cutoff
        ):
            scores[block[pos]] = score
        cut = [c[: len(label)] for c in choices]
        for _, score, pos in process.extract(
            label, cut, scorer=fuzz.ratio, limit=None, score_cutoff=cutoff
        ):
            if len(label) < len(choices[pos]) and score > scores.get(block[pos], 0):
                scores[block[pos]] = score
        best = sorted(scores.items(), key=lambda kv: -kv[1])[:10]
        return tuple((label_id, score / 100.0) for label_id, score in best)

    # --- deciding -------------------------------------------------------------------------

    def _adjusted(self, line: LocalLine, label: str, index: int, score: float) -> float:
        item = self.items[index]
        s = self.settings
        padded = f" {label} "
        for value, end in self.item_values[index]:
            if f" {value} " not in padded and not _cut_within(label, value, end):
                score -= s.attribute_penalty
        if line.category and item.category and not category_agrees(line.category, item.category):
            score -= s.category_penalty
        if (
            line.price_minor is not None
            and item.price_minor is not None
            and not price_agrees(line.price_minor, item.price_minor, s.price_tolerance)
        ):
            score -= s.price_penalty
        return max(score, 0.0)

    def _brand_allows(self, line: LocalLine, index: int) -> bool:
        brand = self.items[index].brand
        return not (line.brand and brand and normalise_text(line.brand) != normalise_text(brand))

    def _scored(self, line: LocalLine, label: str, near: dict[int, None]) -> list[Candidate]:
        by_sku: dict[str, float] = {}
        for label_id, score in self._scores(label) if label else ():
            for index in self.label_items[label_id]:
                if self._brand_allows(line, index):
                    by_sku[self.items[index].sku] = self._adjusted(line, label, index, score)
        for index in near:
            if not self._brand_allows(line, index):
                continue
            item = self.items[index]
            base = text_score(label, self.labels[self.item_label[index]]) if label else 0.5
            boosted = self._adjusted(line, label, index, base) + self.settings.near_gtin_bonus
            by_sku[item.sku] = max(by_sku.get(item.sku, 0.0), boosted)
        # Ranked on the raw score (a near GTIN's bonus may pass 1), reported within 0 to 1.
        ranked = sorted(by_sku.items(), key=lambda kv: (-kv[1], kv[0]))
        return [Candidate(sku, round(score, 4)) for sku, score in ranked]

    def match(self, line: LocalLine) -> Decision:
        s = self.settings
        label = label_of(line.name, line.attributes)
        gtin = gtin_or_none(line.gtin)
        if gtin is not None and gtin in self.by_gtin:
            index = self.by_gtin[gtin]
            item = self.items[index]
            if not self._brand_allows(line, index):
                pass  # another brand's product under this GTIN: let the scores speak
            elif not label:
                return Decision(line.code, CodeStatus.MAPPED, item.sku, MappingMethod.GTIN, 1.0,
                                "GTIN")  # fmt: skip
            else:
                return self._by_gtin(line, label, index)
        near: dict[int, None] = {}
        if (line.gtin and gtin is None) or (gtin is not None and gtin not in self.by_gtin):
            for other in transposed_gtins(line.gtin or ""):
                if other in self.by_gtin:
                    near[self.by_gtin[other]] = None
        if not label and not near:
            reason = "no GTIN known to the catalog and no label to compare"
            return Decision(line.code, CodeStatus.PENDING_REVIEW, None, None, None, reason)
        ranked = self._scored(line, label, near)
        top = tuple(c for c in ranked[: s.max_candidates] if c.score >= s.review_threshold)
        if not top:
            reason = f"no product scores {s.review_threshold:.2f} or more"
            return Decision(line.code, CodeStatus.PENDING_REVIEW, None, None, None, reason)
        best = top[0]
        runner_up = ranked[1].score if len(ranked) > 1 else 0.0
        top = tuple(Candidate(c.sku, min(c.score, 1.0)) for c in top)
        if best.score >= s.auto_threshold and best.score - runner_up >= s.min_margin:
            return Decision(
                line.code, CodeStatus.MAPPED, best.sku, MappingMethod.SCORED, top[0].score,
                f"label, category and price score {best.score:.2f}; the next {runner_up:.2f}",
                top,
            )  # fmt: skip
        if best.score >= s.auto_threshold:
            alike = sum(1 for c in top if best.score - c.score < s.min_margin)
            reason = f"{alike} products score alike ({best.score:.2f})"
        else:
            reason = f"the best product scores {best.score:.2f}, under {s.auto_threshold:.2f}"
        return Decision(line.code, CodeStatus.PENDING_REVIEW, None, None, best.score, reason, top)

    def _by_gtin(self, line: LocalLine, label: str, index: int) -> Decision:
        """The GTIN names a product; its label must not contradict it."""
        s = self.settings
        item = self.items[index]
        agreement = self._adjusted(
            line, label, index, text_score(label, self.labels[self.item_label[index]])
        )
        mapped = Decision(line.code, CodeStatus.MAPPED, item.sku, MappingMethod.GTIN, 1.0,
                          f"GTIN; the label agrees at {agreement:.2f}")  # fmt: skip
        if agreement >= 0.999:
            return mapped
        others = [c for c in self._scored(line, label, {}) if c.sku != item.sku]
        if agreement >= s.gtin_name_floor:
            # A neighbour's GTIN keyed in by mistake may still pass the check digit: a label
            # that clearly fits another product better says so.
            if not any(c.score >= agreement + s.min_margin for c in others):
                return mapped
            reason = f"the GTIN is {item.sku}'s but the label fits another product better"
        else:
            reason = f"the GTIN is {item.sku}'s but the label agrees only at {agreement:.2f}"
        candidates = sorted(
            [Candidate(item.sku, round(agreement, 4)), *others], key=lambda c: -c.score
        )
        return Decision(line.code, CodeStatus.PENDING_REVIEW, None, None, None, reason,
                        tuple(candidates[: s.max_candidates]))  # fmt: skip

    def match_many(self, lines: Iterable[LocalLine]) -> list[Decision]:
        return [self.match(line) for line in lines]


# --- what a person compares -------------------------------------------------------------------

AGREES, CLOSE, DIFFERS, MISSING = "agrees", "close", "differs", "missing"


@dataclass(frozen=True)
class FieldCheck:
    """How one field of a local line compares with a master product's."""

    field: str  # label | gtin | brand | category | price
    state: str  # agrees | close | differs | missing (one side gives nothing)
    similarity: float | None = None  # the labels' text score, 0 to 1


def compare_fields(
    line: LocalLine, item: MasterItem, settings: MappingSettings | None = None
) -> list[FieldCheck]:
    """Field by field, what a line and a candidate product have in common: the evidence a
    person reads before confirming a mapping. The label is close from `review_threshold` and
    agrees from `auto_threshold`; a GTIN one swap of neighbouring digits away is close."""
    s = settings or MappingSettings()
    checks = []
    label = label_of(line.name, line.attributes)
    if label:
        similarity = text_score(label, label_of(item.name, item.attributes))
        state = (
            AGREES
            if similarity >= s.auto_threshold
            else CLOSE
            if similarity >= s.review_threshold
            else DIFFERS
        )
        checks.append(FieldCheck("label", state, round(similarity, 4)))
    else:
        checks.append(FieldCheck("label", MISSING))
    if not line.gtin or not item.gtin:
        checks.append(FieldCheck("gtin", MISSING))
    elif gtin_or_none(line.gtin) == item.gtin:
        checks.append(FieldCheck("gtin", AGREES))
    else:
        near = item.gtin in transposed_gtins(line.gtin)
        checks.append(FieldCheck("gtin", CLOSE if near else DIFFERS))
    if not line.brand or not item.brand:
        checks.append(FieldCheck("brand", MISSING))
    else:
        same = normalise_text(line.brand) == normalise_text(item.brand)
        checks.append(FieldCheck("brand", AGREES if same else DIFFERS))
    if not line.category or not item.category:
        checks.append(FieldCheck("category", MISSING))
    else:
        agrees = category_agrees(line.category, item.category)
        checks.append(FieldCheck("category", AGREES if agrees else DIFFERS))
    if line.price_minor is None or item.price_minor is None:
        checks.append(FieldCheck("price", MISSING))
    else:
        agrees = price_agrees(line.price_minor, item.price_minor, s.price_tolerance)
        checks.append(FieldCheck("price", AGREES if agrees else DIFFERS))
    return checks

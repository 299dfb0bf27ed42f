"""Automatic code mapping: GTIN first, then a scored match; the doubtful go to review."""

import time

from omnicanal.catalog.mapping import (
    LocalLine,
    MappingSettings,
    MasterItem,
    Matcher,
    category_agrees,
    compare_fields,
    label_of,
    normalise_text,
    price_agrees,
    text_score,
)
from omnicanal.catalog.rules import CodeStatus, MappingMethod, normalise_gtin


def _gtin(n: int) -> str:
    from omnicanal.simulation.catalog import gtin_check_digit

    first12 = f"3760123{n:05d}"
    return first12 + gtin_check_digit(first12)


def _item(sku, name, n, colour, size=None, price=4990, category="Femme > Robes", brand="MD"):
    attributes = {"colour": colour, **({"size": size} if size else {})}
    return MasterItem(sku, name, normalise_gtin(_gtin(n)), brand, category, attributes, price)


CATALOG = [
    _item("LINA-NOIR-36", "Robe portefeuille Lina", 1, "Noir", "36"),
    _item("LINA-NOIR-38", "Robe portefeuille Lina", 2, "Noir", "38"),
    _item("LINA-ROUGE-38", "Robe portefeuille Lina", 3, "Rouge", "38"),
    _item("JULES-MARINE-M", "Pull col rond Jules", 4, "Bleu marine", "M", 6990, "Homme > Pulls"),
    _item("JULES-MARINE-XL", "Pull col rond Jules", 5, "Bleu marine", "XL", 6990, "Homme > Pulls"),
    _item("PLAID-ECRU", "Plaid Alma", 6, "Écru", None, 3990, "Maison"),
    # Two models sold under the same label, told apart only by their price.
    _item("OSCAR-A-NOIR-40", "Chino Oscar", 7, "Noir", "40", 3900, "Homme > Pantalons"),
    _item("OSCAR-B-NOIR-40", "Chino Oscar", 8, "Noir", "40", 9900, "Homme > Pantalons"),
]
MATCHER = Matcher(CATALOG)


def _line(name=None, gtin=None, **kw) -> LocalLine:
    return LocalLine(code="ALP123456", name=name, gtin=gtin, **kw)


def test_texts_are_compared_without_case_accents_or_punctuation() -> None:
    assert normalise_text("Écru  T-SHIRT, col V") == "ecru t shirt col v"
    assert label_of("Robe Lina", {"size": "38", "colour": "Noir"}) == "robe lina noir 38"


def test_a_label_cut_short_scores_as_the_start_of_the_full_one() -> None:
    assert text_score("robe portefeuille lina bleu ci", "robe portefeuille lina bleu ciel 38") == 1
    assert text_score("robe lina", "plaid alma") < 0.5


def test_category_and_price_agreement() -> None:
    assert category_agrees("FEMME", "Femme > Robes")
    assert category_agrees("femme > robes", "Femme > Robes")
    assert not category_agrees("HOMME", "Femme > Robes")
    assert price_agrees(4490, 4990, 0.2) and not price_agrees(2990, 4990, 0.2)


def test_a_known_gtin_maps_when_the_label_agrees() -> None:
    decision = MATCHER.match(_line("ROBE PORTEFEUILLE LINA NOIR 38", _gtin(2)))
    assert (decision.status, decision.sku, decision.method) == (
        CodeStatus.MAPPED,
        "LINA-NOIR-38",
        MappingMethod.GTIN,
    )
    assert decision.score == 1.0


def test_a_gtin_alone_maps() -> None:
    assert MATCHER.match(_line(None, _gtin(6))).sku == "PLAID-ECRU"


def test_a_gtin_whose_product_has_another_name_goes_to_review() -> None:
    decision = MATCHER.match(_line("PLAID ALMA ECRU", _gtin(1)))
    assert decision.status is CodeStatus.PENDING_REVIEW and decision.sku is None
    assert "LINA-NOIR-36" in decision.reason
    assert {c.sku for c in decision.candidates} >= {"LINA-NOIR-36", "PLAID-ECRU"}


def test_a_neighbours_gtin_that_passes_the_check_digit_is_caught_by_the_label() -> None:
    # The GTIN is LINA-NOIR-36's, the label says 38: a person decides.
    decision = MATCHER.match(_line("ROBE PORTEFEUILLE LINA NOIR 38", _gtin(1)))
    assert decision.status is CodeStatus.PENDING_REVIEW
    assert decision.candidates[0].sku == "LINA-NOIR-38"


def test_without_gtin_a_clear_label_maps_by_score() -> None:
    decision = MATCHER.match(_line("PULL COL ROND JULES BLEU MARINE XL", category="HOMME"))
    assert (decision.status, decision.sku, decision.method) == (
        CodeStatus.MAPPED,
        "JULES-MARINE-XL",
        MappingMethod.SCORED,
    )
    assert 0.88 <= (decision.score or 0) <= 1


def test_a_typo_in_the_label_still_maps() -> None:
    assert MATCHER.match(_line("ROBE PORTEFEUILE LINA ROUGE 38")).sku == "LINA-ROUGE-38"


def test_a_label_cut_before_the_size_is_ambiguous_and_goes_to_review() -> None:
    decision = MATCHER.match(_line("PULL COL ROND JULES BLEU MARIN"))
    assert decision.status is CodeStatus.PENDING_REVIEW
    assert {c.sku for c in decision.candidates} == {"JULES-MARINE-M", "JULES-MARINE-XL"}
    assert "score alike" in decision.reason


def test_the_size_in_the_label_separates_sizes() -> None:
    assert MATCHER.match(_line("ROBE PORTEFEUILLE LINA NOIR 36")).sku == "LINA-NOIR-36"


def test_the_price_separates_two_models_under_one_label() -> None:
    assert MATCHER.match(_line("CHINO OSCAR NOIR 40", price_minor=9500)).sku == "OSCAR-B-NOIR-40"
    unknown = MATCHER.match(_line("CHINO OSCAR NOIR 40"))
    assert unknown.status is CodeStatus.PENDING_REVIEW


def test_the_category_counts_against_a_product_of_another_department() -> None:
    decision = MATCHER.match(_line("ROBE PORTEFEUILLE LINA NOIR 38", category="MAISON"))
    assert decision.status is CodeStatus.PENDING_REVIEW


def test_another_brand_is_never_a_candidate() -> None:
    decision = MATCHER.match(_line("ROBE PORTEFEUILLE LINA NOIR 38", brand="Autre Marque"))
    assert decision.status is CodeStatus.PENDING_REVIEW and decision.candidates == ()


def test_a_mistyped_gtin_points_to_the_product_one_swap_away() -> None:
    right = _gtin(4)  # 3760123000048
    swapped = right[:10] + right[11] + right[10] + right[12:]  # 3760123000408: check fails
    assert swapped != right and normalise_gtin(right)
    decision = MATCHER.match(_line("PULL COL ROND JULES BLEU MARIN", swapped))
    assert decision.sku == "JULES-MARINE-M"


def test_nothing_alike_is_held_for_review_without_candidates() -> None:
    decision = MATCHER.match(_line("TONDEUSE A GAZON"))
    assert decision.status is CodeStatus.PENDING_REVIEW and decision.candidates == ()
    assert MATCHER.match(_line()).status is CodeStatus.PENDING_REVIEW


def test_thresholds_are_settings() -> None:
    strict = Matcher(CATALOG, MappingSettings(auto_threshold=1.01))
    assert strict.match(_line("PULL COL ROND JULES BLEU MARINE XL")).sku is None


def test_fifty_thousand_lines_map_in_seconds() -> None:
    from omnicanal.simulation.data.catalog import CATEGORIES, COLOURS, STYLES

    items = []
    for model, (category, (nouns, sizes, _)) in enumerate(list(CATEGORIES.items()) * 30):
        name = f"{nouns[model % len(nouns)]} {STYLES[model % len(STYLES)]} {model}"
        for colour in COLOURS[:3]:
            for size in sizes or [None]:
                items.append(
                    _item(f"S{len(items)}", name, len(items), colour, size, 5000, category)
                )
    matcher = Matcher(items)
    lines = [
        LocalLine(f"C{i}", label_of(it.name, it.attributes).upper()[:30], price_minor=5000)
        for i, it in enumerate(items * (50_000 // len(items) + 1))
    ][:50_000]
    started = time.perf_counter()
    decisions = matcher.match_many(lines)
    assert time.perf_counter() - started < 30
    assert len(decisions) == 50_000


def test_fields_compared_for_a_person_say_which_agree() -> None:
    swapped = _gtin(2)[:3] + _gtin(2)[4] + _gtin(2)[3] + _gtin(2)[5:]
    line = _line("ROBE PORTEFEUILLE LINA NOIR 38", swapped, brand="md", category="HOMME",
                 price_minor=6990)  # fmt: skip

    checks = {c.field: c for c in compare_fields(line, CATALOG[1])}

    assert checks["label"].state == "agrees" and checks["label"].similarity == 1.0
    assert checks["gtin"].state == "close"  # two neighbouring digits swapped
    assert checks["brand"].state == "agrees"
    assert checks["category"].state == "differs"
    assert checks["price"].state == "differs"  # 69,90 against 49,90
    bare = {c.field: c.state for c in compare_fields(_line(), CATALOG[1])}
    assert bare == dict.fromkeys(("label", "gtin", "brand", "category", "price"), "missing")
    other = {c.field: c for c in compare_fields(_line("PLAID ALMA", _gtin(6)), CATALOG[1])}
    assert other["label"].state == "differs" and other["gtin"].state == "differs"

"""GTINs, SKUs and category paths: the catalog's own data rules."""

import pytest

from omnicanal.catalog import rules


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("3760123000000", "03760123000000"),  # GTIN-13
        ("3760 1230-00000", "03760123000000"),  # spaces and dashes ignored
        ("96385074", "00000096385074"),  # GTIN-8
        ("036000291452", "00036000291452"),  # GTIN-12 (UPC-A)
        ("10036000291459", "10036000291459"),  # GTIN-14
        (3760123000000, "03760123000000"),
    ],
)
def test_gtins_of_every_length_are_stored_as_14_digits(value, expected) -> None:
    assert rules.normalise_gtin(value) == expected


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("3760123000001", "wrong check digit"),
        ("37601230000", "has 11 digits"),
        ("37601230000A5", "other than digits"),
        ("", "cannot be empty"),
    ],
)
def test_a_bad_gtin_says_what_is_wrong(value, message) -> None:
    with pytest.raises(rules.InvalidGtin, match=message):
        rules.normalise_gtin(value)


def test_gtin_or_none_takes_empty_and_invalid_as_none() -> None:
    assert rules.gtin_or_none(None) is None
    assert rules.gtin_or_none("  ") is None
    assert rules.gtin_or_none("3760123000001") is None
    assert rules.gtin_or_none("3760123000000") == "03760123000000"


def test_transposed_gtins_find_the_code_a_typist_meant() -> None:
    meant = "3760123000123"
    assert rules.normalise_gtin(meant)
    keyed = "3760123001023"  # digits 10 and 11 swapped: the check digit fails
    assert rules.gtin_or_none(keyed) is None
    assert "0" + meant in rules.transposed_gtins(keyed)
    assert rules.transposed_gtins("not a gtin") == []


def test_skus_are_short_codes() -> None:
    assert rules.normalise_sku(" MD-00000-NOIR-34 ") == "MD-00000-NOIR-34"
    with pytest.raises(ValueError, match="SKU"):
        rules.normalise_sku("robe noire")


def test_category_paths_give_stable_codes() -> None:
    assert rules.split_category_path("Femme > Robes") == ["Femme", "Robes"]
    assert rules.split_category_path("Maison/Linge de lit") == ["Maison", "Linge de lit"]
    assert rules.category_code(["Femme", "Robes"]) == "FEMME.ROBES"
    assert rules.category_code(["Maison", "Linge de lit"]) == "MAISON.LINGE-DE-LIT"
    assert rules.category_code(["Écharpes"]) == "ECHARPES"
    with pytest.raises(ValueError, match="no letter"):
        rules.category_code(["--"])
    with pytest.raises(ValueError, match="at least one"):
        rules.split_category_path(" > ")

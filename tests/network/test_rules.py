import pytest
from hypothesis import given
from hypothesis import strategies as st

from omnicanal.network import rules


def test_opening_hours_accept_french_day_names_and_split_days() -> None:
    week = rules.parse_opening_hours("lun-ven 9h30-19h00; sam 10:00-12:30,14:00-18:00; dim fermé")
    assert week["mo"] == ["09:30-19:00"]
    assert week["fr"] == ["09:30-19:00"]
    assert week["sa"] == ["10:00-12:30", "14:00-18:00"]
    assert "su" not in week


def test_later_rule_overrides_earlier_days() -> None:
    week = rules.parse_opening_hours("Mo-Sa 09:00-19:00; We off")
    assert "we" not in week and week["th"] == ["09:00-19:00"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("Mo-Sa 19:00-09:00", "closes before it opens"),
        ("Xx 09:00-10:00", "unknown day"),
        ("Sa-Mo 09:00-10:00", "runs backwards"),
        ("Mo 9-18", "is not like"),
        ("Mo", "no opening span"),
        ("Mo 25:00-26:00", "not a time of day"),
    ],
)
def test_bad_opening_hours_say_what_is_wrong(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        rules.parse_opening_hours(text)


span = st.tuples(st.integers(0, 11), st.integers(0, 59), st.integers(12, 23), st.integers(0, 59))
weeks = st.dictionaries(
    st.sampled_from(rules.DAYS),
    span.map(lambda s: [f"{s[0]:02d}:{s[1]:02d}-{s[2]:02d}:{s[3]:02d}"]),
)


@given(weeks)
def test_formatting_then_parsing_gives_the_same_week(week: dict[str, list[str]]) -> None:
    ordered = {day: week[day] for day in rules.DAYS if day in week}
    assert rules.parse_opening_hours(rules.format_opening_hours(ordered)) == ordered


def test_capabilities_from_a_file_cell_are_deduplicated_and_sorted() -> None:
    assert rules.normalise_capabilities("returns|click_and_collect, RETURNS") == [
        "click_and_collect",
        "returns",
    ]


def test_unknown_capability_lists_the_known_ones() -> None:
    with pytest.raises(ValueError, match="known: click_and_collect"):
        rules.normalise_capabilities("teleportation")


@pytest.mark.parametrize(
    "raw", ["04 78 12 34 56", "+33 4 78 12 34 56", "04.78.12.34.56", "0478123456"]
)
def test_french_phones_in_every_format_become_e164(raw: str) -> None:
    assert rules.normalise_phone(raw, "FR") == "+33478123456"


def test_invalid_phone_is_refused() -> None:
    with pytest.raises(ValueError, match="not a valid phone"):
        rules.normalise_phone("01 23", "FR")


def test_siret_check_digit_is_verified() -> None:
    assert rules.normalise_siret("732 829 320 00074") == "73282932000074"
    with pytest.raises(ValueError, match="not a valid SIRET"):
        rules.normalise_siret("73282932000075")


@pytest.mark.parametrize("code", ["", " ", "a b", "x" * 65, "é"])
def test_codes_are_plain_identifiers(code: str) -> None:
    with pytest.raises(ValueError):
        rules.normalise_code(code)

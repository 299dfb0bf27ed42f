"""Normalisation of customer source records: one specification per behaviour, over the formats
French channel systems export."""

from datetime import date

import phonenumbers
import pytest
from hypothesis import given
from hypothesis import strategies as st

from omnicanal.customers import normalise as n
from omnicanal.customers.data_nicknames import GENDERED_NICKNAMES, NICKNAMES
from omnicanal.simulation import mess
from omnicanal.simulation.data.names import EMAIL_DOMAIN_TYPOS

TODAY = date(2026, 6, 15)


# ----------------------------------------------------------------------------------------- names


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("JEAN-PIERRE", "Jean-Pierre"),
        ("jean pierre", "Jean Pierre"),
        ("  MARIE   - CLAIRE  ", "Marie-Claire"),
        ("dupont", "Dupont"),
        ("LE GOFF", "Le Goff"),
        ("le goff", "Le Goff"),
        ("de la fontaine", "de La Fontaine"),
        ("DE GAULLE", "de Gaulle"),
        ("du bellay", "du Bellay"),
        ("D'ANGELO", "D'Angelo"),
        ("d’angelo", "D'Angelo"),
        ("GISCARD D'ESTAING", "Giscard d'Estaing"),
        ("o'neil", "O'Neil"),
        ("ÉLODIE", "Élodie"),
        ("DE", "De"),
        ("LA", "La"),
        ("Dupont.", "Dupont"),
    ],
)
def test_clean_name_gives_the_french_display_form(raw: str, expected: str) -> None:
    assert n.clean_name(raw) == n.Normalised(expected, ())


@pytest.mark.parametrize("raw", [None, "", "   ", " - "])
def test_a_blank_name_is_none_and_flagged_empty(raw: str | None) -> None:
    assert n.clean_name(raw) == n.Normalised(None, ("empty",))


@pytest.mark.parametrize("raw", ["XXX", "inconnu", "N/A", "test"])
def test_a_placeholder_name_is_kept_and_flagged(raw: str) -> None:
    result = n.clean_name(raw)
    assert result.value is not None
    assert result.flags == ("placeholder",)


def test_a_name_with_digits_is_kept_and_flagged_invalid() -> None:
    assert n.clean_name("DUPONT2") == n.Normalised("Dupont2", ("invalid",))


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Jean-Pierre", "jean pierre"),
        ("JEAN  PIERRE", "jean pierre"),
        ("Hélène", "helene"),
        ("D'Angelo", "d angelo"),
        ("Lætitia", "laetitia"),
        ("CŒUR", "coeur"),
        ("  de la Fontaine ", "de la fontaine"),
        ("", ""),
        (None, ""),
    ],
)
def test_name_key_strips_accents_case_and_punctuation(raw: str | None, expected: str) -> None:
    assert n.name_key(raw) == expected


@pytest.mark.parametrize(
    ("nickname", "full"),
    [
        ("Cathy", "catherine"),
        ("JB", "jean baptiste"),
        ("Nath", "nathalie"),
        ("Babeth", "elisabeth"),
        ("Tom", "thomas"),
        ("Nico", "nicolas"),
        ("Seb", "sebastien"),
        ("Max", "maximilien"),
        ("Véro", "veronique"),
        ("Manu", "emmanuel"),
        ("Gégé", "gerard"),
        ("Isa", "isabelle"),
        ("Sab", "sabrina"),
        ("Anne-So", "anne sophie"),
        ("Dom", "dominique"),
    ],
)
def test_first_name_key_maps_a_nickname_to_the_full_name(nickname: str, full: str) -> None:
    assert n.first_name_key(nickname) == full


def test_first_name_key_leaves_full_names_and_compounds_intact() -> None:
    assert n.first_name_key("Jean-Baptiste") == n.first_name_key("JB") == "jean baptiste"
    assert n.first_name_key("Marie-Cathy") == "marie catherine"
    assert n.first_name_key("Catherine") == "catherine"


@pytest.mark.parametrize(
    ("nickname", "gender", "full"),
    [("Steph", "M", "stephane"), ("Steph", "F", "stephanie"), ("Alex", "F", "alexandra"),
     ("Chris", "F", "christine"), ("Flo", "M", "florian"), ("Flo", "F", "florence")],
)  # fmt: skip
def test_the_gender_settles_an_ambiguous_nickname(
    nickname: str, gender: str | None, full: str
) -> None:
    assert n.first_name_key(nickname, gender) == full


@pytest.mark.parametrize("nickname", ["Chris", "Steph", "Alex", "Fred", "Flo"])
def test_an_ambiguous_nickname_without_gender_is_left_as_typed(nickname: str) -> None:
    # `Chris` may be Christophe or Christine: the matching compares it as a prefix instead.
    assert n.first_name_key(nickname) == n.name_key(nickname)


def test_there_are_about_forty_nicknames_all_stored_as_keys() -> None:
    assert len(NICKNAMES) >= 40
    for nickname, full in NICKNAMES.items():
        assert n.name_key(nickname) == nickname
        assert n.name_key(full) == full
    assert set(GENDERED_NICKNAMES) <= set(NICKNAMES)


@pytest.mark.parametrize(
    "raw",
    [
        "DUPONT née MARTIN",
        "DUPONT NEE MARTIN",
        "Dupont nee Martin",
        "DUPONT (née MARTIN)",
        "DUPONT née. MARTIN",
        "MARTIN épouse DUPONT",
        "MARTIN EPOUSE DUPONT",
        "MARTIN ép. DUPONT",
        "MARTIN ep DUPONT",
        "MARTIN Ep. DUPONT",
        "MARTIN epse DUPONT",
        "MARTIN veuve DUPONT",
        "MARTIN VVE DUPONT",
    ],
)
def test_split_married_name_gives_used_then_birth_name(raw: str) -> None:
    assert n.split_married_name(raw) == ("Dupont", "Martin")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("DUPONT", ("Dupont", None)),
        ("Renée DUPONT", ("Renée Dupont", None)),
        ("LE GOFF-PENNEC", ("Le Goff-Pennec", None)),
        (None, (None, None)),
        ("", (None, None)),
    ],
)
def test_split_married_name_without_marker_keeps_the_name(raw, expected) -> None:
    assert n.split_married_name(raw) == expected


# --------------------------------------------------------------------------------------- e-mails


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Jean.Dupont@Gmail.COM", "jean.dupont@gmail.com"),
        ("  jean@orange.fr  ", "jean@orange.fr"),
        ("mailto:jean@orange.fr", "jean@orange.fr"),
        ("<jean@orange.fr>", "jean@orange.fr"),
    ],
)
def test_normalise_email_trims_and_lowers(raw: str, expected: str) -> None:
    assert n.normalise_email(raw) == n.Normalised(expected, ())


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("jean@gmial.com", "jean@gmail.com"),
        ("jean@gmail.fr", "jean@gmail.com"),
        ("jean@gmai.com", "jean@gmail.com"),
        ("jean@gmail.con", "jean@gmail.com"),
        ("jean@gmail,com", "jean@gmail.com"),
        ("jean@hotmal.fr", "jean@hotmail.fr"),
        ("jean@hotmial.com", "jean@hotmail.com"),
        ("jean@orange.fe", "jean@orange.fr"),
        ("jean@wanadoo.fe", "jean@wanadoo.fr"),
        ("jean@yahooo.fr", "jean@yahoo.fr"),
        ("jean@laposte.ne", "jean@laposte.net"),
        ("JEAN@LAPOSTE.NE", "jean@laposte.net"),
        ("jean@orange.com", "jean@orange.fr"),
        ("jean@laposte.fr", "jean@laposte.net"),
        ("jean@icloud.fr", "jean@icloud.com"),
    ],
)
def test_domain_typos_are_corrected_and_flagged(raw: str, expected: str) -> None:
    assert n.normalise_email(raw) == n.Normalised(expected, ("domain_corrected",))


@pytest.mark.parametrize(
    "raw",
    ["jean.dupont", "jean dupont@gmail.com", "jean@gmail", "@gmail.com", "jean@@gmail.com",
     "jean@gmail..com", "jean@-gmail.com"],
)  # fmt: skip
def test_an_invalid_email_is_kept_lowercased_and_flagged(raw: str) -> None:
    result = n.normalise_email(raw.upper())
    assert result == n.Normalised(raw.lower(), ("invalid",))
    assert n.email_key(raw) == raw.lower()


@pytest.mark.parametrize(
    "raw",
    ["x7k2@acheteurs.cdiscount.com", "abc123@privaterelay.appleid.com",
     "a1b2@marketplace.amazon.fr", "z9@mozmail.com"],
)  # fmt: skip
def test_a_masked_relay_address_is_flagged(raw: str) -> None:
    assert n.normalise_email(raw).flags == ("relay",)


@pytest.mark.parametrize("raw", ["nomail@nomail.com", "noemail@orange.fr", "jean@example.com"])
def test_a_placeholder_email_is_kept_and_flagged(raw: str) -> None:
    assert n.normalise_email(raw) == n.Normalised(raw, ("placeholder",))


@pytest.mark.parametrize("raw", [None, "", "   "])
def test_a_blank_email_is_empty_and_has_no_key(raw: str | None) -> None:
    assert n.normalise_email(raw) == n.Normalised(None, ("empty",))
    assert n.email_key(raw) == ""


@pytest.mark.parametrize(
    "raw",
    ["jean.dupont@gmail.com", "jeandupont@gmail.com", "Jean.Dupont+promo@gmail.com",
     "j.e.a.n.dupont@googlemail.com", "jeandupont+x+y@GoogleMail.com", "jean.dupont@gmial.com"],
)  # fmt: skip
def test_gmail_ignores_dots_and_plus_tags(raw: str) -> None:
    assert n.email_key(raw) == "jeandupont@gmail.com"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("jean.dupont+promo@hotmail.fr", "jean.dupont@hotmail.fr"),
        ("jean.dupont+promo@outlook.com", "jean.dupont@outlook.com"),
        ("jean.dupont+promo@live.fr", "jean.dupont@live.fr"),
        ("jean+promo@hotmial.com", "jean@hotmail.com"),
    ],
)
def test_outlook_domains_ignore_plus_tags_but_keep_dots(raw: str, expected: str) -> None:
    assert n.email_key(raw) == expected


@pytest.mark.parametrize(
    "raw", ["jean.dupont+promo@orange.fr", "j.dupont@free.fr", "jean+x@laposte.net"]
)
def test_other_providers_keep_dots_and_plus_tags(raw: str) -> None:
    assert n.email_key(raw) == raw


# ---------------------------------------------------------------------------------------- phones

MOBILE_STYLES = [
    "06 12 34 56 78",
    "06.12.34.56.78",
    "0612345678",
    "+33 6 12 34 56 78",
    "+33612345678",
    "0033612345678",
    "06-12-34-56-78",
    "+33 (0)6 12 34 56 78",
    "+33 (0) 6 12 34 56 78",
    " 06/12/34/56/78 ",
    "(06) 12 34 56 78",
]


@pytest.mark.parametrize("raw", MOBILE_STYLES)
def test_every_phone_style_gives_the_same_e164(raw: str) -> None:
    assert n.normalise_phone(raw) == n.Normalised("+33612345678", ("mobile",))


def test_a_french_number_that_lost_its_zero_gets_it_back() -> None:
    assert n.normalise_phone("612345678") == n.Normalised(
        "+33612345678", ("zero_restored", "mobile")
    )
    assert n.normalise_phone("140000001").value == "+33140000001"


@pytest.mark.parametrize(
    ("raw", "expected", "kind"),
    [
        ("01 40 20 50 50", "+33140205050", "landline"),
        ("04 78 12 34 56", "+33478123456", "landline"),
        ("09 51 23 45 67", "+33951234567", "landline"),
        ("07 81 23 45 67", "+33781234567", "mobile"),
    ],
)
def test_a_phone_is_flagged_landline_or_mobile(raw: str, expected: str, kind: str) -> None:
    assert n.normalise_phone(raw) == n.Normalised(expected, (kind,))


def test_a_phone_is_read_in_the_given_region() -> None:
    assert n.normalise_phone("0470 12 34 56", region="BE") == n.Normalised(
        "+32470123456", ("mobile",)
    )
    assert n.normalise_phone("+32 470 12 34 56").value == "+32470123456"


@pytest.mark.parametrize("raw", ["12", "abc", "06 12 34", "00 00 00 00 00", "0612345678901"])
def test_an_invalid_phone_is_kept_raw_and_flagged(raw: str) -> None:
    assert n.normalise_phone(f" {raw} ") == n.Normalised(raw, ("invalid",))


@pytest.mark.parametrize("raw", ["06 00 00 00 00", "01 11 11 11 11", "01 23 45 67 89"])
def test_a_placeholder_phone_is_kept_and_flagged(raw: str) -> None:
    result = n.normalise_phone(raw)
    assert result.value is not None and result.value.startswith("+33")
    assert "placeholder" in result.flags


@given(st.from_regex(r"[1-9][0-9]{8}", fullmatch=True))
def test_the_french_fast_path_agrees_with_phonenumbers(national: str) -> None:
    number = phonenumbers.parse("0" + national, "FR")
    result = n.normalise_phone("0" + national)
    if not phonenumbers.is_valid_number(number):
        assert result.flags == ("invalid",)
        return
    assert result.value == phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    kind = phonenumbers.number_type(number)
    fixed = {phonenumbers.PhoneNumberType.FIXED_LINE, phonenumbers.PhoneNumberType.VOIP}
    if kind == phonenumbers.PhoneNumberType.MOBILE:
        assert "mobile" in result.flags
    elif kind in fixed:
        assert "landline" in result.flags
    else:
        assert not {"mobile", "landline"} & set(result.flags)


@pytest.mark.parametrize("raw", [None, "", "  "])
def test_a_blank_phone_is_empty(raw: str | None) -> None:
    assert n.normalise_phone(raw) == n.Normalised(None, ("empty",))


# ----------------------------------------------------------------------------------- birth dates


@pytest.mark.parametrize(
    "raw",
    [
        "1985-03-14",
        "1985-3-14",
        "1985/03/14",
        "1985-03-14T00:00:00",
        "1985-03-14 00:00:00",
        "14/03/1985",
        "14/3/1985",
        "19850314",
        "14031985",
        "14-03-85",
        "14/03/85",
        "14.03.1985",
        "14-03-1985",
        " 14/03/1985 ",
        date(1985, 3, 14),
    ],
)
def test_every_birth_date_format_gives_the_same_date(raw) -> None:
    assert n.parse_birth_date(raw, today=TODAY) == n.Normalised(date(1985, 3, 14), ())


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("14-03-85", date(1985, 3, 14)),
        ("14-03-26", date(2026, 3, 14)),
        ("16-06-26", date(1926, 6, 16)),
        ("15-06-26", date(2026, 6, 15)),
        ("01-01-00", date(2000, 1, 1)),
        ("01-01-20", date(2020, 1, 1)),
        ("31-12-30", date(1930, 12, 31)),
    ],
)
def test_a_two_digit_year_makes_the_person_between_0_and_110(raw: str, expected: date) -> None:
    result = n.parse_birth_date(raw, today=TODAY)
    assert result.value == expected
    assert 0 <= TODAY.year - expected.year <= 110


@pytest.mark.parametrize("raw", ["01/01/1900", "1900-01-01", "19000101"])
def test_the_1900_placeholder_is_none_and_flagged(raw: str) -> None:
    assert n.parse_birth_date(raw, today=TODAY) == n.Normalised(None, ("placeholder",))


@pytest.mark.parametrize("raw", ["16/06/2026", "2090-01-01", "31/12/1899", "1850-05-05"])
def test_a_future_or_pre_1900_date_is_implausible(raw: str) -> None:
    assert n.parse_birth_date(raw, today=TODAY) == n.Normalised(None, ("implausible",))


@pytest.mark.parametrize(
    "raw", ["31/02/1985", "1985-13-01", "hier", "14 mars 1985", "1985", "00/00/0000"]
)
def test_an_unparseable_date_is_none_and_flagged_invalid(raw: str) -> None:
    assert n.parse_birth_date(raw, today=TODAY) == n.Normalised(None, ("invalid",))


def test_a_blank_birth_date_is_empty() -> None:
    assert n.parse_birth_date("  ", today=TODAY) == n.Normalised(None, ("empty",))


def test_the_birth_date_plausibility_follows_today() -> None:
    assert n.parse_birth_date("2026-06-15", today=TODAY).value == TODAY
    assert n.parse_birth_date("2026-06-15").flags in {(), ("implausible",)}


@given(st.dates(min_value=date(1901, 1, 1), max_value=TODAY))
def test_any_plausible_date_round_trips_through_every_format(day: date) -> None:
    for text in (day.isoformat(), day.strftime("%d/%m/%Y"), day.strftime("%Y%m%d"),
                 day.strftime("%d.%m.%Y")):  # fmt: skip
        assert n.parse_birth_date(text, today=TODAY).value == day


# ------------------------------------------------------------------------------------- addresses


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("75001", "75001"), (" 75 001 ", "75001"), ("75001.0", "75001"), ("97400", "97400"),
     ("98000", "98000"), ("20000", "20000"), ("2A004", "20004"), ("2b200", "20200")],
)  # fmt: skip
def test_a_french_postal_code_is_five_digits(raw: str, expected: str) -> None:
    assert n.normalise_postal_code(raw) == n.Normalised(expected, ())


@pytest.mark.parametrize(
    ("raw", "expected"), [("1000", "01000"), ("6000", "06000"), (" 9200 ", "09200")]
)
def test_a_postal_code_that_lost_its_leading_zero_gets_it_back(raw: str, expected: str) -> None:
    assert n.normalise_postal_code(raw) == n.Normalised(expected, ("zero_restored",))


@pytest.mark.parametrize("raw", ["123", "750011", "ABCDE", "00100", "96000", "7500I"])
def test_an_invalid_postal_code_is_kept_raw_and_flagged(raw: str) -> None:
    assert n.normalise_postal_code(raw) == n.Normalised(raw, ("invalid",))


def test_a_foreign_postal_code_is_only_tidied() -> None:
    assert n.normalise_postal_code("sw1a 1aa", country="GB") == n.Normalised("SW1A1AA", ())
    assert n.normalise_postal_code("1000", country="BE") == n.Normalised("1000", ())


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("12 AV. DU GAL DE GAULLE", "12 avenue du general de gaulle"),
        ("12 avenue du Général de Gaulle", "12 avenue du general de gaulle"),
        ("12 ave du gen de gaulle", "12 avenue du general de gaulle"),
        ("3 BD VOLTAIRE", "3 boulevard voltaire"),
        ("3 bld Voltaire", "3 boulevard voltaire"),
        ("3, boul. Voltaire", "3 boulevard voltaire"),
        ("5 r. de la Paix", "5 rue de la paix"),
        ("5 pl. Bellecour", "5 place bellecour"),
        ("8 ch des Vignes", "8 chemin des vignes"),
        ("2 imp. des Lilas", "2 impasse des lilas"),
        ("4 all. des Tilleuls", "4 allee des tilleuls"),
        ("4 Allée des Tilleuls", "4 allee des tilleuls"),
        ("10 r St-Honoré", "10 rue saint honore"),
        ("10 rue Ste Catherine", "10 rue sainte catherine"),
        ("22 fg Saint-Antoine", "22 faubourg saint antoine"),
        ("12bis rue de la Paix", "12 bis rue de la paix"),
        ("12 B rue de la Paix", "12 bis rue de la paix"),
        ("12 ter, rue de la Paix", "12 ter rue de la paix"),
        ("012 rue de la Paix", "12 rue de la paix"),
        ("12 q rue de la Paix", "12 quater rue de la paix"),
        ("12 q. de la Marne", "12 quai de la marne"),
        ("12 Q DES ORFEVRES", "12 quai des orfevres"),
        ("7 rte de Lyon", "7 route de lyon"),
    ],
)
def test_street_key_expands_abbreviations_and_keeps_the_house_number(
    raw: str, expected: str
) -> None:
    assert n.street_key(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("ST ETIENNE", "saint etienne"),
        ("Saint-Étienne", "saint etienne"),
        ("ST-ETIENNE CEDEX 2", "saint etienne"),
        ("Lyon Cedex", "lyon"),
        ("STE MAXIME", "sainte maxime"),
        ("Bourg-en-Bresse", "bourg en bresse"),
        ("PARIS 15", "paris"),
        ("Paris 15e", "paris"),
        ("Lyon 3ème", "lyon"),
        ("Neuilly s/ Seine", "neuilly sur seine"),
        ("L'Haÿ-les-Roses", "l hay les roses"),
    ],
)
def test_city_key_is_a_tolerant_matching_key(raw: str, expected: str) -> None:
    assert n.city_key(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("France", "FR"), ("FRA", "FR"), ("fr", "FR"), ("Belgique", "BE"), ("Suisse", "CH"),
     ("La Réunion", "RE"), ("PT", "PT"), ("US", "US")],
)  # fmt: skip
def test_normalise_country_gives_iso_alpha_2(raw: str, expected: str) -> None:
    assert n.normalise_country(raw) == n.Normalised(expected, ())


def test_an_unknown_country_is_none_and_flagged_invalid() -> None:
    assert n.normalise_country("Atlantis") == n.Normalised(None, ("invalid",))


# ----------------------------------------------------------------------------------------- gender


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("M", "M"), ("M.", "M"), ("Mr", "M"), ("MONSIEUR", "M"), ("H", "M"), ("homme", "M"),
     ("Mme", "F"), ("Mlle", "F"), ("Madame", "F"), ("F", "F"), ("Mrs", "F"), ("Melle", "F"),
     ("1", "M"), ("2", "F")],
)  # fmt: skip
def test_normalise_gender_reads_civilities_and_sex_codes(raw: str, expected: str) -> None:
    assert n.normalise_gender(raw) == n.Normalised(expected, ())


def test_an_unknown_gender_is_none_and_flagged() -> None:
    assert n.normalise_gender("X") == n.Normalised(None, ("unspecified",))
    assert n.normalise_gender("Dr") == n.Normalised(None, ("invalid",))
    assert n.normalise_gender("") == n.Normalised(None, ("empty",))


# ----------------------------------------------------------------------------------------- record

TYPICAL = {
    "first_name": "CATHY",
    "last_name": "DUPONT née MARTIN",
    "email": "Cathy.Dupont+shop@gmial.com",
    "phone": "612345678",
    "birth_date": "14/03/1985",
    "street": "12  av du gal de gaulle",
    "postal_code": "1000",
    "city": "BOURG-EN-BRESSE CEDEX",
    "country": "France",
    "gender": "Mme",
}


def test_normalise_record_gives_values_keys_and_flags() -> None:
    result = n.normalise_record(TYPICAL, today=TODAY)
    assert result == {
        "first_name": "Cathy",
        "first_name_key": "catherine",
        "last_name": "Dupont",
        "last_name_key": "dupont",
        "birth_name": "Martin",
        "birth_name_key": "martin",
        "email": "cathy.dupont+shop@gmail.com",
        "email_key": "cathydupont@gmail.com",
        "email_match_key": "cathydupont@gmail.com",
        "phone": "+33612345678",
        "mobile": None,
        "mobile_key": "+33612345678",
        "landline_key": None,
        "birth_date": date(1985, 3, 14),
        "street": "12 av du gal de gaulle",
        "street_key": "12 avenue du general de gaulle",
        "postal_code": "01000",
        "city": "BOURG-EN-BRESSE CEDEX",
        "city_key": "bourg en bresse",
        "country": "FR",
        "gender": "F",
        "flags": [
            {"field": "email", "flag": "domain_corrected"},
            {"field": "phone", "flag": "zero_restored"},
            {"field": "phone", "flag": "mobile"},
            {"field": "postal_code", "flag": "zero_restored"},
        ],
    }


def test_normalise_record_keeps_bad_values_raw_with_flags() -> None:
    result = n.normalise_record(
        {"first_name": "  ", "email": "not an email", "phone": "12", "birth_date": "01/01/1900",
         "postal_code": "123", "gender": "?", "loyalty_card": "C1"},
        today=TODAY,
    )  # fmt: skip
    assert result["first_name"] is None
    assert result["email"] == "not an email"
    assert result["phone"] == "12"
    assert result["birth_date"] is None
    assert result["postal_code"] == "123"
    assert result["last_name"] is None and result["last_name_key"] is None
    assert {(f["field"], f["flag"]) for f in result["flags"]} == {
        ("first_name", "empty"),
        ("email", "invalid"),
        ("phone", "invalid"),
        ("birth_date", "placeholder"),
        ("postal_code", "invalid"),
        ("gender", "invalid"),
    }
    assert "loyalty_card" not in result


def test_normalise_record_with_nothing_gives_nones_and_no_flags() -> None:
    result = n.normalise_record({})
    assert result["flags"] == []
    assert all(value is None for key, value in result.items() if key != "flags")


def test_normalise_record_reads_the_phone_in_the_records_country() -> None:
    result = n.normalise_record({"phone": "0470 12 34 56", "country": "Belgique"})
    assert result["phone"] == "+32470123456"
    result = n.normalise_record({"phone": "0470 12 34 56"}, region="BE")
    assert result["phone"] == "+32470123456"


def test_normalise_record_uses_the_gender_for_an_ambiguous_nickname() -> None:
    assert (
        n.normalise_record({"first_name": "Steph", "gender": "M"})["first_name_key"] == "stephane"
    )


# ------------------------------------------------------------- the simulated brand's mess is undone


@pytest.mark.parametrize(
    ("domain", "typo"), [(d, t) for d, ts in EMAIL_DOMAIN_TYPOS.items() for t in ts]
)
def test_every_domain_typo_of_the_simulated_brand_is_corrected(domain: str, typo: str) -> None:
    assert n.normalise_email(f"marie.martin@{typo}") == n.Normalised(
        f"marie.martin@{domain}", ("domain_corrected",)
    )


@pytest.mark.parametrize("style", range(len(mess.PHONE_STYLES)))
@pytest.mark.parametrize("e164", ["+33612345678", "+33781234567", "+33140205050"])
def test_every_phone_style_of_the_simulated_brand_gives_back_the_number(
    style: int, e164: str
) -> None:
    assert n.normalise_phone(mess.phone_as(style, e164)).value == e164


@pytest.mark.parametrize(
    "street",
    ["12 rue du Général-de-Gaulle", "3 avenue Jean Jaurès", "8 boulevard Voltaire",
     "5 place Bellecour", "4 allée des Tilleuls", "9 chemin des Vignes", "2 impasse des Lilas",
     "1 quai de la Marne", "7 route de Lyon"],
)  # fmt: skip
def test_an_abbreviated_street_has_the_same_key(street: str) -> None:
    assert n.street_key(mess.abbreviate_street(street)) == n.street_key(street)
    assert n.street_key(mess.abbreviate_street(street).upper()) == n.street_key(street)


@pytest.mark.parametrize("city", ["Saint-Étienne", "Sainte-Maxime", "Le Havre", "Saint-Denis"])
def test_an_abbreviated_city_has_the_same_key(city: str) -> None:
    assert n.city_key(mess.abbreviate_city(city).upper()) == n.city_key(city)

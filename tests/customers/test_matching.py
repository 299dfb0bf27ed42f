"""The identity-resolution model: comparison levels, the SQL form agreeing with the Python
form, and the traps a French customer file sets (households, twins, homonyms, married names,
movers, swapped names, nicknames)."""

from __future__ import annotations

import dataclasses
import random

import duckdb
import pyarrow as pa
import pytest

from omnicanal.customers import matching, normalise
from omnicanal.customers.matching import DISTINCT, MERGE, MatchRecord


def record(record_id: str, **fields: str) -> MatchRecord:
    normalised = normalise.normalise_record(fields)
    normalised["loyalty_card"] = fields.get("loyalty_card")
    return matching.from_normalised(record_id, normalised)


MODEL = matching.default_model()
CATHERINE = dict(
    first_name="Catherine", last_name="Dupont", email="catherine.dupont@orange.fr",
    phone="06 12 34 56 78", birth_date="14/03/1985", street="12 rue de la Paix",
    postal_code="69002", city="Lyon", gender="Mme",
)  # fmt: skip


def levels(a: MatchRecord, b: MatchRecord) -> dict[str, int]:
    return dict(zip(matching.COMPARISON_NAMES, matching.comparison_levels(a, b), strict=True))


def test_the_same_person_typed_twice_agrees_on_everything() -> None:
    a = record("a", **CATHERINE)
    b = record("b", **{**CATHERINE, "first_name": "CATHY", "last_name": "DUPONT",
                       "phone": "+33612345678", "birth_date": "1985-03-14"})  # fmt: skip
    found = levels(a, b)
    assert found["first_name"] >= 3 and found["last_name"] >= 3
    assert found["birth_date"] == 2 and found["mobile"] == 1 and found["email"] == 3
    assert matching.score_pair(a, b, MODEL).outcome == MERGE


def test_missing_values_give_no_evidence() -> None:
    a = record("a", first_name="Marie", last_name="Martin")
    b = record("b", first_name="Marie", last_name="Martin", email="m@free.fr")
    assert levels(a, b)["email"] == -1 and levels(a, b)["birth_date"] == -1


def test_household_members_sharing_home_and_landline_are_different_persons() -> None:
    home = dict(last_name="Dupont", street="12 rue de la Paix", postal_code="69002",
                city="Lyon", phone="04 78 12 34 56")  # fmt: skip
    husband = record("a", first_name="Pierre", birth_date="02/05/1960", **home)
    wife = record("b", first_name="Catherine", birth_date="14/03/1963", **home)
    score = matching.score_pair(husband, wife, MODEL)
    assert score.outcome == DISTINCT and score.reason in matching.APART_REASONS
    # Without birth dates, the home population's parameters tell them apart.
    husband, wife = (record(i, first_name=f, **home) for i, f in (("a", "Pierre"), ("b", "Léa")))
    score = matching.score_pair(husband, wife, MODEL)
    assert (score.outcome, score.reason) == (DISTINCT, "household")


def test_a_file_without_households_lets_a_replaced_first_name_merge_at_home() -> None:
    # Febrl-like data: every pair sharing a home is one person, some with a first name
    # replaced by another. Trained on such data, the home population's prior is near 1.
    no_households = dataclasses.replace(MODEL, home_prior=0.999)
    home = dict(last_name="Webb", street="43 Mcilwraith Close", postal_code="2640",
                city="Doubleview", birth_date="1971-07-09")  # fmt: skip
    a, b = record("a", first_name="Phoebe", **home), record("b", first_name="Mitchell", **home)
    assert matching.score_pair(a, b, no_households).outcome == MERGE
    # Where homes are shared (the default model expects households), the same pair is two
    # persons once nothing personal such as the birth date ties them.
    del home["birth_date"]
    a, b = record("a", first_name="Phoebe", **home), record("b", first_name="Mitchell", **home)
    assert matching.score_pair(a, b, MODEL).reason == "household"
    assert matching.score_pair(a, b, no_households).reason != "household"


def test_twins_share_everything_but_the_first_name() -> None:
    home = dict(last_name="Martin", street="3 rue Victor Hugo", postal_code="75011",
                city="Paris", phone="01 43 12 34 56", birth_date="01/06/1999")  # fmt: skip
    score = matching.score_pair(
        record("a", first_name="Lucas", **home), record("b", first_name="Hugo", **home), MODEL
    )
    assert (score.outcome, score.reason) == (DISTINCT, "household")


def test_homonyms_born_on_other_days_in_other_cities_are_kept_apart() -> None:
    a = record("a", first_name="Marie", last_name="Martin", birth_date="12/01/1970",
               postal_code="69002", city="Lyon")  # fmt: skip
    b = record("b", first_name="Marie", last_name="Martin", birth_date="30/09/1988",
               postal_code="13001", city="Marseille")  # fmt: skip
    assert matching.score_pair(a, b, MODEL).outcome == DISTINCT


def test_a_married_name_against_the_birth_name_agrees_on_the_last_name() -> None:
    married = record("a", **{**CATHERINE, "last_name": "DUPONT NÉE MARTIN"})
    maiden = record("b", **{**CATHERINE, "last_name": "Martin", "email": None})
    assert levels(married, maiden)["last_name"] == 2
    assert matching.score_pair(married, maiden, MODEL).outcome == MERGE


def test_a_mover_is_found_by_email_phone_and_birth_date_despite_the_new_address() -> None:
    old = record("a", **CATHERINE)
    new = record("b", **{**CATHERINE, "street": "4 avenue Foch", "postal_code": "75016",
                         "city": "Paris"})  # fmt: skip
    assert levels(old, new)["address"] == 0
    assert matching.score_pair(old, new, MODEL).outcome == MERGE


def test_a_street_or_postal_code_typo_is_still_the_same_home() -> None:
    home = dict(first_name="Tori", last_name="Keogh", street="23 Bacchus Circuit",
                postal_code="2450", city="Werrington")  # fmt: skip
    at_home = record("a", **home)
    street_typo_other_code = record("b", **{**home, "street": "23 Bacchus Hircuit",
                                            "postal_code": "3170"})  # fmt: skip
    swapped_digits_other_city = record("c", **{**home, "postal_code": "2405", "city": "Penrith"})
    both_typos_other_city = record("d", **{**home, "street": "23 Bacchus Hircuit",
                                           "postal_code": "2405", "city": "Penrith"})  # fmt: skip
    assert levels(at_home, street_typo_other_code)["address"] == 2  # the same city
    assert levels(at_home, swapped_digits_other_city)["address"] == 2  # the same street
    assert levels(at_home, both_typos_other_city)["address"] == 0


def test_a_postal_code_one_typo_off_in_the_same_city_counts_as_the_same_postal_code() -> None:
    home = dict(first_name="Kira", last_name="Reid", street="6 Saltash Place",
                postal_code="2088", city="North Ryde")  # fmt: skip
    moved_street = dict(street="6 Section Road")
    same_code = record("b", **{**home, **moved_street})
    code_typo = record("c", **{**home, **moved_street, "postal_code": "2098"})
    code_typo_elsewhere = record("d", **{**home, **moved_street, "postal_code": "2098",
                                         "city": "Ryde"})  # fmt: skip
    at_home = record("a", **home)
    assert levels(at_home, same_code)["address"] == 1
    assert levels(at_home, code_typo)["address"] == 1
    assert levels(at_home, code_typo_elsewhere)["address"] == 0


def test_swapped_first_and_last_names_agree_crosswise() -> None:
    a = record("a", first_name="Thomas", last_name="Perez", postal_code="87000")
    b = record("b", first_name="PEREZ", last_name="Tom", postal_code="87000")
    found = levels(a, b)
    assert found["first_name"] >= 3 and found["last_name"] >= 3


def test_a_full_name_in_one_field_is_split_on_capitals_and_initials() -> None:
    assert normalise.split_full_name("DUPONT Marie") == ("Marie", "DUPONT")
    assert normalise.split_full_name("Marie DUPONT") == ("Marie", "DUPONT")
    assert normalise.split_full_name("M. Dupont") == ("M.", "Dupont")
    assert normalise.split_full_name("Marie Dupont") == ("Marie", "Dupont")


def test_an_initial_or_a_short_form_is_a_weak_first_name_agreement() -> None:
    assert levels(record("a", first_name="P.", last_name="Roux"),
                  record("b", first_name="Pierre", last_name="Roux"))["first_name"] == 1  # fmt: skip
    assert levels(record("a", first_name="Chris", last_name="Roux"),
                  record("b", first_name="Christine", last_name="Roux"))["first_name"] == 1  # fmt: skip


def test_a_relay_email_is_not_compared() -> None:
    a = record("a", first_name="Léa", email="x8f3k2@privaterelay.appleid.com")
    b = record("b", first_name="Léa", email="x8f3k2@privaterelay.appleid.com")
    assert levels(a, b)["email"] == -1


def test_the_same_loyalty_card_is_the_same_customer() -> None:
    a = record("a", first_name="Jean", loyalty_card="2990000000001")
    b = record("b", first_name="Jeanne", loyalty_card="2990000000001")
    assert matching.score_pair(a, b, MODEL).reason == "loyalty_card"


def test_the_same_email_with_a_conflicting_birth_date_is_left_to_the_model() -> None:
    a = record("a", first_name="Martine", last_name="Martin", email="martinemartin@gmail.com",
               birth_date="19/11/1974")  # fmt: skip
    b = record("b", first_name="Martine", last_name="Martin", email="martine.martin@gmail.com",
               birth_date="07/10/1968")  # fmt: skip
    assert matching.score_pair(a, b, MODEL).reason != "email"


def test_common_names_weigh_less_than_rare_ones() -> None:
    model = matching.MatchModel(
        m=MODEL.m, u=MODEL.u, prior=MODEL.prior,
        name_tiers={"fn": {"marie": 0}, "ln": {"martin": 0}},
    )  # fmt: skip
    common = [model.with_tiers(record(i, first_name="Marie", last_name="Martin")) for i in "ab"]
    rare = [model.with_tiers(record(i, first_name="Anouk", last_name="Quéméner")) for i in "ab"]
    assert matching.score_pair(*common, model).weight < matching.score_pair(*rare, model).weight


def test_weights_and_evidence_explain_a_score() -> None:
    a, b = record("a", **CATHERINE), record("b", **CATHERINE)
    score = matching.score_pair(a, b, MODEL)
    evidence = score.evidence(MODEL)
    assert [e["comparison"] for e in evidence] == list(matching.COMPARISON_NAMES)
    total = MODEL.prior_weight() + sum(e["weight"] for e in evidence)
    assert total == pytest.approx(score.weight, abs=0.1)


def _random_records(count: int, seed: int) -> list[MatchRecord]:
    rng = random.Random(seed)
    firsts = ["Marie", "Jean-Pierre", "Jean", "J.", "Cathy", "Catherine", "Chris", "Léa", "Lea"]
    lasts = ["Martin", "MARTIN NÉE DUPONT", "Dupont", "Dupond", "Le Gall", "Martin-Dupont"]
    out = []
    for i in range(count):
        fields = {
            "first_name": rng.choice(firsts + lasts),
            "last_name": rng.choice(lasts + firsts),
            "email": rng.choice([None, "marie.martin@gmail.com", "mariemartin@gmail.com",
                                 "marie.martin@orange.fr", "jp42@free.fr", "jp43@free.fr"]),
            "phone": rng.choice([None, "0612345678", "0612345679", "0478123456"]),
            "birth_date": rng.choice([None, "1970-01-12", "1970-12-01", "1971-01-12"]),
            "postal_code": rng.choice([None, "69002", "69003", "69020"]),
            "street": rng.choice([None, "12 rue de la Paix", "12 r. de la paix", "14 rue de la Paix",
                                  "3 rue Foch"]),
            "city": rng.choice([None, "Lyon", "LYON 2E"]),
            "gender": rng.choice([None, "F", "M"]),
        }  # fmt: skip
        tiers = {"fn_tier": rng.randint(0, 2), "ln_tier": rng.randint(0, 2)}
        base = record(f"r{i}", **{k: v for k, v in fields.items() if v is not None})
        out.append(MatchRecord(**{**base.as_row(), **tiers}))
    return out


def test_the_sql_levels_equal_the_python_levels() -> None:
    records = _random_records(60, seed=7)
    table = pa.table(
        {name: [getattr(r, name) for r in records] for name in matching.FIELDS}
    ).append_column("idx", pa.array(range(len(records))))
    connection = duckdb.connect()
    connection.register("records", table)
    inner, outer = matching.level_sql()
    rows = connection.execute(
        f"""SELECT a, b, {outer} FROM (
              SELECT l.idx AS a, r.idx AS b, {inner}
              FROM records l JOIN records r ON l.idx < r.idx) compared ORDER BY a, b"""
    ).fetchall()
    assert len(rows) == 60 * 59 // 2
    for a, b, *sql_levels in rows:
        assert tuple(sql_levels) == matching.comparison_levels(records[a], records[b]), (
            records[a],
            records[b],
        )

"""Channel records: each source's export as its system writes it, with its mess, and a truth
file naming the person behind every record."""

from __future__ import annotations

import csv
import hashlib
import json
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import phonenumbers
import pytest

from omnicanal.simulation import ids
from omnicanal.simulation.catalog import is_valid_gtin13
from omnicanal.simulation.data.names import ALL_DOMAIN_TYPOS, NICKNAMES
from omnicanal.simulation.mess import strip_accents
from omnicanal.simulation.model import Person
from omnicanal.simulation.people import build_persons
from omnicanal.simulation.records import write_records
from omnicanal.simulation.rng import stream
from omnicanal.simulation.scale import Scale
from omnicanal.simulation.world import World, build_world
from omnicanal.simulation.writers import Outputs

SEED = 7
SCALE = Scale("test", persons=8_000, stores=40, franchised_stores=15, products=200, franchisees=4,
              chunk_size=4_000)  # fmt: skip


@dataclass
class Record:
    """One row of a customer file, with the fields every test looks at under common names."""

    source: str
    source_id: str
    row: dict
    first: str
    last: str
    phones: list[str]
    emails: list[str]
    birth: str
    street: str


@dataclass
class Chunk:
    root: Path
    persons: list[Person]
    records: list[Record]
    truth: list[dict[str, str]]


def _write(world: World, chunk: int, root: Path, seed: int = SEED) -> list[Person]:
    persons = build_persons(world, chunk, stream(seed, "persons", chunk))
    out = Outputs(root)
    write_records(world, persons, stream(seed, "records", chunk), out)
    out.close()
    return persons


def _rows(path: Path) -> list[dict]:
    if path.suffix == ".jsonl":
        return [json.loads(line) for line in path.read_text().splitlines()]
    with path.open(newline="") as handle:
        return list(csv.DictReader(handle))


# Where each source keeps what the tests compare: file, id, first name, last name, phones,
# e-mail, birth date, street (None: the source has no such field).
FIELDS = {
    "web": ("web_accounts.csv", "account_id", "first_name", "last_name", ("phone",), "email", "birth_date", "street"),
    "app": ("app_accounts.jsonl", "user_id", "given_name", "family_name", ("mobile",), "email", "birthday", None),
    "pos": ("pos_customers.csv", "customer_no", "PRENOM", "NOM", ("tel",), "email", "date_naissance", "adresse"),
    "call_center": ("call_center_contacts.csv", "Id", "FirstName", "LastName", ("Phone", "MobilePhone"), "Email", "Birthdate", "MailingStreet"),
    "loyalty": ("loyalty_cards.csv", "CARD_NUMBER", "FIRST_NAME", "LAST_NAME", ("MOBILE",), "EMAIL", "BIRTH_DATE", "ADDRESS"),
    "marketplace": ("marketplace_buyers.csv", "buyer_id", None, "buyer_name", ("phone",), "buyer_email", None, "shipping_street"),
}  # fmt: skip


def _records(root: Path) -> list[Record]:
    records = []
    for source, (name, key, first, last, phones, email, birth, street) in FIELDS.items():
        for r in _rows(root / "customers" / name):
            records.append(
                Record(
                    source=source,
                    source_id=r[key],
                    row=r,
                    first=r[first] if first else "",
                    last=r[last],
                    phones=[r[field] or "" for field in phones],
                    emails=[r[email]],
                    birth=(r[birth] or "") if birth else "",
                    street=r[street] if street else "",
                )
            )
    return records


@pytest.fixture(scope="module")
def world() -> World:
    return build_world(SCALE, SEED)


@pytest.fixture(scope="module")
def chunks(world: World, tmp_path_factory: pytest.TempPathFactory) -> list[Chunk]:
    result = []
    for chunk in range(SCALE.chunks):
        root = tmp_path_factory.mktemp(f"chunk{chunk}")
        persons = _write(world, chunk, root)
        result.append(
            Chunk(root, persons, _records(root), _rows(root / "truth" / "customer_records.csv"))
        )
    return result


@pytest.fixture(scope="module")
def persons(chunks: list[Chunk]) -> dict[str, Person]:
    return {p.id: p for c in chunks for p in c.persons}


@pytest.fixture(scope="module")
def records(chunks: list[Chunk]) -> list[Record]:
    return [r for c in chunks for r in c.records]


def _of(records: list[Record], source: str) -> list[Record]:
    return [r for r in records if r.source == source]


def _truth(chunks: list[Chunk]) -> dict[tuple[str, str], str]:
    return {(t["source"], t["source_id"]): t["person_id"] for c in chunks for t in c.truth}


def _digest(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


# -- determinism and ids ------------------------------------------------------------------------


def test_same_seed_and_chunk_write_identical_bytes(
    world: World, chunks: list[Chunk], tmp_path: Path
) -> None:
    _write(world, 1, tmp_path)
    assert _digest(tmp_path) == _digest(chunks[1].root)
    assert set(_digest(tmp_path)) == {f"customers/{f[0]}" for f in FIELDS.values()} | {
        "truth/customer_records.csv"
    }


def test_another_seed_writes_other_files(world: World, chunks: list[Chunk], tmp_path: Path) -> None:
    _write(world, 0, tmp_path, seed=SEED + 1)
    assert _digest(tmp_path) != _digest(chunks[0].root)


def test_record_ids_are_unique_within_and_across_chunks(chunks: list[Chunk]) -> None:
    keys = [(t["source"], t["source_id"]) for c in chunks for t in c.truth]
    assert len(keys) == len(set(keys))
    assert len({r.source_id for c in chunks for r in c.records}) == len(keys), (
        "ids never repeat even between sources"
    )


def test_one_record_in_each_channel_carries_the_id_behaviour_quotes(
    persons: dict[str, Person],
) -> None:
    for p in persons.values():
        for source in p.channels:
            expected = ids.source_id(p, source)
            ours = [i for s, i in p.records if s == source]
            if source == "loyalty":  # the same card body; its check digit: see the next test
                assert expected[:12] in [i[:12] for i in ours]
            else:
                assert expected in ours


def test_loyalty_cards_are_the_very_numbers_behaviour_quotes(persons: dict[str, Person]) -> None:
    for p in persons.values():
        if "loyalty" in p.channels:
            assert ids.source_id(p, "loyalty") in [i for s, i in p.records if s == "loyalty"]


# -- truth --------------------------------------------------------------------------------------


def test_every_record_appears_exactly_once_in_the_truth_with_its_person(
    chunks: list[Chunk], persons: dict[str, Person]
) -> None:
    for c in chunks:
        in_files = Counter((r.source, r.source_id) for r in c.records)
        in_truth = Counter((t["source"], t["source_id"]) for t in c.truth)
        assert in_files == in_truth and max(in_truth.values()) == 1
        assert {t["person_id"] for t in c.truth} == {p.id for p in c.persons}, (
            "every person has a record"
        )
        for t in c.truth:
            assert (t["source"], t["source_id"]) in persons[t["person_id"]].records


def test_each_person_has_one_to_five_records_in_their_channels_and_about_half_several(
    persons: dict[str, Person],
) -> None:
    counts = Counter(len(p.records) for p in persons.values())
    assert set(counts) <= {1, 2, 3, 4, 5}
    assert 0.45 <= 1 - counts[1] / len(persons) <= 0.55  # documented: about 49 %
    for p in persons.values():
        assert {s for s, _ in p.records} == set(p.channels)


def test_pos_records_are_in_the_home_store_and_sometimes_a_second_one(
    records: list[Record], persons: dict[str, Person], chunks: list[Chunk]
) -> None:
    truth = _truth(chunks)
    stores: dict[str, set[str]] = {}
    for r in _of(records, "pos"):
        stores.setdefault(truth[("pos", r.source_id)], set()).add(r.row["store_code"])
    assert all(persons[pid].home_store in codes for pid, codes in stores.items())
    assert 0.06 < sum(len(codes) == 2 for codes in stores.values()) / len(stores) < 0.2


# -- formats ------------------------------------------------------------------------------------

PHONE_STYLES = {
    "spaced": r"0\d( \d\d){4}", "dotted": r"0\d(\.\d\d){4}", "compact": r"0\d{9}",
    "international_spaced": r"\+33 \d( \d\d){4}", "e164": r"\+33\d{9}", "double_zero": r"0033\d{9}",
    "no_leading_zero": r"[1-9]\d{8}", "dashed": r"0\d(-\d\d){4}", "international_trunk": r"\+33 \(0\)\d( \d\d){4}",
}  # fmt: skip


def test_every_phone_is_a_valid_french_number_of_the_person_written_in_many_styles(
    records: list[Record], persons: dict[str, Person], chunks: list[Chunk]
) -> None:
    truth = _truth(chunks)
    styles: Counter[str] = Counter()
    for r in records:
        person = persons[truth[(r.source, r.source_id)]]
        for text in filter(None, r.phones):
            number = phonenumbers.parse(text, "FR")
            assert phonenumbers.is_valid_number(number), text
            assert phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164) in {
                person.phone,
                person.landline,
            }
            styles.update(
                name for name, pattern in PHONE_STYLES.items() if re.fullmatch(pattern, text)
            )
    assert set(styles) == set(PHONE_STYLES)
    landlines = sum(
        1
        for r in records
        for text in r.phones
        if text and phonenumbers.parse(text, "FR").national_number // 10**8 < 6
    )
    assert landlines > 100, "household landlines stand for the person's phone in some records"


def test_emails_have_one_at_and_a_domain(records: list[Record]) -> None:
    for r in records:
        for text in filter(None, r.emails):
            local, domain = text.split("@")  # exactly one @
            assert local and re.fullmatch(r"[a-z0-9-]+(\.[a-z0-9-]+)+", domain.lower()), text


@pytest.mark.parametrize(
    ("source", "low", "high"),
    [
        ("web", 0.002, 0.025),
        ("pos", 0.015, 0.07),
        ("call_center", 0.01, 0.08),
        ("loyalty", 0.025, 0.085),
        ("marketplace", 0, 0),
    ],
)
def test_mistyped_email_domains_occur_at_the_documented_rate(
    records: list[Record], source: str, low: float, high: float
) -> None:
    emails = [e for r in _of(records, source) for e in r.emails if e]
    typos = sum(e.split("@")[1].lower() in ALL_DOMAIN_TYPOS for e in emails)
    assert low <= typos / len(emails) <= high


def test_marketplace_and_some_app_emails_are_masked_relays(records: list[Record]) -> None:
    assert all(
        r.emails[0].split("@")[1].startswith("acheteurs.") for r in _of(records, "marketplace")
    )
    relays = sum(r.emails[0].endswith("@privaterelay.appleid.com") for r in _of(records, "app"))
    assert 0.07 < relays / len(_of(records, "app")) < 0.2


BIRTH_FORMATS = {
    "web": "%Y-%m-%d",
    "app": "%Y-%m-%d",
    "pos": "%d/%m/%Y",
    "call_center": "%d-%m-%y",
    "loyalty": "%Y%m%d",
}


@pytest.mark.parametrize("source", sorted(BIRTH_FORMATS))
def test_birth_dates_are_in_the_sources_format_and_true(
    records: list[Record], persons: dict[str, Person], chunks: list[Chunk], source: str
) -> None:
    truth = _truth(chunks)
    dated = [r for r in _of(records, source) if r.birth]
    assert dated
    for r in dated:
        day = datetime.strptime(r.birth, BIRTH_FORMATS[source]).date()
        born = persons[truth[(source, r.source_id)]].birth_date
        if source == "call_center":  # two-digit years: only day, month and year modulo 100
            assert (day.day, day.month, day.year % 100) == (born.day, born.month, born.year % 100)
        elif day != date(1900, 1, 1):  # a till's placeholder when the customer won't say
            assert day == born


def test_loyalty_cards_are_ean13_starting_with_29_and_replaced_cards_are_kept(
    records: list[Record],
) -> None:
    cards = _of(records, "loyalty")
    assert all(r.source_id.startswith("29") and is_valid_gtin13(r.source_id) for r in cards)
    statuses = Counter(r.row["STATUS"] for r in cards)
    assert statuses["ACTIVE"] > 0 and 0 < statuses["REPLACED"] < 0.08 * len(cards)


# -- the mess -----------------------------------------------------------------------------------


def _share(records: list[Record], test: Callable[[Record], bool]) -> float:
    return sum(1 for r in records if test(r)) / len(records)


def test_tills_write_names_in_capitals_and_without_accents_more_than_customers_do(
    records: list[Record],
) -> None:
    pos, web = _of(records, "pos"), _of(records, "web")

    def capitals(r: Record) -> bool:
        return r.last.isupper()

    def plain(r: Record) -> bool:
        return r.first == strip_accents(r.first)

    assert _share(pos, capitals) > 0.6 and _share(web, capitals) < 0.15
    assert _share(pos, plain) > _share(web, plain)


def test_records_carry_swapped_names_nicknames_birth_names_and_typos(
    records: list[Record], persons: dict[str, Person], chunks: list[Chunk]
) -> None:
    truth = _truth(chunks)
    found: Counter[str] = Counter()
    for r in records:
        if r.source == "marketplace":
            continue
        p = persons[truth[(r.source, r.source_id)]]
        first, last = strip_accents(r.first).lower(), strip_accents(r.last).lower()
        true_first, true_last = (
            strip_accents(p.first_name).lower(),
            strip_accents(p.last_name).lower(),
        )
        if (first, last) == (true_last, true_first):
            found["swapped"] += 1
        elif p.first_name in NICKNAMES and first in {
            strip_accents(n).lower() for n in NICKNAMES[p.first_name]
        }:
            found["nickname"] += 1
        elif p.birth_name and last == strip_accents(p.birth_name).lower():
            found["birth_name"] += 1
        elif p.birth_name and last in (
            f"{true_last} nee {strip_accents(p.birth_name).lower()}",
            f"{true_last}-{strip_accents(p.birth_name).lower()}",
        ):
            found["composed"] += 1
        elif (first != true_first) != (last != true_last):  # one of the two names changed
            found["typo"] += 1
    assert all(
        found[kind] >= 10 for kind in ("swapped", "nickname", "birth_name", "composed", "typo")
    ), found


def test_movers_records_carry_the_old_address_or_the_new_one(
    records: list[Record], persons: dict[str, Person], chunks: list[Chunk]
) -> None:
    truth = _truth(chunks)
    seen: Counter[str] = Counter()
    for r in records:
        p = persons[truth[(r.source, r.source_id)]]
        if p.moved_to and r.street and r.source in ("web", "pos", "loyalty", "marketplace"):
            number = r.street.split(" ")[0]
            old, new = p.street.split(" ")[0], p.moved_to[0].split(" ")[0]
            if old != new:  # told apart by their street numbers
                seen["old" if number == old else "new" if number == new else "neither"] += 1
    assert seen["old"] > 50 and seen["new"] > 50 and seen["neither"] == 0


def test_postal_codes_have_five_digits_except_where_a_spreadsheet_ate_the_leading_zero(
    records: list[Record], world: World
) -> None:
    franchised = {s.code for s in world.stores if s.franchised}
    for r in _of(records, "pos"):
        code = r.row["cp"]
        if r.row["store_code"] in franchised and len(code) == 4:
            assert code.isdigit() and code[0] != "0"
        else:
            assert code == "" or (len(code) == 5 and code.isdigit()), code
    for r in _of(records, "web") + _of(records, "loyalty"):
        code = r.row.get("postal_code", r.row.get("ZIP"))
        assert code == "" or (len(code) == 5 and code.isdigit())

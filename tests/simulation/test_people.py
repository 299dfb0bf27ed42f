"""Persons: deterministic, unique, living near stores, with the traps at their documented rates."""

from __future__ import annotations

import math
import statistics
from collections import Counter, defaultdict
from datetime import timedelta

import phonenumbers
import pytest
from phonenumbers import PhoneNumberType

from omnicanal.simulation.contacts import email_owner
from omnicanal.simulation.data.names import EMAIL_PROVIDERS
from omnicanal.simulation.model import Person
from omnicanal.simulation.people import SOURCES, build_persons
from omnicanal.simulation.rng import stream
from omnicanal.simulation.scale import PRESETS, Scale
from omnicanal.simulation.world import World, build_world

SEED = 42
# A few thousand persons in two chunks: enough to measure each trap's rate.
SCALE = Scale("test", persons=8_000, stores=40, franchised_stores=15, products=200, franchisees=4,
              chunk_size=4_000)  # fmt: skip


@pytest.fixture(scope="module")
def world() -> World:
    return build_world(SCALE, SEED)


@pytest.fixture(scope="module")
def persons(world: World) -> list[Person]:
    return [
        p for c in range(SCALE.chunks) for p in build_persons(world, c, stream(SEED, "persons", c))
    ]


def _share(persons: list[Person], trait: str) -> float:
    return sum(trait in p.traits for p in persons) / len(persons)


def test_same_seed_and_chunk_give_identical_persons(world: World) -> None:
    assert build_persons(world, 1, stream(SEED, "persons", 1)) == build_persons(
        world, 1, stream(SEED, "persons", 1)
    )


def test_another_seed_gives_other_persons() -> None:
    a = build_persons(build_world(PRESETS["tiny"], 1), 0, stream(1, "persons", 0))
    b = build_persons(build_world(PRESETS["tiny"], 2), 0, stream(2, "persons", 0))
    assert [p.first_name for p in a] != [p.first_name for p in b]


def test_a_chunk_holds_chunk_size_persons_numbered_from_its_index_and_the_last_one_the_rest() -> (
    None
):
    scale = Scale(
        "odd",
        persons=2_500,
        stores=12,
        franchised_stores=4,
        products=200,
        franchisees=2,
        chunk_size=1_000,
    )
    world = build_world(scale, SEED)
    last = build_persons(world, 2, stream(SEED, "persons", 2))
    assert len(last) == 500
    assert [p.id for p in last] == [f"P{i:08d}" for i in range(2_001, 2_501)]


def test_ids_households_mobiles_and_emails_are_unique_across_chunks(persons: list[Person]) -> None:
    for attribute in ("id", "phone", "email"):
        values = [getattr(p, attribute) for p in persons]
        assert len(set(values)) == len(values), attribute
    others = [p.other_email for p in persons if p.other_email]
    assert not set(others) & {p.email for p in persons}
    assert len(set(others)) == len(others)
    households = defaultdict(set)
    for p in persons:
        households[p.household_id].add((int(p.id[1:]) - 1) // SCALE.chunk_size)
    assert all(len(chunks) == 1 for chunks in households.values()), (
        "a household id names one chunk's persons"
    )
    landlines = {p.household_id: p.landline for p in persons if p.landline}
    assert len(set(landlines.values())) == len(landlines)


def test_each_email_is_handed_out_by_the_one_chunk_that_owns_it(persons: list[Person]) -> None:
    for p in persons:
        chunk = (int(p.id[1:]) - 1) // SCALE.chunk_size
        assert email_owner(p.email, SCALE.chunks) == chunk
        if p.other_email:
            assert email_owner(p.other_email, SCALE.chunks) == chunk


def test_ages_run_from_18_to_90(persons: list[Person]) -> None:
    ages = [(SCALE.start - p.birth_date).days // 365 for p in persons]
    assert min(ages) >= 18 and max(ages) <= 91
    assert 38 <= statistics.median(ages) <= 52


def test_mobiles_are_valid_french_mobiles_and_landlines_fixed_lines_in_e164(
    persons: list[Person],
) -> None:
    for p in persons:
        mobile = phonenumbers.parse(p.phone)
        assert p.phone.startswith(("+336", "+337")) and len(p.phone) == 12
        assert phonenumbers.number_type(mobile) == PhoneNumberType.MOBILE, p.phone
        if p.landline:
            fixed = phonenumbers.parse(p.landline)
            assert phonenumbers.number_type(fixed) == PhoneNumberType.FIXED_LINE, p.landline
    assert 0.15 < sum(p.phone.startswith("+337") for p in persons) / len(persons) < 0.45


def test_emails_are_made_of_the_name_at_a_known_provider(persons: list[Person]) -> None:
    for p in persons:
        local, domain = p.email.split("@")
        assert local and domain in EMAIL_PROVIDERS
        assert p.email == p.email.lower() and " " not in p.email
    gmail = sum(p.email.endswith("@gmail.com") for p in persons) / len(persons)
    assert 0.3 < gmail < 0.5
    assert 0.15 < sum(p.other_email is not None for p in persons) / len(persons) < 0.35


def _km(p: Person, world: World, code: str) -> float:
    store = world.store(code)
    return math.hypot(p.latitude - store.latitude, (p.longitude - store.longitude) * 0.7) * 111


def test_persons_live_within_about_ten_km_of_their_home_store_in_its_city(
    world: World, persons: list[Person]
) -> None:
    for p in persons:
        assert p.city == world.store(p.home_store).city
        if "between_stores" in p.traits:  # half-way to the other store, a little nearer home
            assert _km(p, world, p.home_store) <= _km(p, world, p.traits["between_stores"])
        else:
            assert _km(p, world, p.home_store) < 16, p.id
    big = Counter(world.store(p.home_store).city for p in persons).most_common(1)[0][0]
    assert big == "Paris"


def test_propensity_is_lognormal_around_one(persons: list[Person]) -> None:
    values = [p.propensity for p in persons]
    assert 0.93 < statistics.fmean(values) < 1.07
    assert statistics.median(values) < statistics.fmean(values)
    assert min(values) > 0


def test_each_person_uses_one_to_five_channels_and_about_45_percent_several(
    persons: list[Person],
) -> None:
    counts = Counter(len(p.channels) for p in persons)
    assert set(counts) <= {1, 2, 3, 4, 5}
    assert all(
        set(p.channels) <= set(SOURCES) and len(set(p.channels)) == len(p.channels) for p in persons
    )
    assert 0.40 < 1 - counts[1] / len(persons) < 0.50
    by_source = Counter(s for p in persons for s in p.channels)
    assert by_source.most_common(1)[0][0] == "pos"


@pytest.mark.parametrize(
    ("trait", "low", "high"),
    [
        ("household", 0.16, 0.24),  # documented: about 20 % of persons
        ("twin", 0.005, 0.02),  # about 1.2 %
        ("namesake", 0.015, 0.035),  # about 2.4 %
        ("married", 0.18, 0.26),  # about 22 %
        ("mover", 0.06, 0.10),  # about 8 %
        ("between_stores", 0.02, 0.045),  # about 3 %
    ],
)
def test_each_trap_is_present_at_its_documented_rate(
    persons: list[Person], trait: str, low: float, high: float
) -> None:
    assert low <= _share(persons, trait) <= high


def test_household_members_share_address_landline_and_name_but_not_first_name_or_birth_date(
    persons: list[Person],
) -> None:
    households = defaultdict(list)
    for p in persons:
        households[p.household_id].append(p)
    shared = [members for members in households.values() if len(members) > 1]
    assert shared and all(2 <= len(m) <= 4 for m in shared)
    for members in shared:
        assert (
            len({(m.street, m.postal_code, m.city, m.landline, m.last_name) for m in members}) == 1
        )
        assert members[0].landline is not None
        assert len({m.first_name for m in members}) == len(members)
        if not members[0].twin_of:
            assert len({m.birth_date for m in members}) == len(members)
        assert all(m.traits["household"] == str(len(members)) for m in members)


def test_twins_share_birth_date_address_and_landline_but_not_first_name(
    persons: list[Person],
) -> None:
    by_id = {p.id: p for p in persons}
    twins = [p for p in persons if p.twin_of]
    assert twins
    for p in twins:
        twin = by_id[p.twin_of]
        assert twin.twin_of == p.id and p.traits["twin"] == twin.id
        assert (p.birth_date, p.street, p.postal_code, p.city, p.landline, p.last_name) == (
            twin.birth_date,
            twin.street,
            twin.postal_code,
            twin.city,
            twin.landline,
            twin.last_name,
        )
        assert p.first_name != twin.first_name and p.household_id == twin.household_id


def test_namesakes_share_first_and_last_name_but_not_birth_date_and_mostly_live_elsewhere(
    persons: list[Person],
) -> None:
    by_id = {p.id: p for p in persons}
    pairs = [(p, by_id[p.traits["namesake"]]) for p in persons if "namesake" in p.traits]
    assert pairs
    for p, other in pairs:
        assert (p.first_name, p.last_name) == (other.first_name, other.last_name)
        assert p.birth_date != other.birth_date and p.household_id != other.household_id
    assert sum(p.city != other.city for p, other in pairs) / len(pairs) > 0.5


def test_married_women_carry_a_birth_name_other_than_their_name(persons: list[Person]) -> None:
    married = [p for p in persons if p.birth_name]
    assert all(
        p.gender == "F" and p.birth_name != p.last_name and "married" in p.traits for p in married
    )
    couples = [p for p in married if "household" in p.traits]
    assert couples, "wives in households carry their husband's name"


def test_movers_get_a_new_address_on_a_day_of_the_period(persons: list[Person]) -> None:
    movers = [p for p in persons if p.moved_to]
    assert all("mover" in p.traits for p in movers)
    end = SCALE.start + timedelta(weeks=SCALE.weeks)
    for p in movers:
        assert p.moved_on is not None and SCALE.start <= p.moved_on < end
        assert p.moved_to != (p.street, p.postal_code, p.city)
        far = p.traits["mover"] == "other_city"
        assert (p.moved_to[2] != p.city) == far
        if p.moved_home_store:
            assert far
    households = defaultdict(set)
    for p in persons:
        households[p.household_id].add(p.moved_to)
    assert all(len(moves) == 1 for moves in households.values()), "households move together"

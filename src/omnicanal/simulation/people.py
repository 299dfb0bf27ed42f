"""Persons: the real humans behind the records (households, twins, namesakes, movers).

A chunk is made of units drawn one after the other: a person living alone (sometimes a namesake
of somebody already drawn), a household of 2 to 4 sharing an address and a landline, or a pair
of twins. Whole units move. Each person then gets the channels where they have a record.
"""

from __future__ import annotations

import bisect
import random
from datetime import date, timedelta
from itertools import accumulate

from omnicanal.simulation.contacts import EmailBook, PhoneBook
from omnicanal.simulation.data.names import (
    FEMALE_FIRST_NAMES,
    GENERATIONS,
    LAST_NAME_WEIGHTS,
    LAST_NAMES,
    MALE_FIRST_NAMES,
)
from omnicanal.simulation.model import Person
from omnicanal.simulation.places import Home, Places, places_of
from omnicanal.simulation.world import World

SOURCES = ("web", "app", "pos", "call_center", "loyalty", "marketplace")

# The documented rates (docs/simulation.md), as probabilities per drawn unit or person.
HOUSEHOLD_UNIT = 0.088  # a unit is a household of 2-4 (about 20 % of persons)
HOUSEHOLD_SIZES = (0.55, 0.28, 0.17)  # 2, 3 or 4 members (fewer when parents are too young)
TWINS_UNIT = 0.006  # a unit is a pair of twins (about 1.4 % of persons)
NAMESAKE = 0.015  # a single person takes the name of one already drawn (both are marked)
MARRIED_WOMAN = 0.35  # a woman of 25+ living alone carries a married name (in couples: always)
MOVER_UNIT = 0.08  # a unit moves during the period
FAR_MOVE = 0.25  # of moves, the share to another store's city
SINGLE_LANDLINE = (0.15, 0.5)  # a single person has a landline: under 60, 60 and over
SEVEN_MOBILE = (0.55, 0.3, 0.12)  # share of 07 numbers: under 30, 30-49, 50 and over
FEMALE = 0.56  # the brand's customers are mostly women
OTHER_EMAIL = 0.25  # a second, older e-mail address that some records still carry
# Persons by number of channels (1 to 5), in percent; extra records come on top (records.py).
CHANNEL_COUNTS = list(accumulate((55, 25, 12, 6, 2)))
# Weight of each source (SOURCES order) by age: under 30, 30-49, 50-64, 65 and over.
CHANNEL_WEIGHTS = (
    (32, 26, 44, 3, 10, 12),
    (32, 16, 48, 6, 16, 10),
    (28, 7, 52, 10, 20, 7),
    (18, 3, 60, 16, 22, 3),
)
CHANNEL_AGES = (30, 50, 65)
_CHANNEL_CUMULATIVE = [list(accumulate(weights)) for weights in CHANNEL_WEIGHTS]
# Age of customers, 18 to 90: weight of each year, from the brand's age pyramid.
_AGE_BANDS = ((18, 9 / 7), (25, 16 / 10), (35, 18 / 10), (45, 18 / 10), (55, 16 / 10),
              (65, 14 / 10), (75, 9 / 16))  # fmt: skip
AGES = list(range(18, 91))
_AGE_CUMULATIVE = list(
    accumulate(next(w for lo, w in reversed(_AGE_BANDS) if age >= lo) for age in AGES)
)
_LAST_CUMULATIVE = list(accumulate(LAST_NAME_WEIGHTS))
COMMON_LAST_NAMES = 60  # namesakes are drawn among persons with one of the most common names


def _zipf(names: tuple[str, ...]) -> list[float]:
    return list(accumulate(1.0 / (rank + 4) for rank in range(len(names))))


_FIRST = {
    "F": [(names, _zipf(names)) for names in FEMALE_FIRST_NAMES],
    "M": [(names, _zipf(names)) for names in MALE_FIRST_NAMES],
}


class _Chunk:
    """The state of one chunk while its persons are drawn."""

    def __init__(self, world: World, chunk: int, rng: random.Random) -> None:
        scale = world.scale
        self.rng = rng
        self.first_index = chunk * scale.chunk_size
        self.places: Places = places_of(tuple(world.stores))
        self.store_positions = {s.code: i for i, s in enumerate(world.stores)}
        self.phones = PhoneBook(world.seed)
        self.emails = EmailBook(chunk, scale.chunks, rng)
        self.start = scale.start
        self.start_ordinal = scale.start.toordinal()
        self.period_days = scale.weeks * 7
        self.persons: list[Person] = []
        self.common: list[int] = []  # positions of persons with a common last name

    # -- drawing names, dates, numbers ------------------------------------------------------

    def age(self, low: int = 18, high: int = 90) -> int:
        rng = self.rng
        while True:
            i = bisect.bisect_right(_AGE_CUMULATIVE, rng.random() * _AGE_CUMULATIVE[-1])
            if low <= AGES[i] <= high:
                return AGES[i]

    def birth_date(self, age: int) -> date:
        days = int((age + self.rng.random()) * 365.2425)
        return date.fromordinal(self.start_ordinal - days)

    def first_name(self, gender: str, year: int, avoid: tuple[str, ...] = ()) -> str:
        rng = self.rng
        generations = _FIRST[gender]
        g = bisect.bisect_right(GENERATIONS, year) - 1
        if rng.random() < 0.15:  # names outlive their generation
            g = min(len(generations) - 1, max(0, g + (1 if rng.random() < 0.5 else -1)))
        names, cumulative = generations[g]
        while True:
            name = names[bisect.bisect_right(cumulative, rng.random() * cumulative[-1])]
            if name not in avoid:
                return name

    def last_name(self, avoid: str | None = None) -> str:
        while True:
            i = bisect.bisect_right(_LAST_CUMULATIVE, self.rng.random() * _LAST_CUMULATIVE[-1])
            if LAST_NAMES[i] != avoid:
                return LAST_NAMES[i]

    def channels(self, age: int) -> tuple[str, ...]:
        rng = self.rng
        count = bisect.bisect_right(CHANNEL_COUNTS, rng.random() * CHANNEL_COUNTS[-1]) + 1
        band = bisect.bisect_right(CHANNEL_AGES, age)
        if count == 1:
            cumulative = _CHANNEL_CUMULATIVE[band]
            return (SOURCES[bisect.bisect_right(cumulative, rng.random() * cumulative[-1])],)
        weights = list(CHANNEL_WEIGHTS[band])
        for _ in range(count):  # drawn without replacement, each in proportion to its weight
            r = rng.random() * sum(weights)
            chosen = -1
            for i, weight in enumerate(weights):
                if weight:
                    chosen = i
                    if r < weight:
                        break
                    r -= weight
            weights[chosen] = 0  # drawn
        return tuple(s for s, w in zip(SOURCES, weights, strict=True) if not w)

    # -- persons and units ------------------------------------------------------------------

    def person(
        self, gender: str, first: str, last: str, birth: date, home: Home, household: str,
        landline: str | None, birth_name: str | None = None,
    ) -> Person:  # fmt: skip
        rng = self.rng
        index = self.first_index + len(self.persons)
        age = (self.start_ordinal - birth.toordinal()) // 365
        seven = rng.random() < SEVEN_MOBILE[0 if age < 30 else 1 if age < 50 else 2]
        domain = self.emails.provider(birth.year)
        email = self.emails.address(first, last, birth.year, domain)
        other_email = None
        if rng.random() < OTHER_EMAIL:  # mostly an old access provider's, or the maiden name's
            name = birth_name if birth_name and rng.random() < 0.7 else last
            other = self.emails.provider(min(birth.year, 1959), avoid=domain)
            other_email = self.emails.address(first, name, birth.year, other)
        person = Person(
            id=f"P{index + 1:08d}",
            gender=gender,
            first_name=first,
            last_name=last,
            birth_name=birth_name,
            birth_date=birth,
            street=home.street,
            postal_code=home.postal_code,
            city=home.city,
            latitude=home.latitude,
            longitude=home.longitude,
            phone=self.phones.mobile(index, seven),
            email=email,
            home_store=home.store,
            household_id=household,
            landline=landline,
            other_email=other_email,
            channels=self.channels(age),
            propensity=round(rng.lognormvariate(-0.18, 0.6), 4),
        )
        if home.between:
            person.traits["between_stores"] = home.between
        if birth_name:
            person.traits["married"] = "birth_name"
        if last in _COMMON:
            self.common.append(len(self.persons))
        self.persons.append(person)
        return person

    def household_key(self) -> tuple[str, int]:
        index = self.first_index + len(self.persons)
        return f"H{index + 1:08d}", index

    def single(self) -> list[Person]:
        rng = self.rng
        household, index = self.household_key()
        if self.common and rng.random() < NAMESAKE:
            return [self.namesake(household)]
        gender = "F" if rng.random() < FEMALE else "M"
        age = self.age()
        birth = self.birth_date(age)
        home = self.places.home(rng)
        landline = None
        if rng.random() < SINGLE_LANDLINE[age >= 60]:
            landline = self.phones.landline(index, home.region)
        last = self.last_name()
        birth_name = None
        if gender == "F" and age >= 25 and rng.random() < MARRIED_WOMAN:
            birth_name = self.last_name(avoid=last)
        first = self.first_name(gender, birth.year)
        return [self.person(gender, first, last, birth, home, household, landline, birth_name)]

    def namesake(self, household: str) -> Person:
        """Somebody else with the same first and last name, born another day, often elsewhere."""
        rng = self.rng
        original = self.persons[rng.choice(self.common)]
        home = self.places.home(rng)
        for _ in range(3):  # mostly in another city
            if home.city != original.city or rng.random() < 0.3:
                break
            home = self.places.home(rng)
        birth = original.birth_date
        while birth == original.birth_date:
            birth = self.birth_date(self.age())
        person = self.person(original.gender, original.first_name, original.last_name, birth,
                             home, household, None)  # fmt: skip
        person.traits["namesake"] = original.id
        original.traits.setdefault("namesake", person.id)
        return person

    def household(self, size: int) -> list[Person]:
        """A couple sharing the man's name, with their adult children when they are old enough."""
        rng = self.rng
        household, index = self.household_key()
        home = self.places.home(rng)
        landline = self.phones.landline(index, home.region)
        last = self.last_name()
        man_age = self.age(low=22)
        woman_age = max(20, min(90, man_age + rng.randint(-7, 3)))
        man_birth = woman_birth = self.birth_date(man_age)
        while woman_birth == man_birth:
            woman_birth = self.birth_date(woman_age)
        man = self.first_name("M", man_birth.year)
        woman = self.first_name("F", woman_birth.year, avoid=(man,))  # Dominique and Dominique
        members = [
            self.person("M", man, last, man_birth, home, household, landline),
            self.person("F", woman, last, woman_birth, home, household, landline,
                        birth_name=self.last_name(avoid=last)),
        ]  # fmt: skip
        names = [man, woman]
        births = {man_birth, woman_birth}
        for _ in range(size - 2):
            if woman_age - 22 < 18:
                break
            birth = self.birth_date(rng.randint(18, woman_age - 22))
            if birth in births:
                continue
            gender = "F" if rng.random() < 0.5 else "M"
            first = self.first_name(gender, birth.year, avoid=tuple(names))
            members.append(self.person(gender, first, last, birth, home, household, landline))
            names.append(first)
            births.add(birth)
        return members

    def twins(self) -> list[Person]:
        """Twins living together: one birth date, one address and landline, two first names."""
        rng = self.rng
        household, index = self.household_key()
        home = self.places.home(rng)
        landline = self.phones.landline(index, home.region)
        last = self.last_name()
        birth = self.birth_date(min(self.age(), self.age(), 60))
        genders = ["F" if rng.random() < FEMALE else "M" for _ in range(2)]
        first = self.first_name(genders[0], birth.year)
        second = self.first_name(genders[1], birth.year, avoid=(first,))
        a = self.person(genders[0], first, last, birth, home, household, landline)
        b = self.person(genders[1], second, last, birth, home, household, landline)
        a.twin_of, b.twin_of = b.id, a.id
        a.traits["twin"], b.traits["twin"] = b.id, a.id
        return [a, b]

    def move(self, unit: list[Person]) -> None:
        """The whole unit moves once during the period: mostly in town, sometimes further."""
        rng = self.rng
        current = unit[0]
        far = rng.random() < FAR_MOVE
        store = self.places.stores[self.store_positions[current.home_store]]
        home = self.places.elsewhere(rng, store, far)
        while home.street == current.street and home.city == current.city:
            home = self.places.elsewhere(rng, store, far)
        far = home.city != current.city
        moved_on = self.start + timedelta(days=rng.randrange(self.period_days))
        for person in unit:
            person.moved_to = (home.street, home.postal_code, home.city)
            person.moved_on = moved_on
            if home.store != person.home_store:
                person.moved_home_store = home.store
            person.traits["mover"] = "other_city" if far else "same_city"


_COMMON = frozenset(LAST_NAMES[:COMMON_LAST_NAMES])
_SIZES = list(accumulate(HOUSEHOLD_SIZES))


def build_persons(world: World, chunk: int, rng: random.Random) -> list[Person]:
    """The persons of one chunk: ids P{chunk*chunk_size + i + 1:08d}, chunk_size of them (fewer
    in the last chunk)."""
    scale = world.scale
    count = min(scale.chunk_size, scale.persons - chunk * scale.chunk_size)
    state = _Chunk(world, chunk, rng)
    persons = state.persons
    while len(persons) < count:
        left = count - len(persons)
        r = rng.random()
        if r < HOUSEHOLD_UNIT and left >= 2:
            size = 2 + bisect.bisect_right(_SIZES, rng.random() * _SIZES[-1])
            unit = state.household(min(size, left))
        elif r < HOUSEHOLD_UNIT + TWINS_UNIT and left >= 2:
            unit = state.twins()
        else:
            unit = state.single()
        if len(unit) > 1:
            for person in unit:
                person.traits["household"] = str(len(unit))
        if rng.random() < MOVER_UNIT:
            state.move(unit)
    return persons

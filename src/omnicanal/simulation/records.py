"""Channel records: how each person appears in the exports of the systems they use.

Each person has one record in each of their channels, and sometimes one more (a second web
account, a second store's till, a duplicate call-center contact, a replaced loyalty card, a
second marketplace seller), never more than 5 in all. Every source's file is written in a
shuffled order, and every record's person goes to truth/customer_records.csv.
"""

from __future__ import annotations

import random
from collections.abc import Callable

from omnicanal.simulation import records_online, records_store
from omnicanal.simulation.model import Person
from omnicanal.simulation.records_context import Context
from omnicanal.simulation.world import World
from omnicanal.simulation.writers import Outputs

TRUTH = "truth/customer_records.csv"
TRUTH_COLUMNS = ["source", "source_id", "person_id"]
MAX_RECORDS = 5
# The chance of one more record in a channel the person uses (documented rates).
SECOND_WEB_ACCOUNT = 0.05  # forgot the password, signed up again with another address
SECOND_STORE = 0.12  # also known at another store's till (0.6 when living between two stores)
SECOND_STORE_BETWEEN = 0.6
DUPLICATE_CONTACT = 0.10  # the agent did not find the caller and created a new contact
REPLACED_CARD = 0.04  # a lost loyalty card, replaced by a new number
SECOND_SELLER = 0.15  # bought from a second marketplace seller

Writer = Callable[[Context, random.Random, Person, str, bool, Outputs], str]
WRITERS: dict[str, Writer] = {
    "web": records_online.write_web,
    "app": records_online.write_app,
    "pos": records_store.write_pos,
    "call_center": records_store.write_call_center,
    "loyalty": records_store.write_loyalty,
    "marketplace": records_online.write_marketplace,
}


Planned = tuple[str, str, bool]  # source, variant (a store or seller code), primary record
FILES: dict[str, list[str] | None] = {
    records_online.WEB_FILE: records_online.WEB_COLUMNS,
    records_online.APP_FILE: None,
    records_store.POS_FILE: records_store.POS_COLUMNS,
    records_store.CALL_CENTER_FILE: records_store.CALL_CENTER_COLUMNS,
    records_store.LOYALTY_FILE: records_store.LOYALTY_COLUMNS,
    records_online.MARKETPLACE_FILE: records_online.MARKETPLACE_COLUMNS,
}


def plan_records(ctx: Context, rng: random.Random, person: Person) -> list[Planned]:
    """The person's records: one per channel (the primary record, whose id is
    `ids.source_id`), then the extra ones while there are fewer than `MAX_RECORDS`."""
    planned: list[Planned] = []
    extras: list[Planned] = []
    r = rng.random
    for source in person.channels:
        if source == "web":
            planned.append(("web", "", True))
            if r() < SECOND_WEB_ACCOUNT:
                extras.append(("web", "", False))
        elif source == "pos":
            planned.append(("pos", person.home_store, True))
            between = person.traits.get("between_stores")
            if r() < (SECOND_STORE_BETWEEN if between else SECOND_STORE):
                extras.append(("pos", between or ctx.other_store(rng, person.home_store), False))
        elif source == "call_center":
            planned.append(("call_center", "", True))
            if r() < DUPLICATE_CONTACT:
                extras.append(("call_center", "", False))
        elif source == "loyalty":
            planned.append(("loyalty", "", True))
            if r() < REPLACED_CARD:
                extras.append(("loyalty", "", False))
        elif source == "marketplace":
            first, second = ctx.sellers_for(rng)
            planned.append(("marketplace", first, True))
            if r() < SECOND_SELLER:
                extras.append(("marketplace", second, False))
        else:
            planned.append((source, "", True))
    return planned + extras[: MAX_RECORDS - len(planned)]


def write_records(world: World, persons: list[Person], rng: random.Random, out: Outputs) -> None:
    ctx = Context.of(world)
    by_source: dict[str, list[tuple[Person, str, bool]]] = {source: [] for source in WRITERS}
    for person in persons:
        for source, variant, primary in plan_records(ctx, rng, person):
            by_source[source].append((person, variant, primary))
    # Every chunk has every file, with its header, even when no record falls in it.
    for path, columns in FILES.items():
        out.jsonl(path) if columns is None else out.csv(path, columns)
    truth = out.csv(TRUTH, TRUTH_COLUMNS)
    for source, writer in WRITERS.items():
        records = by_source[source]
        rng.shuffle(records)  # files are not in person order
        for person, variant, primary in records:
            source_id = writer(ctx, rng, person, variant, primary, out)
            truth.write_values([source, source_id, person.id])
            person.records.append((source, source_id))

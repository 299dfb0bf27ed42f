"""Shared by the resolution benchmarks: loading the simulated brand's customer files into the
matching form, and pairwise precision / recall / F1 of a clustering against a truth."""

from __future__ import annotations

import csv
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path

import pyarrow as pa

from omnicanal.customers import matching, normalise
from omnicanal.customers.schemas import KNOWN_FIELDS, RecordIn
from omnicanal.imports.readers import apply_mapping, parse_mapping, read_rows
from omnicanal.simulation.customer_files import CUSTOMER_FILES


def simulated_records(brand: Path) -> tuple[list[matching.MatchRecord], list[str]]:
    """Every customer record of a simulated brand in matching form, and its `source:id` key."""
    records = []
    keys = []
    for spec in CUSTOMER_FILES:
        mapping = parse_mapping(spec.map_options())
        for _, row in read_rows(brand / spec.path):
            row = {k: v for k, v in apply_mapping(row, mapping).items() if v is not None}
            data = RecordIn.model_validate({"source": spec.source, **row})
            fields = {name: getattr(data, name) for name in KNOWN_FIELDS}
            normalised = normalise.normalise_record(fields)
            normalised["loyalty_card"] = data.loyalty_card
            key = f"{spec.source}:{data.source_id}"
            records.append(matching.from_normalised(key, normalised))
            keys.append(key)
    return records, keys


def to_table(records: Sequence[matching.MatchRecord]) -> pa.Table:
    return pa.table(
        {name: [getattr(r, name) for r in records] for name in matching.FIELDS},
        schema=pa.schema(
            [
                (name, pa.int8() if name.endswith("_tier") else pa.string())
                for name in matching.FIELDS
            ]
        ),
    )


def truth_persons(brand: Path) -> dict[str, str]:
    with (brand / "truth" / "customer_records.csv").open(newline="") as handle:
        return {f"{r['source']}:{r['source_id']}": r["person_id"] for r in csv.DictReader(handle)}


def _pairs(sizes: Iterable[int]) -> int:
    return sum(n * (n - 1) // 2 for n in sizes)


def pairwise_scores(predicted: Sequence[object], truth: Sequence[object]) -> dict[str, float]:
    """Pairwise precision, recall and F1 of cluster labels against true labels."""
    both = _pairs(Counter(zip(predicted, truth, strict=True)).values())
    found = _pairs(Counter(predicted).values())
    real = _pairs(Counter(truth).values())
    precision = both / found if found else 1.0
    recall = both / real if real else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "precision": precision,
        "recall": recall,
        "f1": f1,
        "true_pairs": real,
        "found_pairs": found,
    }

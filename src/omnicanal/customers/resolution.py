"""Batch identity resolution over every record received: block, compare, estimate, decide,
cluster.

The heavy part (blocking joins and comparing tens of millions of pairs) is SQL run by an
`Engine`: DuckDB in-process by default, Spark beyond one machine (`customers.spark`). Both
get the same SQL from `matching`; what comes back is small (pattern counts, the pairs to merge
or review) and is decided by the same Python, so both engines give the same clusters.

Records are a PyArrow table with the columns of `matching.FIELDS`; they are numbered 0..n-1
(`idx`) so that joins and clustering work on integers.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Protocol

import numpy as np
import pyarrow as pa

from omnicanal.customers import clustering, estimation
from omnicanal.customers.matching import (
    APART_REASONS,
    BLOCKING_RULES,
    COMPARISONS,
    DERIVED_BLOCKING_COLUMNS,
    DISTINCT,
    FIELDS,
    HOME_CONTEXT,
    MERGE,
    RARE,
    REVIEW,
    MatchModel,
    decide,
    default_model,
    level_sql,
    name_tiers,
    shares_home,
)

Progress = Callable[[str], None]

# Training sessions: pairs agreeing exactly on these levels, whose comparisons are left out.
TRAINING_SESSIONS: tuple[dict[str, tuple[int, ...]], ...] = (
    {"last_name": (3, 4, 5), "birth_date": (2,)},
    {"email": (3,)},
    {"mobile": (1,)},
    {"first_name": (3, 4, 5), "address": (3,)},
)
RANDOM_PAIRS = 1_000_000
# Mixed-radix code of a pattern: each level + 1 (missing is 0), then `same_card`.
_RADIX = [c.levels + 1 for c in COMPARISONS] + [2]


class Engine(Protocol):
    """What resolution needs of an SQL engine."""

    def register(self, name: str, table: pa.Table) -> None:
        """Make an Arrow table queryable under `name`."""

    def materialise(self, name: str, select: str) -> None:
        """Compute a SELECT once and keep its rows queryable under `name`."""

    def fetch(self, sql: str) -> pa.Table:
        """Run a SELECT and bring its rows back."""

    def close(self) -> None: ...


class DuckDBEngine:
    def __init__(self, threads: int | None = None, memory_limit: str | None = None) -> None:
        import duckdb

        self.connection = duckdb.connect()
        if threads:
            self.connection.execute(f"SET threads = {int(threads)}")
        if memory_limit:
            self.connection.execute(f"SET memory_limit = '{memory_limit}'")
        self.connection.execute("SET preserve_insertion_order = false")

    def register(self, name: str, table: pa.Table) -> None:
        self.connection.register(f"{name}_arrow", table)
        self.connection.execute(f"CREATE OR REPLACE TABLE {name} AS SELECT * FROM {name}_arrow")
        self.connection.unregister(f"{name}_arrow")

    def materialise(self, name: str, select: str) -> None:
        self.connection.execute(f"CREATE OR REPLACE TABLE {name} AS {select}")

    def fetch(self, sql: str) -> pa.Table:
        return self.connection.sql(sql).to_arrow_table()

    def close(self) -> None:
        self.connection.close()


def make_engine(name: str = "duckdb") -> Engine:
    if name == "duckdb":
        return DuckDBEngine()
    if name == "spark":
        from omnicanal.customers.spark import SparkEngine

        return SparkEngine()
    raise ValueError(f"unknown resolution engine {name!r}: use duckdb or spark")


@dataclass
class Resolution:
    """What a batch run found: a cluster label per record (index into the input), the pairs
    to review, the model used, and how long each step took."""

    labels: np.ndarray
    review: list[tuple[int, int, float, tuple[int, ...]]]
    model: MatchModel
    pairs_compared: int
    merges: int
    timings: dict[str, float] = field(default_factory=dict)

    def clusters(self) -> int:
        return len(np.unique(self.labels)) if len(self.labels) else 0


def with_tier_columns(records: pa.Table, tiers: dict[str, dict[str, int]]) -> pa.Table:
    """The records' matching columns with `fn_tier` and `ln_tier` from the name tiers."""
    import pyarrow.compute as pc

    columns = [name for name in FIELDS if name not in ("fn_tier", "ln_tier")]
    table = records.select(columns)
    for kind in ("fn", "ln"):
        known = tiers.get(kind, {})
        names = pa.array(list(known), type=pa.string())
        levels = pa.array(list(known.values()), type=pa.int8())
        found = pc.index_in(table.column(kind), value_set=names)
        tier = pc.fill_null(pc.take(levels, found), RARE).cast(pa.int8())
        table = table.append_column(f"{kind}_tier", tier)
    for derived, source in DERIVED_BLOCKING_COLUMNS.items():
        table = table.append_column(derived, pc.utf8_slice_codeunits(table.column(source), 0, 1))
    return table


def _pattern_code_sql() -> str:
    names = [c.name for c in COMPARISONS] + ["same_card"]
    terms = []
    factor = 1
    for name, radix in zip(names, _RADIX, strict=True):
        offset = "" if name == "same_card" else " + 1"
        terms.append(f"({name}{offset}) * {factor}")
        factor *= radix
    return " + ".join(terms)


def decode_patterns(codes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(levels per comparison, same_card) of pattern codes."""
    codes = codes.astype(np.int64)
    columns = []
    for radix in _RADIX:
        columns.append(codes % radix)
        codes = codes // radix
    levels = np.stack(columns[:-1], axis=1) - 1
    return levels.astype(np.int8), columns[-1].astype(bool)


def _blocking_sql() -> str:
    selects = []
    for rule in BLOCKING_RULES:
        on = " AND ".join(f"l.{a} = r.{b}" for a, b in rule)
        symmetric = all(a == b for a, b in rule)
        if symmetric:
            selects.append(
                f"SELECT l.idx AS a, r.idx AS b FROM records l JOIN records r ON {on} "
                "WHERE l.idx < r.idx"
            )
        else:
            selects.append(
                "SELECT least(l.idx, r.idx) AS a, greatest(l.idx, r.idx) AS b "
                f"FROM records l JOIN records r ON {on} WHERE l.idx <> r.idx"
            )
    return "SELECT DISTINCT a, b FROM (" + " UNION ALL ".join(selects) + ") blocked"


def _compare_sql(pairs: str) -> str:
    inner, outer = level_sql()
    return f"""
        SELECT a, b, {_pattern_code_sql()} AS pattern FROM (
          SELECT a, b, {outer}, same_card FROM (
            SELECT p.a, p.b, {inner},
                   CASE WHEN l.card IS NOT NULL AND l.card = r.card THEN 1 ELSE 0 END
                     AS same_card
            FROM {pairs} p JOIN records l ON l.idx = p.a JOIN records r ON r.idx = p.b
          ) compared
        ) levelled"""


def _counts(engine: Engine, table: str) -> tuple[np.ndarray, np.ndarray]:
    counted = engine.fetch(
        f"SELECT pattern, count(*) AS n FROM {table} GROUP BY pattern ORDER BY pattern"
    )
    return (
        counted.column("pattern").to_numpy().astype(np.int64),
        counted.column("n").to_numpy().astype(np.int64),
    )


def train(
    engine: Engine, n: int, pattern_codes: np.ndarray, pattern_counts: np.ndarray, seed: int = 0
) -> MatchModel:
    """u from random pairs, m by EM per training session, the prior over all blocked pairs."""
    rng = np.random.default_rng(seed)
    total_pairs = n * (n - 1) / 2
    # Enough random pairs for the rarest levels to be seen: 20 per record, from half a million
    # to two million (Splink's default is a million).
    draws = int(min(RANDOM_PAIRS, total_pairs, max(RANDOM_PAIRS // 4, 20 * n)))
    a = rng.integers(0, n, size=draws)
    b = rng.integers(0, n, size=draws)
    keep = a != b
    engine.register(
        "random_pairs",
        pa.table({"a": np.minimum(a[keep], b[keep]), "b": np.maximum(a[keep], b[keep])}),
    )
    engine.materialise("random_scored", _compare_sql("random_pairs"))
    codes, counts = _counts(engine, "random_scored")
    random_levels, _ = decode_patterns(codes)
    u = estimation.u_from_random_pairs(random_levels, counts)

    levels, _ = decode_patterns(pattern_codes)
    start = default_model()
    names = [c.name for c in COMPARISONS]
    sessions = []
    for session in TRAINING_SESSIONS:
        mask = np.ones(len(levels), dtype=bool)
        for name, agreeing in session.items():
            mask &= np.isin(levels[:, names.index(name)], agreeing)
        if pattern_counts[mask].sum() < 50:
            continue
        sessions.append(
            estimation.em_m_values(
                levels[mask], pattern_counts[mask], start.m, u, excluded=list(session)
            )
        )
    m = estimation.combine_sessions(sessions, start.m)
    prior = estimation.estimate_prior(levels, pattern_counts, m, u, total_pairs)
    # The random pairs' u counted the same persons among them: taken out, then the prior again.
    u = estimation.u_without_matches(u, m, prior, floor=0.5 / max(float(counts.sum()), 1.0))
    prior = estimation.estimate_prior(levels, pattern_counts, m, u, total_pairs)
    home = np.array([shares_home(tuple(int(x) for x in row)) for row in levels], dtype=bool)
    home_m, home_u, home_prior = start.home_m, start.home_u, start.home_prior
    if pattern_counts[home].sum() >= 50:
        home_m = m
        home_u, home_prior = estimation.em_home_population(
            levels[home],
            pattern_counts[home],
            m,
            start.home_u,  # type: ignore[arg-type]
            start.home_prior,  # type: ignore[arg-type]
            excluded=HOME_CONTEXT,
        )
    return MatchModel(
        m=m,
        u=u,
        prior=prior,
        home_m=home_m,
        home_u=home_u,
        home_prior=home_prior,
        trained_on={
            "records": n,
            "random_pairs": int(keep.sum()),
            "sessions": len(sessions),
            "home_pairs": int(pattern_counts[home].sum()),
        },
    )


def decide_patterns(
    codes: np.ndarray, model: MatchModel
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per pattern: its match weight, outcome (0 distinct, 1 review, 2 merge) and whether the
    pair is kept apart for good (a cannot-link)."""
    levels, same_card = decode_patterns(codes)
    weight = np.empty(len(codes))
    outcome = np.zeros(len(codes), dtype=np.int8)
    apart = np.zeros(len(codes), dtype=bool)
    code = {DISTINCT: 0, REVIEW: 1, MERGE: 2}
    for i in range(len(codes)):
        row = tuple(int(x) for x in levels[i])
        weight[i], decided, reason = decide(row, bool(same_card[i]), model)
        outcome[i] = code[decided]
        apart[i] = reason in APART_REASONS
    return weight, outcome, apart


def resolve(
    records: pa.Table,
    engine: Engine | None = None,
    model: MatchModel | None = None,
    must_link: Sequence[tuple[int, int]] = (),
    cannot_link: Sequence[tuple[int, int]] = (),
    progress: Progress | None = None,
) -> Resolution:
    """Cluster `records` (columns of `matching.FIELDS`). With no `model`, one is trained on
    the records themselves. `must_link` / `cannot_link` are operators' decisions, as pairs of
    record indexes: they override the model."""
    say = progress or (lambda _message: None)
    own_engine = engine is None
    engine = engine or make_engine()
    timings: dict[str, float] = {}
    try:
        n = records.num_rows
        started = time.perf_counter()
        tiers = (
            model.name_tiers
            if model is not None and model.name_tiers
            else name_tiers(records.column("fn").to_pylist(), records.column("ln").to_pylist())
        )
        table = with_tier_columns(records, tiers).append_column(
            "idx", pa.array(np.arange(n, dtype=np.int64))
        )
        engine.register("records", table)
        timings["load"] = time.perf_counter() - started

        say(f"blocking {n:,} records on {len(BLOCKING_RULES)} rules")
        started = time.perf_counter()
        engine.materialise("blocked", _blocking_sql())
        say("comparing the candidate pairs")
        engine.materialise("scored", _compare_sql("blocked"))
        codes, counts = _counts(engine, "scored")
        timings["block_compare"] = time.perf_counter() - started

        started = time.perf_counter()
        if model is None:
            say("estimating the model's parameters")
            model = replace(train(engine, n, codes, counts), name_tiers=tiers)
        weight, outcome, apart = decide_patterns(codes, model)
        timings["estimate"] = time.perf_counter() - started

        say("clustering")
        started = time.perf_counter()
        engine.register(
            "decided",
            pa.table({"pattern": codes, "weight": weight, "outcome": outcome, "apart": apart}),
        )
        kept = engine.fetch(
            "SELECT s.a, s.b, s.pattern, d.weight, d.outcome, d.apart FROM scored s "
            "JOIN decided d ON d.pattern = s.pattern WHERE d.outcome > 0 OR d.apart"
        )
        a = kept.column("a").to_numpy()
        b = kept.column("b").to_numpy()
        w = kept.column("weight").to_numpy()
        out = kept.column("outcome").to_numpy()
        apart_pairs = kept.column("apart").to_numpy(zero_copy_only=False)
        merge = out == 2
        edges = np.stack([a[merge], b[merge]], axis=1)
        edge_weights = w[merge]
        if must_link:
            edges = np.concatenate([edges, np.asarray(must_link, dtype=np.int64).reshape(-1, 2)])
            edge_weights = np.concatenate([edge_weights, np.full(len(must_link), np.inf)])
        apart_edges = np.stack([a[apart_pairs], b[apart_pairs]], axis=1)
        if cannot_link:
            apart_edges = np.concatenate(
                [apart_edges, np.asarray(cannot_link, dtype=np.int64).reshape(-1, 2)]
            )
        labels = clustering.cluster(n, edges, edge_weights, apart_edges)
        review_mask = out == 1
        review_levels, _ = decode_patterns(kept.column("pattern").to_numpy()[review_mask])
        review = [
            (int(x), int(y), float(z), tuple(int(v) for v in lv))
            for x, y, z, lv in zip(
                a[review_mask], b[review_mask], w[review_mask], review_levels, strict=True
            )
            if labels[x] != labels[y]
        ]
        timings["cluster"] = time.perf_counter() - started
        return Resolution(
            labels=labels,
            review=review,
            model=model,
            pairs_compared=int(counts.sum()),
            merges=int(merge.sum()),
            timings=timings,
        )
    finally:
        if own_engine:
            engine.close()


def describe(resolution: Resolution) -> dict[str, Any]:
    return {
        "clusters": resolution.clusters(),
        "pairs_compared": resolution.pairs_compared,
        "merge_pairs": resolution.merges,
        "review_pairs": len(resolution.review),
        "prior": resolution.model.prior,
        "timings": {k: round(v, 3) for k, v in resolution.timings.items()},
    }

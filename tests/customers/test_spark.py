"""Spark runs batch identity resolution's SQL as DuckDB does: same clusters, same model."""

from __future__ import annotations

import importlib.util
import math
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pytest

from omnicanal.customers import resolution
from omnicanal.customers.spark import SparkEngine
from omnicanal.simulation import generate, parse_scale

pytest.importorskip("pyspark")
pytestmark = pytest.mark.skipif(shutil.which("java") is None, reason="Spark needs java")

BENCH = Path(__file__).resolve().parents[2] / "bench"
# Small enough that Spark compares the model's random pairs in seconds (n² / 2 of them), large
# enough that every training session has pairs to learn from.
PERSONS = 300


def _bench_module(name: str) -> Any:
    spec = importlib.util.spec_from_file_location(name, BENCH / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def spark() -> Iterator[Any]:
    engine = SparkEngine()
    yield engine.session
    engine.close()


@pytest.fixture(scope="module")
def records(tmp_path_factory: pytest.TempPathFactory) -> pa.Table:
    brand = tmp_path_factory.mktemp("brand")
    generate(brand, parse_scale(str(PERSONS)), seed=3, processes=1)
    common = _bench_module("resolution_common")
    matched, _keys = common.simulated_records(brand)
    return common.to_table(matched)


def _assert_close(duckdb: Any, spark: Any, where: str = "model") -> None:
    if isinstance(duckdb, float) or isinstance(spark, float):
        assert math.isclose(duckdb, spark, rel_tol=1e-9, abs_tol=1e-9), where
    elif isinstance(duckdb, dict):
        assert duckdb.keys() == spark.keys(), where
        for key in duckdb:
            _assert_close(duckdb[key], spark[key], f"{where}.{key}")
    elif isinstance(duckdb, list | tuple):
        assert len(duckdb) == len(spark), where
        for i, (a, b) in enumerate(zip(duckdb, spark, strict=True)):
            _assert_close(a, b, f"{where}[{i}]")
    else:
        assert duckdb == spark, where


def test_spark_finds_the_clusters_and_trains_the_model_duckdb_does(
    spark: Any, records: pa.Table
) -> None:
    in_process = resolution.resolve(records)
    engine = SparkEngine(spark)
    try:
        on_spark = resolution.resolve(records, engine=engine)
    finally:
        engine.close()

    assert in_process.merges > 0 and in_process.clusters() < records.num_rows
    np.testing.assert_array_equal(on_spark.labels, in_process.labels)
    assert on_spark.pairs_compared == in_process.pairs_compared
    assert on_spark.merges == in_process.merges
    assert sorted(r[:2] for r in on_spark.review) == sorted(r[:2] for r in in_process.review)
    _assert_close(in_process.model.to_json(), on_spark.model.to_json())


def test_integer_and_boolean_columns_come_back_as_they_went_in(spark: Any) -> None:
    table = pa.table(
        {
            "idx": pa.array([0, 1, 2], type=pa.int64()),
            "tier": pa.array([0, 2, 1], type=pa.int8()),
            "apart": pa.array([True, False, True]),
            "name": pa.array(["anne", None, "zoé"]),
        }
    )
    engine = SparkEngine(spark)
    try:
        engine.register("typed", table)
        engine.materialise("kept", "SELECT idx, tier, apart, name FROM typed WHERE idx > 0")
        fetched = engine.fetch("SELECT * FROM kept ORDER BY idx")
    finally:
        engine.close()

    assert fetched.schema == table.schema
    assert fetched.to_pylist() == table.slice(1).to_pylist()


def test_materialise_replaces_a_table_and_may_read_the_one_it_replaces(spark: Any) -> None:
    engine = SparkEngine(spark)
    try:
        engine.register("numbers", pa.table({"n": pa.array([1, 2, 3], type=pa.int64())}))
        engine.materialise("total", "SELECT sum(n) AS n FROM numbers")
        engine.materialise("total", "SELECT n * 10 AS n FROM total")
        assert engine.fetch("SELECT n FROM total").column("n").to_pylist() == [60]
    finally:
        engine.close()
    assert not spark.catalog.tableExists("total")


def test_closing_leaves_a_session_it_was_given_running(spark: Any) -> None:
    SparkEngine(spark).close()
    SparkEngine().close()  # Spark hands back the active session: not this engine's to stop

    assert spark.range(3).count() == 3

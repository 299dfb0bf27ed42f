"""Batch identity resolution on Spark: the `resolution.Engine` over a SparkSession, a local one
by default, a cluster's when given its master URL (`OMNICANAL_SPARK_MASTER`) or its session.

PySpark is imported here only, so that omnicanal runs without it (`pip install omnicanal[spark]`).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from typing import TYPE_CHECKING

import pyarrow as pa

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession

MASTER_VARIABLE = "OMNICANAL_SPARK_MASTER"
LOCAL_MASTER = "local[2]"
# For a session this engine starts itself. The resolution's tables are small next to what
# Spark's defaults are sized for (200 shuffle partitions), and nobody watches a UI.
SESSION_CONFIG = {
    "spark.sql.shuffle.partitions": "4",
    "spark.ui.enabled": "false",
    "spark.ui.showConsoleProgress": "false",
    "spark.sql.execution.arrow.pyspark.enabled": "true",
    "spark.log.level": "ERROR",
}
# A local session needs no network beyond the loopback, whatever the machine's hostname says.
# A local session's Python workers run this interpreter (the one with omnicanal and rapidfuzz,
# for `damerau_levenshtein`); on a cluster, its executors' Python needs omnicanal installed.
LOCAL_CONFIG = {
    "spark.driver.host": "127.0.0.1",
    "spark.driver.bindAddress": "127.0.0.1",
    "spark.pyspark.python": sys.executable,
    "spark.pyspark.driver.python": sys.executable,
}
_LOCAL_RELATION_THRESHOLD = "spark.sql.execution.arrow.localRelationThreshold"


class SparkEngine:
    """Runs resolution's SQL with Spark SQL. Every table it registers or materialises is cached
    and kept as a temporary view; `close` drops them, and stops the session if it started it.

    With no `session`, one is started on `master`, else on `OMNICANAL_SPARK_MASTER`, else on
    `local[2]`; `config` adds or overrides settings of that session. When a session is already
    active in this process, Spark hands that one back and `close` leaves it running.
    """

    def __init__(
        self,
        session: SparkSession | None = None,
        master: str | None = None,
        config: Mapping[str, str] | None = None,
    ) -> None:
        from pyspark.sql import SparkSession

        self._frames: dict[str, DataFrame] = {}
        if session is not None:
            self.session = session
            self._owns_session = False
            _register_functions(session)
            return
        master = master or os.environ.get(MASTER_VARIABLE) or LOCAL_MASTER
        settings = dict(SESSION_CONFIG)
        if master.startswith("local"):
            settings.update(LOCAL_CONFIG)
            os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
        settings.update(config or {})
        builder = SparkSession.builder.master(master).appName("omnicanal-resolution")
        for key, value in settings.items():
            builder = builder.config(key, value)
        self._owns_session = SparkSession.getActiveSession() is None
        self.session = builder.getOrCreate()
        _register_functions(self.session)

    def register(self, name: str, table: pa.Table) -> None:
        self._keep(name, self._from_arrow(table))

    def materialise(self, name: str, select: str) -> None:
        self._keep(name, self.session.sql(select))

    def fetch(self, sql: str) -> pa.Table:
        frame = self.session.sql(sql)
        if hasattr(frame, "toArrow"):  # Spark 4
            return frame.toArrow()
        return pa.Table.from_pandas(frame.toPandas(), preserve_index=False)

    def close(self) -> None:
        for name, frame in self._frames.items():
            self.session.catalog.dropTempView(name)
            frame.unpersist()
        self._frames.clear()
        if self._owns_session:
            self.session.stop()

    def _keep(self, name: str, frame: DataFrame) -> None:
        # Computed before the view is replaced, so that a SELECT may read the table it replaces.
        frame = frame.cache()
        frame.count()
        frame.createOrReplaceTempView(name)
        previous = self._frames.pop(name, None)
        if previous is not None:
            previous.unpersist()
        self._frames[name] = frame

    def _from_arrow(self, table: pa.Table) -> DataFrame:
        import pyspark

        if int(pyspark.__version__.split(".")[0]) < 4:
            # Spark 3.5 takes pandas, not Arrow: the schema is given so that the integer widths
            # survive the trip and an all-null column is not left untyped.
            from pyspark.sql.pandas.types import from_arrow_schema

            return self.session.createDataFrame(
                table.to_pandas(), schema=from_arrow_schema(table.schema)
            )
        # Below this size Spark 4 turns an Arrow table into rows held in the driver's plan and
        # shipped inside every task: the two million random pairs exhaust a 1 GiB driver that
        # way. At 0, the Arrow batches become the partitions of an RDD instead.
        conf = self.session.conf
        previous = conf.get(_LOCAL_RELATION_THRESHOLD, None)
        conf.set(_LOCAL_RELATION_THRESHOLD, "0")
        try:
            return self.session.createDataFrame(table)
        finally:
            if previous is None:
                conf.unset(_LOCAL_RELATION_THRESHOLD)
            else:
                conf.set(_LOCAL_RELATION_THRESHOLD, previous)


def _register_functions(session: SparkSession) -> None:
    """SQL functions the resolution's SQL uses that Spark lacks, with DuckDB's meaning:
    `damerau_levenshtein` (the true Damerau–Levenshtein distance, as rapidfuzz computes it;
    null when either side is null)."""
    from pyspark.sql.types import IntegerType
    from rapidfuzz.distance import DamerauLevenshtein

    def damerau_levenshtein(left, right):  # type: ignore[no-untyped-def]
        if left is None or right is None:
            return None
        return DamerauLevenshtein.distance(left, right)

    session.udf.register("damerau_levenshtein", damerau_levenshtein, IntegerType())

"""dbt-spark `session` mode: Spark inside this process, configured by the profile."""

from __future__ import annotations

from typing import Any

import pandas as pd

from strataqc.engines.target import Target


def configured(builder: Any, target: Target, *, skip: frozenset[str] = frozenset()) -> Any:
    """A SparkSession builder given the profile's `server_side_parameters` (less `skip`)."""
    for key, value in (target.settings.get("server_side_parameters") or {}).items():
        if key not in skip:
            builder = builder.config(key, value)
    return builder


class SparkSql:
    """Reads and writes through a SparkSession, local or remote."""

    spark: Any

    def query(self, sql: str) -> pd.DataFrame:
        return self.spark.sql(sql).toPandas()

    def execute(self, sql: str) -> None:
        self.spark.sql(sql).collect()

    def rows(self, sql: str) -> tuple[list[str], list[tuple]]:
        frame = self.spark.sql(sql)
        return frame.columns, [tuple(r) for r in frame.collect()]

    def close(self) -> None:
        pass  # one session per process; dbt-spark session mode shares it


class SparkLocal(SparkSql):
    def __init__(self, target: Target):
        from pyspark.sql import SparkSession

        self.spark = configured(SparkSession.builder.appName("strataqc").enableHiveSupport(), target).getOrCreate()

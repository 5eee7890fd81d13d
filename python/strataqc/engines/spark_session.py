"""dbt-spark `session` mode: Spark inside this process, configured by the profile."""

from __future__ import annotations

import pandas as pd

from strataqc.engines.target import Target


class SparkLocal:
    def __init__(self, target: Target):
        from pyspark.sql import SparkSession

        builder = SparkSession.builder.appName("strataqc").enableHiveSupport()
        for key, value in (target.settings.get("server_side_parameters") or {}).items():
            builder = builder.config(key, value)
        self.spark = builder.getOrCreate()

    def query(self, sql: str) -> pd.DataFrame:
        return self.spark.sql(sql).toPandas()

    def execute(self, sql: str) -> None:
        self.spark.sql(sql).collect()

    def rows(self, sql: str) -> tuple[list[str], list[tuple]]:
        frame = self.spark.sql(sql)
        return frame.columns, [tuple(r) for r in frame.collect()]

    def close(self) -> None:
        pass  # one session per process; dbt-spark session mode shares it

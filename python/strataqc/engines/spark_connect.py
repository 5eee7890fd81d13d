"""Spark Connect (`sc://host:port`): a thin gRPC client of a remote Spark driver."""

from __future__ import annotations

import pandas as pd

from strataqc.engines.target import Target, WarehouseError


class SparkConnect:
    def __init__(self, target: Target, url: str):
        try:
            from pyspark.sql.connect.utils import check_dependencies

            check_dependencies("pyspark.sql.connect")
        except Exception as exc:  # pyspark's own PySparkImportError is no ImportError
            # pyspark's Connect client needs grpcio, protobuf and zstandard beside pyspark itself
            raise WarehouseError(
                f"{target.label} uses Spark Connect ({url}), which this pyspark cannot speak: {exc}. "
                'Install the client with pip install "pyspark[connect]" (the same pyspark version), '
                "or connect with method thrift") from exc
        from pyspark.sql import SparkSession

        builder = SparkSession.builder.remote(url).appName("strataqc")
        for key, value in (target.settings.get("server_side_parameters") or {}).items():
            if key != "spark.remote":
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
        self.spark.stop()  # stops this client's session only; the server stays up

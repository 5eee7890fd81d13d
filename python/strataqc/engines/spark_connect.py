"""Spark Connect (`sc://host:port`): a thin gRPC client of a remote Spark driver."""

from __future__ import annotations

from strataqc.engines.spark_session import SparkSql, configured
from strataqc.engines.target import Target, WarehouseError


class SparkConnect(SparkSql):
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
        self.spark = configured(builder, target, skip=frozenset({"spark.remote"})).getOrCreate()

    def close(self) -> None:
        self.spark.stop()  # stops this client's session only; the server stays up

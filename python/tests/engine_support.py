"""Shared set-up of the tests that run the Python checks on a real PostgreSQL server."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from collections.abc import Iterator

import pytest

from strataqc.warehouse import Target, Warehouse


def postgres_settings() -> dict:
    """The connection of the server `scripts/postgres.sh start` exported; skip without one."""
    if not os.environ.get("STRATAQC_PG_PORT"):
        pytest.skip("no PostgreSQL: run scripts/postgres.sh start and export its env")
    return {"host": os.environ.get("STRATAQC_PG_HOST", "127.0.0.1"), "port": int(os.environ["STRATAQC_PG_PORT"]),
            "user": os.environ.get("STRATAQC_PG_USER", "postgres"),
            "dbname": os.environ.get("STRATAQC_PG_DATABASE", "strataqc")}


def postgres_schema(schema: str) -> Iterator[tuple[Warehouse, str]]:
    """A Warehouse on the server `scripts/postgres.sh start` exported, with `schema` fresh; skip without one."""
    settings = postgres_settings()
    with Warehouse(Target("strataqc", "pg", "postgres", settings)) as wh:
        wh._conn.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE; CREATE SCHEMA {schema}")
        try:
            yield wh, settings["dbname"]
        finally:
            wh._conn.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")


def create_seeded(wh: Warehouse, table: str, select: str, seed: float = 0.42) -> None:
    """CREATE TABLE `table` AS `select` on PostgreSQL, its random() repeatable: setseed in the same call."""
    wh._conn.execute(f"SELECT setseed({seed}); CREATE TABLE {table} AS {select}")


SPARK_MARKS = [pytest.mark.spark,
               pytest.mark.skipif(not os.environ.get("STRATAQC_SPARK_DIR"),
                                  reason="no local Spark set up: `make test-spark` runs it")]

# A local Spark session on temporary views (no metastore, so it never holds the Derby metastore
# other Spark tests use) and the Warehouse interface the checks use, on that session
_SPARK_PRELUDE = '''
import json, sys
import numpy as np, pandas as pd
from pyspark.sql import SparkSession

spark = (SparkSession.builder.master("local[1]").appName("strataqc-checks-test")
         .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "2")
         .config("spark.sql.warehouse.dir", sys.argv[1]).getOrCreate())
spark.sparkContext.setLogLevel("ERROR")

from strataqc.warehouse import Warehouse

class SparkWarehouse:
    dialect = "spark"
    def query(self, sql):
        # the real Warehouse's rendering (sqlglot plus its engine rewrites), on this session
        return spark.sql(Warehouse.to_dialect(self, sql)).toPandas()

def report(**out):
    print(json.dumps(out))
    spark.stop()
'''


def run_on_spark(body: str, tmp_path) -> dict:
    """Run `body` after the Spark prelude in a subprocess; the dict it passed to report(...)."""
    script = _SPARK_PRELUDE + textwrap.dedent(body)
    done = subprocess.run([sys.executable, "-c", script, str(tmp_path / "warehouse")],
                          env=dict(os.environ, SPARK_LOCAL_IP="127.0.0.1"), capture_output=True, text=True,
                          timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def spark_statuses(out: dict) -> dict[tuple[str, str | None], str]:
    """(check, column) -> status of the records a Spark run reported, once it had no config error and
    no `error` record (those messages shown when it had)."""
    assert out["errors"] == []
    status = {(check, column): s for check, column, s, _ in out["records"]}
    assert "error" not in status.values(), [m for *_, s, m in out["records"] if s == "error"]
    return status

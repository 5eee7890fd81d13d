"""A Spark target's connection, chosen by its dbt `method` the way dbt-spark chooses it.

The warehouse the checks read and write must be the one dbt built: a method
this module does not know is an error, never a local session standing in for
the cluster (a local session would write the history into the working directory).
"""

from __future__ import annotations

import os
from typing import Any

from strataqc.engines.target import Target, WarehouseError

# method -> what it reaches; `session` with `spark.remote` (or SPARK_REMOTE) is Spark Connect,
# as in dbt-spark, whose session mode hands server_side_parameters to SparkSession.builder
METHODS = {
    "thrift": "a Spark Thrift server (HiveServer2 protocol, dbt-spark[PyHive])",
    "http": "a Thrift server over HTTP(S) with a token (dbt-spark[PyHive])",
    "session": "Spark in this process, or Spark Connect when spark.remote / SPARK_REMOTE is an sc:// url",
}


def remote_url(target: Target) -> str | None:
    """The Spark Connect url of a session target, if it names one."""
    params = target.settings.get("server_side_parameters") or {}
    url = params.get("spark.remote") or os.environ.get("SPARK_REMOTE")
    return str(url) if url and str(url).startswith("sc://") else None


def connect_spark(target: Target) -> Any:
    """An object with query(sql) -> DataFrame, execute(sql) and close(), for the target's method."""
    method = str(target.settings.get("method") or "").lower()
    if method in ("thrift", "http"):
        from strataqc.engines.spark_thrift import SparkThrift

        return SparkThrift(target, method)
    if method == "session":
        url = remote_url(target)
        if url:
            from strataqc.engines.spark_connect import SparkConnect

            return SparkConnect(target, url)
        from strataqc.engines.spark_session import SparkLocal

        return SparkLocal(target)
    given = f"method '{method}'" if method else "no method"
    raise WarehouseError(
        f"{target.label} (type spark) has {given}: qc-report connects to Spark with "
        + "; ".join(f"'{m}' ({what})" for m, what in METHODS.items())
        + ". Set `method:` in profiles.yml to the one dbt uses")

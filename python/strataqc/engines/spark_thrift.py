"""dbt-spark `thrift` and `http` methods: the HiveServer2 protocol of Spark's Thrift server (PyHive).

The connection is opened with the same fields, in the same way, as dbt-spark
opens it, so qc-report reads and writes the warehouse dbt built, on the cluster.
"""

from __future__ import annotations

import base64
import datetime as dt
import json

import pandas as pd

from strataqc.engines.target import Target, WarehouseError

# dbt-spark's url for the http method (a Databricks-style cluster endpoint)
HTTP_PATH = "/sql/protocolv1/o/{organization}/{cluster}"
REQUIRED = {"thrift": ("host", "port"), "http": ("host", "port", "token", "cluster")}


class SparkThrift:
    def __init__(self, target: Target, method: str):
        try:
            from pyhive import hive
        except ImportError as exc:
            raise WarehouseError(f"{target.label} connects with method {method}, which needs PyHive: "
                                 'pip install "dbt-spark[PyHive]" (or "strataqc[spark]")') from exc
        s = target.settings
        absent = [key for key in REQUIRED[method] if not s.get(key)]
        if absent:
            raise WarehouseError(f"{target.label} (spark, method {method}) needs {', '.join(absent)} "
                                 "in profiles.yml")
        # Hive session configuration travels as strings, as dbt-spark sends it
        configuration = {str(k): str(v) for k, v in (s.get("server_side_parameters") or {}).items()}
        if method == "http":
            from thrift.transport import THttpClient

            host = s["host"].rstrip("/")
            host = host if host.startswith("https://") else "https://" + host
            transport = THttpClient.THttpClient(f"{host}:{s['port']}" + HTTP_PATH.format(
                organization=s.get("organization", "0"), cluster=s["cluster"]))
            token = base64.standard_b64encode(f"token:{s['token']}".encode()).decode()
            transport.setCustomHeaders({"Authorization": f"Basic {token}"})
            self.conn = hive.connect(thrift_transport=transport, configuration=configuration)
        else:
            self.conn = hive.connect(host=s["host"], port=int(s["port"]), username=s.get("user"),
                                     auth=s.get("auth"), kerberos_service_name=s.get("kerberos_service_name"),
                                     password=s.get("password"), configuration=configuration)

    def rows(self, sql: str) -> tuple[list[str], list[tuple]]:
        cursor = self.conn.cursor()
        try:
            cursor.execute(sql)
            if not cursor.description:
                return [], []
            names = [d[0] for d in cursor.description]
            kinds = [d[1] for d in cursor.description]
            rows = [tuple(_value(v, k) for v, k in zip(row, kinds)) for row in cursor.fetchall()]
            return names, rows
        finally:
            cursor.close()

    def query(self, sql: str) -> pd.DataFrame:
        names, rows = self.rows(sql)
        # like Spark's toPandas: columns by name even when no row came back
        return pd.DataFrame.from_records(rows, columns=names)

    def execute(self, sql: str) -> None:
        cursor = self.conn.cursor()
        try:
            cursor.execute(sql)
        finally:
            cursor.close()

    def close(self) -> None:
        self.conn.close()


# the Thrift server sends arrays, maps and structs as JSON text; a local session gives Python values
NESTED = {"ARRAY_TYPE", "MAP_TYPE", "STRUCT_TYPE"}


def _value(value, kind: str):
    # PyHive turns timestamps into datetimes but leaves dates as text; a local session gives dates
    if kind == "DATE_TYPE" and isinstance(value, str):
        return dt.date.fromisoformat(value)
    if kind in NESTED and isinstance(value, str):
        return json.loads(value)  # Spark writes NaN and Infinity bare, as json.loads reads them
    return value

"""The audit tables on the Spark cluster take inserts from models building side by side.

Two ODS views' pre-hooks (and incremental models', and `schema_unchanged` tests') append to
`strataqc_audit.*` at the same instant on a Thrift cluster with threads > 1. An insert that
commits through the table's one `_temporary/0` folder (a data-source table, or a Hive table
`stored as parquet`, which Spark turns into the same data-source write) fails with
`FileNotFoundException: .../_temporary/0 does not exist` when another insert commits first, and
keeps or loses rows that are not its own. The tables `spark__ensure_audit_table` makes must be
written through Hive's path, each insert staged in a folder of its own.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import uuid
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent

pytestmark = [
    pytest.mark.thrift,
    pytest.mark.skipif(not os.environ.get("STRATAQC_SPARK_THRIFT_PORT"),
                       reason="no Spark cluster: `make test-spark-cluster` starts one"),
]

COLUMNS = "(model_key, invocation_id, scope_mode, scope_column, low_value, data_type, recorded_at)"


def _connect():
    from pyhive import hive

    return hive.connect(host=os.environ.get("STRATAQC_SPARK_THRIFT_HOST", "127.0.0.1"),
                        port=int(os.environ["STRATAQC_SPARK_THRIFT_PORT"]), username="strataqc-test")


@pytest.fixture(scope="module")
def watermark(tmp_path_factory):
    """The scope watermark table as the project's on-run-start makes it, in a schema of its own."""
    tmp = tmp_path_factory.mktemp("spark_audit")
    schema = "audit_race_" + uuid.uuid4().hex[:8]
    env = {**os.environ, "DBT_PROFILES_DIR": str(REPO / "profiles"), "DBT_SEND_ANONYMOUS_USAGE_STATS": "false"}
    proc = subprocess.run([str(BIN / "dbt"), "run-operation", "ensure_scope_watermark", "--target", "thrift",
                           "--project-dir", str(REPO), "--target-path", str(tmp / "target"),
                           "--log-path", str(tmp / "logs"), "--vars", f"{{strataqc_audit_schema: {schema}}}"],
                          env=env, cwd=REPO, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    yield f"`{schema}`.`scope_watermark`"
    conn = _connect()
    try:
        conn.cursor().execute(f"drop schema if exists `{schema}` cascade")
    finally:
        conn.close()


def _insert(table: str, key: str, invocation: str, low: str = "1") -> str:
    # two rows from one query, as the view pre-hook writes them: two tasks, two files
    return (f"insert into {table} {COLUMNS} select '{key}', '{invocation}', 'full', '_load_id', '', '', '2026' "
            f"union all select '{key}', '{invocation}', 'seen', '_load_id', '{low}', '', '2026'")


def test_an_insert_into_an_audit_table_stages_through_hive_not_the_shared_temporary_folder(watermark):
    conn = _connect()
    try:
        cursor = conn.cursor()
        cursor.execute("explain " + _insert(watermark, "k", "explain"))
        plan = "\n".join(str(row[0]) for row in cursor.fetchall())
    finally:
        conn.close()
    assert "InsertIntoHiveTable" in plan and "InsertIntoHadoopFsRelationCommand" not in plan, plan


def test_inserts_at_the_same_instant_all_land_and_none_fails(watermark):
    rounds, keys = 12, ("ods.a", "ods.b")
    barrier = threading.Barrier(len(keys))
    errors: list[str] = []

    def writer(key: str) -> None:
        conn = _connect()
        try:
            cursor = conn.cursor()
            for i in range(rounds):
                barrier.wait(timeout=300)
                try:
                    cursor.execute(_insert(watermark, key, f"inv{i}"))
                except Exception as e:  # PyHive's OperationalError carries the server's Java exception
                    errors.append(f"{key} round {i}: {str(e)[:400]}")
                    cursor = conn.cursor()
        finally:
            conn.close()

    threads = [threading.Thread(target=writer, args=(k,)) for k in keys]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    conn = _connect()
    try:
        cursor = conn.cursor()
        cursor.execute(f"select model_key, scope_mode, count(*) from {watermark} "
                       "where invocation_id like 'inv%' group by model_key, scope_mode")
        counts = {(k, m): n for k, m, n in cursor.fetchall()}
    finally:
        conn.close()
    assert not errors, errors
    assert counts == {(k, m): rounds for k in keys for m in ("full", "seen")}


def test_any_text_round_trips_through_an_audit_table(watermark):
    # a low value is whatever the scope column held: line breaks and Hive's default delimiter too
    value = "line\nbreak\u0001field\ttab 'quoted' é"
    literal = value.replace("\\", "\\\\").replace("'", "\\'").replace("\n", "\\n").replace("\t", "\\t") \
        .replace("\u0001", "\\u0001")
    conn = _connect()
    try:
        cursor = conn.cursor()
        cursor.execute(_insert(watermark, "ods.text", "text", low=literal))
        cursor.execute(f"select low_value from {watermark} where invocation_id = 'text' and scope_mode = 'seen'")
        assert cursor.fetchall() == [(value,)]
    finally:
        conn.close()

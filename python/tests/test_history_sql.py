"""The history SQL written once, transpiled per engine: one transaction, idempotent, values as literals."""

from __future__ import annotations

import pandas as pd
import pytest
import sqlglot
from qc_report_support import make_run

from strataqc.history import History
from strataqc.warehouse import Target, Warehouse


class RecordingWarehouse(Warehouse):
    """The Warehouse's transpilation without a server: keeps the SQL it would send."""

    def __init__(self, engine: str):
        self.target = Target("strataqc", "t", engine, {})
        self.dialect = self.target.dialect
        self.sent: list[str] = []

    def execute(self, sql):
        self.sent.append(self.to_dialect(sql))

    def query(self, sql):
        self.sent.append(self.to_dialect(sql))
        return pd.DataFrame()


RUN = make_run("inv'1", 0, [("unique_key", "dwd_sales", None, "fail", None, 3),
                            ("value_range", "dws_x", "qty", "pass", 1.5)])


@pytest.mark.parametrize("engine", ["postgres", "duckdb"])
def test_append_is_one_transaction_of_delete_then_insert(engine):
    wh = RecordingWarehouse(engine)
    History(wh).append(RUN)
    tail = wh.sent[-5:]
    assert tail[0] in ("BEGIN", "BEGIN TRANSACTION") and tail[-1] == "COMMIT"
    assert tail[1].startswith('DELETE FROM "strataqc_history"."check_results" WHERE "run_id" = \'inv\'\'1\'')
    # the run's scopes go with its records: a run stored again keeps no stale scope
    assert tail[2].startswith('DELETE FROM "strataqc_history"."check_scopes" WHERE "run_id" = \'inv\'\'1\'')
    assert tail[3].startswith('INSERT INTO "strataqc_history"."check_results"')
    for statement in wh.sent:
        sqlglot.parse_one(statement, read=engine)  # valid in the engine's own dialect


def test_postgres_types_are_transpiled():
    wh = RecordingWarehouse("postgres")
    History(wh).ensure()
    create = next(s for s in wh.sent if "CREATE TABLE" in s and "check_results" in s)
    assert '"observed" DOUBLE PRECISION' in create and '"run_id" TEXT' in create


def test_spark_appends_without_delete_by_skipping_stored_rows():
    wh = RecordingWarehouse("spark")
    History(wh).append(RUN)
    assert not any(s.startswith(("DELETE", "BEGIN")) for s in wh.sent)
    insert = wh.sent[-1]
    assert insert.startswith("INSERT INTO `strataqc_history`.`check_results`")
    assert "NOT EXISTS" in insert and "'inv\\'1'" in insert
    assert any("`observed` DOUBLE" in s and "`run_id` STRING" in s for s in wh.sent)
    sqlglot.parse_one(insert, read="spark")

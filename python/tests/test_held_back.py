"""qc-report shows a write–audit–publish slice that was held back: one record per model, read
from its quarantine by dbt's invocation id, and the JSON report's `held_back` list."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import jsonschema
import pytest

from strataqc.artifacts import Artifacts, sql_results
from strataqc.held_back import CHECK, held_back, summary
from strataqc.report.jsonout import SCHEMA_PATH, document
from strataqc.results import Status
from strataqc.run import QCRun
from strataqc.warehouse import Target, Warehouse

RUN = "8c1d6c36-0000-4000-8000-000000000002"
ORDERS = "model.shop.fct_orders"


def _artifacts(status: str, strategy: str = "strataqc_wap") -> Artifacts:
    manifest = {"nodes": {ORDERS: {
        "unique_id": ORDERS, "resource_type": "model", "name": "fct_orders",
        "relation_name": '"wh"."dwd"."fct_orders"', "fqn": ["shop", "dwd", "fct_orders"],
        "original_file_path": "models/dwd/fct_orders.sql",
        "config": {"materialized": "incremental", "incremental_strategy": strategy}}}}
    run_results = {"metadata": {"invocation_id": RUN, "generated_at": "2026-11-29T05:00:00Z"},
                   "results": [{"unique_id": ORDERS, "status": status,
                                "message": "Compilation Error in model fct_orders: strataqc write-audit-publish ..."}]}
    return Artifacts(Path("target"), run_results, manifest)


@pytest.fixture
def wh(tmp_path):
    path = tmp_path / "wh.duckdb"
    with duckdb.connect(str(path)) as con:
        con.execute("create schema dwd")
        con.execute("""create table dwd.fct_orders__quarantine as
            select * from (values
              (4, 40.0, ?, timestamp '2026-11-29 05:00:00', 'fct_orders_amount_not_negative, fct_orders_unique_id',
               'fct_orders_amount_not_negative: value -2.0 is below_min | fct_orders_unique_id: key (id) = (5) occurs 2 times'),
              (5, -2.0, ?, timestamp '2026-11-29 05:00:00', 'fct_orders_amount_not_negative, fct_orders_unique_id',
               'fct_orders_amount_not_negative: value -2.0 is below_min | fct_orders_unique_id: key (id) = (5) occurs 2 times'),
              (9, 90.0, 'an-earlier-run', timestamp '2026-11-28 05:00:00', 'fct_orders_unique_id', '')
            ) as t(id, amount, strataqc_run_id, strataqc_held_at, strataqc_failed_checks, strataqc_messages)""",
                    [RUN, RUN])
    with Warehouse(Target("shop", "dev", "duckdb", {"path": str(path)})) as opened:
        yield opened


def test_a_held_back_slice_replaces_the_build_error_with_its_record(wh):
    artifacts = _artifacts("error")
    records = held_back(sql_results(artifacts), artifacts, wh)
    assert [r.check for r in records] == [CHECK]
    (held,) = records
    assert (held.status, held.model, held.layer, held.failures) == (Status.FAIL, "fct_orders", "dwd", 2)
    assert held.message == ('held back 2 row(s) of tonight\'s slice in "wh"."dwd"."fct_orders__quarantine"; '
                            "the published table is unchanged. Failing audit(s): fct_orders_amount_not_negative, "
                            "fct_orders_unique_id. fct_orders_amount_not_negative: value -2.0 is below_min")
    assert held.details["failed_checks"] == ["fct_orders_amount_not_negative", "fct_orders_unique_id"]


def test_warn_mode_shows_the_hold_as_a_warning(wh):
    artifacts = _artifacts("success")
    (held,) = held_back(sql_results(artifacts), artifacts, wh)
    assert (held.status, held.failures) == (Status.WARN, 2)


@pytest.mark.parametrize(("status", "strategy", "run_id"), [
    pytest.param("success", "strataqc_wap", "another-run", id="published-tonight-earlier-hold-only"),
    pytest.param("error", "delete+insert", RUN, id="not-a-wap-model"),
    pytest.param("skipped", "strataqc_wap", RUN, id="not-built-tonight"),
])
def test_no_hold_tonight_adds_nothing(wh, status, strategy, run_id):
    artifacts = _artifacts(status, strategy)
    artifacts.run_results["metadata"]["invocation_id"] = run_id
    before = sql_results(artifacts)
    assert held_back(before, artifacts, wh) == before


def test_without_a_quarantine_nothing_is_held(tmp_path):
    with Warehouse(Target("shop", "dev", "duckdb", {"path": str(tmp_path / "empty.duckdb")})) as wh:
        artifacts = _artifacts("success")
        assert held_back([], artifacts, wh) == []


def test_the_json_report_lists_the_hold(wh):
    artifacts = _artifacts("error")
    run = QCRun.merge(RUN, "2026-11-29T05:00:00Z", held_back(sql_results(artifacts), artifacts, wh))
    doc = json.loads(json.dumps(document(run)))
    assert doc["held_back"] == [{"model": "fct_orders", "quarantine": '"wh"."dwd"."fct_orders__quarantine"',
                                 "rows": 2, "failed_checks": ["fct_orders_amount_not_negative", "fct_orders_unique_id"],
                                 "strataqc_run_id": RUN, "status": "fail"}]
    jsonschema.Draft202012Validator(json.loads(SCHEMA_PATH.read_text())).validate(doc)
    assert "held_back" not in document(QCRun.merge(RUN, "t", []))
    assert summary([]) == []

"""Case 3: what a night's tests read and decided, from dbt's run_results and the warehouse.

`compare` sets the verdicts of a night whose tests were scoped to the rows it wrote beside a full
check of the same data (`dbt test`, whole tables). A verdict may differ only where the full check
finds nothing the night before did not already report: a defect in rows older than the window,
reported the night those rows landed and again by the cadence night. Any other difference is a
miss of the scoped night, and is listed as unexplained.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import duckdb

PASSING = {"pass", "success"}


def test_verdicts(run_results: Path) -> dict[str, dict[str, Any]]:
    """unique_id -> status, failures, seconds of every test of one dbt invocation."""
    doc = json.loads(run_results.read_text())
    return {r["unique_id"]: {"status": r["status"], "failures": r.get("failures"),
                             "s": round(r.get("execution_time") or 0, 3)}
            for r in doc["results"] if r["unique_id"].startswith("test.")}


def dbt_split(run_results: Path) -> dict[str, Any]:
    """Seconds dbt spent on models and on tests (summed over its threads), and the invocation id."""
    doc = json.loads(run_results.read_text())
    spent: dict[str, float] = {}
    for r in doc["results"]:
        kind = r["unique_id"].split(".")[0]
        spent[kind] = spent.get(kind, 0.0) + (r.get("execution_time") or 0.0)
    return {"dbt_models_s": round(spent.get("model", 0.0), 3), "dbt_tests_s": round(spent.get("test", 0.0), 3),
            "invocation_id": doc["metadata"]["invocation_id"]}


def scope_rows(duckdb_path: Path, invocation_id: str) -> dict[str, dict[str, Any]]:
    """Per scoped model of one invocation: its rows, and the rows its tests read as new (rows_in_scope)."""
    out: dict[str, dict[str, Any]] = {}
    conn = duckdb.connect(str(duckdb_path), read_only=True)
    try:
        marks = conn.execute("select model_key, scope_mode, scope_column, low_value, data_type "
                             "from strataqc_audit.scope_watermark where invocation_id = ? and scope_mode in ('new_rows', 'full')",
                             [invocation_id]).fetchall()
        for key, mode, column, low, data_type in marks:
            schema, name = key.split(".", 1)
            table = f'"{schema}"."{name}"'
            rows = conn.execute(f"select count(*) from {table}").fetchone()[0]
            scoped = rows
            if mode == "new_rows":
                # data_type comes from the warehouse's own catalogue; the value is bound, not formatted
                scoped = conn.execute(f'select count(*) from {table} where "{column}" > cast(? as {data_type})',
                                      [low]).fetchone()[0]
            out[name] = {"mode": mode, "rows": rows, "rows_in_scope": scoped}
    finally:
        conn.close()
    return out


def rows_read(duckdb_path: Path, scope: dict[str, dict[str, Any]], full: bool) -> dict[str, Any]:
    """What each phase of a night read, in rows: the landed lines it loaded, the rows the incremental models
    rewrote and their scoped tests read, the ADS rows qc-report profiled tonight and the ADS rows it still
    reads whole (the feature-set and model-quality checks)."""
    conn = duckdb.connect(str(duckdb_path), read_only=True)
    try:
        q = lambda sql: conn.execute(sql).fetchone()[0]  # noqa: E731
        landed = q("select count(*) from landing.pos_sales") if full else \
            q("select count(*) from landing.pos_sales where _load_id = (select max(_load_id) from landing.pos_sales)")
        ads = q("select count(*) from ads.ads_demand_features")
        profiled = None
        try:  # the rows of the days the night's profile refresh (re)profiled: its newest version
            profiled = q("select coalesce(sum(n), 0) from strataqc_history.profile_days where model = "
                         "'ads_demand_features' and version = (select max(version) from strataqc_history.profile_days "
                         "where model = 'ads_demand_features')")
        except duckdb.Error:
            pass  # profiles not enabled
    finally:
        conn.close()
    return {"load": landed, "dbt_scoped_rows": {m: v["rows_in_scope"] for m, v in scope.items()},
            "qc_report_profiled_rows": profiled, "qc_report_whole_table_rows": ads}


def compare(scoped: dict[str, dict[str, Any]], whole: dict[str, dict[str, Any]],
            before: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """Verdicts of the scoped night against a full check of the same data; `before` is the last full night."""
    differ, unexplained = [], []
    for test, s in sorted(scoped.items()):
        w = whole.get(test)
        if w is None or s["status"] == w["status"]:
            continue
        b = before.get(test, {})
        item = {"test": test.split(".")[2], "scoped": s["status"], "whole": w["status"], "failures_scoped": s["failures"],
                "failures_whole": w["failures"], "last_full_night": b.get("status"), "failures_last_full_night": b.get("failures")}
        # the full check finds no more than the last full night reported: the defect is in older rows
        old = (s["status"] in PASSING and w["status"] == b.get("status")
               and (w["failures"] or 0) <= (b.get("failures") or 0))
        item["why"] = "defect in rows before the window, reported on the night they landed" if old else "missed"
        (differ if old else unexplained).append(item)
    equal = sum(1 for t, s in scoped.items() if t in whole and whole[t]["status"] == s["status"])
    return {"tests": len(scoped), "equal": equal, "older_defects": differ, "unexplained": unexplained}

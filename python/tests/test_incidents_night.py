"""Incidents in a whole `qc-report run`: dbt's artifacts, the history, the JSON; and the demo's planted defects."""

from __future__ import annotations

import json

import jsonschema
from qc_report_support import fixture_project, run_args
from typer.testing import CliRunner

from strataqc import incidents, lineage
from strataqc.artifacts import load_artifacts, sql_results
from strataqc.cli import app
from strataqc.report.jsonout import SCHEMA_PATH
from strataqc.run import QCRun
from strataqc.warehouse import Target, Warehouse


def test_run_groups_incidents_and_keeps_them_the_next_night(tmp_path):
    project = fixture_project(tmp_path)
    nights = []
    for _ in range(2):
        result = CliRunner().invoke(app, run_args(project, "-f", "json", "--fail-on", "never"))
        assert result.exit_code == 0, result.stderr
        nights.append(json.loads(result.stdout))
    jsonschema.Draft202012Validator(json.loads(SCHEMA_PATH.read_text())).validate(nights[0])
    first, second = ({i["headline"]: i["id"] for i in doc["incidents"]} for doc in nights)
    assert "root: dws_broken build" in first
    # the same artifacts again: the same incidents, the same ids
    assert second == first
    roles = {(r["model"], r["check"], r["role"]) for r in nights[0]["results"] if r["incident_id"]}
    assert ("dwd_sales", "abnormal_value_ratio", "symptom") in roles
    # the lineage was cached beside the manifest
    assert len(list((project / "target").glob("strataqc_lineage-*.json"))) == 1



def test_a_grouping_that_breaks_costs_the_night_its_incidents_not_its_report(tmp_path, monkeypatch):
    project = fixture_project(tmp_path)
    args = run_args(project, "-f", "json", "--fail-on", "never", "--no-history")
    grouped = CliRunner().invoke(app, args)

    def unreadable(*_args, **_kwargs):
        raise RuntimeError("manifest graph unreadable")

    monkeypatch.setattr(lineage, "load", unreadable)
    ungrouped = CliRunner().invoke(app, args)
    # the grouping runs inside the night (night.group, after store) and is all that is lost
    assert grouped.exit_code == ungrouped.exit_code == 0, ungrouped.stderr
    with_incidents, without = json.loads(grouped.stdout), json.loads(ungrouped.stdout)
    assert with_incidents["incidents"] and "incidents" not in without
    assert [(r["model"], r["check"], r["status"]) for r in without["results"]] == [
        (r["model"], r["check"], r["status"]) for r in with_incidents["results"]]
    assert not any(r["incident_id"] for r in without["results"])
    assert "incidents not grouped: RuntimeError: manifest graph unreadable" in ungrouped.stderr

def test_the_demo_defects_are_grouped_at_their_source(demo_night):
    artifacts = load_artifacts(demo_night.target_path)
    with Warehouse(Target("strataqc", "duckdb", "duckdb", {"path": str(demo_night.duckdb_path)})) as wh:
        run = QCRun.merge("demo", artifacts.generated_at, sql_results(artifacts, wh))
    incidents.attach(run, lineage.load(demo_night.target_path))
    by_test = {r.details.get("test_name"): r for r in run.results}
    root_of = {i["id"]: i["root"] for i in run.context["incidents"]}

    def root(test: str) -> tuple[str, str]:
        r = by_test[test]
        return root_of[r.incident_id]["model"], root_of[r.incident_id]["check"]

    # non-finite prices land in the POS file (ODS) and survive into DWS
    assert by_test["dws_sales_daily__unit_price_non_finite"].role == "symptom"
    assert root("dws_sales_daily__unit_price_non_finite") == ("ods_pos__sales", "column_checks")
    # the empty store name and the messy categories come from the ERP masters
    assert root("dwd_store__names_clean") == ("ods_erp__stores", "column_checks")
    assert root("dwd_sku__names_and_categories") == ("ods_erp__skus", "column_checks")
    # re-sent lines are removed in DWD: the ODS key check explains nothing downstream
    resent = by_test["ods_pos__sales__line_resent"]
    assert resent.role == "root"
    assert [i for i in run.context["incidents"] if i["id"] == resent.incident_id][0]["symptoms"] == []
    # the ERP and the POS defects are not one incident
    assert by_test["dwd_sku__names_and_categories"].incident_id != by_test["dwd_sales__kept_defects"].incident_id


def test_lineage_command_shows_the_latest_status_of_each_node(tmp_path):
    project = fixture_project(tmp_path)
    assert CliRunner().invoke(app, run_args(project, "-f", "json", "--fail-on", "never")).exit_code == 0
    base = ["--project-dir", str(project), "--profiles-dir", str(project / "profiles"), "-f", "json"]
    view = json.loads(CliRunner().invoke(app, ["lineage", "ods_pos__sales", *base]).stdout)
    downstream = {e["node"]: e["status"] for e in view["downstream"]}
    # dwd_sales has failing tests (dbt then skips its children), dws_broken did not build
    assert downstream == {"dwd_sales": "fail", "dws_broken": "error", "ads_demand_features": "skip",
                          "dws_sales_daily": "skip"}
    assert view["node"]["status"] == "pass" and view["upstream"] == []
    # a column's own checks speak for it
    qty = json.loads(CliRunner().invoke(app, ["lineage", "dwd_sales.qty", *base]).stdout)
    assert qty["node"]["status"] == "warn"
    # dbt skipped dws_sales_daily: without its compiled SQL it is reached as a whole model
    assert [(e["node"], e["level"]) for e in qty["downstream"]] == [("dws_sales_daily", "model")]

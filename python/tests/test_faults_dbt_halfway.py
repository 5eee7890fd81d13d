"""`dbt build` failed half way: every result dbt wrote is reported, the rest is error/skip with the reason."""

from __future__ import annotations

import json

import pytest
from qc_report_support import fixture_project, history_rows, run_args
from typer.testing import CliRunner

from strataqc.cli import EXIT_CHECKS_FAILED, app

RUN_ID = "8133f0a3-ed33-4ef4-83f8-ec757b749016"


@pytest.fixture
def project(tmp_path):
    return fixture_project(tmp_path)


def report(project, *extra):
    result = CliRunner().invoke(app, run_args(project, "--format", "json", *extra))
    return result, (json.loads(result.stdout) if result.stdout.strip() else None)


def test_a_model_that_errors_keeps_every_result_and_says_why_for_the_rest(project, tmp_path):
    # the fixture is a real `dbt build` in which dws_broken failed (Binder Error) and its children were skipped
    result, doc = report(project, "--html", str(tmp_path / "d.html"), "--junit", str(tmp_path / "j.xml"))
    assert result.exit_code == EXIT_CHECKS_FAILED, result.stderr
    by = {(r["model"], r["check"], r["column"]): r for r in doc["results"]}
    broken = by[("dws_broken", "build", None)]
    assert broken["status"] == "error" and "Binder Error" in broken["message"]
    reasons = {key: by[key]["message"] for key in [
        ("dws_sales_daily", "build", None), ("ads_demand_features", "build", None),
        ("dws_sales_daily", "unique", "store_id"), ("dws_broken", "not_null", "no_such_column")]
        if by[key]["status"] == "skip"}
    assert reasons == {  # the first failed node upstream: a build error, or a failing test that stops dbt build
        ("dws_sales_daily", "build", None): "not built: upstream accepted_values_dwd_sales__category___a__b__c failed",
        ("ads_demand_features", "build", None): "not built: upstream dws_broken failed",
        ("dws_sales_daily", "unique", "store_id"): "not run: upstream accepted_values_dwd_sales__category___a__b__c failed",
        ("dws_broken", "not_null", "no_such_column"): "not run: upstream dws_broken failed"}
    # what did run before and beside the failure is all there, with its own verdicts
    assert by[("dwd_sales", "unique_key", None)]["status"] == "fail"
    assert by[("ods_pos__sales", "not_null", "store_id")]["status"] == "pass"
    assert doc["summary"]["total"] == 13
    assert history_rows(project) == [(RUN_ID, 13)]
    assert (tmp_path / "d.html").stat().st_size > 0 and "<testsuites" in (tmp_path / "j.xml").read_text()


def test_a_build_stopped_before_the_end_reports_unreached_tests_as_skipped(project):
    # dbt interrupted (fail-fast, a killed worker): run_results.json holds only what finished
    path = project / "target" / "run_results.json"
    run = json.loads(path.read_text())
    finished = [r for r in run["results"] if not r["unique_id"].startswith("test.qcfix.unique_key")
                and "column_checks" not in r["unique_id"]]
    run["results"] = finished
    path.write_text(json.dumps(run))
    result, doc = report(project)
    assert result.exit_code == EXIT_CHECKS_FAILED, result.stderr
    unreached = [r for r in doc["results"] if r["message"] == "not run: dbt stopped before reaching this test"]
    assert sorted((r["check"], r["model"], r["status"]) for r in unreached) == [
        ("column_checks", "dwd_sales", "skip"), ("column_checks", "dwd_sales", "skip"),
        ("unique_key", "dwd_sales", "skip")]
    assert doc["summary"]["total"] == 13  # nothing silently dropped
    assert history_rows(project) == [(RUN_ID, 13)]


def test_python_checks_of_a_model_that_was_not_built_are_skipped_with_the_reason(project, monkeypatch):
    manifest_path = project / "target" / "manifest.json"
    manifest = json.loads(manifest_path.read_text())
    node = manifest["nodes"]["model.qcfix.ads_demand_features"]
    node.setdefault("config", {}).setdefault("meta", {})["strataqc"] = {"target": "y"}
    manifest_path.write_text(json.dumps(manifest))
    import strataqc.checks.runner as runner

    asked = []
    monkeypatch.setattr(runner, "run_python_checks", lambda m, wh, p, select=None: asked.append(select) or [])
    result, doc = report(project)
    assert result.exit_code == EXIT_CHECKS_FAILED
    [skipped] = [r for r in doc["results"] if r["check"] == "python_checks"]
    assert skipped["status"] == "skip" and skipped["model"] == "ads_demand_features"
    assert skipped["message"].startswith("Python checks not run: ads_demand_features was not built tonight "
                                         "(not built: upstream dws_broken failed)")
    assert asked == []  # yesterday's table is not checked as if it were tonight's


def _stale_dwd_sales(project) -> None:
    """dwd_sales declares Python checks, but tonight's `dbt build --select` left it out."""
    manifest_path = project / "target" / "manifest.json"
    manifest = json.loads(manifest_path.read_text())
    manifest["nodes"]["model.qcfix.dwd_sales"].setdefault("config", {}).setdefault("meta", {})["strataqc"] = {}
    manifest_path.write_text(json.dumps(manifest))
    path = project / "target" / "run_results.json"
    run = json.loads(path.read_text())
    run["results"] = [r for r in run["results"] if r["unique_id"] != "model.qcfix.dwd_sales"]
    path.write_text(json.dumps(run))


def test_python_checks_of_a_model_not_built_in_this_invocation_are_skipped(project, monkeypatch):
    _stale_dwd_sales(project)
    import strataqc.checks.runner as runner

    asked = []
    monkeypatch.setattr(runner, "run_python_checks", lambda m, wh, p, select=None: asked.append(select) or [])
    _, doc = report(project)
    [skipped] = [r for r in doc["results"] if r["check"] == "python_checks"]
    assert (skipped["status"], skipped["model"]) == ("skip", "dwd_sales")
    assert skipped["message"] == ("Python checks not run: dwd_sales was not built in this dbt invocation (its table "
                                  "is from an earlier run); pass --check-stale to check it anyway")
    assert asked == []


def test_check_stale_checks_a_model_not_built_in_this_invocation(project, monkeypatch):
    _stale_dwd_sales(project)
    import strataqc.checks.runner as runner

    asked = []
    monkeypatch.setattr(runner, "run_python_checks", lambda m, wh, p, select=None: asked.append(select) or [])
    _, doc = report(project, "--check-stale")
    assert not [r for r in doc["results"] if r["check"] == "python_checks"]
    assert asked and "dwd_sales" in (asked[0] or ["dwd_sales"])


def test_summary_names_the_models_not_built_and_the_failure_that_stopped_them(project, tmp_path):
    # dbt's default severity: one failing DWD test skips every model downstream, ADS included
    _, doc = report(project, "--markdown", str(tmp_path / "r.md"))
    assert doc["summary"]["not_built"] == [
        {"model": "dws_broken", "status": "error", "stopped_by": None},
        {"model": "dws_sales_daily", "status": "skip", "stopped_by": "accepted_values_dwd_sales__category___a__b__c"},
        {"model": "ads_demand_features", "status": "skip", "stopped_by": "dws_broken"},
    ]
    markdown = (tmp_path / "r.md").read_text().replace("\\_", "_")  # Markdown escapes the underscores
    assert ("**Not built (3):** dws_broken (build error); dws_sales_daily (stopped by failing test "
            "accepted_values_dwd_sales__category___a__b__c); ads_demand_features (stopped by dws_broken)") in markdown
    assert "`+severity: warn`" in markdown  # the way to let a layer's failures through
    table = CliRunner().invoke(app, run_args(project, "--format", "table")).stdout
    assert "Not built (3): dws_broken (build error); dws_sales_daily (stopped by failing test" in " ".join(table.split())

"""`qc-report run` end to end on the artifacts fixture: exit codes, stdout, history, secrets."""

from __future__ import annotations

import json

import pytest
from qc_report_support import fixture_project, run_args
from typer.testing import CliRunner

from strataqc.cli import app
from strataqc.warehouse import Warehouse


@pytest.fixture
def project(tmp_path):
    return fixture_project(tmp_path)


def invoke(*args):
    return CliRunner().invoke(app, list(args))


@pytest.mark.parametrize(("fail_on", "code"), [
    pytest.param("error", 1, id="failing-checks-exit-1"),
    pytest.param("warn", 1, id="warn-level-exit-1"),
    pytest.param("never", 0, id="never-exit-0"),
])
def test_exit_code_follows_fail_on(project, fail_on, code):
    result = invoke(*run_args(project, "--fail-on", fail_on, "--format", "json"))
    assert result.exit_code == code, result.stderr


def test_only_warnings_pass_at_error_level_and_fail_at_warn_level(project):
    args = run_args(project, "--select", "ods_pos__sales dwd_sales", "--format", "json")
    assert invoke(*args, "--fail-on", "error").exit_code == 1
    ods_only = run_args(project, "--select", "ods_pos__sales", "--format", "json")
    assert invoke(*ods_only, "--fail-on", "warn").exit_code == 0


def test_missing_artifacts_exit_2_with_the_fix(tmp_path, project):
    result = invoke(*run_args(project, "--target-path", str(tmp_path / "nowhere")))
    assert result.exit_code == 2
    assert "run_results.json not found: run `dbt build` first" in result.stderr
    assert result.stdout == ""


def test_stdout_holds_only_the_report(project):
    result = invoke(*run_args(project, "--format", "json", "--fail-on", "never"))
    doc = json.loads(result.stdout)
    assert doc["summary"]["total"] == 13 and doc["run_id"] == "8133f0a3-ed33-4ef4-83f8-ec757b749016"
    assert "storing history" in result.stderr


def test_rerunning_the_report_for_one_invocation_keeps_one_history_row_per_check(project):
    for _ in range(2):
        invoke(*run_args(project, "--format", "json"))
    with Warehouse.from_project(project, project / "profiles") as wh:
        counts = wh.query('select run_id, count(*) as n, count(distinct check_key) as k '
                          'from "strataqc_history"."check_results" group by run_id')
    assert counts.to_dict(orient="records") == [{"run_id": "8133f0a3-ed33-4ef4-83f8-ec757b749016", "n": 13, "k": 13}]


def test_profile_password_never_reaches_reports_or_history(project):
    run = json.loads((project / "target" / "run_results.json").read_text())
    broken = next(r for r in run["results"] if r["status"] == "error")
    broken["message"] = "connection failed for password s3cr3t-pw at host"
    (project / "target" / "run_results.json").write_text(json.dumps(run))
    outputs = [invoke(*run_args(project, "--format", fmt, "--fail-on", "never")) for fmt in
               ("json", "junit", "markdown", "table", "html")]
    for result in outputs:
        assert "s3cr3t-pw" not in result.stdout + result.stderr
    assert "password ***" in outputs[0].stdout
    with Warehouse.from_project(project, project / "profiles") as wh:
        stored = wh.query('select message from "strataqc_history"."check_results"')["message"].str.cat()
    assert "s3cr3t-pw" not in stored and "password ***" in stored


def test_output_file_and_html_beside_the_terminal_report(project, tmp_path):
    result = invoke(*run_args(project, "--format", "markdown", "--output", str(tmp_path / "r.md"),
                              "--html", str(tmp_path / "d.html"), "--fail-on", "never"))
    assert result.exit_code == 0 and result.stdout == ""
    assert (tmp_path / "r.md").read_text().startswith("## 🛑 StrataQC: 13 checks")
    assert "<svg" in (tmp_path / "d.html").read_text()


def test_python_checks_missing_means_sql_results_only(project, monkeypatch):
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec",
                        lambda name, *a: None if name == "strataqc.checks.runner" else real(name, *a))
    result = invoke(*run_args(project, "--format", "json", "--fail-on", "never"))
    assert result.exit_code == 0
    assert "reporting the SQL checks only" in result.stderr
    assert {r["check_type"] for r in json.loads(result.stdout)["results"]} == {"sql"}


def test_a_crashing_python_check_runner_becomes_one_error_record(project, monkeypatch):
    import sys
    import types

    module = types.ModuleType("strataqc.checks.runner")

    def run_python_checks(manifest, wh, project_dir, select=None):
        raise RuntimeError("feature table unreadable")

    module.run_python_checks = run_python_checks
    monkeypatch.setitem(sys.modules, "strataqc.checks.runner", module)
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec",
                        lambda name, *a: object() if name == "strataqc.checks.runner" else real(name, *a))
    result = invoke(*run_args(project, "--format", "json", "--fail-on", "never"))
    [err] = [r for r in json.loads(result.stdout)["results"] if r["check"] == "python_checks"]
    assert err["status"] == "error" and "feature table unreadable" in err["message"]
    assert len(json.loads(result.stdout)["results"]) == 14


def test_history_and_ack_commands(project):
    invoke(*run_args(project, "--format", "json"))
    common = ["--project-dir", str(project), "--profiles-dir", str(project / "profiles")]
    acked = invoke("ack", "unique_key", "--model", "dwd_sales", "--reason", "duplicate ids from the POS feed",
                   "--until", "2099-01-01", "--by", "ana", *common)
    assert acked.exit_code == 0, acked.stderr
    assert acked.stdout.strip() == "acknowledged unique_key on dwd_sales until 2099-01-01 by ana (last seen: fail)"
    report = invoke(*run_args(project, "--format", "json", "--fail-on", "never"))
    assert json.loads(report.stdout)["acks"][0]["reason"] == "duplicate ids from the POS feed"
    hist = invoke("history", *common, "--format", "json")
    rows = json.loads(hist.stdout)["checks"]
    unique = next(r for r in rows if r["check"] == "unique_key")
    assert (unique["runs"], unique["pass_rate"], unique["trend"]) == (1, 0.0, "insufficient_history")
    table = invoke("history", *common)
    assert "unique_key" in table.stdout and "only one run stored" in table.stdout


def test_history_that_cannot_be_stored_still_reports_and_exits_2(project):
    import duckdb

    with duckdb.connect(str(project.parent / "fix.duckdb")) as conn:
        conn.execute('create schema "strataqc_history"; create table "strataqc_history"."check_results" (x int)')
    result = invoke(*run_args(project, "--format", "json", "--fail-on", "never"))
    assert result.exit_code == 2
    assert json.loads(result.stdout)["summary"]["total"] == 13
    assert "history not stored" in result.stderr


def test_night_select_in_dbt_selector_syntax_reports_what_dbt_built(project):
    from strataqc.artifacts import built_selection, load_artifacts

    artifacts = load_artifacts(project / "target")
    assert built_selection(["dwd_sales ads_demand_features"], artifacts) == ["dwd_sales", "ads_demand_features"]
    # tag:, state:modified+, model+ are dbt's to resolve: the report covers the models in run_results.json
    assert built_selection(["state:modified+"], artifacts) == ["ads_demand_features", "dwd_sales", "dws_broken",
                                                                "dws_sales_daily", "ods_pos__sales"]
    assert built_selection(None, artifacts) is None

"""`qc-report night`: dbt build in a child process, then the report, in one command."""

from __future__ import annotations

import json
import shutil

import pytest
from qc_report_support import DATA
from typer.testing import CliRunner

from strataqc.cli import app

pytestmark = pytest.mark.dbt


@pytest.fixture
def project(tmp_path, monkeypatch):
    project = tmp_path / "project"
    shutil.copytree(DATA / "project", project)
    monkeypatch.setenv("STRATAQC_DUCKDB_PATH", str(tmp_path / "fix.duckdb"))
    monkeypatch.setenv("DBT_LOG_PATH", str(tmp_path / "logs"))
    return project


def night(project, *extra):
    return CliRunner().invoke(app, ["night", "--project-dir", str(project), "--profiles-dir", str(project),
                                    "--target-path", str(project.parent / "target"), "--no-alerts", "-f", "json",
                                    *extra])


def test_night_builds_then_reports_every_result(project):
    result = night(project)
    assert result.exit_code == 1, result.stderr  # the fixture's checks fail on purpose
    doc = json.loads(result.stdout)
    assert doc["summary"]["total"] == 13
    assert {r["status"] for r in doc["results"]} == {"pass", "warn", "fail", "error", "skip"}
    assert doc["run_id"] == json.loads((project.parent / "target" / "run_results.json").read_text())[
        "metadata"]["invocation_id"]
    assert "Done. PASS=" in result.stderr  # dbt's log went to stderr, not into the report


def test_night_with_a_broken_project_exits_2_and_says_why(project):
    (project / "dbt_project.yml").write_text("name: [broken\n")
    result = night(project)
    assert result.exit_code == 2
    assert "dbt build exited 2 without writing" in result.stderr and result.stdout == ""

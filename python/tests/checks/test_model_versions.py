"""`qc-report model list | promote | rollback` over a project whose model has a retrain policy."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from test_model_champion import POLICY, plant_temperature_shift
from test_model_quality import demand_table, make_warehouse, meta
from typer.testing import CliRunner

from strataqc.checks.model_quality import run_model_quality
from strataqc.cli import app
from strataqc.model import registry
from strataqc.results import CheckResult, CheckType, Status


def project_with_versions(tmp_path: Path, retrain: dict | None = POLICY) -> Path:
    """Two nights: v0001 the first champion, then a temperature shift and a drift failure promote v0002."""
    wh, relation = make_warehouse(tmp_path, demand_table())
    block = meta(tmp_path, **({"retrain": retrain} if retrain else {}))
    run_model_quality("feat", relation, block, wh, tmp_path)
    plant_temperature_shift(wh)
    drifted = CheckResult(check="feature_drift", status=Status.FAIL, check_type=CheckType.DRIFT, model="feat",
                          column="temperature")
    run_model_quality("feat", relation, block, wh, tmp_path, [drifted])
    wh.close()
    project = tmp_path / "project"
    (project / "target").mkdir(parents=True)
    (project / "dbt_project.yml").write_text("name: p\nversion: '1.0'\nprofile: p\n")
    (project / "profiles.yml").write_text(f"p:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n"
                                          f"      path: '{tmp_path / 'wh.duckdb'}'\n")
    node = {"resource_type": "model", "name": "feat", "unique_id": "model.p.feat", "relation_name": relation,
            "config": {"meta": {"strataqc": block}}}
    (project / "target" / "manifest.json").write_text(json.dumps({"nodes": {"model.p.feat": node}}))
    return project


def qc(project: Path, *args: str):
    options = ["--project-dir", str(project)]
    if args[0] != "list":
        options += ["--profiles-dir", str(project)]
    return CliRunner().invoke(app, ["model", *args, *options])


@pytest.fixture
def project(tmp_path):
    return project_with_versions(tmp_path)


def test_model_list_shows_roles_metrics_and_decisions(project):
    out = qc(project, "list")
    assert out.exit_code == 0, out.output
    lines = out.output.splitlines()
    assert lines[0].split() == ["version", "role", "trained_at", "fingerprint", "rows", "valid_mae", "valid_wape",
                                "decision"]
    assert lines[1].split()[:2] == ["v0001", "retired"] and lines[1].split()[-1] == "initial"
    assert lines[2].split()[:2] == ["v0002", "champion"] and lines[2].split()[-1] == "promoted"
    doc = json.loads(qc(project, "list", "--format", "json").output)
    assert [(v["version"], v["role"]) for v in doc["versions"]] == [("v0001", "retired"), ("v0002", "champion")]
    assert doc["versions"][1]["wape"] > 0 and "promoted" in doc["versions"][1]["reason"]


def test_model_rollback_then_promote_move_the_champion_and_are_logged(project, tmp_path):
    out = qc(project, "rollback", "--reason", "v0002 over-forecasts warm days")
    assert out.exit_code == 0, out.output
    assert out.output.strip() == "feat: rolled back v0002; v0001 is the champion"
    assert registry.champion(tmp_path / "artifacts") == "v0001"
    again = qc(project, "rollback")
    assert again.exit_code == 2
    assert "no previous champion" in again.output and "promote a version instead" in again.output
    out = qc(project, "promote", "v0002")
    assert out.exit_code == 0, out.output
    assert registry.champion(tmp_path / "artifacts") == "v0002"
    from test_model_quality import Target, Warehouse

    with Warehouse(Target("p", "dev", "duckdb", {"path": str(tmp_path / "wh.duckdb")})) as wh:
        logged = registry.logged(wh, "feat")
    assert list(zip(logged["version"], logged["decision"], logged["role"])) == [
        ("v0001", "initial", "champion"), ("v0002", "promoted", "champion"), ("v0002", "rollback", "retired"),
        ("v0001", "rollback", "champion"), ("v0002", "promote", "champion")]
    assert logged["reason"].iloc[2] == "v0002 over-forecasts warm days"


@pytest.mark.parametrize(("args", "says"), [
    pytest.param(("promote", "v0009"), "no version v0009 in", id="unknown-version"),
    pytest.param(("promote", "v0002"), "v0002 is already the champion", id="already-champion"),
    pytest.param(("list", "--model", "other"), "other has no meta.strataqc.model block in the manifest; use one "
                                               "of feat", id="unknown-model"),
])
def test_model_command_bad_input_exits_2_with_the_fix(project, args, says):
    out = qc(project, *args)
    assert out.exit_code == 2
    assert says in " ".join(out.output.split())


def test_model_promote_without_retrain_policy_says_to_add_one(tmp_path):
    project = project_with_versions(tmp_path, retrain=None)
    out = qc(project, "promote", "v0001")
    assert out.exit_code == 2
    assert "feat has no retrain policy (meta.strataqc.model.retrain)" in " ".join(out.output.split())
    listed = qc(project, "list")
    assert "feat has no retrain policy" in listed.output and listed.output.splitlines()[1].split()[1] == "-"

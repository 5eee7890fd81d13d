"""A Python check raises, a meta block is wrong, the runner itself breaks: that part is `error`, the rest runs."""

from __future__ import annotations

import json

import duckdb
import pytest
from qc_report_support import fixture_project, run_args
from typer.testing import CliRunner

from strataqc.cli import app

GOOD = {"target": "y", "ids": ["id"], "split": {"column": "dataset_split", "reference": "train", "current": "predict"}}


def add_model(project, name: str, block: dict) -> None:
    """A small ADS table in the fixture warehouse and its manifest node with a meta.strataqc block."""
    with duckdb.connect(str(project.parent / "fix.duckdb")) as conn:
        conn.execute('create schema if not exists "ads"')
        conn.execute(f'create or replace table "ads"."{name}" as select i as id, i % 5 as f_mod, '
                     "(i * 7 % 11)::double as f_num, case when i % 2 = 0 then 'a' else 'b' end as cat, "
                     "i * 1.5 + (i % 3) as y, case when i < 120 then 'train' else 'predict' end as dataset_split "
                     "from range(200) t(i)")
    path = project / "target" / "manifest.json"
    manifest = json.loads(path.read_text())
    manifest["nodes"][f"model.qcfix.{name}"] = {
        "unique_id": f"model.qcfix.{name}", "name": name, "resource_type": "model", "package_name": "qcfix",
        "path": f"ads/{name}.sql", "original_file_path": f"models/ads/{name}.sql", "fqn": ["qcfix", "ads", name],
        "relation_name": f'"fix"."ads"."{name}"', "config": {"enabled": True, "meta": {"strataqc": block}},
        "depends_on": {"nodes": []}}
    path.write_text(json.dumps(manifest))
    # built in this invocation: a model absent from run_results would be skipped as stale
    results_path = project / "target" / "run_results.json"
    run = json.loads(results_path.read_text())
    run["results"].append({"unique_id": f"model.qcfix.{name}", "status": "success", "message": "OK",
                           "failures": None, "execution_time": 0.1, "timing": []})
    results_path.write_text(json.dumps(run))


@pytest.fixture
def project(tmp_path):
    project = fixture_project(tmp_path)
    add_model(project, "ads_good", GOOD)
    add_model(project, "ads_bad_meta", {**GOOD, "split": {"column": "no_such_column", "reference": "train",
                                                           "current": "predict"}})
    return project


def python_records(project):
    result = CliRunner().invoke(app, run_args(project, "--format", "json", "--fail-on", "never"))
    assert result.exit_code == 0, result.stderr
    doc = json.loads(result.stdout)
    assert sum(r["check_type"] == "sql" for r in doc["results"]) == 13  # the SQL results are all there
    return [r for r in doc["results"] if r["check_type"] != "sql"]


def test_a_raising_check_is_one_error_and_the_other_checks_and_models_still_run(project, monkeypatch):
    from strataqc.checks import feature_set

    def broken(ctx, params):
        raise ZeroDivisionError("the check divided by nothing")

    monkeypatch.setitem(feature_set.CHECKS, "missing_values", broken)
    records = python_records(project)
    good = [r for r in records if r["model"] == "ads_good"]
    [failed] = [r for r in good if r["check"] == "missing_values"]
    assert failed["status"] == "error" and "ZeroDivisionError: the check divided by nothing" in failed["message"]
    others = [r for r in good if r["check"] != "missing_values"]
    assert len({r["check"] for r in others}) >= 3, others  # feature-set and drift checks beside it ran
    assert {"feature_set", "drift"} <= {r["check_type"] for r in others}
    # the model with a wrong meta block says which key is wrong; it does not stop ads_good
    bad = {r["check"]: r for r in records if r["model"] == "ads_bad_meta"}
    assert bad["config"]["status"] == "error"
    assert {"ads_bad_meta", "split", "no_such_column"} <= set(bad["config"]["message"].replace(".", " ").replace(
        ":", " ").replace("'", " ").split())
    assert bad["feature_drift"]["status"] == "skip"  # no sets to compare, said so; not a silent pass


def test_a_runner_that_breaks_on_one_model_is_retried_model_by_model(project, monkeypatch):
    import strataqc.checks.runner as runner

    real = runner.run_python_checks

    def fragile(manifest, wh, project_dir, select=None):
        if not select or "ads_bad_meta" in select:
            raise MemoryError("cannot allocate the feature matrix")
        return real(manifest, wh, project_dir, select)

    monkeypatch.setattr(runner, "run_python_checks", fragile)
    records = python_records(project)
    [err] = [r for r in records if r["model"] == "ads_bad_meta"]
    assert err["status"] == "error" and err["check"] == "python_checks"
    assert err["message"] == ("the Python checks on ads_bad_meta could not run: MemoryError: cannot allocate "
                              "the feature matrix")
    assert len([r for r in records if r["model"] == "ads_good"]) >= 3

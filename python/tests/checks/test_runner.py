"""run_python_checks / check_relation: nodes from the manifest, layers, and one broken part never stops the rest."""

from __future__ import annotations

import types
from pathlib import Path

import pandas as pd
import pytest

from strataqc.checks.runner import check_relation, model_nodes, run_python_checks
from strataqc.layers import layer_of
from strataqc.results import CheckResult, CheckType, Status
from strataqc.warehouse import Target, Warehouse

BLOCK = {"target": "y", "ids": ["id"], "split": {"column": "split", "reference": "train", "current": "predict"}}


@pytest.fixture(scope="module")
def wh(tmp_path_factory):
    path = tmp_path_factory.mktemp("checks_runner") / "fixture.duckdb"
    with Warehouse(Target("strataqc", "test", "duckdb", {"path": str(path)})) as warehouse:
        frame = pd.DataFrame({"id": range(40), "x": [float(i % 7) for i in range(40)],
                              "label": ["a", "b"] * 20, "y": [float(i) for i in range(40)],
                              "split": ["train"] * 30 + ["predict"] * 10})
        warehouse._conn.conn.register("frame", frame)
        warehouse.execute("create schema ads")
        warehouse.execute("create table ads.features as select * from frame")
        warehouse.execute("create table ads.other as select * from frame")
        yield warehouse


def node(name, block, *, path=None, meta_in_config=True, enabled=True, resource_type="model", relation=True):
    meta = {"strataqc": block} if block is not None else {}
    out = {"name": name, "resource_type": resource_type, "path": path or f"ads/{name}.sql",
           "fqn": ["strataqc", *(path or f"ads/{name}.sql").split("/")[:-1], name],
           "config": {"enabled": enabled, "meta": meta if meta_in_config else {}},
           "meta": {} if meta_in_config else meta,
           "relation_name": f'"ads"."{name}"' if relation else None}
    return f"{resource_type}.strataqc.{name}", out


def manifest(*nodes):
    return {"nodes": dict(nodes)}


@pytest.fixture
def parts(monkeypatch):
    """Stand-in drift and model-quality parts that record their calls."""
    calls = []

    def run_drift_checks(wh, spec):
        calls.append(("drift", spec.model))
        return [CheckResult(check="feature_drift", status=Status.PASS, model=spec.model, check_type=CheckType.DRIFT)]

    def run_model_quality(model_name, relation_name, config, wh, project_dir, earlier=None):
        calls.append(("model_quality", model_name, relation_name, config.model, project_dir))
        calls.append(("earlier", model_name, sorted({r.check for r in earlier or []})))
        return [CheckResult(check="overfitting", status=Status.PASS, check_type=CheckType.MODEL_QUALITY)]

    monkeypatch.setitem(__import__("sys").modules, "strataqc.checks.drift",
                        types.SimpleNamespace(run_drift_checks=run_drift_checks))
    monkeypatch.setitem(__import__("sys").modules, "strataqc.checks.model_quality",
                        types.SimpleNamespace(run_model_quality=run_model_quality))
    return calls


def test_every_model_with_a_block_runs_feature_set_drift_and_model_quality(wh, parts):
    block = {**BLOCK, "model": {"kind": "lightgbm"}}
    m = manifest(node("features", block), node("other", BLOCK, meta_in_config=False),
                 node("no_block", None), node("disabled", BLOCK, enabled=False),
                 node("a_seed", BLOCK, resource_type="seed"))
    results = run_python_checks(m, wh, Path("/project"))
    assert {r.model for r in results} == {"features", "other"}
    assert all(r.layer == "ads" for r in results)
    checks = {(r.model, r.check) for r in results}
    assert {("features", "missing_values"), ("features", "feature_drift"), ("features", "overfitting"),
            ("other", "missing_values"), ("other", "feature_drift")} <= checks
    assert ("other", "overfitting") not in checks  # no `model` key: no model quality
    assert ("model_quality", "features", '"ads"."features"', {"kind": "lightgbm"}, Path("/project")) in parts
    # no retrain policy reads the night's records: model quality ran beside the others, on a connection of its own
    [earlier] = [c[2] for c in parts if c[0] == "earlier"]
    assert earlier == []
    assert not [r for r in results if r.status == Status.ERROR]
    # its records still come after theirs
    assert [r.check for r in results if r.model == "features"][-1] == "overfitting"


@pytest.mark.parametrize("retrain, reads", [({"on": ["drift_fail", "schedule"]}, True), ({}, True),
                                            ({"on": ["realized_degradation", "schedule"]}, False)],
                         ids=["drift-fail", "default-triggers", "no-drift-trigger"])
def test_a_retrain_policy_reading_drift_failures_gets_the_nights_records_first(wh, parts, retrain, reads):
    block = {**BLOCK, "model": {"kind": "lightgbm", "retrain": retrain}}
    run_python_checks(manifest(node("features", block)), wh, Path("/project"))
    [earlier] = [c[2] for c in parts if c[0] == "earlier"]
    assert ({"feature_drift", "missing_values"} <= set(earlier)) is reads and "overfitting" not in earlier
    assert (earlier == []) is not reads


def test_model_quality_beside_the_others_gets_a_connection_of_its_own(wh, parts, monkeypatch):
    seen = []
    run = __import__("sys").modules["strataqc.checks.model_quality"].run_model_quality
    monkeypatch.setattr(__import__("sys").modules["strataqc.checks.model_quality"], "run_model_quality",
                        lambda *a, **k: seen.append((a[3], len(a[3].query("select * from ads.features"))))
                        or run(*a, **k))
    block = {**BLOCK, "model": {"kind": "lightgbm"}}
    run_python_checks(manifest(node("features", block)), wh, Path("/project"))
    # another connection to the same database as the night's
    assert seen[0][0] is not wh and seen[0][0].dialect == "duckdb" and seen[0][1] == 40
    monkeypatch.setenv("STRATAQC_SERIAL_CHECKS", "1")
    run_python_checks(manifest(node("features", block)), wh, Path("/project"))
    assert seen[1][0] is wh


def test_select_limits_the_models(wh, parts):
    m = manifest(node("features", BLOCK), node("other", BLOCK))
    results = run_python_checks(m, wh, Path("."), select=["other"])
    assert {r.model for r in results} == {"other"}
    assert run_python_checks(m, wh, Path("."), select=["model.strataqc.features"])[0].model == "features"


def test_a_raising_part_is_one_error_record_and_the_others_still_run(wh, parts, monkeypatch):
    def broken(wh, spec):
        raise ZeroDivisionError("division by zero")

    monkeypatch.setitem(__import__("sys").modules, "strataqc.checks.drift",
                        types.SimpleNamespace(run_drift_checks=broken))
    results = check_relation(wh, "features", '"ads"."features"', {**BLOCK, "model": {}}, layer="ads")
    errors = [r for r in results if r.status == Status.ERROR]
    assert [(r.check, r.check_type, r.model, r.layer) for r in errors] == \
        [("drift", CheckType.DRIFT, "features", "ads")]
    assert errors[0].message == "drift checks of features could not run: ZeroDivisionError: division by zero"
    assert errors[0].duration_s is not None
    assert any(r.check == "missing_values" for r in results)
    assert any(r.check == "overfitting" for r in results)


def test_a_missing_part_says_which_module_is_missing(wh, parts, monkeypatch):
    monkeypatch.setitem(__import__("sys").modules, "strataqc.checks.drift", None)
    results = check_relation(wh, "features", '"ads"."features"', BLOCK)
    [error] = [r for r in results if r.status == Status.ERROR]
    assert error.check == "drift" and "module strataqc.checks.drift is missing" in error.message
    assert any(r.check == "single_value" for r in results)


def test_config_errors_come_with_the_checks_that_can_still_run(wh, parts):
    block = {**BLOCK, "checks": {"missing_valus": {}}, "categorical": ["lable"]}
    results = check_relation(wh, "features", '"ads"."features"', block)
    config = [r for r in results if r.check == "config"]
    assert [r.column for r in config] == ["categorical", "checks.missing_valus"]
    assert "did you mean 'label'?" in config[0].message
    assert any(r.check == "missing_values" and r.status == Status.PASS for r in results)
    assert ("drift", "features") in parts


def test_unbuilt_relation_and_ephemeral_model_are_errors_with_the_fix(wh, parts):
    m = manifest(node("not_built", BLOCK), node("ephemeral", BLOCK, relation=False))
    results = run_python_checks(m, wh, Path("."))
    assert [(r.model, r.check, r.status) for r in results] == [("not_built", "config", Status.ERROR),
                                                                ("ephemeral", "config", Status.ERROR)]
    assert "run `dbt build` for not_built first" in results[0].message
    assert "materialize it as a table or view" in results[1].message


def test_a_block_that_is_not_a_mapping_is_one_error(wh, parts):
    results = check_relation(wh, "features", '"ads"."features"', "yes please")
    assert [(r.check, r.status) for r in results] == [("config", Status.ERROR)]


@pytest.mark.parametrize(("path", "fqn", "layer"), [
    ("ads/ads_demand_features.sql", ["strataqc", "ads", "ads_demand_features"], "ads"),
    ("dws/sub/dws_x.sql", ["strataqc", "dws", "sub", "dws_x"], "dws"),
    ("top.sql", ["strataqc", "top"], None),
    (None, ["strataqc", "dwd", "dwd_sales"], "dwd"),
])
def test_layer_is_the_models_folder(path, fqn, layer):
    assert layer_of({"path": path, "fqn": fqn}) == layer


def test_model_nodes_reads_config_meta_before_meta():
    _, n = node("features", {"target": "a"})
    n["meta"] = {"strataqc": {"target": "b"}}
    assert model_nodes({"nodes": {"model.strataqc.features": n}})[0]["config"]["meta"]["strataqc"] == {"target": "a"}


@pytest.mark.parametrize("missing", [("lightgbm",), ("shap",), ("lightgbm", "shap")])
def test_model_block_without_the_ml_extra_is_one_error_that_says_how_to_install(wh, monkeypatch, missing):
    import sys

    for name in missing:
        monkeypatch.setitem(sys.modules, name, None)  # `import lightgbm` now fails as on a base install
    monkeypatch.delitem(sys.modules, "strataqc.checks.model_quality", raising=False)
    block = {**BLOCK, "model": {"kind": "lightgbm"}}
    results = check_relation(wh, "features", '"ads"."features"', block)
    [model] = [r for r in results if r.check_type is CheckType.MODEL_QUALITY]
    assert (model.check, model.status) == ("model_quality", Status.ERROR)
    assert 'pip install "strataqc[ml]"' in model.message and " and ".join(missing) in model.message
    assert "features" in model.message and "Traceback" not in model.message
    assert {r.check_type for r in results} >= {CheckType.FEATURE_SET, CheckType.DRIFT}  # the rest still ran


def test_the_base_install_imports_without_lightgbm_or_shap():
    import subprocess
    import sys

    code = ("import sys; sys.modules['lightgbm'] = sys.modules['shap'] = None\n"
            "import strataqc.cli, strataqc.night, strataqc.checks.runner, strataqc.checks.feature_set, "
            "strataqc.checks.drift, strataqc.alerts, strataqc.history\n"
            "from strataqc.cli import app\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr

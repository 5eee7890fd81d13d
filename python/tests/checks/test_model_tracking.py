"""Optional MLflow logging: off unless configured, never required, and each version logged once."""

from __future__ import annotations

import json

import pytest
from test_model_quality import by_check, demand_table, make_warehouse, meta

from strataqc.checks.model_quality import run_model_quality
from strataqc.model.tracking import TrackingConfigError, flat_metrics, log_version, parse_mlflow
from strataqc.results import Status


def test_tracking_block_defaults_experiment_and_rejects_bad_keys():
    assert parse_mlflow("m", None) is None
    assert parse_mlflow("m", {"tracking_uri": "file:///tmp/mlruns"}) == {"tracking_uri": "file:///tmp/mlruns",
                                                                         "experiment": "strataqc/m"}
    with pytest.raises(TrackingConfigError, match=r"m: meta.strataqc.model.mlflow must be \{tracking_uri"):
        parse_mlflow("m", {"experiment": "x"})
    with pytest.raises(TrackingConfigError, match="mlflow.uri is not a known key"):
        parse_mlflow("m", {"tracking_uri": "file:///tmp/x", "uri": "y"})


def test_tracking_flat_metrics_keeps_finite_numbers_only():
    card = {"metrics": {"model_valid": {"wape": 0.1, "mape": float("nan")}, "seasonal_naive_valid": {"mae": 2}}}
    assert flat_metrics(card) == {"model_valid_wape": 0.1, "seasonal_naive_valid_mae": 2.0}


def test_tracking_not_configured_logs_nothing(tmp_path):
    assert log_version(None, tmp_path) is None


@pytest.mark.parametrize(("block", "says"), [
    pytest.param({"retrain": {"on": ["weekly"]}}, "feat: meta.strataqc.model.retrain.on must list triggers",
                 id="unknown-trigger"),
    pytest.param({"retrain": {"on": ["schedule"]}, "artifact": "model.txt"},
                 "feat: meta.strataqc.model.retrain needs a model StrataQC trains (train: true, no `artifact`)",
                 id="retrain-a-users-model-file"),
    pytest.param({"mlflow": {"experiment": "x"}}, "feat: meta.strataqc.model.mlflow must be {tracking_uri",
                 id="mlflow-without-uri"),
])
def test_tracking_bad_retrain_or_mlflow_block_is_one_clear_error_record(tmp_path, block, says):
    wh, relation = make_warehouse(tmp_path, demand_table(days=30))
    results = by_check(run_model_quality("feat", relation, meta(tmp_path, **block), wh, tmp_path))
    wh.close()
    assert results["model_quality"].status == Status.ERROR
    assert results["model_quality"].message.startswith(says)


def test_tracking_logs_each_version_card_and_metrics_to_mlflow(tmp_path, monkeypatch):
    mlflow = pytest.importorskip("mlflow")
    monkeypatch.setenv("MLFLOW_ALLOW_FILE_STORE", "true")  # a folder store: no database server in a test
    uri = (tmp_path / "mlruns").as_uri()
    wh, relation = make_warehouse(tmp_path, demand_table())
    block = meta(tmp_path, retrain={"on": ["schedule"]}, mlflow={"tracking_uri": uri, "experiment": "feat"})
    run_model_quality("feat", relation, block, wh, tmp_path)
    run_model_quality("feat", relation, block, wh, tmp_path)  # reused: not logged twice
    wh.close()
    card = json.loads((tmp_path / "artifacts" / "v0001" / "card.json").read_text())
    mlflow.set_tracking_uri(uri)
    runs = mlflow.search_runs(experiment_names=["feat"])
    assert list(runs["run_id"]) == [card["mlflow_run_id"]]  # one run: the second night did not log again
    logged = runs[runs["run_id"] == card["mlflow_run_id"]].iloc[0]
    assert logged["metrics.model_valid_wape"] == pytest.approx(card["metrics"]["model_valid"]["wape"])
    assert logged["tags.strataqc.version"] == "v0001"

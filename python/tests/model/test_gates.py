"""The gates judge measured values: each one both ways, limits strict, severity decides fail vs warn;
metrics and baselines on hand-computed cases; config errors name the key."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from strataqc.model import gates
from strataqc.model.baselines import baseline_forecasts
from strataqc.model.config import ModelConfigError, parse_model_config
from strataqc.model.measure import feature_variation, single_row_latencies_ms
from strataqc.model.metrics import mae, mape, rmse, wape
from strataqc.model.predictor import Predictor
from strataqc.results import Status


def test_model_metrics_on_a_hand_computed_case():
    actual, predicted = np.array([10.0, 0.0, 30.0]), np.array([12.0, 1.0, 27.0])
    assert mae(actual, predicted) == pytest.approx(2.0)
    assert rmse(actual, predicted) == pytest.approx(math.sqrt((4 + 1 + 9) / 3))
    assert mape(actual, predicted) == pytest.approx((0.2 + 0.1) / 2)  # the zero actual has no percentage
    assert wape(actual, predicted) == pytest.approx(6 / 40)
    assert math.isnan(wape(np.zeros(3), np.ones(3)))


def test_model_baselines_coalesce_columns_and_scale_to_the_target_horizon():
    frame = pd.DataFrame({"units_lag_7": [2.0, None, None], "units_mean_7d": [3.0, 4.0, None]})
    out = baseline_forecasts(frame, {"seasonal_naive": {"columns": ["units_lag_7", "units_mean_7d"], "scale": 7.0}})
    assert out["seasonal_naive"].tolist() == [14.0, 28.0, 0.0]
    with pytest.raises(KeyError, match="units_lag_1"):
        baseline_forecasts(frame, {"naive": {"columns": ["units_lag_1"], "scale": 1.0}})


@pytest.mark.parametrize(("train", "valid", "severity", "status"), [
    pytest.param(0.10, 0.15, "error", Status.PASS, id="at-limit-passes"),
    pytest.param(0.10, 0.16, "error", Status.FAIL, id="over-limit-fails"),
    pytest.param(0.10, 0.16, "warn", Status.WARN, id="over-limit-warns-at-warn"),
    pytest.param(0.0, 0.05, "error", Status.FAIL, id="perfect-train-fit-fails"),
])
def test_model_overfitting_ratio_limit_is_strict(train, valid, severity, status):
    result = gates.overfitting("m", train, valid, metric="wape", max_ratio=1.5, severity=severity)
    assert result.status == status
    assert "x train wape" in result.message


@pytest.mark.parametrize(("leaves", "status", "failures"), [
    pytest.param([31, 64, 12], Status.PASS, 0, id="at-limit-passes"),
    pytest.param([31, 65, 200], Status.WARN, 2, id="two-trees-over"),
])
def test_model_leaf_count_counts_trees_over_the_limit(leaves, status, failures):
    result = gates.leaf_count("m", leaves, max_leaves=64, severity="warn")
    assert (result.status, result.failures) == (status, failures)
    assert result.observed == max(leaves)


def test_model_leaf_count_skips_a_model_without_trees():
    assert gates.leaf_count("m", None).status == Status.SKIP


def _metrics(value):
    return {"mae": value, "rmse": value, "mape": value, "wape": value}


@pytest.mark.parametrize(("ours", "status", "beaten"), [
    pytest.param(0.19, Status.PASS, "", id="beats-both-by-margin"),
    pytest.param(0.195, Status.FAIL, "not beaten by 5%: moving_average", id="within-margin-of-best"),
    pytest.param(0.5, Status.FAIL, "seasonal_naive, moving_average", id="worse-than-both"),
])
def test_model_baseline_comparison_needs_a_margin_over_every_baseline(ours, status, beaten):
    result = gates.baseline_comparison("m", _metrics(ours), {"seasonal_naive": _metrics(0.4),
                                                             "moving_average": _metrics(0.2)}, margin=0.05)
    assert result.status == status
    assert beaten in result.message and "best baseline moving_average" in result.message
    assert result.details["table"]["columns"] == ["forecast", "mae", "rmse", "mape", "wape"]
    assert [row[0] for row in result.details["table"]["rows"]] == ["model", "seasonal_naive", "moving_average"]


@pytest.mark.parametrize(("ours", "status", "says"), [
    pytest.param(0.1, Status.FAIL, "seasonal_naive forecasts the valid split exactly (wape 0)", id="perfect-baseline-fails"),
    pytest.param(0.0, Status.PASS, "model wape 0 matches the exact baseline seasonal_naive", id="perfect-model-passes"),
])
def test_model_baseline_comparison_against_a_perfect_baseline_is_a_verdict(ours, status, says):
    # WAPE 0 is the best a forecast can do: no ratio to it, yet the verdict is plain
    result = gates.baseline_comparison("m", _metrics(ours), {"seasonal_naive": _metrics(0.0),
                                                             "moving_average": _metrics(0.2)}, margin=0.05)
    assert result.status == status and says in result.message, result.message
    assert result.failures == (1 if status == Status.FAIL else 0)


@pytest.mark.parametrize(("shares", "status", "column"), [
    pytest.param({"a": 0.5, "b": 0.3, "c": 0.2}, Status.PASS, "a", id="at-limit-passes"),
    pytest.param({"a": 0.2, "leak": 0.7, "c": 0.1}, Status.FAIL, "leak", id="spike-fails"),
])
def test_model_importance_spike_names_the_feature(shares, status, column):
    result = gates.importance_spike("m", shares, max_share=0.5)
    assert (result.status, result.column) == (status, column)
    assert result.message.startswith(f"{column} holds")


def test_model_low_importance_high_variance_flags_varying_unused_features():
    shares = {"used": 0.9, "dead": 0.0, "constant": 0.0, "small": 0.1}
    variation = {"used": 1.0, "dead": 0.8, "constant": 0.0, "small": 0.5}
    result = gates.low_importance_high_variance("m", shares, variation, max_share=0.001, min_variation=0.1)
    assert result.status == Status.WARN and result.failures == 1
    assert [row[0] for row in result.details["table"]["rows"]] == ["dead"]
    passing = gates.low_importance_high_variance("m", {"used": 1.0}, {"used": 1.0})
    assert passing.status == Status.PASS


@pytest.mark.parametrize(("latencies", "status"), [
    pytest.param([1.0] * 99 + [100.0], Status.PASS, id="p99-at-limit-passes"),
    pytest.param([1.0] * 90 + [150.0] * 10, Status.FAIL, id="slow-tail-fails"),
    pytest.param([30.0] * 100, Status.FAIL, id="slow-median-fails"),
])
def test_model_inference_latency_p50_and_p99(latencies, status):
    result = gates.inference_latency("m", latencies, p50_ms=20.0, p99_ms=100.0, severity="error")
    assert result.status == status
    assert "p50" in result.message and "p99" in result.message


def test_model_latency_and_variation_are_measured():
    import lightgbm as lgb

    rng = np.random.default_rng(0)
    frame = pd.DataFrame({"x": rng.normal(5, 1, 300), "c": rng.choice(["a", "b"], 300), "k": 1.0})
    booster = lgb.train({"verbosity": -1, "num_threads": 1}, lgb.Dataset(frame[["x"]], frame["x"] * 2), 5)
    predictor = Predictor(booster, "lightgbm", ["x"])
    times = single_row_latencies_ms(predictor, predictor.prepare(frame), 20)
    assert len(times) == 20 and all(t > 0 for t in times)
    variation = feature_variation(frame, ["x", "c", "k"])
    assert variation["x"] == pytest.approx(frame["x"].std() / frame["x"].mean())
    assert variation["c"] > 0.95 and variation["k"] == 0.0


def test_model_unused_feature_is_flagged_by_low_importance_high_variance():
    import lightgbm as lgb

    rng = np.random.default_rng(1)
    frame = pd.DataFrame({"signal": rng.normal(10, 3, 800), "noise": rng.normal(10, 3, 800)})
    y = frame["signal"] * 3
    # feature_penalty 0 keeps LightGBM from ever splitting on `noise`: a feature that varies, unused
    booster = lgb.train({"verbosity": -1, "num_threads": 1, "feature_penalty": [1.0, 0.0]},
                        lgb.Dataset(frame, y), 20)
    predictor = Predictor(booster, "lightgbm", ["signal", "noise"])
    result = gates.low_importance_high_variance("m", predictor.importance(), feature_variation(frame, ["signal", "noise"]))
    assert result.status == Status.WARN and result.details["table"]["rows"][0][0] == "noise"
    used = lgb.train({"verbosity": -1, "num_threads": 1}, lgb.Dataset(frame, y + frame["noise"] * 3), 20)
    shares = Predictor(used, "lightgbm", ["signal", "noise"]).importance()
    assert gates.low_importance_high_variance("m", shares, feature_variation(frame, ["signal", "noise"])).status \
        == Status.PASS


@pytest.mark.parametrize(("block", "says"), [
    pytest.param({"gates": {"overfitting": {"max_ratoi": 2}}}, "gates.overfitting.max_ratoi", id="typo-in-setting"),
    pytest.param({"gates": {"leaf_count": {"severity": "fatal"}}}, "severity must be one of", id="bad-severity"),
    pytest.param({"train": False}, "no `artifact`", id="nothing-to-check"),
    pytest.param({"colour": "blue"}, "model.colour is not a known key", id="unknown-key"),
    pytest.param("yes", "must be a mapping", id="not-a-mapping"),
])
def test_model_config_errors_name_the_key(block, says):
    with pytest.raises(ModelConfigError, match="ads_x") as info:
        parse_model_config("ads_x", block, Path("/p"))
    assert says in str(info.value)


def test_model_config_defaults_and_overrides():
    cfg = parse_model_config("ads_x", {"gates": {"overfitting": {"max_ratio": 2.0}, "leaf_count": False},
                                       "artifact": "models/m.txt"}, Path("/p"), ["category"],
                             {"column": "s", "reference": "fit", "current": "score"})
    assert cfg.gates["overfitting"]["max_ratio"] == 2.0 and cfg.gates["overfitting"]["severity"] == "error"
    assert cfg.gates["leaf_count"]["enabled"] is False
    assert cfg.artifact == Path("/p/models/m.txt") and cfg.train is False
    assert cfg.splits == {"train": "fit", "valid": "valid", "predict": "score"}
    assert cfg.attribution.segments == ("category",)


@pytest.mark.parametrize(("configured", "load", "threads"), [
    pytest.param(2, 0.5, 2, id="idle-host-uses-configured"),
    pytest.param(2, 2.0, 1, id="busy-host-one-thread"),
    pytest.param(8, 0.0, 2, id="never-more-than-cores"),
    pytest.param(None, 0.0, 2, id="default-all-cores"),
])
def test_model_lightgbm_threads_drop_to_one_on_a_busy_host(monkeypatch, configured, load, threads):
    from strataqc.model import threads as module

    monkeypatch.setattr(module, "available_cores", lambda: 2)
    monkeypatch.setattr(module.os, "getloadavg", lambda: (load, load, load))
    assert module.lightgbm_threads(configured) == threads


def test_model_artifact_dir_relative_to_project_or_model_dir(monkeypatch):
    monkeypatch.delenv("STRATAQC_MODEL_DIR", raising=False)
    assert parse_model_config("m", {}, Path("/p")).artifact_dir == Path("/p/warehouse/models/m")
    monkeypatch.setenv("STRATAQC_MODEL_DIR", "/cache")
    assert parse_model_config("m", {}, Path("/p")).artifact_dir == Path("/cache/warehouse/models/m")
    assert parse_model_config("m", {"artifact_dir": "/abs"}, Path("/p")).artifact_dir == Path("/abs")

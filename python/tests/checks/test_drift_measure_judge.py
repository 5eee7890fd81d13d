"""Each drift check as measure() -> small frozen dataclass, judge(measured, params) -> status, both ways."""

from __future__ import annotations

import dataclasses
import importlib

import pytest
from test_drift import make_features, spec_for

from strataqc.checks.defaults import DRIFT_PARAMS
from strataqc.checks.drift.sets import Sets
from strataqc.results import Status
from strataqc.warehouse import Target, Warehouse

# the modules (the package's names of the same spelling are the check functions)
feature_drift, multivariate_drift, new_categories, target_drift = (
    importlib.import_module(f"strataqc.checks.drift.{name}")
    for name in ("feature_drift", "multivariate_drift", "new_categories", "target_drift"))


@pytest.fixture(scope="module")
def sets():
    wh = Warehouse(Target("strataqc", "test", "duckdb", {"path": ":memory:"}))
    make_features(wh, rows=8000, price_shift=1.0, new_category=True, target_in_current=True)
    yield Sets(wh, spec_for(wh))
    wh.close()


def params(check: str, **overrides) -> dict:
    return {**DRIFT_PARAMS[check], "severity": "error", **overrides}


CASES = [
    # (check module, measure arguments, loose thresholds: pass, tight thresholds: fail)
    pytest.param(new_categories, ("category",), {"warn_share": 0.5, "fail_share": 0.9},
                 {"warn_share": 0.0, "fail_share": 0.01}, id="new_categories"),
    pytest.param(feature_drift, ("unit_price",), {"psi_warn": 5, "psi_fail": 9, "wasserstein_warn": 5,
                                                  "wasserstein_fail": 9}, {"psi_warn": 0.01, "psi_fail": 0.02},
                 id="feature_drift-numeric"),
    pytest.param(feature_drift, ("category",), {"js_warn": 0.9, "js_fail": 0.95}, {"js_warn": 0.01, "js_fail": 0.02},
                 id="feature_drift-categorical"),
    pytest.param(target_drift, (), {}, {"psi_warn": 0.0, "psi_fail": 0.0, "wasserstein_warn": 0.0,
                                        "wasserstein_fail": 0.0}, id="target_drift"),
    pytest.param(multivariate_drift, (), {"auc_warn": 0.99, "auc_fail": 0.999}, {"auc_warn": 0.5, "auc_fail": 0.55},
                 id="multivariate_drift"),
]


@pytest.mark.parametrize(("module", "args", "loose", "tight"), CASES)
def test_measure_is_a_frozen_dataclass_and_judge_goes_both_ways(sets, module, args, loose, tight):
    check = module.__name__.rsplit(".", 1)[-1]
    measured = module.measure(sets, params(check), *args)
    assert dataclasses.is_dataclass(measured) and measured.__dataclass_params__.frozen
    with pytest.raises(dataclasses.FrozenInstanceError):
        setattr(measured, dataclasses.fields(measured)[0].name, None)
    assert module.judge(measured, params(check, **loose)) is Status.PASS
    assert module.judge(measured, params(check, **tight)) is Status.FAIL
    assert module.judge(measured, params(check, **tight, severity="warn")) is Status.WARN


def test_judge_agrees_with_the_record_the_check_writes(sets):
    tight = params("feature_drift", psi_warn=0.01, psi_fail=0.02)
    measured = feature_drift.measure(sets, tight, "unit_price")
    [record] = [r for r in feature_drift.feature_drift(sets, tight) if r.column == "unit_price"]
    assert record.status is feature_drift.judge(measured, tight) is Status.FAIL
    assert record.details["metrics"]["psi"] == measured.drift.psi

"""SHAP values of the model kinds: LightGBM's own TreeSHAP is exactly shap's TreeExplainer on the booster."""

from __future__ import annotations

import lightgbm
import numpy as np
import pandas as pd
import pytest

from strataqc.model.predictor import Predictor
from strataqc.model.train import train_reference

PARAMS = {"n_estimators": 40, "num_leaves": 15, "learning_rate": 0.1, "verbosity": -1}


def frame(rows: int = 2000) -> pd.DataFrame:
    rng = np.random.default_rng(7)
    data = pd.DataFrame({"price": rng.normal(10, 2, rows), "lag": rng.normal(size=rows),
                         "category": rng.choice(["a", "b", "c"], rows)})
    data.loc[rng.random(rows) < 0.05, "lag"] = np.nan   # missing values take the trees' default branch
    data["y"] = 3 * data["price"] + np.nan_to_num(data["lag"]) ** 2 + (data["category"] == "b") * 5 \
        + rng.normal(size=rows)
    return data


def test_lightgbm_shap_values_are_shaps_tree_explainer_values():
    shap = pytest.importorskip("shap")
    data = frame()
    predictor, _ = train_reference(data, ["price", "lag", "category"], ["category"], "y", PARAMS)
    X = predictor.prepare(data.head(300))
    values, base = predictor.shap_values(X)
    explainer = shap.TreeExplainer(predictor.model)
    expected = np.asarray(explainer.shap_values(X.to_numpy(dtype="float64")), dtype=float)
    np.testing.assert_allclose(values, expected, atol=1e-9)
    assert base == pytest.approx(float(np.asarray(explainer.expected_value).reshape(-1)[0]), abs=1e-9)
    # and they add up to the prediction: a wrong column order or a missing base would not
    np.testing.assert_allclose(base + values.sum(axis=1), predictor.predict(X), atol=1e-6)


def test_lightgbm_shap_values_do_not_import_shap(monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "shap", None)   # `import shap` would now fail
    data = frame(500)
    booster = lightgbm.train({"verbosity": -1, "num_leaves": 7}, lightgbm.Dataset(data[["price", "lag"]], data["y"]),
                             10)
    predictor = Predictor(booster, "lightgbm", ["price", "lag"])
    values, base = predictor.shap_values(predictor.prepare(data))
    assert values.shape == (500, 2)
    np.testing.assert_allclose(base + values.sum(axis=1), predictor.predict(predictor.prepare(data)), atol=1e-6)


def test_an_sklearn_pipeline_is_refused_with_the_reason():
    pytest.importorskip("shap")
    from sklearn.ensemble import GradientBoostingRegressor
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    data = frame(300)
    pipeline = make_pipeline(StandardScaler(), GradientBoostingRegressor(n_estimators=5)).fit(data[["price"]], data["y"])
    with pytest.raises(TypeError, match="tree model itself"):
        Predictor(pipeline, "sklearn", ["price"]).shap_values(data[["price"]])

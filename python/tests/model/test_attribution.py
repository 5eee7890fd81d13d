"""strataqc/model/attribution.py: permutation importance of the valid rows, as scikit-learn computes it."""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.inspection import permutation_importance

from strataqc.model.attribution import permutation_mae_increase
from strataqc.model.train import train_reference

PARAMS = {"n_estimators": 30, "num_leaves": 15, "learning_rate": 0.1, "verbosity": -1}


def _trained(rows: int = 1500):
    rng = np.random.default_rng(3)
    data = pd.DataFrame({"price": rng.normal(10, 2, rows), "noise": rng.normal(size=rows),
                         "category": rng.choice(["a", "b", "c"], rows)})
    data["y"] = 4 * data["price"] + (data["category"] == "b") * 6 + rng.normal(size=rows)
    predictor, _ = train_reference(data, ["price", "noise", "category"], ["category"], "y", PARAMS)
    return predictor, predictor.prepare(data), data["y"].to_numpy(dtype=float)


def test_the_increase_is_scikit_learns_on_the_frame():
    predictor, X, actual = _trained()

    def neg_mae(estimator, X_, y_):
        return -float(np.mean(np.abs(y_ - estimator.predict(X_))))

    mean, std = permutation_mae_increase(predictor, X, actual, repeats=3, seed=5)
    expected = permutation_importance(predictor, X, actual, scoring=neg_mae, n_repeats=3, random_state=5, n_jobs=1)
    np.testing.assert_allclose(mean, expected.importances_mean, rtol=0, atol=1e-12)
    np.testing.assert_allclose(std, expected.importances_std, rtol=0, atol=1e-12)


def test_the_feature_the_target_follows_matters_most_and_noise_least():
    predictor, X, actual = _trained()
    mean, _ = permutation_mae_increase(predictor, X, actual, repeats=3, seed=5)
    by_feature = dict(zip(predictor.features, mean))
    assert by_feature["price"] > by_feature["category"] > by_feature["noise"]
    assert by_feature["noise"] < 0.1 * by_feature["price"]

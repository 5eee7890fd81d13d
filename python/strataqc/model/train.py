"""Training the reference forecasting model (LightGBM) on the train split."""

from __future__ import annotations

import time

import lightgbm as lgb
import numpy as np
import pandas as pd

from strataqc.model.predictor import Predictor, is_numeric
from strataqc.model.threads import lightgbm_threads


def categorical_features(frame: pd.DataFrame, features: list[str], declared: list[str]) -> list[str]:
    """Declared categoricals plus any feature that is not a number (text, dates)."""
    return [f for f in features if f in declared or not is_numeric(frame[f])]


def train_reference(frame: pd.DataFrame, features: list[str], categorical: list[str], target: str,
                    params: dict) -> tuple[Predictor, float]:
    """A LightGBM regressor on `frame`; returns it and the seconds it took."""
    start = time.perf_counter()
    categorical = [f for f in features if f in categorical]  # feature order: LightGBM keeps levels in it
    predictor = Predictor(model=None, kind="lightgbm", features=list(features), categorical=categorical)
    X = frame[list(features)].copy()
    for name in features:
        if name in categorical:
            X[name] = X[name].astype("object").astype("category")
        else:
            X[name] = pd.to_numeric(X[name], errors="coerce").astype("float64")
    y = pd.to_numeric(frame[target], errors="coerce").astype(float).to_numpy()
    keep = np.isfinite(y)
    dataset = lgb.Dataset(X[keep], label=y[keep], categorical_feature=list(categorical) or "auto",
                          free_raw_data=True)
    params = dict(params)
    params["num_threads"] = lightgbm_threads(params.get("num_threads"))
    rounds = int(params.pop("n_estimators", params.pop("num_boost_round", 100)))
    predictor.model = lgb.train(params, dataset, num_boost_round=rounds)
    predictor.training_threads = params["num_threads"]
    return predictor, time.perf_counter() - start

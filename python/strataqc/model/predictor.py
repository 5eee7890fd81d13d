"""One interface over the model kinds StrataQC checks: a LightGBM booster or a scikit-learn estimator."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from strataqc.model.threads import lightgbm_threads


SMALL_BATCH = 1000


def is_numeric(series: pd.Series) -> bool:
    return pd.api.types.is_numeric_dtype(series) or pd.api.types.is_bool_dtype(series)


@dataclass
class Predictor:
    """A fitted model, the feature columns it reads (in order) and which of them are categorical."""

    model: Any
    kind: str                      # "lightgbm" | "sklearn"
    features: list[str]
    categorical: list[str] = field(default_factory=list)
    source: str = ""               # file or version the model came from
    training_threads: int | None = None  # threads LightGBM trained with (when trained here)

    def prepare(self, frame: pd.DataFrame) -> pd.DataFrame:
        """The model's input: its features in order. For LightGBM every column is a float: categories
        become the codes of the booster's training levels (unseen ones missing), exactly what
        LightGBM does with a pandas categorical, done once instead of on every predict call."""
        X = frame[self.features].copy()
        if self.kind != "lightgbm":
            return X
        levels = dict(zip([f for f in self.features if f in self.categorical], self.model.pandas_categorical or []))
        for name in self.features:
            if name in levels:
                codes = pd.Index(levels[name]).get_indexer(X[name].astype("object"))
                X[name] = np.where(codes < 0, np.nan, codes).astype("float64")
            else:
                X[name] = pd.to_numeric(X[name], errors="coerce").astype("float64")
        return X

    def fit(self, X: pd.DataFrame, y: np.ndarray | None = None) -> "Predictor":
        """Already fitted: present because sklearn's permutation_importance asks for an estimator."""
        return self

    def predict(self, X: pd.DataFrame) -> np.ndarray:
        if self.kind == "lightgbm":
            X = X.to_numpy(dtype="float64") if isinstance(X, pd.DataFrame) else X
            if len(X) < SMALL_BATCH:
                # OpenMP's thread hand-off costs more than a few rows of trees (tens of ms on a busy host)
                return np.asarray(self.model.predict(X, num_threads=1), dtype=float).reshape(-1)
            return np.asarray(self.model.predict(X, num_threads=lightgbm_threads(None)), dtype=float).reshape(-1)
        return np.asarray(self.model.predict(X), dtype=float).reshape(-1)

    def leaf_counts(self) -> list[int] | None:
        """Leaves of every tree, or None for a model without trees."""
        if self.kind == "lightgbm":
            return [tree["num_leaves"] for tree in self.model.dump_model()["tree_info"]]
        model = _final_estimator(self.model)
        trees = getattr(model, "estimators_", None)
        if trees is not None:
            flat = np.asarray(trees, dtype=object).reshape(-1)
            if all(hasattr(t, "get_n_leaves") for t in flat):
                return [int(t.get_n_leaves()) for t in flat]
        if hasattr(model, "get_n_leaves"):
            return [int(model.get_n_leaves())]
        predictors = getattr(model, "_predictors", None)  # HistGradientBoosting keeps its trees here
        if predictors:
            return [int(p.get_n_leaf_nodes()) for stage in predictors for p in stage]
        return None

    def importance(self) -> dict[str, float] | None:
        """Each feature's share of total importance (gain for LightGBM, impurity for sklearn trees)."""
        if self.kind == "lightgbm":
            raw = np.asarray(self.model.feature_importance(importance_type="gain"), dtype=float)
        else:
            model = _final_estimator(self.model)
            raw = getattr(model, "feature_importances_", None)
            if raw is None or len(raw) != len(self.features):
                return None
            raw = np.asarray(raw, dtype=float)
        total = raw.sum()
        if total <= 0:
            return {name: 0.0 for name in self.features}
        return {name: float(value / total) for name, value in zip(self.features, raw)}

    def shap_values(self, X: pd.DataFrame) -> tuple[np.ndarray, float]:
        """SHAP values (rows x features) and the base value (TreeSHAP, path-dependent)."""
        if self.kind == "lightgbm":
            # LightGBM computes TreeSHAP itself: the values shap's TreeExplainer returns for a booster
            # (it calls this), without importing shap on every night (most of a second)
            contrib = np.asarray(self.model.predict(X.to_numpy(dtype="float64"), pred_contrib=True,
                                                    num_threads=lightgbm_threads(None)), dtype=float)
            contrib = contrib.reshape(len(X), len(self.features) + 1)
            return contrib[:, :-1], float(contrib[0, -1]) if len(X) else 0.0
        import shap

        model = _final_estimator(self.model)
        if model is not self.model:
            raise TypeError("SHAP needs the tree model itself, not a pipeline around it")
        explainer = shap.TreeExplainer(model)
        values = np.asarray(explainer.shap_values(X), dtype=float)
        base = np.asarray(explainer.expected_value, dtype=float).reshape(-1)[0]
        return values.reshape(len(X), len(self.features)), float(base)


def _final_estimator(model: Any) -> Any:
    steps = getattr(model, "steps", None)  # sklearn Pipeline: the last step holds the trees
    return steps[-1][1] if steps else model

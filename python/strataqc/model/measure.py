"""Measurements the gates judge: per-row latency and how much each feature varies."""

from __future__ import annotations

import time

import numpy as np
import pandas as pd

from strataqc.model.predictor import Predictor, is_numeric


def single_row_latencies_ms(predictor: Predictor, X: pd.DataFrame, rows: int) -> list[float]:
    """Milliseconds to predict each of `rows` rows one at a time (what an online caller pays)."""
    batch = X.iloc[: max(1, rows)]
    predictor.predict(batch.iloc[:1])  # the first call pays one-off set-up; a server pays it once
    out = []
    for i in range(len(batch)):
        row = batch.iloc[i : i + 1]
        start = time.perf_counter()
        predictor.predict(row)
        out.append((time.perf_counter() - start) * 1000.0)
    return out


def feature_variation(frame: pd.DataFrame, features: list[str]) -> dict[str, float]:
    """Numbers: coefficient of variation (std / |mean|); categories: entropy of the levels over its
    maximum (0 = one level, 1 = all levels equally common). inf for a varying number with mean 0."""
    out: dict[str, float] = {}
    for name in features:
        series = frame[name]
        if is_numeric(series):
            values = pd.to_numeric(series, errors="coerce").astype(float)
            values = values[np.isfinite(values)]
            if len(values) < 2:
                out[name] = 0.0
                continue
            std, mean = float(values.std()), float(values.mean())
            out[name] = 0.0 if std == 0 else (float("inf") if mean == 0 else std / abs(mean))
        else:
            shares = series.astype("object").value_counts(normalize=True, dropna=True).to_numpy()
            if len(shares) < 2:
                out[name] = 0.0
                continue
            out[name] = float(-(shares * np.log(shares)).sum() / np.log(len(shares)))
    return out

"""Forecast error metrics: MAE, RMSE, MAPE, WAPE."""

from __future__ import annotations

import numpy as np


def mae(actual: np.ndarray, predicted: np.ndarray) -> float:
    return float(np.mean(np.abs(np.asarray(actual, float) - np.asarray(predicted, float))))


def rmse(actual: np.ndarray, predicted: np.ndarray) -> float:
    return float(np.sqrt(np.mean((np.asarray(actual, float) - np.asarray(predicted, float)) ** 2)))


def mape(actual: np.ndarray, predicted: np.ndarray) -> float:
    """Mean absolute percentage error over rows with a non-zero actual (zero demand has no percentage)."""
    actual = np.asarray(actual, float)
    predicted = np.asarray(predicted, float)
    nonzero = actual != 0
    if not nonzero.any():
        return float("nan")
    return float(np.mean(np.abs((actual[nonzero] - predicted[nonzero]) / actual[nonzero])))


def wape(actual: np.ndarray, predicted: np.ndarray) -> float:
    """Sum of absolute errors over the sum of actuals: stable with many zero-demand rows."""
    actual = np.asarray(actual, float)
    total = np.abs(actual).sum()
    if total == 0:
        return float("nan")
    return float(np.abs(actual - np.asarray(predicted, float)).sum() / total)


METRICS = {"mae": mae, "rmse": rmse, "mape": mape, "wape": wape}


def all_metrics(actual: np.ndarray, predicted: np.ndarray) -> dict[str, float]:
    return {name: fn(actual, predicted) for name, fn in METRICS.items()}

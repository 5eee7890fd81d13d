"""Where the error comes from: SHAP values over the worst valid rows and permutation importance
on valid, grouped by feature and by segment (e.g. store, category)."""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

import numpy as np
import pandas as pd

from strataqc.model.config import AttributionConfig
from strataqc.model.predictor import Predictor
from strataqc.results import CheckResult, CheckType, Status

MAX_TABLE_ROWS = 50


@dataclass
class WorstRows:
    index: np.ndarray          # positions in the valid frame, worst first
    shap: np.ndarray | None    # rows x features
    base: float | None
    additivity_error: float | None  # max |base + sum(shap) - prediction|


def worst_positions(actual: np.ndarray, predicted: np.ndarray, n: int) -> np.ndarray:
    """Positions of the `n` largest absolute errors, largest first."""
    error = np.abs(np.asarray(actual, float) - np.asarray(predicted, float))
    n = min(n, len(error))
    top = np.argpartition(-error, n - 1)[:n] if n else np.array([], dtype=int)
    return top[np.argsort(-error[top], kind="stable")]


def explain_worst(predictor: Predictor, X: pd.DataFrame, predicted: np.ndarray, positions: np.ndarray) -> WorstRows:
    values, base = predictor.shap_values(X.iloc[positions])
    gap = np.abs(base + values.sum(axis=1) - predicted[positions])
    return WorstRows(positions, values, base, float(gap.max()) if len(gap) else 0.0)


def permutation_mae_increase(predictor: Predictor, X: pd.DataFrame, actual: np.ndarray, repeats: int,
                             seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Mean and std of the valid MAE increase when each feature is shuffled (sklearn)."""
    from sklearn.inspection import permutation_importance

    def neg_mae(estimator, X_, y_):
        return -float(np.mean(np.abs(y_ - estimator.predict(X_))))

    # LightGBM's input is all floats (`Predictor.prepare`): as one array, each shuffle is a column swap
    # instead of a pandas assignment, and each forecast skips the frame-to-array copy; same shuffles
    data = X.to_numpy(dtype="float64") if predictor.kind == "lightgbm" and isinstance(X, pd.DataFrame) else X
    out = permutation_importance(predictor, data, actual, scoring=neg_mae, n_repeats=repeats,
                                 random_state=seed, n_jobs=1)
    return out.importances_mean, out.importances_std


def attribution_results(model: str, predictor: Predictor, valid: pd.DataFrame, X: pd.DataFrame,
                        actual: np.ndarray, predicted: np.ndarray, cfg: AttributionConfig,
                        seed: int = 42) -> list[CheckResult]:
    """Two records: contributors by feature, and where the worst rows concentrate by segment."""
    start = time.perf_counter()
    positions = worst_positions(actual, predicted, cfg.worst)
    error = actual - predicted
    notes = []
    try:
        worst = explain_worst(predictor, X, predicted, positions)
    except Exception as exc:  # a model SHAP cannot open (e.g. a pipeline): permutation still explains
        worst = WorstRows(positions, None, None, None)
        notes.append(f"SHAP unavailable ({type(exc).__name__}: {exc})")

    n_perm = min(cfg.permutation_rows, len(X))
    rng = np.random.default_rng(seed)
    sample = np.sort(rng.choice(len(X), size=n_perm, replace=False)) if n_perm < len(X) else np.arange(len(X))
    perm_mean, perm_std = permutation_mae_increase(predictor, X.iloc[sample], actual[sample], cfg.repeats, seed)

    features = predictor.features
    shap_abs = np.abs(worst.shap).mean(axis=0) if worst.shap is not None else np.full(len(features), np.nan)
    shap_signed = worst.shap.mean(axis=0) if worst.shap is not None else np.full(len(features), np.nan)
    total = np.nansum(shap_abs)
    share = shap_abs / total if total > 0 else np.full(len(features), np.nan)
    order = np.argsort(-(np.nan_to_num(shap_abs, nan=-1.0) if worst.shap is not None else perm_mean))
    rows = [[features[i], _num(shap_abs[i]), _num(share[i]), _num(shap_signed[i]), _num(perm_mean[i]),
             _num(perm_std[i])] for i in order[:MAX_TABLE_ROWS]]
    top = [features[i] for i in order[: cfg.top]]
    worst_mae = float(np.abs(error[positions]).mean()) if len(positions) else float("nan")
    if worst.shap is not None:
        contributors = ", ".join(f"{features[i]} {share[i]:.0%}" for i in order[: cfg.top])
    else:
        contributors = ", ".join(f"{features[i]} +{perm_mean[i]:.3g} MAE" for i in order[: cfg.top])
    message = (f"worst {len(positions)} valid rows (mean |error| {worst_mae:.3g} vs {np.abs(error).mean():.3g} "
               f"overall): top contributors {contributors}")
    if notes:
        message += "; " + "; ".join(notes)
    metrics = {"worst_rows": int(len(positions)), "worst_mae": worst_mae, "valid_mae": float(np.abs(error).mean()),
               "permutation_rows": int(n_perm)}
    if worst.additivity_error is not None:
        metrics["shap_base_value"] = worst.base
        metrics["shap_additivity_max_error"] = worst.additivity_error
    by_feature = CheckResult(
        check="error_attribution", status=Status.PASS, check_type=CheckType.ATTRIBUTION, model=model,
        column=top[0] if top else None, observed=worst_mae, failures=int(len(positions)), message=message,
        duration_s=None,
        details={"table": {"title": f"Contributors to the {len(positions)} worst valid errors",
                           "columns": ["feature", "mean_abs_shap_worst", "share_worst", "mean_shap_worst",
                                       "permutation_mae_increase", "permutation_std"],
                           "rows": rows},
                 "metrics": metrics, "top_features": top})

    by_segment = segment_result(model, valid, error, positions, worst, features, cfg)
    elapsed = time.perf_counter() - start
    return [by_feature.replace(duration_s=elapsed), by_segment.replace(duration_s=elapsed)]


def segment_result(model: str, valid: pd.DataFrame, error: np.ndarray, positions: np.ndarray,
                   worst: WorstRows, features: list[str], cfg: AttributionConfig) -> CheckResult:
    """The segments the worst rows fall in, against each segment's share of all valid rows."""
    segments = [s for s in cfg.segments if s in valid.columns]
    if not segments or not len(positions):
        return CheckResult(check="error_attribution_segments", status=Status.SKIP, check_type=CheckType.ATTRIBUTION,
                           model=model, message="no segment columns (set model.attribution.segments)")
    rows = []
    for segment in segments:
        values = valid[segment].astype("object").where(valid[segment].notna(), "(null)").astype(str).to_numpy()
        worst_values = values[positions]
        labels, counts = np.unique(worst_values, return_counts=True)
        for label, count in sorted(zip(labels, counts), key=lambda lc: -lc[1])[:10]:
            in_worst = worst_values == label
            in_all = values == label
            top_feature = None
            if worst.shap is not None:
                top_feature = features[int(np.argmax(np.abs(worst.shap[in_worst]).mean(axis=0)))]
            rows.append([segment, str(label), int(count), round(float(count) / len(positions), 4),
                         round(float(in_all.mean()), 4), _num(np.abs(error[positions][in_worst]).mean()),
                         _num(error[positions][in_worst].mean()), top_feature])
    # most over-represented first: share among the worst rows against share of all rows
    rows.sort(key=lambda r: -(r[3] - r[4]))
    rows = rows[:MAX_TABLE_ROWS]
    lead = ", ".join(f"{r[0]}={r[1]} {r[3]:.0%} of worst vs {r[4]:.0%} of valid" for r in rows[:3])
    return CheckResult(
        check="error_attribution_segments", status=Status.PASS, check_type=CheckType.ATTRIBUTION, model=model,
        column=rows[0][0] if rows else None, observed=rows[0][3] if rows else None, failures=int(len(positions)),
        message=f"worst {len(positions)} valid rows concentrate in {lead}",
        details={"table": {"title": "Worst valid errors by segment",
                           "columns": ["segment", "value", "worst_rows", "share_of_worst", "share_of_valid",
                                       "mean_abs_error", "mean_actual_minus_forecast", "top_shap_feature"],
                           "rows": rows}})


def _num(value) -> float | None:
    value = float(value)
    return round(value, 6) if math.isfinite(value) else None

"""The model gates: each judges measured values against its thresholds and returns one record.

A breach is `fail` at severity error and `warn` at severity warn; only a `fail` sends the
predictions to the baseline (see strataqc.checks.model_quality).
"""

from __future__ import annotations

import math
from functools import partial

import numpy as np

from strataqc.results import CheckResult, CheckType, Status


def _status(breached: bool, severity: str) -> Status:
    if not breached:
        return Status.PASS
    return Status.FAIL if severity == "error" else Status.WARN


def _result(check: str, model: str, **fields) -> partial:
    return partial(CheckResult, check=check, check_type=CheckType.MODEL_QUALITY, model=model, **fields)


def _fmt(value: float | None) -> str:
    return "n/a" if value is None or (isinstance(value, float) and not math.isfinite(value)) else f"{value:.4g}"


def overfitting(model: str, train_metric: float, valid_metric: float, metric: str = "wape",
                max_ratio: float = 1.5, severity: str = "error", **_) -> CheckResult:
    """valid / train error: a model that memorised the train split is far better there."""
    result = _result("overfitting", model, threshold=max_ratio)
    if not (math.isfinite(train_metric) and math.isfinite(valid_metric)):
        return result(status=Status.ERROR, message=f"{metric} undefined on train or valid (no non-zero target?)")
    ratio = math.inf if train_metric == 0 and valid_metric > 0 else (1.0 if train_metric == 0 else valid_metric / train_metric)
    breached = ratio > max_ratio
    return result(status=_status(breached, severity), observed=ratio,
                  message=f"valid {metric} {_fmt(valid_metric)} is {_fmt(ratio)}x train {metric} "
                          f"{_fmt(train_metric)}, limit {max_ratio}x",
                  details={"metrics": {f"train_{metric}": train_metric, f"valid_{metric}": valid_metric}})


def leaf_count(model: str, leaves: list[int] | None, max_leaves: int = 64, severity: str = "warn", **_) -> CheckResult:
    """Trees with more leaves than allowed: deep trees memorise small data."""
    result = _result("leaf_count", model, threshold=max_leaves)
    if leaves is None:
        return result(status=Status.SKIP, message="the model has no trees to count leaves of")
    if not leaves:
        return result(status=Status.ERROR, message="the model has no trees (was it trained?)")
    over = sum(1 for n in leaves if n > max_leaves)
    return result(status=_status(over > 0, severity), observed=max(leaves), failures=over,
                  message=f"{over} of {len(leaves)} trees have more than {max_leaves} leaves (largest {max(leaves)})",
                  details={"metrics": {"trees": len(leaves), "max_leaves": max(leaves),
                                       "mean_leaves": float(np.mean(leaves))}})


def baseline_comparison(model: str, model_metrics: dict[str, float], baseline_metrics: dict[str, dict[str, float]],
                        metric: str = "wape", margin: float = 0.05, severity: str = "error", **_) -> CheckResult:
    """The model's valid error must be at most (1 - margin) x every baseline's."""
    result = _result("baseline_comparison", model, threshold=1 - margin)
    best_name = min(baseline_metrics, key=lambda n: _finite(baseline_metrics[n][metric]))
    best = baseline_metrics[best_name][metric]
    ours = model_metrics[metric]
    if not (math.isfinite(best) and math.isfinite(ours)):
        return result(status=Status.ERROR, message=f"{metric} undefined on valid for the model or {best_name}")
    rows = [[name, *[_none(m[k]) for k in ("mae", "rmse", "mape", "wape")]]
            for name, m in [("model", model_metrics), *baseline_metrics.items()]]
    if best == 0:
        # an exact baseline: no ratio to it, but only an exact model is as good
        ratio, beaten = (1.0, []) if ours == 0 else (math.inf, [best_name])
        message = (f"model {metric} 0 matches the exact baseline {best_name}" if ours == 0 else
                   f"{best_name} forecasts the valid split exactly ({metric} 0) and the model does not "
                   f"({metric} {_fmt(ours)}): check {best_name}'s columns do not hold the target")
    else:
        ratio = ours / best
        beaten = [n for n, m in baseline_metrics.items() if ours > (1 - margin) * m[metric]]
        message = (f"model {metric} {_fmt(ours)} vs best baseline {best_name} {_fmt(best)} "
                   f"(ratio {_fmt(ratio)}, must be <= {1 - margin:.3g})")
        if beaten:
            message += f"; not beaten by {margin:.0%}: {', '.join(beaten)}"
    return result(status=_status(bool(beaten), severity), observed=ratio, failures=len(beaten), message=message,
                  details={"table": {"title": "Valid metrics: model vs baselines",
                                     "columns": ["forecast", "mae", "rmse", "mape", "wape"], "rows": rows},
                           "best_baseline": best_name})


def importance_spike(model: str, shares: dict[str, float] | None, max_share: float = 0.5,
                     severity: str = "error", **_) -> CheckResult:
    """One feature with most of the importance: likely a leak of the target."""
    result = _result("importance_spike", model, threshold=max_share)
    if not shares:
        return result(status=Status.SKIP, message="the model reports no feature importance")
    ranked = sorted(shares.items(), key=lambda kv: -kv[1])
    top, share = ranked[0]
    breached = share > max_share
    message = f"{top} holds {share:.1%} of the importance, limit {max_share:.0%}"
    if breached:
        message += " (likely a leak of the target: check how it is computed)"
    return result(status=_status(breached, severity), column=top, observed=share, failures=int(breached),
                  message=message,
                  details={"table": {"title": "Importance share (gain)", "columns": ["feature", "share"],
                                     "rows": [[f, round(s, 6)] for f, s in ranked[:50]]}})


def low_importance_high_variance(model: str, shares: dict[str, float] | None, variation: dict[str, float],
                                 max_share: float = 0.001, min_variation: float = 0.1,
                                 severity: str = "warn", **_) -> CheckResult:
    """Features that vary but that the model does not use: dead weight, or a broken join / encoding."""
    result = _result("low_importance_high_variance", model, threshold=max_share)
    if not shares:
        return result(status=Status.SKIP, message="the model reports no feature importance")
    flagged = sorted((f for f, s in shares.items() if s <= max_share and variation.get(f, 0.0) >= min_variation),
                     key=lambda f: shares[f])
    rows = [[f, round(shares[f], 6), _none(round(variation[f], 4) if math.isfinite(variation[f]) else None)]
            for f in flagged[:50]]
    message = (f"{len(flagged)} features vary (>= {min_variation}) but hold <= {max_share:.2%} of the importance"
               + (f": {', '.join(flagged[:10])}" if flagged else ""))
    return result(status=_status(bool(flagged), severity), observed=float(len(flagged)), failures=len(flagged),
                  message=message,
                  details={"table": {"title": "Varying features the model ignores",
                                     "columns": ["feature", "importance_share", "variation"], "rows": rows}})


def inference_latency(model: str, latencies_ms: list[float], p50_ms: float = 20.0, p99_ms: float = 100.0,
                      severity: str = "warn", **_) -> CheckResult:
    """Single-row prediction latency over a batch: p50 and p99 against their limits."""
    result = _result("inference_latency", model, threshold=p99_ms)
    if not latencies_ms:
        return result(status=Status.SKIP, message="no rows to time")
    p50, p99 = (float(np.percentile(latencies_ms, q)) for q in (50, 99))
    breached = p50 > p50_ms or p99 > p99_ms
    return result(status=_status(breached, severity), observed=p99,
                  failures=int(sum(1 for v in latencies_ms if v > p99_ms)),
                  message=f"per-row latency over {len(latencies_ms)} rows: p50 {p50:.2f} ms (limit {p50_ms}), "
                          f"p99 {p99:.2f} ms (limit {p99_ms})",
                  details={"metrics": {"p50_ms": p50, "p99_ms": p99, "max_ms": float(max(latencies_ms)),
                                       "rows": len(latencies_ms)}})


def _finite(value: float) -> float:
    return value if math.isfinite(value) else math.inf


def _none(value):
    return None if value is None or (isinstance(value, float) and not math.isfinite(value)) else value

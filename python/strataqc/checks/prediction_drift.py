"""prediction_drift: tonight's kept forecasts against the forecasts of the reference window.

The reference is every kept forecast made in the `reference_days` before tonight's forecast date;
the prediction is binned at the reference's quantiles and the bins counted in SQL for both sets
(the drift checks' own queries), and the PSI of the two shares is judged against `psi_warn` /
`psi_fail`. A model that starts forecasting far more (or less) than it used to shows here the
night it does, a week before its actuals land.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
import time
from typing import Any

import numpy as np
from sqlglot import exp

from strataqc.checks import drift_sql
from strataqc.checks.drift.effects import psi, shares_of
from strataqc.model.forecasts import ForecastsConfig, col, date_literal
from strataqc.results import CheckResult, CheckType, Status

CHECK = "prediction_drift"
# rows the reference quantiles are taken on (a seeded 1-in-k sample of the reference window above it)
QUANTILE_ROWS = 200_000


def prediction_drift(wh: Any, model: str, forecasts: exp.Table, ids: list[str], forecast_date: dt.date,
                     cfg: ForecastsConfig) -> CheckResult:
    start = time.perf_counter()
    params = cfg.prediction_drift
    psi_warn, psi_fail = float(params["psi_warn"]), float(params["psi_fail"])
    result = functools.partial(CheckResult, check=CHECK, check_type=CheckType.MODEL_QUALITY, model=model,
                               column="prediction", threshold=psi_fail)
    since = forecast_date - dt.timedelta(days=int(params["reference_days"]))
    fd = col("forecast_date")
    reference = exp.and_(exp.GTE(this=fd.copy(), expression=date_literal(since)),
                         exp.LT(this=fd.copy(), expression=date_literal(forecast_date)))
    current = fd.copy().eq(date_literal(forecast_date))
    n_ref, n_cur = drift_sql.set_sizes(wh, forecasts, reference, current, "prediction")
    if n_ref == 0 or n_cur == 0:
        return result(status=Status.SKIP, duration_s=time.perf_counter() - start,
                      message=f"no kept forecasts made between {since} and {forecast_date - dt.timedelta(days=1)} "
                              "to compare tonight's with" if n_ref == 0 else "no prediction kept tonight")
    bins = int(params["bins"])
    every = max(1, math.ceil(n_ref / QUANTILE_ROWS))
    spread = drift_sql.reference_spreads(wh, forecasts, ["prediction"], reference, [i / bins for i in range(1, bins)],
                                         every=every, key_columns=["forecast_date", *ids], reference_rows=n_ref)
    edges = sorted({q for q in spread["prediction"].quantiles if q is not None})
    counts = drift_sql.binned_counts(wh, forecasts, {"prediction": edges}, reference, current)["prediction"]
    value = psi(shares_of(counts.reference), shares_of(counts.current))
    mean_ref = _mean(counts.reference, counts.reference_means)
    mean_cur = _mean(counts.current, counts.current_means)
    status = Status.FAIL if value > psi_fail else Status.WARN if value > psi_warn else Status.PASS
    table = [{"bin": i, "upper_edge": edges[i] if i < len(edges) else None, "reference_share": float(r),
              "current_share": float(c)}
             for i, (r, c) in enumerate(zip(shares_of(counts.reference), shares_of(counts.current)))]
    message = (f"PSI {value:.3f} (warn > {psi_warn:g}, fail > {psi_fail:g}) of {n_cur:,} forecasts made "
               f"{forecast_date} against {n_ref:,} made since {since}; mean prediction {_num(mean_cur)} vs "
               f"{_num(mean_ref)}")
    return result(status=status, observed=value, message=message, duration_s=time.perf_counter() - start,
                  details={"forecast_date": str(forecast_date), "reference_from": str(since),
                           "reference_rows": n_ref, "current_rows": n_cur, "mean_reference": mean_ref,
                           "mean_current": mean_cur, "metrics": {"psi": value},
                           # the report draws the two shares as the drift checks' histogram
                           "distribution": {"column": "prediction", "kind": "numeric", "bins": _labels(edges),
                                            "reference": [r["reference_share"] for r in table],
                                            "current": [r["current_share"] for r in table]}})


def _labels(edges: list[float]) -> list[str]:
    if not edges:
        return ["all"]
    return [f"<= {edges[0]:.4g}", *[f"({a:.4g}, {b:.4g}]" for a, b in zip(edges, edges[1:])], f"> {edges[-1]:.4g}"]


def _mean(counts: list[int], means: list[float | None]) -> float | None:
    pairs = [(n, m) for n, m in zip(counts, means) if n and m is not None]
    total = sum(n for n, _ in pairs)
    return float(np.dot([n for n, _ in pairs], [m for _, m in pairs]) / total) if total else None


def _num(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.4g}"

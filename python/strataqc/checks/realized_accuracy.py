"""realized_accuracy: kept forecasts against what happened, once their horizon has landed.

A forecast date has landed when every row it forecast has its target in the model's table (the
target of the ADS table is the horizon's actual: units of the 7 following days, NULL until they
land). For each landed forecast date not yet measured, one SQL statement joins its forecasts with
the targets on the ids and stores WAPE, MAE and bias overall and per segment value in the accuracy
table. The newest landed date is then judged by the trend rules against the dates before it: a
WAPE going up beyond the floors (robust z, absolute and relative effect) fails; going down is fine.

>>> from strataqc.trends import judge
>>> judge(0.31, [0.30, 0.29, 0.31, 0.30, 0.32, 0.30, 0.29], kind="statistic", direction="up").verdict
'normal'
"""

from __future__ import annotations

import datetime as dt
import functools
import math
import statistics
import time
from dataclasses import dataclass
from typing import Any

import pandas as pd
from sqlglot import exp

from strataqc import trends
from strataqc.model.forecasts import (ACCURACY_COLUMNS, OVERALL, ForecastsConfig, as_date, col, date_literal,
                                      scalar)
from strataqc.results import CheckResult, CheckType, Status, worst
from strataqc.sql_types import sql_cast

CHECK = "realized_accuracy"
NULL_VALUE = "(null)"


@dataclass(frozen=True)
class Tables:
    forecasts: exp.Table
    accuracy: exp.Table
    actuals: exp.Table   # the model's relation: ids, target, segment columns
    ids: list[str]
    date_column: str
    target: str
    segments: list[str]


def latest_landed(wh: Any, t: Tables) -> dt.date | None:
    """The newest day whose target has landed."""
    return as_date(scalar(wh, exp.select(exp.Max(this=col(t.date_column))).from_(t.actuals.copy())
                          .where(col(t.target).is_(exp.Null()).not_())))


def pending_dates(wh: Any, t: Tables, landed: dt.date) -> list[dt.date]:
    """Forecast dates after the newest measured one whose every row's day has a landed target.

    Only dates after the newest measured are read: the kept forecasts are appended in date order,
    so the engine skips the older row groups and a night's cost does not grow with the dates kept."""
    newest = as_date(scalar(wh, exp.select(exp.Max(this=col("forecast_date"))).from_(t.accuracy.copy())))
    after = exp.true() if newest is None else exp.GT(this=col("forecast_date"), expression=date_literal(newest))
    query = (exp.select(col("forecast_date")).from_(t.forecasts.copy())
             .where(after)
             .group_by(col("forecast_date"))
             .having(exp.LTE(this=exp.Max(this=col(t.date_column)), expression=date_literal(landed)))
             .order_by(col("forecast_date")))
    return [d for d in (as_date(v) for v in wh.query(query).iloc[:, 0]) if d is not None]


def measure_sql(t: Tables, dates: list[dt.date], computed_at: str) -> exp.Expression:
    """INSERT ... SELECT of the sums and metrics of `dates`, overall and per segment value, in one pass:
    the joined rows meet a small list of segment names (one per row of the result), then group."""
    on = exp.and_(*[col(i, "f").eq(col(i, "a")) for i in t.ids])
    joined = (exp.select(col("forecast_date", "f"), col("forecaster", "f"),
                         sql_cast(col("prediction", "f"), "double").as_("prediction"),
                         sql_cast(col(t.target, "a"), "double").as_("actual"),
                         *[sql_cast(col(s, "a"), "varchar").as_(f"seg_{i}") for i, s in enumerate(t.segments)])
              .from_(exp.alias_(t.forecasts.copy(), "f", table=True))
              .join(exp.alias_(t.actuals.copy(), "a", table=True), on=on, join_type="inner")
              .where(exp.and_(exp.In(this=col("forecast_date", "f"), expressions=[date_literal(d) for d in dates]),
                              col(t.target, "a").is_(exp.Null()).not_(),
                              col("prediction", "f").is_(exp.Null()).not_())))
    names = [OVERALL, *t.segments]
    lists = [exp.select(exp.Literal.string(n).as_("segment"), exp.Literal.number(i).as_("k"))
             for i, n in enumerate(names)]
    segment_list = functools.reduce(lambda a, b: exp.union(a, b, distinct=False), lists)
    value = exp.Case(ifs=[exp.If(this=exp.column("k", "s").eq(exp.Literal.number(i + 1)),
                                 true=exp.Coalesce(this=exp.column(f"seg_{i}", "j"),
                                                   expressions=[exp.Literal.string(NULL_VALUE)]))
                          for i in range(len(t.segments))],
                     default=exp.Literal.string(OVERALL))
    error = exp.Sub(this=exp.column("prediction", "j"), expression=exp.column("actual", "j"))
    abs_error = exp.Sum(this=exp.Abs(this=error.copy()))
    actual_total = exp.Sum(this=exp.column("actual", "j"))
    signed = exp.Sum(this=error.copy())
    rows = exp.Count(this=exp.Star())
    per = (exp.select(exp.column("forecast_date", "j"), exp.column("forecaster", "j"), exp.column("segment", "s"),
                      value.as_("segment_value"), rows.as_("rows"), abs_error.as_("abs_error"),
                      actual_total.as_("actual_total"), signed.as_("signed_error"))
           .from_(joined.subquery("j"))
           .join(segment_list.subquery("s"), join_type="cross")
           .group_by(exp.column("forecast_date", "j"), exp.column("forecaster", "j"), exp.column("segment", "s"),
                     value.copy()))
    metrics = exp.select(
        exp.column("forecast_date"), exp.column("forecaster"), exp.column("segment"), exp.column("segment_value"),
        exp.column("rows"), exp.column("abs_error"), exp.column("actual_total"), exp.column("signed_error"),
        exp.Div(this=exp.column("abs_error"),
                expression=exp.Nullif(this=exp.column("actual_total"), expression=exp.Literal.number(0))).as_("wape"),
        exp.Div(this=exp.column("abs_error"), expression=sql_cast(exp.column("rows"), "double")).as_("mae"),
        exp.Div(this=exp.column("signed_error"), expression=sql_cast(exp.column("rows"), "double")).as_("bias"),
        sql_cast(exp.Literal.string(computed_at), "timestamp").as_("computed_at"),
    ).from_(per.subquery("m"))
    return exp.insert(metrics, t.accuracy.copy(),
                      columns=[exp.to_identifier(c, quoted=True) for c in ACCURACY_COLUMNS])


def measure(wh: Any, t: Tables, computed_at: str) -> tuple[dt.date | None, list[dt.date]]:
    """(newest landed day, forecast dates measured tonight)."""
    landed = latest_landed(wh, t)
    if landed is None:
        return None, []
    dates = pending_dates(wh, t, landed)
    if dates:
        wh.execute(measure_sql(t, dates, computed_at))
    return landed, dates


def stored(wh: Any, t: Tables, since: dt.date) -> pd.DataFrame:
    query = (exp.select(*[col(c) for c in ACCURACY_COLUMNS if c != "computed_at"]).from_(t.accuracy.copy())
             .where(exp.GTE(this=col("forecast_date"), expression=date_literal(since))))
    frame = wh.query(query)
    frame["forecast_date"] = [as_date(v) for v in frame["forecast_date"]]
    return frame


@dataclass(frozen=True)
class Verdict:
    forecast_date: dt.date
    value: float | None
    trend: trends.Trend
    over_limit: bool
    segments: list[dict[str, Any]]   # anomalous segment values


def series_of(frame: pd.DataFrame, metric: str) -> dict[tuple[str, str], list[tuple[dt.date, float | None, int]]]:
    """(segment, value) -> [(forecast date, metric, rows)] oldest first: grouped once for every date judged."""
    out: dict[tuple[str, str], list[tuple[dt.date, float | None, int]]] = {}
    for row in frame.sort_values("forecast_date").itertuples(index=False):
        value = getattr(row, metric)
        value = None if value is None or pd.isna(value) else float(value)
        out.setdefault((row.segment, row.segment_value), []).append((row.forecast_date, value, int(row.rows)))
    return out


def degraded_dates(series: dict[tuple[str, str], list[tuple[dt.date, float | None, int]]],
                   params: dict[str, Any]) -> set[dt.date]:
    """Forecast dates whose overall accuracy was itself a degradation, oldest first: left out of the
    baseline of the dates after them, as failed nights are left out of a check's trend, so a lasting
    degradation does not become the norm it is judged against."""
    out: set[dt.date] = set()
    for day, _, _ in series.get((OVERALL, OVERALL), []):
        verdict = judge_date({(OVERALL, OVERALL): series[(OVERALL, OVERALL)]}, day, params, out)
        if verdict.trend.verdict == "anomaly" or verdict.over_limit:
            out.add(day)
    return out


def judge_date(series: dict[tuple[str, str], list[tuple[dt.date, float | None, int]]], day: dt.date,
               params: dict[str, Any], degraded: set[dt.date] | frozenset = frozenset()) -> Verdict:
    """The accuracy of `day` against the `window` forecast dates before it (the degraded ones left
    out), overall and per segment."""
    metric, window = params["metric"], int(params["window"])

    def verdict(points: list[tuple[dt.date, float | None, int]]) -> tuple[float | None, int, trends.Trend]:
        now = [(v, n) for d, v, n in points if d == day]
        before = [v for d, v, _ in points if d < day and v is not None and d not in degraded][-window:]
        value, rows = now[0] if now else (None, 0)
        return value, rows, trends.judge(value, before, kind="statistic", direction="up", window=window,
                                         min_runs=int(params["min_history"]), max_z=float(params["max_z"]))

    value, _, trend = verdict(series.get((OVERALL, OVERALL), []))
    limit = params.get("max_value")
    over = limit is not None and value is not None and value > float(limit)
    flagged = []
    for (segment, segment_value), points in series.items():
        if segment == OVERALL:
            continue
        seg_value, rows, seg_trend = verdict(points)
        if seg_trend.verdict == "anomaly":
            flagged.append({"segment": segment, "value": segment_value, metric: seg_value,
                            "median": seg_trend.median, "rows": rows})
    flagged.sort(key=lambda s: -(s[metric] - (s["median"] or 0)))
    return Verdict(day, value, trend, over, flagged)


def realized_accuracy(wh: Any, model: str, t: Tables, cfg: ForecastsConfig, computed_at: str) -> CheckResult:
    """One record: the newest landed forecast date's accuracy and its verdict."""
    start = time.perf_counter()
    params = cfg.realized_accuracy
    metric = params["metric"]
    result = functools.partial(CheckResult, check=CHECK, check_type=CheckType.MODEL_QUALITY, model=model,
                               threshold=None if params.get("max_value") is None else float(params["max_value"]))
    landed, measured = measure(wh, t, computed_at)
    newest = as_date(scalar(wh, exp.select(exp.Max(this=col("forecast_date"))).from_(t.accuracy.copy())))
    if newest is None:
        first = as_date(scalar(wh, exp.select(exp.Min(this=col("forecast_date"))).from_(t.forecasts.copy())))
        when = (f"the first kept forecast date {first} lands when {t.target} is known for its last day"
                if first else "no forecasts kept yet")
        return result(status=Status.SKIP, duration_s=time.perf_counter() - start,
                      message=f"no kept forecast has landed yet (targets landed up to {landed}); {when}")
    window = int(params["window"])
    frame = stored(wh, t, min([newest, *measured]) - dt.timedelta(days=3 * window))
    days = sorted(set(measured) | {newest})
    series = series_of(frame, metric)
    degraded = degraded_dates(series, params)
    verdicts = [judge_date(series, d, params, degraded) for d in days]
    statuses, notes = [], []
    bad = Status.FAIL if params["severity"] == "error" else Status.WARN
    for v in verdicts:
        if v.trend.verdict == "anomaly" or v.over_limit:
            statuses.append(bad)
            why = (f"over the limit {float(params['max_value']):g}" if v.over_limit
                   else f"up from the median {v.trend.median:.4g}, {_why(v.trend, int(params['min_history']))}")
            notes.append(f"{metric.upper()} of forecasts made {v.forecast_date}: {v.value:.4g}, {why}")
        elif v.segments:
            statuses.append(Status.WARN)
    last = verdicts[-1]
    overall = frame[(frame["forecast_date"] == last.forecast_date) & (frame["segment"] == OVERALL)]
    row = overall.iloc[0] if not overall.empty else None
    summary = (f"forecasts made {last.forecast_date} ({_fmt(row, 'forecaster')}, {int(row['rows']):,} rows landed): "
               f"WAPE {_num(row['wape'])}, MAE {_num(row['mae'])}, bias {_num(row['bias'])}"
               if row is not None else f"forecasts made {last.forecast_date}: no row matched a landed target")
    segs = [f"{s['segment']}={s['value']} {metric.upper()} {_num(s[metric])} (median {_num(s['median'])})"
            for v in verdicts for s in v.segments][:5]
    status = worst(statuses) if statuses else Status.PASS
    if notes:
        message = "; ".join(notes) + "; " + summary
    else:
        message = summary + "; " + _why(last.trend, int(params["min_history"]))
    if segs:
        message += "; segments degraded: " + ", ".join(segs)
    return result(status=status, observed=last.value, failures=sum(len(v.segments) for v in verdicts) or None,
                  message=message, duration_s=time.perf_counter() - start,
                  details={"forecast_date": str(last.forecast_date), "measured": [str(d) for d in measured],
                           "targets_landed_to": str(landed) if landed else None, "metric": metric,
                           "verdict": last.trend.verdict, "median": last.trend.median,
                           "segments_degraded": [s for v in verdicts for s in v.segments],
                           "metrics": {k: _float(row[k]) for k in ("wape", "mae", "bias")} if row is not None else {},
                           "series": limit_series(series, last.forecast_date, params, degraded),
                           "table": {"title": f"realized accuracy of the forecasts made {last.forecast_date}, "
                                              "overall (*) and per segment",
                                     "rows": _table(frame, last.forecast_date)}})


def limit_series(series: dict[tuple[str, str], list[tuple[dt.date, float | None, int]]], day: dt.date,
                 params: dict[str, Any], degraded: set[dt.date]) -> list[dict[str, Any]]:
    """The overall metric of the `window` forecast dates up to `day`, each with the level it had to stay
    under (the trend rule's limit over the dates before it, and `max_value`): the report's chart."""
    metric, window = params["metric"], int(params["window"])
    points = [(d, v) for d, v, _ in series.get((OVERALL, OVERALL), []) if d <= day][-window:]
    everything = series.get((OVERALL, OVERALL), [])
    cap = params.get("max_value")
    out = []
    for d, value in points:
        before = [v for x, v, _ in everything if x < d and v is not None and x not in degraded][-window:]
        limit = trends.upper_limit(before, window=window, min_runs=int(params["min_history"]),
                                   max_z=float(params["max_z"]))
        if cap is not None:
            limit = float(cap) if limit is None else min(limit, float(cap))
        out.append({"forecast_date": str(d), metric: _float(value), "limit": limit,
                    "median": statistics.median(before) if before else None,
                    "degraded": d in degraded or (value is not None and cap is not None and value > float(cap))})
    return out


def _why(trend: trends.Trend, min_history: int) -> str:
    """The trend's verdict in the words of forecast dates (the history here is theirs, not runs)."""
    if trend.verdict == "insufficient_history":
        return f"too little history to judge: {trend.history_n} of {min_history} earlier landed forecast dates"
    text = trend.describe().replace("earlier runs", "earlier landed forecast dates")
    return f"{text} ({trend.why})" if trend.why else text


def _table(frame: pd.DataFrame, day: dt.date) -> list[dict[str, Any]]:
    rows = frame[frame["forecast_date"] == day].sort_values(["segment", "segment_value"])
    return [{"segment": r.segment, "value": r.segment_value, "rows": int(r.rows), "wape": _float(r.wape),
             "mae": _float(r.mae), "bias": _float(r.bias)} for r in rows.head(200).itertuples(index=False)]


def _float(value: Any) -> float | None:
    return None if value is None or pd.isna(value) or not math.isfinite(float(value)) else float(value)


def _num(value: Any) -> str:
    value = _float(value)
    return "n/a" if value is None else f"{value:.4g}"


def _fmt(row: Any, name: str) -> str:
    return str(row[name]) if row is not None else "?"

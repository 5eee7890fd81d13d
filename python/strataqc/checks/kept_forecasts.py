"""The model loop's night after the predictions are written: keep them, judge the landed ones, compare.

Three records, each guarded so one that raises leaves the others: `forecasts_kept` (tonight's
predictions appended under their forecast date), `realized_accuracy` (forecasts whose horizon has
landed, against the targets) and `prediction_drift` (tonight's forecasts against the reference
window's).
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, Callable

import pandas as pd
from sqlglot import exp

from strataqc.checks.prediction_drift import prediction_drift
from strataqc.checks.realized_accuracy import Tables, realized_accuracy
from strataqc.model.forecasts import (ForecastsConfig, ForecastsConfigError, beside, exists, keep_forecasts,
                                      parse_forecasts_config)
from strataqc.results import CheckResult, CheckType, Status
from strataqc.warehouse import table


def date_column_of(model: str, cfg: ForecastsConfig, ids: list[str], frame: pd.DataFrame | None) -> str:
    """The id holding the day each row forecasts from: configured, else the one id of date type."""
    if cfg.date_column:
        if cfg.date_column not in ids:
            raise ForecastsConfigError(f"{model}: meta.strataqc.model.forecasts.date_column {cfg.date_column} "
                                       f"must be one of the ids ({', '.join(ids)})")
        return cfg.date_column
    dated = [i for i in ids if frame is not None and i in frame and _is_date(frame[i])]
    if len(dated) != 1:
        raise ForecastsConfigError(f"{model}: kept forecasts need the id that holds the forecast day; found "
                                   f"{len(dated)} date id(s) among {', '.join(ids) or 'no ids'}: set "
                                   "meta.strataqc.model.forecasts.date_column")
    return dated[0]


def _is_date(values: pd.Series) -> bool:
    """A date column as engines hand it over: datetime64 (DuckDB), or date objects (PostgreSQL, Spark)."""
    if pd.api.types.is_datetime64_any_dtype(values):
        return True
    present = values.dropna()
    return not present.empty and isinstance(present.iloc[0], (dt.date, dt.datetime))


@dataclass
class KeptForecasts:
    """What the kept-forecast records of one model read: its settings and tables, or why it cannot run."""
    model: str
    cfg: ForecastsConfig | None = None
    tables: Tables | None = None
    predictions: exp.Table | None = None
    problem: Exception | None = None

    @classmethod
    def of(cls, wh: Any, model: str, relation: str, target: str, ids: list[str], block: Any,
           predictions: exp.Table, predict: pd.DataFrame | None, segments: list[str],
           columns: list[str]) -> "KeptForecasts":
        try:
            cfg = parse_forecasts_config(model, block)
            if not cfg.enabled:
                return cls(model, cfg)
            if not ids:
                raise ForecastsConfigError(f"{model}: kept forecasts are joined with their actuals on "
                                           "meta.strataqc.ids: declare the ids (or set model.forecasts: false)")
            date_column = date_column_of(model, cfg, ids, predict)
            chosen = list(cfg.segments if cfg.segments is not None else segments)
            unknown = [s for s in chosen if s not in columns]
            if unknown:
                raise ForecastsConfigError(f"{model}: meta.strataqc.model.forecasts.segments names column(s) "
                                           f"{', '.join(unknown)} that {relation} does not have")
            tables = Tables(forecasts=beside(predictions, cfg.table, f"{model}__forecasts"),
                            accuracy=beside(predictions, cfg.accuracy_table, f"{model}__realized_accuracy"),
                            actuals=table(relation), ids=ids, date_column=date_column, target=target,
                            segments=chosen)
            return cls(model, cfg, tables, predictions)
        except Exception as exc:
            return cls(model, problem=exc)

    def _judges_accuracy(self) -> bool:
        return self.cfg is not None and self.cfg.enabled and self.problem is None and \
            self.cfg.realized_accuracy.get("enabled", True) is not False

    def landed(self, wh: Any) -> list[CheckResult]:
        """Before training: the accuracy of the forecasts already kept whose actuals have landed (tonight's
        own cannot have), so that a degradation can start a challenger the night it is seen."""
        if not self._judges_accuracy() or not (exists(wh, self.tables.forecasts) and exists(wh, self.tables.accuracy)):
            return []
        return self._judge(wh)

    def _judge(self, wh: Any) -> list[CheckResult]:
        """The realized_accuracy record: one measuring scan of the landed dates, then the trend verdict."""
        return _guarded("realized_accuracy", self.model,
                        lambda: realized_accuracy(wh, self.model, self.tables, self.cfg, _now()))

    def records(self, wh: Any, judged: list[CheckResult] | None = None) -> list[CheckResult]:
        """Keep tonight's predictions (already written) and judge the kept ones; `judged` are the
        realized_accuracy records already made before training tonight, if any."""
        start = time.perf_counter()
        if self.problem is not None:
            return [_error("forecasts_kept", self.model, self.problem, start)]
        cfg, tables = self.cfg, self.tables
        if cfg is None or not cfg.enabled:
            return []
        try:
            kept = keep_forecasts(wh, self.predictions, tables.forecasts, tables.accuracy, tables.ids,
                                  tables.date_column, cfg)
        except Exception as exc:
            return [_error("forecasts_kept", self.model, exc, start)]
        where = tables.forecasts.sql(dialect="duckdb")
        records = [CheckResult(check="forecasts_kept", status=Status.PASS, check_type=CheckType.MODEL_QUALITY,
                               model=self.model, duration_s=time.perf_counter() - start,
                               message=f"kept {kept.rows:,} forecasts made {kept.forecast_date} in {where} "
                                       f"({kept.dates_kept} forecast date{'' if kept.dates_kept == 1 else 's'} kept; retention {cfg.retention_days} days, "
                                       f"older than {kept.pruned_before} pruned)",
                               details={"forecast_date": str(kept.forecast_date), "rows": kept.rows,
                                        "dates_kept": kept.dates_kept, "table": where,
                                        "accuracy_table": tables.accuracy.sql(dialect="duckdb")})]
        if judged:
            records += judged
        elif self._judges_accuracy():
            records += self._judge(wh)
        if cfg.prediction_drift.get("enabled", True) is not False:
            records += _guarded("prediction_drift", self.model,
                                lambda: prediction_drift(wh, self.model, tables.forecasts, tables.ids,
                                                         kept.forecast_date, cfg))
        return records


def forecast_records(wh: Any, model: str, relation: str, target: str, ids: list[str], block: Any,
                     predictions: exp.Table, predict: pd.DataFrame | None, segments: list[str],
                     columns: list[str]) -> list[CheckResult]:
    """Keep tonight's predictions (already written to `predictions`) and judge the kept ones."""
    return KeptForecasts.of(wh, model, relation, target, ids, block, predictions, predict, segments,
                            columns).records(wh)


def _now() -> str:
    return datetime.now(timezone.utc).replace(tzinfo=None).isoformat(sep=" ", timespec="seconds")


def _guarded(check: str, model: str, run: Callable[[], CheckResult]) -> list[CheckResult]:
    start = time.perf_counter()
    try:
        return [run()]
    except Exception as exc:  # one broken part must not hide the others' records
        return [_error(check, model, exc, start)]


def _error(check: str, model: str, exc: Exception, start: float) -> CheckResult:
    text = str(exc) if isinstance(exc, (ValueError, KeyError)) else f"{type(exc).__name__}: {exc}"
    return CheckResult(check=check, status=Status.ERROR, check_type=CheckType.MODEL_QUALITY, model=model,
                       message=text.strip("'\""), duration_s=time.perf_counter() - start)

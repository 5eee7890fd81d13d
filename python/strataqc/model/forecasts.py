"""Kept forecasts: each night's predictions appended to one table, keyed by forecast date.

The predictions table holds tonight only (it is replaced every night). `keep_forecasts` appends
it to `<schema>.<model>__forecasts` under tonight's forecast date (the newest day of the predict
rows): a rerun of the same night replaces that date's rows, and dates older than `retention_days`
are pruned, all in SQL. `realized_accuracy` and `prediction_drift` read this table.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
from sqlglot import exp

from strataqc.model import kept_writes
from strataqc.sql_types import sql_cast

# the accuracy of one forecast date: overall (segment '*') and per value of each segment column
ACCURACY_COLUMNS = {
    "forecast_date": "date", "forecaster": "varchar", "segment": "varchar", "segment_value": "varchar",
    "rows": "bigint", "abs_error": "double", "actual_total": "double", "signed_error": "double",
    "wape": "double", "mae": "double", "bias": "double", "computed_at": "timestamp",
}
OVERALL = "*"

DEFAULT_ACCURACY = {"metric": "wape", "window": 28, "min_history": 7, "max_z": 3.5, "max_value": None,
                    "severity": "error"}
DEFAULT_DRIFT = {"reference_days": 28, "bins": 10, "psi_warn": 0.1, "psi_fail": 0.25}


class ForecastsConfigError(ValueError):
    """The `model.forecasts` block cannot be used; the message names the key and the fix."""


@dataclass(frozen=True)
class ForecastsConfig:
    enabled: bool = True
    table: str | None = None            # schema.table of kept forecasts; default <schema>.<model>__forecasts
    accuracy_table: str | None = None   # default <schema>.<model>__realized_accuracy
    retention_days: int = 120
    horizon_days: int = 7
    date_column: str | None = None      # the id holding the day a row forecasts from; default: the date id
    segments: tuple[str, ...] | None = None
    realized_accuracy: dict[str, Any] = field(default_factory=lambda: dict(DEFAULT_ACCURACY))
    prediction_drift: dict[str, Any] = field(default_factory=lambda: dict(DEFAULT_DRIFT))


def _fail(model: str, key: str, what: str) -> ForecastsConfigError:
    return ForecastsConfigError(f"{model}: meta.strataqc.model.forecasts.{key} {what}")


def _settings(model: str, key: str, value: Any, defaults: dict[str, Any]) -> dict[str, Any]:
    out = dict(defaults)
    if value is False:
        return {**out, "enabled": False}
    if value is None:
        return out
    if not isinstance(value, dict):
        raise _fail(model, key, f"must be a mapping (or false), e.g. {defaults}")
    for name, setting in value.items():
        if name not in defaults and name != "enabled":
            raise _fail(model, f"{key}.{name}", f"is not a setting; use {sorted(defaults)}")
        out[name] = setting
    return out


def parse_forecasts_config(model: str, block: Any) -> ForecastsConfig:
    """`meta.strataqc.model.forecasts` with defaults (None: kept with defaults; false: not kept)."""
    if block is False:
        return ForecastsConfig(enabled=False)
    if block is None or block is True:
        block = {}
    if not isinstance(block, dict):
        raise ForecastsConfigError(f"{model}: meta.strataqc.model.forecasts must be a mapping, "
                                   "e.g. {retention_days: 120}, or false")
    known = {"table", "accuracy_table", "retention_days", "horizon_days", "date_column", "segments",
             "realized_accuracy", "prediction_drift"}
    unknown = sorted(set(block) - known)
    if unknown:
        raise _fail(model, unknown[0], f"is not a known key; use one of {sorted(known)}")
    numbers = {}
    for key, default in (("retention_days", 120), ("horizon_days", 7)):
        value = block.get(key, default)
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise _fail(model, key, f"must be a whole number of days >= 1, e.g. {default}")
        numbers[key] = value
    segments = block.get("segments")
    if isinstance(segments, str):
        segments = [segments]
    if segments is not None and not isinstance(segments, list):
        raise _fail(model, "segments", "must be a list of columns, e.g. [store_id, category]")
    accuracy = _settings(model, "realized_accuracy", block.get("realized_accuracy"), DEFAULT_ACCURACY)
    if accuracy["metric"] not in ("wape", "mae"):
        raise _fail(model, "realized_accuracy.metric", "must be wape or mae")
    if accuracy["severity"] not in ("error", "warn"):
        raise _fail(model, "realized_accuracy.severity", "must be error or warn")
    drift = _settings(model, "prediction_drift", block.get("prediction_drift"), DEFAULT_DRIFT)
    if not (0 < float(drift["psi_warn"]) <= float(drift["psi_fail"])):
        raise _fail(model, "prediction_drift", "needs 0 < psi_warn <= psi_fail")
    return ForecastsConfig(table=block.get("table"), accuracy_table=block.get("accuracy_table"),
                           date_column=block.get("date_column"),
                           segments=None if segments is None else tuple(str(s) for s in segments),
                           realized_accuracy=accuracy, prediction_drift=drift, **numbers)


def beside(predictions: exp.Table, configured: str | None, name: str) -> exp.Table:
    """`configured` (schema.table) as given, else `name` in the predictions table's schema."""
    if configured:
        return exp.to_table(configured, dialect="duckdb")
    return exp.Table(this=exp.to_identifier(name, quoted=True), db=predictions.args.get("db"),
                     catalog=predictions.args.get("catalog"))


def col(name: str, alias: str | None = None) -> exp.Column:
    return exp.column(name, table=alias, quoted=True)


def date_literal(day: dt.date) -> exp.Expression:
    return sql_cast(exp.Literal.string(day.isoformat()), "date")


def as_date(value: Any) -> dt.date | None:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    return pd.Timestamp(value).date()


def scalar(wh: Any, query: exp.Expression) -> Any:
    frame = wh.query(query)
    return None if frame.empty else frame.iloc[0, 0]


def exists(wh: Any, relation: exp.Table) -> bool:
    try:
        wh.query(exp.select("*").from_(relation.copy()).limit(0))
        return True
    except Exception:  # engines name a missing table differently; any failure to read is "absent"
        return False


def columns_of(wh: Any, relation: exp.Table) -> list[str]:
    return list(wh.query(exp.select("*").from_(relation.copy()).limit(0)).columns)


def ensure_schema(wh: Any, relation: exp.Table) -> None:
    schema = relation.args.get("db")
    if schema is not None:
        catalog = relation.args.get("catalog")
        # PostgreSQL names no database in CREATE SCHEMA; DuckDB needs it when several are attached
        ref = exp.Table(db=schema.copy(), catalog=catalog.copy() if catalog and wh.dialect == "duckdb" else None)
        wh.execute(exp.Create(this=ref, kind="SCHEMA", exists=True))


def create_table(wh: Any, relation: exp.Table, columns: dict[str, str]) -> None:
    ensure_schema(wh, relation)
    kept_writes.create_with(wh, relation, columns)


@dataclass(frozen=True)
class Kept:
    forecast_date: dt.date
    rows: int
    dates_kept: int
    pruned_before: dt.date


def keep_forecasts(wh: Any, predictions: exp.Table, forecasts: exp.Table, accuracy: exp.Table, ids: list[str],
                   date_column: str, cfg: ForecastsConfig) -> Kept:
    """Append tonight's predictions to `forecasts` under tonight's forecast date (idempotent per date)
    and prune both kept tables to `retention_days`."""
    newest = as_date(scalar(wh, exp.select(exp.Max(this=col(date_column))).from_(predictions.copy())))
    if newest is None:
        raise ValueError(f"{predictions.sql(dialect='duckdb')} has no {date_column}: no forecast date to keep")
    kept_columns = ["forecast_date", *ids, "horizon_days", "prediction", "source", "forecaster", "generated_at"]
    selects = [date_literal(newest).as_("forecast_date"), *[col(i) for i in ids],
               sql_cast(exp.Literal.number(cfg.horizon_days), "int").as_("horizon_days"),
               *[col(c) for c in ("prediction", "source", "forecaster", "generated_at")]]
    source = exp.select(*selects).from_(predictions.copy())
    if not exists(wh, forecasts):
        ensure_schema(wh, forecasts)
        kept_writes.create_like(wh, forecasts, source)
    have = columns_of(wh, forecasts)
    # compared as sets: Spark keeps its partition column (forecast_date) last
    if sorted(c.lower() for c in have) != sorted(c.lower() for c in kept_columns):
        raise ValueError(f"{forecasts.sql(dialect='duckdb')} holds columns {', '.join(have)}, not "
                         f"{', '.join(kept_columns)} (were the ids changed?): rename or drop it, or set "
                         "model.forecasts.table to a new table")
    this_date = col("forecast_date").eq(date_literal(newest))
    kept_writes.replace_date(wh, forecasts, newest, source, kept_columns, have)
    cutoff = newest - dt.timedelta(days=cfg.retention_days)
    kept_writes.drop_before(wh, forecasts, cutoff)
    create_table(wh, accuracy, ACCURACY_COLUMNS)
    kept_writes.drop_before(wh, accuracy, cutoff)
    counts = wh.query(exp.select(exp.Count(this=exp.Distinct(expressions=[col("forecast_date")])).as_("dates"),
                                 exp.Sum(this=exp.Case(ifs=[exp.If(this=this_date.copy(), true=exp.Literal.number(1))],
                                                       default=exp.Literal.number(0))).as_("rows"))
                      .from_(forecasts.copy()))
    return Kept(newest, int(counts["rows"].iloc[0] or 0), int(counts["dates"].iloc[0] or 0), cutoff)


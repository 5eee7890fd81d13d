"""Writing the predict window's forecasts to a warehouse table, with where each came from."""

from __future__ import annotations

from datetime import date, datetime, timezone

import numpy as np
import pandas as pd
from sqlglot import exp

from strataqc.warehouse import Warehouse, table
from strataqc.sql_types import sql_cast

INSERT_CHUNK = 500


def predictions_relation(relation: str, model: str, configured: str | None) -> exp.Table:
    """`predictions_table` as given (schema.table), else <model>_predictions beside the model."""
    if configured:
        return exp.to_table(configured, dialect="duckdb")
    source = table(relation)
    return exp.Table(this=exp.to_identifier(f"{model}_predictions", quoted=True),
                     db=source.args.get("db"), catalog=source.args.get("catalog"))


def _sql_type(series: pd.Series) -> str:
    if pd.api.types.is_datetime64_any_dtype(series):
        return "date" if (series.dropna().dt.normalize() == series.dropna()).all() else "timestamp"
    present = series.dropna()
    if series.dtype == object and not present.empty and all(isinstance(v, date) for v in present.iloc[:1000]):
        # PostgreSQL and Spark hand dates over as date objects: kept as dates, not their text
        return "timestamp" if any(isinstance(v, datetime) for v in present.iloc[:1000]) else "date"
    if pd.api.types.is_integer_dtype(series):
        return "bigint"
    if pd.api.types.is_numeric_dtype(series):
        return "double"
    return "varchar"


def write_predictions(wh: Warehouse, target: exp.Table, ids: pd.DataFrame, prediction: np.ndarray,
                      source: str, forecaster: str) -> int:
    """Replace `target` with one row per id: prediction, source (model | baseline), forecaster
    (model version or baseline name) and when it was generated. Returns rows written."""
    frame = ids.reset_index(drop=True).copy()
    frame["prediction"] = np.asarray(prediction, dtype=float)
    frame["source"] = source
    frame["forecaster"] = forecaster
    frame["generated_at"] = pd.Timestamp(datetime.now(timezone.utc).replace(tzinfo=None))
    types = {name: _sql_type(frame[name]) for name in ids.columns}
    types.update(prediction="double", source="varchar", forecaster="varchar", generated_at="timestamp")

    schema = target.args.get("db")
    if schema is not None:
        catalog = target.args.get("catalog")
        # PostgreSQL names no database in CREATE SCHEMA; DuckDB needs it when several are attached
        schema_ref = exp.Table(db=schema.copy(), catalog=catalog.copy() if catalog and wh.dialect == "duckdb" else None)
        wh.execute(exp.Create(this=schema_ref, kind="SCHEMA", exists=True))
    wh.execute(exp.Drop(tables=[target.copy()], kind="TABLE", exists=True))
    wh.execute(exp.Create(this=exp.Schema(this=target.copy(), expressions=[
        exp.ColumnDef(this=exp.to_identifier(name, quoted=True), kind=exp.DataType.build(kind))
        for name, kind in types.items()]), kind="TABLE"))

    conn = getattr(getattr(wh, "_conn", None), "conn", None)
    if wh.dialect == "duckdb" and conn is not None:
        # DuckDB reads the frame in place: no SQL text for tens of thousands of rows
        conn.register("_strataqc_predictions", frame)
        try:
            conn.execute(f"insert into {target.sql(dialect='duckdb')} select * from _strataqc_predictions")
        finally:
            conn.unregister("_strataqc_predictions")
        return len(frame)
    for start in range(0, len(frame), INSERT_CHUNK):
        chunk = frame.iloc[start : start + INSERT_CHUNK]
        rows = [exp.Tuple(expressions=[_literal(v, types[c]) for c, v in zip(frame.columns, row)])
                for row in chunk.itertuples(index=False)]
        wh.execute(exp.insert(exp.Values(expressions=rows), target.copy(),
                              columns=[exp.to_identifier(c, quoted=True) for c in frame.columns]))
    return len(frame)


def _literal(value, kind: str) -> exp.Expression:
    if value is None or (isinstance(value, float) and not np.isfinite(value)) or value is pd.NaT:
        return exp.Null()
    if kind in ("bigint", "double"):
        return exp.Literal.number(repr(float(value)) if kind == "double" else int(value))
    if kind in ("date", "timestamp"):
        text = pd.Timestamp(value).date().isoformat() if kind == "date" else pd.Timestamp(value).isoformat(sep=" ")
        return sql_cast(exp.Literal.string(text), kind)
    return exp.Literal.string(str(value))

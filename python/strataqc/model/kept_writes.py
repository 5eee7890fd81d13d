"""Writes to the kept-forecast tables that differ by engine: create, replace one forecast date, prune.

DuckDB and PostgreSQL delete rows (a rerun's forecast date, dates past retention). Spark's plain
(parquet) tables refuse DELETE ("DELETE is only supported with v2 tables"), so there the kept
tables are partitioned by forecast date: a rerun overwrites its date's partition and retention
drops old partitions, both metadata-sized, no table rewrite. The SQL is built once with sqlglot;
the engines differ only by the `Writes` entry below (data, not branches at the call sites).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pandas as pd
from sqlglot import exp
from strataqc.sql_types import sql_cast

PARTITION = "forecast_date"


@dataclass(frozen=True)
class Writes:
    # the kept tables are partitioned by forecast date, and rows leave by partition (no DELETE)
    by_partition: bool = False


ENGINES = {"spark": Writes(by_partition=True)}


def writes_of(wh: Any) -> Writes:
    return ENGINES.get(getattr(wh, "dialect", "duckdb"), Writes())


def _col(name: str) -> exp.Column:
    return exp.column(name, quoted=True)


def _day(day: dt.date) -> exp.Expression:
    return sql_cast(exp.Literal.string(day.isoformat()), "date")


def _partitioned(wh: Any) -> exp.Properties | None:
    if not writes_of(wh).by_partition:
        return None
    return exp.Properties(expressions=[exp.FileFormatProperty(this=exp.var("PARQUET")),
                                       exp.PartitionedByProperty(this=exp.Schema(
                                           expressions=[exp.to_identifier(PARTITION, quoted=True)]))])


def create_like(wh: Any, relation: exp.Table, select: exp.Select) -> None:
    """An empty table with the columns of `select` (which has a forecast_date)."""
    wh.execute(exp.Create(this=relation.copy(), kind="TABLE", expression=select.copy().where(exp.false()),
                          properties=_partitioned(wh)))


def create_with(wh: Any, relation: exp.Table, columns: dict[str, str]) -> None:
    """The table with these columns (name: type) unless it exists."""
    wh.execute(exp.Create(this=exp.Schema(this=relation.copy(), expressions=[
        exp.ColumnDef(this=exp.to_identifier(name, quoted=True), kind=exp.DataType.build(kind))
        for name, kind in columns.items()]), kind="TABLE", exists=True, properties=_partitioned(wh)))


def replace_date(wh: Any, relation: exp.Table, day: dt.date, select: exp.Select, columns: list[str],
                 table_columns: list[str]) -> None:
    """The rows of forecast date `day` become those of `select` (its columns named `columns`, all of them
    on `day`): a rerun of a night leaves one set of forecasts per date."""
    if writes_of(wh).by_partition:
        # a static partition takes the other columns in the table's order (Spark puts the partition last)
        rest = [c for c in table_columns if c.lower() != PARTITION]
        by_name = {c.lower(): c for c in columns}
        body = exp.select(*[exp.column(by_name[c.lower()], table="s", quoted=True) for c in rest]).from_(
            select.subquery("s"))
        target = relation.copy()
        target.set("partition", exp.Partition(expressions=[
            _col(PARTITION).eq(exp.Literal.string(day.isoformat()))]))
        wh.execute(exp.Insert(this=target, expression=body, overwrite=True))
        return
    wh.execute(exp.delete(relation.copy(), where=_col(PARTITION).eq(_day(day))))
    wh.execute(exp.insert(select, relation.copy(), columns=[exp.to_identifier(c, quoted=True) for c in columns]))


def drop_before(wh: Any, relation: exp.Table, cutoff: dt.date) -> None:
    """Forecast dates older than `cutoff` leave the table."""
    old = exp.LT(this=_col(PARTITION), expression=_day(cutoff))
    if not writes_of(wh).by_partition:
        wh.execute(exp.delete(relation.copy(), where=old))
        return
    frame = wh.query(exp.select(_col(PARTITION)).distinct().from_(relation.copy()).where(old))
    for value in frame.iloc[:, 0]:
        day = pd.Timestamp(value).date()
        wh.execute(exp.Alter(this=relation.copy(), kind="TABLE", actions=[exp.DropPartition(
            expressions=[exp.Partition(expressions=[_col(PARTITION).eq(exp.Literal.string(day.isoformat()))])],
            exists=True)]))

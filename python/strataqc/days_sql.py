"""The day of a date or timestamp column in SQL, written as sqlglot expressions once for every engine:
what stored profiles and kept samples group and filter their rows by."""

from __future__ import annotations

import datetime as dt

from sqlglot import exp
from strataqc.sql_types import sql_cast


def column(name: str) -> exp.Column:
    """A quoted column: names with quotes, semicolons or `--` stay one identifier (checks.sql uses this one)."""
    return exp.column(exp.to_identifier(name, quoted=True))


def day_key(date_column: str) -> exp.Expression:
    """The day of a date or timestamp column as a DATE: what rows are grouped by (cheap per row)."""
    return sql_cast(column(date_column), "DATE")


def day_text(day: exp.Expression) -> exp.Expression:
    """A DATE as ISO text (YYYY-MM-DD) on every engine: made per group, after grouping by the DATE (text
    per row cost four times the grouping on 10M rows)."""
    return sql_cast(day, "VARCHAR")


def day_of(date_column: str) -> exp.Expression:
    """The day of a date or timestamp column as ISO text (YYYY-MM-DD) on every engine."""
    return day_text(day_key(date_column))


def in_days(date_column: str, days: list[str] | None) -> exp.Expression | None:
    """Rows of the listed days (None: every day)."""
    if days is None:
        return None
    if not days:
        return exp.false()
    # the bare column between the first and the day after the last day: an engine can skip the
    # row groups outside from their min/max (a CAST of the column would hide it)
    first = sql_cast(exp.Literal.string(min(days)), "DATE")
    after = sql_cast(exp.Literal.string((dt.date.fromisoformat(max(days)) + dt.timedelta(days=1)).isoformat()),
                     "DATE")
    span = exp.and_(exp.GTE(this=column(date_column), expression=first),
                    exp.LT(this=column(date_column), expression=after))
    listed = exp.In(this=sql_cast(column(date_column), "DATE"),
                    expressions=[sql_cast(exp.Literal.string(d), "DATE") for d in days])
    return exp.and_(span, listed)

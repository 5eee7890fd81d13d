"""The profile of a table's days, written as sqlglot expressions once for every engine.

A profile row is one (column, set value, day, bin) of a numeric column or one
(column, set value, day, level) of a categorical column. Numeric bins are the
reference's bin edges, plus three for the values that are never binned:
NULL, NaN and ±inf. Each numeric bin keeps its rows, sum, sum of squares, min
and max, so a column's counts, NULL / NaN / inf counts, sum, sum of squares,
min and max are sums (or min / max) over its bins, and any set of days merges
by adding rows.
"""

from __future__ import annotations

from sqlglot import exp

from strataqc.checks.sql import column
from strataqc.checks.stats import count_star
from strataqc.days_sql import day_key, day_of, day_text, in_days  # noqa: F401 (the profiles' days)
from strataqc.sql_types import sql_cast

# bins of rows with no finite value; the binned values are 0 .. len(edges)
NULL_BIN, NAN_BIN, INF_BIN = -1, -2, -3
# the level of pooled levels beyond max_levels a day, and of NULL rows
OTHER_LEVEL, NULL_LEVEL = "other", "null"


def set_of(split_column: str | None) -> exp.Expression:
    """The split value of a row as text; '' when the sets are date windows (the day says the set)."""
    if split_column is None:
        return exp.Literal.string("")
    return exp.Coalesce(this=sql_cast(column(split_column), "VARCHAR"), expressions=[exp.Literal.string("")])


def day_counts(table: exp.Table, date_column: str, split_column: str | None,
               checksum: exp.Expression | None = None) -> exp.Select:
    """Rows per (day, set value), with a content checksum per group when given: reads the date column only."""
    projections = [day_of(date_column).as_("day"), set_of(split_column).as_("set_value"), count_star().as_("n")]
    if checksum is not None:
        projections.append(exp.Sum(this=checksum).as_("checksum"))
    day, group = day_key(date_column), set_of(split_column)
    return exp.select(*projections).from_(table.copy()).group_by(day, group)


def _numeric_branch(table: exp.Table, name: str, edges: list[float], fingerprint: str, date_column: str,
                    split_column: str | None, where: exp.Expression | None) -> exp.Select:
    raw = sql_cast(column(name), "DOUBLE")
    values = (exp.select(raw.as_("v"), day_key(date_column).as_("__date"), set_of(split_column).as_("set_value"))
              .from_(table.copy()))
    if where is not None:
        values = values.where(where.copy())
    v = exp.column("v")
    ifs = [exp.If(this=exp.Is(this=v.copy(), expression=exp.Null()), true=exp.Literal.number(NULL_BIN)),
           exp.If(this=exp.IsNan(this=v.copy()), true=exp.Literal.number(NAN_BIN)),
           exp.If(this=exp.IsInf(this=v.copy()), true=exp.Literal.number(INF_BIN))]
    ifs += [exp.If(this=exp.LTE(this=v.copy(), expression=exp.Literal.number(edge)), true=exp.Literal.number(i))
            for i, edge in enumerate(edges)]
    bucket = exp.Case(ifs=ifs, default=exp.Literal.number(len(edges)))
    binned = (exp.select(exp.column("__date"), exp.column("set_value"), bucket.as_("bin"), v.copy())
              .from_(values.subquery("vals")))
    # the finite value: the bin is computed once, a level down (a copy of its CASE here cost as much)
    x = exp.Case(ifs=[exp.If(this=exp.GTE(this=exp.column("bin"), expression=exp.Literal.number(0)), true=v.copy())])
    return (exp.select(exp.Literal.string(name).as_("column_name"), exp.column("set_value"),
                       day_text(exp.column("__date")).as_("day"),
                       exp.Literal.string(fingerprint).as_("edges_fp"), exp.column("bin"), count_star().as_("n"),
                       exp.Sum(this=x.copy()).as_("total"),
                       exp.Sum(this=exp.Mul(this=x.copy(), expression=x.copy())).as_("total_sq"),
                       exp.Min(this=x.copy()).as_("min_value"), exp.Max(this=x.copy()).as_("max_value"))
            .from_(binned.subquery("binned"))
            .group_by(exp.column("set_value"), exp.column("__date"), exp.column("bin")))


def numeric_profile(table: exp.Table, edges: dict[str, tuple[list[float], str]], date_column: str,
                    split_column: str | None, days: list[str] | None) -> exp.Select:
    """Rows, sum, sum of squares, min and max per (column, set value, day, bin): one UNION ALL query."""
    where = in_days(date_column, days)
    branches = [_numeric_branch(table, name, cut, fp, date_column, split_column, where)
                for name, (cut, fp) in edges.items()]
    return _union_all(branches)


def _union_all(branches: list[exp.Select]) -> exp.Expression:
    """The branches as one UNION ALL, built without copies (a copy per pairwise union grows quadratically)."""
    return branches[0] if len(branches) == 1 else exp.union(*branches, distinct=False, copy=False)


def _level_branch(table: exp.Table, name: str, date_column: str, split_column: str | None,
                  where: exp.Expression | None, max_levels: int) -> exp.Select:
    level = sql_cast(column(name), "VARCHAR")
    counted = (exp.select(day_key(date_column).as_("__date"), set_of(split_column).as_("set_value"),
                          level.as_("level"), count_star().as_("n"))
               .from_(table.copy()).group_by(day_key(date_column), set_of(split_column), level.copy()))
    if where is not None:
        counted = counted.where(where.copy())
    rank = exp.Window(this=exp.RowNumber(),
                      partition_by=[exp.column("__date"), exp.column("set_value")],
                      order=exp.Order(expressions=[exp.Ordered(this=exp.column("n"), desc=True),
                                                   exp.Ordered(this=exp.column("level"))]))
    ranked = exp.select(exp.column("__date"), exp.column("set_value"), exp.column("level"), exp.column("n"),
                        rank.as_("r")).from_(counted.subquery("counted"))
    # NULL rows keep their own count; levels past max_levels a day pool into one count
    kept = exp.Case(ifs=[exp.If(this=exp.Is(this=exp.column("level"), expression=exp.Null()),
                                true=exp.Literal.string(NULL_LEVEL)),
                         exp.If(this=exp.GT(this=exp.column("r"), expression=exp.Literal.number(max_levels)),
                                true=exp.Literal.string(OTHER_LEVEL))],
                    default=exp.Literal.string("level"))
    label = exp.Case(ifs=[exp.If(this=kept.copy().neq(exp.Literal.string("level")), true=exp.Null())],
                     default=exp.column("level"))
    return (exp.select(exp.Literal.string(name).as_("column_name"), exp.column("set_value"),
                       day_text(exp.column("__date")).as_("day"),
                       kept.as_("kind"), label.as_("level"), exp.Sum(this=exp.column("n")).as_("n"))
            .from_(ranked.subquery("ranked"))
            .group_by(exp.column("set_value"), exp.column("__date"), kept.copy(), label.copy()))


def level_profile(table: exp.Table, names: list[str], date_column: str, split_column: str | None,
                  days: list[str] | None, max_levels: int) -> exp.Select:
    """Rows per (column, set value, day, level), the `max_levels` largest levels of each day."""
    where = in_days(date_column, days)
    branches = [_level_branch(table, name, date_column, split_column, where, max_levels) for name in names]
    return _union_all(branches)

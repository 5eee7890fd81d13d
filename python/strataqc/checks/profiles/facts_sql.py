"""The feature-set checks' partial aggregates per (day, set value), written as sqlglot expressions once.

Each query groups the rows of the listed days by day (`__day`) and set value
(`__set`), so the aggregates of any set of days add up (counts, min / max) or
merge exactly (means and centred co-moments, by the parallel formulas of
`profiles.moments`).
"""

from __future__ import annotations

from sqlglot import exp

from strataqc.checks.profiles.sql import day_of, in_days, set_of
from strataqc.checks.sql import column
from strataqc.checks.stats import count_if, count_star, finite, profile_projections, row_hash

KEYS = ("__day", "__set")


def _grouped(table: exp.Table, projections: list[exp.Expression], date_column: str, split_column: str | None,
             days: list[str] | None, where: exp.Expression | None = None) -> exp.Select:
    condition = exp.and_(*[c.copy() for c in (in_days(date_column, days), where) if c is not None]) \
        if days is not None or where is not None else None
    query = (exp.select(day_of(date_column).as_("__day"), set_of(split_column).as_("__set"), *projections)
             .from_(table.copy()).group_by(day_of(date_column), set_of(split_column)))
    return query.where(condition) if condition is not None else query


def column_facts(table: exp.Table, columns: dict[str, str], date_column: str, split_column: str | None,
                 days: list[str] | None) -> exp.Select:
    """Rows and, per column, NULL / NaN / blank counts and min / max (as `stats.column_profile`)."""
    return _grouped(table, [count_star().as_("n_rows"), *profile_projections(columns)], date_column, split_column,
                    days)


def mismatch_facts(table: exp.Table, pairs: list[tuple[str, str]], date_column: str, split_column: str | None,
                   days: list[str] | None) -> exp.Select:
    """Rows where the two columns of each pair differ (NULL = NULL counts as equal), as `d_<i>`."""
    projections = [count_if(exp.Not(this=exp.NullSafeEQ(this=column(a), expression=column(b)))).as_(f"d_{i}")
                   for i, (a, b) in enumerate(pairs)]
    return _grouped(table, projections, date_column, split_column, days)


def duplicate_facts(dialect: str, table: exp.Table, names: list[str], date_column: str,
                    days: list[str] | None) -> exp.Select:
    """Surplus rows and duplicated groups of the row-hash GROUP BY, per day (a group never spans two days
    when the partition column is among `names`)."""
    hashed = (exp.select(day_of(date_column).as_("__day"), row_hash(dialect, names).as_("__h")).from_(table.copy()))
    where = in_days(date_column, days)
    if where is not None:
        hashed = hashed.where(where)
    per_hash = (exp.select(exp.column("__day"), exp.column("__h"), count_star().as_("__n"))
                .from_(hashed.subquery("h")).group_by(exp.column("__day"), exp.column("__h"))
                .having(exp.GT(this=count_star(), expression=exp.Literal.number(1))))
    return (exp.select(exp.column("__day"), exp.Literal.string("").as_("__set"),
                       exp.Sum(this=exp.Sub(this=exp.column("__n"), expression=exp.Literal.number(1))).as_("surplus"),
                       count_star().as_("groups"))
            .from_(per_hash.subquery("d")).group_by(exp.column("__day")))


def moment_facts(table: exp.Table, names: list[str], where: exp.Expression | None, date_column: str,
                 split_column: str | None, days: list[str] | None, level: str | None = None) -> exp.Select:
    """Per (day, set value[, level of `level`]): rows `n` where every column of `names` is a finite number,
    their means `m_<i>` and centred co-moments `s_<k>` (k over i <= j), centred on the group's own means.

    Two levels: the group means, then the sums of products centred on them
    (joined back on the group), so the sums stay exact when means are large.
    """
    keys = list(KEYS) + (["__level"] if level is not None else [])
    values = [finite(column(c)).as_(f"x_{i}") for i, c in enumerate(names)]
    extra = [exp.cast(column(level), "VARCHAR").as_("__level")] if level is not None else []
    rows = exp.select(day_of(date_column).as_("__day"), set_of(split_column).as_("__set"), *extra, *values) \
        .from_(table.copy())
    filters = [c for c in (in_days(date_column, days), where) if c is not None]
    if filters:
        rows = rows.where(exp.and_(*[c.copy() for c in filters]))
    # the finite values are computed once, a level down; the complete rows are kept a level up
    complete = exp.select("*").from_(rows.subquery("r")).where(exp.and_(*[
        exp.Not(this=exp.Is(this=exp.column(f"x_{i}"), expression=exp.Null())) for i in range(len(names))]))
    means = (exp.select(*[exp.column(k) for k in keys], count_star().as_("__n"),
                        *[exp.Avg(this=exp.column(f"x_{i}")).as_(f"__m_{i}") for i in range(len(names))])
             .from_(exp.table_("c")).group_by(*[exp.column(k) for k in keys]))
    # day and set value are never NULL (the set value is coalesced); a NULL level is a level of its own
    on = exp.and_(*[(exp.NullSafeEQ if k == "__level" else exp.EQ)(this=exp.column(k, table="c"),
                                                                   expression=exp.column(k, table="g"))
                    for k in keys])
    centred = [exp.Paren(this=exp.Sub(this=exp.column(f"x_{i}", table="c"), expression=exp.column(f"__m_{i}",
                                                                                                    table="g")))
               for i in range(len(names))]
    pairs = [(i, j) for i in range(len(names)) for j in range(i, len(names))]
    projections = [*[exp.column(k, table="g").as_(k) for k in keys],
                   exp.Max(this=exp.column("__n", table="g")).as_("n"),
                   *[exp.Max(this=exp.column(f"__m_{i}", table="g")).as_(f"m_{i}") for i in range(len(names))],
                   *[exp.Sum(this=exp.Mul(this=centred[i].copy(), expression=centred[j].copy())).as_(f"s_{k}")
                     for k, (i, j) in enumerate(pairs)]]
    return (exp.select(*projections).with_("c", as_=complete).with_("g", as_=means)
            .from_(exp.table_("c")).join(exp.table_("g"), on=on)
            .group_by(*[exp.column(k, table="g") for k in keys]))


def pair_moment_facts(table: exp.Table, pairs: list[tuple[str, str]], where: exp.Expression | None,
                      date_column: str, split_column: str | None, days: list[str] | None) -> exp.Select:
    """Per (day, set value) and pair k: rows `n_<k>` where both columns are finite numbers, their means
    `a_<k>`, `b_<k>` and centred co-moments `aa_<k>`, `bb_<k>`, `ab_<k>`: every pair's own complete rows,
    all pairs in one query (two levels, as `moment_facts`)."""
    names = list(dict.fromkeys(c for pair in pairs for c in pair))
    index = {c: i for i, c in enumerate(names)}
    rows = exp.select(day_of(date_column).as_("__day"), set_of(split_column).as_("__set"),
                      *[finite(column(c)).as_(f"x_{i}") for i, c in enumerate(names)]).from_(table.copy())
    filters = [c for c in (in_days(date_column, days), where) if c is not None]
    if filters:
        rows = rows.where(exp.and_(*[c.copy() for c in filters]))

    def both(k: int, table_name: str | None = None) -> exp.Expression:
        a, b = pairs[k]
        return exp.and_(*[exp.Not(this=exp.Is(this=exp.column(f"x_{index[c]}", table=table_name),
                                              expression=exp.Null())) for c in (a, b)])

    def when(k: int, value: exp.Expression, table_name: str | None = None) -> exp.Expression:
        return exp.Case(ifs=[exp.If(this=both(k, table_name), true=value)])

    means = (exp.select(*[exp.column(k) for k in KEYS],
                        *[p for k, (a, b) in enumerate(pairs) for p in (
                            count_if(both(k)).as_(f"__n_{k}"),
                            exp.Avg(this=when(k, exp.column(f"x_{index[a]}"))).as_(f"__a_{k}"),
                            exp.Avg(this=when(k, exp.column(f"x_{index[b]}"))).as_(f"__b_{k}"))])
             .from_(exp.table_("r")).group_by(*[exp.column(k) for k in KEYS]))
    on = exp.and_(*[exp.column(k, table="r").eq(exp.column(k, table="g")) for k in KEYS])
    projections: list[exp.Expression] = [exp.column(k, table="g").as_(k) for k in KEYS]
    for k, (a, b) in enumerate(pairs):
        da = exp.Paren(this=exp.Sub(this=exp.column(f"x_{index[a]}", table="r"),
                                    expression=exp.column(f"__a_{k}", table="g")))
        db = exp.Paren(this=exp.Sub(this=exp.column(f"x_{index[b]}", table="r"),
                                    expression=exp.column(f"__b_{k}", table="g")))
        projections += [exp.Max(this=exp.column(f"__n_{k}", table="g")).as_(f"n_{k}"),
                        exp.Max(this=exp.column(f"__a_{k}", table="g")).as_(f"a_{k}"),
                        exp.Max(this=exp.column(f"__b_{k}", table="g")).as_(f"b_{k}"),
                        *[exp.Sum(this=when(k, exp.Mul(this=x.copy(), expression=y.copy()), "r")).as_(f"{name}_{k}")
                          for name, x, y in (("aa", da, da), ("bb", db, db), ("ab", da, db))]]
    return (exp.select(*projections).with_("r", as_=rows).with_("g", as_=means)
            .from_(exp.table_("r")).join(exp.table_("g"), on=on)
            .group_by(*[exp.column(k, table="g") for k in KEYS]))

"""The feature-set checks' partial aggregates per (day, set value), written as sqlglot expressions once.

The builders chain with copy=False: each query is built here and owned by its caller, and
sqlglot's default copy of the growing SELECT at every step cost more than running the query.

Each query groups the rows of the listed days by day (`__day`) and set value
(`__set`), so the aggregates of any set of days add up (counts, min / max) or
merge exactly (means and centred co-moments, by the parallel formulas of
`profiles.moments`).
"""

from __future__ import annotations

from sqlglot import exp

from strataqc.checks.profiles.sql import day_key, day_of, day_text, in_days, set_of
from strataqc.checks.sql import column
from strataqc.checks.stats import count_if, count_star, double_literal, finite, profile_projections, row_hash
from strataqc.sql_types import sql_cast

# the keys the moments group by: the day as a DATE (its text is made per group)
GROUPS = ("__date", "__set")


def _grouped(table: exp.Table, projections: list[exp.Expression], date_column: str, split_column: str | None,
             days: list[str] | None, where: exp.Expression | None = None) -> exp.Select:
    condition = exp.and_(*[c.copy() for c in (in_days(date_column, days), where) if c is not None]) \
        if days is not None or where is not None else None
    query = (exp.select(day_of(date_column).as_("__day"), set_of(split_column).as_("__set"), *projections)
             .from_(table.copy(), copy=False).group_by(day_key(date_column), set_of(split_column), copy=False))
    return query.where(condition, copy=False) if condition is not None else query


def column_facts(table: exp.Table, columns: dict[str, str], date_column: str, split_column: str | None,
                 days: list[str] | None) -> exp.Select:
    """Rows and, per column, NULL / NaN / blank counts and min / max (as `stats.column_profile`)."""
    return _grouped(table, [count_star().as_("n_rows"), *profile_projections(columns)], date_column, split_column,
                    days)


def integral_facts(table: exp.Table, name: str, where: exp.Expression | None, date_column: str,
                   split_column: str | None, days: list[str] | None) -> exp.Select:
    """Min, max and the count of non-integral values of a numeric column (as `stats.integral_range`)."""
    value = finite(column(name))
    return _grouped(table, [exp.Min(this=value).as_("lo"), exp.Max(this=value.copy()).as_("hi"),
                            count_if(exp.NEQ(this=value.copy(), expression=exp.Floor(this=value.copy())))
                            .as_("fractional")], date_column, split_column, days, where)


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
    hashed = (exp.select(day_key(date_column).as_("__date"), row_hash(dialect, names).as_("__h"))
              .from_(table.copy(), copy=False))
    where = in_days(date_column, days)
    if where is not None:
        hashed = hashed.where(where, copy=False)
    per_hash = (exp.select(exp.column("__date"), exp.column("__h"), count_star().as_("__n"))
                .from_(hashed.subquery("h", copy=False), copy=False)
                .group_by(exp.column("__date"), exp.column("__h"), copy=False)
                .having(exp.GT(this=count_star(), expression=exp.Literal.number(1)), copy=False))
    return (exp.select(day_text(exp.column("__date")).as_("__day"), exp.Literal.string("").as_("__set"),
                       exp.Sum(this=exp.Sub(this=exp.column("__n"), expression=exp.Literal.number(1))).as_("surplus"),
                       count_star().as_("groups"))
            .from_(per_hash.subquery("d", copy=False), copy=False).group_by(exp.column("__date"), copy=False))


def _rows(table: exp.Table, names: list[str], where: exp.Expression | None, date_column: str,
          split_column: str | None, days: list[str] | None, level: str | None = None) -> exp.Select:
    """Day, set value (and level) and the finite value `x_<i>` of each column of `names`, of the listed days."""
    extra = [sql_cast(column(level), "VARCHAR").as_("__level")] if level is not None else []
    rows = exp.select(day_key(date_column).as_("__date"), set_of(split_column).as_("__set"), *extra,
                      *[finite(column(c)).as_(f"x_{i}") for i, c in enumerate(names)]).from_(table.copy(), copy=False)
    filters = [c for c in (in_days(date_column, days), where) if c is not None]
    return rows.where(exp.and_(*[c.copy() for c in filters]), copy=False) if filters else rows


def _complete(indices: list[int]) -> exp.Expression:
    return exp.and_(*[exp.Not(this=exp.Is(this=exp.column(f"x_{i}"), expression=exp.Null())) for i in indices])


def moment_shift(table: exp.Table, names: list[str], where: exp.Expression | None, date_column: str,
                 split_column: str | None, days: list[str] | None, complete: bool = True) -> exp.Select:
    """The mean `c_<i>` of each column over the rows the moments will read (their complete rows, or each
    column's own finite values): the shift the sums of products are centred on."""
    rows = _rows(table, names, where, date_column, split_column, days)
    query = exp.select(*[exp.Avg(this=exp.column(f"x_{i}")).as_(f"c_{i}") for i in range(len(names))]) \
        .from_(rows.subquery("r", copy=False), copy=False)
    return query.where(_complete(list(range(len(names)))), copy=False) if complete else query


def _shifted(i: int, shift: list[float]) -> exp.Expression:
    return exp.Paren(this=exp.Sub(this=exp.column(f"x_{i}"), expression=double_literal(shift[i])))


def _centred(t_i: exp.Expression, t_j: exp.Expression, u: exp.Expression, n: exp.Expression) -> exp.Expression:
    """Σ(x−m)(y−m') of a group from its sums shifted by a constant near the mean: u − t_i·t_j / n."""
    return exp.Sub(this=u, expression=exp.Div(this=exp.Mul(this=t_i, expression=t_j), expression=n))


def moment_facts(table: exp.Table, names: list[str], where: exp.Expression | None, date_column: str,
                 split_column: str | None, days: list[str] | None, level: str | None = None,
                 shift: list[float] | None = None) -> exp.Select:
    """Per (day, set value[, level of `level`]): rows `n` where every column of `names` is a finite number,
    their means `m_<i>` and centred co-moments `s_<k>` (k over i <= j), centred on the group's own means.

    One pass of plain sums of products of values shifted by `shift` (the
    means of `moment_shift`, close to every group's own), turned into the
    group's centred co-moments: with the shift near the mean they keep their
    digits when the means are large against the spread, as the table's own
    two-pass computation does. COVAR_POP per group cost five times as much.
    """
    shift = shift or [0.0] * len(names)
    keys = list(GROUPS) + (["__level"] if level is not None else [])
    rows = _rows(table, names, where, date_column, split_column, days, level)
    pairs = [(i, j) for i in range(len(names)) for j in range(i, len(names))]
    sums = (exp.select(*[exp.column(k) for k in keys], count_star().as_("n"),
                       *[exp.Sum(this=_shifted(i, shift)).as_(f"t_{i}") for i in range(len(names))],
                       *[exp.Sum(this=exp.Mul(this=_shifted(i, shift), expression=_shifted(j, shift))).as_(f"u_{k}")
                         for k, (i, j) in enumerate(pairs)])
            .from_(rows.subquery("r", copy=False), copy=False).where(_complete(list(range(len(names)))), copy=False)
            .group_by(*[exp.column(k) for k in keys], copy=False))
    n = sql_cast(exp.column("n"), "DOUBLE")
    # a NULL level groups as a level of its own (GROUP BY keeps NULLs together)
    return exp.select(day_text(exp.column("__date")).as_("__day"), *[exp.column(k) for k in keys[1:]],
                      exp.column("n"),
                      *[exp.Add(this=double_literal(shift[i]),
                                expression=exp.Div(this=exp.column(f"t_{i}"), expression=n.copy())).as_(f"m_{i}")
                        for i in range(len(names))],
                      *[_centred(exp.column(f"t_{i}"), exp.column(f"t_{j}"), exp.column(f"u_{k}"),
                                 n.copy()).as_(f"s_{k}")
                        for k, (i, j) in enumerate(pairs)]).from_(sums.subquery("g", copy=False), copy=False)


def pair_moment_facts(table: exp.Table, pairs: list[tuple[str, str]], where: exp.Expression | None,
                      date_column: str, split_column: str | None, days: list[str] | None,
                      shift: dict[str, float] | None = None) -> exp.Select:
    """Per (day, set value) and pair k: rows `n_<k>` where both columns are finite numbers, their means
    `a_<k>`, `b_<k>` and centred co-moments `aa_<k>`, `bb_<k>`, `ab_<k>`: every pair's own complete rows,
    all pairs in one pass of shifted sums (as `moment_facts`; `shift`: column -> a value near its mean)."""
    names = list(dict.fromkeys(c for pair in pairs for c in pair))
    index = {c: i for i, c in enumerate(names)}
    by_index = [(shift or {}).get(c, 0.0) for c in names]
    rows = _rows(table, names, where, date_column, split_column, days)

    def when(k: int, name: str) -> exp.Expression:
        # a shifted value only in the pair's complete rows: the sums skip the NULL of the others
        a, b = pairs[k]
        return exp.Case(ifs=[exp.If(this=_complete([index[a], index[b]]), true=_shifted(index[name], by_index))])

    inner: list[exp.Expression] = [exp.column(k) for k in GROUPS]
    outer: list[exp.Expression] = [day_text(exp.column("__date")).as_("__day"), exp.column("__set")]
    for k, (a, b) in enumerate(pairs):
        inner += [count_if(_complete([index[a], index[b]])).as_(f"n_{k}"),
                  exp.Sum(this=when(k, a)).as_(f"ta_{k}"), exp.Sum(this=when(k, b)).as_(f"tb_{k}"),
                  *[exp.Sum(this=exp.Mul(this=when(k, x), expression=when(k, y))).as_(f"u{name}_{k}")
                    for name, x, y in (("aa", a, a), ("bb", b, b), ("ab", a, b))]]
        n = sql_cast(exp.column(f"n_{k}"), "DOUBLE")
        # NULLIF: a group without a complete row has no mean; its n of 0 leaves it out of every merge
        safe = exp.Nullif(this=n, expression=exp.Literal.number(0))
        mean = [exp.Add(this=double_literal(by_index[index[c]]),
                        expression=exp.Div(this=exp.column(f"t{side}_{k}"), expression=safe.copy()))
                for side, c in (("a", a), ("b", b))]
        outer += [exp.column(f"n_{k}"), mean[0].as_(f"a_{k}"), mean[1].as_(f"b_{k}"),
                  *[_centred(exp.column(f"t{x}_{k}"), exp.column(f"t{y}_{k}"), exp.column(f"u{name}_{k}"),
                             safe.copy()).as_(f"{name}_{k}")
                    for name, x, y in (("aa", "a", "a"), ("bb", "b", "b"), ("ab", "a", "b"))]]
    grouped = (exp.select(*inner).from_(rows.subquery("r", copy=False), copy=False)
               .group_by(*[exp.column(k) for k in GROUPS], copy=False))
    return exp.select(*outer).from_(grouped.subquery("g", copy=False), copy=False)

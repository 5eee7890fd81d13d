"""Statistics computed in the warehouse; only small summaries reach Python (DESIGN §4).

Every query is a sqlglot expression written once and rendered for the target
engine by `wh.query` (DuckDB, PostgreSQL, Spark). Identifiers are always quoted
(`column()`), values always sqlglot literals: a column named `a"; drop --`
stays one identifier.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass
from typing import Any, Iterable

import sqlglot
from sqlglot import exp

from strataqc.checks.sql import column
from strataqc.sql_types import sql_cast

# ASCII punctuation and blanks; removed from strings before comparing spellings
PUNCTUATION = " \t\n\r" + "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~"
# aggregates per query: wide tables split their pairwise scans into a few queries
MAX_AGGREGATES = 1500


def fn(name: str, *args: exp.Expression) -> exp.Expression:
    """A DuckDB function call as sqlglot's typed node, so it transpiles (QUANTILE_CONT -> PERCENTILE_CONT)."""
    placeholders = ", ".join(f"__arg{i}" for i in range(len(args)))
    node = sqlglot.parse_one(f"{name}({placeholders})", read="duckdb")
    by_name = {f"__arg{i}": arg for i, arg in enumerate(args)}
    return node.transform(lambda n: by_name[n.name].copy()
                          if isinstance(n, exp.Column) and n.name in by_name else n)


def count_star() -> exp.Expression:
    return exp.Count(this=exp.Star())


def count_if(condition: exp.Expression) -> exp.Expression:
    """count of rows meeting `condition` (SUM(CASE ...) is understood by every engine)."""
    return exp.Coalesce(this=exp.Sum(this=exp.Case(ifs=[exp.If(this=condition, true=exp.Literal.number(1))],
                                                   default=exp.Literal.number(0))),
                        expressions=[exp.Literal.number(0)])


def is_nan(expr: exp.Expression) -> exp.Expression:
    """NaN test as sqlglot's ISNAN node; `warehouse.writer` writes it per engine (never folded away)."""
    return exp.IsNan(this=sql_cast(expr.copy(), "DOUBLE"))


def finite(expr: exp.Expression) -> exp.Expression:
    """The value as DOUBLE, NULL when NaN or ±inf (one such value would turn corr() into NaN)."""
    as_double = sql_cast(expr.copy(), "DOUBLE")
    bad = exp.or_(exp.IsNan(this=as_double.copy()), exp.IsInf(this=as_double.copy()))
    return exp.Case(ifs=[exp.If(this=bad, true=exp.Null())], default=as_double.copy())


def normalised(expr: exp.Expression) -> exp.Expression:
    """lower-cased, with ASCII punctuation and blanks removed: 'Dairy-', ' dairy ' -> 'dairy'."""
    return exp.func("TRANSLATE", exp.Lower(this=expr.copy()), exp.Literal.string(PUNCTUATION),
                    exp.Literal.string(""))


def _select(table: exp.Table, projections: list[exp.Expression], where: exp.Expression | None) -> exp.Select:
    query = exp.select(*projections).from_(table.copy())
    return query.where(where.copy()) if where is not None else query


def _value(frame, name: str) -> Any:
    value = frame[name].iloc[0]
    try:
        if value is None or (isinstance(value, float) and math.isnan(value)):
            return None
    except TypeError:
        pass
    return value.item() if hasattr(value, "item") else value


# ------------------------------------------------------------------ one scan: per-column profile

@dataclass(frozen=True)
class ColumnStats:
    """Counts of one column from the profile scan."""

    model: str
    name: str
    family: str
    rows: int
    nulls: int
    nans: int = 0
    empties: int = 0          # '' or blanks only (text columns)
    distinct: int | None = None
    minimum: Any = None
    maximum: Any = None

    @property
    def missing(self) -> int:
        return self.nulls + self.nans + self.empties

    @property
    def present(self) -> int:
        return self.rows - self.nulls


def profile_projections(columns: dict[str, str], distinct: Iterable[str] = ()) -> list[exp.Expression]:
    """NULL/NaN/empty counts and min/max of each of `columns` (name -> family), as aggregates `<key>_<i>`."""
    projections: list[exp.Expression] = []
    for i, (name, family) in enumerate(columns.items()):
        col = column(name)
        projections.append(count_if(exp.Is(this=col.copy(), expression=exp.Null())).as_(f"nulls_{i}"))
        if family == "numeric":
            projections.append(count_if(is_nan(col)).as_(f"nans_{i}"))
        if family == "categorical":
            projections.append(count_if(exp.Trim(this=sql_cast(col.copy(), "VARCHAR")).eq(
                exp.Literal.string(""))).as_(f"empties_{i}"))
        # min/max of booleans: PostgreSQL has no min(boolean); of numbers: NaN/inf are not values
        ordered = {"boolean": lambda: sql_cast(col.copy(), "INT"),
                   "numeric": lambda: finite(col)}.get(family, col.copy)()
        projections.append(exp.Min(this=ordered).as_(f"min_{i}"))
        projections.append(exp.Max(this=ordered.copy()).as_(f"max_{i}"))
        if name in distinct:
            projections.append(exp.Count(this=exp.Distinct(expressions=[col.copy()])).as_(f"distinct_{i}"))
    return projections


def column_profile(wh, table: exp.Table, columns: dict[str, str], model: str,
                   where: exp.Expression | None = None, distinct: Iterable[str] = ()) -> list[ColumnStats]:
    """Rows, NULL/NaN/empty counts and min/max of `columns` (name -> family) in one scan.

    Exact distinct counts only for the columns in `distinct` (a per-column
    hash table each; min = max already answers "a single value").
    """
    distinct = set(distinct)
    projections = [count_star().as_("n_rows"), *profile_projections(columns, distinct)]
    frame = wh.query(_select(table, projections, where))
    rows = int(_value(frame, "n_rows") or 0)
    out = []
    for i, (name, family) in enumerate(columns.items()):
        get = lambda key, default=0: _value(frame, f"{key}_{i}") if f"{key}_{i}" in frame else default  # noqa: E731
        out.append(ColumnStats(model=model, name=name, family=family, rows=rows,
                               nulls=int(get("nulls") or 0), nans=int(get("nans") or 0),
                               empties=int(get("empties") or 0),
                               distinct=None if name not in distinct else int(get("distinct") or 0),
                               minimum=get("min", None), maximum=get("max", None)))
    return out


def row_count(wh, table: exp.Table, where: exp.Expression | None = None) -> int:
    frame = wh.query(_select(table, [count_star().as_("n")], where))
    return int(_value(frame, "n") or 0)


# ------------------------------------------------------------------ quantiles, correlations

def quantiles(wh, table: exp.Table, name: str, probabilities: list[float],
              where: exp.Expression | None = None) -> list[float | None]:
    """Continuous quantiles of a numeric column (NaN and ±inf left out)."""
    value = finite(column(name))
    projections = [fn("QUANTILE_CONT", value.copy(), exp.Literal.number(p)).as_(f"q_{i}")
                   for i, p in enumerate(probabilities)]
    frame = wh.query(_select(table, projections, where))
    return [None if _value(frame, f"q_{i}") is None else float(_value(frame, f"q_{i}"))
            for i in range(len(probabilities))]


def finite_rows(table: exp.Table, names: list[str], where: exp.Expression | None = None) -> exp.Subquery:
    """A subquery of `names` as DOUBLE with NaN/±inf as NULL, computed once per row (not once per pair)."""
    unique = list(dict.fromkeys(names))
    return _select(table, [finite(column(c)).as_(exp.to_identifier(c, quoted=True)) for c in unique],
                   where).subquery("f")


def correlations(wh, table: exp.Table, pairs: list[tuple[str, str]],
                 where: exp.Expression | None = None) -> dict[tuple[str, str], float | None]:
    """Pearson correlation of each pair, all pairs in one scan (a few for very wide tables).

    NaN/±inf count as missing; a pair whose correlation is undefined (a
    constant or empty column) maps to None.
    """
    out: dict[tuple[str, str], float | None] = {}
    for chunk in _chunks(pairs, MAX_AGGREGATES):
        source = finite_rows(table, [c for pair in chunk for c in pair], where)
        projections = [exp.Corr(this=column(a), expression=column(b)).as_(f"c_{i}") for i, (a, b) in enumerate(chunk)]
        frame = wh.query(exp.select(*projections).from_(source))
        for i, pair in enumerate(chunk):
            value = _value(frame, f"c_{i}")
            # clip: floating error gives 1.0000000000000004 for a column with itself
            out[pair] = None if value is None or not math.isfinite(float(value)) else max(-1.0, min(1.0, float(value)))
    return out


def correlation_matrix(wh, table: exp.Table, names: list[str], where: exp.Expression | None = None):
    """(rows, matrix) of Pearson r over the rows where every column of `names` is a finite number.

    Complete rows only (unlike `correlations`), so the matrix is one data
    set's and linear algebra on it (R² of one column on the others) is sound.
    Two scans of plain sums, several times faster than one corr() per pair:
    the means, then the sums of centred products (centring keeps them exact
    enough when the mean is large against the spread). The diagonal is 1; an
    undefined r (a constant column) is NaN.
    """
    import numpy as np

    complete = exp.and_(*[exp.Not(this=exp.Is(this=column(c), expression=exp.Null())) for c in names])
    source = exp.select("*").from_(finite_rows(table, names, where)).where(complete).subquery("c")
    frame = wh.query(exp.select(count_star().as_("n_rows"),
                                *[exp.Avg(this=column(c)).as_(f"m_{i}") for i, c in enumerate(names)]).from_(source))
    rows = int(_value(frame, "n_rows") or 0)
    matrix = np.full((len(names), len(names)), np.nan)
    if rows < 2:
        return rows, matrix
    means = [_value(frame, f"m_{i}") for i in range(len(names))]
    if any(m is None for m in means):
        return rows, matrix  # a mean the engine could not give (NaN): no correlation, never a crash
    means = [float(m) for m in means]
    centred = [exp.Paren(this=exp.Sub(this=column(c), expression=double_literal(m))) for c, m in zip(names, means)]
    pairs = [(i, j) for i in range(len(names)) for j in range(i, len(names))]
    projections = [exp.Sum(this=exp.Mul(this=centred[i].copy(), expression=centred[j].copy())).as_(f"s_{k}")
                   for k, (i, j) in enumerate(pairs)]
    sums = wh.query(exp.select(*projections).from_(source.copy()))
    cov = np.zeros((len(names), len(names)))
    for k, (i, j) in enumerate(pairs):
        cov[i, j] = cov[j, i] = float(_value(sums, f"s_{k}") or 0.0)
    return rows, matrix_of(cov, means)


def matrix_of(comoments, means):
    """Pearson r from centred co-moments (sums of centred products) and means; NaN for a constant column."""
    import numpy as np

    spread = np.sqrt(np.diag(comoments))
    with np.errstate(divide="ignore", invalid="ignore"):
        matrix = np.clip(comoments / np.outer(spread, spread), -1.0, 1.0)
    constant = spread <= 1e-12 * np.maximum(1.0, np.abs(np.asarray(means, dtype=float)))
    matrix[constant, :] = np.nan
    matrix[:, constant] = np.nan
    return matrix


def double_literal(value: float | None) -> exp.Expression:
    """A float computed here (not user input) as a DOUBLE literal, every digit kept (repr); 0 for None,
    NaN or ±inf (a mean of no finite value)."""
    usable = value is not None and math.isfinite(float(value))
    return sql_cast(exp.Literal.number(repr(float(value) if usable else 0.0)), "DOUBLE")


def correlation_ratios(wh, table: exp.Table, categories: list[str], target: str,
                       where: exp.Expression | None = None, max_levels: int = 1000) -> dict[str, float | None]:
    """Correlation ratio η of a numeric target over each categorical column (sqrt of between/total variance).

    Per-level counts and means come from one GROUP BY per column, bounded by `max_levels`.
    """
    y = finite(column(target))
    present = exp.Not(this=exp.Is(this=y.copy(), expression=exp.Null()))
    condition = exp.and_(where.copy(), present) if where is not None else present
    total = wh.query(_select(table, [exp.Count(this=y.copy()).as_("n"), exp.Avg(this=y.copy()).as_("m"),
                                     exp.VariancePop(this=y.copy()).as_("v")], condition))
    n, mean, var = _value(total, "n"), _value(total, "m"), _value(total, "v")
    if eta(n, mean, var, []) is None:
        return {name: None for name in categories}
    out: dict[str, float | None] = {}
    for name in categories:
        level = sql_cast(column(name), "VARCHAR")
        query = (_select(table, [exp.Count(this=y.copy()).as_("n"), exp.Avg(this=y.copy()).as_("m")], condition)
                 .group_by(level).limit(max_levels + 1))
        frame = wh.query(query)
        if len(frame) > max_levels:
            out[name] = None  # too many levels: η would reward memorising ids
            continue
        out[name] = eta(n, mean, var, [(int(c), float(m)) for c, m in zip(frame["n"], frame["m"])])
    return out


def eta(n: int | None, mean: float | None, var: float | None, levels: list[tuple[int, float]]) -> float | None:
    """Correlation ratio from the target's rows, mean and population variance and (rows, mean) per level.

    None when there is no target value or a constant one (a spread under 1e-12 of the mean's scale).
    """
    if not n or mean is None or var is None or var <= 0 or \
            math.sqrt(var) <= 1e-12 * max(1.0, abs(float(mean))):
        return None
    between = float(sum(c * (m - float(mean)) ** 2 for c, m in levels))
    return math.sqrt(max(0.0, min(1.0, between / (float(n) * float(var)))))


def contingency(wh, table: exp.Table, a: str, b: str, where: exp.Expression | None = None,
                max_cells: int = 10_000):
    """Row counts per (a, b) value pair (NULLs left out) as a frame, or None when there are too many cells."""
    left, right = sql_cast(column(a), "VARCHAR"), sql_cast(column(b), "VARCHAR")
    present = exp.and_(exp.Not(this=exp.Is(this=column(a), expression=exp.Null())),
                       exp.Not(this=exp.Is(this=column(b), expression=exp.Null())))
    condition = exp.and_(where.copy(), present) if where is not None else present
    frame = wh.query(_select(table, [left.as_("a"), right.as_("b"), count_star().as_("n")], condition)
                     .group_by(left.copy(), right.copy()).limit(max_cells + 1))
    return None if len(frame) > max_cells else frame


# ------------------------------------------------------------------ strings, levels, classes

def value_counts(wh, table: exp.Table, name: str, where: exp.Expression | None = None,
                 limit: int = 1000, normalise: bool = False):
    """Distinct values of a column with their row counts, most frequent first (NULL left out).

    With `normalise`, a `key` column holds the value lower-cased with
    punctuation and blanks removed (computed once per distinct value).
    """
    value = sql_cast(column(name), "VARCHAR")
    present = exp.Not(this=exp.Is(this=column(name), expression=exp.Null()))
    condition = exp.and_(where.copy(), present) if where is not None else present
    projections = [value.as_("value"), count_star().as_("n")]
    if normalise:
        projections.append(normalised(value).as_("key"))
    query = (_select(table, projections, condition).group_by(value.copy())
             .order_by(exp.Ordered(this=count_star(), desc=True), exp.Ordered(this=value.copy()))
             .limit(limit))
    return wh.query(query)


def binned_counts(wh, table: exp.Table, name: str, edges: list[float],
                  where: exp.Expression | None = None) -> list[int]:
    """Rows per bin of a numeric column: (-inf, e1), [e1, e2), ..., [e_last, inf); NULL/NaN left out."""
    value = finite(column(name))
    ifs = [exp.If(this=exp.LT(this=value.copy(), expression=exp.Literal.number(edge)),
                  true=exp.Literal.number(i)) for i, edge in enumerate(edges)]
    bucket = exp.Case(ifs=ifs, default=exp.Literal.number(len(edges)))
    present = exp.Not(this=exp.Is(this=value.copy(), expression=exp.Null()))
    projections = [count_if(exp.and_(present.copy(), bucket.copy().eq(exp.Literal.number(i)))).as_(f"b_{i}")
                   for i in range(len(edges) + 1)]
    frame = wh.query(_select(table, projections, where))
    return [int(_value(frame, f"b_{i}") or 0) for i in range(len(edges) + 1)]


def integral_range(wh, table: exp.Table, name: str, where: exp.Expression | None = None):
    """(min, max, count of non-integral values) of a numeric column: can its values be classes?"""
    value = finite(column(name))
    frame = wh.query(_select(table, [exp.Min(this=value.copy()).as_("lo"), exp.Max(this=value.copy()).as_("hi"),
                                     count_if(exp.NEQ(this=value.copy(), expression=exp.Floor(this=value.copy())))
                                     .as_("fractional")], where))
    return _value(frame, "lo"), _value(frame, "hi"), int(_value(frame, "fractional") or 0)


# ------------------------------------------------------------------ duplicates

# 64-bit hash of a row per engine (no common name); a collision needs ~4e9 distinct rows to be likely
ROW_HASH = {
    "duckdb": lambda cols: exp.Anonymous(this="HASH", expressions=cols),
    "spark": lambda cols: exp.Anonymous(this="XXHASH64", expressions=cols),
    "postgres": lambda cols: exp.Anonymous(this="HASHTEXTEXTENDED", expressions=[
        sql_cast(exp.Anonymous(this="ROW", expressions=cols), "TEXT"), exp.Literal.number(0)]),
}


def row_hash(dialect: str, columns: list[str]) -> exp.Expression:
    make = ROW_HASH.get(dialect, ROW_HASH["duckdb"])
    return make([column(c) for c in columns])


def duplicate_rows(wh, table: exp.Table, columns: list[str], where: exp.Expression | None = None,
                   sample: int = 20):
    """(surplus rows, duplicated groups, sample frame) over `columns`.

    Surplus = rows beyond the first of each group of identical rows. Counted
    on a 64-bit hash of the row (one number per row, not every column, in the
    aggregation's memory); NULLs hash alike, so rows NULL in the same cells are
    duplicates. The sample re-groups the real columns of the duplicated hashes only.
    """
    digest = row_hash(wh.dialect, columns)
    hashed = _select(table, [digest.as_("__h")], where).subquery("h")
    per_hash = (exp.select(exp.column("__h"), count_star().as_("__n")).from_(hashed).group_by(exp.column("__h"))
                .having(exp.GT(this=count_star(), expression=exp.Literal.number(1))))
    summary = exp.select(exp.Sum(this=exp.Sub(this=exp.column("__n"), expression=exp.Literal.number(1))).as_("surplus"),
                         count_star().as_("groups")).from_(per_hash.subquery("d"))
    frame = wh.query(summary)
    surplus, groups = int(_value(frame, "surplus") or 0), int(_value(frame, "groups") or 0)
    examples = None
    if groups and sample:
        keys = [column(c) for c in columns]
        top = per_hash.order_by(exp.Ordered(this=count_star(), desc=True)).limit(sample)
        in_top = digest.copy().isin(query=exp.select("__h").from_(top.subquery("t")))
        condition = exp.and_(where.copy(), in_top) if where is not None else in_top
        examples = wh.query(_select(table, [*[k.copy() for k in keys], count_star().as_("occurrences")], condition)
                            .group_by(*[k.copy() for k in keys])
                            .having(exp.GT(this=count_star(), expression=exp.Literal.number(1)))
                            .order_by(exp.Ordered(this=count_star(), desc=True)).limit(sample))
    return surplus, groups, examples


def comparable_pairs(columns: dict[str, str], names: list[str]) -> list[tuple[str, str]]:
    """Pairs of `names` of the same type family (values of different families never match)."""
    return [(a, b) for a, b in itertools.combinations(names, 2) if columns[a] == columns[b]]


def mismatch_counts(wh, table: exp.Table, pairs: list[tuple[str, str]],
                    where: exp.Expression | None = None) -> dict[tuple[str, str], int]:
    """Rows where the two columns of each pair differ (NULL = NULL counts as equal), one scan."""
    out: dict[tuple[str, str], int] = {}
    for chunk in _chunks(pairs, MAX_AGGREGATES):
        projections = [count_if(exp.Not(this=exp.NullSafeEQ(this=column(a), expression=column(b)))).as_(f"d_{i}")
                       for i, (a, b) in enumerate(chunk)]
        frame = wh.query(_select(table, projections, where))
        for i, pair in enumerate(chunk):
            out[pair] = int(_value(frame, f"d_{i}") or 0)
    return out


def sample_rows(wh, table: exp.Table, columns: list[str], condition: exp.Expression, limit: int = 20):
    """Up to `limit` rows meeting `condition` (for the report's sample of failing rows)."""
    return wh.query(_select(table, [column(c) for c in columns], condition).limit(limit))


def _chunks(items: list, size: int):
    for start in range(0, len(items), size):
        yield items[start:start + size]

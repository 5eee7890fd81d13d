"""The warehouse side of the drift checks: small summaries of a reference and a current set.

Every statement is a sqlglot expression written once and rendered for the
target engine by `wh.query`. Identifiers are quoted (`column()`), values are
sqlglot literals; the two sets arrive as WHERE conditions (`reference_filter`,
`current_filter`). Only summaries travel: quantiles, rows per bin, rows per
category, and one bounded sample for the domain classifier.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass
from typing import Any

import pandas as pd
from sqlglot import exp

from strataqc.bounded_sample import smallest_keys
from strataqc.checks.sql import column
from strataqc.checks.stats import count_if, count_star, finite, fn
from strataqc.kept_sample import kept_sample
from strataqc.sample_key import sample_key
from strataqc.sql_types import sql_cast

# A bin of rows whose value is NULL, NaN or ±inf (counted, never binned)
MISSING_BIN = -1


def _int(value: Any) -> int:
    return 0 if value is None or (isinstance(value, float) and math.isnan(value)) else int(value)


def _float(value: Any) -> float | None:
    if value is None:
        return None
    value = float(value)
    return value if math.isfinite(value) else None


def _present(expr: exp.Expression) -> exp.Expression:
    return exp.Not(this=exp.Is(this=expr.copy(), expression=exp.Null()))


def _flag(condition: exp.Expression) -> exp.Expression:
    """1 for a row of the set, else 0 (sets may overlap: each row is counted per set)."""
    return exp.Case(ifs=[exp.If(this=condition.copy(), true=exp.Literal.number(1))], default=exp.Literal.number(0))


def _either(reference: exp.Expression, current: exp.Expression) -> exp.Expression:
    return exp.or_(reference.copy(), current.copy())


def set_sizes(wh, table: exp.Table, reference: exp.Expression, current: exp.Expression,
              name: str | None = None, numeric: bool = True) -> tuple[int, int]:
    """Rows of each set; with `name`, rows where that column has a value (a finite one when `numeric`)."""
    where = _either(reference, current)
    if name is not None:
        where = exp.and_(where, _present(finite(column(name)) if numeric else column(name)))
    query = (exp.select(count_if(reference.copy()).as_("n_ref"), count_if(current.copy()).as_("n_cur"))
             .from_(table.copy()).where(where))
    frame = wh.query(query)
    return _int(frame["n_ref"].iloc[0]), _int(frame["n_cur"].iloc[0])


# ------------------------------------------------------------------ numeric: reference quantile bins

@dataclass(frozen=True)
class ReferenceSpread:
    """Quantiles of the reference set (finite values only) and its standard deviation."""

    quantiles: list[float | None]
    std: float | None
    rows: int


def _quantile_list(dialect: str, value: exp.Expression, probabilities: list[float]) -> exp.Expression:
    probs = exp.Array(expressions=[exp.Literal.number(p) for p in probabilities])
    if dialect == "spark":
        # Spark's exact percentile takes an array; its PERCENTILE_CONT takes one fraction only
        return exp.Anonymous(this="PERCENTILE", expressions=[value, probs])
    # DuckDB: one state for all fractions (one aggregate per fraction sorts once each);
    # PostgreSQL: PERCENTILE_CONT(ARRAY[...]) WITHIN GROUP (ORDER BY x)
    return fn("QUANTILE_CONT", value, probs)


# values one quantile query may hold in memory (rows x columns): wide tables take a few queries
MAX_QUANTILE_VALUES = 4_000_000


def reference_spreads(wh, table: exp.Table, names: list[str], reference: exp.Expression,
                      probabilities: list[float], every: int = 1, key_columns: list[str] | None = None,
                      seed: int = 0, reference_rows: int | None = None) -> dict[str, ReferenceSpread]:
    """Quantiles at `probabilities` and std of each of `names` over the reference set.

    With `every` > 1 they come from the reference rows whose seeded hash of
    `key_columns` is a multiple of `every` (about 1 in `every`, the same rows
    on every run): exact quantiles cost a sort-like pass per column, and bin
    edges need no more than a few hundred thousand rows. The bins are then
    counted on every row. Several columns share one scan, up to
    MAX_QUANTILE_VALUES values held at once.
    """
    where = reference.copy()
    if every > 1:
        bucket = exp.Mod(this=sample_key(wh.dialect, key_columns or [], seed), expression=exp.Literal.number(every))
        where = exp.and_(where, bucket.eq(exp.Literal.number(0)))
    rows = max(1, (reference_rows or MAX_QUANTILE_VALUES) // max(1, every))
    per_query = max(1, MAX_QUANTILE_VALUES // rows)
    out: dict[str, ReferenceSpread] = {}
    for start in range(0, len(names), per_query):
        chunk = names[start:start + per_query]
        projections = []
        for i, name in enumerate(chunk):
            value = finite(column(name))
            projections += [_quantile_list(wh.dialect, value.copy(), probabilities).as_(f"q_{i}"),
                            exp.func("STDDEV_POP", value.copy()).as_(f"sd_{i}"),
                            exp.Count(this=value.copy()).as_(f"n_{i}")]
        frame = wh.query(exp.select(*projections).from_(table.copy()).where(where))
        for i, name in enumerate(chunk):
            raw, n = frame[f"q_{i}"].iloc[0], _int(frame[f"n_{i}"].iloc[0])
            if n == 0 or raw is None or (isinstance(raw, float) and math.isnan(raw)):
                out[name] = ReferenceSpread([None] * len(probabilities), None, n)
            else:
                out[name] = ReferenceSpread([_float(q) for q in list(raw)], _float(frame[f"sd_{i}"].iloc[0]), n)
    return out


@dataclass(frozen=True)
class BinnedCounts:
    """Rows per bin of both sets, the mean value inside each bin, and the rows with no value.

    Bin i holds (edges[i-1], edges[i]]: bin 0 is everything up to edges[0],
    the last bin everything above edges[-1]. Right-closed, so a value that
    fills several quantiles (the 0 of a 0/1 flag, the zeros of sparse sales)
    gets a bin of its own and the values above it another.
    """

    edges: list[float]
    reference: list[int]
    current: list[int]
    reference_means: list[float | None]
    current_means: list[float | None]
    reference_missing: int
    current_missing: int


def _binned_rows(table: exp.Table, index: int, name: str, edges: list[float], reference: exp.Expression,
                 current: exp.Expression) -> exp.Select:
    """(feature index, bin, value, set flags) per row of either set, for one numeric column."""
    # the finite value and the set flags once per row (innermost), then the bin:
    # written inline, the value's CASE would be repeated in every WHEN of the bin
    values = (exp.select(finite(column(name)).as_("v"), _flag(reference).as_("in_ref"), _flag(current).as_("in_cur"))
              .from_(table.copy()).where(_either(reference, current)))
    value = exp.column("v")
    ifs = [exp.If(this=exp.LTE(this=value.copy(), expression=exp.Literal.number(edge)), true=exp.Literal.number(i))
           for i, edge in enumerate(edges)]
    # NULL/NaN/inf first: NULL <= edge is NULL, so it would otherwise fall into the last bin
    bucket = exp.Case(ifs=[exp.If(this=exp.Is(this=value.copy(), expression=exp.Null()),
                                  true=exp.Literal.number(MISSING_BIN)), *ifs],
                      default=exp.Literal.number(len(edges)))
    return (exp.select(exp.Literal.number(index).as_("f"), bucket.as_("bin"), exp.column("v"), exp.column("in_ref"),
                       exp.column("in_cur"))
            .from_(values.subquery(f"vals_{index}")))


def binned_counts(wh, table: exp.Table, edges: dict[str, list[float]], reference: exp.Expression,
                  current: exp.Expression) -> dict[str, BinnedCounts]:
    """Rows and mean per reference-quantile bin of both sets, for every column of `edges`, in one query.

    One UNION ALL branch per column, grouped by (column, bin): one round trip
    (a Spark job costs a second before it reads a row) and, on DuckDB, the
    branches run side by side.
    """
    names = list(edges)
    branches = [_binned_rows(table, i, name, edges[name], reference, current) for i, name in enumerate(names)]
    rows = functools.reduce(lambda a, b: exp.union(a, b, distinct=False), branches)

    def mean_where(flag: str) -> exp.Expression:
        return exp.Avg(this=exp.Case(ifs=[exp.If(this=exp.column(flag).eq(exp.Literal.number(1)),
                                                 true=exp.column("v"))]))

    query = (exp.select(exp.column("f"), exp.column("bin"), exp.Sum(this=exp.column("in_ref")).as_("n_ref"),
                        exp.Sum(this=exp.column("in_cur")).as_("n_cur"),
                        mean_where("in_ref").as_("m_ref"), mean_where("in_cur").as_("m_cur"))
             .from_(exp.Subquery(this=rows, alias=exp.TableAlias(this=exp.to_identifier("binned"))))
             .group_by(exp.column("f"), exp.column("bin")))
    frame = wh.query(query)
    out = {}
    for index, name in enumerate(names):
        size = len(edges[name]) + 1
        ref, cur = [0] * size, [0] * size
        m_ref: list[float | None] = [None] * size
        m_cur: list[float | None] = [None] * size
        missing = (0, 0)
        for row in frame[frame["f"].astype("int64") == index].itertuples(index=False):
            i = _int(row.bin)
            if i == MISSING_BIN:
                missing = (_int(row.n_ref), _int(row.n_cur))
                continue
            ref[i], cur[i] = _int(row.n_ref), _int(row.n_cur)
            m_ref[i], m_cur[i] = _float(row.m_ref), _float(row.m_cur)
        out[name] = BinnedCounts(list(edges[name]), ref, cur, m_ref, m_cur, *missing)
    return out


# ------------------------------------------------------------------ categorical: rows per level

@dataclass(frozen=True)
class LevelCounts:
    """Rows per category in both sets (the most frequent `limit` levels) and the totals."""

    levels: list[str]
    reference: list[int]
    current: list[int]
    total_levels: int          # distinct non-NULL levels over both sets
    reference_rows: int        # non-NULL rows of the reference set (all levels)
    current_rows: int


def _level_table(table: exp.Table, name: str, reference: exp.Expression, current: exp.Expression) -> exp.Select:
    level = sql_cast(column(name), "VARCHAR")
    return (exp.select(level.as_("level"), exp.Sum(this=_flag(reference)).as_("n_ref"),
                       exp.Sum(this=_flag(current)).as_("n_cur"))
            .from_(table.copy())
            .where(exp.and_(_either(reference, current), _present(column(name))))
            .group_by(level.copy()))


def _window_sum(expr: exp.Expression) -> exp.Expression:
    return exp.Window(this=exp.Sum(this=expr))


def level_counts(wh, table: exp.Table, name: str, reference: exp.Expression, current: exp.Expression,
                 limit: int) -> LevelCounts:
    """Per-level rows of both sets, the `limit` largest levels; totals over all levels (window sums)."""
    levels = _level_table(table, name, reference, current).subquery("levels")
    query = (exp.select(exp.column("level"), exp.column("n_ref"), exp.column("n_cur"),
                        exp.Window(this=count_star()).as_("total_levels"),
                        _window_sum(exp.column("n_ref")).as_("ref_rows"),
                        _window_sum(exp.column("n_cur")).as_("cur_rows"))
             .from_(levels)
             .order_by(exp.Ordered(this=exp.Add(this=exp.column("n_ref"), expression=exp.column("n_cur")), desc=True),
                       exp.Ordered(this=exp.column("level")))
             .limit(limit))
    frame = wh.query(query)
    if frame.empty:
        return LevelCounts([], [], [], 0, 0, 0)
    first = frame.iloc[0]
    return LevelCounts([str(v) for v in frame["level"]], [_int(v) for v in frame["n_ref"]],
                       [_int(v) for v in frame["n_cur"]], _int(first["total_levels"]),
                       _int(first["ref_rows"]), _int(first["cur_rows"]))


@dataclass(frozen=True)
class NewLevels:
    """Categories present in the current set and absent from the reference set."""

    levels: list[str]          # the largest `limit` of them
    counts: list[int]
    total_levels: int          # all new categories
    total_rows: int            # current rows in a new category
    reference_rows: int        # non-NULL rows of each set, all categories
    current_rows: int


def new_levels(wh, table: exp.Table, name: str, reference: exp.Expression, current: exp.Expression,
               limit: int) -> NewLevels:
    """Categories with current rows and no reference row, largest first, with totals: one scan.

    Window sums over every level give the set totals; new levels sort first,
    so the first row carries the totals even when no level is new.
    """
    is_new = exp.and_(exp.column("n_ref").eq(exp.Literal.number(0)),
                      exp.GT(this=exp.column("n_cur"), expression=exp.Literal.number(0)))
    new_flag = _flag(is_new)
    query = (exp.select(exp.column("level"), exp.column("n_ref"), exp.column("n_cur"),
                        _window_sum(new_flag.copy()).as_("total_levels"),
                        _window_sum(exp.Mul(this=new_flag.copy(), expression=exp.column("n_cur"))).as_("total_rows"),
                        _window_sum(exp.column("n_ref")).as_("ref_rows"),
                        _window_sum(exp.column("n_cur")).as_("cur_rows"))
             .from_(_level_table(table, name, reference, current).subquery("levels"))
             .order_by(exp.Ordered(this=new_flag.copy(), desc=True), exp.Ordered(this=exp.column("n_cur"), desc=True),
                       exp.Ordered(this=exp.column("level")))
             .limit(limit))
    frame = wh.query(query)
    if frame.empty:
        return NewLevels([], [], 0, 0, 0, 0)
    first = frame.iloc[0]
    new = frame[(frame["n_ref"].astype("int64") == 0) & (frame["n_cur"].astype("int64") > 0)]
    return NewLevels([str(v) for v in new["level"]], [_int(v) for v in new["n_cur"]],
                     _int(first["total_levels"]), _int(first["total_rows"]),
                     _int(first["ref_rows"]), _int(first["cur_rows"]))


# ------------------------------------------------------------------ bounded sample for row-level work

def sample_rows(wh, table: exp.Table, columns: list[str], where: exp.Expression, key_columns: list[str],
                seed: int, limit: int, keep: Any = None) -> pd.DataFrame:
    """Up to `limit` rows of the set `where`, the same rows on every run: the `limit` smallest seeded hashes,
    read under a cut on the hash (`bounded_sample`): one ORDER BY ... LIMIT over every column cost three
    times the memory and half again the time on DuckDB.
    Only `columns` travel, under positional aliases (__strataqc_c0, ...) so a
    hostile column name never becomes an alias; the frame is renamed back here.
    With `keep` (a `kept_sample.Keep`), the sample is kept in the warehouse and read
    again only for the days that changed: the same rows.
    """
    key = sample_key(wh.dialect, key_columns, seed)
    if keep is not None:
        frame = kept_sample(wh, keep, table.copy(), where, key, [column(c).as_(f"__strataqc_c{i}")
                                                                for i, c in enumerate(columns)], [], limit)
        if frame is not None:
            frame.columns = list(columns)
            return frame

    def read(extra: exp.Expression | None) -> exp.Select:
        condition = where.copy() if extra is None else exp.and_(where.copy(), extra)
        return (exp.select(*[column(c).as_(f"__strataqc_c{i}") for i, c in enumerate(columns)])
                .from_(table.copy()).where(condition)
                .order_by(exp.Ordered(this=key.copy()))
                .limit(limit))

    frame = smallest_keys(wh, table, where, key, limit, read)
    frame.columns = list(columns)
    return frame

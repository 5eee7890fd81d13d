"""The rows of smallest sample key, read in one scan of the set instead of two.

A repeatable sample is the `limit` rows of smallest seeded hash (`sample_key`). Finding the
`limit`-th smallest hash first costs a scan of the whole set, hashing every row; then the rows
at or below it cost another. Keys are spread evenly over the hash's range, so a cut a little
above `limit / rows` of the range holds `limit` rows with near certainty: one count (no hashing),
then one scan under that cut. The rows are the same either way; when the cut holds too few, the
exact two-step read runs instead.
"""

from __future__ import annotations

import math
from typing import Callable

import pandas as pd
from sqlglot import exp

# the range of each engine's sample key: DuckDB HASH is a UBIGINT, Spark HASH a 32-bit INT,
# PostgreSQL HASHTEXTEXTENDED a BIGINT
KEY_RANGE = {"duckdb": (0, 2**64 - 1), "spark": (-(2**31), 2**31 - 1), "postgres": (-(2**63), 2**63 - 1)}


def key_cut(dialect: str, rows: int, limit: int) -> int | None:
    """A key value at or below which about `limit` + 6 standard deviations of `rows` evenly spread
    keys fall (None: the cut would take every row)."""
    low, high = KEY_RANGE.get(dialect, KEY_RANGE["duckdb"])
    share = (limit + 6 * math.sqrt(limit) + 20) / max(rows, 1)
    if share >= 1:
        return None
    return low + int((high - low) * share)


def smallest_keys(wh, source: exp.Expression, condition: exp.Expression | None, key: exp.Expression, limit: int,
                  select: Callable[[exp.Expression | None], exp.Select]) -> pd.DataFrame:
    """The `limit` rows of smallest `key` among the rows of `source` meeting `condition` (None: all).
    `select(extra)` is the ordered, limited read of those rows with `extra` added to the filter (None: none)."""

    def over_set(query: exp.Select) -> exp.Select:
        query = query.from_(source.copy())
        return query.where(condition.copy()) if condition is not None else query

    rows = int(wh.query(over_set(exp.select(exp.Count(this=exp.Star()).as_("n")))).iloc[0, 0] or 0)
    if rows <= limit:
        return wh.query(select(None))
    cut = key_cut(wh.dialect, rows, limit)
    if cut is not None:
        # an integer computed here, not user input
        frame = wh.query(select(exp.LTE(this=key.copy(), expression=exp.Literal.number(cut))))
        if len(frame) >= limit:
            return frame
    # the exact read: the limit-th smallest key first
    found = wh.query(over_set(exp.select(key.copy().as_("k"))).order_by(key.copy()).limit(1).offset(limit - 1))
    if found.empty or pd.isna(found.iloc[0, 0]):
        return wh.query(select(None))
    return wh.query(select(exp.LTE(this=key.copy(), expression=exp.Literal.number(int(found.iloc[0, 0])))))

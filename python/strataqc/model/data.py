"""Rows and fingerprints from the warehouse: bounded, quoted, written once and transpiled."""

from __future__ import annotations

import hashlib
import json
import math
from typing import Any

import pandas as pd
from sqlglot import exp

from strataqc.bounded_sample import smallest_keys
from strataqc.kept_sample import Keep, full_mark, kept_sample
from strataqc.sample_key import sample_key
from strataqc.warehouse import Warehouse, table
from strataqc.sql_types import sql_cast


def column(name: str) -> exp.Column:
    return exp.column(name, quoted=True)


def table_columns(wh: Warehouse, relation: str) -> list[str]:
    """Column names of a relation, read from an empty result (works on every engine)."""
    return list(wh.query(exp.select("*").from_(table(relation)).limit(0)).columns)


def split_filter(split_column: str, value: str) -> exp.Expression:
    # the split value comes from YAML: a literal, never pasted into SQL text
    return column(split_column).eq(exp.Literal.string(value))


USER_PREDICTION = "_strataqc_user_prediction"


def train_keep(model: str, config: Any, relation: str, wh: Warehouse) -> Keep | None:
    """Where the train sample may be kept between nights (`kept_sample`): the day column and rewrite
    window of the model's stored profiles (meta.strataqc.profiles, of the block as read or as written);
    None without them, or when the profiles verify days by checksum (a count would not show what changed)."""
    raw = config.get("profiles") if isinstance(config, dict) else getattr(config, "profiles", None)
    if not isinstance(raw, dict) or not isinstance(raw.get("column"), str) or raw.get("verify", "rows") != "rows":
        return None
    try:
        fresh = max(int(raw.get("rewrite_days") or 0), 0)
    except (TypeError, ValueError):
        return None
    return Keep(model, "train", raw["column"], fresh, full_mark(wh, table(relation)))


def load_rows(wh: Warehouse, relation: str, columns: list[str], where: exp.Expression | None,
              limit: int, ids: list[str], seed: int = 42,
              user_predictions: dict[str, str] | None = None, keep: Keep | None = None) -> pd.DataFrame:
    """At most `limit` rows of `columns`, a deterministic sample when the split is larger: the rows of
    smallest seeded hash of the ids (ties in id order).
    With `user_predictions` ({relation, column}), the user's prediction for each row is joined on the
    ids and comes back as column _strataqc_user_prediction. With `keep`, the sample is kept in the
    warehouse and read again only for the days that changed (the same rows)."""
    source = table(relation)
    source.set("alias", exp.TableAlias(this=exp.to_identifier("r")))
    selects: list[exp.Expression] = [exp.column(c, table="r", quoted=True) for c in columns]
    query = exp.select(*selects).from_(source)
    if user_predictions:
        if not ids:
            raise ValueError("user_predictions are joined on meta.strataqc.ids: declare the ids")
        preds = table(user_predictions["relation"])
        preds.set("alias", exp.TableAlias(this=exp.to_identifier("p")))
        on = exp.and_(*[exp.column(i, table="r", quoted=True).eq(exp.column(i, table="p", quoted=True)) for i in ids])
        query = query.join(preds, on=on, join_type="left")
        query = query.select(exp.column(user_predictions["column"], table="p", quoted=True).as_(USER_PREDICTION))
    # the engine's seeded hash of the ids (the drift samples' key): a fifth of an md5 of the ids as text
    key = _qualify(sample_key(wh.dialect, ids or columns, seed), "r")
    condition = _qualify(where, "r") if where is not None else None
    # a 32-bit hash (Spark) ties among millions of rows: the ids order the rows of one key
    ties = [exp.column(c, table="r", quoted=True) for c in (ids or columns)]

    def read(extra: exp.Expression | None) -> exp.Select:
        both = [c.copy() for c in (condition, extra) if c is not None]
        ordered = (query.where(exp.and_(*both)) if both else query).order_by(key.copy(), *[t.copy() for t in ties])
        return ordered.limit(int(limit))

    kept = kept_sample(wh, keep, source, condition, key, selects, ties, int(limit)) \
        if keep is not None and not user_predictions else None
    if kept is not None:
        return kept
    # one ORDER BY ... LIMIT carrying every column took 18 s where finding the limit-th key first and reading
    # the rows under it took 11 (10M rows, same rows, same order); a count and one read under a cut the
    # key's spread gives skip the first of those two scans (`bounded_sample`)
    return smallest_keys(wh, source, condition, key, int(limit), read)


def repeated_prediction_ids(wh: Warehouse, relation: str, ids: list[str], sample: int = 3) -> tuple[int, list[tuple]]:
    """(surplus rows, a few repeated ids) of a user_predictions table: rows beyond the first per id.

    A repeated id joins in as extra rows, each counted in every metric.
    """
    keys = [column(i) for i in ids]
    per_id = (exp.select(*keys, exp.Count(this=exp.Star()).as_("n")).from_(table(relation)).group_by(*keys)
              .having(exp.GT(this=exp.Count(this=exp.Star()), expression=exp.Literal.number(1))))
    total = wh.query(exp.select(exp.Sum(this=exp.Sub(this=exp.column("n"), expression=exp.Literal.number(1)))
                                .as_("surplus")).from_(per_id.subquery("d")))
    surplus = total.iloc[0, 0]
    if surplus is None or pd.isna(surplus) or int(surplus) == 0:
        return 0, []
    examples = wh.query(per_id.order_by(*[k.copy() for k in keys]).limit(sample))
    return int(surplus), [tuple(row[:len(ids)]) for row in examples.itertuples(index=False)]


def reject_repeated_predictions(wh: Warehouse, model: str, relation: str, ids: list[str]) -> None:
    """One prediction per id, or the join repeats rows and every metric counts them twice."""
    surplus, examples = repeated_prediction_ids(wh, relation, ids)
    if surplus:
        shown = ", ".join("(" + ", ".join(repr(v) if isinstance(v, str) else str(v) for v in ex) + ")"
                          for ex in examples)
        raise ValueError(f"{model}: user_predictions {relation} has {surplus:,} surplus rows for ids "
                         f"({', '.join(ids)}) already forecast, e.g. {shown}: keep one prediction per id "
                         "(nothing was scored)")


def _qualify(expression: exp.Expression, alias: str) -> exp.Expression:
    """Columns of a filter built without a table, bound to `alias` (the join makes bare names ambiguous)."""
    expression = expression.copy()
    for col in expression.find_all(exp.Column):
        if not col.table:
            col.set("table", exp.to_identifier(alias))
    return expression


def count_rows(wh: Warehouse, relation: str, where: exp.Expression | None) -> int:
    query = exp.select(exp.Count(this=exp.Star()).as_("n")).from_(table(relation))
    if where is not None:
        query = query.where(where)
    return int(wh.query(query).iloc[0, 0])


def fingerprint(wh: Warehouse, relation: str, where: exp.Expression | None,
                numeric: list[str], other: list[str]) -> dict:
    """Aggregates of the whole split computed in SQL (rows, per-column sums / counts / distincts)
    and their sha256: any added, dropped or changed row moves some aggregate."""
    selects: list[exp.Expression] = [exp.Count(this=exp.Star()).as_("n_rows")]
    for i, name in enumerate(numeric):
        selects.append(exp.Sum(this=sql_cast(column(name), "double")).as_(f"s{i}"))
        selects.append(exp.Count(this=column(name)).as_(f"c{i}"))
    for i, name in enumerate(other):
        text = sql_cast(column(name), "varchar")
        selects.append(exp.Count(this=exp.Distinct(expressions=[text])).as_(f"d{i}"))
        selects.append(exp.Min(this=text).as_(f"lo{i}"))
        selects.append(exp.Max(this=text).as_(f"hi{i}"))
    query = exp.select(*selects).from_(table(relation))
    if where is not None:
        query = query.where(where)
    row = wh.query(query).iloc[0].to_dict()

    def clean(value):
        if value is None or (isinstance(value, float) and not math.isfinite(value)):
            return None
        if isinstance(value, float):
            return round(value, 6)  # engines sum doubles in different orders
        if hasattr(value, "item"):
            return clean(value.item())
        return value if isinstance(value, (int, str)) else str(value)

    values = {"rows": clean(row["n_rows"])}
    for i, name in enumerate(numeric):
        values[name] = {"sum": clean(row[f"s{i}"]), "count": clean(row[f"c{i}"])}
    for i, name in enumerate(other):
        values[name] = {"distinct": clean(row[f"d{i}"]), "min": clean(row[f"lo{i}"]), "max": clean(row[f"hi{i}"])}
    digest = hashlib.sha256(json.dumps(values, sort_keys=True, default=str).encode()).hexdigest()
    return {"rows": values["rows"], "sha256": digest, "aggregates": values}

"""A bounded sample kept in the warehouse between nights, read again only for the days that changed.

A repeatable sample is the `limit` rows of smallest seeded key (`bounded_sample`): finding them hashes
every row of the set, every night, though a night changes a few of its days. So the set's rows at or
below the sample's last key T are kept in a table, with the set's row count per day. A night deletes
the kept rows of the days that changed (their count moved, they are gone, or they lie in the days the
model rewrites without changing counts) and inserts those days' rows at or below T. The table then
holds exactly the set's rows at or below T; when they are `limit` or more, the sample is their `limit`
smallest, the very rows a full read gives (no row above T can be among them). Otherwise, after a full
refresh of the model (the scope watermark's record) and a week after the last full draw, the sample
is drawn in full again. Engines without DELETE and read-only warehouses read in full every night.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
from dataclasses import dataclass
from typing import Any

import pandas as pd
from sqlglot import exp

from strataqc.bounded_sample import key_cut
from strataqc.days_sql import day_key, day_of, day_text, in_days
from strataqc.history import NO_DELETE, SCHEMA
from strataqc.sql_types import sql_cast

META = {"name": "TEXT", "threshold": "TEXT", "counts": "TEXT", "full_mark": "TEXT", "drawn_at": "TEXT"}
REDRAW_DAYS = 7   # a full draw at least this often: a change no count shows is not kept longer
log = logging.getLogger("strataqc")


@dataclass(frozen=True)
class Keep:
    """Where a sample may be kept: its model's day column and the last days it rewrites every run."""

    model: str
    purpose: str          # which of the model's samples ("train", ...)
    day_column: str
    fresh_days: int       # the model's `profiles.rewrite_days`: days read again every night
    full_mark: str | None = None   # when the model was last built in full (None: unknown)


def kept_sample(wh: Any, keep: Keep, source: exp.Table, condition: exp.Expression | None, key: exp.Expression,
                columns: list[exp.Expression], ties: list[exp.Expression], limit: int) -> pd.DataFrame | None:
    """The `limit` rows of smallest (key, ties) of `source` meeting `condition`, as `columns` (each an
    aliased expression), in that order; None when nothing is kept here: the caller reads in full (a
    failure to keep is logged, never the night's error: the kept copy is an economy)."""
    if wh.dialect in NO_DELETE or getattr(wh, "read_only", False):
        return None
    kept = _Kept(wh, keep, source, condition, key, columns, ties, limit)
    try:
        counts = kept.counts()
        if sum(counts.values()) <= limit:
            return None   # the whole set is the sample: one read, nothing to keep
        kept.ensure()
        # one transaction: the kept rows and their state change together or not at all
        wh.execute("BEGIN TRANSACTION" if wh.dialect == "duckdb" else "BEGIN")
        try:
            frame = kept.refreshed(counts)
            frame = frame if frame is not None else kept.drawn(counts)
        except Exception:
            wh.execute("ROLLBACK")
            raise
        wh.execute("COMMIT")
        return frame
    except Exception as exc:
        log.warning("kept sample %s not used (read in full): %s", kept.name, str(exc).splitlines()[0])
        return None


class _Kept:
    def __init__(self, wh: Any, keep: Keep, source: exp.Table, condition: exp.Expression | None,
                 key: exp.Expression, columns: list[exp.Expression], ties: list[exp.Expression], limit: int):
        self.wh, self.keep, self.source, self.condition = wh, keep, source, condition
        self.key, self.columns, self.ties, self.limit = key, columns, ties, limit
        self.names = [c.alias_or_name for c in columns]
        fp = hashlib.sha1(json.dumps([keep.model, keep.purpose, keep.day_column, source.sql(), key.sql(),
                                      condition.sql() if condition is not None else None,
                                      [c.sql() for c in columns], [t.sql() for t in ties], limit]).encode())
        self.name = f"{keep.model}:{keep.purpose}:{fp.hexdigest()[:16]}"
        self.rows = exp.table_(f"kept_{fp.hexdigest()[:16]}", db=SCHEMA, quoted=True)
        self.meta = exp.table_("kept_samples", db=SCHEMA, quoted=True)

    # -- reading the set ---------------------------------------------------------------------------

    def _where(self, *extra: exp.Expression | None) -> exp.Expression | None:
        parts = [c.copy() for c in (self.condition, *extra) if c is not None]
        return exp.and_(*parts) if parts else None

    def counts(self) -> dict[str, int]:
        # grouped by the DATE, made text per group (text per row cost four times the grouping)
        query = exp.select(day_text(day_key(self.keep.day_column)).as_("day"), exp.Count(this=exp.Star()).as_("n"))
        query = query.from_(self.source.copy())
        where = self._where()
        query = (query.where(where) if where is not None else query).group_by(day_key(self.keep.day_column))
        frame = self.wh.query(query)
        return {str(d): int(n) for d, n in zip(frame["day"], frame["n"]) if d is not None}

    def _set_rows(self, *extra: exp.Expression | None) -> exp.Select:
        """The set's rows as kept: the columns (positional names), the day, the key, the ties."""
        select = exp.select(*[_bare(c).as_(f"c{i}") for i, c in enumerate(self.columns)],
                            day_of(self.keep.day_column).as_("__day"), self.key.copy().as_("__key"),
                            *[t.copy().as_(f"__t{i}") for i, t in enumerate(self.ties)]).from_(self.source.copy())
        where = self._where(*extra)
        return select.where(where) if where is not None else select

    def _read(self) -> pd.DataFrame:
        order = [exp.column("__key"), *[exp.column(f"__t{i}") for i in range(len(self.ties))]]
        return self.wh.query(exp.select(*[exp.column(f"c{i}") for i in range(len(self.columns))], "__key")
                             .from_(self.rows.copy()).order_by(*order).limit(self.limit))

    def _sample(self, counts: dict[str, int], full_mark: str | None, drawn_at: str) -> pd.DataFrame | None:
        """The kept rows' `limit` smallest, the table trimmed to them and the state saved; None if too few."""
        frame = self._read()
        if len(frame) < self.limit:
            return None
        threshold = int(frame["__key"].iloc[-1])
        self.wh.execute(exp.delete(self.rows.copy(), where=exp.GT(this=exp.column("__key"),
                                                                   expression=exp.Literal.number(threshold))))
        self.wh.execute(exp.delete(self.meta.copy(), where=exp.column("name").eq(exp.Literal.string(self.name))))
        state = {"name": self.name, "threshold": str(threshold), "counts": json.dumps(counts, sort_keys=True),
                 "full_mark": full_mark or "", "drawn_at": drawn_at}
        self.wh.execute(exp.insert(exp.select(*[sql_cast(exp.Literal.string(state[c]), "TEXT").as_(c) for c in META]),
                                   self.meta.copy(), columns=list(META)))
        frame = frame.drop(columns="__key")
        frame.columns = self.names
        return frame

    # -- a night -----------------------------------------------------------------------------------

    def ensure(self) -> None:
        self.wh.execute(exp.Create(this=exp.Table(this=exp.to_identifier(SCHEMA, quoted=True)), kind="SCHEMA",
                                   exists=True))
        self.wh.execute(exp.Create(this=exp.Schema(this=self.meta.copy(), expressions=[
            exp.ColumnDef(this=exp.to_identifier(c, quoted=True), kind=exp.DataType.build(t))
            for c, t in META.items()]), kind="TABLE", exists=True))

    def _state(self) -> dict[str, str] | None:
        found = self.wh.query(exp.select(*META).from_(self.meta.copy())
                              .where(exp.column("name").eq(exp.Literal.string(self.name))))
        return None if found.empty else {c: str(found[c].iloc[0]) for c in META}

    def refreshed(self, counts: dict[str, int]) -> pd.DataFrame | None:
        """Tonight's sample from the kept rows and the changed days; None when it must be drawn in full."""
        state = self._state()
        if state is None or state["full_mark"] != (self.keep.full_mark or ""):
            return None
        drawn = dt.datetime.fromisoformat(state["drawn_at"])
        if dt.datetime.now(dt.timezone.utc) - drawn >= dt.timedelta(days=REDRAW_DAYS):
            return None
        before = {d: int(n) for d, n in json.loads(state["counts"]).items()}
        fresh = sorted(counts)[-self.keep.fresh_days:] if self.keep.fresh_days > 0 else []
        changed = sorted({d for d in counts if before.get(d) != counts[d]} | set(fresh)
                         | {d for d in before if d not in counts})
        threshold = exp.LTE(this=self.key.copy(), expression=exp.Literal.number(int(state["threshold"])))
        if changed:
            self.wh.execute(exp.delete(self.rows.copy(), where=exp.column("__day").isin(*changed)))
            self.wh.execute(exp.insert(self._set_rows(in_days(self.keep.day_column, changed), threshold),
                                       self.rows.copy()))
        return self._sample(counts, self.keep.full_mark, state["drawn_at"])

    def drawn(self, counts: dict[str, int]) -> pd.DataFrame:
        """The sample drawn in full: the rows under a cut that holds `limit` of them with near certainty,
        or under the exact `limit`-th key when it does not."""
        cut = key_cut(self.wh.dialect, sum(counts.values()), self.limit)
        now = dt.datetime.now(dt.timezone.utc).isoformat()
        for bound in (cut, None):
            if bound is None:
                found = self.wh.query(self._set_rows().order_by(exp.column("__key")).limit(1).offset(self.limit - 1))
                bound = int(found["__key"].iloc[0])
            self.wh.execute(exp.Drop(tables=[self.rows.copy()], kind="TABLE", exists=True))
            self.wh.execute(exp.Create(this=self.rows.copy(), kind="TABLE", expression=self._set_rows(
                exp.LTE(this=self.key.copy(), expression=exp.Literal.number(int(bound))))))
            frame = self._sample(counts, self.keep.full_mark, now)
            if frame is not None:
                return frame
        raise RuntimeError(f"kept sample {self.name}: fewer than {self.limit} rows at or below the exact key")


def _bare(column: exp.Expression) -> exp.Expression:
    return column.this.copy() if isinstance(column, exp.Alias) else column.copy()


def full_mark(wh: Any, relation: exp.Table, audit_schema: str = "strataqc_audit") -> str | None:
    """When dbt last built `relation` in full (a full refresh or a cadence night: the scope watermark's
    `full` record), or None where no watermark is kept: a kept sample is drawn again after it."""
    key = f"{relation.db}.{relation.name}".lower()
    marks = exp.table_("scope_watermark", db=audit_schema, quoted=True)
    query = (exp.select(exp.Max(this=exp.column("recorded_at")).as_("mark")).from_(marks)
             .where(exp.and_(exp.column("model_key").eq(exp.Literal.string(key)),
                             exp.column("scope_mode").eq(exp.Literal.string("full")))))
    try:
        found = wh.query(query)
    except Exception:  # no watermark table: the weekly full draw is the only guard
        return None
    value = found.iloc[0, 0] if not found.empty else None
    return None if value is None or pd.isna(value) else str(value)

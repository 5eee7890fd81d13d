"""The feature-set checks' stored facts: partial aggregates per (day, set value), merged exactly.

Beside the drift profiles (`refresh`), a model with `profiles:` keeps what
the feature-set checks measure per day (table `profile_facts`, one row per
kind, fingerprint and day, its rows as JSON): column counts and min / max,
the row-hash duplicate counts, mismatch counts of column pairs, and means
with centred co-moments for the correlations. A kind is keyed by a
fingerprint of its columns and row filter; a day's facts are valid while the
day keeps the profile version they were computed at, so a night computes
them for the days it profiled (and every day when the fingerprint is new).
What the facts cannot answer exactly returns None, and the caller reads the table.
"""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any, Callable

import numpy as np
import pandas as pd
from sqlglot import exp

from strataqc.checks import stats
from strataqc.checks.profiles import facts_sql
from strataqc.checks.profiles.moments import Moments, correlation, merge, upper
from strataqc.checks.profiles.refresh import Profile, fingerprint
from strataqc.checks.profiles.sql import OTHER_LEVEL, in_days
from strataqc.checks.profiles.store import ProfileStore
from strataqc.json_safe import json_safe

# column families whose min / max survive a JSON round trip with their type (a date would come back as text)
STORED_FAMILIES = ("numeric", "boolean", "categorical")


def _sql_key(where: exp.Expression | None) -> str | None:
    return None if where is None else where.sql(dialect="duckdb")


class Facts:
    """A model's stored facts over its profiled days; each measure merges every day."""

    def __init__(self, wh: Any, spec: Any, profile: Profile):
        self.wh, self.spec, self.profile = wh, spec, profile
        self.store = ProfileStore(wh, spec.model)
        self.split = spec.split_column if spec.windows is None else None
        self.column = spec.profiles.column
        present = set(profile.days["day"])
        self.days = sorted(d for d in profile.versions if d in present)
        self.computed: dict[str, int] = {}      # kind -> days computed this night (tests count the work)

    @classmethod
    def of(cls, wh: Any, spec: Any, profile: Profile | None) -> "Facts | None":
        """The facts of `profile`, or None when a day's partial aggregates cannot add up to the table."""
        if profile is None or profile.undated:
            return None  # rows with no day are in no partition: only the table counts them
        return cls(wh, spec, profile)

    # -- the stored rows ---------------------------------------------------------------------------

    def rows(self, kind: str, key: Any, build: Callable[[list[str] | None], exp.Expression]) -> pd.DataFrame:
        """Every day's rows of `kind` for `key`, computing (and storing) the days that lack valid ones."""
        fp = fingerprint([kind, key, self.column, self.split])
        condition = exp.and_(exp.column("model", quoted=True).eq(exp.Literal.string(self.spec.model)),
                             exp.column("kind", quoted=True).eq(exp.Literal.string(kind)),
                             exp.column("fp", quoted=True).eq(exp.Literal.string(fp)))
        stored = self.store.query(exp.select(*[exp.column(c, quoted=True) for c in ("day", "payload", "version")])
                                  .from_(self.store.table("profile_facts")).where(condition))
        valid: dict[str, list[dict]] = {}
        for day, payload, version in zip(stored["day"], stored["payload"], stored["version"]):
            if self.profile.versions.get(day) == version:
                valid[day] = json.loads(payload)
        needed = [d for d in self.days if d not in valid]
        if needed:
            frame = self.store.query(build(None if len(needed) == len(self.days) else needed))
            fresh: dict[str, list[dict]] = {d: [] for d in needed}
            for record in frame.to_dict(orient="records"):
                day = json_safe(record["__day"])
                if day in fresh:
                    fresh[day].append({k: json_safe(v) for k, v in record.items()})
            by_version: dict[str, list[dict]] = {}
            for day, records in fresh.items():
                by_version.setdefault(self.profile.versions[day], []).append(
                    {"kind": kind, "fp": fp, "day": day, "payload": json.dumps(records)})
            for version, rows in by_version.items():
                self.store.insert_rows("profile_facts", rows, version)
            valid.update(fresh)
            self.computed[kind] = self.computed.get(kind, 0) + len(needed)
        return pd.DataFrame.from_records([r for d in self.days for r in valid[d]])

    # -- column stats --------------------------------------------------------------------------------

    def column_stats(self, columns: dict[str, str], distinct: list[str]) -> list[stats.ColumnStats]:
        """`stats.column_profile` of `columns` from the facts; a date column's min / max and a distinct count
        the levels cannot give exactly (a day pooled levels) are read from the table."""
        stored = {n: f for n, f in columns.items() if f in STORED_FAMILIES}
        frame = self.rows("columns", list(stored.items()), lambda days: facts_sql.column_facts(
            self.spec.table, stored, self.column, self.split, days))
        rows = int(frame["n_rows"].sum()) if not frame.empty else 0
        by_name: dict[str, stats.ColumnStats] = {}
        for i, (name, family) in enumerate(stored.items()):
            def total(key: str) -> int:
                return int(frame[f"{key}_{i}"].fillna(0).sum()) if f"{key}_{i}" in frame else 0

            def extreme(key: str, pick: Callable) -> Any:
                values = [v for v in frame[f"{key}_{i}"] if json_safe(v) is not None] if not frame.empty else []
                value = pick(values) if values else None
                return None if value is None else {"numeric": float, "boolean": int}.get(family, json_safe)(value)
            by_name[name] = stats.ColumnStats(
                model=self.spec.model, name=name, family=family, rows=rows, nulls=total("nulls"), nans=total("nans"),
                empties=total("empties"), distinct=self._distinct(name) if name in distinct else None,
                minimum=extreme("min", min), maximum=extreme("max", max))
        # what the facts cannot give (a date column; a distinct count no stored levels give exactly):
        # one scan of the table for all of it
        others = {n: f for n, f in columns.items() if n not in stored}
        recount = [n for n in distinct if n in stored and by_name[n].distinct is None]
        if others or recount:
            scanned = stats.column_profile(self.wh, self.spec.table, {**others, **{n: stored[n] for n in recount}},
                                           self.spec.model, distinct=[n for n in distinct if n in others or n in recount])
            for s in scanned:
                by_name[s.name] = s if s.name in others else replace(by_name[s.name], distinct=s.distinct)
        return [by_name[n] for n in columns]

    def _distinct(self, name: str) -> int | None:
        """Distinct levels from the stored levels; None when no levels are kept or a day pooled its rarest."""
        levels = self.profile.levels
        mine = levels[levels["column_name"] == name] if not levels.empty else levels
        if mine.empty or (mine["kind"] == OTHER_LEVEL).any():
            return None
        return int(mine.loc[mine["kind"] == "level", "level"].nunique())

    def integral_range(self, name: str, where: exp.Expression | None):
        """`stats.integral_range` (min, max, non-integral values) from per-day aggregates."""
        frame = self.rows("integral", [name, _sql_key(where)], lambda days: facts_sql.integral_facts(
            self.spec.table, name, where, self.column, self.split, days))
        low = [float(v) for v in frame["lo"] if json_safe(v) is not None] if not frame.empty else []
        high = [float(v) for v in frame["hi"] if json_safe(v) is not None] if not frame.empty else []
        fractional = int(frame["fractional"].fillna(0).sum()) if not frame.empty else 0
        return min(low) if low else None, max(high) if high else None, fractional

    # -- duplicates ----------------------------------------------------------------------------------

    def duplicates(self, names: list[str], sample: int):
        """`stats.duplicate_rows` from per-day counts; None unless the partition column is compared (else a
        group of identical rows may span two days). Examples come from the days with a surplus."""
        if self.column not in names:
            return None
        frame = self.rows("duplicates", names, lambda days: facts_sql.duplicate_facts(
            self.wh.dialect, self.spec.table, names, self.column, days))
        if frame.empty:
            return 0, 0, None
        surplus, groups = int(frame["surplus"].sum()), int(frame["groups"].sum())
        examples = None
        if groups and sample:
            days = sorted(set(frame.loc[frame["surplus"] > 0, "__day"]))
            _, _, examples = stats.duplicate_rows(self.wh, self.spec.table, names,
                                                  in_days(self.column, days), sample=sample)
        return surplus, groups, examples

    def mismatches(self, pairs: list[tuple[str, str]]) -> dict[tuple[str, str], int]:
        """`stats.mismatch_counts` from per-day counts."""
        frame = self.rows("mismatches", [list(p) for p in pairs], lambda days: facts_sql.mismatch_facts(
            self.spec.table, pairs, self.column, self.split, days))
        return {pair: int(frame[f"d_{i}"].sum()) if not frame.empty else 0 for i, pair in enumerate(pairs)}

    # -- moments -------------------------------------------------------------------------------------

    def moments(self, names: list[str], where: exp.Expression | None, level: str | None = None) -> dict:
        """Merged moments of the rows where every column of `names` is a finite number (and `where`
        holds), per level of `level` (one entry, key None, without it)."""
        frame = self.rows("moments", [names, _sql_key(where), level], lambda days: facts_sql.moment_facts(
            self.spec.table, names, where, self.column, self.split, days, level,
            shift=self._shift(names, where, days, complete=True)))
        size = len(names)
        if frame.empty:
            return {} if level is not None else {None: merge([], size)}
        k = size * (size + 1) // 2
        key = frame["__level"] if level is not None else pd.Series([None] * len(frame))
        groups: dict[Any, list[Moments]] = {}
        for row, lvl in zip(frame.itertuples(index=False), key):
            record = row._asdict()
            groups.setdefault(lvl, []).append(Moments(
                int(record["n"]), np.array([float(record[f"m_{i}"]) for i in range(size)]),
                upper([float(record[f"s_{j}"]) for j in range(k)], size)))
        return {lvl: merge(g, size) for lvl, g in groups.items()}

    def _shift(self, names: list[str], where: exp.Expression | None, days: list[str] | None,
               complete: bool) -> list[float | None]:
        """Each column's mean over the rows about to be summed: the constant the sums are centred on."""
        frame = self.store.query(facts_sql.moment_shift(self.spec.table, names, where, self.column, self.split,
                                                        days, complete))
        return [None if frame.empty else json_safe(frame[f"c_{i}"].iloc[0]) for i in range(len(names))]

    def matrix(self, names: list[str], where: exp.Expression | None):
        """`stats.correlation_matrix` from the merged moments."""
        m = self.moments(names, where)[None]
        matrix = np.full((len(names), len(names)), np.nan)
        if m.n < 2 or np.isnan(m.means).any():
            return m.n, matrix
        return m.n, stats.matrix_of(m.comoments, m.means)

    def correlations(self, pairs: list[tuple[str, str]], where: exp.Expression | None):
        """`stats.correlations`: each pair's Pearson r over the rows where both are finite (one query)."""
        names = list(dict.fromkeys(c for pair in pairs for c in pair))
        frame = self.rows("pair_moments", [[list(p) for p in pairs], _sql_key(where)],
                          lambda days: facts_sql.pair_moment_facts(
                              self.spec.table, pairs, where, self.column, self.split, days,
                              shift=dict(zip(names, self._shift(names, where, days, complete=False)))))
        out = {}
        for k, pair in enumerate(pairs):
            groups = [] if frame.empty else [
                Moments(int(n), np.array([float(a), float(b)]), np.array([[float(aa), float(ab)],
                                                                           [float(ab), float(bb)]]))
                for n, a, b, aa, bb, ab in zip(*(frame[f"{f}_{k}"] for f in ("n", "a", "b", "aa", "bb", "ab")))
                if n and int(n) > 0]
            out[pair] = correlation(merge(groups, 2))
        return out

    def correlation_ratios(self, categories: list[str], target: str, where: exp.Expression | None,
                           max_levels: int = 1000) -> dict[str, float | None]:
        """`stats.correlation_ratios`: η of the target over each categorical column, from per-level moments."""
        out: dict[str, float | None] = {}
        for name in categories:
            levels = self.moments([target], where, level=name)
            if len(levels) > max_levels:
                out[name] = None  # too many levels: η would reward memorising ids
                continue
            total = merge(list(levels.values()), 1)
            out[name] = stats.eta(total.n, float(total.means[0]) if total.n else None,
                                  float(total.comoments[0, 0]) / total.n if total.n else None,
                                  [(m.n, float(m.means[0])) for m in levels.values()])
        return out

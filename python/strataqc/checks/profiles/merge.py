"""Merged profiles: the drift checks' summaries of any set of days, added up from the days' profiles.

A set is a `Side`: a split value and/or a range of days. Bins and levels of
the days in it add up; their counts are the exact counts a query over those
rows would give on the same edges.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from strataqc.checks.profiles.sketch import DistinctCount, merged_distinct
from strataqc.checks.profiles.sql import INF_BIN, NAN_BIN, NULL_BIN, NULL_LEVEL, OTHER_LEVEL


@dataclass(frozen=True)
class Side:
    """The rows of one set: split value `set_value` (None: any) and days `low`..`high` (inclusive)."""

    set_value: str | None = None
    low: str | None = None
    high: str | None = None

    def mask(self, frame: pd.DataFrame) -> np.ndarray:
        """Rows of `frame` (columns set_value and day, as text) in this set."""
        keep = np.ones(len(frame), dtype=bool)
        if self.set_value is not None:
            keep &= (frame["set_value"] == self.set_value).to_numpy()
        if self.low is not None:
            keep &= (frame["day"] >= self.low).to_numpy()
        if self.high is not None:
            keep &= (frame["day"] <= self.high).to_numpy()
        return keep

    def within(self, low: str, high: str) -> "Side":
        """The same set restricted to days `low`..`high`."""
        return Side(self.set_value, max(low, self.low) if self.low else low,
                    min(high, self.high) if self.high else high)


@dataclass(frozen=True)
class ColumnSummary:
    """One numeric column over one set: counts by kind and the moments of its finite values."""

    rows: int
    nulls: int
    nans: int
    infs: int
    finite: int
    total: float
    total_sq: float
    min: float | None
    max: float | None

    @property
    def mean(self) -> float | None:
        return self.total / self.finite if self.finite else None

    @property
    def std(self) -> float | None:
        """Population standard deviation from the sums (numerically fine for drift scales)."""
        if not self.finite:
            return None
        return math.sqrt(max(self.total_sq / self.finite - (self.total / self.finite) ** 2, 0.0))


def _as_text(frame: pd.DataFrame) -> pd.DataFrame:
    """set_value and day as text once, so every set's mask compares strings; bins as integers."""
    frame = frame.copy()
    for name in ("set_value", "day"):
        if name in frame:
            frame[name] = frame[name].astype(str)
    if "bin" in frame:
        frame["bin"] = frame["bin"].astype("int64")
    return frame


def _int(value: Any) -> int:
    return 0 if value is None or (isinstance(value, float) and math.isnan(value)) else int(value)


def _float(value: Any) -> float | None:
    if value is None or pd.isna(value):
        return None
    value = float(value)
    return value if math.isfinite(value) else None


class Merged:
    """Sums of a model's day profiles over sets of days."""

    def __init__(self, days: pd.DataFrame, bins: pd.DataFrame, levels: pd.DataFrame,
                 edges: dict[str, dict[str, Any]], sketches: pd.DataFrame | None = None):
        days, bins, levels = (_as_text(f) for f in (days, bins, levels))
        self.days, self.bins, self.levels, self.edges = days, bins, levels, edges
        self.sketches = _as_text(sketches if sketches is not None else pd.DataFrame(
            columns=["column_name", "set_value", "day", "sketch"]))
        self._bins_by = {name: frame for name, frame in bins.groupby("column_name")} if not bins.empty else {}
        self._levels_by = {name: frame for name, frame in levels.groupby("column_name")} if not levels.empty else {}

    def rows(self, side: Side) -> int:
        return int(self.days.loc[side.mask(self.days), "n"].sum()) if not self.days.empty else 0

    def day_list(self, side: Side) -> list[str]:
        return sorted(set(self.days.loc[side.mask(self.days), "day"])) if not self.days.empty else []

    def has(self, name: str) -> bool:
        return name in self._bins_by or name in self._levels_by

    def edges_of(self, name: str) -> list[float]:
        return list(self.edges[name]["edges"])

    def _bin_rows(self, name: str, side: Side) -> pd.DataFrame:
        frame = self._bins_by.get(name)
        if frame is None:
            return pd.DataFrame(columns=["bin", "n", "total", "total_sq", "min_value", "max_value"])
        return frame[side.mask(frame)]

    def summary(self, name: str, side: Side) -> ColumnSummary:
        frame = self._bin_rows(name, side)
        by_bin = frame.groupby("bin")["n"].sum() if not frame.empty else pd.Series(dtype=int)
        finite = frame[frame["bin"] >= 0]
        return ColumnSummary(rows=int(by_bin.sum()), nulls=_int(by_bin.get(NULL_BIN, 0)),
                             nans=_int(by_bin.get(NAN_BIN, 0)), infs=_int(by_bin.get(INF_BIN, 0)),
                             finite=int(finite["n"].sum()), total=float(finite["total"].fillna(0).sum()),
                             total_sq=float(finite["total_sq"].fillna(0).sum()),
                             min=_float(finite["min_value"].min()) if not finite.empty else None,
                             max=_float(finite["max_value"].max()) if not finite.empty else None)

    def binned(self, name: str, reference: Side, current: Side):
        """`drift_sql.BinnedCounts` of `name` for the two sets, from the profiles."""
        from strataqc.checks.drift_sql import BinnedCounts

        edges = self.edges_of(name)
        size = len(edges) + 1

        def per_bin(side: Side) -> tuple[list[int], list[float | None], int]:
            frame = self._bin_rows(name, side)
            counts, means = [0] * size, [None] * size
            if frame.empty:
                return counts, means, 0
            grouped = frame.groupby("bin").agg(n=("n", "sum"), total=("total", "sum"))
            missing = 0
            for b, n, total in zip(grouped.index, grouped["n"], grouped["total"]):
                if b < 0:
                    missing += int(n)
                    continue
                counts[b] = int(n)
                means[b] = float(total) / counts[b] if counts[b] else None
            return counts, means, missing

        ref, ref_means, ref_missing = per_bin(reference)
        cur, cur_means, cur_missing = per_bin(current)
        return BinnedCounts(edges, ref, cur, ref_means, cur_means, ref_missing, cur_missing)

    def spread(self, name: str, reference: Side):
        """`drift_sql.ReferenceSpread`: the stored quantiles, the reference's std from the merged sums."""
        from strataqc.checks.drift_sql import ReferenceSpread

        record = self.edges[name]
        summary = self.summary(name, reference)
        return ReferenceSpread(list(record["quantiles"]["values"]), summary.std, summary.finite)

    def level_table(self, name: str, reference: Side, current: Side) -> pd.DataFrame:
        """Rows per level of both sets (NULL rows left out), most rows first; pooled levels as one row."""
        frame = self._levels_by.get(name)
        if frame is None or frame.empty:
            return pd.DataFrame({"level": [], "n_ref": [], "n_cur": [], "kind": []})
        frame = frame[frame["kind"] != NULL_LEVEL]
        ref = frame[reference.mask(frame)].assign(n_ref=lambda f: f["n"].astype("int64"), n_cur=0)
        cur = frame[current.mask(frame)].assign(n_cur=lambda f: f["n"].astype("int64"), n_ref=0)
        both = pd.concat([ref, cur])
        both["level"] = both["level"].where(both["kind"] != OTHER_LEVEL, None)
        table = (both.fillna({"level": "\x00other"}).groupby(["kind", "level"], as_index=False)[["n_ref", "n_cur"]]
                 .sum())
        table["total"] = table["n_ref"] + table["n_cur"]
        return table.sort_values(["total", "level"], ascending=[False, True]).reset_index(drop=True)

    def level_counts(self, name: str, reference: Side, current: Side, limit: int):
        """`drift_sql.LevelCounts` from the profiles (levels pooled per day count in the totals only)."""
        from strataqc.checks.drift_sql import LevelCounts

        table = self.level_table(name, reference, current)
        named = table[table["kind"] == "level"]
        top = named.head(limit)
        return LevelCounts([str(v) for v in top["level"]], [int(v) for v in top["n_ref"]],
                           [int(v) for v in top["n_cur"]], int(len(named)) + int((table["kind"] == OTHER_LEVEL).any()),
                           int(table["n_ref"].sum()), int(table["n_cur"].sum()))

    def new_levels(self, name: str, reference: Side, current: Side, limit: int):
        """`drift_sql.NewLevels` from the profiles: levels with current rows and no reference row."""
        from strataqc.checks.drift_sql import NewLevels

        table = self.level_table(name, reference, current)
        named = table[table["kind"] == "level"]
        new = named[(named["n_ref"] == 0) & (named["n_cur"] > 0)].sort_values(["n_cur", "level"],
                                                                              ascending=[False, True])
        shown = new.head(limit)
        return NewLevels([str(v) for v in shown["level"]], [int(v) for v in shown["n_cur"]], int(len(new)),
                         int(new["n_cur"].sum()), int(table["n_ref"].sum()), int(table["n_cur"].sum()))


    def distinct(self, name: str, side: Side) -> DistinctCount | None:
        """Distinct non-NULL values of categorical `name` over the set, from the merged sketches (None: none kept)."""
        frame = self.sketches[self.sketches["column_name"] == name]
        frame = frame[side.mask(frame)]
        return merged_distinct(frame) if not frame.empty else None

    @classmethod
    def of(cls, profile: Any) -> "Merged":
        """The merge of a refreshed `Profile`."""
        return cls(profile.days, profile.bins, profile.levels, profile.edges, profile.sketches)

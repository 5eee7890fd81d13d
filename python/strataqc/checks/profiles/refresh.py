"""One night's profiling of a model: the days it wrote, nothing else.

1. Rows per (day, set value) are counted (a scan of the date and split columns
   only; with `verify: checksum` also a hash of every column).
2. A day is profiled when it has no profile, its counts (or checksum) differ
   from the ones it was profiled at, it lies in the last `rewrite_days` days
   (the window an incremental model rebuilds), or the profile settings
   changed (new columns, new bin edges: then every day).
3. Bin edges of a numeric column come from the reference's quantiles and are
   kept until the reference's rows change by more than `edges_refresh`: the
   reference is profiled again only when it changes.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass, field
from typing import Any, Callable

import pandas as pd
from sqlglot import exp

from strataqc.checks.profiles import sql as profile_sql
from strataqc.checks.profiles.merge import Side
from strataqc.checks.profiles.settings import ProfileSettings
from strataqc.checks.profiles.sketch import sketch_rows
from strataqc.checks.profiles.store import ProfileStore
from strataqc.sample_key import sample_key

# a derived edge record: {"quantiles": [q25, q75, inner quantiles...], "std": ..., "sample_rows": ...}
Derive = Callable[[list[str]], dict[str, dict[str, Any]]]


@dataclass
class Profile:
    """A model's stored profiles at their latest version, ready to merge over any set of days."""

    days: pd.DataFrame                  # day, set_value, n
    bins: pd.DataFrame                  # column_name, set_value, day, bin, n, total, total_sq, min_value, max_value
    levels: pd.DataFrame                # column_name, set_value, day, kind, level, n
    sketches: pd.DataFrame              # column_name, set_value, day, sketch (categorical columns)
    edges: dict[str, dict[str, Any]]    # numeric column -> its edge record
    profiled_days: list[str] = field(default_factory=list)   # the days this night profiled
    statements: int = 0                 # statements sent to the warehouse by the refresh
    versions: dict[str, str] = field(default_factory=dict)   # day -> the version of its latest profile
    undated: int = 0                    # rows whose partition column is NULL: in no day's profile


def fingerprint(value: Any) -> str:
    return hashlib.sha1(json.dumps(value, sort_keys=True, default=str).encode()).hexdigest()[:16]


def version_now() -> str:
    return dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _checksum(wh: Any, names: list[str]) -> exp.Expression:
    return exp.Mod(this=sample_key(wh.dialect, names, 0), expression=exp.Literal.number(1_000_000_007))


def refresh(wh: Any, spec: Any, settings: ProfileSettings, numeric: list[str], categorical: list[str],
            reference: Side, derive: Derive, bins_key: Any, version: str | None = None) -> Profile:
    """Profile the days of `spec`'s table that need it, and return every day's latest profile."""
    version = version or version_now()
    store = ProfileStore(wh, spec.model)
    store.ensure()
    table = spec.table
    split = spec.split_column if spec.windows is None else None
    checksum = _checksum(wh, list(spec.columns)) if settings.verify == "checksum" else None
    counts = store.query(profile_sql.day_counts(table, settings.column, split, checksum))
    undated = int(counts.loc[counts["day"].isna(), "n"].sum())
    counts = counts[counts["day"].notna()].copy()
    counts["n"] = counts["n"].astype("int64")
    counts["checksum"] = counts["checksum"].map(lambda v: None if pd.isna(v) else str(int(v))) \
        if "checksum" in counts else None
    stored = store.latest_days()

    edges = _edges(store, numeric, counts, reference, derive, bins_key, settings, version)
    settings_fp = fingerprint({"numeric": {n: edges[n]["edges_fp"] for n in numeric if n in edges},
                               "categorical": categorical, "max_levels": settings.max_levels, "split": split,
                               "column": settings.column, "verify": settings.verify})
    days = _days_to_profile(counts, stored, settings, settings_fp)
    everything = stored.empty or set(days) >= set(counts["day"])
    written = days
    if days:
        where_days = None if everything else days
        binned = {n: (edges[n]["edges"], edges[n]["edges_fp"]) for n in numeric if n in edges}
        if binned:
            store.insert_select("profile_bins", profile_sql.numeric_profile(table, binned, settings.column, split,
                                                                          where_days), version)
        if categorical:
            store.insert_select("profile_levels", profile_sql.level_profile(table, categorical, settings.column,
                                                                          split, where_days, settings.max_levels),
                                version)
            store.insert_rows("profile_sketches", sketch_rows(wh, table, categorical, settings.column, split,
                                                              where_days), version)
        rows = [{"day": r.day, "set_value": r.set_value, "n": int(r.n), "checksum": r.checksum,
                 "settings_fp": settings_fp} for r in counts[counts["day"].isin(days)].itertuples(index=False)]
        # a day gone from the table: a profile of no rows, so merges leave it out
        gone = sorted(set(days) - set(counts["day"]))
        rows += [{"day": d, "set_value": "", "n": 0, "checksum": None, "settings_fp": settings_fp} for d in gone]
        store.insert_rows("profile_days", rows, version)
        store.drop_superseded(days, version)
    latest = store.latest_days()
    latest = latest[latest["n"].astype("int64") > 0]
    return Profile(days=latest[["day", "set_value", "n"]].assign(n=lambda f: f["n"].astype("int64")),
                   bins=store.latest_rows("profile_bins", latest), levels=store.latest_rows("profile_levels", latest),
                   sketches=store.latest_rows("profile_sketches", latest), edges=edges, profiled_days=written,
                   statements=store.statements, versions=dict(zip(latest["day"], latest["version"])),
                   undated=undated)


def _days_to_profile(counts: pd.DataFrame, stored: pd.DataFrame, settings: ProfileSettings,
                     settings_fp: str) -> list[str]:
    now = set(counts["day"])
    if stored.empty or (stored["settings_fp"] != settings_fp).any():
        return sorted(now)

    def key(frame: pd.DataFrame, with_checksum: bool) -> dict[str, tuple]:
        out: dict[str, list] = {}
        for r in frame.itertuples(index=False):
            out.setdefault(r.day, []).append((r.set_value, int(r.n), r.checksum if with_checksum else None))
        return {d: tuple(sorted(v, key=str)) for d, v in out.items()}

    checked = settings.verify == "checksum"
    before, after = key(stored, checked), key(counts, checked)
    changed = {d for d in now if before.get(d) != after[d]}
    gone = {d for d in before if d not in now and any(n for _, n, _ in before[d])}
    recent: set[str] = set()
    if settings.rewrite_days and now:
        last = dt.date.fromisoformat(max(now))
        first = (last - dt.timedelta(days=settings.rewrite_days - 1)).isoformat()
        recent = {d for d in now if d >= first}
    return sorted(changed | gone | recent)


def _edges(store: ProfileStore, numeric: list[str], counts: pd.DataFrame, reference: Side, derive: Derive,
           bins_key: Any, settings: ProfileSettings, version: str) -> dict[str, dict[str, Any]]:
    """Each numeric column's bin edges: kept from the store unless the reference changed."""
    kept = store.latest_edges() if numeric else {}
    reference_rows = int(counts.loc[reference.mask(counts), "n"].sum())
    stale = []
    for name in numeric:
        old = kept.get(name)
        if old is None or old["quantiles"].get("bins") != bins_key:
            stale.append(name)
            continue
        before = old["reference_rows"]
        if abs(reference_rows - before) > settings.edges_refresh * max(before, 1):
            stale.append(name)
    out = {n: _with_edges(kept[n]) for n in numeric if n in kept and n not in stale}
    if stale:
        fresh = {}
        for name, spread in derive(stale).items():
            record = {"quantiles": {"values": spread["quantiles"], "bins": bins_key, "edges": spread["edges"]},
                      "std": spread["std"], "sample_rows": spread["sample_rows"], "reference_rows": reference_rows}
            record["edges_fp"] = fingerprint([name, spread["edges"]])
            fresh[name] = record
        store.save_edges(fresh, version)
        out.update({n: _with_edges(r) for n, r in fresh.items()})
    return out


def _with_edges(record: dict[str, Any]) -> dict[str, Any]:
    return {**record, "edges": list(record["quantiles"]["edges"])}


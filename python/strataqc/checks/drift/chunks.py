"""Drift over time: the current set cut into chunks of days, each compared with the reference.

A shift confined to the last weeks is diluted in a whole-set comparison; per
chunk it shows. With stored profiles a chunk is a merge of its days' profiles
(no query); without, each chunk is one more query of the table. The record
keeps the whole-set measure and adds the per-chunk table
(`details["chunks"]`, and `details["table"]` for the report); its status is
the worst of the whole set and the chunks.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlglot import exp

from strataqc.checks.config import window_filter
from strataqc.checks.drift.records import fmt
from strataqc.checks.drift.sets import Sets
from strataqc.checks.profiles.merge import Side
from strataqc.checks.profiles.settings import ChunkSettings
from strataqc.checks.profiles.sql import day_of
from strataqc.results import SEVERITY_ORDER, CheckResult, Status, worst


@dataclass(frozen=True)
class Chunk:
    label: str
    low: str        # first day, ISO
    high: str       # last day, ISO


def chunks_of(days: list[str], settings: ChunkSettings) -> list[Chunk]:
    """The chunks that hold `days` (ISO dates), oldest first: calendar weeks (Monday first), calendar
    months, or runs of N days from the first day."""
    dates = sorted({dt.date.fromisoformat(d) for d in days})
    out: dict[str, Chunk] = {}
    for day in dates:
        if settings.size == "week":
            low = day - dt.timedelta(days=day.weekday())
            high = low + dt.timedelta(days=6)
            year, week, _ = low.isocalendar()
            label = f"{year}-W{week:02d}"
        elif settings.size == "month":
            low = day.replace(day=1)
            high = (low + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
            label = low.strftime("%Y-%m")
        else:
            k = (day - dates[0]).days // settings.days
            low = dates[0] + dt.timedelta(days=k * settings.days)
            high = low + dt.timedelta(days=settings.days - 1)
            label = f"{low.isoformat()}..{high.isoformat()}"
        out.setdefault(label, Chunk(label, low.isoformat(), high.isoformat()))
    return list(out.values())


def _uses_profiles(sets: Sets) -> bool:
    spec = sets.spec
    return sets.profile is not None and spec.profiles is not None and spec.chunks.column == spec.profiles.column


def current_days(sets: Sets, current: exp.Expression, side: Side) -> list[str]:
    """The days of the current set, from the profiles or one query of the date column."""
    if _uses_profiles(sets):
        return sets.profile.day_list(side)
    day = day_of(sets.spec.chunks.column)
    frame = sets.wh.query(exp.select(day.as_("day")).from_(sets.table.copy()).where(current.copy())
                          .group_by(day.copy()))
    return [str(d) for d in frame["day"] if d is not None]


def _rank(status: Status) -> int:
    return SEVERITY_ORDER.index(status)


def chunked(sets: Sets, params: dict, whole: CheckResult, measure, current: exp.Expression, current_name: str,
            side: Side) -> CheckResult:
    """`whole` with the per-chunk table of `sets.spec.chunks`; `measure(filter, name, side)` measures one set."""
    settings = sets.spec.chunks
    if settings is None or whole.status in (Status.ERROR, Status.SKIP) or not whole.details:
        return whole
    kind = whole.details.get("distribution", {}).get("kind", "numeric")
    metric = "psi" if kind == "numeric" else "js"
    warn, fail = float(params[f"{metric}_warn"]), float(params[f"{metric}_fail"])
    rows = []
    for chunk in chunks_of(current_days(sets, current, side), settings):
        where = exp.and_(current.copy(), window_filter(settings.column, chunk.low, chunk.high))
        chunk_side = side.within(chunk.low, chunk.high) if _uses_profiles(sets) else None
        result = measure(where, f"{current_name} {chunk.label}", chunk_side)
        metrics = (result.details or {}).get("metrics") or {}
        # a chunk with no value to compare is shown, not judged: the whole set already says so
        status = result.status if metrics else Status.SKIP
        rows.append({"chunk": chunk.label, "from": chunk.low, "to": chunk.high,
                     "rows": metrics.get("current_rows"), "value": metrics.get(metric),
                     "wasserstein_norm": metrics.get("wasserstein_norm"), "status": str(status)})
    judged = [Status(r["status"]) for r in rows if r["status"] != str(Status.SKIP)]
    details = {**whole.details,
               "chunks": {"column": settings.column, "size": settings.size, "metric": metric, "warn": warn,
                          "fail": fail, "rows": rows},
               "table": {"title": f"{whole.column}: {metric.upper()} per {settings.size} chunk of {current_name}",
                         "columns": ["chunk", "from", "to", "rows", metric, "status"],
                         "rows": [[r["chunk"], r["from"], r["to"], r["rows"], r["value"], r["status"]]
                                  for r in rows]}}
    worst_chunk = worst(judged)
    if _rank(worst_chunk) >= _rank(whole.status):  # the chunks add nothing worse than the whole set
        return whole.replace(details=details)
    flagged = [r for r in rows if r["status"] == str(worst_chunk)]
    top = max(flagged, key=lambda r: r["value"] if r["value"] is not None else float("-inf"))
    limit = fail if worst_chunk is Status.FAIL and params.get("severity") != "warn" else warn
    shown = ", ".join(f"{r['chunk']} {metric.upper()} {fmt(r['value'])}" for r in flagged[-5:])
    message = (f"{whole.column} drifted in {len(flagged)} of {len(rows)} {settings.size} chunks of {current_name} "
               f"({shown}; limit {limit}) though the whole set did not: {whole.message}")
    observed = top["value"] if top["value"] is not None else whole.observed
    return whole.replace(status=worst_chunk, observed=observed, threshold=limit, message=message, details=details)

"""Which earlier nights tonight's record is compared with: those that measured what it measures.

A record is compared with nights judged against the same limit (drift reports the statistic
that breached, so its limit names the statistic) and read in the same scope: a night scoped
to the rows its run wrote (`new_rows`, kept in `strataqc_history.check_scopes`) against such
nights, a whole-table night against whole-table nights. A multi-rule record's rules keep one
series of per-night failing rows across scopes (per_night.py).
"""

from __future__ import annotations

import math
from typing import Any

import pandas as pd

from strataqc import per_night
from strataqc.results import CheckResult
from strataqc.run import QCRun, check_key
from strataqc.substance import facets, present


def scope_of(r: CheckResult) -> str | None:
    """"new_rows" when the record read only the rows its run wrote; None when it read its whole table."""
    scope = (r.details or {}).get("scope")
    return str(scope) if scope else None


def comparable(baseline: list[tuple[float, int, float | None, str | None]], threshold: float | None,
               scope: str | None = None) -> tuple[list[float], list[int]]:
    """(values, weekdays) of the baseline's nights (value, weekday, limit, scope) that measured what
    tonight measures.

    Not judged against another limit than tonight's: a check that reports the statistic that breached
    (drift: PSI on a quiet night, Wasserstein the night it warns) measures another statistic against
    another limit, and mixing them makes a departure out of a change of unit. A night without a limit
    (a SQL test's passing count) is kept, as is every night when tonight has none.
    Read in tonight's scope: a night that read the rows its run wrote counts tonight's rows, one that
    read the whole table (a full refresh, a cadence night) counts all of them."""
    same = [(value, day) for value, day, limit, night_scope in baseline if night_scope == scope and
            (limit is None or threshold is None or math.isclose(limit, float(threshold)))]
    return [value for value, _ in same], [day for _, day in same]


def stored_scope(value: Any) -> str | None:
    """A stored scope: None for NaN, NULL or empty (the whole table)."""
    return str(value) if present(value) and value else None


def rules_per_night(entries: list[per_night.Entry], r: CheckResult) -> tuple[list[Any], dict[str, float] | None]:
    """A multi-rule record's baseline of per-night failing rows, and tonight's (None: as its message says).

    A whole-table night after scoped nights is judged on its rows new since the last whole-table night;
    without an earlier one it has nothing to be judged on ({})."""
    rows = None
    if scope_of(r) is None and any(scope is not None for _, _, scope, _ in entries):
        rows = per_night.since_last_whole(entries, facets(r.message)) or {}
    return per_night.per_night(entries), rows


def previous_in_scope(earlier: pd.DataFrame, previous: pd.DataFrame,
                      run: QCRun) -> tuple[list[dict[str, Any]], list[str]]:
    """Last night's record of each check, or the newest one read in tonight's scope when last night read
    another (a cadence night after scoped nights compares with the last cadence night, not with a night's
    slice); and the checks with no earlier record in tonight's scope: their values say nothing new."""
    tonight = {check_key(r): scope_of(r) for r in run.results}
    rows = previous.to_dict(orient="records")
    moved = {row["check_key"] for row in rows
             if row["check_key"] in tonight and stored_scope(row.get("scope")) != tonight[row["check_key"]]}
    if not moved:
        return rows, []
    # the newest earlier record of each such check in tonight's scope (one pass over the history)
    candidates = earlier[earlier["check_key"].isin(moved)]
    in_scope = [stored_scope(s) == tonight[k] for k, s in zip(candidates["check_key"], candidates["scope"])]
    candidates = candidates[in_scope]
    newest = {row["check_key"]: row for row in candidates.sort_values("generated_at").to_dict(orient="records")}
    found = [newest.get(row["check_key"], row) if row["check_key"] in moved else row for row in rows]
    return found, sorted(moved - set(newest))

"""A rule's failing rows per night, whichever scope each night was read in.

A night scoped to the rows it wrote (`new_rows`) counts the failing rows of its own
slice; a whole-table night (a full refresh, a cadence night) counts every row the
table holds. The rows a whole-table night adds to the count are the ones it has new
since the last whole-table night, less what the scoped nights between counted:
that difference is a night's worth of rows, comparable with a scoped night's count.
So a rule's trend runs over one series of per-night counts, and a defect landing on
a cadence night is judged as on any other night.

A night's `facets` are {"column: rule": failing rows}; an entry is
(facets, weekday, scope, kept): kept nights form the baseline, every night counts
in the sums (a failing night's rows are rows all the same).
"""

from __future__ import annotations

from typing import Any

Entry = tuple[dict[str, float], Any, Any, bool]


def since_last_whole(entries: list[Entry], whole: dict[str, float]) -> dict[str, float] | None:
    """A whole-table night's rows per rule new since the last whole-table night in `entries` (oldest
    first), less the scoped nights' counts between; None without an earlier whole-table night."""
    last = max((i for i, (_, _, scope, _) in enumerate(entries) if scope is None), default=None)
    if last is None:
        return None
    before = entries[last][0]
    between = [f for f, _, scope, _ in entries[last + 1:] if scope is not None]
    return {facet: max(0.0, rows - before.get(facet, 0.0) - sum(f.get(facet, 0.0) for f in between))
            for facet, rows in whole.items()}


def per_night(entries: list[Entry]) -> list[tuple[dict[str, float], Any]]:
    """The kept nights as (failing rows per rule of that night alone, weekday), oldest first.

    A history read in one scope throughout is returned as it is: a whole table's counts are
    trended as they are (a count judged by its nightly increment). With scoped nights, a whole-table
    night gives its rows new since the last whole-table night; the first whole-table night of the
    history, with nothing to difference, is left out."""
    scoped = any(scope is not None for _, _, scope, _ in entries)
    out = []
    for i, (found, weekday, scope, kept) in enumerate(entries):
        if not kept:
            continue
        if scope is not None or not scoped:
            out.append((found, weekday))
            continue
        night = since_last_whole(entries[:i], found)
        if night is not None:
            out.append((night, weekday))
    return out

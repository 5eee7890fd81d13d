"""Tonight's news apart from what failed last night: the problems an incident may be rooted in tonight.

A warehouse has defects that fail every night (the demo plants them on purpose); a
defect landing tonight must not be swallowed by their long-running incident. News is
an anomaly, a problem that was none (or a milder one) in the previous run, or one
changed in substance since then (substance.py). A `column_checks` record folds every
rule into one record: when it changed, it is news on the columns whose rules fail
anew or on more rows only. A problem whose model was not built last night is judged
against the last night it ran.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from strataqc.run import QCRun
from strataqc.substance import as_last_night, changed, facets, moved_facets

PROBLEM_RANK = {"warn": 1, "fail": 2, "error": 3}


def news(found: list[Any], run: QCRun) -> tuple[list[Any], list[Any]]:
    """(tonight's news, the problems unchanged since the previous run); all news without a previous run.

    News: an anomaly; a problem that was none, or a milder one, in the previous run; one changed
    in substance since then. A column_checks record that changed on some columns is news on
    those columns only: the others' failures are last night's."""
    previous = run.context.get("previous")
    if not previous:
        return [replace(p, why="new") for p in found], []
    series = run.context.get("series") or {}
    statuses = run.context.get("status_series") or {}
    rescoped = set(run.context.get("rescoped") or [])  # no earlier night read in tonight's scope
    fresh, known = [], []
    for p in found:
        before = previous.get(p.key)
        r = p.record
        if before is not None and str(before.get("status")) == "skip" and not p.anomaly:
            # not run last night (its model held back): judged against the last night it ran
            ran = [s for _, s in statuses.get(p.key, []) if str(s) != "skip"]
            if ran and ran[-1] == str(r.status):
                known.append(p)
                continue
        if p.anomaly and _as_last_night(p, before):
            p = replace(p, anomaly=False)  # off its history as it was last night: that was the news
        if p.anomaly or before is None or PROBLEM_RANK.get(str(before.get("status")), 0) < \
                PROBLEM_RANK.get(str(r.status), 0):
            fresh.append(replace(p, why="anomaly" if p.anomaly else "new" if before is None else "worse"))
            continue
        if PROBLEM_RANK.get(str(before.get("status")), 0) > PROBLEM_RANK.get(str(r.status), 0):
            known.append(p)  # easing off is not news
            continue
        if p.key in rescoped:
            known.append(p)  # a whole table's rows against a night's slice (or back): not a change of the data
            continue
        moved = moved_facets(before.get("message"), r.message)
        if moved:
            narrowed = frozenset(moved & p.columns) if p.columns and moved & p.columns else frozenset(moved)
            fresh.append(replace(p, columns=narrowed, why="changed"))
        elif not moved_facets_known(before.get("message"), r.message) and changed(
                before.get("status"), before.get("failures"), before.get("observed"), r, previous=before,
                recent=series.get(p.key)):
            fresh.append(replace(p, why="changed"))
        else:
            known.append(p)
    return fresh, known


def _as_last_night(p: Any, before: dict[str, Any] | None) -> bool:
    """Is a warning's value (off its history) the same as last night's? A rule's own trend is not judged here."""
    r = p.record
    if before is None or "#" in p.key or str(before.get("status")) != str(r.status):
        return False
    return as_last_night(r.observed if r.observed is not None else r.failures, before)


def moved_facets_known(old_message: Any, new_message: Any) -> bool:
    """Both messages name column_checks rules: their facets tell what changed, the totals say nothing more."""
    return bool(facets(old_message)) and bool(facets(new_message))

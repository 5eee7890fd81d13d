"""A value creeping over its threshold: a new failure that is not news.

A drift score or a model gate climbing slowly night after night crosses its
limit one night by a hair: 0.401 against 0.4, after 0.39 the night before, or
after warning at the milder limit for days. That is a status to mention, not a
reason to wake anyone: the failure is kept *pending* and rides with the next
message that has news ("crept over its threshold"), like a fix or a reminder.

A failure crept when tonight's value is within `crossing_margin` (relative) of
the threshold it crossed and moved since last night less than that margin (the
same statistic: a drift record names each) or, for a check of one value, no
more than its usual nightly moves (substance._jump): a climb, not a jump. A pending failure that moves in substance (substance.changed) is news; one that
passes again before it was told is forgotten.
"""

from __future__ import annotations

import math
import re
from typing import Any

from strataqc.results import CheckResult
from strataqc.substance import _jump

PENDING = "pending:"
# a crossing by less than this share of the threshold is a creep (`crossing_margin`)
CROSSING_MARGIN = 0.10
# a drift record names each statistic with its value: the one near `observed` is what was judged
STATISTIC = re.compile(r"(PSI|binned Wasserstein|Wasserstein|Jensen-Shannon|KS ≥|Cramér's V) (\d[\d.]*(?:e[-+]?\d+)?)")


def _number(value: Any) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def crept(r: CheckResult, last: dict[str, Any] | None, margin: float = CROSSING_MARGIN,
          recent: list[float] | None = None) -> bool:
    """Did tonight's failure only creep over its threshold? `last`: the check's record of last night;
    `recent`: its earlier values, oldest first (a steady climb's nightly moves are not jumps)."""
    value, limit = _number(r.observed), _number(r.threshold)
    if margin <= 0 or value is None or not limit or last is None:
        return False
    band = margin * abs(limit)
    if abs(value - limit) > band:
        return False  # well past the limit: a real effect
    before = _before(r, value, limit, last)
    if before is None:
        return False  # nothing to compare with: news
    named = bool(STATISTIC.search(str(r.message or "")))  # the earlier values may be other statistics
    # a move within the margin, or (by one value) no more than the usual nightly moves: a climb, not a jump
    return abs(value - before) <= band or (not named and not _jump(recent, value, before))


def _before(r: CheckResult, value: float, limit: float, last: dict[str, Any]) -> float | None:
    """Last night's value of the statistic tonight's value is: the same named statistic, else the same limit's."""
    named = [(name, float(v)) for name, v in STATISTIC.findall(str(r.message or "")) if _number(v) is not None]
    if named:
        name = min(named, key=lambda nv: abs(nv[1] - value))[0]
        earlier = {n: float(v) for n, v in STATISTIC.findall(str(last.get("message") or "")) if _number(v) is not None}
        return earlier.get(name)
    same_limit = _number(last.get("threshold")) == limit
    return _number(last.get("observed")) if same_limit else None


def is_pending(prev: dict[str, Any] | None) -> bool:
    return prev is not None and str(prev.get("status") or "").startswith(PENDING)


def pending_row(key: str, r: CheckResult, prev: dict[str, Any] | None, stamp: str, run_id: str) -> dict[str, Any]:
    """A crept failure waiting for the next message: its first crept value is what a change is judged from."""
    if is_pending(prev):
        return {**prev, "run_id": run_id}
    return {"check_key": key, "status": PENDING + str(r.status), "failures": r.failures, "observed": r.observed,
            "first_alerted_at": stamp, "last_alerted_at": stamp, "run_id": run_id}

"""Hysteresis: a failure crossing its threshold back and forth is one story, not news at each crossing.

A drift score or a model gate sitting near its threshold goes pass -> fail ->
pass -> fail from night to night. Once alerted, a failure that passes is
announced as fixed, but what was alerted (status, value, when) is kept as
`fixed:<status>` until it has passed for `flap_hours`. Failing again in
that time is the same failure re-crossing its threshold: a repeat (quiet, or the
one reminder when due), unless it changed in substance from the value alerted
(history.changed: another status, a move beyond `change_tolerance`). A pass while
it is remembered is not announced again. After `flap_hours` without failing the memory is
forgotten and a failure is news again; `flap_hours: 0` forgets at the fix.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

FIXED = "fixed:"


def _parse_time(value: Any) -> dt.datetime | None:
    if not value:
        return None
    try:
        return dt.datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return None


def is_fixed(prev: dict[str, Any] | None) -> bool:
    return prev is not None and str(prev.get("status") or "").startswith(FIXED)


def alerted_status(prev: dict[str, Any]) -> str:
    """The status the failure was alerted with, fixed since or not."""
    status = str(prev.get("status") or "")
    return status[len(FIXED):] if status.startswith(FIXED) else status


def fixed_row(key: str, prev: dict[str, Any], run_id: str) -> dict[str, Any]:
    """The alert state of a fixed failure: what was alerted, kept to judge a re-crossing."""
    return {"check_key": key, "status": FIXED + alerted_status(prev), "failures": prev.get("failures"),
            "observed": prev.get("observed"), "first_alerted_at": prev.get("first_alerted_at"),
            "last_alerted_at": prev.get("last_alerted_at"), "run_id": run_id}


def expired(prev: dict[str, Any], now: dt.datetime, flap_hours: float,
            statuses: list[tuple[Any, Any]] | None = None) -> bool:
    """Has a fixed failure passed for `flap_hours` since it last failed (alerted or not)?

    `statuses`: the check's earlier (generated_at, status), oldest first (run_context's status_series)."""
    failing = {"fail", "error", alerted_status(prev)}
    seen = [_parse_time(prev.get("last_alerted_at"))] + [_parse_time(at) for at, s in statuses or [] if s in failing]
    last = max((t for t in seen if t is not None), default=None)
    return last is None or now - last > dt.timedelta(hours=flap_hours)

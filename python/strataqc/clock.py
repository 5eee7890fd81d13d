"""What StrataQC takes as "now": the wall clock, or STRATAQC_NOW for replays and simulated nights.

`qc-report simulate` runs thirty nights in minutes; each night sets STRATAQC_NOW
to its own date, so reminder intervals and weekdays behave as over thirty real nights.
"""

from __future__ import annotations

import datetime as dt
import os

ENV = "STRATAQC_NOW"


class ClockError(ValueError):
    """STRATAQC_NOW is not a timestamp."""


def now() -> dt.datetime:
    value = os.environ.get(ENV, "").strip()
    if not value:
        return dt.datetime.now(dt.timezone.utc)
    try:
        stamp = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError as exc:
        raise ClockError(f"{ENV}={value!r} is not an ISO timestamp; give e.g. 2026-04-01T03:00:00Z or unset it") \
            from exc
    return stamp if stamp.tzinfo else stamp.replace(tzinfo=dt.timezone.utc)


def stamp(when: dt.datetime | None = None) -> str:
    return (when or now()).astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def run_time(generated_at: str) -> str:
    """The run's timestamp: dbt's, unless the clock is set (a simulated night is stamped with its own date)."""
    return stamp() if os.environ.get(ENV, "").strip() else generated_at

"""The stored nights for a person: trends per check (`qc-report history`), and accepting a known failure (`ack`)."""

from __future__ import annotations

import datetime as dt
import getpass
import json
import os
import sys
from dataclasses import dataclass

from rich.console import Console

from strataqc.exits import EXIT_CANNOT_RUN, EXIT_OK
from strataqc.json_safe import json_safe
from strataqc.logs import stderr
from strataqc.options import argument, option
from strataqc.warehouse import WarehouseOptions, opened

@dataclass(frozen=True, kw_only=True)
class HistoryQuery(WarehouseOptions):
    runs: int = option(28, "how many recent runs")
    check: str | None = option(None, "only this check")
    model: str | None = option(None, "only this model")
    fmt: str = option("table", "table or json", "--format", "-f")


def show_history(opts: HistoryQuery) -> int:
    """Trends per check (pass rate, observed value over time) and what changed since the last run."""
    from strataqc.history import History, changes_between, summarize  # pandas: only for the commands that read

    with opened(opts) as wh:
        frame = History(wh).last_runs(opts.runs)
    if opts.check:
        frame = frame[frame["check_name"] == opts.check]
    if opts.model:
        frame = frame[frame["model"] == opts.model]
    if frame.empty:
        stderr.print("no history yet: run `qc-report run` after a `dbt build`")
        return EXIT_OK
    rows = summarize(frame)
    changes = changes_between(frame)
    if opts.fmt == "json":
        sys.stdout.write(json.dumps(json_safe({"checks": rows, "changes": changes}), indent=2) + "\n")
        return EXIT_OK
    from strataqc.report.terminal import print_history

    print_history(rows, changes, Console(highlight=False, width=None if sys.stdout.isatty() else 200))
    return EXIT_OK


@dataclass(frozen=True, kw_only=True)
class Ack(WarehouseOptions):
    check: str = argument("check name, e.g. unique_key or feature_drift")
    model: str = option(..., "model the check is on")
    reason: str = option(..., "why the failure is known and accepted")
    column: str | None = option(None, "only this column")
    until: dt.datetime | None = option(None, "expiry date (YYYY-MM-DD, inclusive)", formats=["%Y-%m-%d"])
    by: str | None = option(None, "who acknowledges (default: $USER)")


def acknowledge(opts: Ack) -> int:
    """Acknowledge a failing check: shown in the report, not alerted until it expires or changes."""
    if not opts.reason.strip():
        stderr.print("give a --reason: it is what the next on-call person reads")
        return EXIT_CANNOT_RUN
    who = opts.by or os.environ.get("USER") or getpass.getuser()
    from strataqc.history import History

    with opened(opts) as wh:
        row = History(wh).add_ack(opts.check, opts.model, opts.reason.strip(), column=opts.column, by=who,
                                  until=opts.until.date() if opts.until else None)
    scope = f"{opts.check} on {opts.model}" + (f".{opts.column}" if opts.column else "")
    expiry = f" until {row['until_date']}" if row["until_date"] else ""
    seen = f" (last seen: {row['status']})" if row.get("status") else " (not seen failing yet)"
    print(f"acknowledged {scope}{expiry} by {who}{seen}")
    return EXIT_OK

"""`qc-report history` and `qc-report ack`: read the stored nights, accept a known failure."""

from __future__ import annotations

import datetime as dt
import getpass
import os
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from strataqc.cli.base import LockWait, ProfilesDir, ProjectDir, TargetName, app, in_warehouse
from strataqc.logs import setup_logging, stderr
from strataqc.night import EXIT_CANNOT_RUN, EXIT_OK
from strataqc.warehouse import DEFAULT_LOCK_WAIT_S


@app.command()
def history(
    project_dir: ProjectDir = Path("."),
    profiles_dir: ProfilesDir = None,
    target: TargetName = None,
    runs: Annotated[int, typer.Option(help="how many recent runs")] = 28,
    check: Annotated[str | None, typer.Option(help="only this check")] = None,
    model: Annotated[str | None, typer.Option(help="only this model")] = None,
    fmt: Annotated[str, typer.Option("--format", "-f", help="table or json")] = "table",
    lock_wait: LockWait = DEFAULT_LOCK_WAIT_S,
) -> None:
    """Trends per check (pass rate, observed value over time) and what changed since the last run."""
    setup_logging()
    from strataqc.history import History, changes_between, summarize

    frame = in_warehouse(lambda wh: History(wh).last_runs(runs), project_dir, profiles_dir, target, lock_wait)
    if check:
        frame = frame[frame["check_name"] == check]
    if model:
        frame = frame[frame["model"] == model]
    if frame.empty:
        stderr.print("no history yet: run `qc-report run` after a `dbt build`")
        raise typer.Exit(EXIT_OK)
    rows = summarize(frame)
    changes = changes_between(frame)
    if fmt == "json":
        import json

        from strataqc.json_safe import json_safe

        sys.stdout.write(json.dumps(json_safe({"checks": rows, "changes": changes}), indent=2) + "\n")
        raise typer.Exit(EXIT_OK)
    from strataqc.report.terminal import print_history

    print_history(rows, changes, Console(highlight=False, width=None if sys.stdout.isatty() else 200))


@app.command()
def ack(
    check: Annotated[str, typer.Argument(help="check name, e.g. unique_key or feature_drift")],
    model: Annotated[str, typer.Option(help="model the check is on")],
    reason: Annotated[str, typer.Option(help="why the failure is known and accepted")],
    column: Annotated[str | None, typer.Option(help="only this column")] = None,
    until: Annotated[dt.datetime | None, typer.Option(formats=["%Y-%m-%d"], help="expiry date (YYYY-MM-DD, "
                                                                                   "inclusive)")] = None,
    by: Annotated[str | None, typer.Option(help="who acknowledges (default: $USER)")] = None,
    project_dir: ProjectDir = Path("."),
    profiles_dir: ProfilesDir = None,
    target: TargetName = None,
    lock_wait: LockWait = DEFAULT_LOCK_WAIT_S,
) -> None:
    """Acknowledge a failing check: shown in the report, not alerted until it expires or changes."""
    setup_logging()
    from strataqc.history import History

    if not reason.strip():
        stderr.print("give a --reason: it is what the next on-call person reads")
        raise typer.Exit(EXIT_CANNOT_RUN)
    who = by or os.environ.get("USER") or getpass.getuser()
    row = in_warehouse(lambda wh: History(wh).add_ack(check, model, reason.strip(), column=column, by=who,
                                                      until=until.date() if until else None),
                       project_dir, profiles_dir, target, lock_wait)
    scope = f"{check} on {model}" + (f".{column}" if column else "")
    expiry = f" until {row['until_date']}" if row["until_date"] else ""
    seen = f" (last seen: {row['status']})" if row.get("status") else " (not seen failing yet)"
    typer.echo(f"acknowledged {scope}{expiry} by {who}{seen}")

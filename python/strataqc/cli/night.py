"""`qc-report run` and `qc-report night`: one NightOptions, declared once for both."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from strataqc.cli.base import app, with_night_options
from strataqc.night import NightOptions
from strataqc.night import night as run_night
from strataqc.night import report


@app.command()
@with_night_options
def run(opts: NightOptions) -> int:
    """Merge tonight's dbt results with the Python checks; store, render, alert.

    \b
    Exit codes:
      0  ok
      1  a check failed at --fail-on (error: fail or error; warn: also warn)
      2  StrataQC itself could not run (no artifacts, no warehouse, locked past --lock-wait,
         unknown --select, unwritable output, bad config)
      3  alerts could not be delivered (kept in the spool folder)
    """
    return report(opts)


@app.command()
@with_night_options
def night(
    opts: NightOptions,
    landing: Annotated[Path | None, typer.Option(help="load this landing directory first")] = None,
    dbt_arg: Annotated[list[str] | None, typer.Option("--dbt-arg", help="extra argument for dbt build "
                                                                        "(repeat)")] = None,
) -> int:
    """The whole night for a scheduler: load landing files, `dbt build`, then `run`.

    Same exit codes as `run`; dbt's own failing tests are reported, not fatal.
    """
    return run_night(opts, landing, dbt_arg)

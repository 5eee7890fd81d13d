"""qc-report: generate and load the demo landing zone, merge a night's results.

Exit codes of `run` and `night`:

\b
  0  every check passed the --fail-on bar (and alerts, if any, were delivered)
  1  a check failed at the --fail-on level (error: fail/error; warn: also warn)
  2  StrataQC itself could not run (no or corrupt dbt artifacts, warehouse unreachable or locked
     past --lock-wait, unknown --select model, unwritable report path, bad profile or alert config)
  3  alerts could not be delivered (kept in the spool file); wins over 1 and 2 because nobody was told
  (a report that went out while its history could not be stored exits 2)
"""

from __future__ import annotations

import dataclasses
import functools
import inspect
from pathlib import Path
from typing import Annotated, Any, Callable

import typer

from strataqc.logs import cannot_run, setup_logging
from strataqc.night import EXIT_CANNOT_RUN, CannotRun, NightOptions, guarded, open_warehouse
from strataqc.report.render import Format
from strataqc.run import FailOn

app = typer.Typer(add_completion=False, no_args_is_help=True, help=__doc__, rich_markup_mode=None)

ProjectDir = Annotated[Path, typer.Option(help="dbt project (folder of dbt_project.yml)")]
ProfilesDir = Annotated[Path | None, typer.Option(help="folder of profiles.yml (default: dbt's search order)")]
TargetName = Annotated[str | None, typer.Option("--target", help="dbt target (default: the profile's)")]
LockWait = Annotated[float, typer.Option(help="seconds to wait for a warehouse file another process holds "
                                              "(DuckDB has one writer), retrying, before giving up")]
Alerts = Annotated[Path | None, typer.Option("--alerts", help="alert config YAML (default: PROJECT_DIR/"
                                                              "strataqc_alerts.yml, or STRATAQC_ALERT_URLS)")]

# NightOptions field -> its option on the command line (declared once for `run` and `night`)
NIGHT_OPTIONS: dict[str, Any] = {
    "project_dir": ProjectDir,
    "profiles_dir": ProfilesDir,
    "target": TargetName,
    "target_path": Annotated[Path | None, typer.Option(help="dbt's target folder with run_results.json and "
                                                            "manifest.json (default: PROJECT_DIR/target)")],
    "select": Annotated[list[str] | None, typer.Option("--select", "-s", help="only these models (repeat, or "
                                                                              "space/comma separated)")],
    "fmt": Annotated[Format, typer.Option("--format", "-f", help="report on stdout (or --output)")],
    "output": Annotated[Path | None, typer.Option("--output", "-o", help="write the report here instead of stdout")],
    "html": Annotated[Path | None, typer.Option("--html", help="also write the HTML dashboard here")],
    "json_out": Annotated[Path | None, typer.Option("--json", help="also write the JSON report here")],
    "junit": Annotated[Path | None, typer.Option("--junit", help="also write JUnit XML here (CI test reports)")],
    "markdown": Annotated[Path | None, typer.Option("--markdown", help="also write the Markdown summary here "
                                                                      "(pull-request comment)")],
    "fail_on": Annotated[FailOn, typer.Option(help="least severe status that exits 1")],
    "sample_rows": Annotated[int, typer.Option(help="failing rows fetched per failed test (0: none)")],
    "alerts": Alerts,
    "no_alerts": Annotated[bool, typer.Option("--no-alerts", help="do not send alerts")],
    "no_history": Annotated[bool, typer.Option("--no-history", help="do not read or write the history tables")],
    "python_checks": Annotated[bool, typer.Option("--python-checks/--no-python-checks",
                                                  help="run the Python checks over ADS models")],
    "lock_wait": LockWait,
    "check_stale": Annotated[bool, typer.Option("--check-stale", help="also run the Python checks of models "
                                                                      "this dbt invocation did not build")],
    "verbose": Annotated[bool, typer.Option("--verbose", "-v", help="the terminal table lists passing checks "
                                                                    "too (by default: what needs attention)")],
}


def with_night_options(command: Callable[..., int]) -> Callable[..., None]:
    """A typer command taking NightOptions' fields as options, plus the command's own (after `opts`)."""
    own = [p for p in inspect.signature(command, eval_str=True).parameters.values() if p.name != "opts"]
    shared = [inspect.Parameter(f.name, inspect.Parameter.KEYWORD_ONLY, annotation=NIGHT_OPTIONS[f.name],
                                default=None if f.default == () else f.default)
              for f in dataclasses.fields(NightOptions)]

    @functools.wraps(command)
    def wrapper(**values: Any) -> None:
        mine = {p.name: values.pop(p.name) for p in own}
        setup_logging()
        raise typer.Exit(guarded(lambda: command(NightOptions(**values), **mine)))

    wrapper.__signature__ = inspect.Signature([p.replace(kind=inspect.Parameter.KEYWORD_ONLY) for p in own] + shared)
    return wrapper


def in_warehouse(work: Callable[[Any], Any], project_dir: Path, profiles_dir: Path | None, target: str | None,
                 lock_wait: float) -> Any:
    """`work(wh)` on the target's warehouse; one that cannot be opened exits 2 with the reason."""
    try:
        with open_warehouse(project_dir, profiles_dir, target, lock_wait) as wh:
            return work(wh)
    except CannotRun as exc:
        cannot_run(exc)
        raise typer.Exit(EXIT_CANNOT_RUN)

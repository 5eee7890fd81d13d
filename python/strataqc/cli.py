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

import contextlib
import datetime as dt
import getpass
import importlib.util
import logging
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Annotated, Any, Iterator

import typer
from rich.console import Console

from strataqc.report.render import Format
from strataqc.report.run import FailOn

app = typer.Typer(add_completion=False, no_args_is_help=True, help=__doc__, rich_markup_mode=None)
stderr = Console(stderr=True, highlight=False)
log = logging.getLogger("strataqc")

# Exit codes (documented in README and above): 0 ok, 1 checks failed, 2 StrataQC could not run, 3 alerts undelivered.
EXIT_OK, EXIT_CHECKS_FAILED, EXIT_CANNOT_RUN, EXIT_ALERTS_FAILED = 0, 1, 2, 3

ProjectDir = Annotated[Path, typer.Option(help="dbt project (folder of dbt_project.yml)")]
ProfilesDir = Annotated[Path | None, typer.Option(help="folder of profiles.yml (default: dbt's search order)")]
TargetName = Annotated[str | None, typer.Option("--target", help="dbt target (default: the profile's)")]
TargetPath = Annotated[Path | None, typer.Option(help="dbt's target folder with run_results.json "
                                                      "and manifest.json (default: PROJECT_DIR/target)")]
Select = Annotated[list[str] | None, typer.Option("--select", "-s", help="only these models (repeat, or "
                                                                         "space/comma separated)")]
FormatOpt = Annotated[Format, typer.Option("--format", "-f", help="report on stdout (or --output)")]
Output = Annotated[Path | None, typer.Option("--output", "-o", help="write the report here instead of stdout")]
HtmlOut = Annotated[Path | None, typer.Option("--html", help="also write the HTML dashboard here")]
JsonOut = Annotated[Path | None, typer.Option("--json", help="also write the JSON report here")]
JunitOut = Annotated[Path | None, typer.Option("--junit", help="also write JUnit XML here (CI test reports)")]
MarkdownOut = Annotated[Path | None, typer.Option("--markdown", help="also write the Markdown summary here "
                                                                    "(pull-request comment)")]
FailOnOpt = Annotated[FailOn, typer.Option(help="least severe status that exits 1")]
SampleRows = Annotated[int, typer.Option(help="failing rows fetched per failed test (0: none)")]
Alerts = Annotated[Path | None, typer.Option("--alerts", help="alert config YAML (default: PROJECT_DIR/"
                                                              "strataqc_alerts.yml, or STRATAQC_ALERT_URLS)")]
NoAlerts = Annotated[bool, typer.Option("--no-alerts", help="do not send alerts")]
NoHistory = Annotated[bool, typer.Option("--no-history", help="do not read or write the history tables")]
PythonChecks = Annotated[bool, typer.Option("--python-checks/--no-python-checks",
                                            help="run the Python checks over ADS models")]
LockWait = Annotated[float, typer.Option(help="seconds to wait for a warehouse file another process holds "
                                              "(DuckDB has one writer), retrying, before giving up")]

# DuckDB lets one process write a file: another `qc-report run` or a dbt build holds it for a while
DEFAULT_LOCK_WAIT_S = 120.0


class CannotRun(Exception):
    """StrataQC itself cannot run; the message says what to do (exit 2)."""


def cannot_run(exc: object) -> None:
    """One unwrapped line on stderr: paths and commands stay copy-pasteable."""
    from rich.markup import escape

    text = MASK_LOGS.redactor.text(str(exc)) if MASK_LOGS.redactor is not None else str(exc)
    stderr.print(f"[red]qc-report cannot run[/]: {escape(text)}", soft_wrap=True, highlight=False)


def _is_lock(exc: Exception) -> bool:
    text = str(exc).lower()
    return "lock" in text and ("conflicting" in text or "could not set" in text or "database is locked" in text)


def open_warehouse(project_dir: Path, profiles_dir: Path | None, target: str | None,
                   lock_wait: float = DEFAULT_LOCK_WAIT_S) -> Any:
    """Connect to the profile's warehouse; a file locked by another process is retried, bounded by lock_wait."""
    import re

    from strataqc.report.redact import Redactor
    from strataqc.warehouse import Warehouse, WarehouseError, load_target

    try:
        spec = load_target(project_dir, profiles_dir, target)
    except WarehouseError as exc:
        raise CannotRun(str(exc)) from exc
    except Exception as exc:  # an unreadable profiles.yml or dbt_project.yml
        raise CannotRun(f"cannot read the dbt profile for {project_dir}: {type(exc).__name__}: "
                        f"{str(exc).splitlines()[0] if str(exc) else ''}; check profiles.yml and "
                        "dbt_project.yml") from exc
    redact = Redactor.from_settings(spec.settings).text  # an engine's error may echo the connection string
    deadline, delay, warned = time.monotonic() + max(lock_wait, 0.0), 0.25, False
    while True:
        try:
            return Warehouse(spec)
        except WarehouseError as exc:
            raise CannotRun(redact(str(exc))) from exc
        except Exception as exc:
            first = redact(str(exc).splitlines()[0] if str(exc) else "")
            if not _is_lock(exc):
                raise CannotRun(f"cannot open the warehouse {redact(spec.describe())}: {type(exc).__name__}: "
                                f"{first}") from exc
            holder = re.search(r"PID (\d+)", str(exc))
            who = f" (PID {holder.group(1)})" if holder else ""
            if time.monotonic() + delay > deadline:
                raise CannotRun(f"the warehouse {redact(spec.describe())} is locked by another process{who}: "
                                f"gave up after {lock_wait:g}s; run again when it has finished, or give "
                                "--lock-wait more seconds") from exc
            if not warned:
                log.warning("the warehouse %s is locked by another process%s; retrying for up to %gs",
                            redact(spec.describe()), who, lock_wait)
                warned = True
            time.sleep(delay)
            delay = min(delay * 2, 2.0)


def check_writable(paths: list[Path | None]) -> None:
    """Every report path must be writable before anything runs: a night's work is not lost at the end."""
    for path in [p for p in paths if p is not None]:
        parent = path.parent
        while not parent.exists() and parent != parent.parent:
            parent = parent.parent
        problem = None
        if path.is_dir():
            problem = "it is a directory"
        elif not parent.is_dir():
            problem = f"{parent} is not a directory"
        elif not os.access(parent, os.W_OK) or (path.exists() and not os.access(path, os.W_OK)):
            problem = "permission denied"
        if problem:
            raise CannotRun(f"cannot write the report to {path}: {problem}; choose another path "
                            "(--output/--html/--json/--junit/--markdown) or fix its permissions")


def _interactive() -> bool:
    """Spinners only for a person at a terminal; CI logs stay quiet."""
    return stderr.is_terminal and os.environ.get("CI", "").lower() not in ("1", "true", "yes")


@contextlib.contextmanager
def step(message: str) -> Iterator[None]:
    started = time.monotonic()
    if _interactive():
        with stderr.status(message):
            yield
        stderr.print(f"[green]✓[/] {message} ({time.monotonic() - started:.1f}s)")
    else:
        yield
        log.info("%s (%.1fs)", message, time.monotonic() - started)


class _StderrHandler(logging.StreamHandler):
    """Writes to whatever sys.stderr is now (the report owns stdout)."""

    @property
    def stream(self):  # type: ignore[override]
        return sys.stderr

    @stream.setter
    def stream(self, value) -> None:
        pass


class _MaskSecrets(logging.Filter):
    """Every log line passes the run's redactor: an engine or a plugin may echo a password or token."""

    redactor: Any = None

    def filter(self, record: logging.LogRecord) -> bool:
        if self.redactor is not None:
            record.msg, record.args = self.redactor.text(record.getMessage()), None
        return True


MASK_LOGS = _MaskSecrets()


def _setup_logging(verbose: bool = False) -> None:
    if not any(isinstance(h, _StderrHandler) for h in log.handlers):
        handler = _StderrHandler()
        handler.setFormatter(logging.Formatter("%(message)s"))
        handler.addFilter(MASK_LOGS)
        log.addHandler(handler)
        log.propagate = False
    log.setLevel(logging.DEBUG if verbose else logging.INFO)
    # apprise logs notification URLs at debug level: they may carry tokens
    logging.getLogger("apprise").setLevel(logging.ERROR)


def _selection(select: list[str] | None) -> list[str] | None:
    names = [n for value in select or [] for n in value.replace(",", " ").split() if n]
    return names or None


def _check_selection(select: list[str], artifacts: Any) -> None:
    """--select names models; an unknown name would silently report nothing."""
    known = {n.get("name") for n in artifacts.manifest.get("nodes", {}).values()
             if isinstance(n, dict) and n.get("resource_type") in ("model", "seed", "snapshot")}
    unknown = [name for name in select if name not in known]
    if unknown:
        hint = ", ".join(sorted(n for n in known if n)[:8]) or "none"
        raise CannotRun(f"--select {' '.join(unknown)}: no such model in {artifacts.target_path / 'manifest.json'}; "
                        f"give model names (e.g. {hint}) or run `dbt build` for the current project first")


def _python_results(manifest: dict[str, Any], wh: Any, project_dir: Path, select: list[str] | None,
                    sql: list | None = None) -> list:
    """The Python checks; a model dbt did not build tonight is skipped with the reason, not read stale."""
    from strataqc.artifacts import layer_of
    from strataqc.results import CheckResult, CheckType, Status

    if importlib.util.find_spec("strataqc.checks.runner") is None:
        log.info("Python checks are not installed; reporting the SQL checks only")
        return []
    try:
        from strataqc.checks.runner import model_nodes

        models = {node.get("name"): node for node in model_nodes(manifest, select)}
    except Exception:  # a runner that cannot even load is reported below as one error record
        models = {}
    unbuilt = {r.model: r for r in sql or [] if r.check == "build" and r.status in (Status.ERROR, Status.SKIP)}
    skipped = [CheckResult(check="python_checks", status=Status.SKIP, check_type=CheckType.FEATURE_SET, model=name,
                           layer=layer_of(models[name]),
                           message=f"Python checks not run: {name} was not built tonight "
                                   f"({unbuilt[name].message})"[:500])
               for name in models if name in unbuilt]
    built = [name for name in models if name not in unbuilt]
    if skipped and not built:
        return skipped
    wanted = built if skipped else select
    started = time.monotonic()
    try:
        from strataqc.checks.runner import run_python_checks

        with step("Python checks"):
            return skipped + list(run_python_checks(manifest, wh, project_dir, wanted))
    except Exception as exc:  # one broken check module must not hide the SQL results
        log.error("Python checks failed: %s: %s", type(exc).__name__, str(exc).splitlines()[0] if str(exc) else "")
        first_error = f"{type(exc).__name__}: {exc}"
    if len(models) < 2:
        return skipped + [CheckResult(
            check="python_checks", status=Status.ERROR, check_type=CheckType.FEATURE_SET,
            model=next(iter(models), None), layer=layer_of(next(iter(models.values()), {})) or None,
            message=f"the Python checks could not run: {first_error}"[:500],
            duration_s=round(time.monotonic() - started, 3))]
    # model by model: the one that breaks the runner becomes an error record, the others still run
    out = list(skipped)
    for name in wanted or list(models):
        began = time.monotonic()
        try:
            out += list(run_python_checks(manifest, wh, project_dir, [name]))
        except Exception as exc:
            out.append(CheckResult(check="python_checks", status=Status.ERROR, check_type=CheckType.FEATURE_SET,
                                   model=name, layer=layer_of(models[name]),
                                   message=f"the Python checks on {name} could not run: {type(exc).__name__}: "
                                           f"{exc}"[:500], duration_s=round(time.monotonic() - began, 3)))
    return out


def _report(*, project_dir: Path, profiles_dir: Path | None, target: str | None, target_path: Path | None,
            select: list[str] | None, fmt: Format, output: Path | None, html: Path | None, fail_on: FailOn,
            also: dict[Format, Path | None] | None = None,
            sample_rows: int, alerts: Path | None, no_alerts: bool, no_history: bool,
            python_checks: bool, lock_wait: float = DEFAULT_LOCK_WAIT_S, dbt_selector: bool = False) -> int:
    """Merge tonight's results; store, render, alert. Returns the exit code.

    dbt_selector: --select is in dbt's selector syntax (`night`), so the report covers what dbt built."""
    from strataqc.artifacts import ArtifactsError, load_artifacts, sql_results
    from strataqc.report.redact import Redactor
    from strataqc.report.render import render
    from strataqc.report.run import QCRun

    select = _selection(select)
    check_writable([output, html, *(also or {}).values()])
    try:
        artifacts = load_artifacts(target_path or project_dir / "target")
    except ArtifactsError as exc:
        raise CannotRun(str(exc)) from exc
    if dbt_selector:
        select = _built_selection(select, artifacts)
    if select:
        _check_selection(select, artifacts)
    wh = open_warehouse(project_dir, profiles_dir, target, lock_wait)
    alert_config = None
    if not no_alerts and importlib.util.find_spec("strataqc.alerts") is not None:
        from strataqc.alerts import AlertConfigError, load_config

        try:
            alert_config = load_config(alerts, project_dir)
        except AlertConfigError as exc:
            wh.close()
            raise CannotRun(str(exc)) from exc
    redactor = Redactor.from_settings(wh.target.settings, extra=alert_config.secrets() if alert_config else ())
    MASK_LOGS.redactor = redactor
    try:
        with step("reading dbt results"):
            sql = sql_results(artifacts, wh, sample_rows=sample_rows, select=select)
        python = _python_results(artifacts.manifest, wh, project_dir, select, sql) if python_checks else []
        run = QCRun.merge(artifacts.invocation_id, artifacts.generated_at or _now(), sql, python)
        run.results = [redactor.result(r) for r in run.results]
        history, history_failed = None, False
        if not no_history:
            from strataqc.history import History, run_context

            history = History(wh)
            try:
                with step("storing history"):
                    history.append(run)
                    run.context.update(run_context(history, run))
            except Exception as exc:  # the report still goes out; the exit code says history failed
                log.error("history not stored: %s: %s", type(exc).__name__, redactor.text(str(exc).splitlines()[0]))
                history, history_failed = None, True
        from strataqc.incidents import for_night

        for_night(run, artifacts, history)  # DESIGN §7: records gain incident_id and role
        text = redactor.text(render(run, fmt))
        if output:
            output.parent.mkdir(parents=True, exist_ok=True)
            output.write_text(text)
            log.info("wrote the %s report to %s", fmt.value, output)
        elif fmt is Format.table and stderr.is_terminal and sys.stdout.isatty():
            from strataqc.report.terminal import print_table

            print_table(run, Console(highlight=False))
        else:
            sys.stdout.write(text)
        for extra_fmt, path in {**(also or {}), Format.html: html}.items():
            if path:
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(redactor.text(render(run, extra_fmt)))
                log.info("wrote the %s report to %s", extra_fmt.value, path)
        code = EXIT_CHECKS_FAILED if run.breaches(fail_on) else EXIT_OK
        if history_failed:
            code = EXIT_CANNOT_RUN
        if alert_config is not None and alert_config.channels:
            from strataqc.alerts import notify

            outcome = notify(run, alert_config, history, redactor=redactor)
            if outcome.undelivered:
                log.error("alerts not delivered to %s; kept in %s", ", ".join(outcome.undelivered), outcome.spool)
                code = EXIT_ALERTS_FAILED
        breaches = run.breaches(fail_on)
        if breaches:
            log.info("%d check(s) at or above --fail-on %s", len(breaches), fail_on.value)
        return code
    finally:
        wh.close()


def _now() -> str:
    return dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


@app.command()
def run(
    project_dir: ProjectDir = Path("."),
    profiles_dir: ProfilesDir = None,
    target: TargetName = None,
    target_path: TargetPath = None,
    select: Select = None,
    fmt: FormatOpt = Format.table,
    output: Output = None,
    html: HtmlOut = None,
    json_out: JsonOut = None,
    junit: JunitOut = None,
    markdown: MarkdownOut = None,
    fail_on: FailOnOpt = FailOn.error,
    sample_rows: SampleRows = 5,
    alerts: Alerts = None,
    no_alerts: NoAlerts = False,
    no_history: NoHistory = False,
    python_checks: PythonChecks = True,
    lock_wait: LockWait = DEFAULT_LOCK_WAIT_S,
) -> None:
    """Merge tonight's dbt results with the Python checks; store, render, alert.

    \b
    Exit codes:
      0  ok
      1  a check failed at --fail-on (error: fail or error; warn: also warn)
      2  StrataQC itself could not run (no artifacts, no warehouse, locked past --lock-wait,
         unknown --select, unwritable output, bad config)
      3  alerts could not be delivered (kept in the spool folder)
    """
    _setup_logging()
    try:
        code = _report(project_dir=project_dir, profiles_dir=profiles_dir, target=target, target_path=target_path,
                       select=select, fmt=fmt, output=output, html=html, fail_on=fail_on, sample_rows=sample_rows,
                       also={Format.json: json_out, Format.junit: junit, Format.markdown: markdown},
                       alerts=alerts, no_alerts=no_alerts, no_history=no_history, python_checks=python_checks,
                       lock_wait=lock_wait)
    except CannotRun as exc:
        cannot_run(exc)
        raise typer.Exit(EXIT_CANNOT_RUN)
    except Exception as exc:
        if os.environ.get("STRATAQC_DEBUG"):
            raise
        cannot_run(f"{type(exc).__name__}: {exc} (set STRATAQC_DEBUG=1 for the traceback)")
        raise typer.Exit(EXIT_CANNOT_RUN)
    raise typer.Exit(code)


def _dbt_executable() -> str:
    beside = Path(sys.executable).with_name("dbt")
    return str(beside) if beside.exists() else (shutil.which("dbt") or "dbt")


@app.command()
def night(
    landing: Annotated[Path | None, typer.Option(help="load this landing directory first")] = None,
    project_dir: ProjectDir = Path("."),
    profiles_dir: ProfilesDir = None,
    target: TargetName = None,
    target_path: TargetPath = None,
    select: Select = None,
    dbt_arg: Annotated[list[str] | None, typer.Option("--dbt-arg", help="extra argument for dbt build "
                                                                        "(repeat)")] = None,
    fmt: FormatOpt = Format.table,
    output: Output = None,
    html: HtmlOut = None,
    json_out: JsonOut = None,
    junit: JunitOut = None,
    markdown: MarkdownOut = None,
    fail_on: FailOnOpt = FailOn.error,
    sample_rows: SampleRows = 5,
    alerts: Alerts = None,
    no_alerts: NoAlerts = False,
    no_history: NoHistory = False,
    python_checks: PythonChecks = True,
    lock_wait: LockWait = DEFAULT_LOCK_WAIT_S,
) -> None:
    """The whole night for a scheduler: load landing files, `dbt build`, then `run`.

    Same exit codes as `run`; dbt's own failing tests are reported, not fatal.
    """
    _setup_logging()
    target_path = target_path or project_dir / "target"
    try:
        check_writable([output, html, json_out, junit, markdown])  # before an hour of dbt, not after
        if landing is not None:
            from strataqc.landing.load import LandingError, load_landing
            from strataqc.warehouse import WarehouseError

            try:
                with step(f"loading {landing}"), open_warehouse(project_dir, profiles_dir, target, lock_wait) as wh:
                    load_landing(landing, wh)
            except (WarehouseError, FileNotFoundError, LandingError) as exc:
                raise CannotRun(f"cannot load {landing}: {exc}") from exc
        _dbt_build(project_dir, profiles_dir, target, target_path, _selection(select), dbt_arg or [])
        code = _report(project_dir=project_dir, profiles_dir=profiles_dir, target=target, target_path=target_path,
                       select=select, fmt=fmt, output=output, html=html, fail_on=fail_on, sample_rows=sample_rows,
                       also={Format.json: json_out, Format.junit: junit, Format.markdown: markdown},
                       alerts=alerts, no_alerts=no_alerts, no_history=no_history, python_checks=python_checks,
                       lock_wait=lock_wait, dbt_selector=True)
    except CannotRun as exc:
        cannot_run(exc)
        raise typer.Exit(EXIT_CANNOT_RUN)
    except Exception as exc:
        if os.environ.get("STRATAQC_DEBUG"):
            raise
        cannot_run(f"{type(exc).__name__}: {exc} (set STRATAQC_DEBUG=1 for the traceback)")
        raise typer.Exit(EXIT_CANNOT_RUN)
    raise typer.Exit(code)


def _built_selection(select: list[str] | None, artifacts: Any) -> list[str] | None:
    """`night --select` speaks dbt's selector syntax (tag:x, model+, state:modified+): report what dbt built."""
    names = _selection(select)
    if not names or all(n.replace("_", "").isalnum() for n in names):
        return names
    built = sorted({artifacts.node(r.get("unique_id", "")).get("name") or r.get("unique_id", "").split(".")[-1]
                    for r in artifacts.run_results.get("results", [])
                    if isinstance(r, dict) and str(r.get("unique_id", "")).startswith("model.")})
    return built or None


def _dbt_build(project_dir: Path, profiles_dir: Path | None, target: str | None, target_path: Path,
               select: list[str] | None, extra: list[str]) -> None:
    """`dbt build` in a child process; its output goes to stderr (stdout holds only the report)."""
    stale = target_path / "run_results.json"
    if stale.exists():
        stale.unlink()  # a crash must not leave last night's results looking like tonight's
    cmd = [_dbt_executable(), "build", "--project-dir", str(project_dir), "--target-path", str(target_path)]
    if profiles_dir:
        cmd += ["--profiles-dir", str(profiles_dir)]
    if target:
        cmd += ["--target", target]
    if select:
        cmd += ["--select", *select]
    cmd += extra
    if _interactive():
        with step("dbt build"):
            done = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        if done.returncode not in (0, 1):
            stderr.print(done.stdout[-4000:], markup=False, highlight=False)
    else:
        log.info("running dbt build")
        # streamed line by line to stderr: CI logs show dbt's progress, stdout stays the report's
        with subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True) as done:
            for line in done.stdout:
                sys.stderr.write(line)
    # dbt exits 1 when tests fail: that is tonight's report, not a crash
    if not stale.exists():
        raise CannotRun(f"dbt build exited {done.returncode} without writing {stale}: see dbt's output above")


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
    _setup_logging()
    from strataqc.history import History, changes_between, summarize

    try:
        with open_warehouse(project_dir, profiles_dir, target, lock_wait) as wh:
            frame = History(wh).last_runs(runs)
    except CannotRun as exc:
        cannot_run(exc)
        raise typer.Exit(EXIT_CANNOT_RUN)
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

        from strataqc.report.jsonout import json_safe

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
    _setup_logging()
    from strataqc.history import History

    if not reason.strip():
        stderr.print("give a --reason: it is what the next on-call person reads")
        raise typer.Exit(EXIT_CANNOT_RUN)
    who = by or os.environ.get("USER") or getpass.getuser()
    try:
        with open_warehouse(project_dir, profiles_dir, target, lock_wait) as wh:
            row = History(wh).add_ack(check, model, reason.strip(), column=column, by=who,
                                      until=until.date() if until else None)
    except CannotRun as exc:
        cannot_run(exc)
        raise typer.Exit(EXIT_CANNOT_RUN)
    scope = f"{check} on {model}" + (f".{column}" if column else "")
    expiry = f" until {row['until_date']}" if row["until_date"] else ""
    seen = f" (last seen: {row['status']})" if row.get("status") else " (not seen failing yet)"
    typer.echo(f"acknowledged {scope}{expiry} by {who}{seen}")


@app.command("lineage")
def lineage_command(
    node: Annotated[str, typer.Argument(help="MODEL or MODEL.COLUMN")],
    project_dir: ProjectDir = Path("."),
    profiles_dir: ProfilesDir = None,
    target: TargetName = None,
    target_path: TargetPath = None,
    fmt: Annotated[str, typer.Option("--format", "-f", help="table or json")] = "table",
    no_history: NoHistory = False,
    lock_wait: LockWait = DEFAULT_LOCK_WAIT_S,
) -> None:
    """What is upstream and downstream of a model or column, with each node's latest status."""
    _setup_logging()
    from strataqc import lineage
    from strataqc.artifacts import ArtifactsError, _read_json

    path = target_path or project_dir / "target"
    try:
        found = lineage.load(path, _read_json(path / "manifest.json"))
    except ArtifactsError as exc:
        cannot_run(exc)
        raise typer.Exit(EXIT_CANNOT_RUN)
    statuses: dict[str, str] = {}
    if not no_history:
        from strataqc.history import History

        try:
            with open_warehouse(project_dir, profiles_dir, target, lock_wait) as wh:
                statuses = lineage.latest_statuses(History(wh).last_runs(1))
        except CannotRun as exc:  # the graph stands without statuses
            log.warning("latest statuses unavailable: %s", exc)
    try:
        view = lineage.neighbourhood(found, node, statuses)
    except KeyError as exc:
        cannot_run(exc.args[0])
        raise typer.Exit(EXIT_CANNOT_RUN)
    if fmt == "json":
        import json

        sys.stdout.write(json.dumps(view, indent=2) + "\n")
    else:
        sys.stdout.write(lineage.format_neighbourhood(view))


@app.command("resend-alerts")
def resend_alerts(
    project_dir: ProjectDir = Path("."),
    alerts: Alerts = None,
) -> None:
    """Deliver the alerts kept in the spool folder again; exit 3 while some stay undelivered."""
    _setup_logging()
    from strataqc.alerts import AlertConfigError, load_config, resend

    try:
        config = load_config(alerts, project_dir)
    except AlertConfigError as exc:
        cannot_run(exc)
        raise typer.Exit(EXIT_CANNOT_RUN)
    if config is None:
        stderr.print(f"no alert config: write {project_dir / 'strataqc_alerts.yml'} or set STRATAQC_ALERT_URLS",
                     soft_wrap=True, markup=False)
        raise typer.Exit(EXIT_CANNOT_RUN)
    sent, kept = resend(config)
    typer.echo(f"resent {sent} spooled alert(s); {kept} still undelivered in {config.spool_dir}")
    raise typer.Exit(EXIT_ALERTS_FAILED if kept else EXIT_OK)


@app.command()
def generate(
    out: Annotated[Path, typer.Option(help="landing directory to write")] = Path("data/landing"),
    rows: Annotated[int, typer.Option(help="approximate point-of-sale lines")] = 200_000,
    seed: Annotated[int, typer.Option(help="random seed; same seed, same files")] = 42,
    days: Annotated[int | None, typer.Option(help="days of sales (default: 84, or 364 above 2M rows)")] = None,
    extend_days: Annotated[int, typer.Option(help="append this many new days to the landing zone in OUT "
                                                  "(a nightly delivery) instead of writing a new one")] = 0,
) -> None:
    """Write a deterministic landing zone with known defects and its manifest."""
    from strataqc.landing.generate import generate as run_generate

    try:
        manifest = run_generate(out=out, rows=rows, seed=seed, days=days, extend_days=extend_days)
    except (ValueError, FileNotFoundError) as exc:
        stderr.print(f"[red]cannot generate[/red]: {exc}")
        raise typer.Exit(EXIT_CANNOT_RUN)
    typer.echo(f"wrote {manifest['rows']['pos_sales']} sales lines over {manifest['generator']['days']} days "
               f"to {out} (manifest: {out / 'manifest.json'})")


@app.command()
def load(
    landing: Annotated[Path, typer.Option(help="landing directory written by `generate`")] = Path("data/landing"),
    project_dir: Annotated[Path, typer.Option(help="dbt project")] = Path("."),
    profiles_dir: Annotated[Path | None, typer.Option(help="dir of profiles.yml")] = None,
    target: Annotated[str | None, typer.Option(help="dbt target")] = None,
    lock_wait: LockWait = DEFAULT_LOCK_WAIT_S,
) -> None:
    """Load new landing files into the warehouse's landing schema as raw text."""
    from strataqc.landing.load import LandingError, load_landing
    from strataqc.warehouse import WarehouseError

    _setup_logging()
    try:
        with open_warehouse(project_dir, profiles_dir, target, lock_wait) as wh:
            summary = load_landing(landing, wh)
    except CannotRun as exc:
        cannot_run(exc)
        raise typer.Exit(EXIT_CANNOT_RUN)
    except (WarehouseError, FileNotFoundError, LandingError) as exc:
        stderr.print(f"[red]cannot load[/red]: {exc}")
        raise typer.Exit(EXIT_CANNOT_RUN)
    for name, count in summary.items():
        typer.echo(f"{name}: {count} rows loaded")


def main() -> None:
    app()


if __name__ == "__main__":
    main()

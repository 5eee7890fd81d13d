"""One night of StrataQC: collect the results, store them, group incidents, render the report, alert.

`report` is `qc-report run`; `night` first loads landing files and runs `dbt build`.
Both take one `NightOptions`, so a new option is declared once for both commands.

The exit codes (0 ok, 1 checks failed, 2 StrataQC could not run, 3 alerts undelivered)
are explained in `qc-report --help`.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import importlib.util
import os
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from strataqc.artifacts import (ArtifactsError, built_selection, check_selection, load_artifacts, models_left_out,
                                selection, sql_results)
# the exit codes, CannotRun and guarded are imported from here too
from strataqc.exits import EXIT_ALERTS_FAILED, EXIT_CANNOT_RUN, EXIT_CHECKS_FAILED, EXIT_OK, CannotRun, guarded  # noqa: F401
from strataqc.held_back import held_back
from strataqc.layers import layer_of
from strataqc.logs import MASK_LOGS, cannot_run, interactive, log, stderr, step
from strataqc.options import option
from strataqc.redact import Redactor
from strataqc.report.render import Format, render
from strataqc.results import CheckResult, CheckType, Status
from strataqc.run import FailOn, QCRun
from strataqc.warehouse import Warehouse, WarehouseOptions, open_warehouse

ALERTS_HELP = "alert config YAML (default: PROJECT_DIR/strataqc_alerts.yml, or STRATAQC_ALERT_URLS)"


@dataclass(frozen=True, kw_only=True)
class NightOptions(WarehouseOptions):
    """Everything `run` and `night` are told; the CLI's options are these fields."""

    target_path: Path | None = option(None, "dbt's target folder with run_results.json and manifest.json "
                                            "(default: PROJECT_DIR/target)")
    select: tuple[str, ...] = option((), "only these models (repeat, or space/comma separated)", "--select", "-s")
    fmt: Format = option(Format.table, "report on stdout (or --output)", "--format", "-f")
    output: Path | None = option(None, "write the report here instead of stdout", "--output", "-o")
    html: Path | None = option(None, "also write the HTML dashboard here", "--html")
    json_out: Path | None = option(None, "also write the JSON report here", "--json")
    junit: Path | None = option(None, "also write JUnit XML here (CI test reports)", "--junit")
    markdown: Path | None = option(None, "also write the Markdown summary here (pull-request comment)", "--markdown")
    fail_on: FailOn = option(FailOn.error, "least severe status that exits 1")
    sample_rows: int = option(5, "failing rows fetched per failed test (0: none)")
    alerts: Path | None = option(None, ALERTS_HELP, "--alerts")
    no_alerts: bool = option(False, "do not send alerts", "--no-alerts")
    no_history: bool = option(False, "do not read or write the history tables", "--no-history")
    python_checks: bool = option(True, "run the Python checks over ADS models", "--python-checks/--no-python-checks")
    check_stale: bool = option(False, "also run the Python checks of models this dbt invocation did not build",
                               "--check-stale")
    verbose: bool = option(False, "the terminal table lists passing checks too (by default: what needs attention)",
                           "--verbose", "-v")

    def __post_init__(self) -> None:
        object.__setattr__(self, "select", tuple(self.select or ()))  # typer hands a list or None

    @property
    def target_dir(self) -> Path:
        # absolute: dbt takes a relative --target-path from the project folder, the user means from here
        return (self.target_path or self.project_dir / "target").absolute()

    @property
    def also(self) -> dict[Format, Path | None]:
        """The reports written beside the one on stdout (or --output)."""
        return {Format.json: self.json_out, Format.junit: self.junit, Format.markdown: self.markdown,
                Format.html: self.html}

    @property
    def report_paths(self) -> list[Path | None]:
        return [self.output, *self.also.values()]


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


def report(opts: NightOptions, *, dbt_selector: bool = False) -> int:
    """Merge tonight's results; store, render, alert. Returns the exit code.

    dbt_selector: --select is in dbt's selector syntax (`night`), so the report covers what dbt built."""
    check_writable(opts.report_paths)
    try:
        artifacts = load_artifacts(opts.target_dir)
        select = built_selection(opts.select, artifacts) if dbt_selector else selection(opts.select)
        if select:
            check_selection(select, artifacts)
    except ArtifactsError as exc:
        raise CannotRun(str(exc)) from exc
    wh = open_warehouse(opts.project_dir, opts.profiles_dir, opts.target, opts.lock_wait)
    try:
        alert_config = _alert_config(opts)
        redactor = Redactor.from_settings(wh.target.settings, extra=alert_config.secrets() if alert_config else ())
        MASK_LOGS.redactor = redactor
        run = collect(opts, artifacts, wh, select, redactor)
        host = bool(alert_config and alert_config.trend_host_values)
        history = None if opts.no_history else store(run, wh, redactor, host_values=host)
        group(run, artifacts, history)
        write_reports(run, opts, redactor)
        code = EXIT_CHECKS_FAILED if run.breaches(opts.fail_on) else EXIT_OK
        if not opts.no_history and history is None:
            code = EXIT_CANNOT_RUN
        if alert_config is not None and alert_config.channels and not alert(run, alert_config, history, redactor):
            code = EXIT_ALERTS_FAILED
        breaches = run.breaches(opts.fail_on)
        if breaches:
            log.info("%d check(s) at or above --fail-on %s", len(breaches), opts.fail_on.value)
        return code
    finally:
        wh.close()


def collect(opts: NightOptions, artifacts: Any, wh: Warehouse, select: list[str] | None,
            redactor: Redactor) -> QCRun:
    """Tonight's records: dbt's results and the Python checks under one run id, secrets masked."""
    with step("reading dbt results"):
        sql = sql_results(artifacts, wh, sample_rows=opts.sample_rows, select=select)
        sql = held_back(sql, artifacts, wh, select)
    python = python_results(artifacts.manifest, wh, opts.project_dir, select, sql, artifacts.run_results,
                            opts.check_stale) if opts.python_checks else []
    from strataqc.clock import run_time  # STRATAQC_NOW stamps a simulated or replayed night

    run = QCRun.merge(artifacts.invocation_id, run_time(artifacts.generated_at or _now()), sql, python)
    run.results = [redactor.result(r) for r in run.results]
    return run


def _alert_config(opts: NightOptions) -> Any:
    if opts.no_alerts or importlib.util.find_spec("strataqc.alerts") is None:
        return None
    from strataqc.alerts import AlertConfigError, load_config

    try:
        return load_config(opts.alerts, opts.project_dir)
    except AlertConfigError as exc:
        raise CannotRun(str(exc)) from exc


def store(run: QCRun, wh: Warehouse, redactor: Redactor, host_values: bool = False) -> Any:
    """Append the run to the history and read its trends into run.context; None when it failed."""
    from strataqc.history import History, run_context

    history = History(wh)
    try:
        with step("storing history"):
            history.append(run)
            run.context.update(run_context(history, run, host_values=host_values))
    except Exception as exc:  # the report still goes out; the exit code says history failed
        log.error("history not stored: %s: %s", type(exc).__name__, redactor.text(str(exc).splitlines()[0]))
        return None
    return history


def group(run: QCRun, artifacts: Any, history: Any) -> None:
    """DESIGN §7: failures connected through lineage become incidents; records gain incident_id and role.

    After `store`: an incident keeps its id and first_seen from the stored nights (and
    is saved beside them). `for_night` logs and swallows its own failure, so a broken
    grouping costs the night its incidents, never its report or alert.
    """
    from strataqc.incidents import for_night

    with step("grouping incidents"):
        for_night(run, artifacts, history)


def write_reports(run: QCRun, opts: NightOptions, redactor: Redactor) -> None:
    """The report on stdout (or --output), then every other format asked for."""
    # on stdout the table lists what needs attention, passing checks with --verbose; a file gets all
    passing = {"passing": opts.verbose or bool(opts.output)} if opts.fmt is Format.table else {}
    text = redactor.text(render(run, opts.fmt, **passing))
    if opts.output:
        opts.output.parent.mkdir(parents=True, exist_ok=True)
        opts.output.write_text(text)
        log.info("wrote the %s report to %s", opts.fmt.value, opts.output)
    elif opts.fmt is Format.table and stderr.is_terminal and sys.stdout.isatty():
        from rich.console import Console

        from strataqc.report.terminal import print_table

        print_table(run, Console(highlight=False), passing=opts.verbose)
    else:
        sys.stdout.write(text)
    for fmt, path in opts.also.items():
        if path:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(redactor.text(render(run, fmt)))
            log.info("wrote the %s report to %s", fmt.value, path)


def alert(run: QCRun, config: Any, history: Any, redactor: Redactor) -> bool:
    """Send what crossed a threshold; False when some channel did not get it (kept in the spool)."""
    from strataqc.alerts import notify

    outcome = notify(run, config, history, redactor=redactor)
    if outcome.undelivered:
        log.error("alerts not delivered to %s; kept in %s", ", ".join(outcome.undelivered), outcome.spool)
        return False
    return True


def python_results(manifest: dict[str, Any], wh: Any, project_dir: Path, select: list[str] | None,
                   sql: list | None = None, run_results: dict | None = None, check_stale: bool = False) -> list:
    """The Python checks; a model dbt did not build tonight is skipped with the reason, not read stale."""
    if importlib.util.find_spec("strataqc.checks.runner") is None:
        log.info("Python checks are not installed; reporting the SQL checks only")
        return []
    try:
        from strataqc.checks.runner import model_nodes

        models = {node.get("name"): node for node in model_nodes(manifest, select)}
    except Exception:  # a runner that cannot even load is reported below as one error record
        models = {}
    unbuilt = {r.model: f"was not built tonight ({r.message})" for r in sql or []
               if r.check == "build" and r.status in (Status.ERROR, Status.SKIP)}
    if not check_stale:
        unbuilt.update({name: "was not built in this dbt invocation (its table is from an earlier run); "
                              "pass --check-stale to check it anyway"
                        for name in models_left_out(run_results, manifest, list(models)) if name not in unbuilt})
    skipped = [_python_record(Status.SKIP, name, models[name], f"Python checks not run: {name} {unbuilt[name]}")
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
        name = next(iter(models), None)
        return skipped + [_python_record(Status.ERROR, name, models.get(name, {}),
                                         f"the Python checks could not run: {first_error}", started)]
    # model by model: the one that breaks the runner becomes an error record, the others still run
    out = list(skipped)
    for name in wanted or list(models):
        began = time.monotonic()
        try:
            out += list(run_python_checks(manifest, wh, project_dir, [name]))
        except Exception as exc:
            out.append(_python_record(Status.ERROR, name, models[name], f"the Python checks on {name} could not "
                                                                        f"run: {type(exc).__name__}: {exc}", began))
    return out


def _python_record(status: Status, model: str | None, node: dict[str, Any], message: str,
                   started: float | None = None) -> CheckResult:
    return CheckResult(check="python_checks", status=status, check_type=CheckType.FEATURE_SET, model=model,
                       layer=layer_of(node) or None, message=message[:500],
                       duration_s=None if started is None else round(time.monotonic() - started, 3))


def _now() -> str:
    return dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def night(opts: NightOptions, landing: Path | None = None, dbt_args: list[str] | None = None) -> int:
    """Load landing files, `dbt build`, then `report`; dbt's own failing tests are reported, not fatal."""
    opts = dataclasses.replace(opts, target_path=opts.target_dir)
    check_writable(opts.report_paths)  # before an hour of dbt, not after
    from strataqc import warm_up

    dbt_args, warm = dbt_args or [], []

    def load_then_warm_up() -> None:
        if landing is not None:
            from strataqc.landing.command import LoadFailed, load_apart

            try:
                with step(f"loading {landing}"):
                    load_apart(landing, opts)
            except LoadFailed as exc:
                raise CannotRun(f"cannot load {landing}: {exc}") from exc
        if warm_up.wanted(dbt_args):
            warm.append(warm_up.WarmUp())  # the report's imports, on the core dbt leaves idle
    try:
        try:
            dbt_build(opts, selection(opts.select), dbt_args, before=load_then_warm_up)
        finally:
            for imports in warm:
                imports.wait()
    except CannotRun as exc:
        cannot_run(exc)
        return _tell_cannot_run(opts, str(exc), "landing" if landing is not None and "cannot load" in str(exc)
                                else "dbt build")
    return report(opts, dbt_selector=True)


def _tell_cannot_run(opts: NightOptions, reason: str, where: str) -> int:
    """No check ran, so no other message would say so: one alert (exit 2), or exit 3 when it was not delivered."""
    try:
        config = _alert_config(opts)
    except CannotRun:
        return EXIT_CANNOT_RUN  # a broken alert config is reported by the next run that gets that far
    if config is None or not config.channels:
        return EXIT_CANNOT_RUN
    from strataqc.outage import notify_cannot_run

    outcome = notify_cannot_run(config, reason, where)
    if outcome.undelivered:
        log.error("alert not delivered to %s; kept in %s", ", ".join(outcome.undelivered), outcome.spool)
        return EXIT_ALERTS_FAILED
    return EXIT_CANNOT_RUN


def dbt_build(opts: NightOptions, select: list[str] | None, extra: list[str],
              before: Callable[[], None] | None = None) -> None:
    """`dbt build` in a child process; its output goes to stderr (stdout holds only the report).
    `before` (the load) runs while the child imports dbt and reads the project; it opens the warehouse
    only after it."""
    from strataqc import dbt_child

    stale = opts.target_dir / "run_results.json"
    if stale.exists():
        stale.unlink()  # a crash must not leave last night's results looking like tonight's
    args = ["build", "--project-dir", str(opts.project_dir), "--target-path", str(opts.target_dir)]
    if opts.profiles_dir:
        args += ["--profiles-dir", str(opts.profiles_dir)]
    if opts.target:
        args += ["--target", opts.target]
    if select:
        args += ["--select", *select]
    args += extra
    with dbt_child.take(dbt_child.executable()) as done:
        dbt_child.prepare(done, args)
        try:
            if before is not None:
                before()
        except BaseException:
            dbt_child.cancel(done)
            raise
        dbt_child.release(done, args)
        if interactive():
            with step("dbt build"):
                output = done.stdout.read()
                done.wait()
            if done.returncode not in (0, 1):
                stderr.print(output[-4000:], markup=False, highlight=False)
        else:
            log.info("running dbt build")
            started = time.monotonic()
            # streamed line by line to stderr: CI logs show dbt's progress, stdout stays the report's
            for line in done.stdout:
                sys.stderr.write(line)
            done.wait()
            log.info("dbt build (%.1fs, exit %d)", time.monotonic() - started, done.returncode)
    # dbt exits 1 when tests fail: that is tonight's report, not a crash
    if not stale.exists():
        raise CannotRun(f"dbt build exited {done.returncode} without writing {stale}: see dbt's output above")


# ------------------------------------------------------------------ the commands (`strataqc.cli` parses their options)

def run_command(opts: NightOptions) -> int:
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


@dataclass(frozen=True, kw_only=True)
class NightRun(NightOptions):
    """`run`'s options, plus what the whole night loads and passes to dbt first."""

    landing: Path | None = option(None, "load this landing directory first")
    dbt_arg: tuple[str, ...] = option((), "extra argument for dbt build (repeat)", "--dbt-arg")


def night_command(opts: NightRun) -> int:
    """The whole night for a scheduler: load landing files, `dbt build`, then `run`.

    Same exit codes as `run`; dbt's own failing tests are reported, not fatal.
    """
    return night(opts, opts.landing, list(opts.dbt_arg))


@dataclass(frozen=True, kw_only=True)
class ResendOptions:
    project_dir: Path = option(Path("."), "dbt project (folder of dbt_project.yml)")
    alerts: Path | None = option(None, ALERTS_HELP, "--alerts")


def resend_alerts(opts: ResendOptions) -> int:
    """Deliver the alerts kept in the spool folder again; exit 3 while some stay undelivered."""
    from strataqc.alerts import AlertConfigError, load_config, resend

    try:
        config = load_config(opts.alerts, opts.project_dir)
    except AlertConfigError as exc:
        raise CannotRun(str(exc)) from exc
    if config is None:
        stderr.print(f"no alert config: write {opts.project_dir / 'strataqc_alerts.yml'} or set "
                     "STRATAQC_ALERT_URLS", soft_wrap=True, markup=False)
        return EXIT_CANNOT_RUN
    sent, kept = resend(config)
    print(f"resent {sent} spooled alert(s); {kept} still undelivered in {config.spool_dir}")
    return EXIT_ALERTS_FAILED if kept else EXIT_OK

"""`qc-report generate` and `qc-report load`: write the demo's landing zone, load it into the warehouse."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from rich.markup import escape

from strataqc.exits import EXIT_CANNOT_RUN, EXIT_OK
from strataqc.logs import stderr
from strataqc.options import option
from strataqc.warehouse import WarehouseError, WarehouseOptions, opened


@dataclass(frozen=True, kw_only=True)
class Generate:
    out: Path = option(Path("data/landing"), "landing directory to write")
    rows: int = option(200_000, "approximate point-of-sale lines")
    seed: int = option(42, "random seed; same seed, same files")
    days: int | None = option(None, "days of sales (default: 84, or 364 above 2M rows)")
    extend_days: int = option(0, "append this many new days to the landing zone in OUT (a nightly delivery) "
                                 "instead of writing a new one")
    incident: tuple[str, ...] = option((), "plant KIND[:key=value,...] in tonight's delivery (with --extend-days 1; "
                                           "repeat)")
    list_incidents: bool = option(False, "print the incident kinds, their defaults and checks, and exit",
                                  "--list-incidents")


def generate(opts: Generate) -> int:
    """Write a deterministic landing zone with known defects and its manifest."""
    from strataqc.landing.generate import generate as write_landing
    from strataqc.landing.incidents import describe_catalogue

    if opts.list_incidents:
        print(describe_catalogue())
        return EXIT_OK
    try:
        manifest = write_landing(out=opts.out, rows=opts.rows, seed=opts.seed, days=opts.days,
                                 extend_days=opts.extend_days, incidents=list(opts.incident) or None)
    except (ValueError, FileNotFoundError) as exc:  # IncidentError is a ValueError
        stderr.print(f"[red]cannot generate[/red]: {escape(str(exc))}", soft_wrap=True)
        return EXIT_CANNOT_RUN
    print(f"wrote {manifest['rows']['pos_sales']} sales lines over {manifest['generator']['days']} days "
          f"to {opts.out} (manifest: {opts.out / 'manifest.json'})")
    for planted in [i for i in manifest.get("incidents", []) if i["date"] == manifest["generator"]["end_date"]]:
        print(f"planted {planted['kind']} on {planted['date']}: {planted['rows']} rows "
              f"({planted['model']}{'.' + planted['column'] if planted['column'] else ''})")
    return EXIT_OK


@dataclass(frozen=True, kw_only=True)
class Load(WarehouseOptions):
    landing: Path = option(Path("data/landing"), "landing directory written by `generate`")


def load(opts: Load) -> int:
    """Load new landing files into the warehouse's landing schema as raw text."""
    from strataqc.landing.load import LandingError, load_landing

    with opened(opts) as wh:
        try:
            summary = load_landing(opts.landing, wh)
        except (WarehouseError, FileNotFoundError, LandingError) as exc:
            stderr.print(f"[red]cannot load[/red]: {exc}")
            return EXIT_CANNOT_RUN
    for name, count in summary.items():
        print(f"{name}: {count} rows loaded")
    return EXIT_OK


def load_apart(landing: Path, opts: WarehouseOptions) -> None:
    """`load` in a process of its own; its counts go to stderr. DuckDB keeps the memory a load used
    until its process ends, and `night` next waits beside dbt for the whole build (at 30M landing
    rows that memory would push the night past its 2 GiB). Raises LoadFailed with the load's reason."""
    import subprocess
    import sys

    cmd = [sys.executable, "-m", "strataqc.cli", "load", "--landing", str(landing), "--project-dir",
           str(opts.project_dir), "--lock-wait", str(opts.lock_wait)]
    if opts.profiles_dir:
        cmd += ["--profiles-dir", str(opts.profiles_dir)]
    if opts.target:
        cmd += ["--target", opts.target]
    done = subprocess.run(cmd, capture_output=True, text=True)
    sys.stderr.write(done.stdout)
    if done.returncode == 0:
        sys.stderr.write(done.stderr)  # what it said on the way (a lock it waited for): nothing is lost
    else:
        # one line again: the child's console wrapped it
        reason = " ".join(line.strip() for line in done.stderr.splitlines() if line.strip())
        raise LoadFailed(reason.removeprefix("cannot load: ") or f"the load exited {done.returncode}")


class LoadFailed(Exception):
    """The landing files could not be loaded; the message says why."""

"""`qc-report generate` and `qc-report load`: the demo's landing zone."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from strataqc.cli.base import LockWait, ProfilesDir, ProjectDir, TargetName, app, in_warehouse
from strataqc.logs import setup_logging, stderr
from strataqc.night import EXIT_CANNOT_RUN, EXIT_OK
from strataqc.warehouse import DEFAULT_LOCK_WAIT_S


@app.command()
def generate(
    out: Annotated[Path, typer.Option(help="landing directory to write")] = Path("data/landing"),
    rows: Annotated[int, typer.Option(help="approximate point-of-sale lines")] = 200_000,
    seed: Annotated[int, typer.Option(help="random seed; same seed, same files")] = 42,
    days: Annotated[int | None, typer.Option(help="days of sales (default: 84, or 364 above 2M rows)")] = None,
    extend_days: Annotated[int, typer.Option(help="append this many new days to the landing zone in OUT "
                                                  "(a nightly delivery) instead of writing a new one")] = 0,
    incident: Annotated[list[str] | None, typer.Option(help="plant KIND[:key=value,...] in tonight's delivery "
                                                            "(with --extend-days 1; repeat)")] = None,
    list_incidents: Annotated[bool, typer.Option("--list-incidents", help="print the incident kinds, their "
                                                                          "defaults and checks, and exit")] = False,
) -> None:
    """Write a deterministic landing zone with known defects and its manifest."""
    from rich.markup import escape

    from strataqc.landing.generate import generate as run_generate
    from strataqc.landing.incidents import describe_catalogue

    if list_incidents:
        typer.echo(describe_catalogue())
        raise typer.Exit(EXIT_OK)
    try:
        manifest = run_generate(out=out, rows=rows, seed=seed, days=days, extend_days=extend_days,
                                incidents=incident)
    except (ValueError, FileNotFoundError) as exc:  # IncidentError is a ValueError
        stderr.print(f"[red]cannot generate[/red]: {escape(str(exc))}", soft_wrap=True)
        raise typer.Exit(EXIT_CANNOT_RUN)
    typer.echo(f"wrote {manifest['rows']['pos_sales']} sales lines over {manifest['generator']['days']} days "
               f"to {out} (manifest: {out / 'manifest.json'})")
    for planted in [i for i in manifest.get("incidents", []) if i["date"] == manifest["generator"]["end_date"]]:
        typer.echo(f"planted {planted['kind']} on {planted['date']}: {planted['rows']} rows "
                   f"({planted['model']}{'.' + planted['column'] if planted['column'] else ''})")


@app.command()
def load(
    landing: Annotated[Path, typer.Option(help="landing directory written by `generate`")] = Path("data/landing"),
    project_dir: ProjectDir = Path("."),
    profiles_dir: ProfilesDir = None,
    target: TargetName = None,
    lock_wait: LockWait = DEFAULT_LOCK_WAIT_S,
) -> None:
    """Load new landing files into the warehouse's landing schema as raw text."""
    from strataqc.landing.load import LandingError, load_landing
    from strataqc.warehouse import WarehouseError

    setup_logging()
    try:
        summary = in_warehouse(lambda wh: load_landing(landing, wh), project_dir, profiles_dir, target, lock_wait)
    except (WarehouseError, FileNotFoundError, LandingError) as exc:
        stderr.print(f"[red]cannot load[/red]: {exc}")
        raise typer.Exit(EXIT_CANNOT_RUN)
    for name, count in summary.items():
        typer.echo(f"{name}: {count} rows loaded")

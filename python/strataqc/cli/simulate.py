"""`qc-report simulate`: many nights with planted incidents, the alerts scored (DESIGN §7)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from strataqc.cli.base import ProjectDir, app
from strataqc.logs import cannot_run, log, setup_logging
from strataqc.night import EXIT_CANNOT_RUN, EXIT_OK


@app.command()
def simulate(
    out: Annotated[Path, typer.Option(help="directory for the landing zone, warehouse, reports and detection.json "
                                           "(new or empty, or an earlier simulation's)")],
    nights: Annotated[int | None, typer.Option(help="nightly deliveries after night 0 (default: the schedule's, "
                                                    "else 7)")] = None,
    seed: Annotated[int, typer.Option(help="random seed of the demo data")] = 42,
    schedule: Annotated[Path | None, typer.Option(help="YAML: incidents per night (examples/simulate/); "
                                                       "without it every night is quiet")] = None,
    rows: Annotated[int, typer.Option(help="approximate point-of-sale lines of night 0")] = 20_000,
    project_dir: ProjectDir = Path("."),
    reminder_hours: Annotated[float | None, typer.Option(help="reminder interval of the alerts (default: "
                                                              "the alert config's default)")] = None,
    python_checks: Annotated[bool, typer.Option("--python-checks/--no-python-checks",
                                                help="run the Python checks over ADS models")] = True,
    score_only: Annotated[bool, typer.Option("--score-only", help="score the simulation already in OUT again "
                                                                  "(today's incident catalogue), run no night")] = False,
    replay: Annotated[bool, typer.Option("--replay", help="replay today's alerting over the nights stored in OUT "
                                                          "(same data, no rebuild); writes replay.json")] = False,
) -> None:
    """Run night 0 and N nightly deliveries with planted incidents; score the alerts (detection.json)."""
    setup_logging()
    from strataqc.simulate.harness import SimulationError, rescore, simulate as run_simulation
    from strataqc.simulate.schedule import ScheduleError, load_schedule
    from strataqc.simulate.score import table

    try:
        if score_only or replay:
            from strataqc.simulate.replay import replay as run_replay

            typer.echo(table(run_replay(out) if replay else rescore(out)))
            raise typer.Exit(EXIT_OK)
        plan = load_schedule(schedule)
        doc = run_simulation(out, nights=nights or plan.nights or 7, seed=seed, rows=rows, schedule=plan,
                             project_dir=project_dir.resolve(), reminder_hours=reminder_hours,
                             python_checks=python_checks, progress=lambda line: log.info("%s", line))
    except (ScheduleError, SimulationError, ValueError) as exc:
        cannot_run(exc)
        raise typer.Exit(EXIT_CANNOT_RUN)
    typer.echo(table(doc))
    typer.echo(f"\nwrote {out / 'detection.json'}")

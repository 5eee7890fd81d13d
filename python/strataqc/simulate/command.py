"""`qc-report simulate`: many nights with planted incidents, the alerts scored (DESIGN §7)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from strataqc.exits import EXIT_OK, CannotRun
from strataqc.logs import log
from strataqc.options import option


@dataclass(frozen=True, kw_only=True)
class Simulate:
    out: Path = option(..., "directory for the landing zone, warehouse, reports and detection.json "
                            "(new or empty, or an earlier simulation's)")
    nights: int | None = option(None, "nightly deliveries after night 0 (default: the schedule's, else 7)")
    seed: int = option(42, "random seed of the demo data")
    schedule: Path | None = option(None, "YAML: incidents per night (examples/simulate/); without it every night "
                                         "is quiet")
    rows: int = option(20_000, "approximate point-of-sale lines of night 0")
    project_dir: Path = option(Path("."), "dbt project (folder of dbt_project.yml)")
    reminder_hours: float | None = option(None, "reminder interval of the alerts (default: the alert config's "
                                                "default)")
    python_checks: bool = option(True, "run the Python checks over ADS models", "--python-checks/--no-python-checks")
    score_only: bool = option(False, "score the simulation already in OUT again (today's incident catalogue), "
                                     "run no night", "--score-only")
    replay: bool = option(False, "replay today's alerting over the nights stored in OUT (same data, no rebuild); "
                                 "writes replay.json", "--replay")


def simulate(opts: Simulate) -> int:
    """Run night 0 and N nightly deliveries with planted incidents; score the alerts (detection.json)."""
    from strataqc.simulate.harness import SimulationError, rescore
    from strataqc.simulate.harness import simulate as run_simulation
    from strataqc.simulate.schedule import ScheduleError, load_schedule
    from strataqc.simulate.score import table

    try:
        if opts.score_only or opts.replay:
            from strataqc.simulate.replay import replay as run_replay

            print(table(run_replay(opts.out) if opts.replay else rescore(opts.out)))
            return EXIT_OK
        plan = load_schedule(opts.schedule)
        doc = run_simulation(opts.out, nights=opts.nights or plan.nights or 7, seed=opts.seed, rows=opts.rows,
                             schedule=plan, project_dir=opts.project_dir.resolve(),
                             reminder_hours=opts.reminder_hours, python_checks=opts.python_checks,
                             progress=lambda line: log.info("%s", line))
    except (ScheduleError, SimulationError, ValueError) as exc:
        raise CannotRun(str(exc)) from exc
    print(table(doc))
    print(f"\nwrote {opts.out / 'detection.json'}")
    return EXIT_OK

"""`qc-report lineage MODEL[.COLUMN]`: what is upstream and downstream, with each node's latest status."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from strataqc.cli.base import NIGHT_OPTIONS, LockWait, ProfilesDir, ProjectDir, TargetName, app
from strataqc.logs import cannot_run, log, setup_logging
from strataqc.night import EXIT_CANNOT_RUN, CannotRun, open_warehouse
from strataqc.warehouse import DEFAULT_LOCK_WAIT_S


@app.command("lineage")
def lineage_command(
    node: Annotated[str, typer.Argument(help="MODEL or MODEL.COLUMN")],
    project_dir: ProjectDir = Path("."),
    profiles_dir: ProfilesDir = None,
    target: TargetName = None,
    target_path: NIGHT_OPTIONS["target_path"] = None,  # the same option as `run`'s, declared once
    fmt: Annotated[str, typer.Option("--format", "-f", help="table or json")] = "table",
    no_history: NIGHT_OPTIONS["no_history"] = False,
    lock_wait: LockWait = DEFAULT_LOCK_WAIT_S,
) -> None:
    """What is upstream and downstream of a model or column, with each node's latest status."""
    setup_logging()
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

"""`qc-report model list | promote VERSION | rollback`: the saved versions of a model and its champion."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any, Callable

import typer

from strataqc.cli.base import LockWait, ProfilesDir, ProjectDir, TargetName, app, in_warehouse
from strataqc.logs import cannot_run, setup_logging
from strataqc.night import EXIT_CANNOT_RUN
from strataqc.warehouse import DEFAULT_LOCK_WAIT_S

model_app = typer.Typer(no_args_is_help=True, rich_markup_mode=None,
                        help="Saved model versions: list them, promote one to champion, roll back.")
app.add_typer(model_app, name="model")

ModelName = Annotated[str | None, typer.Option("--model", "-m", help="dbt model with a meta.strataqc.model block "
                                                                    "(default: the only one)")]
TargetPath = Annotated[Path | None, typer.Option(help="dbt's target folder with manifest.json "
                                                      "(default: PROJECT_DIR/target)")]
Reason = Annotated[str, typer.Option(help="why: kept in the registry, the card and model_versions")]


def _found(project_dir: Path, target_path: Path | None, model: str | None) -> Any:
    from strataqc.artifacts import ArtifactsError, _read_json
    from strataqc.model.versions import VersionsError, find_model

    try:
        manifest = _read_json((target_path or project_dir / "target") / "manifest.json")
        return find_model(manifest, project_dir, model)
    except (ArtifactsError, VersionsError, ValueError) as exc:
        cannot_run(exc)
        raise typer.Exit(EXIT_CANNOT_RUN)


def _change(work: Callable[[Any], Any], project_dir: Path, profiles_dir: Path | None, target: str | None,
            lock_wait: float) -> Any:
    """Change the registry and log it to the warehouse's model_versions in one go."""
    from strataqc.model.registry import RegistryError
    from strataqc.model.versions import VersionsError
    from strataqc.warehouse import WarehouseError

    try:
        return in_warehouse(work, project_dir, profiles_dir, target, lock_wait)
    except (RegistryError, VersionsError, WarehouseError) as exc:
        cannot_run(exc)
        raise typer.Exit(EXIT_CANNOT_RUN)


@model_app.command("list")
def list_versions(model: ModelName = None, project_dir: ProjectDir = Path("."), target_path: TargetPath = None,
                  fmt: Annotated[str, typer.Option("--format", "-f", help="table or json")] = "table") -> None:
    """Saved versions, oldest first: role (champion / challenger / retired), metrics, last decision."""
    setup_logging()
    from strataqc.json_safe import json_safe
    from strataqc.model.versions import format_rows, rows

    found = _found(project_dir, target_path, model)
    table = rows(found)
    if fmt == "json":
        sys.stdout.write(json.dumps(json_safe({"model": found.name, "versions": table}), indent=2) + "\n")
    else:
        sys.stdout.write(format_rows(found, table))


@model_app.command()
def promote(version: Annotated[str, typer.Argument(help="saved version, e.g. v0003")], model: ModelName = None,
            reason: Reason = "promoted by hand", project_dir: ProjectDir = Path("."),
            profiles_dir: ProfilesDir = None, target: TargetName = None, target_path: TargetPath = None,
            lock_wait: LockWait = DEFAULT_LOCK_WAIT_S) -> None:
    """Make VERSION the champion: the next night's predictions come from it."""
    setup_logging()
    from strataqc import clock
    from strataqc.model import versions

    found = _found(project_dir, target_path, model)
    _change(lambda wh: versions.promote(found, version, clock.now(), reason, wh), project_dir, profiles_dir,
            target, lock_wait)
    typer.echo(f"{found.name}: {version} is the champion")


@model_app.command()
def rollback(model: ModelName = None, reason: Reason = "rolled back by hand", project_dir: ProjectDir = Path("."),
             profiles_dir: ProfilesDir = None, target: TargetName = None, target_path: TargetPath = None,
             lock_wait: LockWait = DEFAULT_LOCK_WAIT_S) -> None:
    """The previous champion becomes champion again; the current one is retired."""
    setup_logging()
    from strataqc import clock
    from strataqc.model import versions

    found = _found(project_dir, target_path, model)
    current, entry = _change(lambda wh: versions.rollback(found, clock.now(), reason, wh), project_dir,
                             profiles_dir, target, lock_wait)
    typer.echo(f"{found.name}: rolled back {current}; {entry['version']} is the champion")

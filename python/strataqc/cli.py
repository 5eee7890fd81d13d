"""qc-report: generate and load the demo landing zone, merge a night's results."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

app = typer.Typer(add_completion=False, no_args_is_help=True, help=__doc__)
stderr = Console(stderr=True)

# Exit codes (documented in README): 0 ok, 1 checks failed, 2 StrataQC could not run.
EXIT_OK, EXIT_CHECKS_FAILED, EXIT_CANNOT_RUN = 0, 1, 2


@app.command()
def generate(
    out: Annotated[Path, typer.Option(help="landing directory to write")] = Path("data/landing"),
    rows: Annotated[int, typer.Option(help="approximate point-of-sale lines")] = 200_000,
    seed: Annotated[int, typer.Option(help="random seed; same seed, same files")] = 42,
) -> None:
    """Write a deterministic landing zone with known defects and its manifest."""
    from strataqc.landing.generate import generate as run_generate

    manifest = run_generate(out=out, rows=rows, seed=seed)
    typer.echo(f"wrote {manifest['rows']['pos_sales']} sales lines to {out} (manifest: {out / 'manifest.json'})")


@app.command()
def load(
    landing: Annotated[Path, typer.Option(help="landing directory written by `generate`")] = Path("data/landing"),
    project_dir: Annotated[Path, typer.Option(help="dbt project")] = Path("."),
    profiles_dir: Annotated[Path | None, typer.Option(help="dir of profiles.yml")] = None,
    target: Annotated[str | None, typer.Option(help="dbt target")] = None,
) -> None:
    """Load new landing files into the warehouse's landing schema as raw text."""
    from strataqc.landing.load import load_landing
    from strataqc.warehouse import Warehouse, WarehouseError

    try:
        with Warehouse.from_project(project_dir, profiles_dir, target) as wh:
            summary = load_landing(landing, wh)
    except (WarehouseError, FileNotFoundError) as exc:
        stderr.print(f"[red]cannot load[/red]: {exc}")
        raise typer.Exit(EXIT_CANNOT_RUN)
    for name, count in summary.items():
        typer.echo(f"{name}: {count} rows loaded")


def main() -> None:
    app()


if __name__ == "__main__":
    main()

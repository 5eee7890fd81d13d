"""`qc-report migrate-tests`: dbt-utils / dbt-expectations tests rewritten as StrataQC tests."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from strataqc.cli.base import app
from strataqc.logs import stderr
from strataqc.night import EXIT_CANNOT_RUN


@app.command("migrate-tests")
def migrate_tests(
    paths: Annotated[list[Path], typer.Argument(help="schema YAML files, or folders holding them")],
    write: Annotated[bool, typer.Option("--write", help="rewrite the files (default: print the diff only)")] = False,
) -> None:
    """Rewrite dbt_utils.* / dbt_expectations.* tests as strataqc.* tests; list what has no equivalent."""
    from strataqc.migrate import MigrationError, migrate_paths

    try:
        results = migrate_paths(paths, write=write)
    except MigrationError as exc:
        stderr.print(f"cannot migrate: {exc}", soft_wrap=True, markup=False)
        raise typer.Exit(EXIT_CANNOT_RUN)
    for result in results:
        if not write and result.new_text != result.old_text:
            typer.echo(result.diff(), nl=False)
    skipped = [s for r in results for s in r.skipped]
    for s in skipped:   # stderr: stdout stays a patch that applies
        stderr.print(f"not translated: {s.path}: {s.where}: {s.test}: {s.reason}", soft_wrap=True, markup=False)
    done = sum(len(r.translated) for r in results)
    stderr.print(f"{done} test(s) {'rewritten' if write else 'to rewrite (dry run; --write applies)'}, "
                 f"{len(skipped)} left as they are", soft_wrap=True, markup=False)

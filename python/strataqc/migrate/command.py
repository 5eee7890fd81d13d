"""`qc-report migrate-tests`: dbt-utils / dbt-expectations tests rewritten as StrataQC tests."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from strataqc.exits import EXIT_CANNOT_RUN, EXIT_OK
from strataqc.logs import stderr
from strataqc.options import argument, option


@dataclass(frozen=True, kw_only=True)
class MigrateTests:
    paths: tuple[Path, ...] = argument("schema YAML files, or folders holding them")
    write: bool = option(False, "rewrite the files (default: print the diff only)", "--write")


def migrate_tests(opts: MigrateTests) -> int:
    """Rewrite dbt_utils.* / dbt_expectations.* tests as strataqc.* tests; list what has no equivalent."""
    from strataqc.migrate.schema_yaml import MigrationError, migrate_paths  # ruamel.yaml: only for this command

    try:
        results = migrate_paths(list(opts.paths), write=opts.write)
    except MigrationError as exc:
        stderr.print(f"cannot migrate: {exc}", soft_wrap=True, markup=False)
        return EXIT_CANNOT_RUN
    for result in results:
        if not opts.write and result.new_text != result.old_text:
            print(result.diff(), end="")
    skipped = [s for r in results for s in r.skipped]
    for s in skipped:   # stderr: stdout stays a patch that applies
        stderr.print(f"not translated: {s.path}: {s.where}: {s.test}: {s.reason}", soft_wrap=True, markup=False)
    done = sum(len(r.translated) for r in results)
    stderr.print(f"{done} test(s) {'rewritten' if opts.write else 'to rewrite (dry run; --write applies)'}, "
                 f"{len(skipped)} left as they are", soft_wrap=True, markup=False)
    return EXIT_OK

"""`qc-report`'s entry point. A night's dbt child imports dbt for about two seconds before dbt can
start, and that is the night's longest wait at its start: so a night starts the child first, before
the command line's own imports (a third of a second), and hands it dbt's arguments later."""

from __future__ import annotations

import sys


def main() -> None:
    args = sys.argv[1:]
    if args[:1] == ["night"] and not {"--help", "-h"} & set(args):
        from strataqc import dbt_child

        dbt_child.start_early()
    from strataqc.cli import main as cli_main

    cli_main()

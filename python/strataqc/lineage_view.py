"""`qc-report lineage MODEL[.COLUMN]`: what is upstream and downstream, with each node's latest status."""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from pathlib import Path

from strataqc.artifacts import ArtifactsError, _read_json
from strataqc.exits import EXIT_OK, CannotRun
from strataqc.logs import log
from strataqc.options import argument, option
from strataqc.warehouse import WarehouseOptions, opened


@dataclass(frozen=True, kw_only=True)
class LineageQuery(WarehouseOptions):
    node: str = argument("MODEL or MODEL.COLUMN")
    # the same options as `run`'s
    target_path: Path | None = option(None, "dbt's target folder with run_results.json and manifest.json "
                                            "(default: PROJECT_DIR/target)")
    fmt: str = option("table", "table or json", "--format", "-f")
    no_history: bool = option(False, "do not read or write the history tables", "--no-history")


def show_lineage(opts: LineageQuery) -> int:
    """What is upstream and downstream of a model or column, with each node's latest status."""
    from strataqc import lineage  # sqlglot's lineage: only for this command

    path = opts.target_path or opts.project_dir / "target"
    try:
        found = lineage.load(path, _read_json(path / "manifest.json"))
    except ArtifactsError as exc:
        raise CannotRun(str(exc)) from exc
    statuses: dict[str, str] = {}
    if not opts.no_history:
        from strataqc.history import History

        try:
            with opened(opts) as wh:
                statuses = lineage.latest_statuses(History(wh).last_runs(1))
        except CannotRun as exc:  # the graph stands without statuses
            log.warning("latest statuses unavailable: %s", exc)
    try:
        view = lineage.neighbourhood(found, opts.node, statuses)
    except KeyError as exc:
        raise CannotRun(exc.args[0]) from exc
    sys.stdout.write(json.dumps(view, indent=2) + "\n" if opts.fmt == "json" else lineage.format_neighbourhood(view))
    return EXIT_OK

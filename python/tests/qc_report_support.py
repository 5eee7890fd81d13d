"""Shared setup for the qc-report tests: the dbt artifacts fixture and a warehouse it points at.

`qc_report_data/` holds run_results.json and a trimmed manifest.json from a real
`dbt build` of `qc_report_data/project` (see its trim.py): a model that fails to
build, skipped children, passing / failing / warning tests, a column with
`quote: true`, a store_failures test and checks returning observed/threshold rows.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import duckdb

DATA = Path(__file__).parent / "qc_report_data"


def fixture_project(tmp_path: Path) -> Path:
    """A project dir with target/ artifacts and a DuckDB file holding the models the tests read."""
    project = tmp_path / "project"
    (project / "target").mkdir(parents=True)
    for name in ("run_results.json", "manifest.json"):
        shutil.copy(DATA / name, project / "target" / name)
    shutil.copy(DATA / "project" / "dbt_project.yml", project / "dbt_project.yml")
    (project / "profiles").mkdir()
    # the compiled SQL names the database "fix": DuckDB names it after the file
    db = tmp_path / "fix.duckdb"
    (project / "profiles" / "profiles.yml").write_text(
        f"qcfix:\n  target: duckdb\n  outputs:\n    duckdb:\n      type: duckdb\n      path: '{db}'\n"
        "      password: 's3cr3t-pw'\n")
    manifest = json.loads((DATA / "manifest.json").read_text())
    results = {r["unique_id"]: r for r in json.loads((DATA / "run_results.json").read_text())["results"]}
    with duckdb.connect(str(db)) as conn:
        for uid, result in results.items():  # dbt's build order: parents first
            node = manifest["nodes"][uid]
            stored = node["resource_type"] == "test" and (node["config"] or {}).get("store_failures")
            if result["status"] == "success" or (stored and result["status"] in ("fail", "warn")):
                conn.execute(f'create schema if not exists "{node["schema"]}"')
                conn.execute(f'create table {node["relation_name"]} as {node["compiled_code"]}')
    return project


def run_args(project: Path, *extra: str) -> list[str]:
    return ["run", "--project-dir", str(project), "--profiles-dir", str(project / "profiles"), "--no-alerts",
            *extra]


def memory_warehouse():
    from strataqc.warehouse import Target, Warehouse

    return Warehouse(Target("strataqc", "test", "duckdb", {"path": ":memory:"}))


def make_run(run_id: str, night: int, rows: list[tuple], context: dict | None = None):
    """A QCRun on night `night` (2026-01-01 + night days) from (check, model, column, status, observed[, failures])."""
    import datetime as dt

    from strataqc.report.run import QCRun
    from strataqc.results import CheckResult, Status

    when = (dt.datetime(2026, 1, 1, 3, tzinfo=dt.timezone.utc) + dt.timedelta(days=night)).strftime(
        "%Y-%m-%dT%H:%M:%S.%fZ")
    results = []
    for row in rows:
        check, model, column, status, observed, *rest = row
        results.append(CheckResult(check=check, model=model, column=column, status=Status(status), observed=observed,
                                   failures=rest[0] if rest else None, layer=model.split("_")[0],
                                   message=f"{check} on {model}: {status}"))
    run = QCRun.merge(run_id, when, results)
    run.context.update(context or {})
    return run

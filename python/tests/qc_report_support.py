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


def qc_report_process(*args: str, env: dict | None = None, **popen) -> "subprocess.Popen":
    """`qc-report ARGS` in a child process (a real process: locks, kills, concurrency)."""
    import os
    import subprocess
    import sys

    return subprocess.Popen([sys.executable, "-m", "strataqc.cli", *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env={**os.environ, "CI": "true", **(env or {})},
                            **popen)


def history_rows(project: Path):
    """(run_id, rows) stored in the fixture warehouse's history, read without StrataQC."""
    with duckdb.connect(str(project.parent / "fix.duckdb"), read_only=True) as conn:
        return conn.execute('select run_id, count(*) from "strataqc_history"."check_results" '
                            "group by run_id order by run_id").fetchall()


def memory_warehouse():
    from strataqc.warehouse import Target, Warehouse

    return Warehouse(Target("strataqc", "test", "duckdb", {"path": ":memory:"}))


def make_run(run_id: str, night: int, rows: list[tuple], context: dict | None = None):
    """A QCRun on night `night` (2026-01-01 + night days) from (check, model, column, status, observed[, failures])."""
    import datetime as dt

    from strataqc.run import QCRun
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


def big_night(checks: int = 500, nights: int = 90, seed: int = 7, tmp_path: Path | None = None):
    """A run of `checks` records with `nights` earlier runs in an in-memory history.

    History rows are bulk-loaded from Parquet (the path `History.append` takes is
    exercised elsewhere); tonight's run goes through `append` and `run_context`.
    Returns (run, warehouse).
    """
    import datetime as dt

    import numpy as np
    import pandas as pd

    from strataqc.history import History, run_context
    from strataqc.run import QCRun, check_key
    from strataqc.results import CheckResult, CheckType, Status

    rng = np.random.default_rng(seed)
    layers = ["ods", "dwd", "dws", "ads"]
    sql_checks = ["unique_key", "not_null", "value_range", "abnormal_value_ratio", "date_continuity",
                  "special_characters", "reconcile_sum", "accepted_values_ratio"]
    results = []
    for i in range(checks):
        layer = layers[i % 4]
        model = f"{layer}_model_{i % 37:02d}"
        kind = i % 25
        status = Status.PASS
        details: dict = {}
        observed = float(rng.normal(0.02, 0.002))
        if kind == 0:
            status = Status.FAIL
            details["sample_rows"] = [{"store_id": f"S{k}", "category": "<script>alert('x')</script>",
                                       "observed": observed} for k in range(5)]
        elif kind == 1:
            status = Status.WARN
        if layer == "ads" and i % 20 == 3:
            bins = [f"[{b}, {b + 1})" for b in range(20)]
            ref = rng.integers(50, 500, 20).tolist()
            cur = (np.array(ref) * rng.uniform(0.5, 1.5, 20)).astype(int).tolist()
            results.append(CheckResult(check="feature_drift", check_type=CheckType.DRIFT, status=status,
                                       model=model, layer=layer, column=f"feature_{i}", observed=observed,
                                       threshold=0.25, message=f"PSI {observed:.3f}",
                                       details={"distribution": {"column": f"feature_{i}", "kind": "numeric",
                                                                 "bins": bins, "reference": ref, "current": cur},
                                                "metrics": {"psi": observed, "ks": observed / 2}}))
            continue
        if layer == "ads" and i % 100 == 7:
            table = {"title": "Contributors to the worst errors", "columns": ["feature", "mean_abs_shap", "permutation"],
                     "rows": [[f"f{k}", float(rng.random()), float(rng.random())] for k in range(15)]}
            results.append(CheckResult(check="error_attribution", check_type=CheckType.ATTRIBUTION, status=status,
                                       model=model, layer=layer, message="top features of the worst errors",
                                       details={"table": table}))
            continue
        results.append(CheckResult(check=sql_checks[i % len(sql_checks)], status=status, model=model, layer=layer,
                                   column=f"col_{i}", observed=observed, threshold=0.05, failures=int(kind == 0) * 12,
                                   message=f"observed {observed:.4f}", duration_s=0.01,
                                   details={**details, "test_name": f"t_{i}"}))
    start = dt.datetime(2026, 1, 1, 3, tzinfo=dt.timezone.utc)
    stamp = lambda n: (start + dt.timedelta(days=n)).strftime("%Y-%m-%dT%H:%M:%S.%fZ")  # noqa: E731
    rows = []
    for night in range(nights):
        for r in results:
            rows.append({"run_id": f"night-{night:03d}", "generated_at": stamp(night), "check_key": check_key(r),
                         "check_name": r.check, "check_type": str(r.check_type), "layer": r.layer, "model": r.model,
                         "column_name": r.column, "status": "fail" if rng.random() < 0.03 else "pass",
                         "observed": None if r.observed is None else float(rng.normal(0.02, 0.002)),
                         "threshold": r.threshold, "failures": None if r.failures is None else 0,
                         "message": "", "duration_s": 0.01})
    wh = memory_warehouse()
    history = History(wh)
    history.ensure()
    parquet = (tmp_path or Path("/tmp")) / f"history-{seed}.parquet"
    pd.DataFrame(rows).to_parquet(parquet)
    wh.execute(f"insert into \"strataqc_history\".\"check_results\" select * from read_parquet('{parquet}')")
    run = QCRun.merge("tonight", stamp(nights), results)
    history.append(run)
    run.context.update(run_context(history, run))
    return run, wh

"""On PostgreSQL and Spark too, a nightly incremental run builds exactly what a full refresh builds.

The same night as `test_warehouse_incremental` (one more day landed, a re-sent line and a late line two
days back) on a small landing zone of its own: the incremental models' literal rebuild windows and their
delete+insert (Spark's through a stage) must give every table a full refresh gives, row for row; the
night's tests, scoped to the rows it wrote (the continuity edge among them), must all run.
"""

from __future__ import annotations

import json
import math
from collections import Counter

import pytest

from conftest import deliver_next_day
from strataqc.landing.generate import generate
from test_engines_parity import BIN, ENGINES, REPO, _engine_env, _run, query
from test_warehouse_incremental import INCREMENTAL_MARKS, TABLES

# the thrift cluster is left out: one cluster serves the parity suite, whose history test reads it
SERVER_ENGINES = [p for p in ENGINES if p.values[0] in ("postgres", "spark")]
ROWS, SEED = 4_000, 7


def _dbt(args: list[str], engine: str, env: dict, tmp) -> None:
    done = _run([str(BIN / "dbt"), *args, "--project-dir", str(REPO), "--target", engine,
                 "--target-path", str(tmp / "target"), "--log-path", str(tmp / "logs")], env, REPO)
    assert done.returncode == 0, f"dbt {' '.join(args)} on {engine}:\n{done.stdout[-3000:]}"


def _load(landing, engine: str, env: dict) -> None:
    done = _run([str(BIN / "qc-report"), "load", "--landing", str(landing), "--project-dir", str(REPO),
                 "--target", engine], env, REPO)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]


def _tables(engine: str, env: dict) -> dict[str, Counter]:
    """Every table's rows (a multiset); doubles to 9 significant digits (a parallel sum adds in any order)."""
    def same_value(v):
        if isinstance(v, float) and math.isfinite(v):
            return float(f"{v:.9g}")
        return v
    raw = {t: f"select * from {t}" for t in TABLES}
    read = query(REPO, REPO / "profiles", engine, env, raw)
    return {t: Counter(tuple(same_value(v) for v in row) for row in read[t]["rows"]) for t in TABLES}


@pytest.mark.parametrize("engine", SERVER_ENGINES)
def test_an_incremental_night_builds_what_a_full_refresh_builds(engine, tmp_path):
    landing = tmp_path / "landing"
    generate(landing, rows=ROWS, seed=SEED)
    env = _engine_env(engine, tmp_path, DBT_PROFILES_DIR=str(REPO / "profiles"))
    _load(landing, engine, env)
    _dbt(["build", "--exclude-resource-type", "test"], engine, env, tmp_path)

    deliver_next_day(landing)
    _load(landing, engine, env)
    # the night with its tests, scoped to the rows it wrote: a test may find a planted defect (exit 1),
    # but none may fail to run, and nothing may be skipped
    done = _run([str(BIN / "dbt"), "build", "--project-dir", str(REPO), "--target", engine, "--target-path",
                 str(tmp_path / "target"), "--log-path", str(tmp_path / "logs")], env, REPO)
    results = json.loads((tmp_path / "target" / "run_results.json").read_text())["results"]
    broken = [f"{r['unique_id']}: {r['status']} {r.get('message')}" for r in results
              if r["status"] in ("error", "skipped")]
    assert done.returncode in (0, 1) and broken == [], "\n".join(broken) or done.stdout[-3000:]
    compiled = {r["unique_id"].split(".")[2]: r.get("compiled_code") or "" for r in results}
    for model, mark in INCREMENTAL_MARKS.items():
        assert mark in compiled[model], f"{model} did not take its incremental branch on {engine}"
    # a continuity test reads each series' edge in the 7 days before the new rows, older rows only when missing
    assert "strataqc_orphan" in compiled["dws_sales_daily__spine_complete"]
    incremental = _tables(engine, env)

    _dbt(["run", "--full-refresh"], engine, env, tmp_path)
    full = _tables(engine, env)
    for table in TABLES:
        only_incremental = sum((incremental[table] - full[table]).values())
        only_full = sum((full[table] - incremental[table]).values())
        assert (only_incremental, only_full) == (0, 0), f"{table} on {engine}"
        assert full[table], f"{table} is empty on {engine}"

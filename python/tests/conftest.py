"""Shared fixtures: one small demo night (generate → load → dbt build) per test session.

`demo_night` builds the four-layer demo warehouse once, into a temporary DuckDB
file with its own dbt target and log paths, so test runs of several people on
one machine never lock or clobber each other's files. Read it, don't change it:
open the DuckDB file read-only (`demo_night.connect()`), and run dbt against a
copy (`demo_night.copy_warehouse(tmp_path)`) when a test must write.

`wh` is an empty in-memory DuckDB warehouse; `pg` a PostgreSQL one (skipped without a server) with
the schema named by the test module's `SCHEMA` made fresh and dropped after.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

PROJECT_DIR = Path(__file__).resolve().parents[2]
DEMO_ROWS = 20_000
DEMO_SEED = 42
BIN = Path(sys.executable).parent


def dbt_env(duckdb_path: Path, log_path: Path, scratch_target: Path) -> dict[str, str]:
    """Environment for dbt / qc-report against one DuckDB file, away from the repo's target/ and logs/."""
    env = dict(os.environ)
    env.update({
        "DBT_PROFILES_DIR": str(PROJECT_DIR / "profiles"),
        "STRATAQC_DUCKDB_PATH": str(duckdb_path),
        "DBT_LOG_PATH": str(log_path),
        # a stray `dbt` call without --target-path lands here, not in the repo or the night's artifacts
        "DBT_TARGET_PATH": str(scratch_target),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
        "DBT_USE_COLORS": "false",
        "DBT_TARGET": "duckdb",
    })
    return env


def run_dbt(args: list[str], env: dict[str, str], target_path: Path, log_path: Path | None = None,
            project_dir: Path = PROJECT_DIR) -> subprocess.CompletedProcess:
    """Run dbt in a subprocess with an explicit target path; returns the completed process (never raises)."""
    command = [str(BIN / "dbt"), *args, "--project-dir", str(project_dir), "--target-path", str(target_path)]
    if log_path is not None:
        command += ["--log-path", str(log_path)]
    return subprocess.run(command, env=env, cwd=project_dir, capture_output=True, text=True, timeout=600)


def night_clock(landing: Path) -> str:
    """03:00 UTC the morning after the newest business day of the landing zone."""
    end = dt.date.fromisoformat(json.loads((landing / "manifest.json").read_text())["generator"]["end_date"])
    return f"{end + dt.timedelta(days=1)}T03:00:00Z"


def load_into(landing_dir: Path, duckdb_path: Path) -> dict[str, int]:
    """`qc-report load` in-process against a DuckDB file."""
    from strataqc.landing.load import load_landing
    from strataqc.warehouse import Target, Warehouse

    with Warehouse(Target("strataqc", "duckdb", "duckdb", {"path": str(duckdb_path)})) as wh:
        return load_landing(landing_dir, wh)


def deliver_next_day(landing: Path) -> tuple[dict, str, str]:
    """Land one more day in `landing`, with a line re-sent from the first night (other units: still a
    duplicate) and a late line for two days back (inside the daily model's reprocessing overlap).
    Returns the manifest, the re-sent line's id and the late line's id."""
    from strataqc.landing.generate import generate

    manifest = generate(landing, extend_days=1)
    new_file = landing / sorted(manifest["files"])[-1]
    first_file = landing / sorted(manifest["files"])[0]
    resent = first_file.read_text().splitlines()[1].replace('"', "").split(",")
    resent[4] = str(int(resent[4]) + 5)
    previous = dt.date.fromisoformat(manifest["generator"]["end_date"]) - dt.timedelta(days=2)
    late = [f"LATE-{previous:%Y%m%d}-S0001-K00001", previous.isoformat(), "S0001", "K00001", "3", "2.00", "0"]
    with open(new_file, "a", encoding="utf-8") as fh:
        fh.write(",".join(resent) + "\n" + ",".join(late) + "\n")
    return manifest, resent[0], late[0]


def model_errors(target_path: Path) -> list[str]:
    """Nodes of the last dbt invocation that errored (not test failures: the demo data fails tests on purpose)."""
    results = json.loads((target_path / "run_results.json").read_text())["results"]
    return [f"{r['unique_id']}: {r.get('message')}" for r in results
            if r["status"] == "error" and not r["unique_id"].startswith("test.")]


@dataclass
class DemoNight:
    project_dir: Path
    duckdb_path: Path
    target_path: Path
    landing_dir: Path
    log_path: Path
    manifest: dict[str, Any]  # the generator's manifest.json (defects, expected row counts)
    env: dict[str, str]
    load_summary: dict[str, int] = field(default_factory=dict)

    @property
    def dbt_manifest(self) -> dict[str, Any]:
        return json.loads((self.target_path / "manifest.json").read_text())

    @property
    def run_results(self) -> dict[str, Any]:
        return json.loads((self.target_path / "run_results.json").read_text())

    def connect(self):
        """A read-only DuckDB connection to the night's warehouse (close it when done)."""
        import duckdb

        return duckdb.connect(str(self.duckdb_path), read_only=True)

    def query(self, sql: str) -> list[tuple]:
        con = self.connect()
        try:
            return con.execute(sql).fetchall()
        finally:
            con.close()

    def scalar(self, sql: str) -> Any:
        return self.query(sql)[0][0]

    def copy_warehouse(self, directory: Path) -> tuple[Path, dict[str, str]]:
        """A private copy of the warehouse and an env pointing dbt / qc-report at it."""
        directory.mkdir(parents=True, exist_ok=True)
        copy = directory / self.duckdb_path.name
        shutil.copy(self.duckdb_path, copy)
        return copy, dbt_env(copy, directory / "logs", directory / "target")


@pytest.fixture(scope="session")
def demo_night(tmp_path_factory: pytest.TempPathFactory) -> DemoNight:
    """The demo night, built once per session: ~20k landed sales lines through all four layers."""
    from strataqc.landing.generate import generate

    root = tmp_path_factory.mktemp("demo_night")
    landing_dir, duckdb_path = root / "landing", root / "warehouse.duckdb"
    target_path, log_path = root / "target", root / "logs"
    env = dbt_env(duckdb_path, log_path, root / "scratch_target")
    manifest = generate(landing_dir, rows=DEMO_ROWS, seed=DEMO_SEED)
    summary = load_into(landing_dir, duckdb_path)
    # the night after the newest business day: the demo data is historical, the wall clock would find every file late
    night_clock = dt.date.fromisoformat(manifest["generator"]["end_date"]) + dt.timedelta(days=1)
    build = run_dbt(["build"], {**env, "STRATAQC_NOW": f"{night_clock}T03:00:00Z"}, target_path, log_path)
    if not (target_path / "run_results.json").exists():
        pytest.fail(f"dbt build of the demo night did not run (exit {build.returncode}):\n"
                    f"{build.stdout[-4000:]}\n{build.stderr[-2000:]}", pytrace=False)
    errors = model_errors(target_path)
    if errors:
        pytest.fail("demo models failed to build:\n" + "\n".join(errors), pytrace=False)
    return DemoNight(PROJECT_DIR, duckdb_path, target_path, landing_dir, log_path, manifest, env, summary)


@pytest.fixture
def wh():
    """An empty in-memory DuckDB warehouse; a module that needs another one defines its own `wh`."""
    from qc_report_support import memory_warehouse

    warehouse = memory_warehouse()
    yield warehouse
    warehouse.close()


@pytest.fixture
def pg(request):
    """(Warehouse, database) on the PostgreSQL server with the test module's SCHEMA fresh; skipped without one."""
    from engine_support import postgres_schema

    yield from postgres_schema(request.module.SCHEMA)

"""A DuckDB file held by another process, and two `qc-report run` on one warehouse at once."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time

import pytest
from qc_report_support import fixture_project, history_rows, qc_report_process, run_args

from strataqc.cli import EXIT_CANNOT_RUN, EXIT_CHECKS_FAILED

RUN_A = "8133f0a3-ed33-4ef4-83f8-ec757b749016"


@pytest.fixture
def project(tmp_path):
    return fixture_project(tmp_path)


def hold_lock(db, seconds: float) -> subprocess.Popen:
    """Another process with the DuckDB file open for writing (DuckDB allows one such process)."""
    holder = subprocess.Popen([sys.executable, "-c", f"import duckdb, time; c = duckdb.connect({str(db)!r}); "
                               f"print('locked', flush=True); time.sleep({seconds}); c.close()"],
                              stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline().strip() == "locked"
    return holder


def test_a_lock_held_for_a_moment_is_waited_for_then_the_run_completes(project):
    holder = hold_lock(project.parent / "fix.duckdb", 60)
    try:
        proc = qc_report_process(*run_args(project, "--format", "json", "--lock-wait", "30"))
        # release the lock only once qc-report has met it and said so
        waiting = ""
        while "is locked by another process" not in waiting:
            line = proc.stderr.readline()
            assert line, "qc-report ended without meeting the lock"
            waiting += line
    finally:
        holder.kill()
        holder.wait()
    out, err = proc.communicate(timeout=90)
    assert proc.returncode == EXIT_CHECKS_FAILED, waiting + err
    assert f"is locked by another process (PID {holder.pid}); retrying for up to 30s" in waiting
    assert json.loads(out)["summary"]["total"] == 13 and "Traceback" not in waiting + err
    assert history_rows(project) == [(RUN_A, 13)]


def test_a_lock_that_stays_gives_up_after_the_bounded_wait_with_one_clear_line(project):
    holder = hold_lock(project.parent / "fix.duckdb", 60)
    try:
        started = time.monotonic()
        proc = qc_report_process(*run_args(project, "--format", "json", "--lock-wait", "1.5"))
        out, err = proc.communicate(timeout=60)
        elapsed = time.monotonic() - started
    finally:
        holder.kill()
        holder.wait()
    assert proc.returncode == EXIT_CANNOT_RUN and out == ""
    last = err.strip().splitlines()[-1]
    assert last.startswith("qc-report cannot run: the warehouse qcfix.duckdb (duckdb: ")
    assert last.endswith(f"is locked by another process (PID {holder.pid}): gave up after 1.5s; run again when it "
                         "has finished, or give --lock-wait more seconds")
    assert "Traceback" not in err and elapsed < 15


def test_two_runs_on_one_warehouse_at_once_both_land_their_history(project, tmp_path):
    # two invocations (e.g. the nightly job and a rerun) with their own dbt target folders
    second = tmp_path / "target-2"
    shutil.copytree(project / "target", second)
    run = json.loads((second / "run_results.json").read_text())
    run["metadata"]["invocation_id"] = "rerun-2"
    (second / "run_results.json").write_text(json.dumps(run))
    procs = [qc_report_process(*run_args(project, "--format", "json", *extra))
             for extra in ([], ["--target-path", str(second)])]
    outputs = [p.communicate(timeout=120) for p in procs]
    for proc, (out, err) in zip(procs, outputs):
        assert proc.returncode == EXIT_CHECKS_FAILED, err
        assert "Traceback" not in err
    assert sorted(json.loads(out)["run_id"] for out, _ in outputs) == sorted([RUN_A, "rerun-2"])
    assert history_rows(project) == [(RUN_A, 13), ("rerun-2", 13)]


def test_load_and_ack_meet_a_lock_the_same_way(project, tmp_path):
    from pathlib import Path

    from typer.testing import CliRunner

    from strataqc.cli import app

    repo = Path(__file__).resolve().parents[2]
    db = tmp_path / "held.duckdb"
    holder = hold_lock(db, 60)
    try:
        load = CliRunner().invoke(app, ["load", "--landing", str(tmp_path), "--project-dir", str(repo),
                                        "--profiles-dir", str(repo / "profiles"), "--lock-wait", "0.3"],
                                  env={"STRATAQC_DUCKDB_PATH": str(db)})
        ack = CliRunner().invoke(app, ["ack", "unique_key", "--model", "dwd_sales", "--reason", "known",
                                       "--project-dir", str(repo), "--profiles-dir", str(repo / "profiles"),
                                       "--lock-wait", "0.3"], env={"STRATAQC_DUCKDB_PATH": str(db)})
    finally:
        holder.kill()
        holder.wait()
    for result in (load, ack):
        assert result.exit_code == EXIT_CANNOT_RUN and isinstance(result.exception, SystemExit)
        assert f"is locked by another process (PID {holder.pid}): gave up after 0.3s" in result.stderr

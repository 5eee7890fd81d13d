"""The process is killed (SIGKILL) inside the history transaction: history stays whole, the next run works."""

from __future__ import annotations

import json
import signal
import time

import duckdb
import pytest
from qc_report_support import fixture_project, history_rows, run_args
from typer.testing import CliRunner

from strataqc.cli import EXIT_CHECKS_FAILED, app

RUN_A = "8133f0a3-ed33-4ef4-83f8-ec757b749016"

# a qc-report whose history write stops right after its INSERT, inside the open transaction
PAUSE_IN_TRANSACTION = """
import os, sys, time
from strataqc.warehouse import Warehouse
real = Warehouse.execute
def execute(self, sql):
    real(self, sql)
    text = sql if isinstance(sql, str) else sql.sql()
    if text.lstrip().upper().startswith("INSERT") and "check_results" in text:
        open(os.environ["QC_MARK"], "w").write("inside the transaction")
        time.sleep(120)
Warehouse.execute = execute
from strataqc.cli import main
sys.argv = ["qc-report", *sys.argv[1:]]
main()
"""


@pytest.fixture
def project(tmp_path):
    return fixture_project(tmp_path)


def stored(project):
    with duckdb.connect(str(project.parent / "fix.duckdb"), read_only=True) as conn:
        return conn.execute('select run_id, check_key, status, message from "strataqc_history"."check_results" '
                            "order by run_id, check_key").fetchall()


def kill_inside_history_write(project, tmp_path):
    import subprocess
    import sys

    mark = tmp_path / "mark"
    child = subprocess.Popen([sys.executable, "-c", PAUSE_IN_TRANSACTION, *run_args(project, "--format", "json")],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             env={**__import__("os").environ, "QC_MARK": str(mark), "CI": "true"})
    try:
        deadline = time.monotonic() + 60
        while not mark.exists():
            assert child.poll() is None, child.stderr.read()
            assert time.monotonic() < deadline, "the child never reached the history write"
            time.sleep(0.05)
        child.send_signal(signal.SIGKILL)
    finally:
        child.wait(timeout=30)
        child.stdout.close()
        child.stderr.close()
    assert child.returncode == -signal.SIGKILL


def test_killed_rewrite_of_a_stored_run_leaves_it_as_it_was(project, tmp_path):
    assert CliRunner().invoke(app, run_args(project, "--format", "json")).exit_code == EXIT_CHECKS_FAILED
    before = stored(project)
    assert len(before) == 13
    # the same invocation again: its transaction deletes the stored rows, inserts, and is killed before COMMIT
    kill_inside_history_write(project, tmp_path)
    assert stored(project) == before
    again = CliRunner().invoke(app, run_args(project, "--format", "json"))
    assert again.exit_code == EXIT_CHECKS_FAILED, again.stderr
    assert stored(project) == before


def test_killed_first_write_of_a_new_run_leaves_no_half_run(project, tmp_path):
    assert CliRunner().invoke(app, run_args(project, "--format", "json")).exit_code == EXIT_CHECKS_FAILED
    path = project / "target" / "run_results.json"
    run = json.loads(path.read_text())
    run["metadata"]["invocation_id"] = "night-2"
    path.write_text(json.dumps(run))
    kill_inside_history_write(project, tmp_path)
    assert history_rows(project) == [(RUN_A, 13)]  # no part of night-2
    after = CliRunner().invoke(app, run_args(project, "--format", "json"))
    assert after.exit_code == EXIT_CHECKS_FAILED, after.stderr
    assert json.loads(after.stdout)["run_id"] == "night-2"
    assert history_rows(project) == [(RUN_A, 13), ("night-2", 13)]

"""strataqc/dbt_child.py: dbt's child imports first and runs only on `go`; without it, dbt never starts."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from strataqc import dbt_child


@pytest.fixture
def fake_dbt(tmp_path):
    """A dbt from another environment: a program that writes its arguments to a file."""
    ran = tmp_path / "ran.txt"
    program = tmp_path / "other-env-dbt"
    program.write_text(f"#!/bin/sh\necho \"$@\" > {ran}\necho built\n")
    program.chmod(0o755)
    return program, ran


def test_the_child_runs_dbt_once_released(fake_dbt):
    program, ran = fake_dbt
    child = dbt_child.start(str(program))
    dbt_child.release(child, ["build", "--select", "a b"])
    output = child.stdout.read()
    assert child.wait() == 0 and output == "built\n"
    assert ran.read_text() == "build --select a b\n"


def test_a_cancelled_child_never_starts_dbt(fake_dbt):
    program, ran = fake_dbt
    child = dbt_child.start(str(program))
    dbt_child.cancel(child)
    assert child.returncode == dbt_child.NOT_RELEASED
    assert not ran.exists()


def test_a_missing_dbt_is_one_clear_line(tmp_path):
    child = dbt_child.start(str(tmp_path / "no-dbt-here"))
    dbt_child.release(child, ["build"])
    output = child.stdout.read()
    assert child.wait() == 2
    assert output.startswith(f"cannot run {tmp_path / 'no-dbt-here'}: ") and "install dbt-core" in output
    assert "Traceback" not in output


def test_this_environments_dbt_runs_in_the_child_itself():
    own = dbt_child._beside()
    if not own.exists():
        pytest.skip("no dbt beside this interpreter")
    assert dbt_child._dbt_main(str(own)) is not None           # imported before the go
    assert all(name in sys.modules for name in dbt_child.BUILD_IMPORTS)
    assert dbt_child._dbt_main("/elsewhere/bin/dbt") is None    # another environment's: run as a program
    child = dbt_child.start(str(own))
    dbt_child.release(child, ["--version"])
    output = child.stdout.read()
    assert child.wait() == 0 and "Core:" in output


def test_the_child_quiets_the_collector_before_dbt_runs():
    # in a fresh interpreter: the thresholds and the frozen set are the process's own
    code = ("import gc; from strataqc import dbt_child; dbt_child.quiet_collector(); "
            "print(gc.get_threshold()[0], gc.get_freeze_count() > 0)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert out == [str(dbt_child.YOUNG_THRESHOLD), "True"]


def test_the_night_cancels_dbt_when_the_load_fails(monkeypatch, tmp_path):
    from strataqc import night as night_module
    from strataqc.landing import command

    started = []
    real_start = dbt_child.start

    def start(executable):
        child = real_start(executable)
        started.append(child)
        return child

    def failing_load(landing, opts):
        raise command.LoadFailed(f"no manifest in {landing}")
    monkeypatch.setattr(dbt_child, "start", start)
    monkeypatch.setattr(command, "load_apart", failing_load)
    opts = night_module.NightRun(project_dir=tmp_path, landing=tmp_path / "landing")
    assert night_module.night_command(opts) == night_module.EXIT_CANNOT_RUN
    assert [c.returncode for c in started] == [dbt_child.NOT_RELEASED]   # dbt imported, never ran
    assert not (tmp_path / "target" / "run_results.json").exists()


def test_the_child_module_runs_as_a_program():
    done = subprocess.run([sys.executable, "-m", "strataqc.dbt_child", "/bin/true"], input="", text=True)
    assert done.returncode == dbt_child.NOT_RELEASED


def test_a_child_that_ended_before_the_go_is_reported_not_raised(fake_dbt):
    program, ran = fake_dbt
    child = dbt_child.start(str(program))
    child.kill()
    child.wait()
    dbt_child.release(child, ["build"])   # no BrokenPipeError: the night then finds no run_results and says so
    assert child.returncode != 0 and not ran.exists()


def test_an_early_child_is_taken_once_and_runs_the_arguments_given_later(fake_dbt, monkeypatch):
    program, ran = fake_dbt
    monkeypatch.setattr(dbt_child, "executable", lambda: str(program))
    dbt_child.start_early()
    early = dbt_child._early
    child = dbt_child.take(str(program))
    assert child is early and dbt_child._early is None
    dbt_child.release(child, ["build", "--select", "x"])
    assert child.stdout.read() == "built\n" and child.wait() == 0
    assert ran.read_text() == "build --select x\n"
    fresh = dbt_child.take(str(program))      # nothing started early now: a child of its own
    assert fresh is not early
    dbt_child.cancel(fresh)


def test_an_early_child_for_another_dbt_is_ended_unreleased(fake_dbt, monkeypatch, tmp_path):
    program, ran = fake_dbt
    monkeypatch.setattr(dbt_child, "executable", lambda: str(tmp_path / "elsewhere-dbt"))
    dbt_child.start_early()
    early = dbt_child._early
    child = dbt_child.take(str(program))
    assert child is not early and early.returncode == dbt_child.NOT_RELEASED
    dbt_child.cancel(child)
    assert not ran.exists()


def test_a_prepared_child_of_another_dbt_runs_the_arguments_of_the_go(fake_dbt):
    program, ran = fake_dbt
    child = dbt_child.start(str(program))
    dbt_child.prepare(child, ["build", "--select", "planned"])
    dbt_child.release(child, ["build", "--select", "tonight"])
    assert child.stdout.read() == "built\n" and child.wait() == 0
    assert ran.read_text() == "build --select tonight\n"


def test_a_prepared_child_that_is_cancelled_never_builds(fake_dbt):
    program, ran = fake_dbt
    child = dbt_child.start(str(program))
    dbt_child.prepare(child, ["build"])
    dbt_child.cancel(child)
    assert child.returncode == dbt_child.NOT_RELEASED and not ran.exists()


@pytest.fixture
def tiny_project(tmp_path, monkeypatch):
    """A dbt project of one model on its own DuckDB file; returns (project dir, its build arguments)."""
    if not dbt_child._beside().exists():
        pytest.skip("no dbt beside this interpreter")
    (tmp_path / "models").mkdir()
    (tmp_path / "models" / "one.sql").write_text("select {{ 40 + 2 }} as answer\n")
    (tmp_path / "dbt_project.yml").write_text("name: tiny\nversion: '1.0'\nconfig-version: 2\nprofile: tiny\n")
    (tmp_path / "profiles.yml").write_text("tiny:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n"
                                           f"      path: {tmp_path / 'tiny.duckdb'}\n      threads: 1\n")
    monkeypatch.setenv("DBT_PROFILES_DIR", str(tmp_path))
    monkeypatch.setenv("DBT_SEND_ANONYMOUS_USAGE_STATS", "false")
    monkeypatch.delenv("STRATAQC_DUCKDB_PATH", raising=False)
    return tmp_path, ["build", "--project-dir", str(tmp_path), "--target-path", str(tmp_path / "target"),
                      "--log-path", str(tmp_path / "logs")]


def _wait_for(path: Path, child: subprocess.Popen, seconds: float = 120) -> bool:
    import time

    end = time.monotonic() + seconds
    while time.monotonic() < end and child.poll() is None:
        if path.exists():
            return True
        time.sleep(0.05)
    return path.exists()


def test_a_prepared_child_reads_the_project_before_the_go_and_builds_on_it(tiny_project):
    import json

    project, args = tiny_project
    child = dbt_child.start(dbt_child.executable())
    dbt_child.prepare(child, args)
    # the project is read before the go (its partial parse is kept), and the warehouse is not opened for it
    assert _wait_for(project / "target" / "partial_parse.msgpack", child)
    assert not (project / "tiny.duckdb").exists()
    assert not (project / "target" / "manifest.json").exists()   # the build writes it, once
    dbt_child.release(child, args)
    output = child.stdout.read()
    assert child.wait() == 0, output
    results = json.loads((project / "target" / "run_results.json").read_text())["results"]
    assert [(r["unique_id"], r["status"]) for r in results] == [("model.tiny.one", "success")]
    manifest = json.loads((project / "target" / "manifest.json").read_text())
    assert manifest["nodes"]["model.tiny.one"]["compiled_code"].strip() == "select 42 as answer"
    assert output.count("Running with dbt") == 1          # the parse ahead says only warnings and errors
    assert any((project / "target" / "strataqc-templates").iterdir())   # macros compiled once, kept


def test_a_project_that_does_not_parse_is_said_once_and_exits_as_dbt_does(tiny_project):
    project, args = tiny_project
    (project / "models" / "one.sql").write_text("select {{ 40 + }} as answer\n")
    child = dbt_child.start(dbt_child.executable())
    dbt_child.prepare(child, args)
    dbt_child.release(child, args)
    output = child.stdout.read()
    assert child.wait() == 2
    assert output.count("Compilation Error") == 1 and "one.sql" in output
    assert not (project / "target" / "run_results.json").exists()

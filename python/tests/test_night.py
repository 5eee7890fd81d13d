"""night.py: one NightOptions for `run` and `night`, the writable-path guard, and exit 2 instead of a traceback."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from typer.testing import CliRunner

from strataqc.cli import app
from strataqc.night import EXIT_CANNOT_RUN, CannotRun, NightOptions, check_writable, guarded
from strataqc.report.render import Format
from strataqc.run import FailOn


def command_options(name: str) -> set[str]:
    command = next(c for c in app.registered_commands if c.callback.__name__ == name)
    import inspect

    return set(inspect.signature(command.callback).parameters)


def test_run_and_night_take_every_field_of_one_options_object():
    fields = {f.name for f in dataclasses.fields(NightOptions)}
    assert command_options("run") == fields
    assert command_options("night") == fields | {"landing", "dbt_arg"}


def test_options_are_frozen_and_select_is_a_tuple():
    opts = NightOptions(select=["dwd_sales", "ads_demand_features"])
    assert opts.select == ("dwd_sales", "ads_demand_features") and NightOptions(select=None).select == ()
    with pytest.raises(dataclasses.FrozenInstanceError):
        opts.fmt = Format.json  # type: ignore[misc]


def test_defaults_match_the_documented_command_line():
    opts = NightOptions()
    assert (opts.project_dir, opts.fmt, opts.fail_on, opts.sample_rows, opts.python_checks) == (
        Path("."), Format.table, FailOn.error, 5, True)
    assert opts.target_dir == Path.cwd() / "target"
    assert NightOptions(target_path=Path("/abs/elsewhere")).target_dir == Path("/abs/elsewhere")


def test_a_relative_target_path_is_the_one_beside_the_command_not_inside_the_project(tmp_path, monkeypatch):
    # dbt reads a relative --target-path from the project folder: the night hands it the folder the user meant
    monkeypatch.chdir(tmp_path)
    opts = NightOptions(project_dir=Path("/srv/project"), target_path=Path("night/target"))
    assert opts.target_dir == tmp_path / "night" / "target"
    assert NightOptions(project_dir=Path("project")).target_dir == tmp_path / "project" / "target"


def test_every_report_path_is_checked_before_anything_runs(tmp_path):
    opts = NightOptions(output=tmp_path / "r.txt", json_out=tmp_path, markdown=tmp_path / "m.md")
    with pytest.raises(CannotRun, match=f"cannot write the report to {tmp_path}: it is a directory"):
        check_writable(opts.report_paths)


def test_an_unexpected_error_is_one_line_and_exit_2(capsys, monkeypatch):
    monkeypatch.delenv("STRATAQC_DEBUG", raising=False)

    def boom() -> int:
        raise RuntimeError("disk on fire")

    assert guarded(boom) == EXIT_CANNOT_RUN
    err = capsys.readouterr().err
    assert "qc-report cannot run" in err and "RuntimeError: disk on fire" in err and "Traceback" not in err


def test_run_help_lists_the_shared_options_once():
    result = CliRunner().invoke(app, ["run", "--help"])
    assert result.exit_code == 0
    # an option's line starts with it (after a short form such as `-s,`)
    heads = [line.split()[:2] for line in result.stdout.splitlines() if line.lstrip().startswith("-")]
    for option in ("--project-dir", "--select", "--format", "--fail-on", "--lock-wait", "--no-history"):
        assert sum(option in head for head in heads) == 1, option

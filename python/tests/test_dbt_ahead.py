"""strataqc/dbt_ahead.py: the parse the child runs ahead of the build, with the build's project arguments."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from strataqc import dbt_ahead


def test_the_parse_reads_the_project_the_build_names(monkeypatch):
    monkeypatch.delenv("DBT_LOG_LEVEL_FILE", raising=False)
    build = ["build", "--project-dir", "/p", "--target-path=/t", "--profiles-dir", "/pr", "--target", "ci",
             "--vars", "{days: 3}", "--select", "a", "b+", "--full-refresh", "--threads", "4", "--exclude=c"]
    assert dbt_ahead.parse_arguments(build) == [
        "parse", "--project-dir", "/p", "--target-path=/t", "--profiles-dir", "/pr", "--target", "ci",
        "--vars", "{days: 3}", *dbt_ahead.NO_JSON, *dbt_ahead.CONSOLE, *dbt_ahead.FILE_DEFAULT]


def test_the_parse_keeps_a_log_file_level_set_in_the_environment(monkeypatch):
    monkeypatch.setenv("DBT_LOG_LEVEL_FILE", "info")
    assert dbt_ahead.parse_arguments(["build"]) == ["parse", *dbt_ahead.NO_JSON, *dbt_ahead.CONSOLE]


@pytest.mark.parametrize("args", [
    ["run", "--project-dir", "/p"],            # another command
    ["build", "--quiet"],                      # an option not known here: the build parses for itself
    ["build", "--project-dir"],                # no value
    [],
])
def test_arguments_not_known_leave_the_parse_to_the_build(args):
    assert dbt_ahead.parse_arguments(args) is None


def test_option_reads_both_spellings():
    assert dbt_ahead.option(["build", "--target-path", "/t"], "--target-path") == "/t"
    assert dbt_ahead.option(["build", "--target-path=/u"], "--target-path") == "/u"
    assert dbt_ahead.option(["build", "--target-path"], "--target-path") is None
    assert dbt_ahead.option(["build"], "--target-path") is None


def test_exit_codes_are_dbts(capsys):
    from dbt.cli.exceptions import DbtUsageException

    assert dbt_ahead.exit_code(SimpleNamespace(success=True, exception=None)) == 0
    assert dbt_ahead.exit_code(SimpleNamespace(success=False, exception=None)) == 1      # a node failed
    assert capsys.readouterr().out == ""
    usage = DbtUsageException("No such option: --nope")
    assert dbt_ahead.exit_code(SimpleNamespace(success=False, exception=usage)) == 2
    assert "No such option: --nope" in capsys.readouterr().out   # dbt's command line would have said it


def test_a_failed_parse_is_the_builds_exit():
    assert dbt_ahead.Ahead(["build"], failed=2).run() == 2


def test_what_plugins_derive_from_the_manifest_is_written_after_the_parse(monkeypatch, tmp_path):
    from dbt import plugins

    written = []
    artifact = SimpleNamespace(write=lambda path: written.append(path))
    manager = SimpleNamespace(get_manifest_artifacts=lambda manifest: {str(tmp_path / "plugin.json"): artifact})
    monkeypatch.setattr(plugins, "PLUGIN_MANAGER", manager)
    dbt_ahead._plugin_artifacts(object())
    assert written == [str(tmp_path / "plugin.json")]
    monkeypatch.setattr(plugins, "PLUGIN_MANAGER", None)   # no plugin: nothing to write, nothing raised
    dbt_ahead._plugin_artifacts(object())
    assert written == [str(tmp_path / "plugin.json")]


def test_a_plugin_that_raises_leaves_the_parse_to_the_build(monkeypatch):
    from dbt.cli import main

    monkeypatch.setattr(main.dbtRunner, "invoke", lambda self, args: SimpleNamespace(success=True, result=object()))

    def broken(manifest):
        raise RuntimeError("the plugin's artifact cannot be written")
    monkeypatch.setattr(dbt_ahead, "_plugin_artifacts", broken)
    assert dbt_ahead.prepare(["build", "--project-dir", "/p"]) is None
    monkeypatch.setattr(dbt_ahead, "_plugin_artifacts", lambda manifest: None)
    ahead = dbt_ahead.prepare(["build", "--project-dir", "/p"])
    assert ahead is not None and ahead.manifest is not None and ahead.failed is None

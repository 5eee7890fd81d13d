"""Bad input to qc-report itself: one clear line naming the file and the fix, exit 2, no traceback."""

from __future__ import annotations

import json

import pytest
from qc_report_support import fixture_project, run_args
from typer.testing import CliRunner

from strataqc.cli import EXIT_CANNOT_RUN, app


@pytest.fixture
def project(tmp_path):
    return fixture_project(tmp_path)


def write(name: str, text: str):
    def damage(project):
        (project / "target" / name).write_text(text)
    return damage


def edit_json(name: str, change):
    def damage(project):
        path = project / "target" / name
        data = json.loads(path.read_text())
        change(data)
        path.write_text(json.dumps(data))
    return damage


def remove(name: str):
    return lambda project: (project / "target" / name).unlink()


def profiles(text: str):
    return lambda project: (project / "profiles" / "profiles.yml").write_text(text)


ARTIFACTS = [
    pytest.param(remove("run_results.json"), "run_results.json not found: run `dbt build` first", id="no-run-results"),
    pytest.param(remove("manifest.json"), "manifest.json not found: run `dbt build` first", id="no-manifest"),
    pytest.param(write("run_results.json", ""), "run_results.json is not readable JSON", id="empty-run-results"),
    pytest.param(write("run_results.json", '{"metadata": {"invocation_id": "x"}, "results": [{"unique_id": "a"'),
                 "run_results.json is not readable JSON", id="truncated-run-results"),
    pytest.param(write("manifest.json", "\x89PNG\x00\xff garbage"), "manifest.json is not readable JSON",
                 id="binary-manifest"),
    pytest.param(write("manifest.json", "[]"), "manifest.json is not a dbt artifact", id="manifest-not-object"),
    pytest.param(edit_json("run_results.json", lambda d: d.update(results={"a": 1})),
                 "run_results.json has no 'results' list", id="results-not-list"),
    pytest.param(edit_json("run_results.json", lambda d: d["results"].append("oops")),
                 "run_results.json: result 15 has no unique_id", id="result-not-object"),
    pytest.param(edit_json("manifest.json", lambda d: d.update(nodes=[])), "manifest.json has no 'nodes' object",
                 id="nodes-not-object"),
    pytest.param(edit_json("manifest.json", lambda d: d["nodes"].update({"model.x.y": None})),
                 "manifest.json: node model.x.y is not an object", id="node-not-object"),
]
PROFILES = [
    pytest.param(profiles("qcfix: [unclosed\n"), "cannot read the dbt profile for", id="profiles-not-yaml"),
    pytest.param(profiles("qcfix:\n  target: duckdb\n  outputs:\n    duckdb:\n      type: duckdb\n"
                          "      path: \"{{ env_var('QC_NO_SUCH_VAR') }}\"\n"),
                 "profiles.yml needs the environment variable QC_NO_SUCH_VAR", id="profile-env-var-missing"),
    pytest.param(profiles("other: {}\n"), "has no profile 'qcfix'", id="profile-missing"),
    pytest.param(profiles("qcfix:\n  target: nope\n  outputs: {duckdb: {type: duckdb, path: x.duckdb}}\n"),
                 "profile 'qcfix' has no target 'nope'; choose one of ['duckdb']", id="target-missing"),
    # a Spark method qc-report cannot follow is refused: a local session would hide the cluster
    pytest.param(profiles("qcfix:\n  target: cluster\n  outputs:\n    cluster: {type: spark, method: odbc, "
                          "host: h, schema: s}\n"),
                 "target 'cluster' of profile 'qcfix' (type spark) has method 'odbc': qc-report connects to "
                 "Spark with 'thrift'", id="spark-method-unsupported"),
]


def assert_one_clear_line(result, *expected: str) -> str:
    assert result.exit_code == EXIT_CANNOT_RUN, (result.stdout, result.stderr)
    assert isinstance(result.exception, SystemExit)  # ended on purpose, not an exception escaping
    assert result.stdout == ""
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("qc-report cannot run: "), result.stderr
    for text in expected:
        assert text in lines[0], lines[0]
    assert "Traceback" not in result.stderr
    return lines[0]


@pytest.mark.parametrize(("damage", "expected"), ARTIFACTS + PROFILES)
def test_missing_or_corrupt_input_files(project, damage, expected):
    damage(project)
    line = assert_one_clear_line(CliRunner().invoke(app, run_args(project, "--format", "json")), expected)
    if "profile" not in expected and "QC_NO_SUCH_VAR" not in expected:
        assert str(project / "target") in line and "dbt build" in line


def test_an_unknown_select_names_the_model_and_the_known_ones(project):
    result = CliRunner().invoke(app, run_args(project, "--select", "dwd_sales,dwd_salse"))
    assert_one_clear_line(result, "--select dwd_salse: no such model in ", "manifest.json",
                          "give model names (e.g. ads_demand_features, dwd_sales")


@pytest.mark.parametrize(("option", "where", "problem"), [
    pytest.param("--output", lambda tmp: tmp, "it is a directory", id="output-is-a-directory"),
    pytest.param("--html", lambda tmp: tmp / "a-file" / "d.html", "is not a directory", id="parent-is-a-file"),
    pytest.param("--junit", lambda tmp: tmp / "a-file" / "deeper" / "j.xml", "is not a directory",
                 id="ancestor-is-a-file"),
])
def test_an_unwritable_report_path_stops_before_anything_runs(project, tmp_path, option, where, problem):
    (tmp_path / "a-file").write_text("not a folder")
    path = where(tmp_path)
    result = CliRunner().invoke(app, run_args(project, option, str(path)))
    assert_one_clear_line(result, f"cannot write the report to {path}: ", problem,
                          "choose another path (--output/--html/--json/--junit/--markdown) or fix its permissions")
    assert not (project.parent / "fix.duckdb.wal").exists()
    import duckdb

    with duckdb.connect(str(project.parent / "fix.duckdb"), read_only=True) as conn:
        schemas = {s for (s,) in conn.execute("select schema_name from information_schema.schemata").fetchall()}
    assert "strataqc_history" not in schemas  # checked before the run: no half-done night


@pytest.mark.parametrize(("content", "expected"), [
    pytest.param(None, "not found: pass an existing alert config", id="missing"),
    pytest.param("channels: [unclosed", "is not valid YAML", id="not-yaml"),
    pytest.param("channels:\n  - {name: hook, url_env: QC_UNSET_HOOK}\n", "reads its URL from $QC_UNSET_HOOK",
                 id="url-env-unset"),
])
def test_a_bad_alert_config_names_the_file(project, tmp_path, content, expected):
    path = tmp_path / "alerts.yml"
    if content is not None:
        path.write_text(content)
    args = [a for a in run_args(project, "--alerts", str(path)) if a != "--no-alerts"]
    assert_one_clear_line(CliRunner().invoke(app, args), expected, str(path))


def test_history_and_ack_on_a_missing_profile_say_what_to_do(tmp_path):
    (tmp_path / "dbt_project.yml").write_text("name: x\nprofile: nowhere\n")
    for args in (["history"], ["ack", "unique_key", "--model", "m", "--reason", "known"]):
        result = CliRunner().invoke(app, [*args, "--project-dir", str(tmp_path), "--profiles-dir", str(tmp_path)])
        assert_one_clear_line(result, "no profiles.yml found for", "pass --profiles-dir or set DBT_PROFILES_DIR")

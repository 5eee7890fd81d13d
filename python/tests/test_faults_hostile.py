"""Hostile values: markup in data stays text in every format, quotes in names stay values in history SQL,
secrets from the profile and the alert config never reach reports, logs, spool or history."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

import duckdb
import pytest
from qc_report_support import fixture_project, make_run, memory_warehouse, run_args
from typer.testing import CliRunner

from strataqc.cli import app
from strataqc.history import History
from strataqc.report.markdown import render_markdown
from strataqc.report.render import Format, render

MARKUP = "<img src=x onerror=alert(1)>"
HOSTILE_MESSAGE = f"{MARKUP} | ]]> & \"q\" 'q' [bold red]boom[/] \x00\x1b[31m `code` *em*"
NAMES = ['dwd"; drop table "strataqc_history"."check_results"; --', "it's", "a'b\"c;/* x */", "--", "naïve 名前"]


@pytest.fixture
def project(tmp_path):
    project = fixture_project(tmp_path)
    path = project / "target" / "run_results.json"
    run = json.loads(path.read_text())
    failing = next(r for r in run["results"] if r["status"] == "fail")
    failing["message"] = HOSTILE_MESSAGE
    path.write_text(json.dumps(run))
    return project


def test_markup_from_the_data_is_text_in_every_format(project):
    outputs = {fmt: CliRunner().invoke(app, run_args(project, "--format", fmt.value, "--fail-on", "never"))
               for fmt in Format}
    for fmt, result in outputs.items():
        assert result.exit_code == 0, (fmt, result.stderr)
    html = outputs[Format.html].stdout
    assert MARKUP not in html and "<script>alert(1)</script>" not in html  # message and a sampled category
    assert "&lt;img src=x onerror=alert(1)&gt;" in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    # JUnit parses as XML and carries the message; characters XML cannot hold become U+FFFD
    root = ET.fromstring(outputs[Format.junit].stdout)
    messages = [e.get("message") for e in root.iter() if e.tag in ("failure", "error") and e.get("message")]
    assert any(m.startswith(f"{MARKUP} | ]]> & \"q\" 'q' [bold red]boom[/] \ufffd\ufffd[31m") for m in messages)
    markdown = outputs[Format.markdown].stdout
    assert MARKUP not in markdown
    assert "&lt;img src=x onerror=alert(1)&gt; \\| \\]\\]&gt; &amp;" in markdown and "\x1b" not in markdown
    # the terminal table prints rich markup from the data literally, and no escape sequence from it
    table = outputs[Format.table].stdout
    assert "[bold red]boom[/]" in table and "\x1b" not in table and "\ufffd\ufffd[31m" in table
    assert json.loads(outputs[Format.json].stdout)["results"]  # JSON escapes by construction


@pytest.mark.parametrize("name", NAMES)
def test_quotes_and_comments_in_names_are_values_in_the_history_sql(name):
    wh = memory_warehouse()
    history = History(wh)
    run = make_run("r-1", 0, [("unique_key", "dwd_sales", None, "pass", None, 0)])
    hostile = run.results[0].replace(check=name, model=name, column=name, message=name, layer=name)
    run.results.append(hostile)
    history.append(run)
    history.append(run)  # the rerun deletes by key: a quote in the key must not widen or break the delete
    history.add_ack(name, name, reason=name, column=name, by=name)
    stored = wh.query('select check_name, model, column_name, message from "strataqc_history"."check_results" '
                      "order by check_name")
    assert len(stored) == 2
    assert (name, name, name, name) in list(stored.itertuples(index=False, name=None))
    acks = history.acks()
    assert list(acks[["check_name", "model", "column_name", "reason"]].iloc[0]) == [name, name, name, name]
    wh.close()


def test_hostile_names_through_the_ack_and_history_commands(project):
    common = ["--project-dir", str(project), "--profiles-dir", str(project / "profiles")]
    CliRunner().invoke(app, run_args(project, "--format", "json"))
    name = NAMES[0]
    acked = CliRunner().invoke(app, ["ack", name, "--model", name, "--column", "it's", "--reason", name, "--by",
                                     "o'brien", *common])
    assert acked.exit_code == 0, acked.stderr
    listed = CliRunner().invoke(app, ["history", "--check", name, "--format", "json", *common])
    assert listed.exit_code == 0, listed.stderr
    with duckdb.connect(str(project.parent / "fix.duckdb"), read_only=True) as conn:
        assert conn.execute('select count(*) from "strataqc_history"."check_results"').fetchone() == (13,)
        assert conn.execute('select check_name, acked_by from "strataqc_history"."acks"').fetchall() == [
            (name, "o'brien")]


def test_secrets_from_the_profile_and_the_alert_config_stay_out_of_everything(project, tmp_path, monkeypatch):
    password, token = "pr0file-Passw0rd!", "hookTokenFromEnv0123456789"
    monkeypatch.setenv("QC_PROFILE_PASSWORD", password)
    monkeypatch.setenv("QC_SECRET_HOOK", f"json://127.0.0.1:9/hook/{token}")
    profile = project / "profiles" / "profiles.yml"
    profile.write_text(profile.read_text().replace("'s3cr3t-pw'", "\"{{ env_var('QC_PROFILE_PASSWORD') }}\""))
    (project / "alerts.yml").write_text(f"retries: 0\ntimeout_s: 0.5\nspool_dir: {tmp_path / 'spool'}\n"
                                        "channels:\n  - {name: oncall, url_env: QC_SECRET_HOOK}\n")
    # a dbt error that echoes both (connection strings end up in messages) and a failing row that holds one
    path = project / "target" / "run_results.json"
    run = json.loads(path.read_text())
    broken = next(r for r in run["results"] if r["status"] == "error")
    broken["message"] = f"could not connect with password={password} to json://127.0.0.1:9/hook/{token}"
    path.write_text(json.dumps(run))
    with duckdb.connect(str(project.parent / "fix.duckdb")) as conn:
        conn.execute(f"update \"dwd\".\"dwd_sales\" set category = 'pw {password}' where category like '<script%'")
    import strataqc.checks.runner as runner

    def leaky(manifest, wh, project_dir, select=None):  # an engine error quoting its connection string
        raise RuntimeError(f"cannot connect: password={password}")

    monkeypatch.setattr(runner, "run_python_checks", leaky)
    files = {fmt: tmp_path / f"r.{fmt}" for fmt in ("json", "junit", "markdown", "html")}
    args = [a for a in run_args(project, "--alerts", str(project / "alerts.yml"), "--html", str(files["html"]),
                                "--json", str(files["json"]), "--junit", str(files["junit"]),
                                "--markdown", str(files["markdown"])) if a != "--no-alerts"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 3, result.stderr  # the hook is down: spooled
    texts = {"stdout": result.stdout, "stderr": result.stderr}
    texts.update({name: p.read_text() for name, p in files.items()})
    texts.update({p.name: p.read_text() for p in (tmp_path / "spool").glob("*.json")})
    with duckdb.connect(str(project.parent / "fix.duckdb"), read_only=True) as conn:
        for table in ("check_results", "acks", "alert_state"):
            texts[table] = json.dumps(conn.execute(f'select * from "strataqc_history"."{table}"').fetchall(),
                                      default=str)
    assert len(texts) == 10
    for where, text in texts.items():
        assert password not in text and token not in text, where
    assert "password=*** to ***" in texts["json"]  # masked, the rest of the message kept
    assert "Python checks failed: RuntimeError: cannot connect: password=***" in texts["stderr"]
    assert "pw ***" in texts["html"]  # the sampled row too


def test_a_huge_message_is_kept_whole_in_json_and_history_and_cut_on_the_page(project, tmp_path):
    path = project / "target" / "run_results.json"
    run = json.loads(path.read_text())
    failing = next(r for r in run["results"] if r["status"] == "fail")
    failing["message"] = "<b>" + "x" * 1_000_000
    path.write_text(json.dumps(run))
    files = {fmt: tmp_path / f"r.{fmt}" for fmt in ("html", "junit", "markdown")}
    result = CliRunner().invoke(app, run_args(project, "--format", "json", "--fail-on", "never", "--html",
                                              str(files["html"]), "--junit", str(files["junit"]), "--markdown",
                                              str(files["markdown"])))
    assert result.exit_code == 0, result.stderr
    assert max(len(r["message"]) for r in json.loads(result.stdout)["results"]) == 1_000_003
    sizes = {fmt: p.stat().st_size for fmt, p in files.items()}
    assert sizes["html"] < 150_000 and sizes["junit"] < 60_000 and sizes["markdown"] < 20_000, sizes
    assert "more characters in the JSON report" in files["html"].read_text()
    ET.fromstring(files["junit"].read_text())
    with duckdb.connect(str(project.parent / "fix.duckdb"), read_only=True) as conn:
        assert conn.execute('select max(length(message)) from "strataqc_history"."check_results"').fetchone() == (
            1_000_003,)

"""`qc-report simulate`: the loopback receiver, the schedule, reading messages back, the score, a short run."""

from __future__ import annotations

import json
import urllib.request

import pytest
from qc_report_support import make_run
from typer.testing import CliRunner

from strataqc.alerts import AlertConfig, compose, plan
from strataqc.cli import app
from strataqc.simulate import messages
from strataqc.simulate.receiver import MAX_BODY, Receiver
from strataqc.simulate.schedule import ScheduleError, load_schedule
from strataqc.simulate.score import score

SHORT = __import__("pathlib").Path(__file__).resolve().parents[2] / "examples" / "simulate" / "nights-short.yml"
TESTS = {"dwd_sales__line_id_unique": ("dwd_sales", "unique_key")}


def test_a_composed_message_reads_back_into_its_items():
    run = make_run("r", 0, [("unique_key", "dwd_sales", None, "fail", None, 3),
                            ("missing_values", "ads_x", "price", "fail", 0.2)])
    run.context["anomalies"] = [{"check_key": "k", "check": "volume_anomaly", "model": "dwd_sales", "column": None,
                                 "message": "robust z 9"}]
    p = plan(run, AlertConfig(), {}, None)
    p.fixed = [make_run("r", 0, [("not_null", "dwd_store", "store_id", "pass", None, 0)]).results[0]]
    _, body = compose(run, p, AlertConfig())
    items = {(i.section, i.model, i.check, i.column, i.reason) for i in messages.parse(body)}
    assert items == {("failure", "dwd_sales", "unique_key", None, "new"),
                     ("failure", "ads_x", "missing_values", "price", "new"),
                     ("anomaly", "dwd_sales", "volume_anomaly", None, None),
                     ("fixed", "dwd_store", "not_null", "store_id", None)}



def test_an_incident_line_reads_back_as_one_item_for_its_root():
    """DESIGN §7: the alert says one line per incident; the harness reads it as the root's item, not nothing."""
    body = ("Run r at t\n\n## Incidents\n"
            "  - [warn] root: ods_pos__sales.unit_price,units column_checks; 3 symptoms in dwd, ads "
            "(INC-1a2b3c4d, since 2026-04-07) — new\n\n## DWD\ndwd_sales:\n  - [fail] unique_key: 3 keys — new")
    items = messages.parse(body)
    assert [(i.model, i.check, i.column, i.reason, i.incident) for i in items] == [
        ("ods_pos__sales", "column_checks", "unit_price,units", "new", "INC-1a2b3c4d"),
        ("dwd_sales", "unique_key", None, "new", None)]

def night(n, *items):
    return {"night": n, "exit_codes": [0], "messages": [{"title": "t", "items": list(items)}] if items else []}


def test_score_counts_same_night_catches_repeats_and_the_one_reminder():
    dup = messages.Item("failure", "dwd_sales", "unique_key", None, "changed")
    dup_reminder = messages.Item("failure", "dwd_sales", "unique_key", None, "reminder")
    other = messages.Item("failure", "ads_x", "missing_values", "price", "new")
    other_reminder = messages.Item("failure", "ads_x", "missing_values", "price", "reminder")
    incidents = [{"night": 2, "kind": "duplicate_burst", "model": "dwd_sales", "checks": ["dwd_sales__line_id_unique"]},
                 {"night": 4, "kind": "late_file", "model": "dwd_sales", "checks": [], "missing_check": "freshness"}]
    nights = [night(0, other), night(1, other), night(2, dup), night(3), night(4),
              night(5, other_reminder, dup_reminder), night(6, other_reminder)]
    doc = score(nights, incidents, TESTS, reminder_hours=48)
    caught, missed = doc["incidents"]
    # night 5 mentions the duplicates again as their reminder: a rider, not a message they caused
    assert (caught["alerted_night"], caught["same_night"], caught["messages"], caught["mentioned"]) == (2, True, 1, 2)
    assert (missed["alerted_night"], missed["messages"]) == (None, 0)
    t = doc["totals"]
    # night 1 says `other` again within 48 h: a repeat; night 5 is its one reminder; night 6 a second one
    assert [(r["night"], r["check"]) for r in doc["repeated_items"]] == [(1, "missing_values"), (6, "missing_values")]
    assert (t["alerted_same_night"], t["quiet_nights"], t["quiet_nights_with_message"]) == (1, 4, 3)
    assert t["messages_per_incident"] == 0.5 and t["in_exactly_one_message"] == 1


@pytest.mark.parametrize(("column", "caught"), [
    pytest.param("unit_price", True, id="planted-column-catches"),
    pytest.param("is_promo", False, id="other-column-drifting-does-not"),
    pytest.param(None, True, id="model-level-drift-catches"),
])
def test_a_per_column_check_catches_an_incident_only_on_its_planted_column(column, caught):
    incident = {"night": 1, "kind": "price_unit_change", "model": "dwd_sales", "column": "unit_price",
                "options": {"store": "S0003", "factor": 100.0}, "checks": ["feature_drift", "multivariate_drift"]}
    check = "feature_drift" if column else "multivariate_drift"
    item = messages.Item("failure", "ads_demand_features", check, column, "new")
    doc = score([night(0), night(1, item)], [incident], TESTS, reminder_hours=24)
    assert doc["incidents"][0]["same_night"] is caught


def test_a_singular_test_on_a_source_is_scored_on_that_source(tmp_path):
    from strataqc.simulate.score import test_names

    manifest = {"nodes": {"test.strataqc.on_time": {"resource_type": "test", "name": "on_time",
                                                    "depends_on": {"nodes": ["source.strataqc.landing.load_log"]}}},
                "sources": {"source.strataqc.landing.load_log": {"name": "load_log"}}}
    (tmp_path / "manifest.json").write_text(json.dumps(manifest))
    assert test_names(tmp_path / "manifest.json") == {"on_time": ("load_log", "on_time")}


def test_the_receiver_listens_on_loopback_and_refuses_oversized_posts():
    with Receiver() as receiver:
        assert receiver.server.server_address[0] == "127.0.0.1"
        url = receiver.url.replace("json://", "http://")
        urllib.request.urlopen(urllib.request.Request(url, data=b'{"title": "t", "message": "m"}'), timeout=5)
        big = urllib.request.Request(url, data=b"x" * (MAX_BODY + 1))
        with pytest.raises(urllib.error.HTTPError, match="413"):
            urllib.request.urlopen(big, timeout=5)
        assert receiver.take() == [{"title": "t", "message": "m"}] and receiver.take() == []


@pytest.mark.parametrize(("text", "says"), [
    pytest.param("incidents: {0: [null_spike]}\n", "night 0 must be a number from 1", id="night-0"),
    pytest.param("incidents: {3: [bogus]}\n", "night 3: --incident bogus: unknown kind", id="unknown-kind"),
    pytest.param("incidents: [null_spike]\n", "expected `nights: N` and `incidents:", id="not-a-mapping"),
    pytest.param("nights: -2\n", "nights must be a positive number", id="negative-nights"),
])
def test_a_bad_schedule_names_the_file_and_the_fix(tmp_path, text, says):
    path = tmp_path / "schedule.yml"
    path.write_text(text)
    with pytest.raises(ScheduleError, match=__import__("re").escape(says)):
        load_schedule(path)


def test_simulate_refuses_a_directory_it_did_not_write_and_a_schedule_beyond_its_nights(tmp_path):
    (tmp_path / "mine.txt").write_text("keep me")
    result = CliRunner().invoke(app, ["simulate", "--out", str(tmp_path), "--nights", "1"])
    assert result.exit_code == 2 and "holds files a simulation did not write (mine.txt)" in result.stderr
    result = CliRunner().invoke(app, ["simulate", "--out", str(tmp_path / "new"), "--nights", "2",
                                      "--schedule", str(SHORT)])
    assert result.exit_code == 2 and "beyond --nights 2" in result.stderr and "Traceback" not in result.output


@pytest.mark.dbt
def test_a_short_schedule_runs_every_night_and_scores_it(tmp_path):
    out = tmp_path / "sim"
    result = CliRunner().invoke(app, ["simulate", "--out", str(out), "--schedule", str(SHORT), "--rows", "3000",
                                      "--no-python-checks", "--project-dir", str(SHORT.parents[2])])
    assert result.exit_code == 0, result.output
    doc = json.loads((out / "detection.json").read_text())
    schedule = load_schedule(SHORT)
    assert [n["night"] for n in doc["per_night"]] == list(range(schedule.nights + 1))
    assert all(n["exit_codes"] == [0] for n in doc["per_night"])
    assert all(len(n["messages"]) <= 1 for n in doc["per_night"])  # at most one message a night
    reports = sorted((out / "nights").glob("night-*.json"))  # each night's own JSON report, as `night` wrote it
    assert len(reports) == schedule.nights + 1 and all(json.loads(r.read_text())["results"] for r in reports)
    assert [(i["night"], i["kind"]) for i in doc["incidents"]] == [(n, s) for n, specs in schedule.incidents.items()
                                                                   for s in specs]
    assert doc["totals"]["quiet_nights"] == schedule.nights - len(schedule.incidents)
    assert "incidents alerted the night they land" in result.stdout
    again = CliRunner().invoke(app, ["simulate", "--out", str(out), "--score-only"])
    assert again.exit_code == 0 and json.loads((out / "detection.json").read_text())["totals"] == doc["totals"]
    # the replay groups incidents as the night does: its messages lead with them, like the live ones
    replayed = CliRunner().invoke(app, ["simulate", "--out", str(out), "--replay"])
    assert replayed.exit_code == 0, replayed.output
    replay = json.loads((out / "replay.json").read_text())
    with_incidents = [n["night"] for n in replay["per_night"] for m in n["messages"] if "## Incidents" in m["body"]]
    assert with_incidents, replay["per_night"]  # the planted nights' failures are said as incidents


def test_an_incident_line_counts_once_for_the_latest_incident_it_names():
    """The line's root is a check an older incident was caught by; a symptom it names is tonight's planted
    one: the line is tonight's incident's message, once, and not the older incident's."""
    root = messages.Item("failure", "dwd_sales", "unique_key", None, "new", "INC-1")
    symptom = messages.Item("failure", "ads_demand_features", "feature_drift", "units_lag_1", "new", "INC-1")
    incidents = [{"night": 1, "kind": "duplicate_burst", "model": "dwd_sales", "checks": ["dwd_sales__line_id_unique"]},
                 {"night": 3, "kind": "feature_shift", "model": "ads_demand_features", "column": "units_lag_1",
                  "checks": ["feature_drift"]}]
    doc = score([night(0), night(1, root), night(2), night(3, root, symptom)], incidents, TESTS, reminder_hours=24)
    dup, shift = doc["incidents"]
    assert (dup["messages"], shift["messages"], shift["same_night"]) == (1, 1, True)
    assert doc["repeated_items"] == []

"""Few messages, each worth reading: every precision rule proven both ways (alerts, trends, terminal)."""

from __future__ import annotations

import datetime as dt

import pytest
from qc_report_support import make_run, memory_warehouse

from strataqc.alerts import AlertConfig, AlertConfigError, load_config, plan
from strataqc.history import History, changed, facets, run_context, trend
from strataqc.report.terminal import render_table
from strataqc.results import CheckResult, Status

T0 = dt.datetime(2026, 3, 1, 6, tzinfo=dt.timezone.utc)


def failing(failures=None, observed=None, message="", status=Status.FAIL) -> CheckResult:
    return CheckResult(check="unique_key", status=status, model="dwd_sales", failures=failures, observed=observed,
                       message=message)


# -- "changed" means changed in substance -----------------------------------------------------------

@pytest.mark.parametrize(("alerted", "last_night", "tonight", "is_change"), [
    pytest.param(100, 118, 120, False, id="count-creeping-with-the-table"),
    pytest.param(100, 101, 140, True, id="count-jumps-overnight"),
    pytest.param(100, None, 105, False, id="count-within-tolerance"),
    pytest.param(2, 2, 4, False, id="two-more-rows-is-not-news"),
])
def test_a_failing_row_count_changes_only_by_a_jump(alerted, last_night, tonight, is_change):
    previous = None if last_night is None else {"status": "fail", "failures": last_night, "observed": None}
    assert changed("fail", alerted, None, failing(failures=tonight), previous=previous) is is_change


def test_an_observed_value_changes_beyond_the_configured_tolerance_only():
    assert changed("fail", None, 0.040, failing(observed=0.048)) is True  # +20% over the default 10%
    assert changed("fail", None, 0.040, failing(observed=0.048), tolerance=0.25) is False
    assert changed("fail", None, 0.040, failing(observed=0.041)) is False


def test_another_status_is_a_change():
    assert changed("warn", 3, None, failing(failures=3)) is True
    assert changed("fail", 3, None, failing(failures=3)) is False


def test_other_things_failing_is_a_change_other_counts_are_not():
    last = {"status": "fail", "failures": 98, "observed": 0.05,
            "message": "1 new category in predict absent from train: 'Ready Meals' (98 rows)"}
    same = failing(observed=0.05, failures=99, message="1 new category in predict absent from train: "
                                                        "'Ready Meals' (99 rows)")
    other = failing(observed=0.05, failures=99, message="2 new categories in predict absent from train: "
                                                         "'Ready Meals' (90 rows), 'Frozen Foods' (9 rows)")
    assert changed("fail", 98, 0.05, same, previous=last) is False
    assert changed("fail", 98, 0.05, other, previous=last) is True


def test_change_tolerance_is_read_from_the_config_and_checked(tmp_path):
    path = tmp_path / "alerts.yml"
    path.write_text("change_tolerance: 0.3\nfixed_alone: true\nchannels: []\n")
    cfg = load_config(path, tmp_path)
    assert (cfg.change_tolerance, cfg.fixed_alone, cfg.trend_host_values) == (0.3, True, False)
    path.write_text("change_tolerance: -1\n")
    with pytest.raises(AlertConfigError, match="change_tolerance must be a number >= 0"):
        load_config(path, tmp_path)
    path.write_text("fixed_alone: maybe\n")
    with pytest.raises(AlertConfigError, match="fixed_alone must be true or false"):
        load_config(path, tmp_path)


# -- trend anomalies need a real effect -------------------------------------------------------------

NOISY = [0.0100, 0.0102, 0.0098, 0.0101, 0.0099, 0.0100, 0.0103, 0.0097, 0.0100, 0.0101]


@pytest.mark.parametrize(("value", "kind", "verdict", "why"), [
    pytest.param(0.0140, "ratio", "normal", "below the ratio floor", id="ratio-z-large-effect-tiny"),
    pytest.param(0.0300, "ratio", "anomaly", "", id="ratio-tripled"),
    pytest.param(14.0, "count", "normal", "below the count floor", id="count-4-rows-more"),
    pytest.param(108.0, "count", "normal", "below the count floor", id="count-8-percent-more"),
    pytest.param(125.0, "count", "anomaly", "", id="count-25-percent-more"),
])
def test_an_anomaly_needs_the_floors_of_its_kind(value, kind, verdict, why):
    history = NOISY if kind == "ratio" else [100.0, 101.0, 99.0, 100.0, 100.0, 101.0, 99.0, 100.0]
    if kind == "count" and value < 20:
        history = [10.0] * 8
    t = trend("k", value, history, kind=kind, direction="up")
    assert abs(t.z) > 3.5  # every case is far out by z alone: the floors decide
    assert (t.verdict, why in t.why) == (verdict, True)


def test_failing_rows_creeping_with_the_table_are_no_anomaly_a_burst_is():
    creeping = [60.0 + n + (n % 3 == 0) for n in range(20)]  # about one more failing row a night
    assert trend("k", creeping[-1] + 1, creeping, kind="count", direction="up").verdict == "normal"
    burst = trend("k", creeping[-1] + 13, creeping, kind="count", direction="up")
    assert burst.verdict == "anomaly" and burst.median == pytest.approx(creeping[-1] + 1)
    assert trend("k", creeping[-1] - 13, creeping, kind="count", direction="up").why == "moved the good way"


def test_a_ratio_going_the_good_way_is_no_alarm():
    assert trend("k", 0.0010, NOISY, kind="ratio", direction="up").verdict == "normal"
    assert trend("k", 0.0010, NOISY, kind="ratio", direction="up").why == "moved the good way"
    assert trend("k", 0.0010, NOISY, kind="ratio", direction="both").verdict == "anomaly"


def test_weekday_seasonality_compares_a_saturday_with_saturdays():
    # three weeks, Saturdays (weekday 5) twice the other days
    days = [d % 7 for d in range(21)]
    values = [200.0 + (d % 3) if d == 5 else 100.0 + (i % 3) for i, d in enumerate(days)]
    saturday = trend("k", 201.0, values, kind="statistic", weekdays=days, weekday=5)
    assert saturday.verdict == "normal" and saturday.seasonal
    tuesday = trend("k", 201.0, values, kind="statistic", weekdays=days, weekday=1)
    assert tuesday.verdict == "anomaly" and tuesday.seasonal
    assert "same-weekday median" in tuesday.describe()


def _night(history: History, n: int, rows: list[tuple]) -> None:
    history.append(make_run(f"n{n}", n, rows))


def test_failed_and_acknowledged_nights_stay_out_of_the_baseline():
    wh = memory_warehouse()
    history = History(wh)
    for n in range(10):
        _night(history, n, [("missing_values", "ads_x", "price", "pass", 0.010)])
    for n in range(10, 22):  # a long failing spell at 0.5: not what "normal" is
        _night(history, n, [("missing_values", "ads_x", "price", "fail", 0.5)])
    tonight = make_run("n22", 22, [("missing_values", "ads_x", "price", "pass", 0.5)])
    history.append(tonight)
    assert [a["check"] for a in run_context(history, tonight)["anomalies"]] == ["missing_values"]
    # the same spell stored as passing would have moved the median: tonight is then no anomaly
    wh2 = memory_warehouse()
    other = History(wh2)
    for n in range(10):
        _night(other, n, [("missing_values", "ads_x", "price", "pass", 0.010)])
    for n in range(10, 22):
        _night(other, n, [("missing_values", "ads_x", "price", "pass", 0.5)])
    again = make_run("n22", 22, [("missing_values", "ads_x", "price", "pass", 0.5)])
    other.append(again)
    assert run_context(other, again)["anomalies"] == []
    # acknowledged nights: the spell passes but was acknowledged: out of the baseline again
    other.add_ack("missing_values", "ads_x", "vendor outage", column="price", by="ana")
    other.wh.execute("update \"strataqc_history\".\"acks\" set acked_at = '2026-01-11T00:00:00Z'")
    assert [a["check"] for a in run_context(other, again)["anomalies"]] == ["missing_values"]
    wh.close()
    wh2.close()


def test_values_measuring_the_host_are_trended_only_when_asked():
    wh = memory_warehouse()
    history = History(wh)
    for n in range(10):
        _night(history, n, [("inference_latency", "ads_x", None, "pass", 20.0 + n % 2)])
    tonight = make_run("n10", 10, [("inference_latency", "ads_x", None, "pass", 80.0)])
    history.append(tonight)
    quiet = run_context(history, tonight)
    assert quiet["anomalies"] == [] and quiet["trends"]["sql|ads_x|inference_latency|"]["verdict"] == "not_trended"
    assert [a["check"] for a in run_context(history, tonight, host_values=True)["anomalies"]] == ["inference_latency"]
    wh.close()


def test_column_checks_rules_are_trended_one_by_one():
    message = ("strataqc.column_checks on dwd_sales.units value_range: {} rows fail; strataqc.column_checks on "
               "dwd_sales.unit_price abnormal_value_ratio: {} of 20953 rows fail (ratio 0.0044, limit 0)")
    assert facets(message.format(43, 93)) == {"units: value_range": 43.0, "unit_price: abnormal_value_ratio": 93.0}
    wh = memory_warehouse()
    history = History(wh)
    for n in range(10):
        run = make_run(f"n{n}", n, [("column_checks", "dwd_sales", None, "warn", None, 2)])
        run.results[0] = run.results[0].replace(message=message.format(43 + n // 3, 93 + n // 2))
        history.append(run)

    def tonight(units: int, prices: int):
        run = make_run("n10", 10, [("column_checks", "dwd_sales", None, "warn", None, 2)])
        run.results[0] = run.results[0].replace(message=message.format(units, prices))
        history.append(run)
        return run_context(history, run)["anomalies"]

    assert tonight(46, 98) == []  # both creep with the table: the record's count (2 rules) never moved
    [spike] = tonight(46, 170)
    assert (spike["column"], spike["observed"]) == ("unit_price", 170.0)
    assert spike["message"].startswith("abnormal_value_ratio on unit_price: 170 failing rows")
    wh.close()


# -- at most one message, only news -------------------------------------------------------------------

def test_an_anomaly_is_alerted_once_while_it_lasts_and_again_after_it_settled():
    cfg = AlertConfig()
    run = make_run("r1", 0, [("missing_values", "ads_x", "price", "pass", 0.3)])
    anomaly = {"check_key": "sql|ads_x|missing_values|price", "check": "missing_values", "model": "ads_x",
               "column": "price", "observed": 0.3, "message": "robust z 9"}
    run.context["anomalies"] = [anomaly]
    first = plan(run, cfg, {}, None, T0)
    assert [a["check"] for a in first.anomalies] == ["missing_values"] and not first.empty
    state = {row["check_key"]: row for row in first.state_rows}
    lasting = plan(run, cfg, state, None, T0 + dt.timedelta(days=1))
    assert lasting.empty and lasting.quiet == {"anomaly already alerted": 1}
    run.context["anomalies"] = []
    settled = plan(run, cfg, state, None, T0 + dt.timedelta(days=2))
    assert settled.empty and settled.settled == ["anomaly|sql|ads_x|missing_values|price"]


def test_nothing_new_means_no_message_and_a_fix_alone_waits():
    cfg = AlertConfig()
    state = {"sql|dwd_sales|unique_key|": {"status": "fail", "failures": 3, "observed": None,
                                           "first_alerted_at": "2026-03-01T06:00:00Z",
                                           "last_alerted_at": "2026-03-02T06:00:00Z"}}
    same = make_run("r", 2, [("unique_key", "dwd_sales", None, "fail", None, 3)])
    assert plan(same, cfg, state, None, T0 + dt.timedelta(days=5)).empty  # reminded already (once)
    fixed = make_run("r", 3, [("unique_key", "dwd_sales", None, "pass", None, 0)])
    p = plan(fixed, cfg, state, None, T0 + dt.timedelta(days=5))
    assert p.empty and [r.check for r in p.fixed] == ["unique_key"]
    assert not plan(fixed, AlertConfig(fixed_alone=True), state, None, T0 + dt.timedelta(days=5)).empty


# -- the terminal: summary and what needs attention ---------------------------------------------------

def test_terminal_lists_passing_checks_only_when_verbose():
    run = make_run("r", 0, [("unique_key", "dwd_sales", None, "fail", None, 3),
                            ("not_null", "dwd_store", "store_id", "pass", None, 0)])
    run.context["anomalies"] = [{"check": "missing_values", "model": "ads_x", "column": "price",
                                 "message": "robust z 9.0 against the median 0.01 of 10 earlier runs"}]
    short = render_table(run, passing=False)
    assert "unique_key" in short and "dwd_store" not in short
    assert "1 passing checks not listed (--verbose lists them)" in short
    assert "missing_values on ads_x.price: robust z 9.0" in short
    full = render_table(run, passing=True)
    assert "dwd_store" in full and "not listed" not in full


# -- a night that cannot run says so ----------------------------------------------------------------

def test_a_refused_landing_file_sends_one_message_and_a_quiet_config_none(tmp_path, monkeypatch):
    import shutil

    from qc_report_support import DATA
    from test_alerts_delivery import Receiver
    from typer.testing import CliRunner

    from strataqc.cli import app
    from strataqc.simulate.messages import parse

    project = tmp_path / "project"
    shutil.copytree(DATA / "project", project)
    monkeypatch.setenv("STRATAQC_DUCKDB_PATH", str(tmp_path / "fix.duckdb"))
    from strataqc.landing.generate import generate

    generate(tmp_path / "landing", rows=600, seed=3, days=42)
    generate(tmp_path / "landing", extend_days=1, incidents=["schema_drift"])  # unit_price named price
    receiver = Receiver()
    try:
        (tmp_path / "alerts.yml").write_text(f"retries: 0\nchannels:\n  - {{name: hook, url: '{receiver.url}'}}\n")
        args = ["night", "--landing", str(tmp_path / "landing"), "--project-dir", str(project), "--profiles-dir",
                str(project), "--target-path", str(tmp_path / "target"), "--alerts", str(tmp_path / "alerts.yml")]
        result = CliRunner().invoke(app, args)
        assert result.exit_code == 2 and "missing column unit_price" in result.stderr
        [post] = receiver.posts
        assert post["title"] == "StrataQC error: the night could not run"
        assert [(i.model, i.check) for i in parse(post["message"])] == [("landing", "load")]
        assert "missing column unit_price" in post["message"]
        quiet = CliRunner().invoke(app, [*args, "--no-alerts"])
        assert quiet.exit_code == 2 and len(receiver.posts) == 1
    finally:
        receiver.close()


def test_a_steady_drift_is_no_change_each_night_a_jump_is():
    steady = [1.18, 1.28, 1.35, 1.45, 1.54]  # a model metric worsening a little every night
    last = {"status": "fail", "observed": 1.54, "failures": None}
    drifting = failing(observed=1.70)  # +10% on last night, +25% on the alerted 1.36: the same story
    assert changed("fail", None, 1.36, drifting, previous=last, recent=steady) is False
    jumped = failing(observed=2.40)  # five times the usual nightly move
    assert changed("fail", None, 1.36, jumped, previous=last, recent=steady) is True

"""History: idempotent appends, trends with robust z-scores, changes between runs, acknowledgements."""

from __future__ import annotations

import datetime as dt
import math

import pytest
from qc_report_support import make_run, memory_warehouse

from strataqc.history import History, active_ack, changes_between, robust_z, run_context, summarize, trend


@pytest.fixture
def history():
    wh = memory_warehouse()
    yield History(wh)
    wh.close()


def _rows(history):
    return history.wh.query('select count(*) as n from "strataqc_history"."check_results"')["n"][0]


def test_same_run_appended_twice_keeps_one_row_per_check(history):
    run = make_run("inv-1", 0, [("unique_key", "dwd_sales", None, "fail", None, 3),
                                ("missing_values", "ads_x", "price", "pass", 0.01)])
    history.append(run)
    history.append(run)
    assert _rows(history) == 2
    history.append(make_run("inv-2", 1, [("unique_key", "dwd_sales", None, "pass", None, 0)]))
    assert _rows(history) == 3


def test_values_with_quotes_are_stored_as_values_not_sql(history):
    run = make_run("it's; drop table x", 0, [("chk'); --", "m'odel", "c\"ol", "fail", 1.0)])
    history.append(run)
    stored = history.records(["it's; drop table x"])
    assert stored.iloc[0][["check_name", "model", "column_name"]].tolist() == ["chk'); --", "m'odel", "c\"ol"]


def test_robust_z_flags_a_departure_under_the_threshold():
    history = [0.010, 0.011, 0.009, 0.010, 0.012, 0.010, 0.011, 0.009, 0.010]
    z, median, mad = robust_z(0.030, history)
    assert median == 0.010 and mad == pytest.approx(0.001) and z > 3.5
    assert trend("k", 0.030, history, kind="ratio").verdict == "anomaly"
    assert trend("k", 0.0105, history, kind="ratio").verdict == "normal"


def test_too_little_history_says_so_instead_of_passing():
    t = trend("k", 5.0, [1.0, 1.0, 1.0])
    assert t.verdict == "insufficient_history"
    assert t.describe() == "too little history for a trend: 3 of 7 earlier runs"


def test_constant_history_cannot_make_a_small_change_infinite():
    # MAD 0: the floor of the MAD keeps z finite, the floor of the effect keeps a 1-row move quiet
    small = trend("k", 5.0, [1.0] * 10, kind="count")  # z 5.4, but 4 rows
    assert small.verdict == "normal" and math.isfinite(small.z) and "below the count floor" in small.why
    big = trend("k", 40.0, [1.0] * 10, kind="count")
    assert big.verdict == "anomaly" and math.isfinite(big.z)
    assert trend("k", 1.0, [1.0] * 10, kind="count").verdict == "normal"


def test_only_the_last_28_runs_count():
    old_regime = [100.0] * 30
    recent = [1.0, 1.1, 0.9, 1.0, 1.05, 0.95, 1.0] * 4  # 28 runs
    assert trend("k", 1.0, old_regime + recent).verdict == "normal"
    assert trend("k", 100.0, old_regime + recent).verdict == "anomaly"


def test_run_context_finds_anomaly_changes_and_excludes_current_run(history):
    for night in range(10):
        history.append(make_run(f"n{night}", night, [("missing_values", "ads_x", "price", "pass", 0.010 + night * 1e-4),
                                                     ("unique_key", "dwd_s", None, "fail", None, 2),
                                                     ("not_null", "dwd_s", "id", "pass", None, 0)]))
    tonight = make_run("n10", 10, [("missing_values", "ads_x", "price", "pass", 0.040),
                                   ("unique_key", "dwd_s", None, "pass", None, 0),
                                   ("not_null", "dwd_s", "id", "fail", None, 4),
                                   ("new_categories", "ads_x", "category", "pass", 0.0)])
    history.append(tonight)
    context = run_context(history, tonight)
    # missing_values passes but left its history; not_null fails anyway; unique_key improved
    assert [a["check"] for a in context["anomalies"]] == ["missing_values"]
    changes = context["changes"]
    assert changes["previous_run_id"] == "n9"
    assert [e["check"] for e in changes["fixed"]] == ["unique_key"]
    assert [e["check"] for e in changes["newly_failing"]] == ["not_null"]
    assert [e["check"] for e in changes["new"]] == ["new_categories"]
    assert len(context["series"]["sql|ads_x|missing_values|price"]) == 10


def test_summarize_and_changes_between_stored_runs(history):
    for night, status in enumerate(["pass", "pass", "fail", "pass"]):
        history.append(make_run(f"r{night}", night, [("unique_key", "dwd_s", None, status, None, 0)]))
    frame = history.last_runs(28)
    [row] = summarize(frame)
    assert (row["runs"], row["pass_rate"], row["statuses"]) == (4, 0.75, ["pass", "pass", "fail", "pass"])
    assert changes_between(frame)["fixed"][0]["check"] == "unique_key"


def test_ack_covers_an_unchanged_failure_until_expiry_or_change(history):
    history.append(make_run("a1", 0, [("unique_key", "dwd_s", None, "fail", None, 3)]))
    history.add_ack("unique_key", "dwd_s", "known duplicate feed, vendor fixing", by="ana",
                    until=dt.date.today() + dt.timedelta(days=3))
    same = make_run("a2", 1, [("unique_key", "dwd_s", None, "fail", None, 3)]).results[0]
    worse = make_run("a3", 2, [("unique_key", "dwd_s", None, "fail", None, 30)]).results[0]
    acks = history.acks()
    assert active_ack(same, acks)["reason"] == "known duplicate feed, vendor fixing"
    assert active_ack(worse, acks) is None
    assert history.acks(on=dt.date.today() + dt.timedelta(days=4)).empty


@pytest.mark.parametrize(("median", "threshold", "observed", "failing", "bad_way"), [
    pytest.param(0.34, 0.2, 0.30, True, "up", id="a-drift-warning-every-night-is-bad-going-up"),
    pytest.param(0.02, 0.2, 0.03, False, "up", id="a-passing-drift-is-bad-going-up"),
    pytest.param(0.9, 0.7, 0.85, False, "down", id="a-passing-auc-is-bad-going-down"),
    pytest.param(0.6, 0.7, 0.65, True, "down", id="a-failing-auc-is-bad-going-down"),
    pytest.param(0.34, 0.2, None, None, "down", id="without-tonight-toward-the-threshold"),
])
def test_the_bad_way_is_the_side_the_check_fails_on(median, threshold, observed, failing, bad_way):
    from strataqc.trends import direction_of

    assert direction_of("feature_drift", median, threshold, observed, failing) == bad_way


def test_a_warning_drift_easing_off_is_no_anomaly():
    from strataqc.trends import direction_of, judge

    history = [0.34, 0.35, 0.33, 0.34, 0.36, 0.34, 0.35, 0.34]
    down = direction_of("feature_drift", 0.34, 0.1, 0.1026, True)
    assert judge(0.1026, history, kind="ratio", direction=down, threshold=0.1).verdict == "normal"
    up = direction_of("feature_drift", 0.34, 0.1, 0.9, True)
    assert judge(0.9, history, kind="ratio", direction=up, threshold=0.1).verdict == "anomaly"

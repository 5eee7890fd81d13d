"""Hysteresis: a failure flapping around its threshold is alerted once, a real move again (flapping.py)."""

from __future__ import annotations

import datetime as dt

from qc_report_support import make_run

from strataqc.alerts import AlertConfig, load_config, plan
from strataqc.run import check_key

T0 = dt.datetime(2026, 1, 1, 3, tzinfo=dt.timezone.utc)


def night(n: int, status: str, observed: float):
    return make_run(f"r{n}", n, [("feature_drift", "ads_demand_features", "units_mean_7d", status, observed)])


def after(p, state: dict) -> dict:
    """The alert state once the plan's message is sent (History.save_alert_state)."""
    kept = {k: v for k, v in state.items() if k not in set(p.cleared + p.settled)}
    return {**kept, **{row["check_key"]: row for row in p.state_rows}}


def walk(cfg: AlertConfig, nights: list[tuple[str, float]]) -> list:
    state: dict = {}
    plans = []
    for n, (status, observed) in enumerate(nights):
        p = plan(night(n, status, observed), cfg, state, None, T0 + dt.timedelta(days=n))
        plans.append(p)
        state = after(p, state)
    return plans


def reasons(p) -> list[str]:
    return [i.reason for i in p.items]


def test_a_failure_re_crossing_its_threshold_is_a_repeat_not_news():
    cfg = AlertConfig(reminder_hours=24 * 30)
    plans = walk(cfg, [("fail", 0.21), ("pass", 0.19), ("fail", 0.215), ("pass", 0.195), ("fail", 0.205)])
    assert reasons(plans[0]) == ["new"]
    assert [r.check for r in plans[1].fixed] == ["feature_drift"]
    for p in plans[2:]:
        assert p.empty and not p.items and not p.fixed
    assert plans[2].quiet == {"re-crossed its threshold, unchanged": 1}


def test_a_re_crossing_that_moved_beyond_the_tolerance_is_changed():
    cfg = AlertConfig(reminder_hours=24 * 30)
    plans = walk(cfg, [("fail", 0.21), ("pass", 0.19), ("fail", 0.40)])
    assert reasons(plans[2]) == ["changed"] and not plans[2].empty


def test_without_hysteresis_or_after_flap_hours_a_re_crossing_is_new():
    flaps = [("fail", 0.21), ("pass", 0.19), ("fail", 0.21)]
    assert reasons(walk(AlertConfig(reminder_hours=24 * 30, flap_hours=0), flaps)[2]) == ["new"]
    assert reasons(walk(AlertConfig(reminder_hours=24 * 30, flap_hours=36), flaps)[2]) == ["new"]
    assert reasons(walk(AlertConfig(reminder_hours=24 * 30, flap_hours=72), flaps)[2]) == []


def test_the_fixed_memory_keeps_the_alerted_value_and_status():
    plans = walk(AlertConfig(), [("fail", 0.21), ("pass", 0.19)])
    key = check_key(night(0, "fail", 0.21).results[0])
    row = {r["check_key"]: r for r in plans[1].state_rows}[key]
    assert row["status"] == "fixed:fail" and row["observed"] == 0.21
    assert row["last_alerted_at"] == plans[0].state_rows[0]["last_alerted_at"]


def test_flap_hours_is_read_from_the_config_and_checked(tmp_path):
    (tmp_path / "strataqc_alerts.yml").write_text("flap_hours: 48\nchannels: []\n")
    assert load_config(None, tmp_path).flap_hours == 48
    (tmp_path / "strataqc_alerts.yml").write_text("flap_hours: -1\nchannels: []\n")
    try:
        load_config(None, tmp_path)
    except Exception as exc:  # AlertConfigError names the setting
        assert "flap_hours" in str(exc)
    else:
        raise AssertionError("a negative flap_hours was accepted")


def test_the_memory_lasts_until_the_check_has_passed_for_flap_hours():
    cfg = AlertConfig(reminder_hours=24 * 30, flap_hours=72)
    plans = walk(cfg, [("fail", 0.21), ("pass", 0.19)])
    state = after(plans[1], {row["check_key"]: row for row in plans[0].state_rows})
    tonight = night(5, "fail", 0.21)
    key = check_key(tonight.results[0])
    # failing (quietly) on night 3 keeps the memory: night 5 is within 72 h of it
    tonight.context["status_series"] = {key: [(night(n, "pass", 0).generated_at, s)
                                              for n, s in [(1, "pass"), (2, "pass"), (3, "fail"), (4, "pass")]]}
    assert reasons(plan(tonight, cfg, state, None, T0 + dt.timedelta(days=5))) == []
    tonight.context["status_series"] = {key: [(night(n, "pass", 0).generated_at, "pass") for n in range(1, 5)]}
    assert reasons(plan(tonight, cfg, state, None, T0 + dt.timedelta(days=5))) == ["new"]


# -- an anomaly coming and going ---------------------------------------------------------------------

def anomaly_night(n: int, off: bool):
    run = make_run(f"a{n}", n, [("missing_values", "ads_x", "price", "pass", 0.3)])
    run.context["anomalies"] = [{"check_key": check_key(run.results[0]), "check": "missing_values", "model": "ads_x",
                                 "column": "price", "observed": 0.3, "message": "robust z 9"}] if off else []
    return run


def test_an_anomaly_back_soon_after_it_settled_is_the_same_departure_not_news():
    cfg = AlertConfig(flap_hours=96)
    state: dict = {}
    said = []
    for n, off in enumerate([True, False, True, False, False, False, False, False, True]):
        p = plan(anomaly_night(n, off), cfg, state, None, T0 + dt.timedelta(days=n))
        said.append(bool(p.anomalies))
        rows, cleared = p.saved(sent=not p.empty)
        state = {k: v for k, v in state.items() if k not in cleared} | {r["check_key"]: r for r in rows}
    # night 2 comes back a day after settling: quiet; night 8, five quiet nights later: news again
    assert said == [True, False, False, False, False, False, False, False, True]


def test_an_anomaly_forgotten_at_once_with_flap_hours_zero():
    cfg = AlertConfig(flap_hours=0)
    first = plan(anomaly_night(0, True), cfg, {}, None, T0)
    state = {r["check_key"]: r for r in first.saved(sent=True)[0]}
    settled = plan(anomaly_night(1, False), cfg, state, None, T0 + dt.timedelta(days=1))
    rows, cleared = settled.saved(sent=False)
    assert rows == [] and cleared == ["anomaly|" + check_key(anomaly_night(0, True).results[0])]


# -- one reminder an incident ------------------------------------------------------------------------

def test_an_incident_is_reminded_once_not_once_per_member():
    """Two failures of one incident told twelve hours apart: the first one's reminder reminds of the
    incident, so the second is not reminded on its own the night after."""
    cfg = AlertConfig(reminder_hours=24)
    rows = [("unique_key", "dwd_sales", None, "fail", None, 5), ("feature_drift", "ads_x", "price", "fail", 0.9)]

    def run_on(n: int):
        # news every night elsewhere, for the reminders to ride with
        run = make_run(f"i{n}", n, rows + [("not_null", "ods_other", f"c{n}", "fail", None, 3)])
        run.results = [r.replace(incident_id="INC-1") if r.model != "ods_other" else r for r in run.results]
        return run

    def told(at: dt.datetime, r) -> dict:
        stamp = at.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        return {"check_key": check_key(r), "status": "fail", "failures": r.failures, "observed": r.observed,
                "first_alerted_at": stamp, "last_alerted_at": stamp}

    first = run_on(0)
    state = {check_key(first.results[0]): told(T0, first.results[0]),
             check_key(first.results[1]): told(T0 + dt.timedelta(hours=12), first.results[1])}
    reminders = []
    for n in (1, 2, 3):
        p = plan(run_on(n), cfg, state, None, T0 + dt.timedelta(days=n))
        reminders.append(sorted(i.result.model for i in p.items if i.reason == "reminder"))
        rows_, cleared = p.saved(sent=not p.empty)
        state = {k: v for k, v in state.items() if k not in cleared} | {r["check_key"]: r for r in rows_}
    assert reminders == [["dwd_sales"], [], []]


def test_an_anomaly_on_a_plateau_is_told_the_night_it_came_only():
    """A warning off its history stays at the same value night after night: news the first night only."""
    cfg = AlertConfig()
    run = anomaly_night(0, True)
    key = check_key(run.results[0])
    run.context["previous"] = {key: {"status": "pass", "observed": 0.01}}
    assert [a["check"] for a in plan(run, cfg, {}, None, T0).anomalies] == ["missing_values"]
    same = anomaly_night(1, True)
    same.context["previous"] = {key: {"status": "pass", "observed": 0.3}}
    p = plan(same, cfg, {}, None, T0 + dt.timedelta(days=1))
    assert p.empty and p.quiet == {"anomaly, as last night": 1}

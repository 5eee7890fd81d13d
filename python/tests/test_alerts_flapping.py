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

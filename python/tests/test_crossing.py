"""A value creeping over its threshold rides with the next message; a real crossing is news. Both ways."""

from __future__ import annotations

import datetime as dt

import pytest
from qc_report_support import make_run

from strataqc.alerts import AlertConfig, load_config, plan
from strataqc.crossing import crept
from strataqc.results import CheckResult, Status

T0 = dt.datetime(2026, 1, 1, 3, tzinfo=dt.timezone.utc)


def record(observed, threshold=0.4, message="", status=Status.FAIL) -> CheckResult:
    return CheckResult(check="target_drift", status=status, model="ads_x", column="y", observed=observed,
                       threshold=threshold, message=message)


@pytest.mark.parametrize(("tonight", "last", "recent", "is_creep"), [
    pytest.param(record(0.401), {"status": "warn", "observed": 0.39, "threshold": 0.4}, None, True,
                 id="warned-just-under-then-crossed-by-a-hair"),
    pytest.param(record(0.401), {"status": "pass", "observed": 0.385, "threshold": 0.4}, None, True,
                 id="passed-within-the-margin-below"),
    pytest.param(record(0.55), {"status": "warn", "observed": 0.39, "threshold": 0.4}, None, False,
                 id="well-past-the-limit"),
    pytest.param(record(0.41), {"status": "pass", "observed": 0.10, "threshold": 0.4}, None, False,
                 id="a-jump-from-far-below"),
    pytest.param(record(0.41), None, None, False, id="no-last-night"),
    pytest.param(record(1.538, 1.5), {"status": "pass", "observed": 1.354, "threshold": 1.5},
                 [1.176, 1.280, 1.354], True, id="a-steady-climb-moves-as-every-night"),
    pytest.param(record(1.538, 1.5), {"status": "pass", "observed": 1.354, "threshold": 1.5},
                 [1.35, 1.352, 1.354], False, id="the-same-move-after-flat-nights-is-a-jump"),
])
def test_a_creep_is_a_crossing_by_a_hair_without_a_jump(tonight, last, recent, is_creep):
    assert crept(tonight, last, 0.10, recent) is is_creep


def test_a_drift_record_is_compared_on_the_statistic_it_was_judged_on():
    """Last night PSI warned (0.12 > 0.1) with Wasserstein at 0.40; tonight Wasserstein fails at 0.41."""
    last = {"status": "warn", "observed": 0.12, "threshold": 0.1,
            "message": "y drifted: PSI 0.12 > 0.1, binned Wasserstein 0.40 IQR > 0.2"}
    creeping = record(0.41, message="y drifted: PSI 0.121 > 0.1, binned Wasserstein 0.41 IQR > 0.4")
    assert crept(creeping, last) is True
    jumped = {**last, "message": "y drifted: PSI 0.12 > 0.1, binned Wasserstein 0.30 IQR > 0.2"}
    assert crept(creeping, jumped) is False  # Wasserstein 0.30 -> 0.41: a real move


def run_of(night: int, observed: float, status: str = "fail", threshold: float = 0.4, news: bool = False):
    rows = [("target_drift", "ads_x", "y", status, observed)]
    if news:
        rows.append(("unique_key", "dwd_sales", None, "fail", None, 7))
    run = make_run(f"r{night}", night, rows)
    run.results[0] = run.results[0].replace(threshold=threshold)
    return run


def test_a_creep_sends_nothing_and_rides_with_the_next_message_once():
    cfg = AlertConfig()
    first = run_of(1, 0.401)
    first.context["previous"] = {_key(first): {"status": "warn", "observed": 0.39, "threshold": 0.4}}
    p = plan(first, cfg, {}, None, T0)
    assert p.empty and [i.reason for i in p.items] == ["crept"]
    state, _ = p.saved(sent=False)
    assert [r["status"] for r in state] == ["pending:fail"]  # remembered, not yet told
    # the next night something else is news: the creep rides along, then is told and not reminded
    second = run_of(2, 0.405, news=True)
    second.context["previous"] = {_key(second): {"status": "fail", "observed": 0.401, "threshold": 0.4}}
    p2 = plan(second, cfg, {r["check_key"]: r for r in state}, None, T0 + dt.timedelta(days=1))
    assert not p2.empty and sorted(i.reason for i in p2.items) == ["crept", "new"]
    told, _ = p2.saved(sent=True)
    third = run_of(4, 0.41, news=False)
    third.context["previous"] = {_key(third): {"status": "fail", "observed": 0.405, "threshold": 0.4}}
    p3 = plan(third, cfg, {r["check_key"]: r for r in told}, None, T0 + dt.timedelta(days=3))
    assert p3.empty and p3.items == []


def test_a_pending_creep_that_jumps_is_news_and_one_that_passes_is_forgotten():
    cfg = AlertConfig()
    first = run_of(1, 0.401)
    first.context["previous"] = {_key(first): {"status": "warn", "observed": 0.39, "threshold": 0.4}}
    pending, _ = plan(first, cfg, {}, None, T0).saved(sent=False)
    state = {r["check_key"]: r for r in pending}
    jumped = run_of(2, 0.9)
    jumped.context["previous"] = {_key(jumped): {"status": "fail", "observed": 0.401, "threshold": 0.4}}
    p = plan(jumped, cfg, state, None, T0 + dt.timedelta(days=1))
    assert [i.reason for i in p.items] == ["changed"] and not p.empty
    passed = run_of(2, 0.3, status="pass")
    p = plan(passed, cfg, state, None, T0 + dt.timedelta(days=1))
    assert p.fixed == [] and p.saved(sent=False)[1] == [_key(passed)]


def test_crossing_margin_is_read_from_the_config_and_zero_turns_it_off(tmp_path):
    path = tmp_path / "alerts.yml"
    path.write_text("crossing_margin: 0\nchannels: []\n")
    cfg = load_config(path, tmp_path)
    assert cfg.crossing_margin == 0.0
    first = run_of(1, 0.401)
    first.context["previous"] = {_key(first): {"status": "warn", "observed": 0.39, "threshold": 0.4}}
    assert [i.reason for i in plan(first, cfg, {}, None, T0).items] == ["new"]
    path.write_text("crossing_margin: -1\nchannels: []\n")
    with pytest.raises(Exception, match="crossing_margin must be a number >= 0"):
        load_config(path, tmp_path)


def _key(run) -> str:
    from strataqc.run import check_key

    return check_key(run.results[0])

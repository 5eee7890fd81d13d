"""The retrain policy alone: its block, each trigger both ways and the promotion rule at its limit."""

from __future__ import annotations

import datetime as dt

import pytest

from strataqc.model.retrain import RetrainConfigError, RetrainPolicy, decide, fired_triggers, parse_retrain
from strataqc.results import CheckResult, CheckType, Status

NOW = dt.datetime(2026, 3, 10, 3, 0, tzinfo=dt.timezone.utc)
FEATURES = ["price_index", "promo_planned"]


def test_retrain_block_defaults_and_issue_example():
    assert parse_retrain("m", None) is None and parse_retrain("m", False) is None
    assert parse_retrain("m", True) == RetrainPolicy()
    policy = parse_retrain("m", {"on": ["drift_fail", "realized_degradation", "schedule"], "every_days": 7,
                                 "margin": 0.02})
    assert policy == RetrainPolicy(on=("drift_fail", "realized_degradation", "schedule"), every_days=7.0,
                                   margin=0.02, metric="wape")


def test_retrain_bare_on_read_by_yaml_as_true_still_names_the_triggers():
    import yaml

    block = yaml.safe_load("{on: [schedule], every_days: 3}")
    assert True in block  # what YAML 1.1 makes of it
    assert parse_retrain("m", block) == RetrainPolicy(on=("schedule",), every_days=3.0)


@pytest.mark.parametrize(("block", "says"), [
    pytest.param({"on": ["nightly"]}, "retrain.on must list triggers among", id="unknown-trigger"),
    pytest.param({"every_day": 7}, "retrain.every_day is not a known key", id="misspelt-key"),
    pytest.param({"margin": 1.5}, "retrain.margin must be in [0, 1)", id="margin-out-of-range"),
    pytest.param({"every_days": 0}, "retrain.every_days must be a positive number", id="zero-days"),
    pytest.param({"every_days": "weekly"}, "every_days and margin must be numbers", id="not-a-number"),
    pytest.param({"metric": "r2"}, "retrain.metric must be one of", id="unknown-metric"),
    pytest.param(["schedule"], "retrain must be a mapping", id="not-a-mapping"),
])
def test_retrain_bad_block_names_model_key_and_fix(block, says):
    with pytest.raises(RetrainConfigError, match="m: meta.strataqc.model.retrain") as info:
        parse_retrain("m", block)
    assert says in str(info.value)


def drift(column, status=Status.FAIL, check="feature_drift"):
    return CheckResult(check=check, status=status, check_type=CheckType.DRIFT, model="m", column=column,
                       message=f"{column} drifted")


@pytest.mark.parametrize(("records", "fired"), [
    pytest.param([drift("price_index")], ["drift_fail"], id="drift-fail-on-feature-fires"),
    pytest.param([drift(None, check="multivariate_drift")], ["drift_fail"], id="table-level-drift-fires"),
    pytest.param([drift("price_index", Status.WARN)], [], id="drift-warn-does-not-fire"),
    pytest.param([drift("not_a_feature")], [], id="drift-on-other-column-does-not-fire"),
    pytest.param([CheckResult(check="realized_accuracy", status=Status.FAIL, model="m", message="wape 0.4 > 0.3")],
                 ["realized_degradation"], id="realized-accuracy-fail-fires"),
    pytest.param([CheckResult(check="realized_accuracy", status=Status.PASS, model="m")], [],
                 id="realized-accuracy-pass-does-not-fire"),
])
def test_retrain_triggers_read_the_nights_records(records, fired):
    policy = RetrainPolicy(every_days=7)
    got = fired_triggers(policy, records, FEATURES, NOW - dt.timedelta(days=1), NOW)
    assert [name for name, _ in got] == fired


def test_retrain_trigger_not_in_policy_never_fires():
    policy = RetrainPolicy(on=("schedule",), every_days=7)
    assert fired_triggers(policy, [drift("price_index")], FEATURES, NOW, NOW) == []


@pytest.mark.parametrize(("age_days", "fires"), [
    pytest.param(6.9, False, id="younger-than-every-days-waits"),
    pytest.param(7.0, True, id="every-days-old-fires"),
])
def test_retrain_schedule_counts_days_since_champion(age_days, fires):
    got = fired_triggers(RetrainPolicy(on=("schedule",), every_days=7), [], FEATURES,
                         NOW - dt.timedelta(days=age_days), NOW)
    assert bool(got) == fires
    if fires:
        assert got[0][1] == "7.0 days since the champion was promoted or last challenged (retrain every 7 days)"


@pytest.mark.parametrize(("challenger", "blocking", "promoted", "says"), [
    pytest.param(0.098, [], True, "ratio 0.98, must be <= 0.98): promoted", id="better-by-exactly-the-margin"),
    pytest.param(0.0981, [], False, "not better by the margin 2%; champion v0001 kept", id="better-by-less"),
    pytest.param(0.12, [], False, "not better by the margin", id="worse"),
    pytest.param(0.05, ["importance_spike"], False, "challenger v0002 failed error-severity gate(s) importance_spike",
                 id="much-better-but-fails-a-gate"),
    pytest.param(float("nan"), [], False, "wape undefined on the valid window", id="undefined-metric"),
])
def test_retrain_decide_promotes_only_better_by_margin_and_gated(challenger, blocking, promoted, says):
    verdict = decide(RetrainPolicy(margin=0.02), "v0001", 0.1, "v0002", challenger, blocking)
    assert verdict.promoted is promoted
    assert says in verdict.reason

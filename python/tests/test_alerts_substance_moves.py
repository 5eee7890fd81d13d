"""A failure changes by a move away from passing, on the same measure, beyond the usual move (substance.py)."""

from __future__ import annotations

from strataqc.history import changed
from strataqc.results import CheckResult, Status


def drift(observed: float, threshold: float) -> CheckResult:
    return CheckResult(check="feature_drift", status=Status.FAIL, model="ads_demand_features",
                       column="units_mean_7d", observed=observed, threshold=threshold)


def last_night(observed: float, threshold: float) -> dict:
    return {"status": "fail", "observed": observed, "failures": None, "message": None, "threshold": threshold}


def test_a_failure_easing_towards_its_threshold_is_no_change_worsening_is():
    # alerted at 0.50 against 0.40; 0.43 eases back (announced when it passes), 0.60 worsens
    assert changed("fail", None, 0.50, drift(0.43, 0.40)) is False
    assert changed("fail", None, 0.50, drift(0.60, 0.40)) is True
    # a lower limit (a volume ratio): farther below it is worse
    assert changed("fail", None, 0.50, drift(0.30, 0.70)) is True
    assert changed("fail", None, 0.50, drift(0.62, 0.70)) is False


def test_a_value_measured_against_another_limit_than_last_night_is_not_compared():
    # Wasserstein 0.55 against 0.4 last night, PSI 0.80 against 0.25 tonight: another statistic
    assert changed("fail", None, 0.48, drift(0.80, 0.25), previous=last_night(0.55, 0.40)) is False
    assert changed("fail", None, 0.48, drift(0.80, 0.40), previous=last_night(0.55, 0.40)) is True


def test_without_two_earlier_nights_a_move_must_exceed_jump_times_the_tolerance():
    def share(observed: float) -> CheckResult:
        return CheckResult(check="new_categories", status=Status.FAIL, model="ads_demand_features",
                           column="category", observed=observed, threshold=0.01)

    # 4.0% -> 4.8% of rows the night after the alert: the same new category filling the window
    assert changed("fail", None, 0.040, share(0.048), previous=last_night(0.040, 0.01), recent=[0.040]) is False
    # doubled overnight
    assert changed("fail", None, 0.040, share(0.080), previous=last_night(0.040, 0.01), recent=[0.040]) is True

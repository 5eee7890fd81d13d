"""Tonight's news apart from what failed last night (strataqc.news), each rule both ways."""

from __future__ import annotations

import pytest

from strataqc.incidents import problems
from strataqc.news import news
from strataqc.results import CheckResult, Status
from strataqc.run import QCRun, check_key

KEPT = "strataqc.column_checks on dwd_sales.units value_range: {units} rows fail; " \
       "strataqc.column_checks on dwd_sales.unit_price value_range: 16 rows fail"


def record(status: str = "warn", failures: int = 2, message: str = "", check: str = "column_checks") -> CheckResult:
    return CheckResult(check=check, status=Status(status), model="dwd_sales", layer="dwd", failures=failures,
                       message=message, details={"test_name": "dwd_sales__kept_defects",
                                                 "rules": ["units: value_range", "unit_price: value_range"]})


def split(tonight: CheckResult, before: dict | None, statuses: list | None = None, anomaly: bool = False):
    run = QCRun.merge("r", "2026-04-02T03:00:00.000000Z", [tonight])
    key = check_key(tonight)
    run.context.update({"previous": {key: before} if before else {"other": {}},
                        "status_series": {key: statuses or []},
                        "anomalies": [{"check_key": key}] if anomaly else []})
    fresh, known = news(problems(run), run)
    return [sorted(p.columns or []) for p in fresh], len(known)


def last(status="warn", units=50, failures=2):
    return {"status": status, "failures": failures, "observed": None, "message": KEPT.format(units=units)}


@pytest.mark.parametrize(("tonight", "before", "statuses", "anomaly", "expected"), [
    pytest.param(record(message=KEPT.format(units=52)), last(), None, False, ([], 1), id="unchanged-is-known"),
    pytest.param(record(message=KEPT.format(units=400)), last(), None, False, ([["units"]], 0),
                 id="a-rule-on-more-rows-is-news-on-its-column"),
    pytest.param(record("fail", message=KEPT.format(units=52)), last(), None, False,
                 ([["unit_price", "units"]], 0), id="worse-status-is-news"),
    pytest.param(record("warn", message=KEPT.format(units=52)), last("fail"), None, False, ([], 1),
                 id="easing-off-is-known"),
    pytest.param(record(message=KEPT.format(units=52)), None, None, False, ([["unit_price", "units"]], 0),
                 id="not-a-problem-last-night-is-news"),
    pytest.param(record(failures=9, message=KEPT.format(units=52)), last(), None, True,
                 ([["unit_price", "units"]], 0), id="a-warning-off-its-history-is-news"),
    pytest.param(record(message=KEPT.format(units=52)), last(), None, True, ([], 1),
                 id="a-warning-off-its-history-as-last-night-is-known"),
    pytest.param(record(message=KEPT.format(units=52)), last("skip"), [("n1", "warn"), ("n2", "skip")], False,
                 ([], 1), id="not-run-last-night-judged-by-the-night-it-ran"),
    pytest.param(record(message=KEPT.format(units=52)), last("skip"), [("n1", "pass"), ("n2", "skip")], False,
                 ([["unit_price", "units"]], 0), id="not-run-last-night-and-passing-before-is-news"),
    pytest.param(record(message=KEPT.format(units=52)), last("skip"), [("n1", "warn"), ("n2", "skip")], True,
                 ([["unit_price", "units"]], 0), id="not-run-last-night-but-off-its-history-is-news"),
])
def test_news_or_known(tonight, before, statuses, anomaly, expected):
    assert split(tonight, before, statuses, anomaly) == expected


def test_without_a_previous_run_everything_is_news():
    run = QCRun.merge("r", "2026-04-02T03:00:00.000000Z", [record()])
    fresh, known = news(problems(run), run)
    assert (len(fresh), known) == (1, [])
    assert fresh[0].why == "new"


@pytest.mark.parametrize(("before", "anomaly", "why"), [
    pytest.param(None, False, "new", id="no-record-last-night"),
    pytest.param(last("pass"), False, "worse", id="passed-last-night"),
    pytest.param(last(failures=1), True, "anomaly", id="off-its-history"),
    pytest.param(last(units=5), False, "changed", id="more-rows-failing"),
])
def test_news_says_why_it_is_news(before, anomaly, why):
    tonight = record(message=KEPT.format(units=400))
    run = QCRun.merge("r", "2026-04-02T03:00:00.000000Z", [tonight])
    key = check_key(tonight)
    run.context.update({"previous": {key: before} if before else {"other": {}}, "status_series": {key: []},
                        "anomalies": [{"check_key": key}] if anomaly else []})
    (fresh,), _ = news(problems(run), run)
    assert fresh.why == why

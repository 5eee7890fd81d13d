"""History: a trend compares a night only with nights that measured the same thing.

Two records of nights scoped to the new rows (issue 18's incremental nights) made
spurious departures: a drift check reporting Wasserstein the night it warns after
PSI on quiet nights, and a column_checks record whose value is a ratio one night,
a row count the next. Both are proven both ways here."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest
from qc_report_support import memory_warehouse

from strataqc.comparable import comparable
from strataqc.history import History, run_context
from strataqc.results import CheckResult, CheckType, Status
from strataqc.run import QCRun, check_key


@pytest.fixture
def history():
    wh = memory_warehouse()
    yield History(wh)
    wh.close()


def _run(night: int, records: list[CheckResult]) -> QCRun:
    when = (dt.datetime(2026, 4, 1, 3, tzinfo=dt.timezone.utc) + dt.timedelta(days=night)).strftime(
        "%Y-%m-%dT%H:%M:%S.%fZ")
    return QCRun.merge(f"n{night}", when, records)


def _drift(status: str, observed: float, threshold: float) -> CheckResult:
    return CheckResult(check="feature_drift", model="ads_demand_features", column="units_lag_7",
                       check_type=CheckType.DRIFT, status=Status(status), observed=observed, threshold=threshold,
                       layer="ads", message=f"units_lag_7: {observed}")


# PSI against its limit on quiet nights, then the binned Wasserstein the nights it warns (the statistic
# that breached): the values of a simulated month, nights 0-6
QUIET_PSI = [0.0046, 0.0072, 0.0063, 0.0151, 0.0262]
WARN_WASSERSTEIN = [0.2119, 0.2926]


def _tonight_anomalies(history: History, nights: list[list[CheckResult]], tonight: list[CheckResult]) -> dict:
    for i, records in enumerate(nights):
        history.append(_run(i, records))
    run = _run(len(nights), tonight)
    history.append(run)
    context = run_context(history, run)
    return context


def test_a_drift_reporting_another_statistic_is_no_departure(history):
    nights = [[_drift("pass", v, 0.25)] for v in QUIET_PSI] + [[_drift("warn", v, 0.2)] for v in WARN_WASSERSTEIN]
    tonight = _drift("warn", 0.3417, 0.2)
    context = _tonight_anomalies(history, nights, [tonight])
    assert context["anomalies"] == []
    # the two Wasserstein nights are its only comparable history
    assert context["trends"][check_key(tonight)]["verdict"] == "insufficient_history"
    assert context["trends"][check_key(tonight)]["history_n"] == 2


def test_the_same_values_against_one_limit_still_depart(history):
    # both ways: had every night been judged against the same limit, 0.34 against 0.015 is a departure
    nights = [[_drift("pass", v, 0.2)] for v in QUIET_PSI + [0.011, 0.02]]
    context = _tonight_anomalies(history, nights, [_drift("warn", 0.3417, 0.2)])
    assert [a["check"] for a in context["anomalies"]] == ["feature_drift"]


def test_comparable_keeps_nights_without_a_limit():
    # a SQL test's passing nights carry no limit (0 failing rows): they stay its baseline
    nights = [(0.0, 0, None, None), (0.0, 1, None, None), (2.0, 2, 4.0, None), (5.0, 3, 3.0, None)]
    values, days = comparable(nights, 4.0)
    assert values == [0.0, 0.0, 2.0] and days == [0, 1, 2]
    assert comparable([(1.0, 0, 0.1, None), (2.0, 1, 0.2, None)], None) == ([1.0, 2.0], [0, 1])


COLUMN_CHECKS = "strataqc.column_checks on dwd_sales.{column} {rule}: {rows} rows fail"


def _column_checks(status: str, *facets: tuple[str, str, int], observed: float | None = None) -> CheckResult:
    message = "; ".join(COLUMN_CHECKS.format(column=c, rule=r, rows=n) for c, r, n in facets)
    return CheckResult(check="column_checks", model="dwd_sales", check_type=CheckType.SQL, status=Status(status),
                       observed=observed, threshold=0.0 if observed is not None else None,
                       failures=len(facets), layer="dwd", message=message)


# scoped nights: tonight's 250 lines, an everyday defect on one line or two, many nights none
SCOPED_NIGHTS = [
    _column_checks("pass"), _column_checks("warn", ("unit_price", "value_range", 2), observed=2.0),
    _column_checks("warn", ("unit_price", "value_range", 1), observed=1.0), _column_checks("pass"),
    _column_checks("warn", ("units", "value_range", 1), ("unit_price", "value_range", 2)),
    _column_checks("pass"), _column_checks("pass"), _column_checks("pass"), _column_checks("pass"),
]


def test_a_rule_failing_on_its_usual_rows_is_no_departure(history):
    # the record's value is 2 rows tonight; its history a rule count, rows or 0: no unit to compare
    tonight = _column_checks("warn", ("unit_price", "value_range", 2), observed=2.0)
    context = _tonight_anomalies(history, [[r] for r in SCOPED_NIGHTS], [tonight])
    assert context["anomalies"] == []
    trend = context["trends"][check_key(tonight)]
    assert trend["verdict"] == "not_trended" and "each is trended on its own" in trend["why"]


def test_a_rule_failing_on_many_more_rows_departs(history):
    tonight = _column_checks("warn", ("unit_price", "value_range", 76), observed=76.0)
    context = _tonight_anomalies(history, [[r] for r in SCOPED_NIGHTS], [tonight])
    assert [a["check_key"] for a in context["anomalies"]] == [f"{check_key(tonight)}#unit_price: value_range"]
    assert context["anomalies"][0]["observed"] == 76.0


def test_passing_nights_count_as_no_failing_rows(history):
    # three nights named the rule, six passed: nine nights of history, enough for a trend (seven)
    nights = [_column_checks("warn", ("unit_price", "value_range", 1), observed=1.0)] * 3 + [_column_checks("pass")] * 6
    tonight = _column_checks("warn", ("unit_price", "value_range", 40), observed=40.0)
    context = _tonight_anomalies(history, [[r] for r in nights], [tonight])
    assert len(context["anomalies"]) == 1 and context["anomalies"][0]["history_n"] == 9


def _scoped(record: CheckResult) -> CheckResult:
    return replace(record, details={**(record.details or {}), "scope": "new_rows"})


def test_the_scope_a_record_was_read_in_is_stored_with_it(history):
    scoped, whole = _scoped(_column_checks("pass")), _drift("pass", 0.01, 0.25)
    history.append(_run(0, [scoped, whole]))
    stored = history.records(["n0"]).set_index("check_key")["scope"]
    assert stored[check_key(scoped)] == "new_rows" and stored.isna()[check_key(whole)]
    # the same run stored again, its record now read whole: no stale scope is left
    history.append(_run(0, [_column_checks("pass"), whole]))
    assert history.records(["n0"])["scope"].isna().all()


# a whole-table night (the full refresh), then nights that read their own slice (a line or two failing)
WHOLE_NIGHT = _column_checks("warn", ("units", "value_range", 43), ("unit_price", "value_range", 10))


def _nights_then_tonight(history: History, tonight: CheckResult) -> dict:
    nights = [[WHOLE_NIGHT]] + [[_scoped(r)] for r in SCOPED_NIGHTS]
    return _tonight_anomalies(history, nights, [tonight])


def test_a_cadence_night_reading_the_whole_table_is_no_departure(history):
    # 44 rows of the whole table against nights' slices of one or two: the scope changed, not the data
    tonight = _column_checks("warn", ("units", "value_range", 44), ("unit_price", "value_range", 10))
    context = _nights_then_tonight(history, tonight)
    assert context["anomalies"] == []
    # it is compared with the last whole-table night, not with last night's slice
    assert "43 rows fail" in context["previous"][check_key(tonight)]["message"]
    assert context["rescoped"] == []


def test_the_same_rows_in_a_nights_slice_depart(history):
    # both ways: 44 failing rows in a night's slice of 250 lines, against one or two, is a departure
    tonight = _scoped(_column_checks("warn", ("units", "value_range", 44), ("unit_price", "value_range", 1)))
    context = _nights_then_tonight(history, tonight)
    assert [a["column"] for a in context["anomalies"]] == ["units"]


def test_a_first_night_in_a_scope_says_so_and_is_no_news(history):
    from strataqc.news import news
    from strataqc.problems import Problem

    nights = [[_scoped(r)] for r in SCOPED_NIGHTS]
    tonight = _column_checks("warn", ("units", "value_range", 44), ("unit_price", "value_range", 2))
    for i, records in enumerate(nights[:-1]):
        history.append(_run(i, records))
    history.append(_run(len(nights) - 1, [_scoped(_column_checks("warn", ("unit_price", "value_range", 2)))]))
    run = _run(len(nights), [tonight])
    history.append(run)
    run.context.update(run_context(history, run))
    assert run.context["rescoped"] == [check_key(tonight)]
    fresh, known = news([Problem(check_key(tonight), tonight, frozenset({"units", "unit_price"}))], run)
    assert fresh == [] and len(known) == 1
    # both ways: read in last night's scope, the same record changed (a rule fails anew on 44 rows)
    run.context["rescoped"] = []
    fresh, _ = news([Problem(check_key(tonight), tonight, frozenset({"units", "unit_price"}))], run)
    assert [p.why for p in fresh] == ["changed"]


def test_a_defect_landing_on_a_cadence_night_departs(history):
    # the whole table's 56 rows: 43 the full refresh found, 1 the slices counted since, 12 tonight's own
    tonight = _column_checks("warn", ("units", "value_range", 56), ("unit_price", "value_range", 13))
    context = _nights_then_tonight(history, tonight)
    assert [(a["column"], a["observed"]) for a in context["anomalies"]] == [("units", 12.0)]

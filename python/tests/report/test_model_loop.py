"""The dashboard's model loop: realized accuracy per forecast date against its limit, the retrain decision
with both versions, and the command that undoes it; a night without a decision renders too."""

from __future__ import annotations

import re

import pytest
from qc_report_support import make_run

from strataqc.checks.realized_accuracy import limit_series
from strataqc.report.html import render_html
from strataqc.report.model_loop import hints, model_loops
from strataqc.results import CheckResult, CheckType, Status
from strataqc.trends import judge

MODEL = "ads_demand_features"


def record(check: str, status: Status, message: str, **details) -> CheckResult:
    return CheckResult(check=check, status=status, check_type=CheckType.MODEL_QUALITY, model=MODEL, layer="ads",
                       message=message, details=details)


def accuracy(status: Status, last: float) -> CheckResult:
    series = [{"forecast_date": f"2026-04-{d:02d}", "wape": w, "limit": lim, "median": None, "degraded": deg}
              for d, w, lim, deg in [(1, 0.21, None, False), (2, 0.22, 0.2625, False), (3, 0.20, 0.2625, False),
                                     (4, last, 0.2625, last > 0.2625)]]
    return record("realized_accuracy", status, f"forecasts made 2026-04-04: WAPE {last}", metric="wape",
                  series=series)


def retrain(decision: dict | None, champions: list[str]) -> CheckResult:
    details = {"champions": champions, "serving": champions[-1]}
    if decision is not None:
        details["decision"] = decision
        details["table"] = {"title": "Champion vs challenger", "columns": ["role", "version", "wape"],
                            "rows": [["champion", "v0001", 0.096], ["challenger", "v0002", 0.03]]}
    return record("model_retrain", Status.WARN if decision else Status.PASS, "retrain triggered", **details)


def html(*records: CheckResult) -> str:
    run = make_run("r-loop", 0, [("unique_key", "dwd_sales", None, "pass", None, 0)])
    run.results += [r.replace(run_id=run.run_id, generated_at=run.generated_at) for r in records]
    return render_html(run)


def test_model_loop_shows_degraded_date_against_its_limit_decision_and_hint():
    rejected = {"version": "v0003", "decision": "rejected", "triggers": ["realized_degradation"],
                "fingerprint": "abcdef0123456789", "champion_fingerprint": "0123456789abcdef"}
    page = html(accuracy(Status.FAIL, 0.31), retrain(rejected, ["v0001", "v0002"]))
    section = page[page.index('<section id="model-loop">'):page.index('<section id="layers">')]
    assert "degraded: 2026-04-04" in section and 'class="limit"' in section
    assert re.search(r"2026-04-04: WAPE 0\.31, limit 0\.2625 \(fail\)", section)
    assert ">rejected<" in section and "triggers: realized_degradation" in section
    assert "challenger data fingerprint abcdef012345" in section and "champion's 0123456789ab" in section
    assert "qc-report model rollback --model ads_demand_features  # v0001 forecasts again" in section
    assert "qc-report model promote v0003 --model ads_demand_features" in section
    assert section.count("<tr>") >= 3  # the versions table: a header, champion and challenger


def test_model_loop_quiet_night_renders_without_a_decision_and_flags_nothing():
    page = html(accuracy(Status.PASS, 0.23), retrain(None, ["v0001"]))
    section = page[page.index('<section id="model-loop">'):page.index('<section id="layers">')]
    assert "degraded:" not in section and "Retrain decision:" in section
    assert "no earlier champion to roll back to" in section and "rollback --model" not in section
    assert re.search(r"2026-04-04: WAPE 0\.23, limit 0\.2625 \(pass\)", section)


def test_model_loop_absent_without_loop_records():
    assert '<section id="model-loop">' not in html()
    assert model_loops([record("forecasts_kept", Status.PASS, "kept")])[0]["hints"] == []
    assert hints(MODEL, None) == []


def test_limit_series_marks_degraded_dates_and_uses_only_dates_before_each():
    day = __import__("datetime").date
    points = [(day(2026, 4, d), w, 100) for d, w in enumerate([0.20, 0.21, 0.20, 0.22, 0.21, 0.40], start=1)]
    params = {"metric": "wape", "window": 28, "min_history": 3, "max_z": 3.5, "max_value": None}
    series = limit_series({("*", "*"): points}, day(2026, 4, 6), params, {day(2026, 4, 6)})
    assert [p["limit"] is None for p in series] == [True, True, True, False, False, False]
    assert [p["degraded"] for p in series] == [False] * 5 + [True]
    assert series[-1]["limit"] == pytest.approx(0.2625) and series[-1]["median"] == 0.21
    # the limit is where the trend rule turns: just above it is a degradation, just below is not
    before = [0.20, 0.21, 0.20, 0.22, 0.21]
    assert judge(0.2626, before, direction="up", min_runs=3).verdict == "anomaly"
    assert judge(0.2624, before, direction="up", min_runs=3).verdict == "normal"

"""Follow-ups: tonight's news an earlier incident explains joins it and stays out of the alert; other news does not."""

from __future__ import annotations

import datetime as dt

from qc_report_support import memory_warehouse

from strataqc import incidents
from strataqc.alerts import AlertConfig, plan
from strataqc.history import History, run_context
from strataqc.lineage import Lineage
from strataqc.run import QCRun, check_key
from strataqc.results import CheckResult, CheckType, Status

LAYERS = {"dwd_sales": "dwd", "dws_sales_daily": "dws", "ads_demand_features": "ads"}
PARENTS = {"dwd_sales": [], "dws_sales_daily": ["dwd_sales"], "ads_demand_features": ["dws_sales_daily"]}
# two lags of units and the price: the lags are built from exactly the same columns, the price is not
COLUMN_PARENTS = {"dws_sales_daily.units": ["dwd_sales.units"], "dws_sales_daily.unit_price": ["dwd_sales.unit_price"],
                  "ads_demand_features.units_lag_1": ["dws_sales_daily.units"],
                  "ads_demand_features.units_lag_7": ["dws_sales_daily.units"],
                  "ads_demand_features.unit_price": ["dws_sales_daily.unit_price"]}
COLUMNS = {"dwd_sales": ["units", "unit_price"], "dws_sales_daily": ["units", "unit_price"],
           "ads_demand_features": ["units_lag_1", "units_lag_7", "unit_price"]}
LINEAGE = Lineage(dict(LAYERS), dict(PARENTS), dict(COLUMNS), dict(COLUMN_PARENTS), [])


def drift(column: str, status: str = "pass", observed: float = 0.05) -> CheckResult:
    """PSI against the warn limit 0.1 and the fail limit 0.25, as the drift checks report it."""
    return CheckResult(check="feature_drift", status=Status(status), model="ads_demand_features", column=column,
                       layer="ads", check_type=CheckType.DRIFT, observed=observed,
                       threshold=0.25 if status == "fail" else 0.1, message=f"{column}: PSI {observed}")


def rows(status: str = "pass") -> CheckResult:
    return CheckResult(check="date_continuity", status=Status(status), model="dwd_sales", layer="dwd",
                       check_type=CheckType.SQL, failures=0 if status == "pass" else 40, message=f"gaps {status}")


def stored(history: History, n: int, records: list[CheckResult], anomalies: tuple[str, ...] = ()) -> QCRun:
    when = (dt.datetime(2026, 3, 1, 3, tzinfo=dt.timezone.utc) + dt.timedelta(days=n)).strftime(
        "%Y-%m-%dT%H:%M:%S.%fZ")
    run = QCRun.merge(f"night-{n}", when, records)
    history.append(run)
    run.context.update(run_context(history, run))
    run.context["anomalies"] = [{"check_key": check_key(r), "check": r.check, "model": r.model, "column": r.column,
                                 "layer": r.layer, "status": str(r.status), "observed": r.observed,
                                 "message": "left its history"} for r in run.results if r.column in anomalies]
    incidents.attach(run, LINEAGE, history)
    return run


QUIET = [rows(), drift("units_lag_1"), drift("units_lag_7"), drift("unit_price")]


def alert(history: History, run: QCRun):
    """Tonight's plan against what was alerted before, remembered as `notify` does once it is sent."""
    p = plan(run, AlertConfig(), history.alert_state(), history.acks(), dt.datetime.fromisoformat(
        run.generated_at.replace("Z", "+00:00")))
    history.save_alert_state(*p.saved(sent=not p.empty))
    return p


def test_the_night_after_a_missing_day_its_gap_is_that_incident_unfolding_and_not_alerted():
    with memory_warehouse() as wh:
        history = History(wh)
        alert(history, stored(history, 0, QUIET))
        landed = stored(history, 1, [rows("fail"), *QUIET[1:]])
        (incident,) = landed.context["incidents"]
        assert [i.reason for i in alert(history, landed).items] == ["new"]
        # the next night the ADS lag built on the missing day drifts: fed by yesterday's root
        after = stored(history, 2, [rows("fail"), drift("units_lag_1", "fail", 0.6), *QUIET[2:]])
        assert after.context["followups"] == {"drift|ads_demand_features|feature_drift|units_lag_1": incident["id"]}
        p = alert(history, after)
        assert p.empty and p.quiet == {"follow-up of an incident already alerted": 1}
        assert [(i.result.check, i.reason) for i in p.items] == [("date_continuity", "reminder")]  # rides, if any
        # told by its incident: never reminded on its own either
        later = stored(history, 4, [rows("fail"), drift("units_lag_1", "fail", 0.6), *QUIET[2:]])
        assert not [i for i in alert(history, later).items if i.result.column == "units_lag_1"]


def test_news_no_recent_incident_feeds_stays_news():
    with memory_warehouse() as wh:
        history = History(wh)
        alert(history, stored(history, 0, QUIET))
        alert(history, stored(history, 1, [rows(), drift("units_lag_1", "fail", 0.6), *QUIET[2:]]))
        # the price is not built from the units: its drift the next night is news of its own
        after = stored(history, 2, [rows(), drift("units_lag_1", "fail", 0.6), drift("units_lag_7"),
                                    drift("unit_price", "fail", 0.7)])
        assert "drift|ads_demand_features|feature_drift|unit_price" not in after.context["followups"]
        p = alert(history, after)
        assert [(i.result.column, i.reason) for i in p.items if i.reason != "reminder"] == [("unit_price", "new")]
        assert not p.empty


def test_a_lag_echoing_a_clear_feature_incident_days_later_joins_it():
    with memory_warehouse() as wh:
        history = History(wh)
        alert(history, stored(history, 0, QUIET))
        landed = stored(history, 1, [rows(), drift("units_lag_1", "fail", 0.9), *QUIET[2:]])
        (incident,) = [i for i in landed.context["incidents"] if i["root"]["column"] == "units_lag_1"]
        alert(history, landed)
        for n in range(2, 7):
            alert(history, stored(history, n, [rows(), drift("units_lag_1", "fail", 0.9), *QUIET[2:]]))
        # a week on, the lag of 7 days reads the same bad day: the same columns' incident, not news
        echo = stored(history, 7, [rows(), drift("units_lag_1", "fail", 0.9), drift("units_lag_7", "fail", 0.8),
                                   QUIET[3]])
        assert echo.context["followups"].get("drift|ads_demand_features|feature_drift|units_lag_7") == incident["id"]


def test_a_failure_just_past_its_limit_hosts_no_echo():
    with memory_warehouse() as wh:
        history = History(wh)
        alert(history, stored(history, 0, QUIET))
        # 4% past 0.25, a jump from 0.05 (news, told), but no clear effect whose echoes are expected
        alert(history, stored(history, 1, [rows(), drift("units_lag_1", "fail", 0.26), *QUIET[2:]]))
        for n in range(2, 5):
            alert(history, stored(history, n, [rows(), drift("units_lag_1", "fail", 0.26), *QUIET[2:]]))
        later = stored(history, 5, [rows(), drift("units_lag_1", "fail", 0.26), drift("units_lag_7", "fail", 0.8),
                                    QUIET[3]])
        assert "drift|ads_demand_features|feature_drift|units_lag_7" not in later.context["followups"]


def test_a_known_drift_spreading_to_a_sibling_feature_is_no_news_but_a_jump_is():
    with memory_warehouse() as wh:
        history = History(wh)
        for n in range(3):
            stored(history, n, [rows(), drift("units_lag_1", "warn", 0.12), *QUIET[2:]])
        # units_lag_7 leaves its history while units_lag_1 (same columns) has warned all along
        spread = stored(history, 3, [rows(), drift("units_lag_1", "warn", 0.12), drift("units_lag_7", "pass", 0.09),
                                     QUIET[3]], anomalies=("units_lag_7",))
        assert "drift|ads_demand_features|feature_drift|units_lag_7" in spread.context["followups"]
        # the known drift itself jumping at the same status is news
        jump = stored(history, 4, [rows(), drift("units_lag_1", "warn", 0.2), drift("units_lag_7", "pass", 0.09),
                                   QUIET[3]])
        assert "drift|ads_demand_features|feature_drift|units_lag_1" not in jump.context["followups"]


def quality(check: str, status: str = "fail", observed: float = 0.3) -> CheckResult:
    return CheckResult(check=check, status=Status(status), model="ads_demand_features", column=None, layer="ads",
                       check_type=CheckType.MODEL_QUALITY, observed=observed, threshold=0.2,
                       message=f"{check} {status}")


def test_the_model_output_moving_after_its_input_clearly_drifted_is_that_incident():
    with memory_warehouse() as wh:
        history = History(wh)
        alert(history, stored(history, 0, QUIET + [quality("realized_accuracy", "pass", 0.1)]))
        landed = stored(history, 1, [rows(), drift("units_lag_1", "fail", 0.9), *QUIET[2:],
                                     quality("realized_accuracy", "pass", 0.1)])
        (incident,) = [i for i in landed.context["incidents"] if i["root"]["column"] == "units_lag_1"]
        alert(history, landed)
        for n in range(2, 5):
            alert(history, stored(history, n, [rows(), drift("units_lag_1", "fail", 0.9), *QUIET[2:],
                                               quality("realized_accuracy", "pass", 0.1)]))
        # the actuals of that day land: realized accuracy degrades, told already by the drift's incident
        later = stored(history, 5, [rows(), drift("units_lag_1", "fail", 0.9), *QUIET[2:],
                                    quality("realized_accuracy", "fail", 0.4)])
        assert later.context["followups"].get("model_quality|ads_demand_features|realized_accuracy|") == incident["id"]
        assert alert(history, later).empty


def test_the_model_output_degrading_without_a_told_input_drift_is_news():
    with memory_warehouse() as wh:
        history = History(wh)
        for n in range(3):
            alert(history, stored(history, n, QUIET + [quality("realized_accuracy", "pass", 0.1)]))
        later = stored(history, 3, QUIET + [quality("realized_accuracy", "fail", 0.4)])
        assert later.context["followups"] == {}
        assert [(i.result.check, i.reason) for i in alert(history, later).items] == [("realized_accuracy", "new")]


def test_an_incident_nobody_was_told_of_explains_nothing():
    """A warning below min_status roots an incident no message told: what it feeds the next night is news."""
    with memory_warehouse() as wh:
        history = History(wh)
        alert(history, stored(history, 0, QUIET))
        quiet_root = stored(history, 1, [rows("warn"), *QUIET[1:]])
        assert alert(history, quiet_root).empty  # a warning: not alerted with min_status fail
        after = stored(history, 2, [rows("warn"), drift("units_lag_1", "warn", 0.15), *QUIET[2:]])
        assert after.context["followups"] == {}

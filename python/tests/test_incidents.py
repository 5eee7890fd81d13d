"""Incidents: grouping through lineage both ways, persistence across nights, acks, and every renderer."""

from __future__ import annotations

import datetime as dt
import json
import xml.etree.ElementTree as ET

import jsonschema
import pytest
from qc_report_support import memory_warehouse

from strataqc import incidents
from strataqc.alerts import AlertConfig, compose, plan
from strataqc.history import History, run_context
from strataqc.lineage import Lineage
from strataqc.report.jsonout import SCHEMA_PATH, document
from strataqc.report.render import render
from strataqc.run import QCRun, check_key
from strataqc.results import CheckResult, CheckType, Status

LAYERS = {"ods_pos__sales": "ods", "dwd_sales": "dwd", "dws_sales_daily": "dws", "ads_demand_features": "ads",
          "ods_erp__skus": "ods", "dwd_sku": "dwd"}
PARENTS = {"ods_pos__sales": [], "dwd_sales": ["ods_pos__sales"], "dws_sales_daily": ["dwd_sales"],
           "ads_demand_features": ["dws_sales_daily", "dwd_sku"], "ods_erp__skus": [], "dwd_sku": ["ods_erp__skus"]}
# each column from the same column one layer up; ads.category from dwd_sku
COLUMN_PARENTS = {
    "dwd_sales.unit_price": ["ods_pos__sales.unit_price"], "dwd_sales.units": ["ods_pos__sales.units"],
    "dws_sales_daily.unit_price": ["dwd_sales.unit_price"], "dws_sales_daily.units": ["dwd_sales.units"],
    "ads_demand_features.unit_price": ["dws_sales_daily.unit_price"],
    "ads_demand_features.units_lag_1": ["dws_sales_daily.units"],
    "ads_demand_features.category": ["dwd_sku.category"], "dwd_sku.category": ["ods_erp__skus.category"],
}
COLUMNS = {"ods_pos__sales": ["units", "unit_price"], "dwd_sales": ["units", "unit_price"],
           "dws_sales_daily": ["units", "unit_price"], "ads_demand_features": ["unit_price", "units_lag_1", "category"],
           "ods_erp__skus": ["category"], "dwd_sku": ["category"]}


def lineage(model_level: tuple[str, ...] = ()) -> Lineage:
    parents = {k: v for k, v in COLUMN_PARENTS.items() if k.partition(".")[0] not in model_level}
    columns = {k: v for k, v in COLUMNS.items() if k not in model_level}
    return Lineage(dict(LAYERS), dict(PARENTS), columns, parents, list(model_level))


def rec(check, model, column=None, status="fail", kind=CheckType.SQL):
    return CheckResult(check=check, status=Status(status), model=model, column=column, layer=LAYERS[model],
                       check_type=kind, message=f"{check} {status}")


def night(n: int, records: list[CheckResult], anomalies=()) -> QCRun:
    when = (dt.datetime(2026, 3, 1, 3, tzinfo=dt.timezone.utc) + dt.timedelta(days=n)).strftime(
        "%Y-%m-%dT%H:%M:%S.%fZ")
    run = QCRun.merge(f"night-{n}", when, records)
    run.context["anomalies"] = [{"check_key": check_key(r), "check": r.check, "model": r.model, "column": r.column,
                                 "layer": r.layer, "status": str(r.status), "message": "left its history"}
                                for r in run.results if (r.check, r.model) in anomalies]
    return run


PRICE_CHAIN = [
    rec("value_range", "dwd_sales", "unit_price"),
    rec("abnormal_value_ratio", "dws_sales_daily", "unit_price", "warn"),
    rec("feature_drift", "ads_demand_features", "unit_price", kind=CheckType.DRIFT),
    rec("abnormal_value_ratio", "ods_pos__sales", "unit_price", "pass"),
    rec("unique_key", "dwd_sales", status="pass"),
]


def roles(run: QCRun) -> dict[tuple, tuple]:
    return {(r.model, r.check): (r.role, r.incident_id) for r in run.results}


# -- grouping -------------------------------------------------------------------------------------

def test_connected_failures_are_one_incident_rooted_upstream():
    run = night(0, list(reversed(PRICE_CHAIN)))  # input order must not pick the root
    found = incidents.attach(run, lineage())
    assert len(found) == 1
    got = roles(run)
    assert got[("dwd_sales", "value_range")][0] == "root"
    assert got[("dws_sales_daily", "abnormal_value_ratio")][0] == "symptom"
    assert got[("ads_demand_features", "feature_drift")][0] == "symptom"
    assert len({got[k][1] for k in got if got[k][0]}) == 1
    # passing checks are nobody's symptom
    assert got[("ods_pos__sales", "abnormal_value_ratio")] == (None, None)
    assert run.context["incidents"][0]["headline"] == "root: dwd_sales.unit_price value_range; 2 symptoms in dws, ads"
    assert run.context["incidents"][0]["layers"] == ["dwd", "dws", "ads"]


def test_failures_on_unconnected_columns_are_separate_incidents():
    """units and unit_price share every model, but no column: two roots, two incidents."""
    records = [rec("value_range", "dwd_sales", "units"), rec("value_range", "dwd_sales", "unit_price"),
               rec("feature_drift", "ads_demand_features", "units_lag_1", kind=CheckType.DRIFT),
               rec("feature_drift", "ads_demand_features", "unit_price", kind=CheckType.DRIFT)]
    run = night(0, records)
    found = incidents.attach(run, lineage())
    assert sorted(i.headline() for i in found) == ["root: dwd_sales.unit_price value_range; 1 symptom in ads",
                                                   "root: dwd_sales.units value_range; 1 symptom in ads"]
    by_root = {i.root.record.column: {p.record.column for p in i.symptoms} for i in found}
    assert by_root == {"units": {"units_lag_1"}, "unit_price": {"unit_price"}}


def test_without_column_lineage_the_model_level_joins_them():
    """The same failures on a lineage known only model by model: the columns can no longer tell them apart."""
    records = [rec("value_range", "dwd_sales", "unit_price"),
               rec("feature_drift", "ads_demand_features", "units_lag_1", kind=CheckType.DRIFT)]
    assert len(incidents.attach(night(0, records), lineage())) == 2
    assert len(incidents.attach(night(0, records), lineage(model_level=("dws_sales_daily",)))) == 1


def test_a_row_check_and_a_column_check_on_one_model_are_not_one_incident():
    run = night(0, [rec("date_continuity", "dwd_sales", status="warn"), rec("value_range", "dwd_sales", "units")])
    assert len(incidents.attach(run, lineage())) == 2


def test_missing_rows_upstream_reach_every_check_downstream():
    run = night(0, [rec("volume_anomaly", "dws_sales_daily", status="warn"), rec("date_continuity", "dwd_sales"),
                    rec("feature_drift", "ads_demand_features", "units_lag_1", kind=CheckType.DRIFT)])
    (incident,) = incidents.attach(run, lineage())
    assert (incident.root.model, incident.root.record.check) == ("dwd_sales", "date_continuity")


def test_an_anomaly_joins_the_incident_it_belongs_to_as_a_symptom():
    records = [rec("value_range", "dwd_sales", "unit_price"), rec("abnormal_value_ratio", "dws_sales_daily",
                                                                  "unit_price", "pass")]
    run = night(0, records, anomalies={("abnormal_value_ratio", "dws_sales_daily")})
    (incident,) = incidents.attach(run, lineage())
    assert [p.record.model for p in incident.symptoms] == ["dws_sales_daily"]
    assert run.context["incidents"][0]["symptoms"][0]["status"] == "anomaly"



def test_an_anomaly_of_one_rule_joins_the_incident_of_that_rule_s_column():
    """column_checks folds its rules into one record; each rule is trended on its own (`KEY#column: rule`):
    the anomaly is of that column, so it joins the unit_price incident and not the units one."""
    records = [rec("value_range", "dwd_sales", "unit_price"), rec("value_range", "dwd_sales", "units"),
               rec("column_checks", "dws_sales_daily", status="pass")]
    run = night(0, records)
    rule = check_key(run.results[2])
    run.context["anomalies"] = [{"check_key": f"{rule}#{column}: abnormal_value_ratio", "check": "column_checks",
                                 "model": "dws_sales_daily", "column": column, "layer": "dws", "status": "pass",
                                 "message": "abnormal_value_ratio on {column}: 40 failing rows"}
                                for column in ("unit_price", "units")]
    found = incidents.attach(run, lineage())
    by_root = {i.root.record.column: sorted(p.key.partition("#")[2] for p in i.symptoms) for i in found}
    assert by_root == {"unit_price": ["unit_price: abnormal_value_ratio"], "units": ["units: abnormal_value_ratio"]}
    # an anomaly whose record is not in tonight's run has nothing to join
    run = night(0, records[:2])
    run.context["anomalies"] = [{"check_key": f"{rule}#unit_price: abnormal_value_ratio", "column": "unit_price"}]
    assert all(not i.symptoms for i in incidents.attach(run, lineage()))

# -- across nights ----------------------------------------------------------------------------------

def stored_night(history: History, n: int, records: list[CheckResult], alerted: bool = False) -> QCRun:
    run = night(n, records)
    history.append(run)
    run.context.update(run_context(history, run))
    incidents.attach(run, lineage(), history)
    if alerted:  # remembered as a sent message leaves it: what was told hosts the next night's follow-ups
        p = plan(run, AlertConfig(), history.alert_state(), history.acks(),
                 dt.datetime.fromisoformat(run.generated_at.replace("Z", "+00:00")))
        history.save_alert_state(*p.saved(sent=not p.empty))
    return run


def test_a_persisting_failure_keeps_its_incident_and_first_seen():
    with memory_warehouse() as wh:
        history = History(wh)
        stored_night(history, 0, [rec("value_range", "dwd_sales", "unit_price", "pass")], alerted=True)
        first = stored_night(history, 1, PRICE_CHAIN[:1], alerted=True)
        (one,) = first.context["incidents"]
        # night 2: the root still fails, unchanged: same incident, same first_seen; ADS drifting from
        # tonight, fed by that root within a day of it, is the incident unfolding (followups.py)
        second = stored_night(history, 2, PRICE_CHAIN[:1] + PRICE_CHAIN[2:3], alerted=True)
        (two,) = second.context["incidents"]
        assert (two["id"], two["first_seen"]) == (one["id"], first.generated_at)
        assert [s["model"] for s in two["symptoms"]] == ["ads_demand_features"]
        assert set(second.context["followups"].values()) == {one["id"]}
        # night 3 fixed; night 4 it fails again: a new incident
        stored_night(history, 3, [rec("value_range", "dwd_sales", "unit_price", "pass")])
        fourth = stored_night(history, 4, PRICE_CHAIN[:1])
        (four,) = fourth.context["incidents"]
        assert four["id"] != one["id"] and four["first_seen"] == fourth.generated_at


def test_news_long_after_an_incident_is_an_incident_of_its_own():
    """The aftermath lasts a night and a half: ADS drifting two nights after the root failed is news."""
    with memory_warehouse() as wh:
        history = History(wh)
        stored_night(history, 0, [rec("value_range", "dwd_sales", "unit_price", "pass")], alerted=True)
        first = stored_night(history, 1, PRICE_CHAIN[:1], alerted=True)
        stored_night(history, 2, PRICE_CHAIN[:1], alerted=True)
        third = stored_night(history, 3, PRICE_CHAIN[:1] + PRICE_CHAIN[2:3], alerted=True)
        by_root = {i["root"]["model"]: i for i in third.context["incidents"]}
        assert by_root["dwd_sales"]["first_seen"] == first.generated_at and by_root["dwd_sales"]["symptoms"] == []
        assert by_root["ads_demand_features"]["first_seen"] == third.generated_at
        assert third.context["followups"] == {}


def test_a_new_failure_upstream_of_a_known_incident_is_tonights_news():
    """Last night's failures cannot be caused by a check failing first tonight: the new failure is an
    incident of its own, rooted where it is seen, and last night's incident keeps its id and first_seen."""
    with memory_warehouse() as wh:
        history = History(wh)
        (before,) = stored_night(history, 0, PRICE_CHAIN[1:3]).context["incidents"]
        after = stored_night(history, 1, PRICE_CHAIN[:3]).context["incidents"]
        by_root = {i["root"]["model"]: i for i in after}
        assert set(by_root) == {"dwd_sales", "dws_sales_daily"} and before["root"]["model"] == "dws_sales_daily"
        assert (by_root["dws_sales_daily"]["id"], by_root["dws_sales_daily"]["first_seen"]) == (
            before["id"], before["first_seen"])
        assert by_root["dwd_sales"]["id"] != before["id"] and by_root["dwd_sales"]["symptoms"] == []


def test_a_sql_check_failing_first_below_a_known_defect_roots_its_own_incident():
    """ODS has warned on unit_price every night; tonight a DWD price check fails for the first time (one
    store's prices x100) and ADS drifts on unit_price: tonight's incident is rooted on DWD with the drift,
    the ODS warning stays alone in its incident."""
    everyday = rec("abnormal_value_ratio", "ods_pos__sales", "unit_price", "warn")
    prices = rec("store_prices_in_line", "dwd_sales", "unit_price")
    drift = rec("feature_drift", "ads_demand_features", "unit_price", kind=CheckType.DRIFT)
    with memory_warehouse() as wh:
        history = History(wh)
        (known,) = stored_night(history, 0, [everyday, rec("store_prices_in_line", "dwd_sales", "unit_price",
                                                           "pass")]).context["incidents"]
        tonight = stored_night(history, 1, [everyday, prices, drift]).context["incidents"]
        by_root = {i["root"]["model"]: i for i in tonight}
        assert by_root["ods_pos__sales"]["id"] == known["id"] and by_root["ods_pos__sales"]["symptoms"] == []
        assert [s["check"] for s in by_root["dwd_sales"]["symptoms"]] == ["feature_drift"]
        assert by_root["dwd_sales"]["id"] != known["id"]


def column_checks(model: str, status: str, rows: dict[str, int]) -> CheckResult:
    """A column_checks record as artifacts.py makes it: one record, its failing rules in the message."""
    message = "; ".join(f"strataqc.column_checks on {model}.{c} {rule}: {n} rows fail"
                        for (c, rule), n in rows.items())
    return CheckResult(check="column_checks", status=Status(status), model=model, layer=LAYERS[model],
                       failures=len(rows), message=message,
                       details={"test_name": f"{model}__kept", "rules": [f"{c}: {r}" for c, r in rows]})


def test_a_defect_landing_on_a_model_that_warns_every_night_is_rooted_where_it_lands():
    """The everyday defects warn on ODS and DWD every night (units, unit_price); tonight DWD's negative
    units jump. The changed rule is tonight's incident, rooted on dwd_sales.units, and the new drift it
    reaches is its symptom; the everyday warnings stay one long-running incident of their own."""
    everyday = {("units", "valid_type"): 40, ("unit_price", "abnormal_value_ratio"): 12}
    kept = {("units", "value_range"): 50, ("unit_price", "value_range"): 16}
    drift = rec("feature_drift", "ads_demand_features", "units_lag_1", "warn", kind=CheckType.DRIFT)
    with memory_warehouse() as wh:
        history = History(wh)
        quiet = [column_checks("ods_pos__sales", "warn", everyday), column_checks("dwd_sales", "warn", kept),
                 rec("feature_drift", "ads_demand_features", "units_lag_1", "pass", kind=CheckType.DRIFT)]
        (known,) = stored_night(history, 0, quiet).context["incidents"]
        spiked = {**kept, ("units", "value_range"): 400}
        run = stored_night(history, 1, [quiet[0], column_checks("dwd_sales", "warn", spiked), drift])
        by_id = {i["id"]: i for i in run.context["incidents"]}
        assert set(by_id) - {known["id"]} and known["id"] in by_id
        (new,) = [i for i in by_id.values() if i["id"] != known["id"]]
        assert (new["root"]["model"], new["root"]["columns"]) == ("dwd_sales", ["units"])
        assert new["first_seen"] == run.generated_at  # tonight's incident, not last night's under a new root
        assert [s["check"] for s in new["symptoms"]] == ["feature_drift"]
        assert (by_id[known["id"]]["root"]["model"], by_id[known["id"]]["symptoms"]) == ("ods_pos__sales", [])
        # without the previous night every problem is news: one incident rooted on ODS, as on a first night
        first = night(1, [quiet[0], column_checks("dwd_sales", "warn", spiked), drift])
        (only,) = incidents.attach(first, lineage())
        assert only.root.model == "ods_pos__sales" and len(only.symptoms) == 2


# -- acknowledgements ----------------------------------------------------------------------------

def test_acknowledging_the_root_quiets_its_symptoms():
    with memory_warehouse() as wh:
        history = History(wh)
        loud = stored_night(history, 0, PRICE_CHAIN)
        p = plan(loud, AlertConfig(min_status="warn"), {}, history.acks())
        assert len(p.items) == 3  # root and two symptoms, said in one incident line
        assert compose(loud, p, AlertConfig(min_status="warn"))[1].count("  - [") == 1
        history.add_ack("value_range", "dwd_sales", "prices of the pilot store are known", column="unit_price")
        quiet = stored_night(history, 1, PRICE_CHAIN)
        p = plan(quiet, AlertConfig(min_status="warn"), {}, history.acks())
        assert p.items == [] and p.quiet == {"acknowledged": 1, "symptom of an acknowledged root": 2}
        assert quiet.context["incidents"][0]["acknowledged"] is True


def test_acknowledging_a_symptom_does_not_quiet_the_root():
    with memory_warehouse() as wh:
        history = History(wh)
        stored_night(history, 0, PRICE_CHAIN)
        history.add_ack("feature_drift", "ads_demand_features", "drift expected this week")
        run = stored_night(history, 1, PRICE_CHAIN)
        p = plan(run, AlertConfig(min_status="warn"), {}, history.acks())
        assert sorted(i.result.model for i in p.items) == ["dwd_sales", "dws_sales_daily"]


# -- renderers ------------------------------------------------------------------------------------

@pytest.fixture
def grouped() -> QCRun:
    run = night(0, PRICE_CHAIN + [rec("value_range", "dwd_sales", "units", "warn")])
    incidents.attach(run, lineage())
    return run


def test_json_carries_incidents_and_record_roles_and_validates(grouped):
    doc = json.loads(render(grouped, "json"))
    jsonschema.Draft202012Validator(json.loads(SCHEMA_PATH.read_text())).validate(doc)
    assert [(i["root"]["model"], i["root"]["column"], len(i["symptoms"])) for i in doc["incidents"]] == [
        ("dwd_sales", "unit_price", 2), ("dwd_sales", "units", 0)]
    assert set(doc["incidents"][0]) >= {"id", "root", "symptoms", "layers", "first_seen"}
    records = {(r["model"], r["check"], r["column"]): (r["role"], r["incident_id"]) for r in doc["results"]}
    assert records[("ads_demand_features", "feature_drift", "unit_price")] == ("symptom", doc["incidents"][0]["id"])
    assert records[("dwd_sales", "unique_key", None)] == (None, None)


def test_json_schema_rejects_an_incident_without_a_root(grouped):
    doc = document(grouped)
    del doc["incidents"][0]["root"]
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.Draft202012Validator(json.loads(SCHEMA_PATH.read_text())).validate(json.loads(json.dumps(doc)))


def test_markdown_and_junit_name_the_root(grouped):
    md = render(grouped, "markdown")
    assert "### Incidents (2)" in md
    assert r"root: dwd\_sales.unit\_price value\_range; 2 symptoms in dws, ads" in md
    assert md.index("### Incidents") < md.index("### Needs attention")
    cases = {c.get("name"): c for c in ET.fromstring(render(grouped, "junit")).iter("testcase")}
    drift = cases["feature_drift on ads_demand_features.unit_price"].find("failure").get("message")
    assert "symptom; root: dwd_sales.unit_price value_range" in drift
    root = cases["value_range on dwd_sales.unit_price"].find("failure").get("message")
    assert "root of INC-" in root and "2 symptoms" in root


def test_html_opens_with_the_incidents_and_draws_their_lineage(grouped):
    html = render(grouped, "html")
    assert html.index('id="incidents"') < html.index('id="layers"') < html.index('id="checks"')
    first = html[html.index('<div class="incident'):]
    first = first[:first.index("</svg>")]
    # left to right by layer: the root's DWD box before DWS before ADS, coloured by status
    assert first.index(">dwd_sales<") < first.index(">dws_sales_daily<") < first.index(">ads_demand_features<")
    assert 'data-role="root"' in first and "#d64541" in first
    assert "http://" not in html.replace("http://www.w3.org", "") and "https://" not in html


def test_alert_says_one_line_per_incident(grouped):
    config = AlertConfig(min_status="warn")
    title, body = compose(grouped, plan(grouped, config, {}, None), config)
    lines = [line for line in body.splitlines() if line.startswith("  - [")]
    assert lines[0].startswith("  - [fail] root: dwd_sales.unit_price value_range; 2 symptoms in dws, ads (INC-")
    assert len(lines) == 2 and "2 incidents" in title


def test_the_lineage_drawing_escapes_model_names():
    from strataqc.report.incidents_svg import lineage_path

    hostile = '<img src=x onerror="alert(1)">'
    svg = str(lineage_path({"nodes": [{"model": hostile, "layer": "dwd", "status": "fail", "role": "root",
                                       "checks": ["</title><script>"]}], "edges": []}))
    assert "<img" not in svg and "<script>" not in svg and "&lt;img" in svg
    assert lineage_path({"nodes": [], "edges": []}) == ""


def test_terminal_table_leads_with_the_incidents(grouped):
    text = render(grouped, "table")
    assert text.index("incident INC-") < text.index("DWD")
    assert "root: dwd_sales.unit_price value_range; 2 symptoms in dws, ads" in text


def test_features_built_from_the_same_columns_drifting_anew_together_are_one_incident():
    """units x3 drifts every ADS feature built on units at once: one incident; a feature built from
    other columns drifting the same night stays apart (both ways)."""
    parents = {**COLUMN_PARENTS, "ads_demand_features.units_mean_7d": ["dws_sales_daily.units"]}
    columns = {**COLUMNS, "ads_demand_features": COLUMNS["ads_demand_features"] + ["units_mean_7d"]}
    graph = Lineage(dict(LAYERS), dict(PARENTS), columns, parents, [])
    drifts = [rec("feature_drift", "ads_demand_features", c, kind=CheckType.DRIFT)
              for c in ("units_lag_1", "units_mean_7d", "unit_price")]
    found = incidents.attach(night(0, drifts), graph)
    assert sorted(sorted(p.record.column for p in i.members) for i in found) == [
        ["unit_price"], ["units_lag_1", "units_mean_7d"]]


def test_the_load_log_reaches_everything_the_load_feeds():
    """A late file shows first in the load log, a source nothing is built from; what the late day does to the
    models below is that incident, not news of its own."""
    graph = Lineage({**LAYERS, "load_log": "source"}, {**PARENTS, "load_log": []}, {**COLUMNS, "load_log": ["file"]},
                    dict(COLUMN_PARENTS), [])
    late = CheckResult(check="assert_landing_sales_file_on_time", status=Status.FAIL, model="load_log", column="file",
                       layer="ods", message="the newest file is a day late")
    run = night(1, [late, rec("date_continuity", "dwd_sales"), rec("value_range", "dws_sales_daily", "units")])
    run.context["previous"] = {"an earlier night": {}}  # all of it news against last night
    (incident,) = incidents.attach(run, graph)
    assert incident.root.model == "load_log" and sorted(p.model for p in incident.symptoms) == [
        "dwd_sales", "dws_sales_daily"]
    # a loaded source is no load record: its problems reach only what lineage says
    graph = Lineage({**LAYERS, "pos_sales": "source"}, {**PARENTS, "pos_sales": [], "ods_pos__sales": ["pos_sales"]},
                    {**COLUMNS, "pos_sales": ["file"]}, dict(COLUMN_PARENTS), [])
    loaded = CheckResult(check="not_null", status=Status.FAIL, model="pos_sales", column="file", layer="ods",
                         message="not_null fail")
    run = night(1, [loaded, rec("not_null", "ods_erp__skus", "category")])
    run.context["previous"] = {"an earlier night": {}}
    assert len(incidents.attach(run, graph)) == 2
    # on a first night (nothing to tell news from) the load log roots nothing beyond lineage either
    first = night(0, [late, rec("date_continuity", "dwd_sales")])
    assert len(incidents.attach(first, Lineage({**LAYERS, "load_log": "source"}, {**PARENTS, "load_log": []},
                                               {**COLUMNS, "load_log": ["file"]}, dict(COLUMN_PARENTS), []))) == 2


def test_an_incident_line_names_its_symptoms_that_are_news():
    from strataqc.simulate import messages

    run = night(0, PRICE_CHAIN)
    incidents.attach(run, lineage())
    p = plan(run, AlertConfig(min_status="warn"), {}, None)
    body = compose(run, p, AlertConfig(min_status="warn"))[1]
    (line,) = [x for x in body.splitlines() if "root:" in x]
    assert line.endswith("— new: abnormal_value_ratio on dws_sales_daily.unit_price, "
                         "feature_drift on ads_demand_features.unit_price")
    items = messages.parse(body)
    assert {(i.model, i.check) for i in items} == {("dwd_sales", "value_range"), ("dws_sales_daily",
                                                   "abnormal_value_ratio"), ("ads_demand_features", "feature_drift")}
    assert len({i.incident for i in items}) == 1

"""The incident kinds of the detection harness (DESIGN §7), as the records a night would show.

One row per kind: where the defect lands, which checks fail or turn anomalous because of it
(the demo's own test names, on the demo's models), and the root an incident must name (the
first model and column where the defect can be seen). `night_records(kind)` gives synthetic records;
the real planted nights of `qc-report simulate` are read by `from_report` and judged by
`measure_planted` (test_incidents_harness.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from strataqc.run import QCRun, check_key
from strataqc.results import CheckResult, CheckType, Status

GENERATED_AT = "2026-04-01T03:00:00.000000Z"


def rec(check: str, model: str, column: str | None = None, status: str = "fail", *, rules: list[str] | None = None,
        test: str | None = None, kind: CheckType = CheckType.SQL, anomaly: bool = False) -> CheckResult:
    details: dict = {"test_name": test or f"{model}__{check}" + (f"_{column}" if column else "")}
    if rules:
        details["rules"] = rules
    if test in TEST_ARGUMENTS:
        details["arguments"] = TEST_ARGUMENTS[test]  # as artifacts.py keeps them
    layer = "ods" if model == "load_log" else model.split("_")[0]  # the landing sources sit in models/ods/
    result = CheckResult(check=check, status=Status(status), model=model, column=column, check_type=kind,
                         layer=layer, message=f"{check} on {model}: {status}", details=details)
    if anomaly:
        result.details["planted_anomaly"] = True  # tonight's value left its history: see anomalies()
    return result


DRIFT, FEATURES = CheckType.DRIFT, CheckType.FEATURE_SET
# the demo's model-level tests and the columns their arguments name (models/*/_*__models.yml)
TEST_ARGUMENTS = {
    "ods_pos__sales__line_resent": {"columns": ["line_id"]},
    "ods_pos__sales__daily_volume": {"date_column": "sale_date"},
    "ods_erp__skus__sku_id_unique": {"columns": ["sku_id"]},
    "dwd_sales__line_id_unique": {"columns": ["line_id"]},
    "dwd_sales__daily_volume": {"date_column": "sale_date"},
    "dwd_sales__series_days_missing": {"date_column": "sale_date", "group_by": ["store_id", "sku_id"]},
    "dws_sales_daily__key_unique": {"columns": ["store_id", "sku_id", "date_day"]},
    "dws_sales_daily__zero_runs": {"value_column": "units", "date_column": "date_day"},
    "dws_sales_weekly__units_match_daily": {"column": "units"},
    "ads_demand_features__key_unique": {"columns": ["store_id", "sku_id", "date_day"]},
    "ads_demand_features__daily_volume": {"date_column": "date_day"},
    "ads_demand_features__dates_match_dws": {"date_column": "date_day"},
    # singular tests name their columns in meta.strataqc.columns (tests/*.sql)
    "assert_dwd_sales_store_prices_in_line": {"columns": ["unit_price"]},
    "assert_dwd_sales_every_store_reports": {"columns": ["store_id", "sale_date"]},
    "assert_landing_sales_file_on_time": {"columns": ["source_file"]},
}

# passing checks of a quiet night on every layer: what an incident must not pull in
BASELINE = [
    rec("unique_key", "ods_erp__skus", status="pass", test="ods_erp__skus__sku_id_unique"),
    rec("column_checks", "ods_pos__sales", status="pass", test="ods_pos__sales__values_castable"),
    rec("unique_key", "dwd_sales", status="pass", test="dwd_sales__line_id_unique"),
    rec("reconcile_row_count", "dwd_sales", status="pass", test="dwd_sales__rows_vs_ods"),
    rec("column_checks", "dwd_store", status="pass", test="dwd_store__names_clean"),
    rec("unique_key", "dws_sales_daily", status="pass", test="dws_sales_daily__key_unique"),
    rec("reconcile_sum", "dws_sales_weekly", status="pass", test="dws_sales_weekly__units_match_daily"),
    rec("unique_key", "ads_demand_features", status="pass", test="ads_demand_features__key_unique"),
    rec("feature_drift", "ads_demand_features", "region", "pass", kind=DRIFT),
]


@dataclass(frozen=True)
class Kind:
    lands: str                       # where the generator plants it
    root: tuple[str, str | None]     # (model, column) the incident must name as its root; None: the model
    records: list[CheckResult] = field(default_factory=list)  # the root's record first, then what it reaches


KINDS: dict[str, Kind] = {
    "null_spike": Kind("landing pos_sales.unit_price empty", ("ods_pos__sales", "unit_price"), [
        rec("column_checks", "ods_pos__sales", status="warn", rules=["unit_price: abnormal_value_ratio"],
            test="ods_pos__sales__values_castable"),
        rec("column_checks", "dwd_sales", status="warn", rules=["unit_price: abnormal_value_ratio"],
            test="dwd_sales__kept_defects"),
        rec("missing_values", "ads_demand_features", "unit_price", kind=FEATURES),
        rec("feature_drift", "ads_demand_features", "unit_price", kind=DRIFT),
    ]),
    "duplicate_burst": Kind("landing pos_sales lines re-sent", ("ods_pos__sales", "line_id"), [
        rec("unique_key", "ods_pos__sales", status="warn", test="ods_pos__sales__line_resent"),
        rec("reconcile_row_count", "dwd_sales", test="dwd_sales__rows_vs_ods"),
        rec("volume_anomaly", "ods_pos__sales", status="pass", test="ods_pos__sales__daily_volume", anomaly=True),
    ]),
    "store_silent": Kind("landing pos_sales: one store sends nothing", ("dwd_sales", "sale_date"), [
        rec("assert_dwd_sales_every_store_reports", "dwd_sales", test="assert_dwd_sales_every_store_reports"),
        rec("volume_anomaly", "dwd_sales", status="warn", test="dwd_sales__daily_volume"),
        rec("date_continuity", "dwd_sales", status="warn", test="dwd_sales__series_days_missing"),
        rec("value_continuity", "dws_sales_daily", status="warn", test="dws_sales_daily__zero_runs"),
        rec("volume_anomaly", "ads_demand_features", status="warn", test="ads_demand_features__daily_volume"),
        rec("feature_drift", "ads_demand_features", "units_lag_1", kind=DRIFT),
    ]),
    "volume_drop": Kind("landing pos_sales: a third of the lines missing", ("dwd_sales", "sale_date"), [
        rec("volume_anomaly", "dwd_sales", status="warn", test="dwd_sales__daily_volume"),
        rec("volume_anomaly", "ads_demand_features", status="warn", test="ads_demand_features__daily_volume"),
        rec("target_drift", "ads_demand_features", "units_next_7d", kind=DRIFT),
    ]),
    "price_unit_change": Kind("landing pos_sales.unit_price in cents", ("dwd_sales", "unit_price"), [
        rec("assert_dwd_sales_store_prices_in_line", "dwd_sales", status="warn",
            test="assert_dwd_sales_store_prices_in_line"),
        rec("abnormal_value_ratio", "dws_sales_daily", "unit_price", "pass",
            test="dws_sales_daily__unit_price_non_finite", anomaly=True),
        rec("feature_drift", "ads_demand_features", "unit_price", kind=DRIFT),
        rec("multivariate_drift", "ads_demand_features", kind=DRIFT),
        rec("baseline_comparison", "ads_demand_features", kind=CheckType.MODEL_QUALITY),
    ]),
    "category_renamed": Kind("landing erp_skus.category renamed", ("ods_erp__skus", "category"), [
        rec("column_checks", "ods_erp__skus", status="warn", rules=["category: accepted_values_ratio"],
            test="ods_erp__skus__names_and_categories"),
        rec("column_checks", "dwd_sku", status="warn", rules=["category: accepted_values_ratio"],
            test="dwd_sku__names_and_categories"),
        rec("column_checks", "ads_demand_features", status="warn", rules=["category: accepted_values_ratio"],
            test="ads_demand_features__surviving_defects"),
        rec("new_categories", "ads_demand_features", "category", kind=DRIFT),
        rec("feature_drift", "ads_demand_features", "category", kind=DRIFT),
    ]),
    "schema_drift": Kind("landing pos_sales: promo_flag renamed", ("ods_pos__sales", None), [
        rec("build", "ods_pos__sales", status="error", test="build"),
        rec("build", "dwd_sales", status="skip", test="build"),
        rec("python_checks", "ads_demand_features", status="skip", kind=FEATURES),
    ]),
    # first seen in the load log: no POS file for the newest business day (nothing is wrong in the
    # lines that did arrive, so nothing downstream fails with it)
    "late_file": Kind("landing pos_sales: tonight's file arrives a night late", ("load_log", "source_file"), [
        rec("assert_landing_sales_file_on_time", "load_log", test="assert_landing_sales_file_on_time"),
    ]),
    "negative_units_spike": Kind("landing pos_sales.units negative", ("dwd_sales", "units"), [
        rec("column_checks", "dwd_sales", status="warn", rules=["units: value_range"], test="dwd_sales__kept_defects"),
        rec("feature_drift", "ads_demand_features", "units_lag_1", kind=DRIFT),
        rec("feature_drift", "ads_demand_features", "units_mean_7d", kind=DRIFT),
        rec("target_drift", "ads_demand_features", "units_next_7d", kind=DRIFT),
    ]),
    # the generator multiplies tonight's units by 3 (landing/incidents.py: column=units, factor=3): values no
    # SQL check refuses, first seen as drift of the ADS features built on units; they drift together, one
    # incident, rooted on whichever of them ranks first
    "feature_shift": Kind("landing pos_sales.units x3", ("ads_demand_features", None), [
        rec("feature_drift", "ads_demand_features", "units_mean_7d", kind=DRIFT),
        rec("multivariate_drift", "ads_demand_features", kind=DRIFT),
    ]),
}


def night_records(*kinds: str) -> QCRun:
    """Tonight's run with the given kinds planted on a quiet baseline."""
    planted = [r for name in kinds for r in KINDS[name].records]
    # a planted record is tonight's verdict of that baseline check: one record per check, as in a night
    keys = {check_key(r) for r in planted}
    records = [r for r in BASELINE if check_key(r) not in keys] + planted
    run = QCRun.merge("night-" + "-".join(kinds), GENERATED_AT, records)
    run.context["anomalies"] = [{"check_key": check_key(r), "check": r.check, "model": r.model, "column": r.column,
                                 "layer": r.layer, "status": str(r.status), "observed": 1.0, "median": 0.0,
                                 "message": "robust z 9.0"} for r in run.results if r.details.get("planted_anomaly")]
    return run


def downstream(run: QCRun, kind: str) -> list[str]:
    """Check keys of what the kind's defect reaches (failures and anomalies), its root excluded."""
    anomalous = {a["check_key"] for a in run.context.get("anomalies") or []}
    return [check_key(r) for r in KINDS[kind].records[1:]
            if r.status in (Status.FAIL, Status.WARN, Status.ERROR) or check_key(r) in anomalous]


def measure(run: QCRun, kind: str, alert_body: str) -> dict:
    """Root named right, share of downstream failures attached to that root, alert items for its incident."""
    model, column = KINDS[kind].root
    by_key = {check_key(r): r for r in run.results}
    # None: any root on the model (a build error has no column; feature_shift's units features drift together)
    incident = next((i for i in run.context["incidents"] if i["root"]["model"] == model
                     and (column in i["root"]["columns"] if column else True)), None)
    reached = downstream(run, kind)
    attached = [k for k in reached if incident and by_key[k].incident_id == incident["id"]]
    items = [line for line in alert_body.splitlines() if incident and f"({incident['id']}," in line]
    return {"kind": kind, "root_right": incident is not None and by_key[incident["root"]["check_key"]].role == "root",
            "downstream": len(reached), "attached": len(attached), "alert_items": len(items)}


# -- the real harness: nights planted by `qc-report generate --incident` and run by `qc-report simulate` ------

PROBLEM_RANK = {"warn": 1, "fail": 2, "error": 3}
MESSAGE_CHARS = 2000  # a column_checks message names each failing rule: the grouping reads which ones moved
KEPT_DETAILS = ("test_name", "arguments", "rules")  # what the grouping reads of a record's details


def from_report(doc: dict) -> QCRun:
    """A night's JSON report (`qc-report night -f json`) back into the run it was: records and anomalies.

    incident_id and role are dropped: the grouping under test assigns them again."""
    results = [CheckResult(check=r["check"], status=Status(r["status"]), model=r["model"], column=r["column"],
                           check_type=CheckType(r["check_type"]), layer=r["layer"], observed=r["observed"],
                           threshold=r["threshold"], failures=r["failures"], message=r["message"] or "",
                           run_id=r["run_id"], generated_at=r["generated_at"],
                           details={k: v for k, v in (r.get("details") or {}).items() if k in KEPT_DETAILS})
               for r in doc["results"]]
    run = QCRun(doc["run_id"], doc["generated_at"], results)
    run.context["anomalies"] = list(doc.get("anomalies") or [])
    return run


def previous_records(before: QCRun) -> dict[str, dict]:
    """The previous night's records as `run.context["previous"]` holds them (history.run_context)."""
    return {check_key(r): {"status": str(r.status), "observed": r.observed, "failures": r.failures,
                           "message": r.message, "threshold": r.threshold} for r in before.results}


def reached_tonight(tonight: QCRun, before: QCRun) -> set[str]:
    """What the planted defect reached: checks worse than the night before, and anomalies new tonight.

    The demo's everyday defects fail every night; they are last night's news, not the incident's."""
    was = {check_key(r): PROBLEM_RANK.get(str(r.status), 0) for r in before.results}
    worse = {check_key(r) for r in tonight.results
             if PROBLEM_RANK.get(str(r.status), 0) > was.get(check_key(r), 0)}
    seen = {a["check_key"] for a in before.context.get("anomalies") or []}
    return worse | {a["check_key"] for a in tonight.context.get("anomalies") or []} - seen


def downstream_of_root(run: QCRun, kind: str, keys: set[str], lineage) -> set[str]:
    """Of `keys`, the problems the kind's root can reach through lineage (its model, or models built from
    its column): what got worse elsewhere the same night (a flapping correlation, drift of the
    everyday predict window) is not this defect's downstream."""
    from strataqc.incidents import problem_columns

    model, column = KINDS[kind].root
    by_key = {check_key(r): r for r in run.results}
    anomalies = {a["check_key"]: a for a in run.context.get("anomalies") or []}
    out = set()
    for key in keys:
        record = by_key.get(key.partition("#")[0])
        if record is None or not record.model:
            continue
        named = anomalies.get(key, {}).get("column") if "#" in key else None
        columns = [named] if named else sorted(problem_columns(record) or []) or [None]
        if any(lineage.feeds((model, column), (record.model, c)) for c in columns):
            out.add(key)
    return out


def measure_planted(run: QCRun, kind: str, reached: set[str], alert_body: str, lineage=None) -> dict:
    """On a real planted night: the root named right, the share of what the defect reached attached to it,
    and the alert items about its incident (its own line, plus any member said on a line of its own)."""
    from strataqc.simulate import messages

    model, column = KINDS[kind].root
    incident = next((i for i in run.context.get("incidents") or [] if i["root"]["model"] == model
                     and (column in i["root"]["columns"] if column else True)
                     and reached & {m["check_key"] for m in [i["root"], *i["symptoms"]]}), None)
    members = [incident["root"], *incident["symptoms"]] if incident else []
    keys = {m["check_key"] for m in members}
    downstream = reached - ({incident["root"]["check_key"]} if incident else set())
    items = messages.parse(alert_body)
    own = [i for i in items if incident and i.incident == incident["id"]]
    loose = [i for i in items if i.incident is None and any(
        (i.model, i.check) == (m["model"], m["check"]) and i.column in (None, m["column"], *m["columns"])
        for m in members)]
    below = downstream_of_root(run, kind, downstream, lineage) if lineage is not None else downstream
    return {"kind": kind, "root_right": incident is not None, "root": incident["headline"] if incident else None,
            "reached": len(reached), "worse_elsewhere": len(downstream), "worse_elsewhere_attached":
            len(downstream & keys), "downstream": len(below), "attached": len(below & keys),
            "alert_items": len({i.incident for i in own}) + len(loose), "unattached": sorted(below - keys),
            "elsewhere": sorted(downstream - below)}


def measure_refused(kind: str, body: str) -> dict:
    """A night the loader refused (schema_drift): no check ran, so nothing is grouped; the could-not-run
    message is the one item, naming the landing load and the file. Nothing downstream was reached."""
    from strataqc.simulate import messages

    items = messages.parse(body)
    load = [i for i in items if (i.model, i.check) == ("landing", "load")]
    return {"kind": kind, "root_right": len(load) == 1 and ".csv" in body, "root": "landing load (could not run)",
            "reached": 1, "worse_elsewhere": 0, "worse_elsewhere_attached": 0, "downstream": 0, "attached": 0,
            "alert_items": len(items), "unattached": [], "elsewhere": []}


def record_harness(out) -> dict:
    """The planted nights of a `qc-report simulate --out OUT` run, trimmed to what the grouping reads.

    Per planted incident: tonight's problems (records not passing, and those an anomaly names) with its
    anomalies, and last night's problem statuses and anomalies (what was already known); with the
    lineage of the run's manifest. `python python/tests/incident_kinds.py OUT` writes it beside the tests.
    """
    import json
    from pathlib import Path

    out = Path(out)
    lineage_file = next((out / "target").glob("strataqc_lineage-*.json"))

    def night(n: int) -> dict:
        doc = json.loads((out / "nights" / f"night-{n:03d}.json").read_text())
        named = {str(a["check_key"]).partition("#")[0] for a in doc.get("anomalies") or []}
        results = [{**r, "details": {k: v for k, v in (r.get("details") or {}).items() if k in KEPT_DETAILS},
                    "message": (r["message"] or "")[:MESSAGE_CHARS], "incident_id": None, "role": None}
                   for r in doc["results"]
                   if r["status"] in PROBLEM_RANK or _key(r) in named]
        return {"run_id": doc["run_id"], "generated_at": doc["generated_at"], "results": results,
                "anomalies": [{k: a.get(k) for k in ("check_key", "check", "model", "column", "layer", "status",
                                                     "observed", "median", "message")}
                              for a in doc.get("anomalies") or []]}

    def refused(n: int) -> str | None:
        """The could-not-run message of a night whose first run was refused (exit 2), before the re-delivery."""
        record = detection["per_night"][n]
        if record["exit_codes"][0] != 2:
            return None
        return next((m["body"] for m in record["messages"] if "could not run" in m["title"].lower()), None)

    planted = json.loads((out / "landing" / "manifest.json").read_text()).get("incidents", [])
    detection = json.loads((out / "detection.json").read_text())
    return {"source": f"qc-report simulate (examples/simulate/nights-30.yml, seed {detection['seed']}, "
                      f"{detection['rows']} rows)",
            "lineage": json.loads(lineage_file.read_text()),
            "nights": {i["kind"]: {"night": i["night"], "tonight": night(i["night"]), "before": night(i["night"] - 1),
                                   "refused": refused(i["night"])}
                       for i in planted}}


def _key(record: dict) -> str:
    """check_key of a JSON report's record."""
    name = (record.get("details") or {}).get("test_name") or record["check"]
    return "|".join([record["check_type"], record["model"] or "", name, record["column"] or ""])


if __name__ == "__main__":
    import json
    import sys
    from pathlib import Path

    target = Path(__file__).parent / "qc_report_data" / "harness_nights.json"
    target.write_text(json.dumps(record_harness(sys.argv[1]), sort_keys=True, separators=(",", ":")) + "\n")
    print(f"wrote {target}")

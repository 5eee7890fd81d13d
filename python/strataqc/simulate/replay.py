"""Replay today's alerting over the nights an earlier simulation stored, without rebuilding them.

Every night's check records are in the simulation's warehouse
(`strataqc_history.check_results`). Appending them night by night to a fresh
history and running run_context, the incident grouping, plan and compose (as
`qc-report night` does after its checks) gives the messages today's alerting
sends on those very nights: a before/after on identical data. The grouping reads
what each record's test names (its arguments, its failing rules) from that
night's JSON report (DIR/nights/), and the lineage of the run's manifest. The dbt build and the checks are not
run again, so a change to a check itself needs a new simulation.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
import tempfile
from pathlib import Path
from typing import Any

from strataqc.simulate import messages, score


def _records(frame: Any, details: dict[str, dict[str, Any]] | None = None) -> list[Any]:
    from strataqc.results import CheckResult, CheckType, Status

    def value(v: Any) -> Any:
        return None if v is None or v != v or str(v) == "<NA>" else v  # NaN and pandas NA: absent

    out = []
    for row in frame.to_dict(orient="records"):
        # the stored key keeps the dbt test name: check_key() must give the same key back
        name = str(row["check_key"]).split("|")[2]
        failures = value(row["failures"])
        out.append(CheckResult(check=row["check_name"], status=Status(row["status"]), model=value(row["model"]),
                               column=value(row["column_name"]), check_type=CheckType(row["check_type"]),
                               layer=value(row["layer"]), observed=value(row["observed"]),
                               threshold=value(row["threshold"]), failures=None if failures is None else int(failures),
                               message=value(row["message"]) or "", duration_s=value(row["duration_s"]),
                               details={"test_name": name, **(details or {}).get(str(row["check_key"]), {})}))
    return out


# what the incident grouping (arguments, rules) and the history (the scope a record was read in) read
# beyond the stored record
GROUPING_DETAILS = ("arguments", "rules", "scope")


def _details_by_run(out: Path) -> dict[str, dict[str, dict[str, Any]]]:
    """run_id -> check_key -> the details the grouping reads, from each night's JSON report."""
    found: dict[str, dict[str, dict[str, Any]]] = {}
    for path in sorted((out / "nights").glob("night-*.json")):
        try:
            doc = json.loads(path.read_text())
        except ValueError:
            continue  # a night cut short left half a report: its records group as stored
        per_check = found.setdefault(str(doc.get("run_id")), {})
        for r in doc.get("results") or []:
            details = r.get("details") or {}
            key = "|".join([str(r["check_type"]), r.get("model") or "", details.get("test_name") or r["check"],
                            r.get("column") or ""])
            per_check[key] = {k: details[k] for k in GROUPING_DETAILS if k in details}
    return found


def replay(out: Path) -> dict[str, Any]:
    """Write DIR/replay.json and DIR/replay.txt: the simulation in DIR scored with today's alerting."""
    from strataqc import incidents, lineage
    from strataqc.alerts import AlertConfig, compose, plan
    from strataqc.history import History, run_context
    from strataqc.landing.incidents import KINDS
    from strataqc.outage import cannot_run_message
    from strataqc.run import QCRun
    from strataqc.simulate.harness import SimulationError
    from strataqc.warehouse import Target, Warehouse

    out = Path(out)
    if not (out / "detection.json").exists() or not (out / "warehouse.duckdb").exists():
        raise SimulationError(f"{out} holds no finished simulation: run `qc-report simulate --out {out}` first")
    doc = json.loads((out / "detection.json").read_text())
    config = AlertConfig(reminder_hours=doc["reminder_hours"])
    graph = lineage.load(out / "target") if (out / "target" / "manifest.json").exists() else None
    details = _details_by_run(out)
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / "stored.duckdb"
        shutil.copy(out / "warehouse.duckdb", copy)  # the simulation's own file stays as it was
        with Warehouse(Target("strataqc", "replay", "duckdb", {"path": str(copy)})) as stored, \
                Warehouse(Target("strataqc", "replay", "duckdb", {"path": ":memory:"})) as fresh:
            frame = stored.query('select * from "strataqc_history"."check_results"')
            history = History(fresh)
            runs = frame.drop_duplicates("run_id").sort_values("generated_at")[["run_id", "generated_at"]]
            by_night = {n["at"][:10]: n for n in doc["per_night"]}
            record = []
            for run_id, at in runs.itertuples(index=False):
                night = by_night[str(at)[:10]]
                said = []
                if night["exit_codes"][0] == 2:  # today's night says it could not run before the re-delivery
                    said.append(cannot_run_message(night.get("note") or "could not run")[1])
                run = QCRun(run_id, str(at), _records(frame[frame["run_id"] == run_id], details.get(run_id, {})))
                history.append(run)
                run.context.update(run_context(history, run))
                if graph is not None:
                    incidents.attach(run, graph, history)
                now = dt.datetime.fromisoformat(str(at).replace("Z", "+00:00"))
                p = plan(run, config, history.alert_state(), history.acks(), now)
                if not p.empty:
                    said.append(compose(run, p, config)[1])
                history.save_alert_state(*p.saved(sent=not p.empty))
                record.append({"night": night["night"], "at": night["at"], "exit_codes": night["exit_codes"],
                               "messages": [{"title": "", "body": b, "items": messages.parse(b)} for b in said]})
    incidents = json.loads((out / "landing" / "manifest.json").read_text()).get("incidents", [])
    for inc in incidents:
        kind = KINDS.get(inc["kind"])
        if kind is not None:
            inc["checks"], inc["missing_check"] = list(kind.catches), kind.missing_check
    scored = score.score(record, incidents, score.test_names(out / "target" / "manifest.json"), config.reminder_hours)
    result = {"replayed_from": str(out / "detection.json"), "seed": doc["seed"], "rows": doc["rows"],
              "nights": doc["nights"], "schedule": doc["schedule"], "reminder_hours": config.reminder_hours, **scored,
              "per_night": [{**n, "items": [i.as_dict() for m in n["messages"] for i in m["items"]],
                             "messages": [{"body": m["body"]} for m in n["messages"]]} for n in record]}
    (out / "replay.json").write_text(json.dumps(result, indent=2, default=str) + "\n")
    (out / "replay.txt").write_text(score.table(result) + "\n")
    return result

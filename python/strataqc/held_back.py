"""Slices that write–audit–publish held back tonight: one record per model, read from its quarantine.

A model built with `incremental_strategy='strataqc_wap'` whose audits failed keeps its slice in
`<model>__quarantine`, stamped with dbt's invocation id. Its `build` error record (or nothing, with
`strataqc_wap_on_fail: warn`) becomes one `write_audit_publish` record: the rows held back, the
failing audits, the quarantine relation, and that the published table was left as it was.
"""

from __future__ import annotations

from typing import Any

from sqlglot import exp

from strataqc.layers import layer_of
from strataqc.results import CheckResult, CheckType, Status

STRATEGY = "strataqc_wap"
CHECK = "write_audit_publish"


def wap_models(manifest: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """unique_id -> node of every model published through write–audit–publish."""
    return {uid: node for uid, node in manifest.get("nodes", {}).items()
            if node.get("resource_type") == "model"
            and (node.get("config") or {}).get("incremental_strategy") == STRATEGY}


def quarantine_of(node: dict[str, Any], dialect: str) -> exp.Table:
    table = exp.to_table(node["relation_name"], dialect=dialect)
    table.set("this", exp.to_identifier(f"{table.name}__quarantine", quoted=True))
    return table


def holds(wh: Any, quarantine: exp.Table, run_id: str) -> list[dict[str, Any]]:
    """The failing audits and row counts this run put in the quarantine; [] when it has none."""
    sql = (exp.select(exp.column("strataqc_failed_checks"), exp.column("strataqc_messages"),
                      exp.func("count", exp.Star()).as_("held_rows"))
           .from_(quarantine)
           .where(exp.column("strataqc_run_id").eq(exp.Literal.string(run_id)))
           .group_by(exp.column("strataqc_failed_checks"), exp.column("strataqc_messages")))
    try:
        frame = wh.query(sql)
    except Exception:  # no quarantine yet: nothing was ever held back
        return []
    return frame.to_dict(orient="records")


def held_back(records: list[CheckResult], artifacts: Any, wh: Any,
              select: list[str] | None = None) -> list[CheckResult]:
    """`records` with a held-back record for each WAP model that held its slice back in this run."""
    models = wap_models(artifacts.manifest)
    if not models or wh is None:
        return records
    statuses = {r.get("unique_id"): str(r.get("status", "")).lower()
                for r in artifacts.run_results.get("results", [])}
    out = list(records)
    for uid, node in models.items():
        if uid not in statuses or statuses[uid] == "skipped" or (select and node.get("name") not in select):
            continue
        quarantine = quarantine_of(node, wh.dialect)
        found = holds(wh, quarantine, artifacts.invocation_id)
        if not found:
            continue
        record = _record(node, found, quarantine.sql(dialect=wh.dialect), artifacts.invocation_id,
                         stopped=statuses[uid] == "error")
        # the build error said the same thing in dbt's words: one record says it in ours
        out = [r for r in out if not (r.check == "build" and (r.details or {}).get("unique_id") == uid)]
        out.append(record)
    return out


def _record(node: dict[str, Any], found: list[dict[str, Any]], relation: str, run_id: str,
            stopped: bool) -> CheckResult:
    rows = int(sum(int(f["held_rows"]) for f in found))
    checks = [c.strip() for c in str(found[0]["strataqc_failed_checks"] or "").split(",") if c.strip()]
    first = str(found[0]["strataqc_messages"] or "").split(" | ")[0]
    message = (f"held back {rows} row(s) of tonight's slice in {relation}; the published table is unchanged. "
               f"Failing audit(s): {', '.join(checks)}" + (f". {first}" if first else ""))
    return CheckResult(
        check=CHECK, status=Status.FAIL if stopped else Status.WARN, check_type=CheckType.SQL,
        model=node.get("name"), layer=layer_of(node), failures=rows, message=message,
        details={"unique_id": node.get("unique_id"), "held_back": True, "quarantine": relation,
                 "failed_checks": checks, "strataqc_run_id": run_id},
    )


def summary(records: list[CheckResult]) -> list[dict[str, Any]]:
    """The report's `held_back` list: model, quarantine, rows, failing audits, run id."""
    return [{"model": r.model, "quarantine": r.details["quarantine"], "rows": r.failures,
             "failed_checks": r.details["failed_checks"], "strataqc_run_id": r.details["strataqc_run_id"],
             "status": str(r.status)}
            for r in records if (r.details or {}).get("held_back")]



"""JSON output: {"run_id", "generated_at", "summary", "results": [record, ...]} (DESIGN §5)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from strataqc.held_back import summary as held_back_summary
from strataqc.json_safe import json_safe
from strataqc.run import QCRun

SCHEMA_PATH = Path(__file__).parent / "static" / "report.schema.json"


def document(run: QCRun) -> dict[str, Any]:
    from strataqc.run import check_key

    trends = run.context.get("trends") or {}
    results = []
    for r in run.ordered():
        record = r.record()
        if r.details:
            record["details"] = json_safe(r.details)
        trend = trends.get(check_key(r))
        if trend:
            # anomaly | normal | insufficient_history | no_value, against the check's own history
            record["trend"] = json_safe({k: trend.get(k) for k in ("verdict", "history_n", "median", "z")})
        results.append(record)
    doc = {"run_id": run.run_id, "generated_at": run.generated_at, "summary": run.summary(), "results": results}
    held = held_back_summary(run.results)
    if held:
        # write–audit–publish slices kept out of their published tables tonight
        doc["held_back"] = held
    for name in ("incidents", "anomalies", "changes", "acks"):
        if run.context.get(name) is not None:
            doc[name] = json_safe(run.context[name])
    return doc


def render_json(run: QCRun) -> str:
    return json.dumps(document(run), indent=2, ensure_ascii=False) + "\n"

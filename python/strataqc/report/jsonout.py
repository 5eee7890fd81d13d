"""JSON output: {"run_id", "generated_at", "summary", "results": [record, ...]} (DESIGN §5)."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

from strataqc.report.run import QCRun

SCHEMA_PATH = Path(__file__).parent / "static" / "report.schema.json"


def json_safe(value: Any) -> Any:
    """numpy scalars, NaN/inf, tuples and odd objects as plain JSON values."""
    if isinstance(value, dict):
        return {str(k): json_safe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set)):
        return [json_safe(v) for v in value]
    if hasattr(value, "tolist"):  # numpy scalar or array
        return json_safe(value.tolist())
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if value is None or isinstance(value, (str, int, bool)):
        return value
    return str(value)


def document(run: QCRun) -> dict[str, Any]:
    from strataqc.report.run import check_key

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
    for name in ("incidents", "anomalies", "changes", "acks"):
        if run.context.get(name) is not None:
            doc[name] = json_safe(run.context[name])
    return doc


def render_json(run: QCRun) -> str:
    return json.dumps(document(run), indent=2, ensure_ascii=False) + "\n"

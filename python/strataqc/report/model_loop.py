"""The model loop of a night in one place: served forecasts, realized accuracy against its limit, prediction
drift, the retrain decision with both versions' metrics, and what to run to undo it.

Built from the night's records only (`prediction_source`, `forecasts_kept`, `realized_accuracy`,
`prediction_drift`, `model_retrain`), so the HTML report of a stored night shows the same story.
"""

from __future__ import annotations

import math
from typing import Any, Iterable

from strataqc.report import svg
from strataqc.results import CheckResult

LOOP_CHECKS = ("prediction_source", "forecasts_kept", "realized_accuracy", "prediction_drift", "model_retrain")


def _number(value: Any) -> float | None:
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) \
        and math.isfinite(float(value)) else None


def accuracy_chart(record: CheckResult) -> dict[str, Any] | None:
    """details["series"] of realized_accuracy: the metric per forecast date and the limit it had to stay under."""
    series = [p for p in record.details.get("series") or [] if isinstance(p, dict)]
    metric = str(record.details.get("metric") or "wape")
    if not series:
        return None
    values = [_number(p.get(metric)) for p in series]
    limits = [_number(p.get("limit")) for p in series]
    statuses = ["fail" if p.get("degraded") else "pass" if limits[i] is not None else "skip"
                for i, p in enumerate(series)]
    if series and str(record.status) in ("warn", "fail"):
        statuses[-1] = str(record.status)
    plot = svg.limit_series([p.get("forecast_date") for p in series], values, limits, statuses, metric=metric.upper())
    if not plot:
        return None
    rows = [[p.get("forecast_date"), values[i], limits[i], _number(p.get("median")), statuses[i]]
            for i, p in enumerate(series)][-10:]
    return {"plot": plot, "metric": metric.upper(), "rows": rows,
            "degraded": [p.get("forecast_date") for p, s in zip(series, statuses) if s in ("warn", "fail")]}


def hints(model: str, retrain: CheckResult | None) -> list[str]:
    """The commands that undo or override tonight's decision (DESIGN §7: promote | rollback)."""
    if retrain is None:
        return []
    details = retrain.details
    champions = [str(c) for c in details.get("champions") or []]
    decision = details.get("decision") if isinstance(details.get("decision"), dict) else {}
    out = []
    if len(champions) >= 2:
        out.append(f"qc-report model rollback --model {model}  # {champions[-2]} forecasts again from the next night "
                   f"({champions[-1]} retired)")
    if decision.get("decision") == "rejected" and decision.get("version"):
        out.append(f"qc-report model promote {decision['version']} --model {model}  # serve the rejected "
                   "challenger anyway")
    if not out:
        out.append(f"qc-report model list --model {model}  # no earlier champion to roll back to; the saved versions")
    return out


def model_loops(results: Iterable[CheckResult]) -> list[dict[str, Any]]:
    """One block per model that has any loop record tonight."""
    by_model: dict[str, dict[str, CheckResult]] = {}
    for r in results:
        if r.check in LOOP_CHECKS and r.model:
            by_model.setdefault(r.model, {})[r.check] = r
    loops = []
    for model, records in sorted(by_model.items()):
        retrain = records.get("model_retrain")
        accuracy = records.get("realized_accuracy")
        table = (retrain.details.get("table") or {}) if retrain is not None else {}
        decision = (retrain.details.get("decision") or {}) if retrain is not None else {}
        loops.append({
            "model": model,
            "records": [records[c] for c in LOOP_CHECKS if c in records],
            "accuracy": accuracy_chart(accuracy) if accuracy is not None else None,
            "retrain": retrain,
            # every key the page reads, present: a night without a decision has none of them
            "decision": {"decision": None, "triggers": [], "fingerprint": None, "champion_fingerprint": None,
                         **(decision if isinstance(decision, dict) else {})},
            "versions": table if isinstance(table, dict) and isinstance(table.get("rows"), list) else None,
            "serving": retrain.details.get("serving") if retrain is not None else None,
            "hints": hints(model, retrain),
        })
    return loops

"""Drift records and verdicts: thresholds crossed strictly, `severity: warn`, the nothing-to-compare guard."""

from __future__ import annotations

import time
from typing import Any, Callable

from strataqc.checks.base import first_line
from strataqc.checks.config import CheckSpec
from strataqc.json_safe import json_safe
from strataqc.results import CheckResult, CheckType, Status


def record(spec: CheckSpec, check: str, status: Status, column: str | None = None, **fields: Any) -> CheckResult:
    if "details" in fields:
        fields["details"] = json_safe(fields["details"])
    return CheckResult(check=check, status=status, model=spec.model, column=column, layer=spec.layer,
                       check_type=CheckType.DRIFT, **fields)


def judge(value: float | None, warn: float, fail: float) -> Status:
    """FAIL above `fail`, WARN above `warn` (strict: a value equal to a threshold passes it)."""
    if value is None:
        return Status.PASS
    if value > fail:
        return Status.FAIL
    return Status.WARN if value > warn else Status.PASS


def severity(status: Status, params: dict) -> Status:
    """`severity: warn` turns a failure into a warning."""
    return Status.WARN if status is Status.FAIL and params.get("severity") == "warn" else status


def nothing_to_compare(spec: CheckSpec, check: str, params: dict, column: str | None, why: str) -> CheckResult:
    # 0 rows compared is not "no drift": an empty set must not pass
    if params.get("allow_empty"):
        return record(spec, check, Status.SKIP, column, message=f"{why}: nothing to compare (allowed by allow_empty)")
    return record(spec, check, severity(Status.FAIL, params), column,
                   message=f"{why}: nothing to compare; load the data, or set allow_empty: true on {check}")


def fmt(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.4g}"


def per_column(spec: CheckSpec, check: str, name: str, measure: Callable[[], CheckResult]) -> CheckResult:
    """One column's record; an exception becomes that column's `error` record only."""
    started = time.monotonic()
    try:
        result = measure()
    except Exception as exc:
        result = record(spec, check, Status.ERROR, name, message=f"{check} of {name} on {spec.model} could not "
                         f"run: {type(exc).__name__}: {first_line(exc)}")
    return result.replace(duration_s=round(time.monotonic() - started, 3))

"""Feature-set records and verdicts: `severity: warn`, the nothing-to-check guard, detail tables and samples."""

from __future__ import annotations

from typing import Any, Callable

from strataqc.checks import stats
from strataqc.checks.config import CheckSpec
from strataqc.checks.feature_set.context import Context, all_null
from strataqc.json_safe import json_safe
from strataqc.results import CheckResult, CheckType, Status


MAX_TABLE_ROWS = 50
MAX_SAMPLE_ROWS = 20


def record(spec: CheckSpec, check: str, status: Status, column: str | None = None, **fields: Any) -> CheckResult:
    if "details" in fields:
        fields["details"] = json_safe(fields["details"])
    return CheckResult(check=check, status=status, model=spec.model, column=column, layer=spec.layer,
                       check_type=CheckType.FEATURE_SET, **fields)


def verdict(bad: bool, params: dict) -> Status:
    """FAIL when bad (WARN with `severity: warn`), else PASS."""
    if not bad:
        return Status.PASS
    return Status.WARN if params.get("severity") == "warn" else Status.FAIL


def nothing_to_check(spec: CheckSpec, check: str, params: dict, column: str | None, why: str) -> CheckResult:
    if params.get("allow_empty"):
        return record(spec, check, Status.SKIP, column, message=f"{why}: nothing to check (allowed by allow_empty)")
    return record(spec, check, verdict(True, params), column,
                   message=f"{why}: nothing to check; load the data, or set allow_empty: true on {check}")


def columns_checked(ctx: Context, names: list[str], check: str, params: dict,
                     one: Callable[[stats.ColumnStats], CheckResult]) -> list[CheckResult]:
    out = []
    for name in names:
        s = ctx.profile[name]
        if all_null(s):
            out.append(nothing_to_check(ctx.spec, check, params, name, f"{name} is NULL in every row"))
        else:
            out.append(one(s))
    return out


def show(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.6g}"
    return repr(value) if isinstance(value, str) else str(value)


def sample(frame) -> list[dict]:
    if frame is None:
        return []
    return json_safe(frame.head(MAX_SAMPLE_ROWS).to_dict(orient="records"))


def detail_table(title: str, columns: list[str], rows: list[list]) -> dict:
    return {"title": title, "columns": columns, "rows": json_safe(rows[:MAX_TABLE_ROWS])}

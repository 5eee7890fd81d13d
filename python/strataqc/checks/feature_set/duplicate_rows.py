"""duplicate_rows: rows repeated over all columns (or the columns given)."""

from __future__ import annotations

from strataqc.checks import stats
from strataqc.checks.feature_set.context import Context
from strataqc.checks.feature_set.records import MAX_SAMPLE_ROWS, record, sample, verdict
from strataqc.results import CheckResult, Status


def duplicate_rows(ctx: Context, params: dict) -> list[CheckResult]:
    """Rows repeated in every column (or in `columns`), counted by GROUP BY in the warehouse."""
    limit = float(params["max_ratio"])
    excluded = set(params.get("exclude") or [])
    names = [c for c in params.get("columns") or list(ctx.spec.columns) if c not in excluded]
    if not names:
        return [record(ctx.spec, "duplicate_rows", Status.ERROR,
                        message=f"{ctx.spec.model}: checks.duplicate_rows leaves no column to compare; "
                                f"name some in columns: or exclude fewer")]
    surplus, groups, examples = stats.duplicate_rows(ctx.wh, ctx.table, names, sample=MAX_SAMPLE_ROWS)
    ratio = surplus / ctx.rows
    bad = ratio > limit
    scope = "all columns" if not params.get("columns") and not excluded else ", ".join(names)
    message = (f"{surplus:,} duplicate rows ({ratio:.2%}) in {groups:,} groups over {scope}, limit {limit:.2%}: "
               f"de-duplicate upstream" if surplus else f"no duplicate rows over {scope}")
    return [record(ctx.spec, "duplicate_rows", verdict(bad, params), None, observed=ratio, threshold=limit,
                    failures=surplus, message=message, details={"sample": sample(examples)} if surplus else {})]

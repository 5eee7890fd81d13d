"""single_value: a feature with one value in every row (NULLs aside) carries no information."""

from __future__ import annotations

from strataqc.checks import stats
from strataqc.checks.feature_set.context import Context
from strataqc.checks.feature_set.records import columns_checked, record, show, verdict
from strataqc.results import CheckResult


def single_value(ctx: Context, params: dict) -> list[CheckResult]:
    """A feature with one value in every row (NULLs aside) carries no information."""
    def one(s: stats.ColumnStats) -> CheckResult:
        single = s.minimum is not None and s.minimum == s.maximum
        observed = 1 if single else s.distinct
        if single:
            message = f"{s.name} has a single value ({show(s.minimum)}) in all {s.present:,} non-NULL rows: drop it"
        else:
            message = f"{s.name} has more than one value"
        return record(ctx.spec, "single_value", verdict(single, params), s.name, observed=observed,
                       threshold=1, failures=s.present if single else 0, message=message)
    return columns_checked(ctx, ctx.spec.features, "single_value", params, one)

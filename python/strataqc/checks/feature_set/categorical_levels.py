"""categorical_levels: categorical features with more levels than a model can use."""

from __future__ import annotations

from strataqc.checks import stats
from strataqc.checks.feature_set.context import Context
from strataqc.checks.feature_set.records import columns_checked, record, verdict
from strataqc.results import CheckResult


def categorical_levels(ctx: Context, params: dict) -> list[CheckResult]:
    """Categorical features with more distinct values than a model can learn from."""
    limit = int(params["max_levels"])

    def one(s: stats.ColumnStats) -> CheckResult:
        bad = (s.distinct or 0) > limit
        message = (f"{s.name} has {s.distinct:,} levels, more than {limit}: group rare levels or treat it "
                   f"as an id" if bad else f"{s.name}: {s.distinct:,} levels, limit {limit}")
        return record(ctx.spec, "categorical_levels", verdict(bad, params), s.name, observed=s.distinct,
                       threshold=limit, failures=(s.distinct or 0) - limit if bad else 0, message=message)
    names = [c for c in ctx.spec.categorical if ctx.spec.columns[c] != "boolean"]
    return columns_checked(ctx, names, "categorical_levels", params, one)

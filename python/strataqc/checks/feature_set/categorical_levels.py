"""categorical_levels: categorical features with more levels than a model can use."""

from __future__ import annotations

from dataclasses import dataclass

from strataqc.checks import stats
from strataqc.checks.feature_set.context import Context
from strataqc.checks.feature_set.records import columns_checked, record, verdict
from strataqc.results import CheckResult, Status


@dataclass(frozen=True)
class Levels:
    name: str
    levels: int | None          # distinct non-NULL values


def measure(s: stats.ColumnStats) -> Levels:
    return Levels(s.name, s.distinct)


def judge(measured: Levels, params: dict) -> Status:
    return verdict((measured.levels or 0) > int(params["max_levels"]), params)


def categorical_levels(ctx: Context, params: dict) -> list[CheckResult]:
    """Categorical features with more distinct values than a model can learn from."""
    limit = int(params["max_levels"])

    def one(s: stats.ColumnStats) -> CheckResult:
        m = measure(s)
        status = judge(m, params)
        bad = status is not Status.PASS
        message = (f"{m.name} has {m.levels:,} levels, more than {limit}: group rare levels or treat it "
                   f"as an id" if bad else f"{m.name}: {m.levels:,} levels, limit {limit}")
        return record(ctx.spec, "categorical_levels", status, m.name, observed=m.levels,
                      threshold=limit, failures=(m.levels or 0) - limit if bad else 0, message=message)
    names = [c for c in ctx.spec.categorical if ctx.spec.columns[c] != "boolean"]
    return columns_checked(ctx, names, "categorical_levels", params, one)

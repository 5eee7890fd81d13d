"""single_value: a feature with one value in every row (NULLs aside) carries no information."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from strataqc.checks import stats
from strataqc.checks.feature_set.context import Context
from strataqc.checks.feature_set.records import columns_checked, record, show, verdict
from strataqc.results import CheckResult, Status


@dataclass(frozen=True)
class Values:
    """One column's non-NULL values: how many rows, how many distinct, the one value if only one."""

    name: str
    present: int
    distinct: int | None
    single: bool
    value: Any = None


def measure(s: stats.ColumnStats) -> Values:
    single = s.minimum is not None and s.minimum == s.maximum
    return Values(s.name, s.present, s.distinct, single, s.minimum if single else None)


def judge(measured: Values, params: dict) -> Status:
    return verdict(measured.single, params)


def single_value(ctx: Context, params: dict) -> list[CheckResult]:
    """A feature with one value in every row (NULLs aside) carries no information."""
    def one(s: stats.ColumnStats) -> CheckResult:
        m = measure(s)
        if m.single:
            message = f"{m.name} has a single value ({show(m.value)}) in all {m.present:,} non-NULL rows: drop it"
        else:
            message = f"{m.name} has more than one value"
        return record(ctx.spec, "single_value", judge(m, params), m.name, observed=1 if m.single else m.distinct,
                      threshold=1, failures=m.present if m.single else 0, message=message)
    return columns_checked(ctx, ctx.spec.features, "single_value", params, one)

"""missing_values: the share of NULL, NaN and blank cells of each feature."""

from __future__ import annotations

from dataclasses import dataclass

from sqlglot import exp

from strataqc.checks import stats
from strataqc.checks.config import column
from strataqc.checks.feature_set.context import Context
from strataqc.checks.feature_set.records import record, sample, verdict
from strataqc.results import CheckResult, Status
from strataqc.sql_types import sql_cast


@dataclass(frozen=True)
class Missing:
    """One column's missing cells, by kind, out of its rows."""

    name: str
    rows: int
    nulls: int
    nans: int
    empties: int
    missing: int

    @property
    def ratio(self) -> float:
        return self.missing / self.rows


def measure(s: stats.ColumnStats) -> Missing:
    return Missing(s.name, s.rows, s.nulls, s.nans, s.empties, s.missing)


def judge(measured: Missing, params: dict) -> Status:
    return verdict(measured.ratio > float(params["max_ratio"]), params)  # strict: equal to the limit passes


def missing_values(ctx: Context, params: dict) -> list[CheckResult]:
    """Share of NULL, NaN and blank cells of each feature, from the profile scan."""
    limit = float(params["max_ratio"])
    out = []
    for name in ctx.spec.features:
        s = ctx.profile[name]
        m = measure(s)
        status = judge(m, params)
        parts = [f"NULL {m.nulls:,}"] + ([f"NaN {m.nans:,}"] if m.nans else []) + \
                ([f"blank {m.empties:,}"] if m.empties else [])
        details = {}
        if status is not Status.PASS:
            details["sample"] = sample(stats.sample_rows(ctx.wh, ctx.table, [*ctx.spec.ids, name],
                                                         _missing_condition(name, s.family)))
        out.append(record(ctx.spec, "missing_values", status, name, observed=m.ratio, threshold=limit,
                          failures=m.missing, details=details,
                          message=f"{name}: {m.ratio:.1%} missing ({', '.join(parts)} of {m.rows:,} rows), "
                                  f"limit {limit:.1%}"))
    return out


def _missing_condition(name: str, family: str) -> exp.Expression:
    col = column(name)
    condition = exp.Is(this=col, expression=exp.Null())
    if family == "numeric":
        condition = exp.or_(condition, stats.is_nan(col))
    if family == "categorical":
        condition = exp.or_(condition, exp.Trim(this=sql_cast(col.copy(), "VARCHAR")).eq(exp.Literal.string("")))
    return condition

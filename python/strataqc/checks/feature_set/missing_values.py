"""missing_values: the share of NULL, NaN and blank cells of each feature."""

from __future__ import annotations

from sqlglot import exp

from strataqc.checks import stats
from strataqc.checks.config import column
from strataqc.checks.feature_set.context import Context
from strataqc.checks.feature_set.records import record, sample, verdict
from strataqc.results import CheckResult


def missing_values(ctx: Context, params: dict) -> list[CheckResult]:
    """Share of NULL, NaN and blank cells of each feature, from the profile scan."""
    limit = float(params["max_ratio"])
    out = []
    for name in ctx.spec.features:
        s = ctx.profile[name]
        ratio = s.missing / s.rows
        bad = ratio > limit  # strict: a ratio equal to the limit passes
        parts = [f"NULL {s.nulls:,}"] + ([f"NaN {s.nans:,}"] if s.nans else []) + \
                ([f"blank {s.empties:,}"] if s.empties else [])
        details = {}
        if bad:
            details["sample"] = sample(stats.sample_rows(ctx.wh, ctx.table, [*ctx.spec.ids, name],
                                                         _missing_condition(name, s.family)))
        out.append(record(ctx.spec, "missing_values", verdict(bad, params), name, observed=ratio, threshold=limit,
                           failures=s.missing, details=details,
                           message=f"{name}: {ratio:.1%} missing ({', '.join(parts)} of {s.rows:,} rows), "
                                   f"limit {limit:.1%}"))
    return out


def _missing_condition(name: str, family: str) -> exp.Expression:
    col = column(name)
    condition = exp.Is(this=col, expression=exp.Null())
    if family == "numeric":
        condition = exp.or_(condition, stats.is_nan(col))
    if family == "categorical":
        condition = exp.or_(condition, exp.Trim(this=exp.cast(col.copy(), "VARCHAR")).eq(exp.Literal.string("")))
    return condition

"""Feature-set checks over one ADS table (DESIGN §4), measured in the warehouse.

Each check module has the same shape: `measure(...)` runs the SQL of
`strataqc.checks.stats` (one profile scan is shared) and returns a small frozen
dataclass of what was measured; `judge(measured, params)` turns it into a
status against the thresholds of `spec.checks`; the check itself words the record. Column-level
checks give one record per column, so a report shows the clean columns passing
beside the failing ones; pairwise and table checks give one record each.
An empty table, or a column with nothing but NULLs, fails with "nothing to
check" (0 of 0 is not "clean") unless the check has `allow_empty: true`.
"""

from __future__ import annotations

from typing import Callable

from strataqc.checks.base import run_enabled
from strataqc.checks.config import CheckSpec
from strataqc.checks.feature_set.categorical_levels import categorical_levels
from strataqc.checks.feature_set.class_imbalance import class_imbalance
from strataqc.checks.feature_set.context import Context
from strataqc.checks.feature_set.duplicate_columns import duplicate_columns
from strataqc.checks.feature_set.duplicate_rows import duplicate_rows
from strataqc.checks.feature_set.feature_collinearity import feature_collinearity
from strataqc.checks.feature_set.missing_values import missing_values
from strataqc.checks.feature_set.records import nothing_to_check
from strataqc.checks.feature_set.similar_strings import similar_strings, spelling_groups  # noqa: F401
from strataqc.checks.feature_set.single_value import single_value
from strataqc.checks.feature_set.target_correlation import target_correlation
from strataqc.results import CheckResult, CheckType


def run_feature_set_checks(wh, spec: CheckSpec, profiled=None) -> list[CheckResult]:
    """Every enabled feature-set check of `spec`; a check that raises becomes one `error` record.

    `profiled` (`drift.profiled.Profiled`, tonight's refresh of the model's profiles): the checks merge
    the stored facts of its days instead of reading the whole table.
    """
    from strataqc.checks.profiles.facts import Facts

    ctx = Context(wh, spec, Facts.of(wh, spec, profiled.profile if profiled is not None else None))

    def run(name: str) -> list[CheckResult]:
        params = spec.checks[name]
        if ctx.rows == 0:
            return [nothing_to_check(spec, name, params, None, f"{spec.relation} has no rows")]
        excluded = set(params.get("exclude") or [])
        return [r for r in CHECKS[name](ctx, params) if r.column not in excluded]
    return run_enabled(spec, CHECKS, CheckType.FEATURE_SET, run)


# YAML check name -> check; the order is the report's order
CHECKS: dict[str, Callable[[Context, dict], list[CheckResult]]] = {
    "single_value": single_value,
    "missing_values": missing_values,
    "similar_strings": similar_strings,
    "duplicate_rows": duplicate_rows,
    "duplicate_columns": duplicate_columns,
    "target_correlation": target_correlation,
    "feature_collinearity": feature_collinearity,
    "categorical_levels": categorical_levels,
    "class_imbalance": class_imbalance,
}

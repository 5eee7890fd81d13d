"""Drift checks between a reference set and a current set of one ADS table (DESIGN §4).

The sets are two values of the split column (train / predict) or two date
windows. Summaries are measured in the warehouse (`drift_sql`): reference
quantiles, rows per reference-quantile bin of both sets, rows per category,
and a bounded, seeded sample for the domain classifier. The mathematics is
scipy's and scikit-learn's.

Verdicts rest on effect sizes (PSI, Jensen–Shannon distance, Wasserstein
distance over the reference spread, the classifier's ROC AUC), never on a
p-value: at millions of rows every p-value is tiny. KS and chi-square p-values
are reported beside the effect sizes in `details["metrics"]`.

KS is computed from the binned CDFs: the largest gap between the two CDFs at
the reference quantile edges (P(x <= edge)) (exact at the edges, a lower bound of the exact
statistic), with the asymptotic two-sample p-value for the full set sizes.
The Wasserstein distance is computed on the binned data, each bin's rows
placed at their mean value in that set.
"""

from __future__ import annotations

from typing import Callable

from strataqc.checks.base import run_enabled
from strataqc.checks.config import CheckSpec
from strataqc.checks.defaults import DRIFT_PARAMS
from strataqc.checks.defaults import DRIFT_PARAMS as DEFAULTS  # noqa: F401 (the drift checks' defaults)
from strataqc.checks.drift.feature_drift import feature_drift
from strataqc.checks.drift.effects import psi  # noqa: F401 (PSI of two share vectors)
from strataqc.checks.drift.multivariate_drift import multivariate_drift
from strataqc.checks.drift.new_categories import new_categories
from strataqc.checks.drift.params import parameter_problems
from strataqc.checks.drift.records import record
from strataqc.checks.drift.profiled import Profiled, profiled_sets
from strataqc.checks.drift.sets import Sets  # noqa: F401 (the sets every check reads)
from strataqc.checks.drift.target_drift import target_drift
from strataqc.results import CheckResult, CheckType, Status


def run_drift_checks(wh, spec: CheckSpec, profiled: Profiled | None = None) -> list[CheckResult]:
    """Every enabled drift check of `spec`; a check that raises becomes one `error` record.

    `profiled`: tonight's refresh of the model's profiles when the caller made it (shared with the
    feature-set checks); else the first check that runs refreshes them.
    """
    sets: Sets | None = profiled.sets if profiled is not None else None
    pending_errors = list(profiled.errors) if profiled is not None else []

    def run(name: str) -> list[CheckResult]:
        nonlocal sets
        params = {**DRIFT_PARAMS[name], **spec.checks[name]}
        problems = parameter_problems(spec, name, params)
        if problems:
            return [record(spec, name, Status.ERROR, message=m) for m in problems]
        if not spec.has_sets:
            return [record(spec, name, Status.SKIP, message=(
                f"{name} on {spec.model}: no reference and current sets; add split: {{column: dataset_split, "
                f"reference: train, current: predict}} or windows: to meta.strataqc"))]
        if sets is None:  # profiles are refreshed once, by the first check that runs
            sets, refresh_errors = profiled_sets(wh, spec)
            return refresh_errors + CHECKS[name](sets, params)
        errors, pending_errors[:] = list(pending_errors), []
        return errors + CHECKS[name](sets, params)
    return run_enabled(spec, CHECKS, CheckType.DRIFT, run)


# YAML check name -> check; the order is the report's order
CHECKS: dict[str, Callable[[Sets, dict], list[CheckResult]]] = {
    "new_categories": new_categories,
    "feature_drift": feature_drift,
    "target_drift": target_drift,
    "multivariate_drift": multivariate_drift,
}

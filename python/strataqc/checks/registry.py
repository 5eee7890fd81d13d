"""The check families by name; `defaults.CHECK_FAMILIES` says which family each YAML check name is in.

A family's module is imported when its turn comes, not before: `model_quality`
needs the `ml` extra, and a family that cannot be imported becomes one `error`
record while the others still run.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

from strataqc.results import CheckResult, CheckType


@dataclass(frozen=True)
class Family:
    name: str                   # "feature_set": the records' check name when the whole family fails
    check_type: CheckType
    run: Callable[..., list[CheckResult]]


def _feature_set(wh: Any, spec: Any, profiled: Any = None) -> list[CheckResult]:
    from strataqc.checks.feature_set import run_feature_set_checks
    return run_feature_set_checks(wh, spec, profiled) if profiled is not None else run_feature_set_checks(wh, spec)


def _drift(wh: Any, spec: Any, profiled: Any = None) -> list[CheckResult]:
    from strataqc.checks.drift import run_drift_checks
    return run_drift_checks(wh, spec, profiled) if profiled is not None else run_drift_checks(wh, spec)


def profiled_night(wh: Any, spec: Any) -> Any:
    """Tonight's one refresh of `spec`'s stored profiles (`drift.profiled.Profiled`), read by both families."""
    from strataqc.checks.drift.profiled import profiled_night as refresh
    return refresh(wh, spec)


def _model_quality(model: str, relation: str, block: Any, wh: Any, project_dir: Any,
                   earlier: list[CheckResult] | None = None) -> list[CheckResult]:
    from strataqc.checks.model_quality import run_model_quality
    return run_model_quality(model, relation, block, wh, project_dir, earlier)


# the families over a checked spec, in the report's order; model quality parses the `model` key of `spec.block`
SPEC_FAMILIES: dict[str, Family] = {
    "feature_set": Family("feature_set", CheckType.FEATURE_SET, _feature_set),
    "drift": Family("drift", CheckType.DRIFT, _drift),
}
MODEL_QUALITY = Family("model_quality", CheckType.MODEL_QUALITY, _model_quality)

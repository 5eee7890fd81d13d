"""target_drift: the shift of the target, against the current set or the set named by `current`."""

from __future__ import annotations

from typing import Any

from sqlglot import exp

from strataqc.checks import drift_sql
from strataqc.checks.config import CheckSpec, column, window_filter
from strataqc.checks.drift.chunks import chunked
from strataqc.checks.drift.distribution import (CategoricalMeasure, NumericMeasure, drift_of, judge_column,
                                                measure_column)
from strataqc.checks.drift.records import per_column, record
from strataqc.checks.drift.sets import Sets
from strataqc.checks.profiles.merge import Side
from strataqc.results import CheckResult, Status
from strataqc.sql_types import sql_cast


def measure(sets: Sets, params: dict) -> NumericMeasure | CategoricalMeasure:
    """The target's distribution in the reference set and the current set (or the one `current` names)."""
    spec = sets.spec
    kind = "numeric" if spec.columns.get(spec.target) == "numeric" else "categorical"
    current, current_name, side = sets.current, sets.current_name, sets.current_side
    if params.get("current") is not None:
        current, current_name, side = _target_set(spec, params["current"])
    return measure_column(sets, params, spec.target, kind, current, current_name, side)


def judge(measured: NumericMeasure | CategoricalMeasure, params: dict) -> Status:
    """The feature_drift verdict, on the target's thresholds."""
    return judge_column(measured, params)


def target_drift(sets: Sets, params: dict) -> list[CheckResult]:
    """The target's distribution, reference against current (or the set named by `current`)."""
    spec = sets.spec
    if spec.target is None:
        return [record(spec, "target_drift", Status.SKIP, message=(
            f"target_drift on {spec.model}: no target declared; add target: <column> to meta.strataqc"))]
    name = spec.target
    kind = "numeric" if spec.columns.get(name) == "numeric" else "categorical"
    current, current_name, side = sets.current, sets.current_name, sets.current_side
    if params.get("current") is not None:
        current, current_name, side = _target_set(spec, params["current"])
    return [per_column(spec, "target_drift", name,
                       lambda: _target_drift_of(sets, params, name, kind, current, current_name, side))]


def _target_set(spec: CheckSpec, value: Any) -> tuple[exp.Expression, str, Side]:
    if spec.windows is not None:
        low, high = (str(v) for v in value)
        return window_filter(spec.windows["column"], low, high), f"current {low}..{high}", Side(None, low, high)
    return column(spec.split_column).eq(exp.Literal.string(str(value))), str(value), Side(str(value))


def _set_sizes(sets: Sets, name: str, kind: str, current: exp.Expression, side: Side) -> tuple[int, int]:
    """Rows of each set where the target has a (finite) value: from the profiles when stored."""
    if sets.profiled(name):
        if kind == "numeric":
            return (sets.profile.summary(name, sets.reference_side).finite,
                    sets.profile.summary(name, side).finite)
        levels = sets.profile.level_counts(name, sets.reference_side, side, 1)
        return levels.reference_rows, levels.current_rows
    return drift_sql.set_sizes(sets.wh, sets.table, sets.reference, current, name=name, numeric=kind == "numeric")


def _target_drift_of(sets: Sets, params: dict, name: str, kind: str, current: exp.Expression,
                     current_name: str, side: Side) -> CheckResult:
    spec = sets.spec
    ref_rows, cur_rows = _set_sizes(sets, name, kind, current, side)
    if cur_rows == 0 and ref_rows > 0:
        if params.get("current") is not None:
            return record(spec, "target_drift", Status.ERROR, name, message=(
                f"target_drift: {name} has no value in {current_name} either; set checks.target_drift.current "
                f"to a {spec.split_column or 'window'} whose rows have targets"))
        # targets of the current set arrive later (the demo's predict split): say so, never pass silently
        candidates = _split_values_with_target(sets, name) if spec.windows is None else []
        hint = (f" ({', '.join(repr(c) for c in candidates)} {'has' if len(candidates) == 1 else 'have'} targets)"
                if candidates else "")
        return record(spec, "target_drift", Status.SKIP, name, message=(
            f"target_drift: {name} has no value in {current_name} (targets not known yet): nothing compared; "
            f"set checks.target_drift.current to a set with targets{hint} to compare {sets.reference_name} with it"))
    def measure(where: exp.Expression, name_of_set: str, chunk_side: Side | None) -> CheckResult:
        return drift_of(sets, params, name, kind, "target_drift", where, name_of_set, chunk_side)

    return chunked(sets, params, measure(current, current_name, side), measure, current, current_name, side)


def _split_values_with_target(sets: Sets, name: str) -> list[str]:
    spec = sets.spec
    split = sql_cast(column(spec.split_column), "VARCHAR")
    query = (exp.select(split.as_("value")).from_(sets.table.copy())
             .where(exp.Not(this=exp.Is(this=column(name), expression=exp.Null())))
             .group_by(split.copy()).order_by(split.copy()).limit(20))
    values = [str(v) for v in sets.wh.query(query)["value"] if v is not None]
    return [v for v in values if v != spec.reference]

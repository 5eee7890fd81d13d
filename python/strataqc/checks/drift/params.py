"""What is wrong with a drift check's parameters, said before anything is measured."""

from __future__ import annotations

from strataqc.checks.config import CheckSpec
from strataqc.checks.defaults import DRIFT_PARAMS, THRESHOLD_PAIRS


def parameter_problems(spec: CheckSpec, check: str, params: dict) -> list[str]:
    """What is wrong with the parameters of one drift check (empty when they can be used)."""
    problems = []
    where = f"{spec.model}: meta.strataqc.checks.{check}"
    for key, default in DRIFT_PARAMS[check].items():
        value = params.get(key)
        if key != "bins" and isinstance(default, (int, float)) and not isinstance(default, bool):
            if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
                problems.append(f"{where}.{key}: expected a number >= 0, got {value!r}")
    for warn, fail in THRESHOLD_PAIRS:
        low, high = params.get(warn), params.get(fail)
        if isinstance(low, (int, float)) and isinstance(high, (int, float)) and low > high:
            problems.append(f"{where}.{warn}: {low} is above {fail} {high}; a warning comes before a failure")
    if check == "multivariate_drift" and isinstance(params.get("folds"), int) and params["folds"] < 2:
        problems.append(f"{where}.folds: cross-validation needs at least 2 folds, got {params['folds']}")
    bins = params.get("bins", 10)
    if "bins" in params and not (
            (isinstance(bins, int) and not isinstance(bins, bool) and bins >= 2)
            or (isinstance(bins, list) and bins and all(isinstance(b, (int, float)) and not isinstance(b, bool)
                                                        for b in bins))):
        problems.append(f"{where}.bins: a number of reference quantile bins (>= 2) or a list of edges, got {bins!r}")
    exclude = params.get("exclude") or []
    if isinstance(exclude, str):
        exclude = [exclude]
    if not isinstance(exclude, list):
        problems.append(f"{where}.exclude: a list of column names, got {exclude!r}")
    else:
        for name in exclude:
            if name not in spec.columns:
                problems.append(f"{where}.exclude: column {name!r} is not in {spec.relation}")
    if check == "target_drift" and params.get("current") is not None:
        current = params["current"]
        if spec.windows is not None and not (isinstance(current, list) and len(current) == 2):
            problems.append(f"{where}.current: with windows:, give the window with targets as [from, to], "
                            f"got {current!r}")
        elif spec.windows is None and not isinstance(current, (str, int)):
            problems.append(f"{where}.current: the {spec.split_column} value whose rows have targets, "
                            f"e.g. valid; got {current!r}")
    return problems


def excluded_columns(params: dict) -> set[str]:
    exclude = params.get("exclude") or []
    return {exclude} if isinstance(exclude, str) else set(exclude)

"""The drift checks' stored profiles: refreshed once a night per model, before the checks read them."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from strataqc.checks.base import first_line
from strataqc.checks.config import CheckSpec
from strataqc.checks.drift.distribution import bin_edges, reference_spreads_of
from strataqc.checks.drift.params import excluded_columns
from strataqc.checks.drift.records import record
from strataqc.checks.drift.sets import Sets, side_of
from strataqc.checks.profiles import Merged, Profile, refresh
from strataqc.results import CheckResult, Status

log = logging.getLogger("strataqc")


def profiled_columns(spec: CheckSpec) -> tuple[list[str], list[str]]:
    """Numeric and categorical columns the drift checks read: features (less feature_drift's exclude) and target."""
    excluded = excluded_columns(spec.params("feature_drift"))
    numeric = [c for c in spec.numeric if c not in excluded]
    categorical = list(spec.categorical)
    if spec.target is not None and spec.target not in numeric + categorical:
        (numeric if spec.columns.get(spec.target) == "numeric" else categorical).append(spec.target)
    return numeric, categorical


def refresh_profile(wh: Any, spec: CheckSpec, version: str | None = None) -> Profile:
    """Profile the days of `spec`'s table that need it; every day's latest profile."""
    numeric, categorical = profiled_columns(spec)
    features, target = spec.params("feature_drift"), spec.params("target_drift")

    def derive(names: list[str]) -> dict[str, dict[str, Any]]:
        out: dict[str, dict[str, Any]] = {}
        for params, group in ((features, [n for n in names if n != spec.target]),
                              (target, [n for n in names if n == spec.target])):
            for name, spread in reference_spreads_of(Sets(wh, spec), group, params).items():
                if spread.rows > 0:
                    out[name] = {"quantiles": list(spread.quantiles), "std": spread.std, "sample_rows": spread.rows,
                                 "edges": bin_edges(spread, params)}
        return out

    bins_key = [features["bins"], features["quantile_rows"], target["bins"], target["quantile_rows"]]
    return refresh(wh, spec, spec.profiles, numeric, categorical, side_of(spec, "reference"), derive, bins_key,
                   version=version)


@dataclass
class Profiled:
    """A model's profiles after tonight's refresh, shared by the feature-set and drift checks."""

    sets: Sets                          # the drift checks' sets (merged profiles, or the table)
    errors: list[CheckResult]           # a failed refresh or a profiles block that cannot be used
    profile: Profile | None = None      # None: the checks read the table


def profiled_night(wh: Any, spec: CheckSpec) -> Profiled:
    """The one refresh of `spec`'s profiles a night; with no usable profiles, sets that read the table.

    A refresh that fails is one `error` record and the checks read the table instead.
    """
    if spec.profiles is None or not spec.has_sets:
        return Profiled(Sets(wh, spec), [])
    if getattr(wh, "read_only", False):
        # a read-only connection stores nothing: the table is read, as without profiles, and that is no error
        log.info("%s: read-only warehouse, the checks read the table (profiles are not refreshed)", spec.model)
        return Profiled(Sets(wh, spec), [])
    if spec.windows is not None and spec.windows["column"] != spec.profiles.column:
        # the windows name days of their own column; profiles are kept per day of theirs
        return Profiled(Sets(wh, spec), [record(spec, "profiles", Status.ERROR, message=(
            f"{spec.model}: meta.strataqc.profiles.column {spec.profiles.column!r} is not windows.column "
            f"{spec.windows['column']!r}: profile the column the windows cut (profiles: {{column: "
            f"{spec.windows['column']}}}); the drift and feature-set checks read the table instead"))])
    try:
        profile = refresh_profile(wh, spec)
        merged = Merged.of(profile)
    except Exception as exc:  # the checks still run, on the table
        return Profiled(Sets(wh, spec), [record(spec, "profiles", Status.ERROR, message=(
            f"profiles of {spec.model} could not be refreshed: {type(exc).__name__}: {first_line(exc)}; "
            f"the drift and feature-set checks read the table instead"))])
    log.info("%s: profiled %d of %d days (%d statements)", spec.model, len(profile.profiled_days),
             profile.days["day"].nunique() if not profile.days.empty else 0, profile.statements)
    return Profiled(Sets(wh, spec, merged), [], profile)


def profiled_sets(wh: Any, spec: CheckSpec) -> tuple[Sets, list[CheckResult]]:
    """The sets of `spec`, reading merged profiles when `profiles:` is set (see `profiled_night`)."""
    night = profiled_night(wh, spec)
    return night.sets, night.errors

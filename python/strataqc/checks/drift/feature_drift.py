"""feature_drift: per feature, the shift of its distribution from the reference set to the current set."""

from __future__ import annotations

import time

from strataqc.checks import drift_sql
from strataqc.checks.drift.chunks import chunked
from strataqc.checks.drift.distribution import (CategoricalMeasure, NumericMeasure, bin_edges,
                                                categorical_drift_of, judge_column, measure_column,
                                                numeric_drift_of, reference_spreads_of)
from strataqc.checks.drift.params import excluded_columns
from strataqc.checks.drift.records import per_column
from strataqc.checks.drift.sets import Sets
from strataqc.results import CheckResult, Status


def measure(sets: Sets, params: dict, name: str) -> NumericMeasure | CategoricalMeasure:
    """One feature's distribution in both sets and its shift: reference-quantile bins or levels."""
    kind = "numeric" if name in sets.spec.numeric else "categorical"
    return measure_column(sets, params, name, kind, sets.current, sets.current_name, sets.current_side)


def judge(measured: NumericMeasure | CategoricalMeasure, params: dict) -> Status:
    """PSI and Wasserstein (numeric) or Jensen–Shannon (categorical) against their thresholds."""
    return judge_column(measured, params)


def feature_drift(sets: Sets, params: dict) -> list[CheckResult]:
    """Per feature: PSI / KS / Wasserstein (numeric) or Jensen–Shannon / chi-square (categorical)."""
    spec, out = sets.spec, []
    excluded = excluded_columns(params)
    numeric = [c for c in spec.numeric if c not in excluded]
    spreads: dict[str, drift_sql.ReferenceSpread] = {}
    counts: dict[str, drift_sql.BinnedCounts] = {}
    started = time.monotonic()
    profiled = [n for n in numeric if sets.profiled(n) and n in sets.profile.edges]
    for name in profiled:  # from the stored profiles: no query of the table
        spreads[name] = sets.profile.spread(name, sets.reference_side)
        counts[name] = sets.profile.binned(name, sets.reference_side, sets.current_side)
    queried = [n for n in numeric if n not in profiled]
    try:  # every numeric feature at once: one quantile query, one binning query
        spreads.update(reference_spreads_of(sets, queried, params))
        edges = {n: bin_edges(spreads[n], params) for n in queried if n in spreads and spreads[n].rows > 0}
        if edges:
            counts.update(drift_sql.binned_counts(sets.wh, sets.table, edges, sets.reference, sets.current))
    except Exception:  # measured column by column below, so the error lands on the column that causes it
        spreads = {n: spreads[n] for n in profiled}
        counts = {n: counts[n] for n in profiled}
    shared = (time.monotonic() - started) / max(1, len(numeric))  # the batch's time, shared by its columns
    for name in numeric:
        def measure(where, current_name, side, name=name):
            return numeric_drift_of(sets, params, name, "feature_drift", where, current_name, spreads.get(name),
                                    current_side=side)

        result = per_column(spec, "feature_drift", name, lambda: chunked(
            sets, params, numeric_drift_of(sets, params, name, "feature_drift", sets.current, sets.current_name,
                                           spreads.get(name), counts.get(name)),
            measure, sets.current, sets.current_name, sets.current_side))
        out.append(result.replace(duration_s=round((result.duration_s or 0) + shared, 3)))
    for name in [c for c in spec.categorical if c not in excluded]:
        def measure(where, current_name, side, name=name):
            return categorical_drift_of(sets, params, name, "feature_drift", where, current_name, side)

        out.append(per_column(spec, "feature_drift", name, lambda: chunked(
            sets, params, measure(sets.current, sets.current_name, sets.current_side), measure, sets.current,
            sets.current_name, sets.current_side)))
    return out

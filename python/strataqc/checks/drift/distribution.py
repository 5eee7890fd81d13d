"""One column's distribution, reference against current: binned by reference quantiles or counted by level.

Shared by `feature_drift` (every feature) and `target_drift` (the target).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from sqlglot import exp

from strataqc.checks import drift_sql
from strataqc.checks.drift.effects import (CategoricalDrift, NumericDrift, categorical_drift, numeric_drift,
                                           shares_of)
from strataqc.checks.drift.records import fmt, judge, nothing_to_compare, record, severity
from strataqc.checks.drift.sets import Sets
from strataqc.checks.profiles.merge import Side
from strataqc.results import CheckResult, Status, worst


MAX_TABLE_ROWS = 50
# fewer sampled reference values than this: the column's quantiles are taken on all its rows
MIN_QUANTILE_ROWS = 1000


def _probabilities_of(params: dict) -> list[float]:
    """The IQR's quartiles, then the inner edges of `bins` quantile bins (none for fixed edges)."""
    bins = params["bins"]
    return [0.25, 0.75] + ([] if isinstance(bins, list) else _probabilities(int(bins)))


def reference_spreads_of(sets: Sets, names: list[str], params: dict) -> dict[str, drift_sql.ReferenceSpread]:
    """Reference quantiles of `names`, from a seeded 1-in-k sample when the reference set is large."""
    if not names:
        return {}
    spec = sets.spec
    reference_rows, _ = drift_sql.set_sizes(sets.wh, sets.table, sets.reference, sets.current)
    every = max(1, math.ceil(reference_rows / max(1, int(params["quantile_rows"]))))
    spreads = drift_sql.reference_spreads(sets.wh, sets.table, names, sets.reference, _probabilities_of(params),
                                          every=every, key_columns=spec.ids or spec.features, seed=spec.seed,
                                          reference_rows=reference_rows)
    # a column with few values in the reference set may have none in the sample: take it whole
    sparse = [n for n, s in spreads.items() if every > 1 and s.rows < MIN_QUANTILE_ROWS]
    if sparse:
        spreads.update(drift_sql.reference_spreads(sets.wh, sets.table, sparse, sets.reference,
                                                   _probabilities_of(params)))
    return spreads


def measure_column(sets: Sets, params: dict, name: str, kind: str, current: exp.Expression, current_name: str,
                   current_side: Side | None = None) -> "NumericMeasure | CategoricalMeasure":
    if kind == "numeric":
        return measure_numeric(sets, params, name, current, current_name, current_side=current_side)
    return measure_categorical(sets, params, name, current, current_name, current_side)


def judge_column(measured: "NumericMeasure | CategoricalMeasure", params: dict) -> Status:
    if isinstance(measured, NumericMeasure):
        return judge_numeric(measured, params)
    return judge_categorical(measured, params)


def column_record(sets: Sets, params: dict, measured: "NumericMeasure | CategoricalMeasure",
                  check: str) -> CheckResult:
    if isinstance(measured, NumericMeasure):
        return numeric_record(sets, params, measured, check)
    return categorical_record(sets, params, measured, check)


def drift_of(sets: Sets, params: dict, name: str, kind: str, check: str, current: exp.Expression,
             current_name: str, current_side: Side | None = None) -> CheckResult:
    return column_record(sets, params, measure_column(sets, params, name, kind, current, current_name,
                                                      current_side), check)


def _probabilities(bins: int) -> list[float]:
    return [i / bins for i in range(1, bins)]


def _bin_labels(edges: list[float]) -> list[str]:
    if not edges:
        return ["all"]
    labels = [f"<= {edges[0]:.4g}"]
    labels += [f"({a:.4g}, {b:.4g}]" for a, b in zip(edges, edges[1:])]
    return labels + [f"> {edges[-1]:.4g}"]


def bin_edges(spread: drift_sql.ReferenceSpread, params: dict) -> list[float]:
    """The bin edges: the configured list, or the reference quantiles (repeats collapse into one edge)."""
    bins = params["bins"]
    if isinstance(bins, list):
        return sorted({float(b) for b in bins})
    # repeated quantiles (a discrete or mostly-constant feature) collapse into one edge
    return sorted({q for q in spread.quantiles[2:] if q is not None})


@dataclass(frozen=True)
class NumericMeasure:
    """One numeric column, reference against current: rows per reference bin and the shift they show."""

    name: str
    current_name: str
    spread: drift_sql.ReferenceSpread
    counts: drift_sql.BinnedCounts | None = None
    drift: NumericDrift | None = None
    empty: str | None = None        # why there is nothing to compare (a set with no finite value)

    @property
    def iqr(self) -> float | None:
        q25, q75 = self.spread.quantiles[0], self.spread.quantiles[1]
        return q75 - q25 if q25 is not None and q75 is not None else None


def measure_numeric(sets: Sets, params: dict, name: str, current: exp.Expression, current_name: str,
                    spread: drift_sql.ReferenceSpread | None = None, counts: drift_sql.BinnedCounts | None = None,
                    current_side: Side | None = None) -> NumericMeasure:
    """Rows per bin of both sets: from `counts`, the stored profiles (with `current_side`) or a query."""
    if counts is None and current_side is not None and sets.profiled(name) and name in sets.profile.edges:
        spread = spread or sets.profile.spread(name, sets.reference_side)
        counts = sets.profile.binned(name, sets.reference_side, current_side)
    if spread is None:
        spread = reference_spreads_of(sets, [name], params)[name]
    if spread.rows == 0:
        return NumericMeasure(name, current_name, spread, empty=f"{name}: no finite value in {sets.reference_name}")
    if counts is None:
        edges = bin_edges(spread, params)
        counts = drift_sql.binned_counts(sets.wh, sets.table, {name: edges}, sets.reference, current)[name]
    if sum(counts.current) == 0:
        return NumericMeasure(name, current_name, spread, counts, empty=f"{name}: no finite value in {current_name}")
    measured = NumericMeasure(name, current_name, spread, counts)
    return NumericMeasure(name, current_name, spread, counts, numeric_drift(counts, spread, measured.iqr))


def _numeric_statuses(measured: NumericMeasure, params: dict) -> tuple[Status, Status]:
    psi_status = judge(measured.drift.psi, float(params["psi_warn"]), float(params["psi_fail"]))
    w_status = judge(measured.drift.wasserstein_norm, float(params["wasserstein_warn"]),
                     float(params["wasserstein_fail"]))
    return psi_status, w_status


def judge_numeric(measured: NumericMeasure, params: dict) -> Status:
    """The worst of PSI and the normalised Wasserstein distance against their thresholds; `severity: warn`."""
    if measured.drift is None:
        return severity(Status.SKIP if params.get("allow_empty") else Status.FAIL, params)
    return severity(worst(list(_numeric_statuses(measured, params))), params)


def numeric_record(sets: Sets, params: dict, measured: NumericMeasure, check: str) -> CheckResult:
    """The record of a numeric measure: verdict, message, metrics and the distribution for the report."""
    spec, name, current_name = sets.spec, measured.name, measured.current_name
    if measured.drift is None:
        return nothing_to_compare(spec, check, params, name, measured.empty)
    drift, counts, spread = measured.drift, measured.counts, measured.spread
    edges = list(counts.edges)
    psi_status, w_status = _numeric_statuses(measured, params)
    status = judge_numeric(measured, params)
    between = f"between {sets.reference_name} and {current_name}"
    scale = f" {drift.scale.upper()}" if drift.scale else ""
    psi_text = f"PSI {fmt(drift.psi)}"
    w_text, ks_text = _binned_texts(drift, scale, len(edges) + 1)
    observed, threshold = drift.psi, float(params["psi_fail"])
    if status is Status.PASS:
        message = f"{name}: no drift {between}: {psi_text}, {w_text}; {ks_text}"
    else:
        crossed, beside = [], []
        if psi_status is not Status.PASS:
            limit = params["psi_fail"] if psi_status is Status.FAIL else params["psi_warn"]
            crossed.append(f"{psi_text} > {limit}")
            threshold = float(limit)
        else:
            beside.append(psi_text)
        if w_status is not Status.PASS:
            limit = params["wasserstein_fail"] if w_status is Status.FAIL else params["wasserstein_warn"]
            crossed.append(f"{w_text} > {limit}")
            if psi_status is Status.PASS or (w_status is Status.FAIL and psi_status is Status.WARN):
                observed, threshold = drift.wasserstein_norm, float(limit)
        else:
            beside.append(w_text)
        message = f"{name} drifted: {', '.join(crossed)} {between}; {', '.join([*beside, ks_text])}"
    ref_rows, cur_rows = sum(counts.reference), sum(counts.current)
    metrics = {"psi": drift.psi, "ks": drift.ks, "ks_pvalue": drift.ks_pvalue, "ks_method": "binned",
               "ks_pvalue_of": "binned KS",
               "wasserstein": drift.wasserstein, "wasserstein_norm": drift.wasserstein_norm,
               "wasserstein_scale": drift.scale, "reference_iqr": measured.iqr, "reference_std": spread.std,
               "reference_rows": ref_rows, "current_rows": cur_rows, "quantile_rows": spread.rows,
               "reference_missing": counts.reference_missing, "current_missing": counts.current_missing,
               "reference_mean": _weighted_mean(counts.reference_means, counts.reference),
               "current_mean": _weighted_mean(counts.current_means, counts.current)}
    details = {"distribution": {"column": name, "kind": "numeric", "bins": _bin_labels(edges),
                                "reference": list(shares_of(counts.reference)), "current": list(shares_of(counts.current)),
                                "edges": edges},
               "metrics": metrics}
    return record(spec, check, status, name, observed=observed, threshold=threshold, message=message,
                  details=details)


def numeric_drift_of(sets: Sets, params: dict, name: str, check: str, current: exp.Expression,
                     current_name: str, spread: drift_sql.ReferenceSpread | None = None,
                     counts: drift_sql.BinnedCounts | None = None, current_side: Side | None = None) -> CheckResult:
    """One numeric column's drift record: measured, then judged."""
    return numeric_record(sets, params, measure_numeric(sets, params, name, current, current_name, spread, counts,
                                                        current_side), check)


def _binned_texts(measured: NumericDrift, scale: str, bins: int) -> tuple[str, str]:
    """Wasserstein and KS as precise as bins make them.

    KS read at the bin edges is a lower bound of the KS on raw values (off by
    up to a bin's share), so its p-value is an upper bound; Wasserstein puts
    each bin's rows at their mean: two significant digits.
    """
    wasserstein = "n/a" if measured.wasserstein_norm is None else f"{measured.wasserstein_norm:.2g}"
    # a p-value below the smallest double underflows to 0
    pvalue = f"p ≤ {measured.ks_pvalue:.2g}" if measured.ks_pvalue > 0 else "p < 1e-300"
    return (f"binned Wasserstein {wasserstein}{scale}",
            f"KS ≥ {measured.ks:.2f} (binned over {bins} bins; {pvalue} from the binned KS)")


def _weighted_mean(means: list[float | None], counts: list[int]) -> float | None:
    pairs = [(m, n) for m, n in zip(means, counts) if m is not None and n > 0]
    total = sum(n for _, n in pairs)
    return sum(m * n for m, n in pairs) / total if total else None


@dataclass(frozen=True)
class CategoricalMeasure:
    """One categorical column, reference against current: rows per level (the largest, the rest pooled)."""

    name: str
    current_name: str
    labels: tuple[str, ...] = ()
    reference: tuple[int, ...] = ()
    current: tuple[int, ...] = ()
    levels: int = 0                 # distinct levels over both sets
    reference_rows: int = 0
    current_rows: int = 0
    drift: CategoricalDrift | None = None
    empty: str | None = None


def measure_categorical(sets: Sets, params: dict, name: str, current: exp.Expression, current_name: str,
                        current_side: Side | None = None) -> CategoricalMeasure:
    """Rows per level of both sets, from the stored profiles (with `current_side`) or one query."""
    limit = int(params["max_levels"])
    if current_side is not None and sets.profiled(name):
        levels = sets.profile.level_counts(name, sets.reference_side, current_side, limit)
    else:
        levels = drift_sql.level_counts(sets.wh, sets.table, name, sets.reference, current, limit)
    if levels.reference_rows == 0:
        return CategoricalMeasure(name, current_name, empty=f"{name}: no value in {sets.reference_name}")
    if levels.current_rows == 0:
        return CategoricalMeasure(name, current_name, empty=f"{name}: no value in {current_name}")
    labels, ref, cur = list(levels.levels), list(levels.reference), list(levels.current)
    if levels.total_levels > len(labels):
        # the long tail of a wide column, pooled: the shares still add up to one
        labels.append("(other)")
        ref.append(levels.reference_rows - sum(ref))
        cur.append(levels.current_rows - sum(cur))
    return CategoricalMeasure(name, current_name, tuple(labels), tuple(ref), tuple(cur), levels.total_levels,
                              levels.reference_rows, levels.current_rows, categorical_drift(ref, cur))


def judge_categorical(measured: CategoricalMeasure, params: dict) -> Status:
    """Jensen–Shannon distance against its thresholds; `severity: warn`."""
    if measured.drift is None:
        return severity(Status.SKIP if params.get("allow_empty") else Status.FAIL, params)
    return severity(judge(measured.drift.js, float(params["js_warn"]), float(params["js_fail"])), params)


def categorical_record(sets: Sets, params: dict, measured: CategoricalMeasure, check: str) -> CheckResult:
    spec, name, current_name = sets.spec, measured.name, measured.current_name
    if measured.drift is None:
        return nothing_to_compare(spec, check, params, name, measured.empty)
    drift = measured.drift
    raw = judge(drift.js, float(params["js_warn"]), float(params["js_fail"]))
    threshold = float(params["js_warn"] if raw is Status.WARN else params["js_fail"])
    status = judge_categorical(measured, params)
    between = f"between {sets.reference_name} and {current_name}"
    p = "n/a" if drift.chi2_pvalue is None else f"{drift.chi2_pvalue:.2g}"
    others = f"PSI {fmt(drift.psi)}, chi-square p={p}"
    if status is Status.PASS:
        message = f"{name}: no drift {between}: Jensen-Shannon {fmt(drift.js)}; {others}"
    else:
        message = f"{name} drifted: Jensen-Shannon {fmt(drift.js)} > {threshold} {between}; {others}"
    metrics = {"js": drift.js, "psi": drift.psi, "chi2": drift.chi2, "chi2_pvalue": drift.chi2_pvalue,
               "cramers_v": drift.cramers_v, "levels": measured.levels,
               "reference_rows": measured.reference_rows, "current_rows": measured.current_rows}
    details = {"distribution": {"column": name, "kind": "categorical", "bins": list(measured.labels),
                                "reference": list(shares_of(list(measured.reference))),
                                "current": list(shares_of(list(measured.current)))},
               "metrics": metrics}
    return record(spec, check, status, name, observed=drift.js, threshold=threshold, message=message,
                  details=details)


def categorical_drift_of(sets: Sets, params: dict, name: str, check: str, current: exp.Expression,
                         current_name: str, current_side: Side | None = None) -> CheckResult:
    """One categorical column's drift record: measured, then judged."""
    return categorical_record(sets, params, measure_categorical(sets, params, name, current, current_name,
                                                                current_side), check)

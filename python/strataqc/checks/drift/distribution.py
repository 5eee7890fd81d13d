"""One column's distribution, reference against current: binned by reference quantiles or counted by level.

Shared by `feature_drift` (every feature) and `target_drift` (the target).
"""

from __future__ import annotations

import math

from sqlglot import exp

from strataqc.checks import drift_sql
from strataqc.checks.drift.effects import NumericDrift, categorical_drift, numeric_drift, shares_of
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


def drift_of(sets: Sets, params: dict, name: str, kind: str, check: str, current: exp.Expression,
             current_name: str, current_side: Side | None = None) -> CheckResult:
    if kind == "numeric":
        return numeric_drift_of(sets, params, name, check, current, current_name, current_side=current_side)
    return categorical_drift_of(sets, params, name, check, current, current_name, current_side=current_side)


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


def numeric_drift_of(sets: Sets, params: dict, name: str, check: str, current: exp.Expression,
                     current_name: str, spread: drift_sql.ReferenceSpread | None = None,
                     counts: drift_sql.BinnedCounts | None = None, current_side: Side | None = None) -> CheckResult:
    """One numeric column's drift; its bins come from `counts`, the stored profiles (with `current_side`)
    or a query of the table."""
    spec = sets.spec
    if counts is None and current_side is not None and sets.profiled(name) and name in sets.profile.edges:
        spread = spread or sets.profile.spread(name, sets.reference_side)
        counts = sets.profile.binned(name, sets.reference_side, current_side)
    if spread is None:
        spread = reference_spreads_of(sets, [name], params)[name]
    if spread.rows == 0:
        return nothing_to_compare(spec, check, params, name, f"{name}: no finite value in {sets.reference_name}")
    q25, q75 = spread.quantiles[0], spread.quantiles[1]
    iqr = q75 - q25 if q25 is not None and q75 is not None else None
    edges = bin_edges(spread, params)
    if counts is None:
        counts = drift_sql.binned_counts(sets.wh, sets.table, {name: edges}, sets.reference, current)[name]
    ref_rows, cur_rows = sum(counts.reference), sum(counts.current)
    if cur_rows == 0:
        return nothing_to_compare(spec, check, params, name, f"{name}: no finite value in {current_name}")
    measured = numeric_drift(counts, spread, iqr)
    psi_status = judge(measured.psi, float(params["psi_warn"]), float(params["psi_fail"]))
    w_status = judge(measured.wasserstein_norm, float(params["wasserstein_warn"]), float(params["wasserstein_fail"]))
    status = severity(worst([psi_status, w_status]), params)
    between = f"between {sets.reference_name} and {current_name}"
    scale = f" {measured.scale.upper()}" if measured.scale else ""
    psi_text = f"PSI {fmt(measured.psi)}"
    w_text, ks_text = _binned_texts(measured, scale, len(edges) + 1)
    observed, threshold = measured.psi, float(params["psi_fail"])
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
                observed, threshold = measured.wasserstein_norm, float(limit)
        else:
            beside.append(w_text)
        message = f"{name} drifted: {', '.join(crossed)} {between}; {', '.join([*beside, ks_text])}"
    metrics = {"psi": measured.psi, "ks": measured.ks, "ks_pvalue": measured.ks_pvalue, "ks_method": "binned",
               "ks_pvalue_of": "binned KS",
               "wasserstein": measured.wasserstein, "wasserstein_norm": measured.wasserstein_norm,
               "wasserstein_scale": measured.scale, "reference_iqr": iqr, "reference_std": spread.std,
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


def categorical_drift_of(sets: Sets, params: dict, name: str, check: str, current: exp.Expression,
                         current_name: str, current_side: Side | None = None) -> CheckResult:
    spec = sets.spec
    limit = int(params["max_levels"])
    if current_side is not None and sets.profiled(name):
        levels = sets.profile.level_counts(name, sets.reference_side, current_side, limit)
    else:
        levels = drift_sql.level_counts(sets.wh, sets.table, name, sets.reference, current, limit)
    if levels.reference_rows == 0:
        return nothing_to_compare(spec, check, params, name, f"{name}: no value in {sets.reference_name}")
    if levels.current_rows == 0:
        return nothing_to_compare(spec, check, params, name, f"{name}: no value in {current_name}")
    labels, ref, cur = list(levels.levels), list(levels.reference), list(levels.current)
    if levels.total_levels > len(labels):
        # the long tail of a wide column, pooled: the shares still add up to one
        labels.append("(other)")
        ref.append(levels.reference_rows - sum(ref))
        cur.append(levels.current_rows - sum(cur))
    measured = categorical_drift(ref, cur)
    raw = judge(measured.js, float(params["js_warn"]), float(params["js_fail"]))
    threshold = float(params["js_warn"] if raw is Status.WARN else params["js_fail"])
    status = severity(raw, params)
    between = f"between {sets.reference_name} and {current_name}"
    p = "n/a" if measured.chi2_pvalue is None else f"{measured.chi2_pvalue:.2g}"
    others = f"PSI {fmt(measured.psi)}, chi-square p={p}"
    if status is Status.PASS:
        message = f"{name}: no drift {between}: Jensen-Shannon {fmt(measured.js)}; {others}"
    else:
        message = f"{name} drifted: Jensen-Shannon {fmt(measured.js)} > {threshold} {between}; {others}"
    metrics = {"js": measured.js, "psi": measured.psi, "chi2": measured.chi2, "chi2_pvalue": measured.chi2_pvalue,
               "cramers_v": measured.cramers_v, "levels": levels.total_levels,
               "reference_rows": levels.reference_rows, "current_rows": levels.current_rows}
    details = {"distribution": {"column": name, "kind": "categorical", "bins": labels,
                                "reference": list(shares_of(ref)), "current": list(shares_of(cur))},
               "metrics": metrics}
    return record(spec, check, status, name, observed=measured.js, threshold=threshold, message=message,
                   details=details)

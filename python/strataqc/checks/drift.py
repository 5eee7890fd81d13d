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

import math
import time
from dataclasses import dataclass
from typing import Any, Callable

import numpy as np
from scipy import stats as sps
from scipy.spatial.distance import jensenshannon
from sqlglot import exp

from strataqc.checks import drift_sql
from strataqc.checks.config import CheckSpec, column, current_filter, reference_filter, window_filter
from strataqc.checks.runner import first_line, run_enabled
from strataqc.json_safe import json_safe
from strataqc.results import CheckResult, CheckType, Status, worst

# Effect-size thresholds; a value strictly above a threshold crosses it.
# PSI 0.1 / 0.25 is the usual "moderate / large" shift; Jensen–Shannon distance
# (base 2, in [0, 1]) 0.1 / 0.2 and Wasserstein 0.2 / 0.4 reference IQRs are
# about the same shift of a normal feature (0.3 / 0.5 standard deviations).
EFFECT_DEFAULTS: dict[str, Any] = {
    # quantile_rows: reference rows the bin edges come from (a seeded sample above it)
    "bins": 10, "quantile_rows": 200_000, "psi_warn": 0.1, "psi_fail": 0.25, "js_warn": 0.1, "js_fail": 0.2,
    "wasserstein_warn": 0.2, "wasserstein_fail": 0.4, "max_levels": 200, "exclude": [],
}
DEFAULTS: dict[str, dict[str, Any]] = {
    # any new category warns; more than 1% of current rows in new categories fails
    "new_categories": {"warn_share": 0.0, "fail_share": 0.01, "max_listed": 20, "exclude": []},
    "feature_drift": dict(EFFECT_DEFAULTS),
    # current: the split value (or [from, to] window) to compare when the current set has no target
    "target_drift": {**EFFECT_DEFAULTS, "current": None},
    "multivariate_drift": {"auc_warn": 0.6, "auc_fail": 0.75, "folds": 3, "max_iter": 50, "threads": 1,
                           "exclude": []},
}
THRESHOLD_PAIRS = [("psi_warn", "psi_fail"), ("js_warn", "js_fail"), ("wasserstein_warn", "wasserstein_fail"),
                   ("warn_share", "fail_share"), ("auc_warn", "auc_fail")]
# share given to an empty bin or category before PSI's logarithm
PSI_EPSILON = 1e-4
# levels HistGradientBoosting takes as categories; wider columns are used as ordinal codes
MAX_CLASSIFIER_CATEGORIES = 250
MAX_TABLE_ROWS = 50
# fewer sampled reference values than this: the column's quantiles are taken on all its rows
MIN_QUANTILE_ROWS = 1000


def run_drift_checks(wh, spec: CheckSpec) -> list[CheckResult]:
    """Every enabled drift check of `spec`; a check that raises becomes one `error` record."""
    def run(name: str) -> list[CheckResult]:
        params = {**DEFAULTS[name], **spec.checks[name]}
        problems = parameter_problems(spec, name, params)
        if problems:
            return [_record(spec, name, Status.ERROR, message=m) for m in problems]
        if not spec.has_sets:
            return [_record(spec, name, Status.SKIP, message=(
                f"{name} on {spec.model}: no reference and current sets; add split: {{column: dataset_split, "
                f"reference: train, current: predict}} or windows: to meta.strataqc"))]
        return CHECKS[name](Sets(wh, spec), params)
    return run_enabled(spec, CHECKS, CheckType.DRIFT, run)


# ------------------------------------------------------------------ sets and parameters

@dataclass
class Sets:
    """The table and the WHERE conditions of its two sets, with names for messages."""

    wh: Any
    spec: CheckSpec

    @property
    def table(self) -> exp.Table:
        return self.spec.table

    @property
    def reference(self) -> exp.Expression:
        return reference_filter(self.spec)

    @property
    def current(self) -> exp.Expression:
        return current_filter(self.spec)

    @property
    def reference_name(self) -> str:
        return _set_name(self.spec, "reference")

    @property
    def current_name(self) -> str:
        return _set_name(self.spec, "current")


def _set_name(spec: CheckSpec, which: str) -> str:
    if spec.windows is not None:
        low, high = spec.windows[which]
        return f"{which} {low}..{high}"
    return str(spec.reference if which == "reference" else spec.current)


def parameter_problems(spec: CheckSpec, check: str, params: dict) -> list[str]:
    """What is wrong with the parameters of one drift check (empty when they can be used)."""
    problems = []
    where = f"{spec.model}: meta.strataqc.checks.{check}"
    for key, default in DEFAULTS[check].items():
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


def _excluded(params: dict) -> set[str]:
    exclude = params.get("exclude") or []
    return {exclude} if isinstance(exclude, str) else set(exclude)


# ------------------------------------------------------------------ records

def _record(spec: CheckSpec, check: str, status: Status, column: str | None = None, **fields: Any) -> CheckResult:
    if "details" in fields:
        fields["details"] = json_safe(fields["details"])
    return CheckResult(check=check, status=status, model=spec.model, column=column, layer=spec.layer,
                       check_type=CheckType.DRIFT, **fields)


def _judge(value: float | None, warn: float, fail: float) -> Status:
    """FAIL above `fail`, WARN above `warn` (strict: a value equal to a threshold passes it)."""
    if value is None:
        return Status.PASS
    if value > fail:
        return Status.FAIL
    return Status.WARN if value > warn else Status.PASS


def _severity(status: Status, params: dict) -> Status:
    """`severity: warn` turns a failure into a warning."""
    return Status.WARN if status is Status.FAIL and params.get("severity") == "warn" else status


def _nothing_to_compare(spec: CheckSpec, check: str, params: dict, column: str | None, why: str) -> CheckResult:
    # 0 rows compared is not "no drift": an empty set must not pass
    if params.get("allow_empty"):
        return _record(spec, check, Status.SKIP, column, message=f"{why}: nothing to compare (allowed by allow_empty)")
    return _record(spec, check, _severity(Status.FAIL, params), column,
                   message=f"{why}: nothing to compare; load the data, or set allow_empty: true on {check}")


def _fmt(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.4g}"


# ------------------------------------------------------------------ the mathematics (scipy)

def psi(reference: np.ndarray, current: np.ndarray, epsilon: float = PSI_EPSILON) -> float:
    """Population stability index of two share vectors: sum((c - r) * ln(c / r)).

    That is KL(c||r) + KL(r||c), both from scipy; an empty bin gets `epsilon`
    so a bin that empties out counts as a large, finite shift.
    """
    r = np.clip(np.asarray(reference, dtype=float), epsilon, None)
    c = np.clip(np.asarray(current, dtype=float), epsilon, None)
    r, c = r / r.sum(), c / c.sum()
    return float(sps.entropy(c, r) + sps.entropy(r, c))


def _shares(counts: list[int] | np.ndarray) -> np.ndarray:
    counts = np.asarray(counts, dtype=float)
    total = counts.sum()
    return counts / total if total > 0 else counts


@dataclass(frozen=True)
class NumericDrift:
    psi: float
    ks: float
    ks_pvalue: float
    wasserstein: float
    wasserstein_norm: float | None
    scale: str | None           # "iqr" | "std": what wasserstein_norm is divided by


def numeric_drift(counts: drift_sql.BinnedCounts, spread: drift_sql.ReferenceSpread,
                  iqr: float | None) -> NumericDrift:
    """PSI, binned KS and binned Wasserstein from rows per reference-quantile bin."""
    ref, cur = np.asarray(counts.reference, dtype=float), np.asarray(counts.current, dtype=float)
    p, q = _shares(ref), _shares(cur)
    ks = float(np.max(np.abs(np.cumsum(p) - np.cumsum(q))))
    n, m = ref.sum(), cur.sum()
    # the asymptotic two-sample p-value scipy's ks_2samp uses, for the full set sizes
    ks_pvalue = float(sps.kstwo.sf(ks, max(1, round(n * m / (n + m)))))
    ref_at = [(v, w) for v, w in zip(counts.reference_means, ref) if w > 0 and v is not None]
    cur_at = [(v, w) for v, w in zip(counts.current_means, cur) if w > 0 and v is not None]
    wasserstein = float(sps.wasserstein_distance([v for v, _ in ref_at], [v for v, _ in cur_at],
                                                 [w for _, w in ref_at], [w for _, w in cur_at]))
    scale, spread_value = None, None
    if iqr is not None and iqr > 0:
        scale, spread_value = "iqr", iqr
    elif spread.std is not None and spread.std > 0:
        scale, spread_value = "std", spread.std  # a feature that is mostly one value has IQR 0
    norm = wasserstein / spread_value if spread_value else None
    return NumericDrift(psi(p, q), ks, ks_pvalue, wasserstein, norm, scale)


@dataclass(frozen=True)
class CategoricalDrift:
    js: float
    psi: float
    chi2: float | None
    chi2_pvalue: float | None
    cramers_v: float | None


def categorical_drift(reference: list[int], current: list[int]) -> CategoricalDrift:
    """Jensen–Shannon distance (base 2), PSI and chi-square of two count vectors over the same levels."""
    ref, cur = np.asarray(reference, dtype=float), np.asarray(current, dtype=float)
    seen = (ref + cur) > 0  # a level with no row in either set has no expected frequency
    ref, cur = ref[seen], cur[seen]
    js = float(jensenshannon(_shares(ref), _shares(cur), base=2))
    chi2 = pvalue = cramers_v = None
    if len(ref) >= 2:
        table = np.vstack([ref, cur])
        result = sps.chi2_contingency(table, correction=False)
        chi2, pvalue = float(result.statistic), float(result.pvalue)
        cramers_v = float(sps.contingency.association(table.astype(np.int64), method="cramer", correction=False))
    return CategoricalDrift(js if math.isfinite(js) else 0.0, psi(_shares(ref), _shares(cur)), chi2, pvalue, cramers_v)


# ------------------------------------------------------------------ new_categories

def new_categories(sets: Sets, params: dict) -> list[CheckResult]:
    """Per categorical feature: categories with current rows and no reference row."""
    spec, out = sets.spec, []
    for name in [c for c in spec.categorical if c not in _excluded(params)]:
        out.append(_per_column(spec, "new_categories", name, lambda: _new_categories_of(sets, params, name)))
    return out


def _new_categories_of(sets: Sets, params: dict, name: str) -> CheckResult:
    spec = sets.spec
    new = drift_sql.new_levels(sets.wh, sets.table, name, sets.reference, sets.current, int(params["max_listed"]))
    # non-NULL rows of each set (a NULL is missing, not a category)
    if new.reference_rows == 0 or new.current_rows == 0:
        empty = sets.reference_name if new.reference_rows == 0 else sets.current_name
        return _nothing_to_compare(spec, "new_categories", params, name, f"{name}: no value in {empty}")
    present = new.current_rows
    share = new.total_rows / present
    raw = _judge(share, float(params["warn_share"]), float(params["fail_share"]))
    threshold = float(params["warn_share"] if raw is Status.WARN else params["fail_share"])
    status = _severity(raw, params)
    if new.total_levels:
        shown = ", ".join(f"{v!r} ({n:,} rows)" for v, n in zip(new.levels, new.counts))
        more = f" and {new.total_levels - len(new.levels)} more" if new.total_levels > len(new.levels) else ""
        message = (f"{name}: {new.total_levels} new categor{'y' if new.total_levels == 1 else 'ies'} in "
                   f"{sets.current_name} absent from {sets.reference_name}: {shown}{more}; {share:.1%} of "
                   f"{sets.current_name} rows, limit {threshold:.1%}")
    else:
        message = f"{name}: every category of {sets.current_name} is present in {sets.reference_name}"
    bins, shares = list(new.levels), [n / present for n in new.counts]
    unlisted = new.total_rows - sum(new.counts)
    if new.total_levels > len(new.levels):  # shares still add up to one
        bins.append("(other new categories)")
        shares.append(unlisted / present)
    details = {
        "distribution": {"column": name, "kind": "categorical", "bins": [*bins, "(known categories)"],
                         "reference": [0.0] * len(bins) + [1.0], "current": [*shares, 1.0 - share]},
        "metrics": {"new_categories": new.total_levels, "new_rows": new.total_rows, "new_share": share,
                    "current_rows": present, "reference_rows": new.reference_rows},
        "table": {"title": f"New categories of {name}", "columns": ["category", "rows", "share"],
                  "rows": [[v, n, n / present] for v, n in zip(new.levels, new.counts)][:MAX_TABLE_ROWS]},
    }
    return _record(spec, "new_categories", status, name, observed=share, threshold=threshold,
                   failures=new.total_rows, message=message, details=details)


# ------------------------------------------------------------------ feature_drift / target_drift

def feature_drift(sets: Sets, params: dict) -> list[CheckResult]:
    """Per feature: PSI / KS / Wasserstein (numeric) or Jensen–Shannon / chi-square (categorical)."""
    spec, out = sets.spec, []
    excluded = _excluded(params)
    numeric = [c for c in spec.numeric if c not in excluded]
    spreads: dict[str, drift_sql.ReferenceSpread] = {}
    counts: dict[str, drift_sql.BinnedCounts] = {}
    started = time.monotonic()
    try:  # every numeric feature at once: one quantile query, one binning query
        spreads = _reference_spreads(sets, numeric, params)
        edges = {n: _edges(s, params) for n, s in spreads.items() if s.rows > 0}
        if edges:
            counts = drift_sql.binned_counts(sets.wh, sets.table, edges, sets.reference, sets.current)
    except Exception:  # measured column by column below, so the error lands on the column that causes it
        spreads, counts = {}, {}
    shared = (time.monotonic() - started) / max(1, len(numeric))  # the batch's time, shared by its columns
    for name in numeric:
        result = _per_column(spec, "feature_drift", name,
                             lambda: _numeric_drift_of(sets, params, name, "feature_drift", sets.current,
                                                       sets.current_name, spreads.get(name), counts.get(name)))
        out.append(result.replace(duration_s=round((result.duration_s or 0) + shared, 3)))
    for name in [c for c in spec.categorical if c not in excluded]:
        out.append(_per_column(spec, "feature_drift", name,
                               lambda: _categorical_drift_of(sets, params, name, "feature_drift", sets.current,
                                                             sets.current_name)))
    return out


def _probabilities_of(params: dict) -> list[float]:
    """The IQR's quartiles, then the inner edges of `bins` quantile bins (none for fixed edges)."""
    bins = params["bins"]
    return [0.25, 0.75] + ([] if isinstance(bins, list) else _probabilities(int(bins)))


def _reference_spreads(sets: Sets, names: list[str], params: dict) -> dict[str, drift_sql.ReferenceSpread]:
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


def target_drift(sets: Sets, params: dict) -> list[CheckResult]:
    """The target's distribution, reference against current (or the set named by `current`)."""
    spec = sets.spec
    if spec.target is None:
        return [_record(spec, "target_drift", Status.SKIP, message=(
            f"target_drift on {spec.model}: no target declared; add target: <column> to meta.strataqc"))]
    name = spec.target
    kind = "numeric" if spec.columns.get(name) == "numeric" else "categorical"
    current, current_name = sets.current, sets.current_name
    if params.get("current") is not None:
        current, current_name = _target_set(spec, params["current"])
    return [_per_column(spec, "target_drift", name,
                        lambda: _target_drift_of(sets, params, name, kind, current, current_name))]


def _target_set(spec: CheckSpec, value: Any) -> tuple[exp.Expression, str]:
    if spec.windows is not None:
        low, high = (str(v) for v in value)
        return window_filter(spec.windows["column"], low, high), f"current {low}..{high}"
    return column(spec.split_column).eq(exp.Literal.string(str(value))), str(value)


def _target_drift_of(sets: Sets, params: dict, name: str, kind: str, current: exp.Expression,
                     current_name: str) -> CheckResult:
    spec = sets.spec
    ref_rows, cur_rows = drift_sql.set_sizes(sets.wh, sets.table, sets.reference, current, name=name,
                                             numeric=kind == "numeric")
    if cur_rows == 0 and ref_rows > 0:
        if params.get("current") is not None:
            return _record(spec, "target_drift", Status.ERROR, name, message=(
                f"target_drift: {name} has no value in {current_name} either; set checks.target_drift.current "
                f"to a {spec.split_column or 'window'} whose rows have targets"))
        # targets of the current set arrive later (the demo's predict split): say so, never pass silently
        candidates = _split_values_with_target(sets, name) if spec.windows is None else []
        hint = (f" ({', '.join(repr(c) for c in candidates)} {'has' if len(candidates) == 1 else 'have'} targets)"
                if candidates else "")
        return _record(spec, "target_drift", Status.SKIP, name, message=(
            f"target_drift: {name} has no value in {current_name} (targets not known yet): nothing compared; "
            f"set checks.target_drift.current to a set with targets{hint} to compare {sets.reference_name} with it"))
    return _drift_of(sets, params, name, kind, "target_drift", current, current_name)


def _split_values_with_target(sets: Sets, name: str) -> list[str]:
    spec = sets.spec
    split = exp.cast(column(spec.split_column), "VARCHAR")
    query = (exp.select(split.as_("value")).from_(sets.table.copy())
             .where(exp.Not(this=exp.Is(this=column(name), expression=exp.Null())))
             .group_by(split.copy()).order_by(split.copy()).limit(20))
    values = [str(v) for v in sets.wh.query(query)["value"] if v is not None]
    return [v for v in values if v != spec.reference]


def _drift_of(sets: Sets, params: dict, name: str, kind: str, check: str, current: exp.Expression,
              current_name: str) -> CheckResult:
    if kind == "numeric":
        return _numeric_drift_of(sets, params, name, check, current, current_name)
    return _categorical_drift_of(sets, params, name, check, current, current_name)


def _probabilities(bins: int) -> list[float]:
    return [i / bins for i in range(1, bins)]


def _bin_labels(edges: list[float]) -> list[str]:
    if not edges:
        return ["all"]
    labels = [f"<= {edges[0]:.4g}"]
    labels += [f"({a:.4g}, {b:.4g}]" for a, b in zip(edges, edges[1:])]
    return labels + [f"> {edges[-1]:.4g}"]


def _edges(spread: drift_sql.ReferenceSpread, params: dict) -> list[float]:
    """The bin edges: the configured list, or the reference quantiles (repeats collapse into one edge)."""
    bins = params["bins"]
    if isinstance(bins, list):
        return sorted({float(b) for b in bins})
    # repeated quantiles (a discrete or mostly-constant feature) collapse into one edge
    return sorted({q for q in spread.quantiles[2:] if q is not None})


def _numeric_drift_of(sets: Sets, params: dict, name: str, check: str, current: exp.Expression,
                      current_name: str, spread: drift_sql.ReferenceSpread | None = None,
                      counts: drift_sql.BinnedCounts | None = None) -> CheckResult:
    spec = sets.spec
    if spread is None:
        spread = _reference_spreads(sets, [name], params)[name]
    if spread.rows == 0:
        return _nothing_to_compare(spec, check, params, name, f"{name}: no finite value in {sets.reference_name}")
    q25, q75 = spread.quantiles[0], spread.quantiles[1]
    iqr = q75 - q25 if q25 is not None and q75 is not None else None
    edges = _edges(spread, params)
    if counts is None:
        counts = drift_sql.binned_counts(sets.wh, sets.table, {name: edges}, sets.reference, current)[name]
    ref_rows, cur_rows = sum(counts.reference), sum(counts.current)
    if cur_rows == 0:
        return _nothing_to_compare(spec, check, params, name, f"{name}: no finite value in {current_name}")
    measured = numeric_drift(counts, spread, iqr)
    psi_status = _judge(measured.psi, float(params["psi_warn"]), float(params["psi_fail"]))
    w_status = _judge(measured.wasserstein_norm, float(params["wasserstein_warn"]), float(params["wasserstein_fail"]))
    status = _severity(worst([psi_status, w_status]), params)
    between = f"between {sets.reference_name} and {current_name}"
    scale = f" {measured.scale.upper()}" if measured.scale else ""
    psi_text = f"PSI {_fmt(measured.psi)}"
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
                                "reference": list(_shares(counts.reference)), "current": list(_shares(counts.current)),
                                "edges": edges},
               "metrics": metrics}
    return _record(spec, check, status, name, observed=observed, threshold=threshold, message=message,
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


def _categorical_drift_of(sets: Sets, params: dict, name: str, check: str, current: exp.Expression,
                          current_name: str) -> CheckResult:
    spec = sets.spec
    limit = int(params["max_levels"])
    levels = drift_sql.level_counts(sets.wh, sets.table, name, sets.reference, current, limit)
    if levels.reference_rows == 0:
        return _nothing_to_compare(spec, check, params, name, f"{name}: no value in {sets.reference_name}")
    if levels.current_rows == 0:
        return _nothing_to_compare(spec, check, params, name, f"{name}: no value in {current_name}")
    labels, ref, cur = list(levels.levels), list(levels.reference), list(levels.current)
    if levels.total_levels > len(labels):
        # the long tail of a wide column, pooled: the shares still add up to one
        labels.append("(other)")
        ref.append(levels.reference_rows - sum(ref))
        cur.append(levels.current_rows - sum(cur))
    measured = categorical_drift(ref, cur)
    raw = _judge(measured.js, float(params["js_warn"]), float(params["js_fail"]))
    threshold = float(params["js_warn"] if raw is Status.WARN else params["js_fail"])
    status = _severity(raw, params)
    between = f"between {sets.reference_name} and {current_name}"
    p = "n/a" if measured.chi2_pvalue is None else f"{measured.chi2_pvalue:.2g}"
    others = f"PSI {_fmt(measured.psi)}, chi-square p={p}"
    if status is Status.PASS:
        message = f"{name}: no drift {between}: Jensen-Shannon {_fmt(measured.js)}; {others}"
    else:
        message = f"{name} drifted: Jensen-Shannon {_fmt(measured.js)} > {threshold} {between}; {others}"
    metrics = {"js": measured.js, "psi": measured.psi, "chi2": measured.chi2, "chi2_pvalue": measured.chi2_pvalue,
               "cramers_v": measured.cramers_v, "levels": levels.total_levels,
               "reference_rows": levels.reference_rows, "current_rows": levels.current_rows}
    details = {"distribution": {"column": name, "kind": "categorical", "bins": labels,
                                "reference": list(_shares(ref)), "current": list(_shares(cur))},
               "metrics": metrics}
    return _record(spec, check, status, name, observed=measured.js, threshold=threshold, message=message,
                   details=details)


def _per_column(spec: CheckSpec, check: str, name: str, measure: Callable[[], CheckResult]) -> CheckResult:
    """One column's record; an exception becomes that column's `error` record only."""
    started = time.monotonic()
    try:
        result = measure()
    except Exception as exc:
        result = _record(spec, check, Status.ERROR, name, message=f"{check} of {name} on {spec.model} could not "
                         f"run: {type(exc).__name__}: {first_line(exc)}")
    return result.replace(duration_s=round(time.monotonic() - started, 3))


# ------------------------------------------------------------------ multivariate_drift

def multivariate_drift(sets: Sets, params: dict) -> list[CheckResult]:
    """A domain classifier's cross-validated ROC AUC at telling current rows from reference rows.

    0.5: the sets look alike; 1.0: every row gives away its set. The sample is
    drawn in SQL (per set, the rows with the smallest seeded hash), so every
    run sees the same rows; only `sample_size` rows reach Python.
    """
    # import before limiting: threadpoolctl only limits the OpenMP runtime already loaded
    import sklearn.ensemble  # noqa: F401
    from threadpoolctl import threadpool_limits

    spec = sets.spec
    excluded = _excluded(params)
    features = [c for c in spec.numeric + spec.categorical if c not in excluded]
    if not features:
        return [_record(spec, "multivariate_drift", Status.SKIP, message=(
            f"multivariate_drift on {spec.model}: no numeric or categorical feature to compare"))]
    ref_rows, cur_rows = drift_sql.set_sizes(sets.wh, sets.table, sets.reference, sets.current)
    if ref_rows == 0 or cur_rows == 0:
        empty = sets.reference_name if ref_rows == 0 else sets.current_name
        return [_nothing_to_compare(spec, "multivariate_drift", params, None, f"no rows in {empty}")]
    per_set = max(1, spec.sample_size // 2)
    key = spec.ids or features  # hash the row's identity: the same rows are drawn on every run
    frames = [drift_sql.sample_rows(sets.wh, sets.table, features, where, key, spec.seed, per_set)
              for where in (sets.reference, sets.current)]
    x = _encode(frames[0], frames[1], features, spec)
    y = np.concatenate([np.zeros(len(frames[0]), dtype=int), np.ones(len(frames[1]), dtype=int)])
    folds = int(min(params["folds"], np.bincount(y).min()))
    if folds < 2:
        return [_record(spec, "multivariate_drift", Status.SKIP, message=(
            f"multivariate_drift: too few rows to cross-validate ({len(frames[0])} in {sets.reference_name}, "
            f"{len(frames[1])} in {sets.current_name})"))]
    # a NULL code is NaN: nanmax, or one NULL would turn the column numeric
    categorical_mask = [name in spec.categorical and np.nanmax(np.append(x[:, i], 0)) < MAX_CLASSIFIER_CATEGORIES
                        for i, name in enumerate(features)]
    # one OpenMP thread by default: on a busy machine two threads ran ten times slower
    with threadpool_limits(max(1, int(params["threads"]))):
        scores, fold_aucs = _cross_validated_scores(x, y, categorical_mask, folds, int(params["max_iter"]), spec.seed)
    auc = float(np.mean(fold_aucs))
    raw = _judge(auc, float(params["auc_warn"]), float(params["auc_fail"]))
    threshold = float(params["auc_warn"] if raw is Status.WARN else params["auc_fail"])
    status = _severity(raw, params)
    separating = _separating_features(x, y, features)
    top = ", ".join(f"{n} ({a:.2f})" for n, a in separating[:3])
    between = f"{sets.reference_name} from {sets.current_name}"
    if status is Status.PASS:
        message = (f"no multivariate drift: a domain classifier tells {between} with ROC AUC {auc:.3f}, "
                   f"limit {params['auc_warn']}")
    else:
        message = (f"multivariate drift: a domain classifier tells {between} with ROC AUC {auc:.3f} > {threshold}; "
                   f"most separating on their own: {top}")
    edges = np.linspace(0, 1, 11)
    ref_hist = np.histogram(scores[y == 0], bins=edges)[0]
    cur_hist = np.histogram(scores[y == 1], bins=edges)[0]
    details = {
        "distribution": {"column": "domain classifier P(current)", "kind": "numeric",
                         "bins": [f"[{a:.1f}, {b:.1f})" for a, b in zip(edges, edges[1:])],
                         "reference": list(_shares(ref_hist)), "current": list(_shares(cur_hist))},
        "metrics": {"auc": auc, "auc_folds": fold_aucs, "folds": folds, "features": len(features),
                    "sample_reference": len(frames[0]), "sample_current": len(frames[1]),
                    "reference_rows": ref_rows, "current_rows": cur_rows, "seed": spec.seed},
        "table": {"title": "Features that separate the sets on their own (ROC AUC, 0.5 = none)",
                  "columns": ["feature", "auc"], "rows": [[n, a] for n, a in separating[:MAX_TABLE_ROWS]]},
    }
    return [_record(spec, "multivariate_drift", status, None, observed=auc, threshold=threshold,
                    failures=None, message=message, details=details)]


def _cross_validated_scores(x: np.ndarray, y: np.ndarray, categorical_mask: list[bool], folds: int,
                            max_iter: int, seed: int) -> tuple[np.ndarray, list[float]]:
    """Out-of-fold P(current) of every sampled row and the ROC AUC of each fold."""
    from sklearn.ensemble import HistGradientBoostingClassifier
    from sklearn.metrics import roc_auc_score
    from sklearn.model_selection import StratifiedKFold

    scores = np.zeros(len(y))
    fold_aucs = []
    for train, test in StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed).split(x, y):
        model = HistGradientBoostingClassifier(max_iter=max_iter, random_state=seed,
                                               categorical_features=categorical_mask if any(categorical_mask) else None)
        model.fit(x[train], y[train])
        scores[test] = model.predict_proba(x[test])[:, 1]
        fold_aucs.append(float(roc_auc_score(y[test], scores[test])))
    return scores, fold_aucs


def _encode(reference, current, features: list[str], spec: CheckSpec) -> np.ndarray:
    """Numbers as floats (NaN for missing/±inf), categories as codes shared by both sets (NaN for NULL)."""
    import pandas as pd

    both = pd.concat([reference, current], ignore_index=True)
    columns = []
    for name in features:
        values = both[name]
        if name in spec.categorical:
            codes = pd.Categorical(values.astype("string")).codes.astype(float)
            codes[codes < 0] = np.nan
            columns.append(codes)
        else:
            numbers = pd.to_numeric(values, errors="coerce").astype(float).to_numpy(copy=True)
            numbers[~np.isfinite(numbers)] = np.nan
            columns.append(numbers)
    return np.column_stack(columns) if columns else np.empty((len(both), 0))


def _separating_features(x: np.ndarray, y: np.ndarray, features: list[str]) -> list[tuple[str, float]]:
    """Each feature's own ROC AUC (folded to >= 0.5), largest first: where to look first."""
    from sklearn.metrics import roc_auc_score

    out = []
    for i, name in enumerate(features):
        values = x[:, i].copy()
        missing = np.isnan(values)
        if missing.all():
            continue
        # categories have no order: score each code by its share of current rows in the sample
        if len(np.unique(values[~missing])) <= MAX_CLASSIFIER_CATEGORIES:
            codes = np.where(missing, -1, values)
            levels, inverse = np.unique(codes, return_inverse=True)
            share = np.bincount(inverse, weights=y) / np.bincount(inverse)
            values = share[inverse]
        else:
            values[missing] = np.nanmin(values) - 1
        auc = float(roc_auc_score(y, values))
        out.append((name, max(auc, 1 - auc)))
    return sorted(out, key=lambda item: -item[1])


CHECKS: dict[str, Callable[[Sets, dict], list[CheckResult]]] = {
    "new_categories": new_categories,
    "feature_drift": feature_drift,
    "target_drift": target_drift,
    "multivariate_drift": multivariate_drift,
}

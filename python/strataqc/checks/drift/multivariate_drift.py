"""multivariate_drift: a domain classifier's ROC AUC at telling current rows from reference rows."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from strataqc.checks import drift_sql
from strataqc.checks.config import CheckSpec
from strataqc.checks.drift.distribution import MAX_TABLE_ROWS
from strataqc.checks.drift.effects import shares_of
from strataqc.checks.drift.params import excluded_columns
from strataqc.checks.drift.records import judge as judge_value
from strataqc.checks.drift.records import nothing_to_compare, record, severity
from strataqc.checks.drift.sets import Sets
from strataqc.results import CheckResult, Status


# levels HistGradientBoosting takes as categories; wider columns are used as ordinal codes
MAX_CLASSIFIER_CATEGORIES = 250


@dataclass(frozen=True)
class DomainClassifier:
    """How well a classifier tells current rows from reference rows in the bounded sample."""

    auc: float | None = None
    fold_aucs: tuple[float, ...] = ()
    folds: int = 0
    features: int = 0
    separating: tuple[tuple[str, float], ...] = ()      # each feature's own AUC, largest first
    reference_scores: tuple[int, ...] = ()              # sampled reference rows per tenth of P(current)
    current_scores: tuple[int, ...] = ()
    sample_reference: int = 0
    sample_current: int = 0
    reference_rows: int = 0
    current_rows: int = 0
    skipped: str | None = None      # why nothing was measured (no feature, too few rows)
    empty: str | None = None        # the set with no rows


def measure(sets: Sets, params: dict) -> DomainClassifier:
    """The domain classifier's cross-validated ROC AUC on the seeded sample (drawn in SQL)."""
    spec = sets.spec
    excluded = excluded_columns(params)
    features = [c for c in spec.numeric + spec.categorical if c not in excluded]
    if not features:
        return DomainClassifier(skipped=f"multivariate_drift on {spec.model}: no numeric or categorical feature "
                                        "to compare")
    if sets.profile is not None:  # the set sizes are in the stored profiles
        ref_rows, cur_rows = sets.profile.rows(sets.reference_side), sets.profile.rows(sets.current_side)
    else:
        ref_rows, cur_rows = drift_sql.set_sizes(sets.wh, sets.table, sets.reference, sets.current)
    if ref_rows == 0 or cur_rows == 0:
        empty = sets.reference_name if ref_rows == 0 else sets.current_name
        return DomainClassifier(reference_rows=ref_rows, current_rows=cur_rows, empty=f"no rows in {empty}")
    per_set = max(1, spec.sample_size // 2)
    key = spec.ids or features  # hash the row's identity: the same rows are drawn on every run
    # the reference is kept between nights (its days rarely change); the current set is mostly new
    frames = [drift_sql.sample_rows(sets.wh, sets.table, features, where, key, spec.seed, per_set, keep)
              for where, keep in ((sets.reference, _reference_keep(sets)), (sets.current, None))]
    x = _encode(frames[0], frames[1], features, spec)
    y = np.concatenate([np.zeros(len(frames[0]), dtype=int), np.ones(len(frames[1]), dtype=int)])
    folds = int(min(params["folds"], np.bincount(y).min()))
    if folds < 2:
        return DomainClassifier(skipped=(f"multivariate_drift: too few rows to cross-validate ({len(frames[0])} in "
                                         f"{sets.reference_name}, {len(frames[1])} in {sets.current_name})"))
    # a NULL code is NaN: nanmax, or one NULL would turn the column numeric
    categorical_mask = [name in spec.categorical and np.nanmax(np.append(x[:, i], 0)) < MAX_CLASSIFIER_CATEGORIES
                        for i, name in enumerate(features)]
    scores, fold_aucs = _cross_validated_scores(x, y, categorical_mask, folds, int(params["max_iter"]), spec.seed,
                                                max(1, int(params["threads"])))
    edges = np.linspace(0, 1, 11)
    return DomainClassifier(float(np.mean(fold_aucs)), tuple(fold_aucs), folds, len(features),
                            tuple(_separating_features(x, y, features)),
                            tuple(int(n) for n in np.histogram(scores[y == 0], bins=edges)[0]),
                            tuple(int(n) for n in np.histogram(scores[y == 1], bins=edges)[0]),
                            len(frames[0]), len(frames[1]), ref_rows, cur_rows)


def _reference_keep(sets: Sets):
    """Where the reference sample may be kept: a split's reference, with stored profiles counted by rows."""
    from strataqc.kept_sample import Keep, full_mark

    profiles = sets.spec.profiles
    if profiles is None or sets.spec.windows is not None or profiles.verify != "rows":
        return None
    return Keep(sets.spec.model, "multivariate_reference", profiles.column, profiles.rewrite_days,
                full_mark(sets.wh, sets.table))


def judge(measured: DomainClassifier, params: dict) -> Status:
    """The ROC AUC against `auc_warn` / `auc_fail`; `severity: warn`."""
    if measured.skipped:
        return Status.SKIP
    if measured.auc is None:
        return severity(Status.SKIP if params.get("allow_empty") else Status.FAIL, params)
    return severity(judge_value(measured.auc, float(params["auc_warn"]), float(params["auc_fail"])), params)


def multivariate_drift(sets: Sets, params: dict) -> list[CheckResult]:
    """A domain classifier's cross-validated ROC AUC at telling current rows from reference rows.

    0.5: the sets look alike; 1.0: every row gives away its set. The sample is
    drawn in SQL (per set, the rows with the smallest seeded hash), so every
    run sees the same rows; only `sample_size` rows reach Python.
    """
    spec = sets.spec
    m = measure(sets, params)
    if m.skipped:
        return [record(spec, "multivariate_drift", Status.SKIP, message=m.skipped)]
    if m.empty:
        return [nothing_to_compare(spec, "multivariate_drift", params, None, m.empty)]
    auc = m.auc
    raw = judge_value(auc, float(params["auc_warn"]), float(params["auc_fail"]))
    threshold = float(params["auc_warn"] if raw is Status.WARN else params["auc_fail"])
    status = judge(m, params)
    top = ", ".join(f"{n} ({a:.2f})" for n, a in m.separating[:3])
    between = f"{sets.reference_name} from {sets.current_name}"
    if status is Status.PASS:
        message = (f"no multivariate drift: a domain classifier tells {between} with ROC AUC {auc:.3f}, "
                   f"limit {params['auc_warn']}")
    else:
        message = (f"multivariate drift: a domain classifier tells {between} with ROC AUC {auc:.3f} > {threshold}; "
                   f"most separating on their own: {top}")
    edges = np.linspace(0, 1, 11)
    details = {
        "distribution": {"column": "domain classifier P(current)", "kind": "numeric",
                         "bins": [f"[{a:.1f}, {b:.1f})" for a, b in zip(edges, edges[1:])],
                         "reference": list(shares_of(list(m.reference_scores))),
                         "current": list(shares_of(list(m.current_scores)))},
        "metrics": {"auc": auc, "auc_folds": list(m.fold_aucs), "folds": m.folds, "features": m.features,
                    "sample_reference": m.sample_reference, "sample_current": m.sample_current,
                    "reference_rows": m.reference_rows, "current_rows": m.current_rows, "seed": spec.seed},
        "table": {"title": "Features that separate the sets on their own (ROC AUC, 0.5 = none)",
                  "columns": ["feature", "auc"], "rows": [[n, a] for n, a in m.separating[:MAX_TABLE_ROWS]]},
    }
    return [record(spec, "multivariate_drift", status, None, observed=auc, threshold=threshold,
                   failures=None, message=message, details=details)]


def _cross_validated_scores(x: np.ndarray, y: np.ndarray, categorical_mask: list[bool], folds: int,
                            max_iter: int, seed: int, threads: int = 1) -> tuple[np.ndarray, list[float]]:
    """Out-of-fold P(current) of every sampled row and the ROC AUC of each fold.

    The folds train side by side, one per core, each on `threads` OpenMP threads (one by default:
    on a busy machine two OpenMP threads of one fit ran ten times slower, waiting for each other;
    fits on threads of their own never wait). Each fold is seeded: the scores are the same in any order.
    """
    from concurrent.futures import ThreadPoolExecutor

    from sklearn.ensemble import HistGradientBoostingClassifier
    from sklearn.metrics import roc_auc_score
    from sklearn.model_selection import StratifiedKFold
    from threadpoolctl import threadpool_limits

    from strataqc.model.threads import available_cores

    def fold_scores(split: tuple[np.ndarray, np.ndarray]) -> np.ndarray:
        train, test = split
        # OpenMP's thread count is per calling thread: each fold limits its own
        with threadpool_limits(limits=threads, user_api="openmp"):
            model = HistGradientBoostingClassifier(
                max_iter=max_iter, random_state=seed,
                categorical_features=categorical_mask if any(categorical_mask) else None)
            model.fit(x[train], y[train])
            return model.predict_proba(x[test])[:, 1]

    splits = list(StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed).split(x, y))
    with ThreadPoolExecutor(max_workers=max(1, min(len(splits), available_cores())),
                            thread_name_prefix="strataqc-fold") as pool:
        fold_probabilities = list(pool.map(fold_scores, splits))
    scores = np.zeros(len(y))
    fold_aucs = []
    for (_, test), probabilities in zip(splits, fold_probabilities):
        scores[test] = probabilities
        fold_aucs.append(float(roc_auc_score(y[test], probabilities)))
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

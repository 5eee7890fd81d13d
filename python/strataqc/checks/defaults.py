"""Default parameters of every Python check; a model's `meta.strataqc.checks` overrides them one by one.

The parser (`config`) and the checks read the same tables, so a default is
written once.
"""

from __future__ import annotations

from typing import Any

# Feature-set checks fail on the blatant cases only; a check's `severity: warn`
# turns its failures into warnings.
FEATURE_SET_DEFAULTS: dict[str, dict[str, Any]] = {
    "single_value": {},
    "missing_values": {"max_ratio": 0.05},
    "similar_strings": {"min_similarity": 0.9, "max_values": 500, "max_groups": 0},
    "duplicate_rows": {"max_ratio": 0.0, "columns": None},
    "duplicate_columns": {"max_pairs": 0},
    "target_correlation": {"max_abs_corr": 0.97, "max_r2": 0.99},
    "feature_collinearity": {"max_abs_corr": 0.98, "severity": "warn"},
    "categorical_levels": {"max_levels": 100},
    "class_imbalance": {"min_ratio": 0.1, "bins": None, "max_classes": 20},
}
DRIFT_DEFAULTS: dict[str, dict[str, Any]] = {
    "new_categories": {},
    "feature_drift": {},
    "target_drift": {},
    "multivariate_drift": {},
}
# Parameters every check accepts.
COMMON_PARAMS: dict[str, Any] = {"enabled": True, "severity": "error", "allow_empty": False, "exclude": []}

# Effect-size thresholds; a value strictly above a threshold crosses it.
# PSI 0.1 / 0.25 is the usual "moderate / large" shift; Jensen–Shannon distance
# (base 2, in [0, 1]) 0.1 / 0.2 and Wasserstein 0.2 / 0.4 reference IQRs are
# about the same shift of a normal feature (0.3 / 0.5 standard deviations).
EFFECT_DEFAULTS: dict[str, Any] = {
    # quantile_rows: reference rows the bin edges come from (a seeded sample above it)
    "bins": 10, "quantile_rows": 200_000, "psi_warn": 0.1, "psi_fail": 0.25, "js_warn": 0.1, "js_fail": 0.2,
    "wasserstein_warn": 0.2, "wasserstein_fail": 0.4, "max_levels": 200, "exclude": [],
}
# The drift checks' own parameters; the parser takes DRIFT_DEFAULTS' names from here.
DRIFT_PARAMS: dict[str, dict[str, Any]] = {
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
CHECK_DEFAULTS: dict[str, dict[str, Any]] = {**FEATURE_SET_DEFAULTS, **DRIFT_DEFAULTS}

# YAML check name (meta.strataqc.checks) -> its family in the registry
CHECK_FAMILIES: dict[str, str] = {**{name: "feature_set" for name in FEATURE_SET_DEFAULTS},
                                  **{name: "drift" for name in DRIFT_DEFAULTS}}

"""feature_collinearity: pairs of numeric features that move together."""

from __future__ import annotations

from strataqc.checks.feature_set.context import Context, all_null
from strataqc.checks.feature_set.records import detail_table, record, verdict
from strataqc.results import CheckResult


def feature_collinearity(ctx: Context, params: dict) -> list[CheckResult]:
    """Pairs of numeric features with |Pearson r| above the limit.

    The matrix is the one target_correlation uses: complete rows of the
    reference set (what a model trains on), computed in two scans.
    """
    limit = float(params["max_abs_corr"])
    names, rows, matrix = ctx.matrix()
    excluded = set(params.get("exclude") or [])
    features = [c for c in names if c != ctx.spec.target or not ctx.numeric_target]
    compared = [c for c in features if c not in excluded]
    ranked = []
    for i, a in enumerate(features):
        for j in range(i + 1, len(features)):
            r = matrix[i, j]
            if r == r and not {a, features[j]} & excluded:  # NaN: a constant column has no correlation
                ranked.append((a, features[j], float(r)))
    ranked.sort(key=lambda t: -abs(t[2]))
    over = [(a, b, r) for a, b, r in ranked if abs(r) > limit]
    top = max((abs(r) for _, _, r in ranked), default=None)
    names_over = ", ".join(f"{a} ~ {b}" for a, b, _ in over[:10])
    sparse = [c for c in ctx.spec.numeric if c not in names and c not in excluded and not all_null(ctx.profile[c])]
    note = f"; not compared (NULL in over half the rows): {', '.join(sparse)}" if sparse else ""
    message = (f"{len(over)} pair(s) of features with |r| > {limit}: "
               + ", ".join(f"{a} ~ {b} ({r:.3f})" for a, b, r in over[:5]) + "; consider dropping one of each"
               if over else f"no pair of {len(compared)} numeric features has |r| > {limit}"
               + (f" (highest {top:.3f})" if top is not None else "")) + f" on {rows:,} complete rows{note}"
    details = {"table": detail_table("Most correlated feature pairs", ["feature", "feature", "pearson_r"],
                               [[a, b, round(r, 4)] for a, b, r in ranked])} if ranked else {}
    return [record(ctx.spec, "feature_collinearity", verdict(bool(over), params), names_over or None,
                    observed=top, threshold=limit, failures=len(over), message=message, details=details)]

"""target_correlation: a feature (or a linear mix of features) that gives the target away, a likely leak."""

from __future__ import annotations

from dataclasses import dataclass

from sqlglot import exp

from strataqc.checks import stats
from strataqc.checks.feature_set.context import Context, all_null
from strataqc.checks.feature_set.records import nothing_to_check, record, verdict
from strataqc.results import CheckResult, Status


@dataclass(frozen=True)
class Association:
    """How strongly one feature gives the target away, and whether it completes a linear identity with it."""

    feature: str
    value: float | None              # |r|, η or Cramér's V; None when it cannot be measured (constant column)
    measure: str                     # "Pearson r", "correlation ratio" or "Cramér's V"
    leak: tuple[float, float, tuple[str, ...]] | None = None  # (R² with it, R² without it, its partners)


def measure(ctx: Context, params: dict) -> list[Association]:
    """Each feature's association with the target on the reference set (rows with a known target)."""
    spec = ctx.spec
    where = ctx.target_rows()
    numeric_target = ctx.numeric_target
    features = [c for c in spec.features if not all_null(ctx.profile[c])]
    numeric = [c for c in features if c in spec.numeric]
    categorical = [c for c in features if c in spec.categorical]
    strength: dict[str, tuple[float | None, str]] = {}
    if numeric_target:
        names, _, matrix = ctx.matrix()
        # with no missing value anywhere in the matrix, its complete rows are every target row:
        # its r is the pairwise r, and one corr() per feature is saved
        complete = matrix is not None and all(ctx.profile[c].nulls + ctx.profile[c].nans == 0 for c in names)
        for feature in numeric:
            if complete and feature in names:
                r = matrix[names.index(feature), -1]
                strength[feature] = (None if r != r else float(r), "Pearson r")
        pending = [(c, spec.target) for c in numeric if c not in strength]
        for (feature, _), r in (ctx.correlations(pending, where) if pending else {}).items():
            strength[feature] = (r, "Pearson r")
        for feature, eta in ctx.correlation_ratios(categorical, spec.target, where).items():
            strength[feature] = (eta, "correlation ratio")
    else:
        for feature in numeric:
            eta = ctx.correlation_ratios([spec.target], feature, where)[spec.target]
            strength[feature] = (eta, "correlation ratio")
        for feature in categorical:
            strength[feature] = (cramers_v(ctx, feature, spec.target, where), "Cramér's V")
    leaks = linear_leaks(ctx, float(params["max_r2"])) if numeric_target else {}
    return [Association(f, *strength[f], leak=(leaks[f][0], leaks[f][1], tuple(leaks[f][2])) if f in leaks else None)
            for f in features if f in strength]


def judge(measured: Association, params: dict) -> Status:
    if measured.leak is not None:
        return verdict(True, params)
    if measured.value is None:
        return Status.SKIP
    return verdict(abs(measured.value) > float(params["max_abs_corr"]), params)


def target_correlation(ctx: Context, params: dict) -> list[CheckResult]:
    """Leakage: a feature that predicts the target almost perfectly (|Pearson r| or correlation ratio η).

    Measured on the reference set (rows with a known target); a numeric target
    pairs with numeric features by Pearson r and with categorical ones by η;
    a categorical target pairs with numeric features by η and with
    categorical ones by Cramér's V.
    """
    spec = ctx.spec
    limit = float(params["max_abs_corr"])
    if spec.target is None:
        return [record(spec, "target_correlation", Status.SKIP, message=f"{spec.model} declares no target: "
                        "add target: <column> to meta.strataqc to check for leakage")]
    if all_null(ctx.profile[spec.target]):
        return [nothing_to_check(spec, "target_correlation", params, spec.target,
                                  f"target {spec.target} is NULL in every row")]
    out = []
    for m in measure(ctx, params):
        feature, value, status = m.feature, m.value, judge(m, params)
        if m.leak is not None:
            with_it, without, partners = m.leak
            r = f"; alone {m.measure} {value:.3f}" if value is not None else ""
            group = (f"; it completes the identity with {', '.join(partners)}: one of them is built from the "
                     f"target, so check each is known at prediction time" if partners else
                     "; check it is known at prediction time")
            out.append(record(spec, "target_correlation", status, feature, observed=with_it,
                               threshold=float(params["max_r2"]), failures=1,
                               details={"identity": [feature, *partners]} if partners else {},
                               message=f"{feature} leaks the target {spec.target}: with it the numeric features "
                                       f"explain R² {with_it:.3f} of it (> {params['max_r2']}), without it "
                                       f"{without:.3f}{r}{group}"))
            continue
        if value is None:
            out.append(record(spec, "target_correlation", status, feature, threshold=limit,
                               message=f"{feature}: no {m.measure} with {spec.target} (constant or no rows "
                                       f"with both values)"))
            continue
        bad = status is not Status.PASS
        message = (f"{feature} predicts the target {spec.target} too well: {m.measure} {value:.3f}, "
                   f"|{value:.3f}| > {limit}; check it is known at prediction time (leakage)" if bad else
                   f"{feature}: {m.measure} with {spec.target} {value:.3f}, limit {limit}")
        out.append(record(spec, "target_correlation", status, feature, observed=abs(value),
                           threshold=limit, failures=1 if bad else 0, message=message))
    return out


def cramers_v(ctx: Context, a: str, b: str, where: exp.Expression) -> float | None:
    """Cramér's V of two categorical columns from their contingency table (counted in SQL)."""
    from scipy.stats.contingency import association

    frame = stats.contingency(ctx.wh, ctx.table, a, b, where)
    if frame is None or frame.empty:
        return None
    table = frame.pivot_table(index="a", columns="b", values="n", aggfunc="sum", fill_value=0)
    if min(table.shape) < 2:
        return None  # one level on either side: no association to measure
    return float(association(table.to_numpy(), method="cramer"))


def linear_leaks(ctx: Context, max_r2: float) -> dict[str, tuple[float, float]]:
    """Features that make the target an (almost) exact linear function of the features.

    A leak built from the target (a window reaching into the target period) is
    often unremarkable alone but completes a linear identity with honest
    features. R² of the target on the numeric features comes from their
    correlation matrix (complete rows, computed in the warehouse); while it
    exceeds `max_r2`, the features without which it falls to `max_r2` or
    below complete the identity together: all are flagged, since the rule
    cannot tell the one built from the target from its honest partners (name
    only one and a user who drops it keeps the leak). When no single removal
    is enough (a leak in two copies), the feature whose removal lowers it most
    is flagged and removed, and the search goes on. Returns feature ->
    (R² with it, R² without it, the other features of its identity).
    """
    import numpy as np

    names, rows, matrix = ctx.matrix()
    if matrix is None:
        return {}
    y = len(names) - 1
    # a constant column's row and column are NaN: leave it out, not every column it meets
    current = [i for i in range(y) if not np.isnan(matrix[i, i])]
    if np.isnan(matrix[y, y]) or rows < 10 + 2 * len(current):
        return {}  # too few complete rows for a stable fit

    def r2(idx: list[int]) -> float:
        if not idx:
            return 0.0
        s = matrix[idx, y]
        return float(min(1.0, max(0.0, s @ np.linalg.pinv(matrix[np.ix_(idx, idx)]) @ s)))

    flagged: dict[str, tuple[float, float, list[str]]] = {}
    explained = r2(current)
    while current and explained > max_r2:
        without = {i: r2([j for j in current if j != i]) for i in current}
        needed = [i for i in current if without[i] <= max_r2]
        if needed:
            for i in needed:
                flagged[names[i]] = (explained, without[i], [names[j] for j in needed if j != i])
            break
        top = min(without, key=without.get)
        flagged[names[top]] = (explained, without[top], [])
        current.remove(top)
        explained = without[top]
    return flagged

"""feature_collinearity: pairs of numeric features that move together."""

from __future__ import annotations

from dataclasses import dataclass

from strataqc.checks.feature_set.context import Context, all_null
from strataqc.checks.feature_set.records import detail_table, record, verdict
from strataqc.results import CheckResult, Status


@dataclass(frozen=True)
class Collinearity:
    """Pearson r of each pair of numeric features on the complete rows, the strongest first."""

    rows: int                                   # complete rows of the reference set
    compared: tuple[str, ...]                   # numeric features in the matrix, not excluded
    ranked: tuple[tuple[str, str, float], ...]  # (feature, feature, r), by |r| descending
    sparse: tuple[str, ...] = ()                # left out: NULL in over half the rows

    def over(self, limit: float) -> list[tuple[str, str, float]]:
        return [(a, b, r) for a, b, r in self.ranked if abs(r) > limit]

    @property
    def top(self) -> float | None:
        return max((abs(r) for _, _, r in self.ranked), default=None)


def measure(ctx: Context, params: dict) -> Collinearity:
    """The matrix is the one target_correlation uses: complete rows of the reference set, in two scans."""
    names, rows, matrix = ctx.matrix()
    excluded = set(params.get("exclude") or [])
    features = [c for c in names if c != ctx.spec.target or not ctx.numeric_target]
    ranked = []
    for i, a in enumerate(features):
        for j in range(i + 1, len(features)):
            r = matrix[i, j]
            if r == r and not {a, features[j]} & excluded:  # NaN: a constant column has no correlation
                ranked.append((a, features[j], float(r)))
    ranked.sort(key=lambda t: -abs(t[2]))
    sparse = [c for c in ctx.spec.numeric if c not in names and c not in excluded and not all_null(ctx.profile[c])]
    return Collinearity(rows, tuple(c for c in features if c not in excluded), tuple(ranked), tuple(sparse))


def judge(measured: Collinearity, params: dict) -> Status:
    return verdict(bool(measured.over(float(params["max_abs_corr"]))), params)


def feature_collinearity(ctx: Context, params: dict) -> list[CheckResult]:
    """Pairs of numeric features with |Pearson r| above the limit."""
    limit = float(params["max_abs_corr"])
    m = measure(ctx, params)
    over, top = m.over(limit), m.top
    names_over = ", ".join(f"{a} ~ {b}" for a, b, _ in over[:10])
    note = f"; not compared (NULL in over half the rows): {', '.join(m.sparse)}" if m.sparse else ""
    message = (f"{len(over)} pair(s) of features with |r| > {limit}: "
               + ", ".join(f"{a} ~ {b} ({r:.3f})" for a, b, r in over[:5]) + "; consider dropping one of each"
               if over else f"no pair of {len(m.compared)} numeric features has |r| > {limit}"
               + (f" (highest {top:.3f})" if top is not None else "")) + f" on {m.rows:,} complete rows{note}"
    details = {"table": detail_table("Most correlated feature pairs", ["feature", "feature", "pearson_r"],
                               [[a, b, round(r, 4)] for a, b, r in m.ranked])} if m.ranked else {}
    return [record(ctx.spec, "feature_collinearity", judge(m, params), names_over or None,
                    observed=top, threshold=limit, failures=len(over), message=message, details=details)]

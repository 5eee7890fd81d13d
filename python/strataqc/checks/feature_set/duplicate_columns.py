"""duplicate_columns: pairs of features equal in every row (NULL equals NULL)."""

from __future__ import annotations

from dataclasses import dataclass

from strataqc.checks import stats
from strataqc.checks.feature_set.context import Context, all_null
from strataqc.checks.feature_set.records import detail_table, record, verdict
from strataqc.results import CheckResult, Status


@dataclass(frozen=True)
class Identical:
    """Pairs of features equal in every row, out of the pairs compared."""

    features: int                       # features compared (not all NULL, not excluded)
    pairs: int                          # pairs of comparable types
    same: tuple[tuple[str, str], ...]


def measure(ctx: Context, params: dict) -> Identical:
    """All candidate pairs in one scan."""
    excluded = set(params.get("exclude") or [])
    usable = [c for c in ctx.spec.features if not all_null(ctx.profile[c]) and c not in excluded]
    pairs = stats.comparable_pairs(ctx.spec.columns, usable)
    # identical columns have identical profiles: only pairs whose counts and min/max agree are scanned
    candidates = [(a, b) for a, b in pairs if _same_profile(ctx.profile[a], ctx.profile[b])]
    mismatches = ctx.mismatch_counts(candidates) if candidates else {}
    return Identical(len(usable), len(pairs), tuple(tuple(pair) for pair, n in mismatches.items() if n == 0))


def judge(measured: Identical, params: dict) -> Status:
    return verdict(len(measured.same) > int(params["max_pairs"]), params)


def duplicate_columns(ctx: Context, params: dict) -> list[CheckResult]:
    """Features equal to another feature in every row (NULL = NULL), all pairs in one scan."""
    m = measure(ctx, params)
    same = m.same
    names = ", ".join(f"{a} = {b}" for a, b in same[:10])
    message = (f"{len(same)} pair(s) of identical columns: {names}; keep one of each" if same else
               f"no two of {m.features} features are identical ({m.pairs} pairs compared)")
    details = {"table": detail_table("Identical columns", ["column", "same as"], [list(p) for p in same])} if same else {}
    return [record(ctx.spec, "duplicate_columns", judge(m, params), names or None, observed=len(same),
                    threshold=int(params["max_pairs"]), failures=len(same), message=message, details=details)]


def _same_profile(a: stats.ColumnStats, b: stats.ColumnStats) -> bool:
    return (a.nulls, a.nans, a.empties, a.distinct, a.minimum, a.maximum) == \
        (b.nulls, b.nans, b.empties, b.distinct, b.minimum, b.maximum)

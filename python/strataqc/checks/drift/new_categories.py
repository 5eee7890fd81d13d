"""new_categories: levels of a categorical feature seen in the current set and never in the reference set."""

from __future__ import annotations

from dataclasses import dataclass

from strataqc.checks import drift_sql
from strataqc.checks.drift.distribution import MAX_TABLE_ROWS
from strataqc.checks.drift.params import excluded_columns
from strataqc.checks.drift.records import judge as judge_share
from strataqc.checks.drift.records import nothing_to_compare, per_column, record, severity
from strataqc.checks.drift.sets import Sets
from strataqc.results import CheckResult, Status


def new_categories(sets: Sets, params: dict) -> list[CheckResult]:
    """Per categorical feature: categories with current rows and no reference row."""
    spec, out = sets.spec, []
    for name in [c for c in spec.categorical if c not in excluded_columns(params)]:
        out.append(per_column(spec, "new_categories", name, lambda: _new_categories_of(sets, params, name)))
    return out


@dataclass(frozen=True)
class NewCategories:
    """Categories of one column with current rows and no reference row (the largest listed)."""

    name: str
    levels: tuple[str, ...]
    counts: tuple[int, ...]
    total_levels: int           # all new categories
    new_rows: int               # current rows in a new category
    reference_rows: int         # non-NULL rows of each set
    current_rows: int

    @property
    def share(self) -> float:
        return self.new_rows / self.current_rows if self.current_rows else 0.0


def measure(sets: Sets, params: dict, name: str) -> NewCategories:
    """New categories of `name`: from the stored profiles when kept, else one scan of the table."""
    limit = int(params["max_listed"])
    if sets.profiled(name):
        new = sets.profile.new_levels(name, sets.reference_side, sets.current_side, limit)
    else:
        new = drift_sql.new_levels(sets.wh, sets.table, name, sets.reference, sets.current, limit)
    return NewCategories(name, tuple(new.levels), tuple(new.counts), new.total_levels, new.total_rows,
                         new.reference_rows, new.current_rows)


def judge(measured: NewCategories, params: dict) -> Status:
    """The share of current rows in new categories against `warn_share` / `fail_share`; `severity: warn`."""
    if measured.reference_rows == 0 or measured.current_rows == 0:
        return severity(Status.SKIP if params.get("allow_empty") else Status.FAIL, params)
    return severity(judge_share(measured.share, float(params["warn_share"]), float(params["fail_share"])), params)


def _new_categories_of(sets: Sets, params: dict, name: str) -> CheckResult:
    spec = sets.spec
    new = measure(sets, params, name)
    # non-NULL rows of each set (a NULL is missing, not a category)
    if new.reference_rows == 0 or new.current_rows == 0:
        empty = sets.reference_name if new.reference_rows == 0 else sets.current_name
        return nothing_to_compare(spec, "new_categories", params, name, f"{name}: no value in {empty}")
    present, share = new.current_rows, new.share
    raw = judge_share(share, float(params["warn_share"]), float(params["fail_share"]))
    threshold = float(params["warn_share"] if raw is Status.WARN else params["fail_share"])
    status = judge(new, params)
    if new.total_levels:
        shown = ", ".join(f"{v!r} ({n:,} rows)" for v, n in zip(new.levels, new.counts))
        more = f" and {new.total_levels - len(new.levels)} more" if new.total_levels > len(new.levels) else ""
        message = (f"{name}: {new.total_levels} new categor{'y' if new.total_levels == 1 else 'ies'} in "
                   f"{sets.current_name} absent from {sets.reference_name}: {shown}{more}; {share:.1%} of "
                   f"{sets.current_name} rows, limit {threshold:.1%}")
    else:
        message = f"{name}: every category of {sets.current_name} is present in {sets.reference_name}"
    bins, shares = list(new.levels), [n / present for n in new.counts]
    unlisted = new.new_rows - sum(new.counts)
    if new.total_levels > len(new.levels):  # shares still add up to one
        bins.append("(other new categories)")
        shares.append(unlisted / present)
    details = {
        "distribution": {"column": name, "kind": "categorical", "bins": [*bins, "(known categories)"],
                         "reference": [0.0] * len(bins) + [1.0], "current": [*shares, 1.0 - share]},
        "metrics": {"new_categories": new.total_levels, "new_rows": new.new_rows, "new_share": share,
                    "current_rows": present, "reference_rows": new.reference_rows},
        "table": {"title": f"New categories of {name}", "columns": ["category", "rows", "share"],
                  "rows": [[v, n, n / present] for v, n in zip(new.levels, new.counts)][:MAX_TABLE_ROWS]},
    }
    return record(spec, "new_categories", status, name, observed=share, threshold=threshold,
                  failures=new.new_rows, message=message, details=details)

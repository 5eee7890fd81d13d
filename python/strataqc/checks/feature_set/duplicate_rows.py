"""duplicate_rows: rows repeated over all columns (or the columns given)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from strataqc.checks.feature_set.context import Context
from strataqc.checks.feature_set.records import MAX_SAMPLE_ROWS, record, sample, verdict
from strataqc.results import CheckResult, Status


@dataclass(frozen=True)
class Duplicates:
    """Rows beyond the first of each repeated group, out of the table's rows."""

    rows: int
    surplus: int
    groups: int
    scope: str                                  # "all columns" or the columns compared
    examples: Any = field(default=None, compare=False)  # a few repeated rows (a frame)

    @property
    def ratio(self) -> float:
        return self.surplus / self.rows


def measure(ctx: Context, names: list[str], scope: str) -> Duplicates:
    """Counted by GROUP BY in the warehouse (per day, from stored facts, with `profiles:`)."""
    surplus, groups, examples = ctx.duplicate_rows(names, MAX_SAMPLE_ROWS)
    return Duplicates(ctx.rows, surplus, groups, scope, examples)


def judge(measured: Duplicates, params: dict) -> Status:
    return verdict(measured.ratio > float(params["max_ratio"]), params)  # strict: equal to the limit passes


def duplicate_rows(ctx: Context, params: dict) -> list[CheckResult]:
    """Rows repeated in every column (or in `columns`), counted by GROUP BY in the warehouse."""
    limit = float(params["max_ratio"])
    excluded = set(params.get("exclude") or [])
    names = [c for c in params.get("columns") or list(ctx.spec.columns) if c not in excluded]
    if not names:
        return [record(ctx.spec, "duplicate_rows", Status.ERROR,
                        message=f"{ctx.spec.model}: checks.duplicate_rows leaves no column to compare; "
                                f"name some in columns: or exclude fewer")]
    m = measure(ctx, names, "all columns" if not params.get("columns") and not excluded else ", ".join(names))
    message = (f"{m.surplus:,} duplicate rows ({m.ratio:.2%}) in {m.groups:,} groups over {m.scope}, "
               f"limit {limit:.2%}: de-duplicate upstream" if m.surplus else f"no duplicate rows over {m.scope}")
    return [record(ctx.spec, "duplicate_rows", judge(m, params), None, observed=m.ratio, threshold=limit,
                    failures=m.surplus, message=message, details={"sample": sample(m.examples)} if m.surplus else {})]

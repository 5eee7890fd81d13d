"""What incidents are made of: a problem (a failing check or an anomaly, with the columns it reads) and an incident
(a root and its symptoms). incidents.py groups them; followups.py joins tonight's news to earlier incidents."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from strataqc.layers import layer_rank
from strataqc.results import CheckResult, CheckType, Status

PROBLEM = {Status.FAIL, Status.ERROR, Status.WARN}
# checks about a model's rows rather than one column's values
ROW_CHECKS = {
    "build", "unique_key", "unique", "date_continuity", "value_continuity", "volume_anomaly",
    "row_count_between", "reconcile_row_count", "reconcile_sum", "reconcile_date_range", "recency",
    "schema_unchanged", "python_checks", "duplicate_rows",
}


@dataclass
class Problem:
    key: str
    record: CheckResult
    columns: frozenset[str] | None  # None: the whole model (its rows, or all its values)
    anomaly: bool = False
    why: str = ""  # tonight's news: new | worse | changed | anomaly (news.py); "" when unchanged

    @property
    def rows(self) -> bool:
        """A check of the model's rows (keys, dates, volume, counts) rather than of values."""
        return self.record.check in ROW_CHECKS or (self.columns is None and self.record.check_type is CheckType.SQL)

    @property
    def model(self) -> str:
        return self.record.model or ""

    def describe(self) -> dict[str, Any]:
        r = self.record
        return {"check_key": self.key, "check": r.check, "model": r.model, "column": r.column,
                "columns": sorted(self.columns) if self.columns else [], "layer": r.layer,
                "status": "anomaly" if self.anomaly and r.status not in PROBLEM else str(r.status)}


@dataclass
class Incident:
    root: Problem
    symptoms: list[Problem] = field(default_factory=list)
    id: str = ""
    first_seen: str = ""

    @property
    def members(self) -> list[Problem]:
        return [self.root, *self.symptoms]

    def layers(self) -> list[str]:
        found = {p.record.layer or "other" for p in self.members}
        return sorted(found, key=layer_rank)

    def headline(self) -> str:
        """"root: dwd_sales.unit_price value_range; 4 symptoms in dws, ads"."""
        root = self.root.record
        where = (root.model or "") + (f".{_columns_text(self.root)}" if self.root.columns else "")
        text = f"root: {where} {root.check}"
        if self.symptoms:
            layers = sorted({p.record.layer or "other" for p in self.symptoms}, key=layer_rank)
            n = len(self.symptoms)
            text += f"; {n} symptom{'s' if n != 1 else ''} in {', '.join(layers)}"
        return text


def _columns_text(p: Problem) -> str:
    return ",".join(sorted(p.columns or ()))


# arguments naming the columns a model-level test reads (its key, its dates, its values)
COLUMN_ARGUMENTS = ("columns", "column", "value_column", "date_column")


def problem_columns(r: CheckResult) -> frozenset[str] | None:
    """The columns a check reads; None when it reads the whole model."""
    if r.column:
        return frozenset([r.column])
    # column_checks: one test, a rule per column; the failing rules name their columns ("units: value_range")
    named = {str(rule).split(":", 1)[0].strip() for rule in r.details.get("rules") or [] if ":" in str(rule)}
    if named:
        return frozenset(named)
    arguments = r.details.get("arguments") if isinstance(r.details.get("arguments"), dict) else {}
    for name in COLUMN_ARGUMENTS:
        value = arguments.get(name)
        if isinstance(value, str):
            named.add(value)
        elif isinstance(value, (list, dict)):  # a key's columns, or column_checks' rules per column
            named |= {str(v) for v in value}
    return frozenset(named) or None

"""The reference and current sets of one table: their WHERE conditions and their names in messages."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlglot import exp

from strataqc.checks.config import CheckSpec, current_filter, reference_filter


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
        return set_name(self.spec, "reference")

    @property
    def current_name(self) -> str:
        return set_name(self.spec, "current")


def set_name(spec: CheckSpec, which: str) -> str:
    if spec.windows is not None:
        low, high = spec.windows[which]
        return f"{which} {low}..{high}"
    return str(spec.reference if which == "reference" else spec.current)

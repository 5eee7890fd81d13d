"""The reference and current sets of one table: their WHERE conditions and their names in messages."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlglot import exp

from strataqc.checks.config import CheckSpec, current_filter, reference_filter
from strataqc.checks.profiles.merge import Merged, Side


@dataclass
class Sets:
    """The table and the WHERE conditions of its two sets, with names for messages.

    With `profile` (the model's merged day profiles), the sets are also `Side`s
    of the profiles, and summaries come from them instead of the table.
    """

    wh: Any
    spec: CheckSpec
    profile: Merged | None = None

    @property
    def reference_side(self) -> Side:
        return side_of(self.spec, "reference")

    @property
    def current_side(self) -> Side:
        return side_of(self.spec, "current")

    def profiled(self, name: str) -> bool:
        """True when `name`'s summaries come from stored profiles."""
        return self.profile is not None and self.profile.has(name)

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
    """The set `which` in messages: its split value, or `reference 2024-01-01..2024-02-25`."""
    side = side_of(spec, which)
    return side.set_value if side.set_value is not None else f"{which} {side.low}..{side.high}"


def side_of(spec: CheckSpec, which: str) -> Side:
    """The set `which` as a `Side` of the day profiles: a split value, or a window of days."""
    if spec.windows is not None:
        low, high = spec.windows[which]
        return Side(None, str(low), str(high))
    return Side(str(spec.reference if which == "reference" else spec.current))

"""The resolved dbt target and the one error every connection failure becomes.

The floor of the engine modules: it imports nothing of the package, so the
connection modules and `strataqc.warehouse` can all build on it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

# dbt adapter type -> sqlglot dialect
DIALECTS = {"duckdb": "duckdb", "postgres": "postgres", "spark": "spark"}


class WarehouseError(Exception):
    """The warehouse cannot be reached or the profile is wrong; says what to do."""


@dataclass(frozen=True)
class Target:
    """The resolved dbt profile target (secrets stay in `settings`, never printed)."""

    profile: str
    name: str
    type: str
    settings: dict[str, Any]

    @property
    def dialect(self) -> str:
        return DIALECTS.get(self.type, self.type)

    @property
    def label(self) -> str:
        """How an error names the target: the profile and output, as `--target` takes it."""
        return f"target '{self.name}' of profile '{self.profile}'"

    def describe(self) -> str:
        """A log-safe description: no passwords, tokens or keys."""
        where = self.settings.get("path") or self.settings.get("host") or self.settings.get("method", "")
        return f"{self.profile}.{self.name} ({self.type}: {where})"

"""The one result record every check becomes (DESIGN §5)."""

from __future__ import annotations

import dataclasses
import enum
import math
from dataclasses import dataclass, field
from typing import Any


class Status(str, enum.Enum):
    PASS = "pass"
    WARN = "warn"
    FAIL = "fail"
    ERROR = "error"
    SKIP = "skip"

    def __str__(self) -> str:  # so f-strings and JSON show "fail", not "Status.FAIL"
        return self.value


# Worst first: a run's status is the worst of its records.
SEVERITY_ORDER = [Status.ERROR, Status.FAIL, Status.WARN, Status.SKIP, Status.PASS]


class CheckType(str, enum.Enum):
    SQL = "sql"
    FEATURE_SET = "feature_set"
    DRIFT = "drift"
    MODEL_QUALITY = "model_quality"
    ATTRIBUTION = "attribution"

    def __str__(self) -> str:
        return self.value


RECORD_FIELDS = (
    "run_id", "generated_at", "check", "check_type", "layer", "model", "column",
    "status", "observed", "threshold", "failures", "message", "duration_s",
    # DESIGN §7: the incident a failure or anomaly belongs to, and whether it is its root or a symptom
    "incident_id", "role",
)


@dataclass(frozen=True)
class CheckResult:
    """One check's verdict. `run_id` and `generated_at` are stamped by the run.

    `details` carries small, JSON-safe extras for the report (histograms for a
    drift plot, an attribution table, sample failing rows); it is not part of
    the DESIGN §5 record and is kept out of `record()`.
    """

    check: str
    status: Status
    model: str | None = None
    column: str | None = None
    check_type: CheckType = CheckType.SQL
    layer: str | None = None
    observed: float | None = None
    threshold: float | None = None
    failures: int | None = None
    message: str = ""
    duration_s: float | None = None
    run_id: str | None = None
    generated_at: str | None = None
    incident_id: str | None = None
    role: str | None = None  # root | symptom
    details: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)

    def replace(self, **changes: Any) -> "CheckResult":
        return dataclasses.replace(self, **changes)

    def record(self) -> dict[str, Any]:
        """The DESIGN §5 record: JSON-safe, NaN/inf turned into None."""
        out: dict[str, Any] = {}
        for name in RECORD_FIELDS:
            value = getattr(self, name)
            if isinstance(value, enum.Enum):
                value = value.value
            elif isinstance(value, float) and not math.isfinite(value):
                value = None
            out[name] = value
        return out


def worst(statuses: list[Status]) -> Status:
    """The most severe status among `statuses` (PASS when empty)."""
    for status in SEVERITY_ORDER:
        if status in statuses:
            return status
    return Status.PASS

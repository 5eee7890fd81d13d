"""One night's run: every record of the SQL and Python checks, stamped with one run id."""

from __future__ import annotations

import dataclasses
import enum
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Mapping

from strataqc.layers import layer_rank
from strataqc.results import SEVERITY_ORDER, CheckResult, CheckType, Status, worst


class FailOn(str, enum.Enum):
    """The least severe status that makes `qc-report run` exit 1."""

    error = "error"
    warn = "warn"
    never = "never"


# --fail-on error: a check at error severity failed (dbt 'fail'), or a check could not run
BREACHING = {
    FailOn.error: {Status.FAIL, Status.ERROR},
    FailOn.warn: {Status.FAIL, Status.ERROR, Status.WARN},
    FailOn.never: set(),
}


def check_key(result: CheckResult) -> str:
    """A check's identity across nights: type, model, dbt test name (or check), column.

    dbt's test name is stable while its arguments change only its unique_id hash,
    so a tightened threshold keeps the check's history.
    """
    name = result.details.get("test_name") or result.check
    return "|".join([str(result.check_type), result.model or "", name, result.column or ""])


def status_rank(status: Status) -> int:
    return SEVERITY_ORDER.index(status)


@dataclass
class RunContext:
    """What the history adds beside tonight's records; None until the history was read.

    Keyed by `check_key`; the renderers read it by name (`context.get("trends")`), so
    a report without history renders the same as one whose history is empty.
    """

    trends: dict[str, dict[str, Any]] | None = None           # verdict, history_n, median, z per check
    series: dict[str, list[float]] | None = None              # observed values of earlier runs
    status_series: dict[str, list[tuple[str, str]]] | None = None  # (generated_at, status) of earlier runs
    anomalies: list[dict[str, Any]] | None = None
    changes: dict[str, Any] | None = None                     # new, fixed, newly_failing, gone since the last run
    acks: list[dict[str, Any]] | None = None                  # acknowledgements covering tonight's failures
    acked_keys: list[str] | None = None
    history_note: str | None = None
    history_runs: int | None = None
    incidents: list[dict[str, Any]] | None = None            # DESIGN §7: failures grouped by lineage, root first
    previous: dict[str, dict[str, Any]] | None = None        # last run's status, observed, failures, message
    # (or, when last run read another scope, the newest earlier record read in tonight's scope)
    rescoped: list[str] | None = None                        # checks no earlier run read in tonight's scope
    followups: dict[str, str] | None = None                  # check key -> earlier incident explaining tonight's news

    def get(self, name: str, default: Any = None) -> Any:
        value = getattr(self, name) if name in _CONTEXT_FIELDS else None
        return default if value is None else value

    def __getitem__(self, name: str) -> Any:
        if name not in _CONTEXT_FIELDS:
            raise KeyError(name)
        return getattr(self, name)

    def __setitem__(self, name: str, value: Any) -> None:
        self.update({name: value})

    def update(self, values: Mapping[str, Any] = (), /, **more: Any) -> None:
        """Set fields from a mapping (what `history.run_context` returns); an unknown key is a bug."""
        merged = {**dict(values), **more}
        unknown = sorted(set(merged) - set(_CONTEXT_FIELDS))
        if unknown:
            raise TypeError(f"RunContext has no field {', '.join(unknown)}; known: {', '.join(_CONTEXT_FIELDS)}")
        for name, value in merged.items():
            setattr(self, name, value)


_CONTEXT_FIELDS = tuple(f.name for f in dataclasses.fields(RunContext))


@dataclass
class QCRun:
    """The merged run; `context` carries history-derived extras for the renderers."""

    run_id: str
    generated_at: str
    results: list[CheckResult]
    context: RunContext = field(default_factory=RunContext)

    @classmethod
    def merge(cls, run_id: str, generated_at: str, *parts: list[CheckResult]) -> "QCRun":
        stamped = [r.replace(run_id=run_id, generated_at=generated_at) for part in parts for r in part]
        return cls(run_id, generated_at, stamped)

    @property
    def status(self) -> Status:
        return worst([r.status for r in self.results])

    def breaches(self, fail_on: FailOn) -> list[CheckResult]:
        return [r for r in self.results if r.status in BREACHING[fail_on]]

    def summary(self) -> dict[str, Any]:
        counts = Counter(str(r.status) for r in self.results)
        by_layer: dict[str, dict[str, int]] = {}
        for r in self.results:
            layer = by_layer.setdefault(r.layer or "other", {s.value: 0 for s in Status})
            layer[str(r.status)] += 1
        by_type = Counter(str(r.check_type) for r in self.results)
        return {
            "status": str(self.status),
            "total": len(self.results),
            **{s.value: counts.get(s.value, 0) for s in Status},
            "by_layer": dict(sorted(by_layer.items(), key=lambda kv: layer_rank(kv[0]))),
            "by_check_type": {t.value: by_type.get(t.value, 0) for t in CheckType if by_type.get(t.value)},
            "not_built": [{"model": r.model, "status": str(r.status), "stopped_by": (r.details or {}).get("stopped_by")}
                          for r in self.not_built()],
        }

    def not_built(self) -> list[CheckResult]:
        """Models dbt did not build tonight (build error, or skipped behind a failure), ODS first."""
        unbuilt = [r for r in self.results if r.check == "build" and r.status in (Status.ERROR, Status.SKIP)]
        return sorted(unbuilt, key=lambda r: (layer_rank(r.layer), r.model or ""))

    def not_built_text(self) -> str | None:
        """'Not built (n): model (what stopped it); ...', or None when every model was built."""
        unbuilt = self.not_built()
        if not unbuilt:
            return None

        def why(r: CheckResult) -> str:
            details = r.details or {}
            if r.status is Status.ERROR:
                return "build error"
            if details.get("stopped_by"):
                kind = "failing test " if details.get("stopped_by_test") else ""
                return f"stopped by {kind}{details['stopped_by']}"
            return "skipped by dbt"
        return f"Not built ({len(unbuilt)}): " + "; ".join(f"{r.model} ({why(r)})" for r in unbuilt)

    def ordered(self) -> list[CheckResult]:
        """Grouped by layer (ODS→ADS), failures first, then model and check."""
        return sorted(self.results, key=lambda r: (layer_rank(r.layer), status_rank(r.status), r.model or "",
                                                   r.check, r.column or ""))

    def by_layer(self) -> list[tuple[str, list[CheckResult]]]:
        groups: dict[str, list[CheckResult]] = {}
        for r in self.ordered():
            groups.setdefault(r.layer or "other", []).append(r)
        return list(groups.items())

    def problems(self) -> list[CheckResult]:
        """Everything not passing, worst first."""
        bad = [r for r in self.results if r.status in (Status.ERROR, Status.FAIL, Status.WARN)]
        return sorted(bad, key=lambda r: (status_rank(r.status), layer_rank(r.layer), r.model or "", r.check))

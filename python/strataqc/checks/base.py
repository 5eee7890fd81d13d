"""What every check family shares: running the enabled checks of a spec, each guarded.

A check that raises becomes one `error` record, so one broken check never hides
the others' results.
"""

from __future__ import annotations

import time
from typing import Any, Callable, Iterable

from strataqc.results import CheckResult, CheckType, Status


def run_enabled(spec: Any, names: Iterable[str], check_type: CheckType,
                run: Callable[[str], list[CheckResult]]) -> list[CheckResult]:
    """`run(name)` for each of `names` that `spec` enables, in order (feature-set and drift checks).

    A check that raises becomes one `error` record; every record without a
    duration gets its check's.
    """
    results: list[CheckResult] = []
    for name in names:
        if name not in spec.checks:
            continue
        started = time.monotonic()
        try:
            records = run(name)
        except Exception as exc:  # one broken check must not hide the others
            records = [CheckResult(check=name, status=Status.ERROR, model=spec.model, layer=spec.layer,
                                   check_type=check_type, message=f"{name} on {spec.model} could not run: "
                                                                  f"{type(exc).__name__}: {first_line(exc)}")]
        elapsed = round(time.monotonic() - started, 3)
        results += [r.replace(duration_s=elapsed) if r.duration_s is None else r for r in records]
    return results


def first_line(exc: BaseException, limit: int = 300) -> str:
    """The first line of an exception's message, at most `limit` characters."""
    lines = str(exc).strip().splitlines()
    return lines[0][:limit] if lines else ""

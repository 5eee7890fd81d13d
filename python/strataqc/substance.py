"""Did a failure change in substance? Another status, a value beyond a tolerance, other things failing.

A failing-row count that grows with the table is not a change: a value must move
beyond the tolerance from the alerted one *and* from last night's.
"""

from __future__ import annotations

import math
import re
from typing import Any

from strataqc.results import CheckResult

# a value that moved less than this (relative) is "unchanged" for alerts and acks (`change_tolerance`)
CHANGE_TOLERANCE = 0.10
# fewer failing rows than this more (or less) is never a change, whatever the ratio
CHANGE_MIN_ROWS = 3


def _present(value: Any) -> bool:
    return value is not None and not (isinstance(value, float) and math.isnan(value)) and str(value) != "<NA>"


def _moved(old: Any, new: Any, tolerance: float, min_abs: float = 0.0) -> bool:
    if not _present(old) or new is None:
        return False
    old, new = float(old), float(new)
    return abs(new - old) > max(tolerance * max(abs(old), 1e-12), min_abs)


def _substance(message: Any) -> frozenset[str]:
    """What is failing, named: quoted values ('Ready Meals') and `column: rule` pairs, without the counts."""
    text = str(message or "")
    quoted = re.findall(r"'([^']{1,80})'", text)
    rules = re.findall(r"on [\w.]+\.(\w+) (\w+):", text)
    return frozenset(quoted) | frozenset(f"{c}: {r}" for c, r in rules)


def changed(old_status: Any, old_failures: Any, old_observed: Any, r: CheckResult, *,
            previous: dict[str, Any] | None = None, tolerance: float = CHANGE_TOLERANCE) -> bool:
    """Did a failure change in substance since it was last alerted or acknowledged?

    Another status; an observed value (else failing-row count) beyond `tolerance` of the alerted one and,
    when last night is known, of last night's too (a count creeping up with the table is no news); or
    something else named as failing (another category, group, column or rule) than last night.
    """
    if str(old_status) != str(r.status):
        return True
    if r.observed is not None and _present(old_observed):
        moved = _moved(old_observed, r.observed, tolerance)
        if moved and previous is not None and _present(previous.get("observed")):
            moved = _moved(previous["observed"], r.observed, tolerance)
    else:
        moved = _moved(old_failures, r.failures, tolerance, CHANGE_MIN_ROWS)
        if moved and previous is not None and _present(previous.get("failures")):
            moved = _moved(previous["failures"], r.failures, tolerance, CHANGE_MIN_ROWS)
    if moved:
        return True
    if previous is not None and previous.get("message") is not None:
        return bool(_substance(r.message) - _substance(previous["message"]))
    return False


# a rule's failing rows inside a multi-rule check's message (column_checks: one record, many rules)
FACET = re.compile(r"on \S+?\.([^\s.]+) (\w+): (\d+)(?: of \d+)? rows? fail")


def facets(message: Any) -> dict[str, float]:
    """`column: rule` -> failing rows, read from a column_checks message; {} for other checks.

    column_checks folds every rule into one record: without this, a NULL share that triples on one
    column leaves the record's failure count (rules failing) unchanged."""
    found = {f"{c}: {rule}": float(n) for c, rule, n in FACET.findall(str(message or ""))}
    return found if len(found) >= 1 and "column_checks" in str(message or "") else {}

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


def present(value: Any) -> bool:
    """A value the history holds: not NULL, NaN or pandas' NA."""
    return value is not None and not (isinstance(value, float) and math.isnan(value)) and str(value) != "<NA>"


def _moved(old: Any, new: Any, tolerance: float, min_abs: float = 0.0) -> bool:
    if not present(old) or new is None:
        return False
    old, new = float(old), float(new)
    return abs(new - old) > max(tolerance * max(abs(old), 1e-12), min_abs)


def _substance(message: Any) -> frozenset[str]:
    """What is failing, named: quoted values ('Ready Meals') and `column: rule` pairs, without the counts."""
    text = str(message or "")
    quoted = re.findall(r"'([^']{1,80})'", text)
    rules = re.findall(r"on [\w.]+\.(\w+) (\w+):", text)
    return frozenset(quoted) | frozenset(f"{c}: {r}" for c, r in rules)


# tonight's move must be this many times the usual nightly move: a steady drift is one story, not news each night
JUMP = 3.0


def _jump(recent: list[float] | None, new: Any, last: Any, tolerance: float = CHANGE_TOLERANCE) -> bool:
    """Is last night -> tonight a jump against the nightly moves before it?

    Without two earlier nights the usual move is unknown: taken as `tolerance` (relative), a jump is a
    move beyond JUMP times it."""
    values = [float(v) for v in (recent or []) if present(v)][-8:]
    if new is None or not present(last):
        return True
    if len(values) < 2:
        return _moved(last, new, JUMP * tolerance)
    moves = sorted(abs(b - a) for a, b in zip(values, values[1:]))
    usual = moves[len(moves) // 2]
    return abs(float(new) - float(last)) > JUMP * usual


def _worse(alerted: Any, new: Any, threshold: Any) -> bool:
    """Did the failure move away from passing: farther from its threshold, else more failing rows?

    A failure easing back towards its threshold is no news: it is announced when it passes."""
    if not present(alerted) or new is None:
        return False
    if present(threshold):
        return abs(float(new) - float(threshold)) > abs(float(alerted) - float(threshold))
    return float(new) > float(alerted)


def changed(old_status: Any, old_failures: Any, old_observed: Any, r: CheckResult, *,
            previous: dict[str, Any] | None = None, tolerance: float = CHANGE_TOLERANCE,
            recent: list[float] | None = None) -> bool:
    """Did a failure change in substance since it was last alerted or acknowledged?

    Another status; a rule of a multi-rule record failing anew or on more rows than last night (moved_facets);
    an observed value (else failing-row count) beyond `tolerance` of the alerted one, away
    from passing (_worse), against the same limit as last night's value and,
    when last night is known, of last night's too, by a jump (more than JUMP times the usual nightly move
    of the `recent` values, oldest first): a count creeping up with the table or a steady drift is no
    news every night; or something else named as failing (another category, group, column or rule).
    """
    if str(old_status) != str(r.status):
        return True
    field = "observed" if r.observed is not None and present(old_observed) else "failures"
    new, alerted = (r.observed, old_observed) if field == "observed" else (r.failures, old_failures)
    floor = 0.0 if field == "observed" else CHANGE_MIN_ROWS
    moved = _moved(alerted, new, tolerance, floor) and _worse(alerted, new, r.threshold if field == "observed" else None)
    if moved and previous is not None and field == "observed" and present(previous.get("threshold")) \
            and r.threshold is not None and float(previous["threshold"]) != float(r.threshold):
        moved = False  # judged against another limit than last night (another statistic): values not comparable
    if moved and previous is not None and present(previous.get(field)):
        moved = _moved(previous[field], new, tolerance, floor) and _jump(recent, new, previous[field], tolerance)
    if moved:
        return True
    if previous is not None and previous.get("message") is not None:
        # one record folds many rules (column_checks): a rule failing on many more rows than the last
        # comparable night is a change, though the record's count of failing rules did not move
        return bool(moved_facets(previous["message"], r.message)) or \
            bool(_substance(r.message) - _substance(previous["message"]))
    return False


# a rule's failing rows inside a multi-rule check's message (column_checks: one record, many rules)
FACET = re.compile(r"on \S+?\.([^\s.]+) (\w+): (\d+)(?: of \d+)? rows? fail")


def facets(message: Any) -> dict[str, float]:
    """`column: rule` -> failing rows, read from a column_checks message; {} for other checks.

    column_checks folds every rule into one record: without this, a NULL share that triples on one
    column leaves the record's failure count (rules failing) unchanged."""
    found = {f"{c}: {rule}": float(n) for c, rule, n in FACET.findall(str(message or ""))}
    return found if len(found) >= 1 and "column_checks" in str(message or "") else {}


def moved_facets(old_message: Any, new_message: Any, tolerance: float = CHANGE_TOLERANCE) -> set[str]:
    """Columns of a column_checks record whose rule fails anew or on more rows than last night.

    One record folds every rule: when the record changed, these are the columns it changed on
    (tonight's incident), not every column the everyday defects keep failing."""
    old, new = facets(old_message), facets(new_message)
    return {facet.split(":", 1)[0] for facet, n in new.items()
            if facet not in old or (n > old[facet] and _moved(old[facet], n, tolerance, CHANGE_MIN_ROWS))}


def as_last_night(value: Any, last: dict[str, Any] | None) -> bool:
    """Is `value` (a record's observed value, else its failing rows) last night's record's, within 1%?
    An anomaly on such a plateau was news the night it came, not again."""
    if last is None or value is None:
        return False
    before = last.get("observed") if last.get("observed") is not None else last.get("failures")
    try:
        return before is not None and abs(float(value) - float(before)) <= 1e-9 + 0.01 * abs(float(before))
    except (TypeError, ValueError):
        return False

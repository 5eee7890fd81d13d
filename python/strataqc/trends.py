"""Is tonight's value an anomaly against its own history? Robust z-score, with a real effect required.

A z-score alone alarms on noise: a near-constant history (MAD 0) makes any
change infinite, and a tiny ratio moving from 0.00005 to 0.0001 is "z 50". So
a value is an anomaly only when all hold:

- |robust z| > max_z, with the MAD floored (MAD_FLOOR of the median, at least
  the kind's absolute floor / 10): a constant history cannot make z infinite;
- the move passes the absolute and the relative floor of its kind of value
  (ratios, counts, statistics, durations); a count of failing rows is judged
  by tonight's increment, as a growing table adds a few every night;
- it goes the bad way: a check that passes below its threshold is bad going
  up (a NULL ratio going down is no alarm);
- with weekday seasonality in the history (the weekday medians differ by more
  than the spread around them), tonight is compared with its own weekday.

Values that measure the host (latency, durations) are not trended unless asked.

>>> judge(0.002, [0.001] * 10, kind="ratio").verdict   # z is huge, the effect is not
'normal'
>>> judge(0.10, [0.001] * 10, kind="ratio").verdict
'anomaly'
"""

from __future__ import annotations

import datetime as dt
import math
import statistics
from dataclasses import dataclass, replace
from typing import Any

from strataqc.results import CheckResult
from strataqc.substance import facets

WINDOW = 28
MIN_RUNS = 7
MAX_Z = 3.5
MAD_FLOOR = 0.01  # of |median|: below it, "spread" is rounding


@dataclass(frozen=True)
class Floor:
    absolute: float  # |value - median| at least this
    relative: float  # and at least this share of |median| (when the median is not 0)


FLOORS = {
    "ratio": Floor(0.005, 0.5),      # half a percentage point and +50%
    "count": Floor(5.0, 0.10),       # failing rows: 5 rows and +10% (a night's growth is less)
    "statistic": Floor(0.05, 0.25),  # PSI, AUC, z: 0.05 and 25%
    "duration": Floor(1.0, 1.0),     # seconds: doubled and a second more
}
# checks whose value measures the machine, not the data
HOST_CHECKS = frozenset({"inference_latency"})
# observed values that are signed scores: both directions are bad
TWO_SIDED = frozenset({"volume_anomaly", "value_continuity"})


def robust_z(value: float, history: list[float], *, floor: float = 0.0) -> tuple[float, float, float]:
    """(z, median, MAD); 0.6745 makes MAD comparable to a standard deviation under normality.

    With floor 0 a constant history gives an infinite z for any departure (the raw statistic)."""
    median = statistics.median(history)
    mad = statistics.median([abs(x - median) for x in history])
    scale = max(mad, floor)
    if scale == 0:
        return (0.0 if value == median else math.copysign(math.inf, value - median)), median, mad
    return 0.6745 * (value - median) / scale, median, mad


def _seasonal(history: list[float], weekdays: list[int] | None, weekday: int | None) -> list[float] | None:
    """Tonight's weekday's values when the history shows a weekly pattern (two weeks at least), else None."""
    if weekdays is None or weekday is None or len(weekdays) != len(history) or len(history) < 14:
        return None
    by_day: dict[int, list[float]] = {}
    for value, day in zip(history, weekdays):
        by_day.setdefault(day, []).append(value)
    if len(by_day) < 7 or any(len(v) < 2 for v in by_day.values()):
        return None
    medians = {d: statistics.median(v) for d, v in by_day.items()}
    residual = statistics.median([abs(x - medians[d]) for x, d in zip(history, weekdays)])
    spread = max(medians.values()) - min(medians.values())
    if spread <= 3 * max(residual, 1e-12):
        return None  # weekdays differ no more than nights do: one baseline for all
    # the weekday must explain most of the variance: a level shift mid-history is no weekly pattern
    left = statistics.pvariance([x - medians[d] for x, d in zip(history, weekdays)])
    if left > 0.5 * statistics.pvariance(history):
        return None
    return by_day[weekday]


# a one-sided move must cover this share of the way from the usual value to the threshold
HEADROOM = 0.10


def judge(value: float | None, history: list[float], *, kind: str = "statistic", direction: str = "both",
          weekdays: list[int] | None = None, weekday: int | None = None, window: int = WINDOW,
          min_runs: int = MIN_RUNS, max_z: float = MAX_Z, threshold: float | None = None) -> Trend:
    """`history` oldest first (tonight excluded); `direction`: up | down | both (the bad way).

    With a `threshold` and a one-sided direction, a move of less than HEADROOM of the way to the
    threshold is no anomaly: a leakage correlation going from 0.000 to 0.008 against 0.97 is nowhere
    near failing, however many robust z it is."""
    if value is None or not math.isfinite(value):
        return Trend("no_value", len(history))
    pairs = [(x, d) for x, d in zip(history, weekdays or [None] * len(history)) if x is not None and math.isfinite(x)]
    pairs = pairs[-window * 2:]  # two windows back: enough of each weekday for seasonality
    values = [x for x, _ in pairs][-window:]
    if len(values) < min_runs:
        return Trend("insufficient_history", len(values))
    floor = FLOORS.get(kind, FLOORS["statistic"])
    level = values[-1]
    if kind == "count":
        # failing rows of a growing table creep up every night: judge tonight's increment against
        # the nightly increments, and its size against the count itself
        season, baseline = None, [b - a for a, b in zip(values, values[1:])]
        value, scale = value - level, abs(level)
    else:
        season = _seasonal([x for x, _ in pairs], [d for _, d in pairs] if weekdays else None, weekday)
        baseline = season or values
        scale = None
    median = statistics.median(baseline)
    z, median, mad = robust_z(value, baseline, floor=max(MAD_FLOOR * abs(median), floor.absolute / 10))
    effect = value - median
    scale = abs(median) if scale is None else scale
    out = Trend("normal", len(values), level + median if kind == "count" else median, mad, z,
                    seasonal=season is not None)
    if abs(z) <= max_z:
        out.why = f"within {max_z:g} robust z"
    elif abs(effect) < floor.absolute or (scale != 0 and abs(effect) < floor.relative * scale):
        out.why = f"below the {kind} floor ({floor.absolute:g} and {floor.relative:.0%})"
    elif (direction == "up" and effect < 0) or (direction == "down" and effect > 0):
        out.why = "moved the good way"
    elif direction != "both" and threshold is not None and kind != "count" \
            and abs(effect) < HEADROOM * abs(threshold - median):
        out.why = f"less than {HEADROOM:.0%} of the way to the threshold {threshold:g}"
    else:
        out.verdict = "anomaly"
    return out


def upper_limit(history: list[float], *, kind: str = "statistic", window: int = WINDOW, min_runs: int = MIN_RUNS,
                max_z: float = MAX_Z) -> float | None:
    """The level above which `judge(value, history, direction="up")` calls a value an anomaly (no
    seasonality, no threshold headroom): what a chart draws as the line a value must not cross.
    None with too little history (nothing is judged then).

    >>> round(upper_limit([0.20, 0.21, 0.20, 0.22, 0.21, 0.20, 0.21]), 4)
    0.2625
    """
    values = [x for x in history if x is not None and math.isfinite(x)][-window:]
    if len(values) < min_runs or kind == "count":
        return None
    floor = FLOORS.get(kind, FLOORS["statistic"])
    median = statistics.median(values)
    mad = statistics.median([abs(x - median) for x in values])
    scale = max(mad, MAD_FLOOR * abs(median), floor.absolute / 10)
    # z > max_z and effect >= both floors: the binding one is the largest
    return median + max(max_z * scale / 0.6745, floor.absolute, floor.relative * abs(median))


def direction_of(check: str, median: float | None, threshold: float | None, observed: float | None = None,
                 failing: bool | None = None) -> str:
    """The bad way: toward the side of the threshold the check fails on; both for signed scores.

    Tonight's record tells the side: a failing value is on it, a passing one across. Without it, the
    side away from the usual value (a drift that already warns every night is bad going up, not down)."""
    if check in TWO_SIDED or threshold is None or median is None:
        return "both"
    if observed is not None and failing is not None and observed != threshold:
        return "up" if (observed > threshold) == failing else "down"
    if median == threshold:
        return "both"
    return "up" if median < threshold else "down"


# checks whose observed value counts something (the longest run of days): a count's floors apply
COUNTED = frozenset({"value_continuity", "date_continuity"})


def kind_of(check: str, observed: float | None, threshold: float | None) -> str:
    if check in HOST_CHECKS:
        return "duration"
    if observed is None or check in COUNTED:
        return "count"
    if 0 <= observed <= 1 and (threshold is None or 0 <= threshold <= 1):
        return "ratio"  # shares and scores on [0, 1]: a move of half a point and +50% is an effect
    return "statistic"


# -- a check's trend, as history and the report read it ---------------------------------------

@dataclass
class Trend:
    """A value against its own history: `judge` gives the verdict, `trend` names the check."""

    verdict: str  # anomaly | normal | insufficient_history | no_value | not_trended
    history_n: int
    median: float | None = None
    mad: float | None = None
    z: float | None = None
    why: str = ""
    seasonal: bool = False
    key: str = ""

    def describe(self) -> str:
        if self.verdict == "insufficient_history":
            return f"too little history for a trend: {self.history_n} of {MIN_RUNS} earlier runs"
        if self.verdict == "no_value":
            return "no observed value to trend"
        if self.verdict == "not_trended":
            return self.why or "not trended"
        z = "∞" if self.z is not None and math.isinf(self.z) else f"{self.z:.1f}"
        against = "same-weekday median" if self.seasonal else "median"
        return f"robust z {z} against the {against} {self.median:.4g} of {self.history_n} earlier runs"


def trend(key: str, value: float | None, history: list[float], *, window: int = WINDOW,
          min_runs: int = MIN_RUNS, max_z: float = MAX_Z, kind: str = "statistic",
          direction: str = "both", weekdays: list[int] | None = None, weekday: int | None = None,
          threshold: float | None = None) -> Trend:
    """`history` oldest first, the current run excluded; the last `window` runs count."""
    return replace(judge(value, history, kind=kind, direction=direction, weekdays=weekdays, weekday=weekday,
                         window=window, min_runs=min_runs, max_z=max_z, threshold=threshold), key=key)


def trend_value(r: CheckResult) -> float | None:
    """The number a check is trended on: its observed value, else its failing-row count."""
    if r.observed is not None:
        return r.observed
    return float(r.failures) if r.failures is not None else None


def weekday_of(stamp: Any) -> int | None:
    try:
        return dt.datetime.fromisoformat(str(stamp).replace("Z", "+00:00")).weekday()
    except ValueError:
        return None


def anomaly_entry(r: CheckResult, t: Trend, key: str) -> dict[str, Any]:
    return {"check_key": key, "check": r.check, "model": r.model, "column": r.column, "layer": r.layer,
            "status": str(r.status), "observed": trend_value(r), "median": t.median,
            "z": None if math.isinf(t.z or 0) else t.z, "history_n": t.history_n, "message": t.describe()}


def facet_anomalies(r: CheckResult, key: str, past: list[tuple[dict[str, float], int | None]],
                     weekday: int | None) -> list[dict[str, Any]]:
    """Each rule of a column_checks record trended on its own failing rows (more is worse).

    `past`: the nights that told their rules' rows, a passing night with no rule named. A night
    another rule failed and this one did not, or all passed: 0 rows."""
    out = []
    for facet, value in facets(r.message).items():
        values = [f.get(facet, 0.0) for f, _ in past]
        days = [d if d is not None else -1 for _, d in past]
        t = trend(f"{key}#{facet}", value, values, kind="count", direction="up", weekdays=days, weekday=weekday)
        if t.verdict == "anomaly":
            column, rule = facet.split(": ", 1)
            out.append({**anomaly_entry(r, t, f"{key}#{facet}"), "column": column, "observed": value,
                        "message": f"{rule} on {column}: {value:.0f} failing rows, {t.describe()}"})
    return out

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

import math
import statistics
from dataclasses import dataclass

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


@dataclass
class Judgement:
    verdict: str  # anomaly | normal | insufficient_history | no_value | not_trended
    history_n: int
    median: float | None = None
    mad: float | None = None
    z: float | None = None
    why: str = ""
    seasonal: bool = False


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


def judge(value: float | None, history: list[float], *, kind: str = "statistic", direction: str = "both",
          weekdays: list[int] | None = None, weekday: int | None = None, window: int = WINDOW,
          min_runs: int = MIN_RUNS, max_z: float = MAX_Z) -> Judgement:
    """`history` oldest first (tonight excluded); `direction`: up | down | both (the bad way)."""
    if value is None or not math.isfinite(value):
        return Judgement("no_value", len(history))
    pairs = [(x, d) for x, d in zip(history, weekdays or [None] * len(history)) if x is not None and math.isfinite(x)]
    pairs = pairs[-window * 2:]  # two windows back: enough of each weekday for seasonality
    values = [x for x, _ in pairs][-window:]
    if len(values) < min_runs:
        return Judgement("insufficient_history", len(values))
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
    out = Judgement("normal", len(values), level + median if kind == "count" else median, mad, z,
                    seasonal=season is not None)
    if abs(z) <= max_z:
        out.why = f"within {max_z:g} robust z"
    elif abs(effect) < floor.absolute or (scale != 0 and abs(effect) < floor.relative * scale):
        out.why = f"below the {kind} floor ({floor.absolute:g} and {floor.relative:.0%})"
    elif (direction == "up" and effect < 0) or (direction == "down" and effect > 0):
        out.why = "moved the good way"
    else:
        out.verdict = "anomaly"
    return out


def direction_of(check: str, median: float | None, threshold: float | None) -> str:
    """The bad way: toward the threshold the check fails beyond; both for signed scores."""
    if check in TWO_SIDED or threshold is None or median is None or median == threshold:
        return "both"
    return "up" if median < threshold else "down"


def kind_of(check: str, observed: float | None, threshold: float | None) -> str:
    if check in HOST_CHECKS:
        return "duration"
    if observed is None:
        return "count"
    if 0 <= observed <= 1 and (threshold is None or 0 <= threshold <= 1):
        return "ratio"  # shares and scores on [0, 1]: a move of half a point and +50% is an effect
    return "statistic"

"""Small inline SVG plots: no JavaScript library, no network, a few hundred bytes each.

Every text that reaches an SVG goes through `escape`; coordinates are numbers we compute.
"""

from __future__ import annotations

import math
from typing import Any, Sequence

from markupsafe import Markup, escape

COLORS = {"pass": "#2e9d5b", "warn": "#d99a00", "fail": "#d64541", "error": "#8e1c1a", "skip": "#a0a4a8"}
REFERENCE, CURRENT = "#6b8fbf", "#e0823d"


def _f(x: float) -> str:
    return f"{x:.1f}".rstrip("0").rstrip(".")


def _finite(values: Sequence[float | None]) -> list[float]:
    return [v for v in values if v is not None and math.isfinite(v)]


def sparkline(values: Sequence[float | None], statuses: Sequence[str] = (), *, width: int = 160, height: int = 28,
              label: str = "") -> Markup:
    """The observed value over the runs (oldest left); the last point coloured by its status."""
    numbers = _finite(values)
    if len(numbers) < 2:
        return Markup("")
    lo, hi = min(numbers), max(numbers)
    span = (hi - lo) or 1.0
    step = (width - 6) / max(len(values) - 1, 1)
    points, last = [], None
    for i, v in enumerate(values):
        if v is None or not math.isfinite(v):
            continue
        last = (3 + i * step, height - 3 - (v - lo) / span * (height - 6))
        points.append(f"{_f(last[0])},{_f(last[1])}")
    colour = COLORS.get(statuses[-1] if statuses else "pass", "#555")
    return Markup(
        f'<svg class="spark" width="{width}" height="{height}" viewBox="0 0 {width} {height}" role="img">'
        f"<title>{escape(label)} min {lo:.4g} max {hi:.4g}</title>"
        f'<polyline fill="none" stroke="#5b6770" stroke-width="1.2" points="{" ".join(points)}"/>'
        f'<circle cx="{_f(last[0])}" cy="{_f(last[1])}" r="2.6" fill="{colour}"/></svg>')


def status_strip(statuses: Sequence[str], *, width: int = 160, height: int = 12) -> Markup:
    """One cell per run, coloured by status: the check's pass history at a glance."""
    if not statuses:
        return Markup("")
    w = width / len(statuses)
    # runs of one status share a rect: 90 nights of mostly "pass" stay a few hundred bytes
    cells, start = [], 0
    for i in range(1, len(statuses) + 1):
        if i == len(statuses) or statuses[i] != statuses[start]:
            cells.append(f'<rect x="{_f(start * w)}" width="{_f(max((i - start) * w - 0.5, 0.5))}" '
                         f'height="{height}" fill="{COLORS.get(statuses[start], "#ccc")}"/>')
            start = i
    return Markup(f'<svg class="strip" width="{width}" height="{height}" role="img">'
                  f"<title>{len(statuses)} runs</title>{''.join(cells)}</svg>")


def stacked_runs(runs: Sequence[tuple[str, dict[str, int]]], *, width: int = 900, height: int = 180) -> Markup:
    """Checks per status for each stored run (oldest left): the night-over-night trend."""
    if not runs:
        return Markup("")
    top = max(sum(c.values()) for _, c in runs) or 1
    bar = (width - 40) / len(runs)
    body = []
    for i, (label, counts) in enumerate(runs):
        y = height - 20
        parts = []
        for status in ("pass", "skip", "warn", "fail", "error"):
            n = counts.get(status, 0)
            if not n:
                continue
            h = n / top * (height - 30)
            y -= h
            parts.append(f'<rect x="{_f(34 + i * bar)}" y="{_f(y)}" width="{_f(max(bar - 1, 0.8))}" '
                         f'height="{_f(h)}" fill="{COLORS[status]}"/>')
        tip = ", ".join(f"{n} {s}" for s, n in counts.items() if n)
        body.append(f"<g><title>{escape(label)}: {escape(tip)}</title>{''.join(parts)}</g>")
    axis = (f'<line x1="32" y1="{height - 20}" x2="{width}" y2="{height - 20}" stroke="#999"/>'
            f'<text x="0" y="14" font-size="11">{top}</text><text x="20" y="{height - 22}" font-size="11">0</text>'
            f'<text x="34" y="{height - 5}" font-size="11">{escape(runs[0][0][:10])}</text>'
            f'<text x="{width}" y="{height - 5}" font-size="11" text-anchor="end">{escape(runs[-1][0][:10])}</text>')
    return Markup(f'<svg class="runs" width="100%" height="{height}" viewBox="0 0 {width} {height}" '
                  f'preserveAspectRatio="none" role="img">{axis}{"".join(body)}</svg>')


def layer_bar(counts: dict[str, int], *, width: int = 240, height: int = 14) -> Markup:
    total = sum(counts.values()) or 1
    x, parts = 0.0, []
    for status in ("pass", "skip", "warn", "fail", "error"):
        n = counts.get(status, 0)
        if n:
            w = n / total * width
            parts.append(f'<rect x="{_f(x)}" y="0" width="{_f(w)}" height="{height}" fill="{COLORS[status]}">'
                         f"<title>{n} {status}</title></rect>")
            x += w
    return Markup(f'<svg class="layerbar" width="{width}" height="{height}" role="img">{"".join(parts)}</svg>')


def histogram_pair(bins: Sequence[object], reference: Sequence[float], current: Sequence[float], *,
                   width: int = 420, height: int = 160) -> Markup:
    """Reference vs current share per bin (counts are turned into shares so sizes compare)."""
    n = min(len(bins), len(reference), len(current))
    if n == 0:
        return Markup("")
    ref = shares(reference[:n])
    cur = shares(current[:n])
    top = max(ref + cur) or 1.0
    slot = (width - 10) / n
    # many bins or long labels: labels turn 60 degrees and get room below the bars (about 6px per character)
    slanted = n > 8 or max(len(str(b)) for b in bins[:n]) * 6 > slot
    base = height - (70 if slanted else 25)
    total_height = height if not slanted else height + 20
    bars = []
    for i in range(n):
        for j, (share, colour) in enumerate(((ref[i], REFERENCE), (cur[i], CURRENT))):
            h = share / top * (base - 24)  # the legend keeps the top 20px
            bars.append(f'<rect x="{_f(5 + i * slot + j * slot * 0.45)}" y="{_f(base - h)}" '
                        f'width="{_f(max(slot * 0.42, 0.8))}" height="{_f(max(h, 0.5))}" fill="{colour}">'
                        f"<title>{escape(str(bins[i]))}: {'reference' if j == 0 else 'current'} "
                        f"{share:.1%}</title></rect>")
    if slanted:
        labels = "".join(f'<text transform="translate({_f(5 + (i + 0.45) * slot)},{_f(base + 8)}) rotate(60)" '
                         f'font-size="9">{escape(str(bins[i]).split(" … ")[0][:14])}</text>' for i in range(n))
    else:
        labels = "".join(f'<text x="{_f(5 + (i + 0.45) * slot)}" y="{base + 15}" font-size="10" '
                         f'text-anchor="middle">{escape(str(bins[i]))}</text>' for i in range(n))
    legend = (f'<rect x="{width - 150}" y="4" width="10" height="10" fill="{REFERENCE}"/>'
              f'<text x="{width - 136}" y="13" font-size="11">reference</text>'
              f'<rect x="{width - 70}" y="4" width="10" height="10" fill="{CURRENT}"/>'
              f'<text x="{width - 56}" y="13" font-size="11">current</text>')
    return Markup(f'<svg class="drift" width="{width}" height="{total_height}" '
                  f'viewBox="0 0 {width} {total_height}" role="img">{legend}{"".join(bars)}{labels}</svg>')


def shares(values: Sequence[Any]) -> list[float]:
    """Counts (or shares) as shares of their total; a value that is not a finite positive number counts 0."""
    clean = []
    for v in values:
        try:
            f = float(v)
        except (TypeError, ValueError):
            f = 0.0
        clean.append(f if math.isfinite(f) and f > 0 else 0.0)
    total = sum(clean)
    return [v / total if total else 0.0 for v in clean]


def chunk_series(labels: Sequence[object], values: Sequence[float | None], statuses: Sequence[str], warn: float,
                 fail: float, *, metric: str = "", width: int = 420, height: int = 160) -> Markup:
    """A drift measure per time chunk (oldest left) against its warn and fail thresholds (dashed lines)."""
    n = min(len(labels), len(values))
    numbers = _finite(values[:n])
    if n == 0 or not numbers:
        return Markup("")
    top = max(numbers + [fail, warn]) * 1.1 or 1.0
    base, left = height - 40, 34
    step = (width - left - 10) / max(n - 1, 1)

    def y(v: float) -> float:
        return base - v / top * (base - 20)
    lines = "".join(
        f'<line x1="{left}" x2="{width - 6}" y1="{_f(y(t))}" y2="{_f(y(t))}" stroke="{COLORS[s]}" '
        f'stroke-dasharray="4 3"><title>{s} above {t:.4g}</title></line>'
        f'<text x="2" y="{_f(y(t) + 3)}" font-size="9">{t:.3g}</text>' for t, s in ((warn, "warn"), (fail, "fail")))
    points, dots = _plotted(labels, values, statuses, n, left, step, y, metric)
    every = max(1, math.ceil(n / 8))  # at most 8 labels under the axis
    ticks = "".join(f'<text x="{_f(left + i * step)}" y="{base + 14}" font-size="9" text-anchor="middle">'
                    f"{escape(str(labels[i])[:12])}</text>" for i in range(0, n, every))
    return Markup(f'<svg class="chunks" width="{width}" height="{height}" viewBox="0 0 {width} {height}" role="img">'
                  f'{lines}<polyline fill="none" stroke="#5b6770" stroke-width="1.2" points="{" ".join(points)}"/>'
                  f"{''.join(dots)}{ticks}</svg>")


def limit_series(labels: Sequence[object], values: Sequence[float | None], limits: Sequence[float | None],
                 statuses: Sequence[str], *, metric: str = "", width: int = 520, height: int = 170) -> Markup:
    """A metric per date (oldest left) against the limit each date had to stay under (dashed steps)."""
    n = min(len(labels), len(values), len(limits))
    numbers = _finite(list(values[:n]) + list(limits[:n]))
    if n == 0 or not numbers:
        return Markup("")
    top = max(numbers) * 1.1 or 1.0
    base, left = height - 40, 40
    step = (width - left - 10) / max(n - 1, 1)

    def y(v: float) -> float:
        return base - v / top * (base - 20)
    limit_points = [f"{_f(left + i * step)},{_f(y(limits[i]))}" for i in range(n)
                    if limits[i] is not None and math.isfinite(limits[i])]
    limit_line = (f'<polyline class="limit" fill="none" stroke="{COLORS["fail"]}" stroke-dasharray="4 3" '
                  f'points="{" ".join(limit_points)}"><title>limit: above it the date fails</title></polyline>'
                  if limit_points else "")
    said = [f", limit {limit:.4g}" if limit is not None and math.isfinite(limit) else ", not judged yet"
            for limit in limits[:n]]
    points, dots = _plotted(labels, values, statuses, n, left, step, y, metric, said)
    every = max(1, math.ceil(n / 8))
    ticks = "".join(f'<text x="{_f(left + i * step)}" y="{base + 14}" font-size="9" text-anchor="middle">'
                    f"{escape(str(labels[i])[:10])}</text>" for i in range(0, n, every))
    axis = "".join(f'<text x="2" y="{_f(y(t) + 3)}" font-size="9">{t:.3g}</text>' for t in (0.0, top / 1.1))
    return Markup(f'<svg class="limit-series" width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
                  f'role="img">{axis}{limit_line}<polyline fill="none" stroke="#5b6770" stroke-width="1.2" '
                  f'points="{" ".join(points)}"/>{"".join(dots)}{ticks}</svg>')


def _plotted(labels: Sequence[object], values: Sequence[float | None], statuses: Sequence[str], n: int, left: float,
             step: float, y: Any, metric: str, said: Sequence[str] | None = None) -> tuple[list[str], list[str]]:
    """The polyline's points and a dot per finite value, coloured by its status, its label in the tooltip."""
    points, dots = [], []
    for i in range(n):
        v = values[i]
        if v is None or not math.isfinite(v):
            continue
        x = left + i * step
        points.append(f"{_f(x)},{_f(y(v))}")
        status = str(statuses[i]) if i < len(statuses) else "pass"
        note = said[i] if said else ""
        dots.append(f'<circle cx="{_f(x)}" cy="{_f(y(v))}" r="3" fill="{COLORS.get(status, "#555")}">'
                    f"<title>{escape(str(labels[i]))}: {escape(metric)} {v:.4g}{note} ({escape(status)})</title>"
                    "</circle>")
    return points, dots

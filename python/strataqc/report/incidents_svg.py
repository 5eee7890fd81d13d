"""An incident's lineage path as inline SVG: models left to right by layer, coloured by tonight's status.

Every text goes through `escape`; coordinates are numbers computed here.
"""

from __future__ import annotations

from typing import Any

from markupsafe import Markup, escape

from strataqc.report.svg import COLORS, _f

COLUMN_ORDER = ("source", "ods", "dwd", "dws", "ads")
NODE_W, NODE_H, GAP_X, GAP_Y, PAD = 170, 30, 50, 12, 6
MAX_NODES = 40  # a path wider than this is cut: the JSON report has it whole


def _column(layer: str | None) -> int:
    return COLUMN_ORDER.index(layer) if layer in COLUMN_ORDER else len(COLUMN_ORDER)


def lineage_path(path: dict[str, Any]) -> Markup:
    nodes = [n for n in path.get("nodes") or [] if isinstance(n, dict) and n.get("model")][:MAX_NODES]
    if not nodes:
        return Markup("")
    used = sorted({_column(n.get("layer")) for n in nodes})
    rows: dict[int, int] = {}
    where: dict[str, tuple[float, float]] = {}
    for n in nodes:
        col = used.index(_column(n.get("layer")))
        row = rows.get(col, 0)
        rows[col] = row + 1
        where[str(n["model"])] = (PAD + col * (NODE_W + GAP_X), PAD + row * (NODE_H + GAP_Y))
    width = PAD * 2 + len(used) * NODE_W + (len(used) - 1) * GAP_X
    height = PAD * 2 + max(rows.values()) * (NODE_H + GAP_Y) - GAP_Y
    edges = []
    for parent, child in path.get("edges") or []:
        if parent in where and child in where:
            (x1, y1), (x2, y2) = where[parent], where[child]
            a, b = (x1 + NODE_W, y1 + NODE_H / 2), (x2, y2 + NODE_H / 2)
            mid = (a[0] + b[0]) / 2
            edges.append(f'<path d="M{_f(a[0])},{_f(a[1])} C{_f(mid)},{_f(a[1])} {_f(mid)},{_f(b[1])} '
                         f'{_f(b[0])},{_f(b[1])}" fill="none" stroke="#8a949c" stroke-width="1.4"/>')
    boxes = []
    for n in nodes:
        x, y = where[str(n["model"])]
        status = str(n.get("status") or "skip")
        root = n.get("role") == "root"
        checks = ", ".join(str(c) for c in n.get("checks") or []) or "no failing check"
        label = str(n["model"])
        label = label if len(label) <= 24 else label[:23] + "…"
        boxes.append(
            f'<g class="node" data-status="{escape(status)}" data-role="{escape(n.get("role") or "")}">'
            f"<title>{escape(n['model'])} ({escape((n.get('layer') or 'other').upper())}, {escape(status)}): "
            f"{escape(checks)}</title>"
            f'<rect x="{_f(x)}" y="{_f(y)}" width="{NODE_W}" height="{NODE_H}" rx="5" '
            f'fill="{COLORS.get(status, COLORS["skip"])}" stroke="{"#1d2329" if root else "none"}" '
            f'stroke-width="{3 if root else 0}"/>'
            f'<text x="{_f(x + 8)}" y="{_f(y + 19)}" font-size="12" fill="#fff">{escape(label)}</text></g>')
    return Markup(f'<svg class="incident-path" width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
                  f'role="img">{"".join(edges)}{"".join(boxes)}</svg>')

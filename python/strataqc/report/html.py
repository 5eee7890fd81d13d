"""The self-contained HTML dashboard (jinja2, autoescaped, inline SVG, no network fetch)."""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

import jinja2

from strataqc.report import svg
from strataqc.report.run import QCRun, check_key, layer_rank
from strataqc.results import CheckResult, Status

TEMPLATES = Path(__file__).parent / "templates"
MAX_SAMPLE_ROWS = 10
MAX_TABLE_ROWS = 50


def _env() -> jinja2.Environment:
    # autoescape everything: data values (category names, messages) are never markup
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True, extensions=["jinja2.ext.do"],
                             undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.filters["num"] = _num
    return env


def _num(value: Any) -> str:
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return ""
    if isinstance(value, float):
        return f"{value:.4g}"
    return str(value)


def _sample(rows: list[dict[str, Any]]) -> dict[str, Any] | None:
    if not rows:
        return None
    columns: list[str] = []
    for row in rows:
        columns += [c for c in row if c not in columns]
    return {"columns": columns, "rows": [[row.get(c) for c in columns] for row in rows[:MAX_SAMPLE_ROWS]]}


def _histograms(details: dict[str, Any]) -> list[dict[str, Any]]:
    """Drift details: {"bins","reference","current"} at the top, under "histogram", or per feature."""
    found = []
    candidates = [("", details), ("", details.get("histogram") or {})]
    for name, value in (details.get("histograms") or details.get("features") or {}).items() \
            if isinstance(details.get("histograms") or details.get("features"), dict) else []:
        candidates.append((str(name), value))
    for name, block in candidates:
        if isinstance(block, dict) and all(isinstance(block.get(k), list) for k in ("bins", "reference", "current")):
            plot = svg.histogram_pair(block["bins"], block["reference"], block["current"])
            if plot:
                found.append({"name": name, "plot": plot})
    return found


def _table(details: dict[str, Any]) -> dict[str, Any] | None:
    """Attribution details["table"]: a list of row dicts, or {"columns": [...], "rows": [[...]]}."""
    table = details.get("table")
    if isinstance(table, dict) and isinstance(table.get("rows"), list):
        columns = [str(c) for c in table.get("columns") or []]
        rows = [list(r.values()) if isinstance(r, dict) else list(r) for r in table["rows"][:MAX_TABLE_ROWS]]
        if not columns and table["rows"] and isinstance(table["rows"][0], dict):
            columns = list(table["rows"][0])
        return {"columns": columns, "rows": rows, "more": max(len(table["rows"]) - MAX_TABLE_ROWS, 0)}
    if isinstance(table, list) and table and isinstance(table[0], dict):
        sample = _sample(table[:MAX_TABLE_ROWS])
        if sample:
            sample["more"] = max(len(table) - MAX_TABLE_ROWS, 0)
        return sample
    return None


def _trend_note(trend: dict[str, Any]) -> str:
    from strataqc.history import Trend

    return Trend(**trend).describe() if trend and trend.get("verdict") != "no_value" else ""


def _runs(run: QCRun) -> list[tuple[str, dict[str, int]]]:
    """Status counts per stored run plus tonight's: the checks are aggregated, not listed."""
    per_run: dict[str, Counter] = defaultdict(Counter)
    for series in (run.context.get("status_series") or {}).values():
        for generated_at, status in series:
            per_run[str(generated_at)][status] += 1
    per_run[run.generated_at] = Counter(str(r.status) for r in run.results)
    return [(when, dict(counts)) for when, counts in sorted(per_run.items())]


def dashboard_context(run: QCRun) -> dict[str, Any]:
    summary = run.summary()
    series = run.context.get("series") or {}
    status_series = run.context.get("status_series") or {}
    trends = run.context.get("trends") or {}
    acks = {a["check_key"]: a for a in run.context.get("acks") or []}

    def row(r: CheckResult) -> dict[str, Any]:
        key = check_key(r)
        values = list(series.get(key, []))
        now = r.observed if r.observed is not None else (float(r.failures) if r.failures is not None else None)
        statuses = [s for _, s in status_series.get(key, [])] + [str(r.status)]
        trend = trends.get(key) or {}
        return {
            "r": r, "key": key, "status": str(r.status), "ack": acks.get(key),
            "spark": svg.sparkline(values + [now], statuses, label=f"{r.check} {r.model or ''}") if values else "",
            "strip": svg.status_strip(statuses[-90:]) if len(statuses) > 1 else "",
            "trend": trend.get("verdict"), "trend_note": _trend_note(trend), "sample": _sample(r.details.get("sample_rows") or []),
            "rules": r.details.get("rules") or [],
        }

    rows = [row(r) for r in run.ordered()]
    problems = [x for x in rows if x["status"] in ("error", "fail", "warn")]
    problems.sort(key=lambda x: (["error", "fail", "warn"].index(x["status"]), layer_rank(x["r"].layer)))
    drift = []
    tables = []
    for x in rows:
        r = x["r"]
        for plot in _histograms(r.details):
            drift.append({"row": x, **plot})
        table = _table(r.details)
        if table:
            tables.append({"row": x, "table": table})
    layers = [{"name": name, "counts": counts, "bar": svg.layer_bar(counts), "total": sum(counts.values())}
              for name, counts in summary["by_layer"].items()]
    runs = _runs(run)
    return {
        "run": run, "summary": summary, "layers": layers, "rows": rows, "problems": problems,
        "skipped": [x for x in rows if x["status"] == "skip"], "drift": drift, "tables": tables,
        "runs_chart": svg.stacked_runs(runs) if len(runs) > 1 else "", "run_count": len(runs),
        "anomalies": run.context.get("anomalies") or [],
        "changes": {"previous_run_id": None, "new": [], "fixed": [], "newly_failing": [],
                    **(run.context.get("changes") or {})},
        "history_note": run.context.get("history_note"), "colors": svg.COLORS,
    }


def render_html(run: QCRun) -> str:
    return _env().get_template("dashboard.html.j2").render(**dashboard_context(run))

"""The self-contained HTML dashboard (jinja2, autoescaped, inline SVG, no network fetch)."""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

import jinja2

from strataqc.report import svg
from strataqc.report.incidents_svg import lineage_path
from strataqc.report.model_loop import model_loops
from strataqc.run import QCRun, check_key, layer_rank
from strataqc.results import CheckResult, Status

TEMPLATES = Path(__file__).parent / "templates"
MAX_SAMPLE_ROWS = 10
MAX_SAMPLED_PROBLEMS = 100
MAX_CELL = 160
MAX_MESSAGE = 2000
MAX_TABLE_ROWS = 50
# the page aggregates: a check may send any number of bins, plots and tables, the page stays small
MAX_BINS = 30
MAX_DRIFT_PLOTS = 80
MAX_TABLES = 40
MAX_METRICS = 6


def _env() -> jinja2.Environment:
    # autoescape everything: data values (category names, messages) are never markup
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True, extensions=["jinja2.ext.do"],
                             undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.filters["num"] = _num
    env.filters["cell"] = _cell
    env.filters["clip"] = _clip
    return env


def _num(value: Any) -> str:
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return ""
    if isinstance(value, float):
        return f"{value:.4g}"
    return str(value)


def _clip(text: Any, limit: int = MAX_MESSAGE) -> str:
    """A message on the page: a megabyte of error text stays in the JSON report, not in the dashboard."""
    text = "" if text is None else str(text)
    return text if len(text) <= limit else f"{text[:limit]}… ({len(text) - limit} more characters in the JSON report)"


def _cell(value: Any) -> str:
    """A table cell: numbers formatted, None as ∅, long strings cut (the JSON report has them whole)."""
    if value is None:
        return "∅"
    text = _num(value)
    return text if len(text) <= MAX_CELL else text[:MAX_CELL - 1] + "…"


def _sample(rows: Any) -> dict[str, Any] | None:
    """Sample rows (list of {column: value}) as a column list plus value rows; junk is ignored."""
    rows = [row for row in rows if isinstance(row, dict)] if isinstance(rows, list) else []
    if not rows:
        return None
    columns: list[str] = []
    for row in rows:
        columns += [str(c) for c in row if str(c) not in columns]
    return {"columns": columns, "rows": [[row.get(c) for c in columns] for row in rows[:MAX_SAMPLE_ROWS]],
            "more": max(len(rows) - MAX_SAMPLE_ROWS, 0)}


def _distribution_blocks(details: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    """(name, kind, block) for every reference/current distribution a record carries.

    The contract shape is details["distribution"] = {"column", "kind", "bins", "reference",
    "current"}; a bare {"bins", ...} at the top, under "histogram", or per feature under
    "histograms"/"features" is accepted too.
    """
    found = []
    dist = details.get("distribution")
    if isinstance(dist, dict):
        found.append((str(dist.get("column") or ""), str(dist.get("kind") or ""), dist))
    elif isinstance(dist, list):  # one check, several columns
        found += [(str(d.get("column") or ""), str(d.get("kind") or ""), d) for d in dist if isinstance(d, dict)]
    found += [("", "", details), ("", "", details.get("histogram") or {})]
    many = details.get("histograms") or details.get("features")
    if isinstance(many, dict):
        found += [(str(name), "", block) for name, block in many.items()]
    return [(name, kind, block) for name, kind, block in found
            if isinstance(block, dict)
            and all(isinstance(block.get(k), list) for k in ("bins", "reference", "current"))]


def _fit_bins(bins: list[Any], ref: list[float], cur: list[float],
              kind: str) -> tuple[list[str], list[float], list[float]]:
    """At most MAX_BINS bars: the plot aggregates, whatever the check sent.

    Categories keep the largest levels (by either side) and pool the rest as "(other N)",
    in their original order; numeric bins are ordered, so neighbours are merged.
    """
    labels = [str(b) for b in bins]
    if len(labels) <= MAX_BINS:
        return labels, ref, cur
    if kind == "categorical":
        keep = sorted(sorted(range(len(labels)), key=lambda i: -max(ref[i], cur[i]))[:MAX_BINS - 1])
        rest = [i for i in range(len(labels)) if i not in set(keep)]
        return ([labels[i] for i in keep] + [f"(other {len(rest)})"],
                [ref[i] for i in keep] + [sum(ref[i] for i in rest)],
                [cur[i] for i in keep] + [sum(cur[i] for i in rest)])
    size = math.ceil(len(labels) / MAX_BINS)
    groups = [range(i, min(i + size, len(labels))) for i in range(0, len(labels), size)]
    return ([labels[g[0]] if len(g) == 1 else f"{labels[g[0]]} … {labels[g[-1]]}" for g in groups],
            [sum(ref[i] for i in g) for g in groups], [sum(cur[i] for i in g) for g in groups])


def _histograms(details: dict[str, Any]) -> list[dict[str, Any]]:
    found = []
    for name, kind, block in _distribution_blocks(details):
        n = min(len(block["bins"]), len(block["reference"]), len(block["current"]))
        if n == 0:
            continue
        labels, ref, cur = _fit_bins(block["bins"][:n], svg.shares(block["reference"][:n]),
                                     svg.shares(block["current"][:n]), kind)
        plot = svg.histogram_pair(labels, ref, cur)
        if plot:
            found.append({"name": name, "kind": kind, "plot": plot, "bins": n,
                          "pooled": len(labels) if len(labels) < n else 0})
    chunks = details.get("chunks")
    if isinstance(chunks, dict) and isinstance(chunks.get("rows"), list):
        rows = [r for r in chunks["rows"] if isinstance(r, dict)]
        values = [r.get("value") if isinstance(r.get("value"), (int, float)) else None for r in rows]
        try:
            warn, fail = float(chunks.get("warn")), float(chunks.get("fail"))
        except (TypeError, ValueError):
            return found
        plot = svg.chunk_series([r.get("chunk") for r in rows], values, [str(r.get("status")) for r in rows],
                                warn, fail, metric=str(chunks.get("metric") or ""))
        if plot:
            name = str((details.get("distribution") or {}).get("column") or "")
            found.append({"name": name, "kind": f"{chunks.get('metric', '')} per {chunks.get('size', '')} chunk",
                          "plot": plot, "bins": len(rows), "pooled": 0})
    return found


def _metrics(details: dict[str, Any]) -> list[tuple[str, str]]:
    """Effect sizes beside a plot (psi, ks, ...): scalars only, at most a handful."""
    metrics = details.get("metrics")
    if not isinstance(metrics, dict):
        return []
    shown = [(str(k), _num(v)) for k, v in metrics.items() if isinstance(v, (int, float)) and not isinstance(v, bool)]
    return [(k, v) for k, v in shown if v][:MAX_METRICS]


def _table(details: dict[str, Any]) -> dict[str, Any] | None:
    """details["table"] = {"title", "columns", "rows": [[...]]}; a list of row dicts is accepted too."""
    table = details.get("table")
    if isinstance(table, dict) and isinstance(table.get("rows"), list):
        columns = [str(c) for c in table.get("columns") or []]
        if not columns and table["rows"] and isinstance(table["rows"][0], dict):
            columns = [str(c) for c in table["rows"][0]]
        rows = [[r.get(c) for c in columns] if isinstance(r, dict) else list(r) if isinstance(r, (list, tuple))
                else [r] for r in table["rows"][:MAX_TABLE_ROWS]]
        return {"title": str(table.get("title") or ""), "columns": columns, "rows": rows,
                "more": max(len(table["rows"]) - MAX_TABLE_ROWS, 0)}
    if isinstance(table, list) and table and isinstance(table[0], dict):
        sample = _sample(table[:MAX_TABLE_ROWS])
        if sample:
            sample.update(title="", more=max(len(table) - MAX_TABLE_ROWS, 0))
        return sample
    return None


def _importance(x: dict[str, Any]) -> tuple:
    """Problems first, then the largest observed value: what the page keeps when it must cut."""
    r = x["r"]
    observed = r.observed if isinstance(r.observed, (int, float)) and math.isfinite(r.observed) else 0.0
    return (["error", "fail", "warn", "skip", "pass"].index(x["status"]), -abs(observed))


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
            "trend": trend.get("verdict"), "trend_note": _trend_note(trend),
            # "sample" is the Python checks' key, "sample_rows" the dbt tests' failing rows
            "sample": _sample(r.details.get("sample") or r.details.get("sample_rows") or []),
            "metrics": _metrics(r.details), "sample_hidden": False,
            "rules": r.details.get("rules") or [],
        }

    rows = [row(r) for r in run.ordered()]
    problems = [x for x in rows if x["status"] in ("error", "fail", "warn")]
    problems.sort(key=lambda x: (["error", "fail", "warn"].index(x["status"]), layer_rank(x["r"].layer)))
    for x in problems[MAX_SAMPLED_PROBLEMS:]:
        x["sample_hidden"] = bool(x["sample"])
        x["sample"] = None  # hundreds of failing checks: the worst keep their rows, the JSON has all
    drift = []
    tables = []
    for x in sorted(rows, key=_importance):
        for plot in _histograms(x["r"].details):
            drift.append({"row": x, **plot})
        table = _table(x["r"].details)
        if table:
            tables.append({"row": x, "table": table})
    drift_total, table_total = len(drift), len(tables)
    drift, tables = drift[:MAX_DRIFT_PLOTS], tables[:MAX_TABLES]
    layers = [{"name": name, "counts": counts, "bar": svg.layer_bar(counts), "total": sum(counts.values())}
              for name, counts in summary["by_layer"].items()]
    runs = _runs(run)
    incidents = [{**i, "svg": lineage_path(i.get("path") or {})} for i in run.context.get("incidents") or []]
    return {
        "incidents": incidents, "model_loops": model_loops(run.results),
        "facets": {name: sorted({str(getattr(x["r"], attr) or "") for x in rows} - {""})
                   for name, attr in (("layer", "layer"), ("status", "status"), ("model", "model"),
                                      ("type", "check_type"))},
        "run": run, "summary": summary, "layers": layers, "rows": rows, "problems": problems,
        "skipped": [x for x in rows if x["status"] == "skip"], "drift": drift, "tables": tables,
        "drift_more": drift_total - len(drift), "tables_more": table_total - len(tables),
        "runs_chart": svg.stacked_runs(runs) if len(runs) > 1 else "", "run_count": len(runs),
        "anomalies": run.context.get("anomalies") or [],
        "changes": {"previous_run_id": None, "new": [], "fixed": [], "newly_failing": [],
                    **(run.context.get("changes") or {})},
        "history_note": run.context.get("history_note"), "colors": svg.COLORS,
    }


def render_html(run: QCRun) -> str:
    return _env().get_template("dashboard.html.j2").render(**dashboard_context(run))

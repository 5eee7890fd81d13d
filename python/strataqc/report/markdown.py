"""Markdown for a pull-request comment: the verdict, what failed, what changed."""

from __future__ import annotations

import re

from strataqc.run import QCRun
from strataqc.report.text import printable
from strataqc.results import CheckResult, Status

ICON = {Status.PASS: "✅", Status.WARN: "⚠️", Status.FAIL: "❌", Status.ERROR: "🛑", Status.SKIP: "⏭️"}
MAX_ROWS = 50


def cell(value: object) -> str:
    """Table-cell safe: no pipes or newlines; markdown and HTML shown as text."""
    text = printable("" if value is None else str(value).replace("\n", " ").replace("\r", " "))
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return re.sub(r"([\\|`*_\[\]#])", r"\\\1", text)


def _num(value: float | None) -> str:
    return "" if value is None else f"{value:.4g}"


def _row(r: CheckResult, acked: dict) -> str:
    ack = acked.get(r)
    note = f" (acknowledged: {cell(ack)})" if ack else ""
    return (f"| {ICON[r.status]} {r.status} | {cell(r.layer)} | {cell(r.model)} | {cell(r.check)} | {cell(r.column)} "
            f"| {_num(r.observed)} | {_num(r.threshold)} | {'' if r.failures is None else r.failures} "
            f"| {cell(r.message[:200])}{note} |")


# dbt skips everything downstream of a failure at error severity: how a host lets its layers build
NOT_BUILT_HINT = ("A failing test at `severity: error` stops every model downstream, ADS included: set "
                  "`+severity: warn` on a layer's tests in dbt_project.yml to build and check the layers below it.")


def render_markdown(run: QCRun) -> str:
    from strataqc.run import check_key

    s = run.summary()
    reasons = {a["check_key"]: a["reason"] for a in run.context.get("acks") or []}
    acked = {r: reasons[check_key(r)] for r in run.results if check_key(r) in reasons}
    lines = [f"## {ICON[run.status]} StrataQC: {s['total']} checks — {s['pass']} pass, {s['warn']} warn, "
             f"{s['fail']} fail, {s['error']} error, {s['skip']} skip", "",
             f"Run {cell(run.run_id)} at {cell(run.generated_at)}", "",
             "| layer | pass | warn | fail | error | skip |", "|---|---:|---:|---:|---:|---:|"]
    for layer, counts in s["by_layer"].items():
        lines.append(f"| {cell(layer.upper())} | {counts['pass']} | {counts['warn']} | {counts['fail']} "
                     f"| {counts['error']} | {counts['skip']} |")
    not_built = run.not_built_text()
    if not_built:
        head, rest = not_built.split(": ", 1)
        lines += ["", f"**{head}:** {cell(rest)}", "", NOT_BUILT_HINT]
    incidents = run.context.get("incidents") or []
    if incidents:
        lines += ["", f"### Incidents ({len(incidents)})", ""]
        for i in incidents[:MAX_ROWS]:
            status = i["root"]["status"]
            icon = ICON[Status(status)] if status in {s.value for s in Status} else "📈"
            ack = " (root acknowledged)" if i.get("acknowledged") else ""
            lines.append(f"- {icon} **{cell(i['headline'])}** · {cell(i['id'])} since "
                         f"{cell(str(i['first_seen'])[:10])}{ack}")
    problems = run.problems()
    if problems:
        lines += ["", f"### Needs attention ({len(problems)})", "",
                  "| status | layer | model | check | column | observed | threshold | failures | message |",
                  "|---|---|---|---|---|---:|---:|---:|---|"]
        lines += [_row(r, acked) for r in problems[:MAX_ROWS]]
        if len(problems) > MAX_ROWS:
            lines.append(f"\n… and {len(problems) - MAX_ROWS} more: see the HTML dashboard or JSON report.")
    changes = run.context.get("changes") or {}
    if changes.get("previous_run_id"):
        parts = [f"{label}: {len(changes.get(key) or [])}" for key, label in
                 (("newly_failing", "newly failing"), ("fixed", "fixed"), ("new", "new checks"))]
        lines += ["", f"**Since the last run:** {', '.join(parts)}"]
        for entry in (changes.get("newly_failing") or [])[:20]:
            lines.append(f"- ❌ newly failing: {cell(entry['check'])} on {cell(entry['model'])}"
                         + (f".{cell(entry['column'])}" if entry.get("column") else ""))
    anomalies = run.context.get("anomalies") or []
    if anomalies:
        lines += ["", f"**Trend anomalies ({len(anomalies)})** — observed values that left their own history:"]
        for a in anomalies[:20]:
            lines.append(f"- {cell(a['check'])} on {cell(a['model'])}: {cell(a['message'])}")
    skipped = [r for r in run.results if r.status is Status.SKIP]
    if skipped:
        lines += ["", f"<details><summary>{len(skipped)} skipped</summary>", ""]
        lines += [f"- {cell(r.model)} {cell(r.check)}: {cell(r.message)}" for r in skipped[:MAX_ROWS]]
        lines += ["", "</details>"]
    return "\n".join(lines) + "\n"

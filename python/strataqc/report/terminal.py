"""The terminal table: grouped by layer (ODS→ADS), failures first."""

from __future__ import annotations

import io

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from strataqc.run import QCRun
from strataqc.report.text import printable
from strataqc.results import CheckResult, Status

STYLE = {Status.PASS: "green", Status.WARN: "yellow", Status.FAIL: "red", Status.ERROR: "bold red", Status.SKIP: "dim"}


def _number(value: float | None) -> str:
    if value is None:
        return ""
    return f"{value:.4g}"


def _row(r: CheckResult, acked: set[str]) -> list[str]:
    from strataqc.run import check_key

    status = f"[{STYLE[r.status]}]{r.status}[/]"
    if check_key(r) in acked:
        status += " [dim](ack)[/]"
    return [status, _text(r.model), _text(r.check), _text(r.column), _number(r.observed),
            _number(r.threshold), "" if r.failures is None else str(r.failures), _text(r.message[:300])]


def _text(value: str | None) -> str:
    """Data as plain text: rich markup escaped, control characters (an ESC sequence) made visible."""
    return escape(printable(value or ""))


def print_table(run: QCRun, console: Console, *, passing: bool = True) -> None:
    """The summary, then per layer the checks needing attention (and passing ones when `passing`)."""
    summary = run.summary()
    acked = set(run.context.get("acked_keys", []))
    console.print(f"[bold]StrataQC run {escape(run.run_id)}[/] at {escape(run.generated_at)}: "
                  f"[{STYLE[run.status]}]{run.status}[/] — {summary['total']} checks, "
                  f"{summary['pass']} pass, {summary['warn']} warn, {summary['fail']} fail, "
                  f"{summary['error']} error, {summary['skip']} skip")
    not_built = run.not_built_text()
    if not_built:
        from strataqc.report.markdown import NOT_BUILT_HINT

        console.print(f"[bold]{escape(printable(not_built))}[/]. {escape(NOT_BUILT_HINT.replace('`', ''))}")
    for incident in run.context.get("incidents") or []:  # DESIGN §7: the causes before the checks
        console.print(f"[bold]incident[/] {escape(incident['id'])}: {_text(incident['headline'])} "
                      f"[dim](since {escape(str(incident['first_seen'])[:10])})[/]")
    for layer, records in run.by_layer():
        shown = records if passing else [r for r in records if r.status is not Status.PASS]
        counts = summary["by_layer"].get(layer, {})
        table = Table(title=f"{layer.upper()}  ({', '.join(f'{v} {k}' for k, v in counts.items() if v)})",
                      title_justify="left", expand=False, show_lines=False)
        for name, kwargs in (("status", {}), ("model", {}), ("check", {}), ("column", {}),
                             ("observed", {"justify": "right"}), ("threshold", {"justify": "right"}),
                             ("failures", {"justify": "right"}), ("message", {"overflow": "fold"})):
            table.add_column(name, **kwargs)
        for r in shown:
            table.add_row(*_row(r, acked))
        if shown:
            console.print(table)
    _print_attention(run, console)
    if not passing and summary["pass"]:
        console.print(f"[dim]{summary['pass']} passing checks not listed (--verbose lists them)[/]")
    note = run.context.get("history_note")
    if note:
        console.print(f"[dim]{escape(note)}[/]")


def _print_attention(run: QCRun, console: Console, limit: int = 20) -> None:
    """What changed since the last run and what left its history: the lines on-call reads first."""
    changes = run.context.get("changes") or {}
    for name, label in (("newly_failing", "[red]newly failing[/]"), ("fixed", "[green]fixed[/]")):
        entries = changes.get(name) or []
        if entries:
            listed = ", ".join(escape(f"{e.get('check')} on {e.get('model')}"
                                      + (f".{e['column']}" if e.get("column") else "")) for e in entries[:limit])
            console.print(f"{label} since the last run ({len(entries)}): {listed}")
    anomalies = run.context.get("anomalies") or []
    if anomalies:
        console.print(f"[yellow]{len(anomalies)} trend anomal{'y' if len(anomalies) == 1 else 'ies'}[/] "
                      "(observed value departs from its own history)")
        for a in anomalies[:limit]:
            where = f"{a.get('model')}" + (f".{a['column']}" if a.get("column") else "")
            console.print(f"  {_text(a.get('check'))} on {_text(where)}: {_text(a.get('message'))}")


def render_table(run: QCRun, width: int = 160, passing: bool = True) -> str:
    """Plain text (no colour codes) for a file."""
    buffer = io.StringIO()
    print_table(run, Console(file=buffer, width=width, no_color=True, highlight=False, emoji=False,
                             force_terminal=False), passing=passing)
    return buffer.getvalue()


SPARK = {"pass": "[green]●[/]", "warn": "[yellow]●[/]", "fail": "[red]●[/]", "error": "[bold red]✖[/]",
         "skip": "[dim]○[/]"}


def print_history(rows: list[dict], changes: dict, console: Console, *, width: int = 28) -> None:
    """`qc-report history`: one line per check, worst pass rate first, then the latest changes."""
    table = Table(title="Check history (oldest → newest)", title_justify="left")
    for name, kwargs in (("layer", {}), ("model", {}), ("check", {}), ("column", {}), ("runs", {"justify": "right"}),
                         ("pass rate", {"justify": "right"}), ("statuses", {}), ("observed (last)", {"justify": "right"}),
                         ("trend", {})):
        table.add_column(name, **kwargs)
    for row in rows:
        values = [v for v in row["observed"] if v is not None]
        trend = row["trend"]
        trend_cell = {"anomaly": "[yellow]anomaly[/]", "insufficient_history": "[dim]too little history[/]",
                      "no_value": "", "normal": "normal"}.get(trend, trend)
        table.add_row(_text(row["layer"]), _text(row["model"]), _text(row["check"]),
                      _text(row["column"]), str(row["runs"]), f"{row['pass_rate']:.0%}",
                      "".join(SPARK.get(s, "?") for s in row["statuses"][-width:]),
                      _number(values[-1]) if values else "", trend_cell)
    console.print(table)
    if changes.get("previous_run_id") is None:
        console.print("[dim]only one run stored: nothing to compare yet[/]")
        return
    console.print(f"Since run {escape(str(changes['previous_run_id']))}:")
    for name, label in (("newly_failing", "[red]newly failing[/]"), ("fixed", "[green]fixed[/]"),
                        ("new", "new"), ("gone", "[dim]no longer reported[/]")):
        entries = changes.get(name) or []
        if entries:
            listed = ", ".join(escape(f"{e.get('check')} on {e.get('model')}"
                                      + (f".{e['column']}" if e.get("column") else "")) for e in entries[:20])
            more = f" (+{len(entries) - 20} more)" if len(entries) > 20 else ""
            console.print(f"  {label} ({len(entries)}): {listed}{more}")

"""`make bench`: StrataQC against the tools a team would otherwise stitch together.

Every tool runs in its own process through one harness (wall seconds, peak RSS
of the process tree); every case measures its anchor in the same run, so the
ratios hold on whatever machine runs it. Results: a printed table and
bench/results/bench-<time>.json (+ latest.json, latest.md).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

from harness import Measurement, measure  # noqa: E402
from machine import git_commit, machine_facts, package_versions  # noqa: E402

ROOT = BENCH.parent
PRODUCT_PY = ROOT / ".venv" / "bin" / "python"
VENVS = BENCH / ".venvs"
WORK = BENCH / ".work"
RESULTS = BENCH / "results"
GIB = 2**30


@dataclass
class Row:
    """One measured (or skipped) tool × task × size."""

    case: str
    tool: str
    task: str
    rows: int | None
    engine: str = "duckdb"
    status: str = "ok"  # ok | failed | skipped | timeout
    wall_s: float | None = None
    peak_rss_bytes: int | None = None
    reason: str = ""
    phases: dict[str, Any] = field(default_factory=dict)

    @property
    def peak_rss_gib(self) -> float | None:
        return None if self.peak_rss_bytes is None else round(self.peak_rss_bytes / GIB, 3)

    def as_json(self) -> dict[str, Any]:
        return {"case": self.case, "tool": self.tool, "task": self.task, "rows": self.rows, "engine": self.engine,
                "status": self.status, "wall_s": self.wall_s, "peak_rss_bytes": self.peak_rss_bytes,
                "peak_rss_gib": self.peak_rss_gib, "reason": self.reason, "phases": self.phases}


class Bench:
    def __init__(self, args: argparse.Namespace):
        self.args = args
        self.rows: list[Row] = []
        self.log_dir = WORK / "logs"
        self.peer_timeout = args.peer_timeout

    def run(self, case: str, tool: str, task: str, rows: int | None, cmd: list[str], *, engine: str = "duckdb",
            env: dict[str, str] | None = None, timeout_s: float | None = None, cwd: Path | None = None) -> Row:
        label = f"{case}-{tool}-{task}-{rows}".replace(" ", "_").replace("/", "_")
        print(f"  · {case} {tool}: {task} ({_rows(rows)} rows) ...", end="", flush=True)
        m: Measurement = measure(cmd, env=env, cwd=cwd, timeout_s=timeout_s, log=self.log_dir / f"{label}.log")
        status = "ok" if m.ok else ("timeout" if m.timed_out else "failed")
        reason = ""
        if m.timed_out:
            reason = f"stopped at the {timeout_s:.0f} s cap"
        elif not m.ok:
            reason = f"exit {m.returncode}: " + m.stderr_tail.strip().splitlines()[-1][:300] if m.stderr_tail.strip() \
                else f"exit {m.returncode}"
        row = Row(case, tool, task, rows, engine, status, m.wall_s, m.peak_rss_bytes, reason, m.phases)
        print(f" {status} {m.wall_s:.1f} s, {m.peak_rss_bytes / GIB:.2f} GiB" + (f" ({reason})" if reason else ""))
        self.rows.append(row)
        return row

    def skip(self, case: str, tool: str, task: str, rows: int | None, reason: str, engine: str = "duckdb") -> Row:
        print(f"  · {case} {tool}: {task} ({_rows(rows)} rows) skipped: {reason}")
        row = Row(case, tool, task, rows, engine, "skipped", reason=reason)
        self.rows.append(row)
        return row


def _rows(n: int | None) -> str:
    if n is None:
        return "-"
    if n >= 1_000_000 and n % 100_000 == 0:
        return f"{n / 1e6:g}M"
    if n >= 1000 and n % 1000 == 0:
        return f"{n // 1000}k"
    return str(n)


def peer_python(name: str) -> tuple[Path | None, str]:
    """The peer's interpreter, or why it cannot run."""
    env = VENVS / name
    if (env / ".failed").exists():
        return None, (env / ".failed").read_text().strip()
    if not (env / ".installed").exists():
        return None, f"{name} is not installed (bench/install_peers.sh did not finish)"
    return env / "bin" / "python", ""


def versions() -> dict[str, Any]:
    out: dict[str, Any] = {"strataqc_commit": git_commit(ROOT)}
    out["product"] = package_versions(PRODUCT_PY, ["strataqc", "duckdb", "dbt-core", "dbt-duckdb", "pandas", "numpy",
                                                   "sqlglot", "psycopg2-binary", "dbt-postgres"])
    for peer, names in (("evidently", ["evidently", "pandas", "numpy"]),
                        ("deepchecks", ["deepchecks", "pandas", "numpy", "scikit-learn"])):
        py, _ = peer_python(peer)
        out[peer] = package_versions(py, names) if py else None
    return out


def parse_sizes(text: str) -> list[int]:
    return [int(float(x)) for x in text.replace("_", "").split(",") if x.strip()]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", default=os.environ.get("BENCH_ROWS", "1000000,10000000"),
                        help="landing row counts, comma separated (env BENCH_ROWS)")
    parser.add_argument("--cases", default=os.environ.get("BENCH_CASES", "1,2,3,4,5,6,7"),
                        help="1,2,3,4,5,6,7 (env BENCH_CASES); 2big: only case 2's StrataQC run on the repeated ADS "
                             "table; 5: many nights, few messages (qc-report simulate); 7: kept forecasts' "
                             "realized accuracy over 30, 60, 90 nights")
    parser.add_argument("--big-check-rows", type=int, default=int(os.environ.get("BENCH_CHECK_ROWS", 20_000_000)),
                        help="case 2: StrataQC alone on an ADS-shaped table this large (0 to skip)")
    parser.add_argument("--deepchecks-max-rows", type=int, default=int(os.environ.get("BENCH_DEEPCHECKS_MAX", 5_000_000)))
    # caps compare with the ADS table's rows, a little above the landing rows
    parser.add_argument("--evidently-max-rows", type=int, default=int(os.environ.get("BENCH_EVIDENTLY_MAX", 12_000_000)))
    parser.add_argument("--peer-timeout", type=float, default=float(os.environ.get("BENCH_PEER_TIMEOUT", 900)))
    parser.add_argument("--postgres", default=os.environ.get("BENCH_POSTGRES", "auto"),
                        help="case 1 on PostgreSQL too: auto (if scripts/postgres.sh exists), yes, no")
    parser.add_argument("--reuse", action="store_true", default=os.environ.get("BENCH_REUSE") == "1",
                        help="cases 1 and 2 read the warehouse of an earlier run of the same size (case 3 not "
                             "selected); for working on a case, not for published numbers")
    parser.add_argument("--label", default=os.environ.get("BENCH_LABEL", ""))
    args = parser.parse_args(argv)

    from cases import plan

    sizes = parse_sizes(args.rows)
    cases = {c.strip() for c in args.cases.split(",")}
    bench = Bench(args)
    started = dt.datetime.now(dt.timezone.utc)
    facts = machine_facts()
    print(f"StrataQC bench: sizes {', '.join(_rows(s) for s in sizes)}; cases {', '.join(sorted(cases))}; "
          f"{facts['cores']} cores, {facts['memory_gib']} GiB")
    steps: list[tuple[str, Callable[[], None]]] = plan.steps(bench, sizes, cases)
    for title, step in steps:
        print(title)
        try:
            step()
        except Exception as exc:  # a missing part of the product or a broken case: recorded, the rest still runs
            why = str(exc) if isinstance(exc, plan.CannotBench) else f"{type(exc).__name__}: {exc}".splitlines()[0]
            print(f"  ! {why}")
            bench.rows.append(Row(title.split()[1].rstrip(":"), "strataqc", title, None, status="failed",
                                  reason=why[:500]))

    from report import ratios_and_targets, render_markdown, render_table

    finished = dt.datetime.now(dt.timezone.utc)
    facts["load_avg_at_end"] = [round(x, 2) for x in os.getloadavg()]  # the machine is shared: say how busy
    targets = ratios_and_targets(bench.rows, sizes)
    doc = {
        "started_at": started.isoformat(timespec="seconds"), "finished_at": finished.isoformat(timespec="seconds"),
        "label": args.label, "sizes": sizes, "machine": facts, "versions": versions(),
        "results": [r.as_json() for r in bench.rows], "targets": targets,
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    stamp = started.strftime("%Y%m%dT%H%M%SZ")
    out = RESULTS / f"bench-{stamp}.json"
    out.write_text(json.dumps(doc, indent=2) + "\n")
    (RESULTS / "latest.json").write_text(json.dumps(doc, indent=2) + "\n")
    (RESULTS / "latest.md").write_text(render_markdown(doc))
    print()
    print(render_table(doc))
    print(f"\nwrote {out.relative_to(ROOT)} (and results/latest.json, results/latest.md)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

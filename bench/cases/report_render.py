"""Case 4: render tonight's report with 500 checks and 90 nights of history behind it.

The history is written through the real `History.append` (untimed setup);
the timed part is what `qc-report run --format html` does after the checks:
store tonight, read the trends of the last 90 nights, render the dashboard.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from harness import report_phases  # noqa: E402
from strataqc.history import History, run_context  # noqa: E402
from strataqc.report.render import render  # noqa: E402
from strataqc.run import QCRun  # noqa: E402
from strataqc.results import CheckResult, CheckType, Status  # noqa: E402
from strataqc.warehouse import Target, Warehouse  # noqa: E402

LAYERS = ("ods", "dwd", "dws", "ads")
SQL_TESTS = ("unique_key", "abnormal_value_ratio", "value_range", "valid_type", "special_characters",
             "column_checks", "date_continuity", "reconcile_sum", "accepted_values_ratio", "not_null")
PY_CHECKS = (("feature_drift", CheckType.DRIFT), ("missing_values", CheckType.FEATURE_SET),
             ("target_correlation", CheckType.FEATURE_SET), ("new_categories", CheckType.DRIFT))


def checks(n: int, night: int, rng: random.Random) -> list[CheckResult]:
    """`n` checks of a realistic mix; a few fail, values wander night to night."""
    out = []
    for i in range(n):
        layer = LAYERS[i % 4]
        model = f"{layer}_model_{i % 40:02d}"
        column = f"col_{i % 23:02d}"
        bad = rng.random() < 0.04
        status = Status.FAIL if bad else (Status.WARN if rng.random() < 0.03 else Status.PASS)
        if i % 10 == 9:  # one in ten is a Python check with a drift histogram
            name, kind = PY_CHECKS[i % len(PY_CHECKS)]
            # the drift details the checks write (distribution + metrics), ten bins as drift uses
            bins = [f"[{x / 10:.1f}, {(x + 1) / 10:.1f})" for x in range(10)]
            ref = [rng.randint(50, 150) for _ in range(10)]
            cur = [max(0, r + rng.randint(-20, 20 + (80 if bad else 0))) for r in ref]
            psi = rng.random() * (0.4 if bad else 0.08)
            details = {"distribution": {"column": column, "kind": "numeric", "bins": bins,
                                        "reference": [round(x / sum(ref), 4) for x in ref],
                                        "current": [round(x / sum(cur), 4) for x in cur]},
                       "metrics": {"psi": round(psi, 4), "ks": round(psi / 3, 4), "ks_pvalue": 0.01 if bad else 0.4}}
            out.append(CheckResult(check=name, status=status, model="ads_demand_features", column=column,
                                   check_type=kind, layer="ads", observed=psi, threshold=0.25,
                                   message=f"{column}: PSI {psi:.3f}, limit 0.25", duration_s=0.01,
                                   details=details))
            continue
        test = SQL_TESTS[i % len(SQL_TESTS)]
        failures = rng.randint(1, 500) if bad else 0
        details = {"test_name": f"{test}_{model}_{column}"}
        if bad:
            details["sample_rows"] = [{"store_id": rng.randint(1, 99), "value": rng.random()} for _ in range(5)]
        out.append(CheckResult(check=test, status=status, model=model, column=column, layer=layer,
                               failures=failures, observed=failures / 1e6 + night * 1e-9, threshold=0.0,
                               message=f"{failures} failing rows", duration_s=0.05, details=details))
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--duckdb", type=Path, required=True)
    parser.add_argument("--checks", type=int, default=500)
    parser.add_argument("--nights", type=int, default=90)
    parser.add_argument("--html", type=Path, required=True)
    args = parser.parse_args()

    args.duckdb.unlink(missing_ok=True)
    wh = Warehouse(Target("bench", "duckdb", "duckdb", {"path": str(args.duckdb)}))
    history = History(wh)
    rng = random.Random(7)
    start = dt.datetime(2026, 1, 1, 2, 0, tzinfo=dt.timezone.utc)
    started = time.monotonic()
    for night in range(args.nights):
        when = (start + dt.timedelta(days=night)).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        history.append(QCRun.merge(f"night-{night:03d}", when, checks(args.checks, night, rng)))
    setup_s = time.monotonic() - started

    tonight = (start + dt.timedelta(days=args.nights)).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    run = QCRun.merge("tonight", tonight, checks(args.checks, args.nights, rng))
    t0 = time.monotonic()
    history.append(run)
    t1 = time.monotonic()
    run.context.update(run_context(history, run))
    t2 = time.monotonic()
    html = render(run, "html")
    t3 = time.monotonic()
    args.html.write_text(html)
    wh.close()
    report_phases(setup_history_s=round(setup_s, 3), store_s=round(t1 - t0, 3), context_s=round(t2 - t1, 3),
                  render_s=round(t3 - t2, 3), report_s=round(t3 - t0, 3), html_bytes=len(html.encode()),
                  svg_plots=html.count("<svg"),
                  checks=len(run.results), nights=args.nights, history_runs=run.context.get("history_runs"))


if __name__ == "__main__":
    main()

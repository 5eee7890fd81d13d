"""Case 2, StrataQC: every feature-set and drift check on one ADS-shaped table.

Statistics are computed in the warehouse; only summaries reach Python.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from harness import report_phases  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--duckdb", type=Path, required=True)
    parser.add_argument("--relation", required=True, help='"db"."schema"."table" as dbt names it')
    parser.add_argument("--model", default="ads_demand_features")
    parser.add_argument("--config", type=Path, required=True, help="the model's meta.strataqc block as JSON")
    args = parser.parse_args()

    t0 = time.monotonic()
    from strataqc.checks.runner import check_relation
    from strataqc.warehouse import Target, Warehouse

    config = json.loads(args.config.read_text())
    wh = Warehouse(Target("bench", "duckdb", "duckdb", {"path": str(args.duckdb)}), read_only=True)
    t1 = time.monotonic()
    results = list(check_relation(wh, args.model, args.relation, config))
    t2 = time.monotonic()
    wh.close()
    statuses = Counter(str(r.status) for r in results)
    errors = [f"{r.check}/{r.column}: {r.message}"[:200] for r in results if str(r.status) == "error"]
    report_phases(import_s=round(t1 - t0, 3), checks_s=round(t2 - t1, 3), checks=len(results),
                  statuses=dict(statuses), errors=errors[:5])


if __name__ == "__main__":
    main()

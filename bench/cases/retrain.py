"""Model quality's nightly cost with and without a retrain policy, on one synthetic ADS table.

Three nights whose train split changed since the last one, each timed around `run_model_quality`:
  train      no policy: a new version is trained and forecasts (what every changed night costs)
  champion   a policy, no trigger: the champion forecasts, nothing is trained
  challenger a policy and a trigger: a challenger is trained, both are scored on valid, gates judged
Each is run `--repeats` times in this process (median kept); the ratios to `train` are what compare.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "python" / "tests" / "checks"))

from test_model_quality import demand_table, make_warehouse, meta  # noqa: E402

from strataqc.checks.model_quality import run_model_quality  # noqa: E402
from strataqc.results import CheckResult, CheckType, Status  # noqa: E402

PARAMS = {"n_estimators": 150, "num_leaves": 31, "learning_rate": 0.1, "objective": "regression",
          "num_threads": 2, "min_data_in_leaf": 50, "verbosity": -1}
DRIFT = CheckResult(check="feature_drift", status=Status.FAIL, check_type=CheckType.DRIFT, model="feat",
                    column="temperature")


def one(kind: str, stores: int, skus: int, days: int) -> tuple[float, str]:
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        wh, relation = make_warehouse(tmp, demand_table(n_stores=stores, n_skus=skus, days=days))
        block = meta(tmp, params=PARAMS, **({} if kind == "train" else {"retrain": {"on": ["drift_fail"]}}))
        run_model_quality("feat", relation, block, wh, tmp)  # night 1 (untimed): the first version
        wh.execute("update ads.feat set units_next_7d = units_next_7d + 40 * temperature "
                   "where dataset_split in ('train', 'valid')")
        start = time.perf_counter()
        out = run_model_quality("feat", relation, block, wh, tmp, [DRIFT] if kind == "challenger" else [])
        seconds = time.perf_counter() - start
        wh.close()
        said = {r.check: r.message for r in out}
        return seconds, said.get("model_retrain", said["model_artifact"])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--stores", type=int, default=20)
    parser.add_argument("--skus", type=int, default=40)
    parser.add_argument("--days", type=int, default=120)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    rows = args.stores * args.skus * args.days
    started = dt.datetime.now(dt.timezone.utc)
    result = {"started_at": started.isoformat(timespec="seconds"), "rows": rows, "params": PARAMS,
              "load_avg_at_start": [round(x, 2) for x in os.getloadavg()], "nights": {}}
    for _ in range(args.repeats):  # interleaved: a busy minute on the shared host hits every kind alike
        for kind in ("train", "champion", "challenger"):
            seconds, said = one(kind, args.stores, args.skus, args.days)
            entry = result["nights"].setdefault(kind, {"seconds": [], "says": said})
            entry["seconds"].append(round(seconds, 3))
    for kind, entry in result["nights"].items():
        entry["median_s"] = statistics.median(entry["seconds"])
        entry["ratio_to_train"] = round(entry["median_s"] / result["nights"]["train"]["median_s"], 3)
    result["load_avg_at_end"] = [round(x, 2) for x in os.getloadavg()]
    out = ROOT / "bench" / "results" / f"retrain-{started.strftime('%Y%m%dT%H%M%SZ')}.json"
    out.write_text(json.dumps(result, indent=2) + "\n")
    for kind, entry in result["nights"].items():
        print(f"{kind:10s} median {entry['median_s']:6.2f} s  x{entry['ratio_to_train']:.2f}  {entry['says'][:110]}")
    print(f"wrote {out.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

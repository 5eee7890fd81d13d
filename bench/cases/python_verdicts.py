"""Case 3: the Python checks of a night that read stored profiles, against the same checks reading the table.

usage: python_verdicts.py PROJECT_DIR TARGET_PATH REPORT_JSON
(env: DBT_PROFILES_DIR, STRATAQC_DUCKDB_PATH of the night's warehouse)

For every model with a `profiles:` block, the feature-set and drift checks run again on a read-only
connection with `profiles` taken out of the block, so they read the whole table; each record is set
beside the night's record of the same (check, column). Prints one JSON line:
{"python_checks": N, "equal": N, "unexplained": [...], "observed_differs": [...], "table_read_s": seconds}.
A verdict is unexplained when its status differs (or the night has no such record); an equal status
whose observed value differs by more than 1e-6 (relative) is listed apart: the drift checks' stored
bin edges are kept until the reference's rows move by more than `edges_refresh`, where the table read
derives tonight's, so a PSI may differ in its last digits.
"""

from __future__ import annotations

import json
import math
import sys
import time
from pathlib import Path
from typing import Any

from strataqc.checks.config import build_spec
from strataqc.checks.registry import SPEC_FAMILIES
from strataqc.checks.runner import model_nodes, strataqc_block
from strataqc.layers import layer_of
from strataqc.warehouse import Warehouse


def table_read_records(project_dir: Path, manifest: dict) -> list[dict[str, Any]]:
    out = []
    with Warehouse.from_project(project_dir, read_only=True) as wh:
        for node in model_nodes(manifest):
            block = strataqc_block(node)
            if not isinstance(block, dict) or "profiles" not in block:
                continue
            block = {k: v for k, v in block.items() if k != "profiles"}
            spec, errors = build_spec(node["name"], node["relation_name"], layer_of(node), block, wh)
            if spec is None:
                raise SystemExit(f"{node['name']}: no spec without profiles: {[e.message for e in errors]}")
            for family in SPEC_FAMILIES.values():
                out += [r.replace(model=r.model or node["name"]).record() for r in family.run(wh, spec)]
    return out


def _same(a: Any, b: Any) -> bool:
    if a is None or b is None:
        return a is None and b is None
    a, b = float(a), float(b)
    return a == b or math.isclose(a, b, rel_tol=1e-6, abs_tol=1e-9)


def compare(night: list[dict[str, Any]], table: list[dict[str, Any]]) -> dict[str, Any]:
    key = lambda r: (r.get("model"), r.get("check"), r.get("column"))  # noqa: E731
    by_key = {key(r): r for r in night}
    unexplained, differs = [], []
    for t in table:
        n = by_key.get(key(t))
        item = {"check": t["check"], "column": t.get("column"), "table": t["status"],
                "table_observed": t.get("observed"), "night": n and n["status"], "night_observed": n and n.get("observed")}
        if n is None or n["status"] != t["status"]:
            unexplained.append(item)
        elif not _same(n.get("observed"), t.get("observed")):
            differs.append(item)
    return {"python_checks": len(table), "equal": len(table) - len(unexplained), "unexplained": unexplained,
            "observed_differs": differs}


def main(project_dir: str, target_path: str, report: str) -> None:
    manifest = json.loads((Path(target_path) / "manifest.json").read_text())
    doc = json.loads(Path(report).read_text())
    night = [r for r in doc["results"] if r.get("check_type") in ("feature_set", "drift")]
    started = time.monotonic()
    table = table_read_records(Path(project_dir), manifest)
    out = compare(night, table)
    out["table_read_s"] = round(time.monotonic() - started, 3)
    print(json.dumps(out))


if __name__ == "__main__":
    main(*sys.argv[1:4])

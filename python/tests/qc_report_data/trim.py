"""Regenerate the artifacts fixture: dbt build of ./project, manifest trimmed to what qc-report reads.

    STRATAQC_DUCKDB_PATH=/tmp/fix.duckdb dbt build --project-dir project --profiles-dir project --target-path /tmp/fix-target
    python trim.py /tmp/fix-target
"""
import json
import sys
from pathlib import Path

src = Path(sys.argv[1])
here = Path(__file__).parent
manifest = json.loads((src / "manifest.json").read_text())
keep = ("unique_id", "name", "resource_type", "package_name", "path", "original_file_path", "fqn",
        "test_metadata", "column_name", "attached_node", "depends_on", "relation_name", "config",
        "compiled_code", "meta", "database", "schema", "alias")
nodes = {uid: {k: n[k] for k in keep if k in n} for uid, n in manifest["nodes"].items()}
for n in nodes.values():
    n["depends_on"] = {"nodes": n.get("depends_on", {}).get("nodes", [])}
slim = {"metadata": manifest["metadata"], "nodes": nodes, "sources": {}, "parent_map": manifest["parent_map"],
        "child_map": manifest["child_map"]}
(here / "manifest.json").write_text(json.dumps(slim, indent=1, sort_keys=True) + "\n")
results = json.loads((src / "run_results.json").read_text())
(here / "run_results.json").write_text(json.dumps(results, indent=1) + "\n")

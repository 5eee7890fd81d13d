#!/usr/bin/env bash
# The demo night: generate the landing zone, load it, build and check every layer, report.
# Settings (environment): DEMO_ROWS (200000), DEMO_SEED (42), STRATAQC_DUCKDB_PATH, DEMO_TARGET_PATH.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
BIN=$ROOT/.venv/bin
ROWS=${DEMO_ROWS:-200000}
SEED=${DEMO_SEED:-42}
export DBT_PROFILES_DIR=${DBT_PROFILES_DIR:-$ROOT/profiles}
export STRATAQC_DUCKDB_PATH=${STRATAQC_DUCKDB_PATH:-$ROOT/warehouse/strataqc.duckdb}
TARGET=${DEMO_TARGET_PATH:-$ROOT/target}
LANDING=$ROOT/data/landing
REPORTS=$ROOT/reports
started=$(date +%s)

mkdir -p "$(dirname "$STRATAQC_DUCKDB_PATH")" "$REPORTS"
rm -f "$STRATAQC_DUCKDB_PATH" "$STRATAQC_DUCKDB_PATH.wal"  # a demo night starts from an empty warehouse
echo "== generate $ROWS landing lines (seed $SEED)"
"$BIN/qc-report" generate --rows "$ROWS" --seed "$SEED" --out "$LANDING"
echo "== load the landing zone"
"$BIN/qc-report" load --landing "$LANDING" --project-dir "$ROOT"
echo "== dbt build (seeds, then ODS -> DWD -> DWS -> ADS, every layer's tests)"
# dbt exits 1 when a test at error severity fails: the demo data is defective on purpose.
# A model that does not build is another matter: that stops the demo.
# "now" for freshness is the night after the newest business day: the demo data is historical
NIGHT=$("$BIN/python" -c 'import datetime as d, json, sys; e = json.load(open(sys.argv[1]))["generator"]["end_date"]; print(f"{d.date.fromisoformat(e) + d.timedelta(days=1)}T03:00:00Z")' "$LANDING/manifest.json")
STRATAQC_NOW=$NIGHT "$BIN/dbt" build --project-dir "$ROOT" --target-path "$TARGET" || true
"$BIN/python" - "$TARGET/run_results.json" <<'EOF'
import json, sys
from pathlib import Path
path = Path(sys.argv[1])
if not path.exists():
    sys.exit(f"dbt build wrote no {path}: see the dbt output above")
results = json.loads(path.read_text())["results"]
broken = [r["unique_id"] for r in results if r["status"] == "error" and not r["unique_id"].startswith("test.")]
if broken:
    sys.exit("models failed to build: " + ", ".join(broken))
tests = [r["status"] for r in results if r["unique_id"].startswith("test.")]
failed, warned = sum(s in ("fail", "error") for s in tests), tests.count("warn")
print(f"every model built; of {len(tests)} tests {failed} failed and {warned} warned on the planted defects (expected)")
EOF
echo "== qc-report run"
"$BIN/qc-report" run --project-dir "$ROOT" --target-path "$TARGET" --fail-on never \
  --html "$REPORTS/strataqc.html" --json "$REPORTS/strataqc.json"

echo
echo "Demo night done in $(( $(date +%s) - started ))s. Outputs:"
echo "  landing zone + defect manifest: $LANDING/ (manifest.json)"
echo "  warehouse (DuckDB):             $STRATAQC_DUCKDB_PATH"
echo "    landing.* raw text, landing._rejects unreadable lines; schemas ref (seeds), ods, dwd, dws, ads"
echo "    reconciliation (landed = clean + rejected + duplicates): dwd.dwd_sales__reconciliation"
echo "    failing rows of every warned or failed test: schema dbt_test__audit (one table per test)"
echo "  dbt artifacts:                  $TARGET/run_results.json, $TARGET/manifest.json"
echo "  JSON report:                    $REPORTS/strataqc.json"
echo "  HTML dashboard:                 $REPORTS/strataqc.html"

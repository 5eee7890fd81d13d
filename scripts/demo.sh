#!/usr/bin/env bash
# The demo night: generate the landing zone, load it, build and check every layer, report.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
ROWS=${DEMO_ROWS:-200000}
SEED=${DEMO_SEED:-42}
mkdir -p warehouse data reports
rm -f "$STRATAQC_DUCKDB_PATH"
$BIN/qc-report generate --rows "$ROWS" --seed "$SEED" --out data/landing
$BIN/qc-report load --landing data/landing
# dbt exits 1 when a check at error severity fails: the demo data is defective on purpose
$BIN/dbt build --project-dir . || echo "dbt build reported failing checks (expected: the demo data carries defects)"
$BIN/qc-report run --project-dir . --fail-on never --html reports/strataqc.html
echo
echo "Outputs:"
echo "  landing zone + defect manifest: data/landing/ (manifest.json)"
echo "  warehouse (DuckDB):             $STRATAQC_DUCKDB_PATH"
echo "  dbt artifacts:                  target/run_results.json, target/manifest.json"
echo "  HTML dashboard:                 $(pwd)/reports/strataqc.html"

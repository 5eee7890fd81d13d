#!/usr/bin/env bash
# Case 3: one night as a scheduler runs it, step by step so each step is timed.
#   full        generate the landing zone, load it, dbt build --full-refresh, qc-report run
#   incremental the next night: one more day lands, load it, dbt build, qc-report run; the tests of
#               the incremental models read the rows this run wrote (+strataqc_scope: new_rows)
#   check       a full check of the same data: dbt test in an invocation of its own, whole tables
#               (the verdicts the scoped night must equal)
# usage: night.sh full|incremental|check WORKDIR ROWS SEED [INCIDENT ...]
#   (env: DBT_*, STRATAQC_DUCKDB_PATH; INCIDENTs are planted in the incremental night's delivery;
#    each mode keeps dbt's run_results as WORKDIR/run_results-<mode>[-<label>].json, label from env NIGHT_LABEL)
set -euo pipefail
mode=$1 wd=$2 rows=$3 seed=$4
shift 4
incidents=()
for i in "$@"; do incidents+=(--incident "$i"); done
keep="$wd/run_results-$mode${NIGHT_LABEL:+-$NIGHT_LABEL}.json"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
bin="$root/.venv/bin"
landing="$wd/landing"
phases=()
timed() {  # timed NAME CMD...: run, keep its seconds as a phase
  local name=$1; shift
  local t0=$EPOCHREALTIME
  "$@"
  phases+=("\"${name}_s\": $(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN {printf "%.3f", b - a}')")
}
dbt_test() {
  "$bin/dbt" test --project-dir "$root" || [[ $? -eq 1 ]] || return 1
}
dbt_build() {
  # dbt exits 1 when a check at error severity fails: the generated data is defective on purpose,
  # so the exit code cannot tell a failed check from a model that did not build; run_results can
  "$bin/dbt" build --project-dir "$root" "$@" || [[ $? -eq 1 ]] || return 1
  "$bin/python" - "$DBT_TARGET_PATH/run_results.json" <<'PY'
import json, sys
broken = [f"{r['unique_id']} ({r['status']})" for r in json.load(open(sys.argv[1]))["results"]
          if r["unique_id"].split(".")[0] in ("model", "seed", "snapshot") and r["status"] in ("error", "skipped")]
if broken:
    sys.exit(f"the night is not valid: {len(broken)} model(s) did not build: {', '.join(broken[:5])}")
PY
}

if [[ $mode == check ]]; then
  # another invocation: no watermark of its own, so every test reads its whole table
  timed dbt_test dbt_test
  cp "$DBT_TARGET_PATH/run_results.json" "$keep"
  (IFS=,; echo "BENCH {${phases[*]}}")
  exit 0
fi
if [[ $mode == full ]]; then
  rm -rf "$landing" "$STRATAQC_DUCKDB_PATH"
  timed generate "$bin/qc-report" generate --out "$landing" --rows "$rows" --seed "$seed"
  full_refresh=(--full-refresh)
else
  timed generate "$bin/qc-report" generate --out "$landing" --extend-days 1 "${incidents[@]}"
  full_refresh=()
fi
timed load "$bin/qc-report" load --landing "$landing" --project-dir "$root"
timed dbt_build dbt_build "${full_refresh[@]}"
cp "$DBT_TARGET_PATH/run_results.json" "$keep"
timed qc_report "$bin/qc-report" run --project-dir "$root" --target-path "$DBT_TARGET_PATH" --fail-on never \
  --no-alerts --format json --output "$wd/report-$mode${NIGHT_LABEL:+-$NIGHT_LABEL}.json" --html "$wd/report-$mode${NIGHT_LABEL:+-$NIGHT_LABEL}.html"
(IFS=,; echo "BENCH {${phases[*]}}")

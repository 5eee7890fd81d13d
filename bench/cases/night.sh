#!/usr/bin/env bash
# Case 3: one night as a scheduler runs it: the landing files arrive, then `qc-report night`.
#   full        generate the landing zone; qc-report night: load it, dbt build --full-refresh, the checks
#   incremental the next night: one more day lands; qc-report night: load it, dbt build, the checks; the tests of
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
built_check() {
  # dbt exits 1 when a check at error severity fails: the generated data is defective on purpose,
  # so the exit code cannot tell a failed check from a model that did not build; run_results can
  "$bin/python" - "$1" <<'PY'
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
  full_refresh=(--dbt-arg=--full-refresh)
else
  timed generate "$bin/qc-report" generate --out "$landing" --extend-days 1 "${incidents[@]}"
  full_refresh=()
fi
# the night as a scheduler runs it: one `qc-report night` loads the landing files, runs dbt build and
# the checks; its log gives the load and dbt build times, the rest of it is the report
log="$wd/night-$mode${NIGHT_LABEL:+-$NIGHT_LABEL}.log"
t0=$EPOCHREALTIME
"$bin/qc-report" night --landing "$landing" --project-dir "$root" --target-path "$DBT_TARGET_PATH" "${full_refresh[@]}" \
  --fail-on never --no-alerts --format json --output "$wd/report-$mode${NIGHT_LABEL:+-$NIGHT_LABEL}.json" \
  --html "$wd/report-$mode${NIGHT_LABEL:+-$NIGHT_LABEL}.html" 2>"$log" || { cat "$log" >&2; exit 1; }
night_s=$(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN {printf "%.3f", b - a}')
cat "$log" >&2
load_s=$(sed -n 's/^loading .* (\([0-9.]*\)s)$/\1/p' "$log" | tail -1)
dbt_s=$(sed -n 's/^dbt build (\([0-9.]*\)s, exit [0-9]*)$/\1/p' "$log" | tail -1)
[[ -n $load_s && -n $dbt_s ]] || { echo "the night's log ($log) has no load or dbt build time" >&2; exit 1; }
phases+=("\"load_s\": $load_s" "\"dbt_build_s\": $dbt_s"
         "\"qc_report_s\": $(awk -v n="$night_s" -v l="$load_s" -v d="$dbt_s" 'BEGIN {printf "%.3f", n - l - d}')")
built_check "$DBT_TARGET_PATH/run_results.json"
cp "$DBT_TARGET_PATH/run_results.json" "$keep"
(IFS=,; echo "BENCH {${phases[*]}}")

# Sourced by scripts/postgres.sh, scripts/spark.sh and scripts/spark-cluster.sh: the suites
# `make test-postgres`, `make test-spark` and `make test-spark-cluster` run once their engine is up.
#
#   run_engine_suites ROOT TARGET LABEL          # SQL fixture suite + engine parity suite; status 1 if either failed
#   run_parity_suite ROOT TARGET LABEL [KEXPR]   # the engine parity suite (and TARGET-marked tests) alone,
#                                                # narrowed by a pytest -k expression
run_engine_suites() {
  local root=$1 target=$2 label=$3 status=0
  echo "== SQL check fixtures on $label" >&2
  STRATAQC_IT_TARGET=$target "$root/.venv/bin/pytest" -q -p no:cacheprovider "$root/python/tests/test_sql_generic_tests.py" \
    "$root/python/tests/test_sql_write_audit_publish.py" || status=1
  run_parity_suite "$root" "$target" "$label" || status=1
  return $status
}

run_parity_suite() {
  local root=$1 target=$2 label=$3 kexpr=${4:-}
  echo "== engine parity and $label-marked tests${kexpr:+ (-k $kexpr)}" >&2
  "$root/.venv/bin/pytest" -q -p no:cacheprovider -m "$target" ${kexpr:+-k "$kexpr"} "$root/python/tests"
}

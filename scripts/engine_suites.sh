# Sourced by scripts/postgres.sh and scripts/spark.sh: the suites `make test-postgres` and
# `make test-spark` run once their engine is up.
#
#   run_engine_suites ROOT TARGET LABEL   # SQL fixture suite + engine parity suite; status 1 if either failed
run_engine_suites() {
  local root=$1 target=$2 label=$3 status=0
  echo "== SQL check fixtures on $label" >&2
  STRATAQC_IT_TARGET=$target "$root/.venv/bin/pytest" -q -p no:cacheprovider "$root/python/tests/test_sql_generic_tests.py" || status=1
  echo "== engine parity and $label-marked tests" >&2
  "$root/.venv/bin/pytest" -q -p no:cacheprovider -m "$target" "$root/python/tests" || status=1
  return $status
}

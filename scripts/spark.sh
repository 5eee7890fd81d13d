#!/usr/bin/env bash
# Local Spark for the `spark` dbt target (dbt-spark session mode: Spark runs inside dbt's process).
#
#   scripts/spark.sh check   # say whether this machine can run it (Java 17+, pyspark)
#   scripts/spark.sh env     # print the export lines the `spark` profile target reads
#   scripts/spark.sh test    # throwaway warehouse dir: engine parity smoke (statistics, demo night)
#
# Warehouse and Derby metastore live in STRATAQC_SPARK_DIR (default /tmp/strataqc-spark). Derby
# admits one process at a time: run dbt, qc-report and loads one after another, never together.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BIN=$ROOT/.venv/bin
DIR=${STRATAQC_SPARK_DIR:-/tmp/strataqc-spark}

find_java_home() {
  local d
  for d in ${JAVA_HOME:-} /usr/lib/jvm/java-17-openjdk-* /usr/lib/jvm/java-21-openjdk-* /usr/lib/jvm/*; do
    [[ -n "$d" && -x "$d/bin/java" ]] && { echo "$d"; return 0; }
  done
  command -v java >/dev/null && { dirname "$(dirname "$(readlink -f "$(command -v java)")")"; return 0; }
  return 1
}

# prints why Spark cannot run here; silent (status 0) when it can
missing() {
  find_java_home >/dev/null || { echo "no Java runtime (pyspark 4 needs Java 17+: apt-get install openjdk-17-jre-headless)"; return 1; }
  "$BIN/python" -c "import pyspark, dbt.adapters.spark" 2>/dev/null \
    || { echo "pyspark / dbt-spark not installed (make test-spark installs the .[spark] extra)"; return 1; }
}

print_env() {
  cat <<ENV
export JAVA_HOME=$(find_java_home)
export SPARK_LOCAL_IP=127.0.0.1
export STRATAQC_SPARK_DIR=$DIR
ENV
}

run_tests() {
  local why
  if ! why=$(missing); then
    echo "SKIPPED make test-spark: $why" >&2
    return 0
  fi
  DIR=$(mktemp -d /tmp/strataqc-spark-test.XXXXXX)
  trap 'rm -rf "$DIR"' EXIT
  eval "$(print_env)"
  # Spark prints its JVM warnings on stderr; the driver stays on loopback
  # shellcheck source=scripts/engine_suites.sh
  source "$ROOT/scripts/engine_suites.sh"
  # a smoke of session mode: the Python-check statistics, the demo night and the Spark-marked
  # tests; the SQL fixture project runs on the standalone cluster (make test-spark-cluster)
  run_parity_suite "$ROOT" spark Spark "not test_fixture_"
}

case "${1:-}" in
  check) if why=$(missing); then echo "Spark can run here"; else echo "$why" >&2; exit 1; fi ;;
  env) print_env ;;
  test) run_tests ;;
  *) echo "usage: $0 check|env|test" >&2; exit 2 ;;
esac

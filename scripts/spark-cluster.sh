#!/usr/bin/env bash
# A Spark standalone cluster as teams run one: a master, one worker and the Thrift server
# (HiveThriftServer2) in front of it, all on loopback, all from the installed pyspark.
#
#   scripts/spark-cluster.sh start   # start the three daemons on free ports, wait for Thrift
#   scripts/spark-cluster.sh env     # print the export lines the `thrift` profile target reads
#   scripts/spark-cluster.sh stop    # stop the daemons and delete the throwaway dir
#   scripts/spark-cluster.sh test    # own throwaway cluster: `make test-spark-cluster`, stopped on exit
#
# State lives in STRATAQC_SPARK_CLUSTER_DIR (default /tmp/strataqc-spark-cluster): the warehouse,
# the Derby metastore, logs, pids and an `env` file, so `stop` and `env` find what `start` made.
# Only the Thrift server opens the metastore: dbt and qc-report both go through it, so unlike
# session mode they may run side by side.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BIN=$ROOT/.venv/bin
DIR=${STRATAQC_SPARK_CLUSTER_DIR:-/tmp/strataqc-spark-cluster}
# a 2-core machine shared with others: small JVMs, one executor of one core
DAEMON_MEMORY=${STRATAQC_SPARK_DAEMON_MEMORY:-256m}
DRIVER_MEMORY=${STRATAQC_SPARK_DRIVER_MEMORY:-1g}
EXECUTOR_MEMORY=${STRATAQC_SPARK_EXECUTOR_MEMORY:-768m}
WORKER_CORES=${STRATAQC_SPARK_WORKER_CORES:-2}

find_java_home() {
  local d
  for d in ${JAVA_HOME:-} /usr/lib/jvm/java-17-openjdk-* /usr/lib/jvm/java-21-openjdk-* /usr/lib/jvm/*; do
    [[ -n "$d" && -x "$d/bin/java" ]] && { echo "$d"; return 0; }
  done
  command -v java >/dev/null && { dirname "$(dirname "$(readlink -f "$(command -v java)")")"; return 0; }
  return 1
}

spark_home() {
  "$BIN/python" -c 'import os, pyspark; print(os.path.dirname(pyspark.__file__))'
}

# prints why the cluster cannot run here; silent (status 0) when it can
missing() {
  find_java_home >/dev/null || { echo "no Java runtime (pyspark 4 needs Java 17+: apt-get install openjdk-17-jre-headless)"; return 1; }
  "$BIN/python" -c "import pyspark, pyhive, dbt.adapters.spark" 2>/dev/null \
    || { echo "pyspark / dbt-spark[PyHive] not installed (make test-spark-cluster installs the .[spark] extra)"; return 1; }
  ls "$(spark_home)"/jars/spark-hive-thriftserver_*.jar >/dev/null 2>&1 \
    || { echo "this pyspark ships no spark-hive-thriftserver jar: the Thrift server cannot start"; return 1; }
}

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

port_open() {
  python3 -c 'import socket, sys; s = socket.socket(); s.settimeout(1); sys.exit(s.connect_ex(("127.0.0.1", int(sys.argv[1]))))' "$1"
}

running() {
  local f
  [[ -f "$DIR/env" ]] || return 1
  for f in master worker thrift; do
    [[ -f "$DIR/$f.pid" ]] && kill -0 "$(cat "$DIR/$f.pid")" 2>/dev/null || return 1
  done
}

# one daemon in its own process group (spark-class execs java: the pid is the JVM's)
launch() {
  local name=$1; shift
  setsid "$@" >"$DIR/logs/$name.log" 2>&1 </dev/null &
  echo $! >"$DIR/$name.pid"
}

wait_port() {
  local name=$1 port=$2 seconds=$3 i
  for ((i = 0; i < seconds; i++)); do
    port_open "$port" && return 0
    kill -0 "$(cat "$DIR/$name.pid")" 2>/dev/null || break
    sleep 1
  done
  echo "the Spark $name did not listen on 127.0.0.1:$port; last lines of $DIR/logs/$name.log:" >&2
  tail -30 "$DIR/logs/$name.log" >&2
  stop
  exit 1
}

start() {
  if running; then
    echo "Spark cluster already running from $DIR" >&2
    cat "$DIR/env"
    return 0
  fi
  local why home master_port thrift_port
  if ! why=$(missing); then echo "$why" >&2; exit 1; fi
  home=$(spark_home)
  rm -rf "$DIR"
  mkdir -p "$DIR/logs" "$DIR/work" "$DIR/warehouse"
  export JAVA_HOME SPARK_HOME=$home SPARK_LOCAL_IP=127.0.0.1 SPARK_LOCAL_HOSTNAME=127.0.0.1
  JAVA_HOME=$(find_java_home)
  # no conf dir of the user's leaks in; the daemons' own logs and scratch stay in the dir
  export SPARK_CONF_DIR=$DIR/conf SPARK_LOG_DIR=$DIR/logs SPARK_WORKER_DIR=$DIR/work SPARK_LOCAL_DIRS=$DIR/work
  export SPARK_DAEMON_MEMORY=$DAEMON_MEMORY
  mkdir -p "$SPARK_CONF_DIR"
  master_port=$(free_port)
  launch master "$home/bin/spark-class" org.apache.spark.deploy.master.Master \
    --host 127.0.0.1 --port "$master_port" --webui-port "$(free_port)"
  wait_port master "$master_port" 90
  launch worker "$home/bin/spark-class" org.apache.spark.deploy.worker.Worker \
    --host 127.0.0.1 --port "$(free_port)" --webui-port "$(free_port)" \
    --cores "$WORKER_CORES" --memory "$EXECUTOR_MEMORY" --work-dir "$DIR/work" "spark://127.0.0.1:$master_port"
  thrift_port=$(free_port)
  # the warehouse and the Derby metastore are pinned in the throwaway dir; UTC as the other targets
  # spark-submit sizes the Thrift server by SPARK_DAEMON_MEMORY before --driver-memory
  SPARK_DAEMON_MEMORY=$DRIVER_MEMORY launch thrift "$home/bin/spark-submit" --class org.apache.spark.sql.hive.thriftserver.HiveThriftServer2 \
    --name strataqc-thrift --master "spark://127.0.0.1:$master_port" \
    --driver-memory "$DRIVER_MEMORY" --executor-memory "$EXECUTOR_MEMORY" --total-executor-cores "$WORKER_CORES" \
    --conf spark.driver.host=127.0.0.1 --conf spark.driver.bindAddress=127.0.0.1 \
    --conf spark.ui.enabled=false --conf spark.sql.shuffle.partitions=4 --conf spark.sql.session.timeZone=UTC \
    --conf "spark.sql.warehouse.dir=$DIR/warehouse" \
    --conf "spark.hadoop.javax.jdo.option.ConnectionURL=jdbc:derby:;databaseName=$DIR/metastore_db;create=true" \
    --conf "spark.driver.extraJavaOptions=-Dderby.system.home=$DIR" \
    --hiveconf hive.server2.thrift.bind.host=127.0.0.1 --hiveconf "hive.server2.thrift.port=$thrift_port" \
    spark-internal
  wait_port thrift "$thrift_port" 180
  cat >"$DIR/env" <<EOF
export JAVA_HOME=$JAVA_HOME
export SPARK_LOCAL_IP=127.0.0.1
export STRATAQC_SPARK_MASTER=spark://127.0.0.1:$master_port
export STRATAQC_SPARK_THRIFT_HOST=127.0.0.1
export STRATAQC_SPARK_THRIFT_PORT=$thrift_port
export STRATAQC_SPARK_CLUSTER_DIR=$DIR
EOF
  echo "Spark cluster started: master spark://127.0.0.1:$master_port, Thrift on 127.0.0.1:$thrift_port (state in $DIR)" >&2
  cat "$DIR/env"
}

stop() {
  local name pid i
  for name in thrift worker master; do
    [[ -f "$DIR/$name.pid" ]] || continue
    pid=$(cat "$DIR/$name.pid")
    kill -- "-$pid" 2>/dev/null || kill "$pid" 2>/dev/null || true
    for ((i = 0; i < 30; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 1; done
    kill -9 -- "-$pid" 2>/dev/null || true
  done
  # the worker's executors are its children, in its process group
  rm -rf "$DIR"
}

run_tests() {
  local why
  if ! why=$(missing); then
    echo "SKIPPED make test-spark-cluster: $why" >&2
    return 0
  fi
  DIR=$(mktemp -d /tmp/strataqc-spark-cluster-test.XXXXXX)
  trap stop EXIT
  eval "$(start)"
  # shellcheck source=scripts/engine_suites.sh
  source "$ROOT/scripts/engine_suites.sh"
  # the parity suite builds the SQL fixture project on the cluster and compares every verdict with
  # DuckDB's (which make test holds to each fixture's expectation), then runs the demo night
  run_parity_suite "$ROOT" thrift "the Spark cluster (Thrift)"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  env) if running; then cat "$DIR/env"; else echo "no Spark cluster running from $DIR: run $0 start" >&2; exit 1; fi ;;
  test) run_tests ;;
  *) echo "usage: $0 start|stop|env|test" >&2; exit 2 ;;
esac

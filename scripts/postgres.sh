#!/usr/bin/env bash
# A throwaway PostgreSQL server on loopback for the `postgres` dbt target.
#
#   scripts/postgres.sh start   # install if missing, initdb, start on a free port, create the database
#   scripts/postgres.sh env     # print the export lines the `postgres` profile target reads
#   scripts/postgres.sh stop    # stop the server and delete its data directory
#   scripts/postgres.sh test    # own throwaway server: SQL fixture suite + engine parity suite, then stop
#
# The server's state lives in STRATAQC_PG_DIR (default /tmp/strataqc-postgres): data, socket,
# log and an `env` file, so `stop` and `env` find what `start` made.
set -euo pipefail

DIR=${STRATAQC_PG_DIR:-/tmp/strataqc-postgres}
DATABASE=${STRATAQC_PG_DATABASE:-strataqc}
PG_USER=postgres

find_bindir() {
  local d
  for d in ${PG_BINDIR:-} /usr/lib/postgresql/*/bin; do
    [[ -x "$d/initdb" && -x "$d/pg_ctl" ]] && { echo "$d"; return 0; }
  done
  return 1
}

install_postgres() {
  # a fresh machine may lack the server binaries: Debian's package brings them
  echo "PostgreSQL binaries not found: installing the Debian package" >&2
  apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >&2
}

# initdb and the server refuse to run as root: run them as the postgres system user
as_pg() {
  if [[ $(id -u) -eq 0 ]]; then
    su "$PG_USER" -s /bin/bash -c "$(printf '%q ' "$@")"
  else
    "$@"
  fi
}

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

start() {
  if [[ -f "$DIR/env" ]] && stat_running; then
    echo "PostgreSQL already running from $DIR" >&2
    cat "$DIR/env"
    return 0
  fi
  local bin port
  bin=$(find_bindir) || { install_postgres; bin=$(find_bindir); }
  rm -rf "$DIR"
  mkdir -p "$DIR"
  if [[ $(id -u) -eq 0 ]]; then
    chown "$PG_USER" "$DIR"
    PG_USER=postgres
  else
    PG_USER=$(id -un)
  fi
  as_pg "$bin/initdb" -D "$DIR/data" -U "$PG_USER" --auth=trust --encoding=UTF8 --locale=C.UTF-8 >"$DIR/initdb.log" 2>&1 \
    || { cat "$DIR/initdb.log" >&2; exit 1; }
  port=$(free_port)
  # loopback only, socket in the throwaway dir, small settings for a shared machine
  as_pg "$bin/pg_ctl" -D "$DIR/data" -l "$DIR/server.log" -w -t 60 \
    -o "-c listen_addresses=127.0.0.1 -p $port -k $DIR -c shared_buffers=64MB -c max_connections=40 -c fsync=off" \
    start >/dev/null || { cat "$DIR/server.log" >&2; exit 1; }
  as_pg "$bin/createdb" -h 127.0.0.1 -p "$port" -U "$PG_USER" "$DATABASE"
  cat >"$DIR/env" <<EOF
export STRATAQC_PG_HOST=127.0.0.1
export STRATAQC_PG_PORT=$port
export STRATAQC_PG_USER=$PG_USER
export STRATAQC_PG_DATABASE=$DATABASE
EOF
  echo "$bin" >"$DIR/bindir"
  echo "PostgreSQL started on 127.0.0.1:$port (database $DATABASE, data in $DIR)" >&2
  cat "$DIR/env"
}

stat_running() {
  [[ -f "$DIR/bindir" ]] && as_pg "$(cat "$DIR/bindir")/pg_ctl" -D "$DIR/data" status >/dev/null 2>&1
}

stop() {
  if [[ -f "$DIR/bindir" && -d "$DIR/data" ]]; then
    as_pg "$(cat "$DIR/bindir")/pg_ctl" -D "$DIR/data" -m fast -w stop >/dev/null 2>&1 || true
    echo "PostgreSQL stopped; removed $DIR" >&2
  fi
  rm -rf "$DIR"
}

# `make test-postgres`: a private server (own dir, free port) that is stopped however the tests end
run_tests() {
  DIR=$(mktemp -d /tmp/strataqc-pg-test.XXXXXX)
  trap stop EXIT
  start >/dev/null
  # shellcheck disable=SC1091
  source "$DIR/env"
  export STRATAQC_PG_DIR=$DIR
  local root
  root=$(cd "$(dirname "$0")/.." && pwd)
  # shellcheck source=scripts/engine_suites.sh
  source "$root/scripts/engine_suites.sh"
  run_engine_suites "$root" postgres PostgreSQL
}

case "${1:-}" in
  start) start ;;
  test) run_tests ;;
  stop) stop ;;
  env) [[ -f "$DIR/env" ]] && cat "$DIR/env" || { echo "no server in $DIR: run '$0 start'" >&2; exit 1; } ;;
  *) echo "usage: $0 start|stop|env|test" >&2; exit 2 ;;
esac

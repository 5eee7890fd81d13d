"""Case 1 on PostgreSQL: a throwaway server from scripts/postgres.sh and a copy of the wide table.

The server gets its own data directory and database, so the bench never touches
a server another process started; the bench stops what it started.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
from pathlib import Path

import duckdb

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "postgres.sh"
PG_DIR = os.environ.get("BENCH_PG_DIR", str(Path(tempfile.gettempdir()) / "strataqc-bench-postgres"))
DATABASE = "strataqc_bench"

# DuckDB type -> PostgreSQL type for the wide table's columns
PG_TYPES = {"BIGINT": "bigint", "INTEGER": "integer", "SMALLINT": "smallint", "DOUBLE": "double precision",
            "FLOAT": "real", "DATE": "date", "VARCHAR": "text", "BOOLEAN": "boolean", "TIMESTAMP": "timestamp"}


class PostgresUnavailable(Exception):
    """The script is missing or could not start a server; case 1 on PostgreSQL is skipped with this reason."""


def _script(action: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "STRATAQC_PG_DIR": PG_DIR, "STRATAQC_PG_DATABASE": DATABASE}
    return subprocess.run(["bash", str(SCRIPT), action], env=env, capture_output=True, text=True, timeout=600)


def ensure_server() -> dict[str, str]:
    """Start the server and export its STRATAQC_PG_* variables into this process (dbt reads them)."""
    if not SCRIPT.exists():
        raise PostgresUnavailable(f"{SCRIPT.relative_to(ROOT)} is missing")
    try:
        done = _script("start")
    except subprocess.TimeoutExpired:
        raise PostgresUnavailable("scripts/postgres.sh start did not finish in 10 minutes") from None
    if done.returncode != 0:
        tail = " | ".join(done.stderr.strip().splitlines()[-3:])
        raise PostgresUnavailable(f"scripts/postgres.sh start failed: {tail[:300]}")
    found: dict[str, str] = {}
    for line in done.stdout.splitlines():
        if line.startswith("export ") and "=" in line:
            key, value = line[len("export "):].split("=", 1)
            found[key.strip()] = value.strip().strip("'\"")
    if "STRATAQC_PG_PORT" not in found:
        raise PostgresUnavailable("scripts/postgres.sh start printed no STRATAQC_PG_PORT")
    os.environ.update(found)
    return found


def stop_server() -> None:
    try:
        _script("stop")
    except subprocess.TimeoutExpired:
        pass


def connect():
    import psycopg2

    return psycopg2.connect(host=os.environ["STRATAQC_PG_HOST"], port=int(os.environ["STRATAQC_PG_PORT"]),
                            user=os.environ["STRATAQC_PG_USER"], dbname=os.environ["STRATAQC_PG_DATABASE"],
                            password=os.environ.get("STRATAQC_PG_PASSWORD", ""))


def copy_table(db: Path, schema: str, table: str) -> int:
    """DuckDB table -> same-named PostgreSQL table through one CSV (untimed setup); returns its rows."""
    conn = duckdb.connect(str(db), read_only=True)
    try:
        described = conn.execute(f'describe "{schema}"."{table}"').fetchall()
        columns = [(name, PG_TYPES.get(str(kind).split("(")[0], "text")) for name, kind, *_ in described]
        # PostgreSQL text cannot hold NUL: the only character the copy changes
        select = ", ".join(f'replace("{n}", chr(0), \'\') as "{n}"' if t == "text" else f'"{n}"'
                           for n, t in columns)
        with tempfile.TemporaryDirectory(prefix="strataqc-bench-") as tmp:
            csv = Path(tmp) / f"{table}.csv"
            conn.execute(f"copy (select {select} from \"{schema}\".\"{table}\") to '{csv}' "
                         f"(format csv, header false)")
            conn.close()
            conn = None
            pg = connect()
            try:
                with pg, pg.cursor() as cur:
                    cur.execute(f'create schema if not exists "{schema}"')
                    cur.execute(f'drop table if exists "{schema}"."{table}"')
                    cur.execute(f'create table "{schema}"."{table}" ('
                                + ", ".join(f'"{n}" {t}' for n, t in columns) + ")")
                    with open(csv) as handle:
                        cur.copy_expert(f'copy "{schema}"."{table}" from stdin with (format csv)', handle)
                    cur.execute(f'select count(*) from "{schema}"."{table}"')
                    rows = cur.fetchone()[0]
                pg.autocommit = True
                with pg.cursor() as cur:
                    cur.execute(f'vacuum analyze "{schema}"."{table}"')  # fresh statistics, hint bits set
            finally:
                pg.close()
        return rows
    finally:
        if conn is not None:
            conn.close()

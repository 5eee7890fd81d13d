"""Run one SQL file on a DuckDB file and time the query alone (case 1's direct measurements)."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import duckdb  # noqa: E402

from harness import report_phases  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--duckdb", type=Path, required=True)
    parser.add_argument("--sql", type=Path, required=True)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    conn = duckdb.connect(str(args.duckdb), read_only=True)
    conn.execute(f"set threads = {int(args.threads)}")
    sql = args.sql.read_text()
    started = time.monotonic()
    rows = conn.execute(sql).fetchall()
    query_s = time.monotonic() - started
    conn.close()
    report_phases(query_s=round(query_s, 4), result_rows=len(rows))


if __name__ == "__main__":
    main()

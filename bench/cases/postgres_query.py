"""Run one SQL file on the bench's PostgreSQL server and time the query alone (case 1 on PostgreSQL)."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from cases.pg import connect  # noqa: E402
from harness import report_phases  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sql", type=Path, required=True)
    args = parser.parse_args()
    conn = connect()
    try:
        with conn.cursor() as cur:
            started = time.monotonic()
            cur.execute(args.sql.read_text())
            rows = cur.fetchall()
            query_s = time.monotonic() - started
    finally:
        conn.close()
    report_phases(query_s=round(query_s, 4), result_rows=len(rows))


if __name__ == "__main__":
    main()

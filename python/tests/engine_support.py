"""Shared set-up of the tests that run the Python checks on a real PostgreSQL server."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from strataqc.warehouse import Target, Warehouse


def postgres_schema(schema: str) -> Iterator[tuple[Warehouse, str]]:
    """A Warehouse on the server `scripts/postgres.sh start` exported, with `schema` fresh; skip without one."""
    if not os.environ.get("STRATAQC_PG_PORT"):
        pytest.skip("no PostgreSQL: run scripts/postgres.sh start and export its env")
    settings = {"host": os.environ.get("STRATAQC_PG_HOST", "127.0.0.1"), "port": int(os.environ["STRATAQC_PG_PORT"]),
                "user": os.environ.get("STRATAQC_PG_USER", "postgres"),
                "dbname": os.environ.get("STRATAQC_PG_DATABASE", "strataqc")}
    with Warehouse(Target("strataqc", "pg", "postgres", settings)) as wh:
        wh._conn.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE; CREATE SCHEMA {schema}")
        try:
            yield wh, settings["dbname"]
        finally:
            wh._conn.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")

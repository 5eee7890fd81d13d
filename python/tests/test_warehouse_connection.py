"""The DuckDB connection of qc-report: memory limit from the default, the profile, the environment."""

from __future__ import annotations

import duckdb
import pytest

from strataqc.warehouse import Target, Warehouse


def _limit(wh: Warehouse) -> str:
    return wh.query("select current_setting('memory_limit') as v")["v"][0]


def _as_duckdb_shows(value: str) -> str:
    conn = duckdb.connect()
    conn.execute("set memory_limit = ?", [value])
    return conn.execute("select current_setting('memory_limit')").fetchone()[0]


@pytest.mark.parametrize("profile_settings, env, expected", [
    ({}, None, "512MB"),                                  # the checks' own default
    ({"memory_limit": "1GB"}, None, "1GB"),               # the profile's settings block, as dbt uses it
    ({"memory_limit": "1GB"}, "300MB", "300MB"),          # the environment gives the checks their own
    ({"memory_limit": "600MB"}, None, "600MB"),           # a profile under the cap is kept
    ({"memory_limit": "2GB"}, None, "1GB"),               # over the cap: the checks leave room for Python
    ({"memory_limit": "1536 MiB"}, None, "1GB"),
    ({"memory_limit": "2GB"}, "3GB", "3GB"),              # the environment overrides the cap
])
def test_memory_limit_comes_from_default_profile_then_environment(tmp_path, monkeypatch, profile_settings, env,
                                                                  expected):
    if env is None:
        monkeypatch.delenv("STRATAQC_CHECKS_MEMORY_LIMIT", raising=False)
    else:
        monkeypatch.setenv("STRATAQC_CHECKS_MEMORY_LIMIT", env)
    settings = {"path": str(tmp_path / "w.duckdb")}
    if profile_settings:
        settings["settings"] = profile_settings
    wh = Warehouse(Target("strataqc", "duckdb", "duckdb", settings))
    try:
        assert _limit(wh) == _as_duckdb_shows(expected)
    finally:
        wh.close()


@pytest.mark.parametrize("value, size", [("2GB", 2e9), ("1536 MiB", 1536 * 2**20), ("0.5gb", 5e8), ("80%", None),
                                         ("lots", None)])
def test_memory_bytes_reads_duckdb_sizes(value, size):
    from strataqc.warehouse import memory_bytes
    assert memory_bytes(value) == size


def test_a_setting_name_that_is_not_a_name_is_refused(tmp_path, monkeypatch):
    monkeypatch.delenv("STRATAQC_CHECKS_MEMORY_LIMIT", raising=False)
    from strataqc.warehouse import WarehouseError

    settings = {"path": str(tmp_path / "w.duckdb"), "settings": {"threads = 1; drop table x": "1"}}
    with pytest.raises(WarehouseError, match="not a setting name"):
        Warehouse(Target("strataqc", "duckdb", "duckdb", settings))


def test_a_sibling_is_another_connection_to_the_same_duckdb_database(tmp_path):
    with Warehouse(Target("strataqc", "t", "duckdb", {"path": str(tmp_path / "w.duckdb")})) as wh:
        wh.execute("create table t as select 1 as x")
        twin = wh.sibling()
        try:
            assert twin is not None and twin._conn.conn is not wh._conn.conn
            twin.execute("insert into t values (2)")
            # what one writes the other reads: one database, not a second open of the file
            assert sorted(wh.query("select x from t")["x"]) == [1, 2]
        finally:
            twin.close()
        # closing the sibling leaves the night's own connection open
        assert len(wh.query("select x from t")) == 2


def test_spark_has_no_sibling_in_this_process():
    wh = object.__new__(Warehouse)
    wh.target = Target("strataqc", "t", "spark", {})
    assert wh.sibling() is None

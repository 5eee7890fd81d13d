"""A nightly incremental run (one new day landed) builds exactly what a full refresh builds,
table by table, including a line re-sent from an earlier night and a late line for yesterday."""

from __future__ import annotations

import json
import shutil

import pytest

from conftest import deliver_next_day, load_into, model_errors, run_dbt

pytestmark = pytest.mark.dbt

TABLES = ["dwd.dwd_sales", "dwd.dwd_sales__rejected", "dwd.dwd_sales__reconciliation", "dwd.dwd_store",
          "dwd.dwd_sku", "dws.dws_sales_daily", "dws.dws_sales_weekly", "ads.ads_demand_features"]
# the incremental branch of each fact model, as it reads in the compiled SQL
INCREMENTAL_MARKS = {"dwd_sales": "_load_id >", "dwd_sales__rejected": "_load_id >",
                     "dws_sales_daily": "as built", "ads_demand_features": "rebuild_from",
                     "dwd_sales__reconciliation": "landed_before", "dws_sales_weekly": "weeks rebuilt from"}


@pytest.fixture(scope="module")
def next_night(demo_night, tmp_path_factory):
    """A copy of the demo night, one more day landed and built incrementally, then snapshotted."""
    root = tmp_path_factory.mktemp("next_night")
    landing = root / "landing"
    shutil.copytree(demo_night.landing_dir, landing)
    duckdb_path, env = demo_night.copy_warehouse(root)
    manifest, resent_id, late_id = deliver_next_day(landing)
    load_into(landing, duckdb_path)

    # one target path for both runs: the second reuses the first's parse
    incremental = run_dbt(["run"], env, root / "target", root / "logs")
    assert incremental.returncode == 0, incremental.stdout[-3000:]
    results = json.loads((root / "target" / "run_results.json").read_text())["results"]
    compiled = {r["unique_id"].split(".")[-1]: r.get("compiled_code") or "" for r in results}
    import duckdb

    con = duckdb.connect(str(duckdb_path))
    con.execute("create schema if not exists snap")
    for table in TABLES:
        con.execute(f"create table snap.{table.split('.')[1]} as select * from {table}")
    con.close()

    full = run_dbt(["run", "--full-refresh"], env, root / "target", root / "logs")
    assert full.returncode == 0, full.stdout[-3000:]
    assert model_errors(root / "target") == []
    return duckdb_path, compiled, resent_id, late_id, manifest


def test_the_nightly_run_took_the_incremental_branch(next_night):
    _, compiled, *_ = next_night
    for model, mark in INCREMENTAL_MARKS.items():
        assert mark in compiled[model], model


@pytest.mark.parametrize("table", TABLES)
def test_incremental_equals_full_refresh(next_night, table):
    import duckdb

    duckdb_path, *_ = next_night
    name = table.split(".")[1]
    con = duckdb.connect(str(duckdb_path), read_only=True)
    try:
        described = con.execute(f"describe {table}").fetchall()
        assert [(r[0], r[1]) for r in described] == \
            [(r[0], r[1]) for r in con.execute(f"describe snap.{name}").fetchall()]
        # _loaded_at and load ids are the landing's, so every column must match, row for row; doubles
        # to 9 digits, because a parallel sum adds in any order (NaN and inf compare as themselves)
        select = ", ".join(f"round({c}, 9)" if t == "DOUBLE" else c for c, t, *_ in described)
        only_incremental = con.execute(f"select count(*) from (select {select} from snap.{name} except all "
                                       f"select {select} from {table})").fetchone()[0]
        only_full = con.execute(f"select count(*) from (select {select} from {table} except all "
                                f"select {select} from snap.{name})").fetchone()[0]
        rows = con.execute(f"select count(*) from {table}").fetchone()[0]
    finally:
        con.close()
    assert (only_incremental, only_full) == (0, 0)
    assert rows > 0


def test_the_new_night_reconciles_with_the_resent_and_late_lines(next_night):
    import duckdb

    duckdb_path, _, resent_id, late_id, manifest = next_night
    con = duckdb.connect(str(duckdb_path), read_only=True)
    try:
        q = lambda sql: con.execute(sql).fetchall()  # noqa: E731
        assert q("select sum(abs(unexplained_rows)) from snap.dwd_sales__reconciliation") == [(0,)]
        last = q("select landed_rows, clean_rows, rejected_rows, duplicates_removed from snap.dwd_sales__reconciliation "
                 "order by _load_id desc limit 1")[0]
        assert last[0] == sum(last[1:]) and last[3] >= 1
        # the re-sent line keeps its first arrival (the earlier night's units)
        assert q(f"select count(*), min(_load_id) < max(_load_id) from snap.dwd_sales where line_id = '{resent_id}'") \
            == [(1, False)]
        day = manifest["ads"]["predict_dates"][1]
        assert q(f"select count(*) from snap.dwd_sales where line_id = '{late_id}' "
                 f"and sale_date < date '{day}'") == [(1,)]
        late_day = late_id.split("-")[1]
        # the nightly run re-aggregated that earlier day: the late line is counted in DWS
        assert q(f"select d.line_count = (select count(*) from snap.dwd_sales s where s.store_id = 'S0001' "
                 f"and s.sku_id = 'K00001' and s.sale_date = d.date_day) and d.line_count >= 1 "
                 f"from snap.dws_sales_daily d where d.store_id = 'S0001' and d.sku_id = 'K00001' "
                 f"and strftime(d.date_day, '%Y%m%d') = '{late_day}'") == [(True,)]
        assert q("select max(date_day) from snap.ads_demand_features")[0][0].isoformat() == manifest["generator"]["end_date"]
    finally:
        con.close()


@pytest.mark.parametrize("table,column", [("dws.dws_sales_daily", "date_day"), ("dws.dws_sales_weekly", "week_start"),
                                          ("ads.ads_demand_features", "date_day")])
def test_day_tables_are_stored_in_day_order_after_either_run(next_night, table, column):
    """Rows in storage order (a plain scan keeps insertion order) never step back a day: the night's deletes,
    relabels and slice reads find its days in the last blocks (the window functions emit series order)."""
    import duckdb
    import numpy as np

    duckdb_path, *_ = next_night
    con = duckdb.connect(str(duckdb_path), read_only=True)
    try:
        con.execute("set threads = 1")
        for built in (f"snap.{table.split('.')[1]}", table):   # the incremental night's copy, then the full refresh
            days = con.execute(f"select {column} from {built}").fetchnumpy()[column]
            steps_back = int((np.diff(days.astype("datetime64[D]").astype("int64")) < 0).sum())
            assert (len(days) > 100, steps_back) == (True, 0), built
    finally:
        con.close()


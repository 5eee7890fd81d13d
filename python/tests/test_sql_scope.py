"""Tests scoped to what the run wrote (`+strataqc_scope: new_rows`): on an incremental night the
tests of the incremental models read the new rows (plus what a key or a continuity check needs),
and decide what a full check of the same data decides, except for defects in older rows, which the
full refresh and the cadence night find (docs/sql-tests.md, "Tests scoped to what the run wrote")."""

from __future__ import annotations

import json
import re
import shutil
from collections import Counter

import duckdb
import pytest

from conftest import load_into, model_errors, night_clock, run_dbt
from strataqc.landing.generate import generate

pytestmark = pytest.mark.dbt

INCIDENTS = ["negative_units_spike:share=0.05", "category_renamed:category=Frozen,to=Frozen Foods",
             "null_spike:column=unit_price,share=0.3", "price_unit_change:store=S0003,factor=100.0"]
SCOPED_VIEWS = {"ods.ods_pos__sales", "ods.ods_erp__stores", "ods.ods_erp__skus"}
SCOPED_MODELS = {"dwd.dwd_sales", "dwd.dwd_sales__rejected", "dwd.dwd_sales__reconciliation", "dws.dws_sales_daily",
                 "dws.dws_sales_weekly", "ads.ads_demand_features", *SCOPED_VIEWS}


def _tests(target) -> dict[str, dict]:
    results = json.loads((target / "run_results.json").read_text())["results"]
    return {r["unique_id"].split(".")[2]: r for r in results if r["unique_id"].startswith("test.")}


def _resend_an_old_line(landing) -> str:
    """Append to tonight's sales file a line of the first file, as a till re-sending a month-old line does."""
    files = sorted((landing / "pos_sales").glob("pos_sales_*.csv"))
    old = files[0].read_text(encoding="utf-8").splitlines()[1]
    with files[-1].open("a", encoding="utf-8") as tonight:
        tonight.write(old + "\n")
    return old.split(",")[0].strip('"')


def _marks(duckdb_path) -> list[tuple]:
    with duckdb.connect(str(duckdb_path), read_only=True) as con:
        return con.execute("select model_key, scope_mode, scope_column, low_value, invocation_id, recorded_at "
                           "from strataqc_audit.scope_watermark").fetchall()


@pytest.fixture(scope="module")
def scoped_night(demo_night, tmp_path_factory):
    """The demo warehouse with an old duplicate line planted, then one more day with incidents built
    incrementally (tests scoped), then a full check of the same data (`dbt test`, whole tables)."""
    root = tmp_path_factory.mktemp("scoped_night")
    landing = root / "landing"
    shutil.copytree(demo_night.landing_dir, landing)
    duckdb_path, env = demo_night.copy_warehouse(root)
    con = duckdb.connect(str(duckdb_path))
    # a defect in old rows, long before tonight's window: two lines of the first load share an id
    # (renamed, not added: every row count and total still reconciles)
    first, second = con.execute("select line_id from dwd.dwd_sales where _load_id = (select min(_load_id) "
                                "from dwd.dwd_sales) order by line_id limit 2").fetchall()
    con.execute("update dwd.dwd_sales set line_id = ? where line_id = ?", [first[0], second[0]])
    old_line = first[0]
    con.close()
    generate(landing, extend_days=1, incidents=INCIDENTS)
    resent = _resend_an_old_line(landing)
    load_into(landing, duckdb_path)
    # the demo night ran on its data's clock (STRATAQC_NOW): so do the nights after it
    env = {**env, "STRATAQC_NOW": night_clock(landing)}
    build = run_dbt(["build"], env, root / "scoped", root / "logs")
    assert (root / "scoped" / "run_results.json").exists(), build.stdout[-3000:]
    assert model_errors(root / "scoped") == []
    check = run_dbt(["test"], env, root / "whole", root / "logs")
    assert (root / "whole" / "run_results.json").exists(), check.stdout[-3000:]
    return {"root": root, "landing": landing, "duckdb": duckdb_path, "env": env, "old_line": old_line, "resent": resent,
            "scoped": _tests(root / "scoped"), "whole": _tests(root / "whole"), "before": _tests(demo_night.target_path)}


def test_the_incremental_night_reads_the_rows_it_wrote(scoped_night):
    marks = [m for m in _marks(scoped_night["duckdb"]) if m[1] == "new_rows"]
    assert {m[0] for m in marks} == SCOPED_MODELS
    by_model = {m[0]: m for m in marks}
    assert by_model["dwd.dwd_sales"][2] == "_load_id" and by_model["dws.dws_sales_daily"][2] == "date_day"
    assert by_model["dwd.dwd_sales__reconciliation"][2] == "_load_id" and by_model["dws.dws_sales_weekly"][2] == "week_start"
    scoped = scoped_night["scoped"]
    # a row test reads the new rows; a key test the rows whose key is new; continuity the window and its edge
    assert '"_load_id" > cast(' in scoped["dwd_sales__kept_defects"]["compiled_code"]
    assert "as strataqc_new where strataqc_new." in scoped["dwd_sales__line_id_unique"]["compiled_code"]
    assert "union all select" in scoped["dws_sales_daily__spine_complete"]["compiled_code"]
    # continuity on the scope column starts at its first new value, a literal the scans skip older blocks by;
    # on another column (sale_date of a model scoped by _load_id) at the new rows' first value, a subquery
    assert '"date_day" >= cast(' in scoped["dws_sales_daily__spine_complete"]["compiled_code"]
    assert "(select min(" not in scoped["dws_sales_daily__zero_runs"]["compiled_code"]
    assert '"sale_date" >= (select min(' in scoped["dwd_sales__series_days_missing"]["compiled_code"]
    # totals and reconciliations need the whole table; so do the tests of models that are not incremental
    assert "strataqc_scoped" not in scoped["dws_sales_daily__units_match_dwd"]["compiled_code"]
    assert "strataqc_scoped" not in scoped["dwd_store__store_id_unique"]["compiled_code"]
    # an ODS view reads the loads since the night that last checked it: the demo night's, all of them
    views = {m[0]: m for m in marks if m[0] in SCOPED_VIEWS}
    checked = {m[0]: m[3] for m in _marks(scoped_night["duckdb"]) if m[1] == "checked" and m[4] != views[m[0]][4]}
    assert {k: m[3] for k, m in views.items()} == checked
    assert '"_load_id" > cast(' in scoped["ods_pos__sales__values_castable"]["compiled_code"]
    assert "as strataqc_new where strataqc_new." in scoped["ods_pos__sales__line_resent"]["compiled_code"]
    assert "strataqc_scoped" not in scoped["ods_pos__sales__rows_match_landing"]["compiled_code"]
    # a master file's load replaces the table whole: its new rows are all its rows, and its tests read the
    # table as every other night does (not a slice that happens to hold everything)
    assert "strataqc_scoped" not in scoped["ods_erp__skus__names_and_categories"]["compiled_code"]
    # a singular test reads every line of the days tonight's loads touched (strataqc.scoped(..., by=[sale_date]))
    prices = scoped["assert_dwd_sales_store_prices_in_line"]["compiled_code"]
    assert 'strataqc_new."_load_id" > cast(' in prices and 'strataqc_new."sale_date"' in prices
    # the full check is another invocation: it read whole tables
    assert not any("strataqc_scoped" in t["compiled_code"] for t in scoped_night["whole"].values())


def test_a_scoped_models_window_is_read_once_a_night_not_once_a_test(scoped_night):
    # the build is the first invocation in the log: its tests read each model's window (two queries)
    # once, however many tests the model has (two threads may both read it before either keeps it)
    build = (scoped_night["root"] / "logs" / "dbt.log").read_text().split("Running with dbt=")[1]
    reads = Counter(re.findall(r"where model_key = '([a-z_.]+)' and invocation_id = ", build))
    assert set(reads) >= {"dwd.dwd_sales", "dws.dws_sales_daily", "ads.ads_demand_features"}
    assert max(reads.values()) <= 2 and sum(name.startswith("dwd_sales__") for name in scoped_night["scoped"]) > 2


@pytest.mark.parametrize("test", ["dwd_sales__kept_defects", "ads_demand_features__surviving_defects",
                                  "ods_pos__sales__values_castable", "assert_dwd_sales_store_prices_in_line"])
def test_a_defect_in_tonights_rows_gets_the_full_checks_verdict(scoped_night, test):
    scoped, whole = scoped_night["scoped"][test], scoped_night["whole"][test]
    assert (scoped["status"], whole["status"]) == ("warn", "warn")
    assert 0 < scoped["failures"] <= whole["failures"]


def test_the_store_price_check_of_tonights_days_equals_the_full_check(scoped_night):
    """Judged per store and day, over every line of the days tonight touched: the full check finds the same store-days."""
    test = "assert_dwd_sales_store_prices_in_line"
    assert scoped_night["before"][test]["status"] == "pass"
    assert scoped_night["scoped"][test]["failures"] == scoped_night["whole"][test]["failures"]


def test_a_line_resent_tonight_of_a_month_old_line_fails_the_scoped_key_test(scoped_night):
    """ODS keeps new-keys-against-existing-keys: tonight's re-send of an old line is found; the old re-sends are not read."""
    scoped, whole = scoped_night["scoped"]["ods_pos__sales__line_resent"], scoped_night["whole"]["ods_pos__sales__line_resent"]
    with duckdb.connect(str(scoped_night["duckdb"]), read_only=True) as con:
        found = {row[0] for row in con.execute(scoped["compiled_code"]).fetchall()}
        tonight = {row[0] for row in con.execute("select line_id from landing.pos_sales "
                                                 "where _load_id = (select max(_load_id) from landing.pos_sales)").fetchall()}
    assert scoped_night["resent"] in found and found <= tonight
    assert (scoped["status"], scoped["failures"]) == ("warn", len(found))
    assert whole["status"] == "warn" and whole["failures"] > len(found)


def test_verdicts_differ_only_on_defects_in_older_rows(scoped_night):
    scoped, whole, before = scoped_night["scoped"], scoped_night["whole"], scoped_night["before"]
    assert scoped.keys() == whole.keys()
    differ = {t: (scoped[t]["status"], whole[t]["status"]) for t in scoped if scoped[t]["status"] != whole[t]["status"]}
    # the duplicate planted in the first load: a full check finds it, tonight's rows do not hold it
    for test in ("dwd_sales__line_id_unique", "unique_dwd_sales_line_id"):
        assert differ.pop(test) == ("pass", "fail")
        assert whole[test]["failures"] == 1
    for test, (s, w) in differ.items():
        # the rest the demo night's full check reported already, and the full check finds no more
        assert s == "pass" and w == before[test]["status"], test
        assert whole[test]["failures"] <= before[test]["failures"], test
    assert len(differ) < len(scoped) // 4


def test_a_new_key_is_checked_against_the_existing_keys(scoped_night, tmp_path):
    """The scoped key test, as compiled tonight, finds a new row repeating an old key, not the old repeat."""
    sql = scoped_night["scoped"]["dwd_sales__line_id_unique"]["compiled_code"]
    copy = tmp_path / "warehouse.duckdb"
    shutil.copy(scoped_night["duckdb"], copy)
    con = duckdb.connect(str(copy))
    try:
        assert con.execute(sql).fetchall() == []
        # tonight's load brings a line whose id an early load already had
        reused = con.execute("select line_id from dwd.dwd_sales where _load_id = (select min(_load_id) from dwd.dwd_sales) "
                             "and line_id <> ? limit 1", [scoped_night["old_line"]]).fetchone()[0]
        con.execute("insert into dwd.dwd_sales select * replace (? as line_id) from dwd.dwd_sales "
                    "where _load_id = (select max(_load_id) from dwd.dwd_sales) limit 1", [reused])
        found = con.execute(sql).fetchall()
    finally:
        con.close()
    assert [row[0] for row in found] == [reused]
    assert "occurs 2 times" in found[0][-1]


def test_a_key_holding_the_scope_column_reads_tonights_rows_only(scoped_night, tmp_path):
    """(store, sku, day) keys a model scoped by day: a row sharing a new key is a new row, so the test reads the
    slice, not the history; it still finds a repeat among tonight's days and leaves an old one to the cadence."""
    sql = scoped_night["scoped"]["dws_sales_daily__key_unique"]["compiled_code"]
    assert "strataqc_new" not in sql and 'strataqc_all."date_day" > cast(' in sql
    copy = tmp_path / "warehouse.duckdb"
    shutil.copy(scoped_night["duckdb"], copy)
    con = duckdb.connect(str(copy))
    repeat = "insert into dws.dws_sales_daily select * from dws.dws_sales_daily where date_day = ({}) limit 1"
    try:
        assert con.execute(sql).fetchall() == []
        con.execute(repeat.format("select min(date_day) from dws.dws_sales_daily"))
        old = con.execute(sql).fetchall()
        con.execute(repeat.format("select max(date_day) from dws.dws_sales_daily"))
        found = con.execute(sql).fetchall()
        newest = con.execute("select max(date_day) from dws.dws_sales_daily").fetchone()[0]
    finally:
        con.close()
    assert old == []
    assert [row[2] for row in found] == [newest] and "occurs 2 times" in found[0][-1]


def test_a_night_whose_view_tests_did_not_run_leaves_its_loads_to_the_next(scoped_night):
    """A night that built the views without their tests (`dbt run`) does not move their mark: the next night
    reads its loads too, and finds the lines its till re-sent."""
    root, env, landing, path = scoped_night["root"], scoped_night["env"], scoped_night["landing"], scoped_night["duckdb"]
    checked = [m for m in _marks(path) if m[0] == "ods.ods_pos__sales" and m[1] == "checked"]
    generate(landing, extend_days=1, incidents=["duplicate_burst:share=0.05"])
    load_into(landing, path)
    run_dbt(["run"], env, root / "untested", root / "logs")
    assert model_errors(root / "untested") == []
    untested = json.loads((root / "untested" / "run_results.json").read_text())["metadata"]["invocation_id"]
    assert {m[1] for m in _marks(path) if m[0] == "ods.ods_pos__sales" and m[4] == untested} == {"new_rows", "seen"}
    generate(landing, extend_days=1)
    load_into(landing, path)
    run_dbt(["build", "--select", "ods_pos__sales"], env, root / "next", root / "logs")
    tests = _tests(root / "next")
    low = {m[1]: m[3] for m in _marks(path) if m[0] == "ods.ods_pos__sales"
           and m[4] == json.loads((root / "next" / "run_results.json").read_text())["metadata"]["invocation_id"]}
    # read from the last checked night's mark, over the untested night's load and tonight's
    assert low["new_rows"] == max(checked, key=lambda m: m[5])[3]
    assert (tests["ods_pos__sales__line_resent"]["status"], tests["ods_pos__sales__line_resent"]["failures"] > 1) == ("warn", True)
    # every test of the view ran: checked up to what it saw, the newest load
    with duckdb.connect(str(path), read_only=True) as con:
        newest = con.execute("select max(_load_id) from landing.pos_sales").fetchone()[0]
    assert low["checked"] == low["seen"] == str(newest)


def test_a_new_null_key_is_checked_against_the_existing_null_keys(scoped_night, tmp_path):
    """unique_key pools NULLs: a NULL key among tonight's rows repeats an old NULL key; an old NULL alone is not read."""
    sql = scoped_night["scoped"]["dwd_sales__line_id_unique"]["compiled_code"]
    copy = tmp_path / "warehouse.duckdb"
    shutil.copy(scoped_night["duckdb"], copy)
    con = duckdb.connect(str(copy))
    one_row = "insert into dwd.dwd_sales select * replace (null as line_id) from dwd.dwd_sales where _load_id = ({}) limit 1"
    try:
        con.execute(one_row.format("select min(_load_id) from dwd.dwd_sales"))
        before = con.execute(sql).fetchall()
        con.execute(one_row.format("select max(_load_id) from dwd.dwd_sales"))
        found = con.execute(sql).fetchall()
    finally:
        con.close()
    assert before == []
    assert [row[0] for row in found] == [None] and "occurs 2 times" in found[0][-1]


def test_the_cadence_night_reads_the_whole_table(scoped_night):
    """Every strataqc_scope_full_every days the tests read whole tables, and find the old duplicate."""
    root, env = scoped_night["root"], scoped_night["env"]
    con = duckdb.connect(str(scoped_night["duckdb"]))
    # the last whole-table night (the demo's first build) lies far back
    con.execute("update strataqc_audit.scope_watermark set recorded_at = '2000-01-01T00:00:00' where scope_mode = 'full'")
    con.close()
    generate(scoped_night["landing"], extend_days=1)
    load_into(scoped_night["landing"], scoped_night["duckdb"])
    build = run_dbt(["build", "--vars", "{strataqc_scope_full_every: 1}"], env, root / "cadence", root / "logs")
    assert (root / "cadence" / "run_results.json").exists(), build.stdout[-3000:]
    tests = _tests(root / "cadence")
    assert not any("strataqc_scoped" in (t["compiled_code"] or "") for t in tests.values())
    assert (tests["dwd_sales__line_id_unique"]["status"], tests["dwd_sales__line_id_unique"]["failures"]) == ("fail", 1)
    invocation = json.loads((root / "cadence" / "run_results.json").read_text())["metadata"]["invocation_id"]
    # the duplicate fails at error severity, so dbt build skips what lies downstream of dwd_sales
    assert {m[0]: m[1] for m in _marks(scoped_night["duckdb"]) if m[4] == invocation and m[1] in ("new_rows", "full")} == {
        "dwd.dwd_sales": "full", "dwd.dwd_sales__rejected": "full", **{view: "full" for view in SCOPED_VIEWS}}
    # the old re-sent lines of the ODS view, which the scoped night did not read, are found again
    resent = tests["ods_pos__sales__line_resent"]
    assert resent["status"] == "warn" and resent["failures"] >= scoped_night["whole"]["ods_pos__sales__line_resent"]["failures"]


def test_the_cadence_counts_days_on_the_nights_clock(scoped_night):
    """STRATAQC_NOW (the nights of `qc-report simulate`, the demo night) is the cadence's clock: eight days
    on it after the last whole-table night the tests read whole tables again, minutes of wall clock
    later. (The scoped night, one day on that clock after its whole-table night, read its new rows.)"""
    import datetime as dt

    root = scoped_night["root"]
    last = max(m[5] for m in _marks(scoped_night["duckdb"]) if m[1] == "full")
    now = (dt.datetime.strptime(last, "%Y-%m-%dT%H:%M:%S") + dt.timedelta(days=8)).strftime("%Y-%m-%dT%H:%M:%SZ")
    generate(scoped_night["landing"], extend_days=1)
    load_into(scoped_night["landing"], scoped_night["duckdb"])
    build = run_dbt(["build"], {**scoped_night["env"], "STRATAQC_NOW": now}, root / "clock", root / "logs")
    assert (root / "clock" / "run_results.json").exists(), build.stdout[-3000:]
    invocation = json.loads((root / "clock" / "run_results.json").read_text())["metadata"]["invocation_id"]
    marks = [m for m in _marks(scoped_night["duckdb"]) if m[4] == invocation and m[1] in ("new_rows", "full")]
    assert marks and {m[1] for m in marks} == {"full"}
    assert {m[5] for m in marks} == {now.rstrip("Z")}  # recorded on the same clock


def test_a_scope_that_is_not_one_names_the_model_and_the_fix(tmp_path):
    """In a host project: the pre-hook refuses an unknown `strataqc_scope` before the model builds."""
    from host_project import host_project

    (tmp_path / "models").mkdir()
    (tmp_path / "models" / "orders.sql").write_text(
        "{{ config(materialized='incremental', unique_key='order_day', strataqc_scope='new_row') }}\n"
        "select cast('2024-03-01' as date) as order_day, 1 as n\n", encoding="utf-8")
    dbt = host_project(tmp_path, "models:\n  host_shop:\n    +pre-hook: \"{{ strataqc.record_scope_watermark() }}\"\n")
    for args in (["deps"], ["run"]):
        done = dbt(*args)
    assert done.returncode == 1
    assert ("strataqc_scope on orders: 'new_row' is not a scope. Fix: set `+strataqc_scope: new_rows`"
            in " ".join(done.stdout.split()))


def test_a_scoped_view_without_its_column_and_a_scoped_read_without_a_list_name_the_fix(tmp_path):
    """In a host project: a view scoped `new_rows` needs `strataqc_scope_column`; `strataqc.scoped(by=)` takes a list."""
    from host_project import host_project

    (tmp_path / "models").mkdir()
    (tmp_path / "tests").mkdir()
    (tmp_path / "models" / "orders.sql").write_text(
        "{{ config(materialized='view', strataqc_scope='new_rows') }}\nselect 1 as load_id, 2 as n\n", encoding="utf-8")
    (tmp_path / "models" / "payments.sql").write_text("select 1 as load_id, 2 as n\n", encoding="utf-8")
    (tmp_path / "tests" / "payments_positive.sql").write_text(
        "select * from {{ strataqc.scoped(ref('payments'), by='load_id') }} as payments where n < 0\n", encoding="utf-8")
    dbt = host_project(tmp_path, 'on-run-start: ["{% do strataqc.ensure_scope_watermark() %}"]\n'
                                 "models:\n  host_shop:\n    +pre-hook: \"{{ strataqc.record_scope_watermark() }}\"\n")
    for args in (["deps"], ["build"]):
        done = dbt(*args)
    out = " ".join(done.stdout.split())
    assert done.returncode == 1
    assert "strataqc_scope on orders: a view needs the column that grows with each load. Fix: set `strataqc_scope_column:`" in out
    assert "strataqc.scoped(" in out and "`by` must be a list of columns, got load_id. Fix: write it as a list" in out

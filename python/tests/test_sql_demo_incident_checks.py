"""The demo's checks for planted incidents no other check saw the night they landed, both ways.

`price_unit_change` (one store's prices x100), `store_silent` (one store sends nothing) and
`late_file` (a day's file arrives a night late) each land in a delivery after the demo night;
the same checks pass on the demo night and fail on the planted delivery, with the failing rows
naming the store or the day. "Now" is the night's own date through STRATAQC_NOW, as under
`qc-report simulate`: the demo data is historical, the wall clock would judge every file late.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import duckdb
import pytest
from conftest import dbt_env, load_into, night_clock, run_dbt

PRICES = "assert_dwd_sales_store_prices_in_line"
STORES = "assert_dwd_sales_every_store_reports"
ON_TIME = "assert_landing_sales_file_on_time"
CHECKS = (PRICES, STORES, ON_TIME)


def check_night(root: Path, demo_night, incidents: list[str] | None) -> dict:
    """Copy the demo night, deliver one more day (with `incidents`), load, rebuild dwd_sales, run the checks."""
    from strataqc.landing.generate import generate

    landing = root / "landing"
    shutil.copytree(demo_night.landing_dir, landing)
    duckdb_path = root / "warehouse.duckdb"
    shutil.copy(demo_night.duckdb_path, duckdb_path)
    env = dbt_env(duckdb_path, root / "logs", root / "scratch")
    if incidents is not None:
        generate(landing, extend_days=1, incidents=incidents)
        load_into(landing, duckdb_path)
        env["STRATAQC_NOW"] = night_clock(landing)
        built = run_dbt(["run", "--select", "+dwd_sales"], env, root / "target")
        assert built.returncode == 0, built.stdout[-3000:]
    else:
        env["STRATAQC_NOW"] = night_clock(landing)
    done = run_dbt(["test", "--select", *CHECKS], env, root / "target")
    results = json.loads((root / "target" / "run_results.json").read_text())["results"]
    # the project's on-run-start hooks are results too: only the tests are read here
    by_name = {r["unique_id"].split(".")[2]: r for r in results if r["unique_id"].startswith("test.")}
    assert set(by_name) == set(CHECKS), (done.stdout[-3000:], sorted(by_name))
    compiled = {name: r["compiled_code"] for name, r in by_name.items()}
    with duckdb.connect(str(duckdb_path), read_only=True) as con:
        rows = {name: con.sql(f"select * from ({sql}) failing").fetchall() for name, sql in compiled.items()}
    return {"status": {name: r["status"] for name, r in by_name.items()}, "rows": rows,
            "night": json.loads((landing / "manifest.json").read_text())}


@pytest.fixture(scope="module")
def quiet(demo_night, tmp_path_factory):
    return check_night(tmp_path_factory.mktemp("quiet"), demo_night, None)


@pytest.fixture(scope="module")
def prices_and_silence(demo_night, tmp_path_factory):
    return check_night(tmp_path_factory.mktemp("planted"), demo_night,
                       ["price_unit_change:store=S0003,factor=100", "store_silent:store=S0005"])


@pytest.fixture(scope="module")
def late(demo_night, tmp_path_factory):
    return check_night(tmp_path_factory.mktemp("late"), demo_night, ["late_file"])


def test_the_checks_pass_on_the_demo_night_judged_by_its_own_clock(quiet):
    assert quiet["status"] == {name: "pass" for name in CHECKS}, quiet["rows"]


def test_store_prices_in_line_fails_on_the_store_sending_cents(prices_and_silence):
    night = prices_and_silence
    assert night["status"][PRICES] == "warn"
    (store, day, lines, off, observed, threshold), = night["rows"][PRICES]
    planted = next(i for i in night["night"]["incidents"] if i["kind"] == "price_unit_change")
    assert (store, str(day), threshold) == ("S0003", planted["date"], 0.5)
    assert off == lines == planted["rows"] and observed == 1.0


def test_every_store_reports_fails_the_night_a_store_is_silent(prices_and_silence):
    night = prices_and_silence
    assert night["status"][STORES] == "fail"
    planted = next(i for i in night["night"]["incidents"] if i["kind"] == "store_silent")
    (store, last_day, latest_day), = night["rows"][STORES]
    assert (store, str(latest_day)) == ("S0005", planted["date"])
    assert last_day == latest_day - dt.timedelta(days=1)


def test_sales_file_on_time_passes_when_tonights_file_arrived(prices_and_silence):
    assert prices_and_silence["status"][ON_TIME] == "pass"


def test_sales_file_on_time_fails_the_night_a_file_is_held_back(late):
    assert late["status"][ON_TIME] == "fail"
    (newest, as_of, behind, threshold), = late["rows"][ON_TIME]
    planted, = late["night"]["incidents"]
    held_back = dt.date.fromisoformat(planted["date"])
    assert (newest, behind, threshold) == (held_back - dt.timedelta(days=1), 2, 1)
    assert as_of == dt.datetime.combine(held_back + dt.timedelta(days=1), dt.time(3))
    # the late file changes nothing else these checks see
    assert (late["status"][PRICES], late["status"][STORES]) == ("pass", "pass")

"""Stored per-day profiles: merged drift equals the exact computation, and a night profiles what it wrote."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats as sps

from strataqc.checks.config import build_spec
from strataqc.checks.drift import run_drift_checks
from strataqc.checks.drift.effects import PSI_EPSILON
from strataqc.checks.drift.profiled import refresh_profile
from strataqc.checks.profiles import Merged, Side
from strataqc.checks.profiles.store import ProfileStore
from strataqc.results import Status
from strataqc.warehouse import Target, Warehouse

from drift_samples import hash_samplers

SPLIT = {"column": "split", "reference": "train", "current": "predict"}
DAYS = 60

uniform, normal = hash_samplers("i", "d")


def day_rows(first: int, last: int, per_day: int = 200, shift_from: int | None = None, shift: float = 0.0,
             table: str = "daily") -> str:
    """Rows of days first..last (0 = 2024-01-01): the last 7 of DAYS are predict, the 7 before valid."""
    shifted = f"CASE WHEN d >= {shift_from} THEN {shift} ELSE 0 END" if shift_from is not None else "0"
    return f"""
        SELECT i AS row_id, DATE '2024-01-01' + CAST(d AS INTEGER) AS date_day,
               CASE WHEN d >= {DAYS - 7} THEN 'predict' WHEN d >= {DAYS - 14} THEN 'valid' ELSE 'train' END
                 AS split,
               CASE WHEN i % 97 = 0 THEN NULL WHEN i % 89 = 0 THEN 'NaN'::DOUBLE
                    ELSE 10 + 2 * {normal('p')} + {shifted} END AS unit_price,
               100 + 15 * {normal('s')} AS store_size,
               ['Dairy', 'Bakery', 'Produce', 'Frozen'][1 + CAST(floor({uniform('c')} * 4) AS INT)] AS category,
               20 + 5 * {normal('y')} AS units_next_7d
        FROM range({first}, {last + 1}) days(d), range({per_day}) t(i)"""


def make_table(wh, table: str = "daily", **kwargs) -> None:
    wh.execute(f"CREATE OR REPLACE TABLE {table} AS {day_rows(0, DAYS - 1, **kwargs)}")


def spec_for(wh, profiles: dict | None = None, table: str = "daily", **block):
    meta = {"target": "units_next_7d", "ids": ["row_id", "date_day"], "split": SPLIT, "categorical": ["category"],
            "checks": {"multivariate_drift": False, "target_drift": {"current": "valid"}}, **block}
    if profiles is not None:
        meta["profiles"] = profiles
    spec, errors = build_spec("ads_daily", f'"{table}"', "ads", meta, wh)
    assert errors == [], [e.message for e in errors]
    return spec


def exact_psi(reference: np.ndarray, current: np.ndarray, edges: list[float]) -> float:
    """PSI on right-closed bins of `edges`, straight from the raw values (scipy's entropy)."""
    def shares(values: np.ndarray) -> np.ndarray:
        values = values[np.isfinite(values)]
        counts = np.bincount(np.searchsorted(edges, values, side="left"), minlength=len(edges) + 1)
        return np.clip(counts / counts.sum(), PSI_EPSILON, None)
    r, c = shares(reference), shares(current)
    r, c = r / r.sum(), c / c.sum()
    return float(sps.entropy(c, r) + sps.entropy(r, c))


def records(results, check: str) -> dict:
    return {r.column: r for r in results if r.check == check}


# ------------------------------------------------------------------ merged == exact

@pytest.mark.parametrize("shift", [pytest.param(0.0, id="no-shift"), pytest.param(1.5, id="shifted")])
def test_psi_from_profiles_equals_the_exact_computation_on_the_same_edges(wh, shift):
    make_table(wh, shift_from=DAYS - 7, shift=shift)
    profiled = records(run_drift_checks(wh, spec_for(wh, {"column": "date_day"})), "feature_drift")
    edges = ProfileStore(wh, "ads_daily").latest_edges()["unit_price"]["quantiles"]["edges"]
    raw = wh.query("SELECT split, unit_price FROM daily")
    expected = exact_psi(raw.loc[raw.split == "train", "unit_price"].to_numpy(float),
                         raw.loc[raw.split == "predict", "unit_price"].to_numpy(float), edges)
    assert profiled["unit_price"].details["metrics"]["psi"] == pytest.approx(expected, rel=1e-12)
    # the table read directly on those edges gives the same record
    direct = records(run_drift_checks(wh, spec_for(wh, checks={"feature_drift": {"bins": edges},
                                                               "multivariate_drift": False})), "feature_drift")
    assert direct["unit_price"].details["metrics"]["psi"] == pytest.approx(expected, rel=1e-12)
    assert profiled["unit_price"].status is (Status.FAIL if shift else Status.PASS)


def test_merged_moments_and_missing_counts_equal_the_table(wh):
    make_table(wh)
    profile = refresh_profile(wh, spec_for(wh, {"column": "date_day"}))
    merged = Merged.of(profile)
    got = merged.summary("unit_price", Side("train", "2024-01-10", "2024-01-20"))
    want = wh.query("""SELECT count(*) AS n, count(*) FILTER (unit_price IS NULL) AS nulls,
                              count(*) FILTER (isnan(unit_price)) AS nans,
                              sum(unit_price) FILTER (NOT isnan(unit_price)) AS s,
                              min(unit_price) FILTER (NOT isnan(unit_price)) AS lo,
                              max(unit_price) FILTER (NOT isnan(unit_price)) AS hi
                       FROM daily WHERE split = 'train' AND date_day BETWEEN '2024-01-10' AND '2024-01-20'""")
    assert (got.rows, got.nulls, got.nans) == (int(want.n[0]), int(want.nulls[0]), int(want.nans[0]))
    assert got.nans > 0 and got.nulls > 0
    assert got.total == pytest.approx(float(want.s[0]), rel=1e-12)
    assert (got.min, got.max) == (pytest.approx(float(want.lo[0])), pytest.approx(float(want.hi[0])))


def test_categorical_drift_and_new_categories_from_profiles_equal_the_table(wh):
    make_table(wh)
    wh.execute("UPDATE daily SET category = 'Ready Meals' WHERE split = 'predict' AND row_id % 10 = 0")
    direct = run_drift_checks(wh, spec_for(wh))
    profiled = run_drift_checks(wh, spec_for(wh, {"column": "date_day"}))
    for check in ("feature_drift", "new_categories"):
        a, b = records(direct, check)["category"], records(profiled, check)["category"]
        assert (a.status, a.message, a.observed) == (b.status, b.message, b.observed)
    assert records(profiled, "new_categories")["category"].status is Status.FAIL


# ------------------------------------------------------------------ a night profiles what it wrote

def test_a_night_that_writes_one_day_profiles_one_day(wh):
    make_table(wh)
    spec = spec_for(wh, {"column": "date_day"})
    first = refresh_profile(wh, spec, version="v1")
    assert len(first.profiled_days) == DAYS
    wh.execute(f"INSERT INTO daily {day_rows(DAYS, DAYS)}")
    second = refresh_profile(wh, spec, version="v2")
    assert second.profiled_days == ["2024-03-01"]
    assert second.days["day"].nunique() == DAYS + 1
    # only the new day's rows were written: bins of the other days kept their first version
    bins = wh.query('SELECT day, version FROM strataqc_history.profile_bins GROUP BY ALL')
    assert set(bins.loc[bins.version == "v2", "day"]) == {"2024-03-01"}
    quiet = refresh_profile(wh, spec, version="v3")
    assert quiet.profiled_days == []


def test_a_rewritten_old_day_is_profiled_again(wh):
    make_table(wh)
    spec = spec_for(wh, {"column": "date_day", "verify": "checksum"})
    refresh_profile(wh, spec, version="v1")
    # same row count, other values: only the checksum sees it
    wh.execute("UPDATE daily SET unit_price = unit_price + 5 WHERE date_day = DATE '2024-01-05'")
    again = refresh_profile(wh, spec, version="v2")
    assert again.profiled_days == ["2024-01-05"]
    # fewer rows: the row count sees it without a checksum
    counted = spec_for(wh, {"column": "date_day"})
    refresh_profile(wh, counted, version="v3")
    wh.execute("DELETE FROM daily WHERE date_day = DATE '2024-01-07' AND row_id < 10")
    assert refresh_profile(wh, counted, version="v4").profiled_days == ["2024-01-07"]


def test_rewrite_days_profiles_the_rebuilt_window_every_night(wh):
    make_table(wh)
    spec = spec_for(wh, {"column": "date_day", "rewrite_days": 3})
    refresh_profile(wh, spec, version="v1")
    assert refresh_profile(wh, spec, version="v2").profiled_days == ["2024-02-27", "2024-02-28", "2024-02-29"]


def test_the_reference_edges_are_kept_until_the_reference_changes(wh):
    make_table(wh)
    spec = spec_for(wh, {"column": "date_day", "edges_refresh": 0.2})
    first = refresh_profile(wh, spec, version="v1").edges["unit_price"]["edges_fp"]
    wh.execute(f"INSERT INTO daily {day_rows(DAYS, DAYS)}")  # predict grows: the reference is the same
    assert refresh_profile(wh, spec, version="v2").edges["unit_price"]["edges_fp"] == first
    wh.execute("UPDATE daily SET unit_price = unit_price * 3, split = 'train' WHERE split = 'valid'")
    wh.execute(f"INSERT INTO daily SELECT * REPLACE ('train' AS split, unit_price * 3 AS unit_price) "
               f"FROM ({day_rows(DAYS + 1, DAYS + 12)})")
    changed = refresh_profile(wh, spec, version="v3")
    assert changed.edges["unit_price"]["edges_fp"] != first
    assert len(changed.profiled_days) == changed.days["day"].nunique()  # new edges: every day again


def test_a_bad_profiles_block_is_an_error_record_naming_the_key(wh):
    make_table(wh)
    spec, errors = build_spec("ads_daily", '"daily"', "ads", {"split": SPLIT, "profiles": {"column": "unit_price"}},
                              wh)
    assert [e.column for e in errors] == ["profiles.column"]
    assert "'unit_price' is numeric, not a date" in errors[0].message
    assert spec.profiles is None


def test_profiles_drift_matches_the_table_on_every_record(wh):
    make_table(wh, shift_from=DAYS - 3, shift=3.0)
    direct = {(r.check, r.column): r for r in run_drift_checks(wh, spec_for(wh))}
    profiled = {(r.check, r.column): r for r in run_drift_checks(wh, spec_for(wh, {"column": "date_day"}))}
    assert set(direct) == set(profiled)
    for key, a in direct.items():
        b = profiled[key]
        assert a.status == b.status, key
        assert pd.isna(a.observed) and pd.isna(b.observed) or a.observed == pytest.approx(b.observed, rel=1e-9), key


def test_merged_distinct_sketch_holds_the_exact_count_within_its_bounds(wh):
    # 3000 levels, each day a window of 600 of them: days overlap, so only a merge can count them
    wh.execute(f"""CREATE TABLE wide AS SELECT i AS row_id, DATE '2024-01-01' + CAST(d AS INTEGER) AS date_day,
                   CASE WHEN d >= {DAYS - 7} THEN 'predict' ELSE 'train' END AS split,
                   'level-' || ((d * 50 + i) % 3000) AS code, i * 1.0 AS x
                   FROM range({DAYS}) days(d), range(600) t(i)""")
    meta = {"ids": ["row_id", "date_day"], "split": SPLIT, "categorical": ["code"], "profiles": {"column": "date_day"}}
    spec, errors = build_spec("ads_wide", '"wide"', "ads", meta, wh)
    assert errors == []
    merged = Merged.of(refresh_profile(wh, spec))
    window = "split = 'train' AND date_day BETWEEN '2024-01-03' AND '2024-01-05'"
    for side, sql in ((Side("train"), "split = 'train'"), (Side("train", "2024-01-03", "2024-01-05"), window)):
        exact = int(wh.query(f"SELECT count(DISTINCT code) AS n FROM wide WHERE {sql}").n[0])
        got = merged.distinct("code", side)
        assert got.lower <= exact <= got.upper, (side, exact, got)
        assert abs(got.estimate - exact) / exact < 0.05
    assert merged.distinct("x", Side("train")) is None  # numeric columns are not sketched


def test_profiles_on_another_column_than_the_windows_is_an_error_and_the_table_is_read(wh):
    make_table(wh)
    wh.execute("ALTER TABLE daily ADD COLUMN loaded_day DATE; UPDATE daily SET loaded_day = date_day + 1")
    windows = {"column": "date_day", "reference": ["2024-01-01", "2024-02-15"], "current": ["2024-02-23", "2024-02-29"]}
    spec, errors = build_spec("ads_daily", '"daily"', "ads", {"windows": windows, "ids": ["row_id"],
                                                              "profiles": {"column": "loaded_day"},
                                                              "checks": {"multivariate_drift": False}}, wh)
    assert errors == []
    results = run_drift_checks(wh, spec)
    [problem] = [r for r in results if r.check == "profiles"]
    assert problem.status is Status.ERROR and "profiles: {column: date_day}" in problem.message
    assert records(results, "feature_drift")["unit_price"].status is Status.PASS


def test_a_read_only_warehouse_reads_the_table_without_an_error(tmp_path):
    path = str(tmp_path / "w.duckdb")
    with Warehouse(Target("strataqc", "test", "duckdb", {"path": path})) as writable:
        make_table(writable)
    with Warehouse(Target("strataqc", "test", "duckdb", {"path": path}), read_only=True) as wh:
        results = run_drift_checks(wh, spec_for(wh, {"column": "date_day"}))
        direct = {(r.check, r.column): r.status for r in run_drift_checks(wh, spec_for(wh))}
    assert not [r for r in results if r.status is Status.ERROR]
    assert {(r.check, r.column): r.status for r in results} == direct


def test_a_writable_warehouse_stores_the_profiles(tmp_path):
    with Warehouse(Target("strataqc", "test", "duckdb", {"path": str(tmp_path / "w.duckdb")})) as wh:
        make_table(wh)
        run_drift_checks(wh, spec_for(wh, {"column": "date_day"}))
        assert int(wh.query('SELECT count(DISTINCT day) AS n FROM "strataqc_history"."profile_days"').n[0]) == DAYS


# ------------------------------------------------------------------ the domain classifier's kept reference

def test_the_domain_classifier_keeps_its_reference_sample_and_measures_what_a_full_read_does(wh):
    """With stored profiles the reference sample is kept between nights (strataqc/kept_sample.py): the
    classifier sees the rows a full read gives, night after night, while the kept sample is topped up."""
    make_table(wh)
    checks = {"sample_size": 4000, "checks": {"multivariate_drift": {}, "feature_drift": False,
                                              "new_categories": False, "target_drift": False}}

    def night() -> tuple:
        kept = records(run_drift_checks(wh, spec_for(wh, {"column": "date_day", "rewrite_days": 3}, **checks)),
                       "multivariate_drift")[None]
        full = records(run_drift_checks(wh, spec_for(wh, None, **checks)), "multivariate_drift")[None]
        assert kept.observed == full.observed and kept.details["metrics"] == full.details["metrics"]
        return kept, str(wh.query('SELECT drawn_at FROM "strataqc_history"."kept_samples"').iloc[0, 0])

    first, drawn = night()
    assert first.details["metrics"]["sample_reference"] == 2000
    # a day leaves valid for train, a new day lands
    wh.execute(f"UPDATE daily SET split = 'train' WHERE date_day = DATE '2024-01-01' + {DAYS - 14}")
    wh.execute(f"INSERT INTO daily {day_rows(DAYS, DAYS)}")
    second, again = night()
    assert again == drawn  # topped up with the day that changed, not drawn again

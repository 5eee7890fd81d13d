"""The feature-set checks from stored per-day facts equal the checks reading the table, night after night."""

from __future__ import annotations

import math

import numpy as np
import pytest

from strataqc.checks import stats
from strataqc.checks.config import build_spec
from strataqc.checks.drift.profiled import profiled_night
from strataqc.checks.feature_set import run_feature_set_checks
from strataqc.checks.profiles.facts import Facts
from strataqc.checks.profiles.moments import Moments, merge
from strataqc.results import Status

SPLIT = {"column": "split", "reference": "train", "current": "predict"}
PER_DAY = 120


def day_rows(first: int, last: int, version: int = 0) -> str:
    """Rows of days first..last (0 = 2024-01-01); day >= 8 is predict (no target), day 7 valid.

    unit_price has a large mean (centring matters) and NULL / NaN / inf cells; store_area moves with
    store_size; category_copy equals category (blanks and NULLs alike); leak is built from the target;
    `version` changes a rewritten day's values.
    """
    def wave(a: int, b: int, m: int = 1000) -> str:
        return f"((i * {a} + d * {b} + {version} * 31) % {m}) / {float(m)}"
    a, b, c = wave(7919, 104729), wave(6151, 3571, 997), wave(4099, 2711, 991)
    category = (f"CASE WHEN i % 13 = 0 THEN NULL WHEN i % 17 = 0 THEN ' ' "
                f"ELSE ['Dairy', 'Bakery', 'Produce', 'Frozen'][1 + (i * 7 + d) % 4] END")
    return f"""
        SELECT i AS row_id, DATE '2024-01-01' + CAST(d AS INTEGER) AS date_day,
               CASE WHEN d >= 8 THEN 'predict' WHEN d = 7 THEN 'valid' ELSE 'train' END AS split,
               CASE WHEN i % 37 = 0 THEN NULL WHEN i % 41 = 0 THEN 'NaN'::DOUBLE WHEN i % 43 = 0 THEN 'inf'::DOUBLE
                    ELSE 1e6 + 3 * {a} END AS unit_price,
               CASE WHEN i % 11 = 0 THEN NULL ELSE 50 + 10 * {b} END AS store_size,
               538 + 107.6 * {b} + 0.5 * {a} AS store_area,
               {category} AS category,
               {category} AS category_copy,
               7 AS constant_feature,
               i % 2 = 0 AS promo,
               CASE WHEN d >= 8 THEN NULL ELSE 20 + 5 * {c} END AS units_next_7d,
               CASE WHEN d >= 8 THEN NULL ELSE 40 + 10 * {c} + 0.05 * {a} END AS leak
        FROM range({first}, {last + 1}) days(d), range({PER_DAY}) t(i)"""


def spec_for(wh, profiles: dict | None = None, **checks):
    meta = {"target": "units_next_7d", "ids": ["row_id", "date_day"], "split": SPLIT, "categorical": ["category", "category_copy"],
            "checks": {"categorical_levels": {"max_levels": 3}, **checks}}
    if profiles is not None:
        meta["profiles"] = profiles
    spec, errors = build_spec("ads_facts", '"facts"', "ads", meta, wh)
    assert errors == [], [e.message for e in errors]
    return spec


PROFILES = {"column": "date_day", "rewrite_days": 2, "verify": "checksum"}


def both(wh, **checks):
    """(records reading the table, records from the stored facts, the facts' profile) of tonight."""
    spec = spec_for(wh, PROFILES, **checks)
    table = run_feature_set_checks(wh, spec)
    night = profiled_night(wh, spec)
    assert night.errors == [] and night.profile is not None
    return table, run_feature_set_checks(wh, spec, night), night


def assert_same(table, facts) -> None:
    assert [(r.check, r.column) for r in facts] == [(r.check, r.column) for r in table]
    for a, b in zip(table, facts):
        where = f"{a.check} {a.column}"
        assert (b.status, b.message, b.failures, b.threshold) == (a.status, a.message, a.failures, a.threshold), where
        if isinstance(a.observed, float):
            assert b.observed == pytest.approx(a.observed, abs=1e-9), where
        else:
            assert b.observed == a.observed, where


def by_check(results) -> dict:
    return {(r.check, r.column): r for r in results}


# ------------------------------------------------------------------ night after night

def test_every_feature_set_record_from_facts_equals_the_table_over_several_nights(wh):
    wh.execute(f"CREATE TABLE facts AS {day_rows(0, 9)}")
    table, facts, _ = both(wh)
    assert_same(table, facts)
    # night 2: two new days (predict), and an old day rewritten with other values
    wh.execute(f"INSERT INTO facts {day_rows(10, 11)}")
    wh.execute("DELETE FROM facts WHERE date_day = DATE '2024-01-04'")
    wh.execute(f"INSERT INTO facts {day_rows(3, 3, version=1)}")
    table, facts, night = both(wh)
    assert "2024-01-04" in night.profile.profiled_days
    assert_same(table, facts)
    # night 3: a day gets duplicated rows (and loses a few)
    wh.execute("INSERT INTO facts SELECT * FROM facts WHERE date_day = DATE '2024-01-06' AND row_id < 5")
    wh.execute("DELETE FROM facts WHERE date_day = DATE '2024-01-02' AND row_id > 100")
    table, facts, _ = both(wh)
    assert_same(table, facts)
    assert by_check(facts)[("duplicate_rows", None)].failures == 5


def test_each_check_fails_from_facts_with_its_reason(wh):
    wh.execute(f"CREATE TABLE facts AS {day_rows(0, 11)}")
    wh.execute("INSERT INTO facts SELECT * FROM facts WHERE date_day = DATE '2024-01-06' AND row_id < 3")
    table, facts, _ = both(wh, missing_values={"max_ratio": 0.05}, feature_collinearity={"severity": "error"})
    assert_same(table, facts)
    got = by_check(facts)
    assert got[("duplicate_rows", None)].status is Status.FAIL
    assert got[("duplicate_rows", None)].message.startswith("3 duplicate rows")
    same = got[("duplicate_columns", "category = category_copy")]
    assert same.status is Status.FAIL and "1 pair(s) of identical columns: category = category_copy" in same.message
    assert got[("single_value", "constant_feature")].status is Status.FAIL
    assert "single value (7) in all 1,443 non-NULL rows" in got[("single_value", "constant_feature")].message
    assert got[("missing_values", "store_size")].status is Status.FAIL       # 1 in 11 NULL
    assert got[("categorical_levels", "category")].status is Status.FAIL     # 5 levels, ' ' among them
    assert "has 5 levels, more than 3" in got[("categorical_levels", "category")].message
    assert got[("feature_collinearity", "store_size ~ store_area")].status is Status.FAIL
    leaks = [r for r in facts if r.check == "target_correlation" and r.status is Status.FAIL]
    assert [r.column for r in leaks] == ["leak"] and "leak leaks the target units_next_7d" in leaks[0].message


def test_the_facts_answer_without_reading_the_table(wh, monkeypatch):
    wh.execute(f"CREATE TABLE facts AS {day_rows(0, 11)}")
    wh.execute("INSERT INTO facts SELECT * FROM facts WHERE date_day = DATE '2024-01-06' AND row_id < 3")
    spec = spec_for(wh, PROFILES)
    table = run_feature_set_checks(wh, spec)
    night = profiled_night(wh, spec)

    def forbidden(*args, **kwargs):
        raise AssertionError("read the table")
    for name in ("column_profile", "correlation_matrix", "correlations", "correlation_ratios", "mismatch_counts",
                 "integral_range"):
        monkeypatch.setattr(stats, name, forbidden)
    restricted = stats.duplicate_rows

    def examples_only(wh_, table_, names, where=None, sample=20):
        assert where is not None, "the duplicate examples read only the days with a surplus"
        return restricted(wh_, table_, names, where, sample)
    monkeypatch.setattr(stats, "duplicate_rows", examples_only)
    facts = run_feature_set_checks(wh, spec, night)
    assert_same(table, facts)
    assert all(r.status is not Status.ERROR for r in facts)


def test_a_night_computes_the_facts_of_the_days_it_profiled_only(wh):
    wh.execute(f"CREATE TABLE facts AS {day_rows(0, 9)}")
    spec = spec_for(wh, PROFILES)
    first = Facts.of(wh, spec, profiled_night(wh, spec).profile)
    columns = {"unit_price": "numeric", "category": "categorical"}
    first.column_stats(columns, ["category"])
    assert first.computed == {"columns": 10}
    wh.execute(f"INSERT INTO facts {day_rows(10, 10)}")
    spec = spec_for(wh, PROFILES)
    night = profiled_night(wh, spec)
    second = Facts.of(wh, spec, night.profile)
    second.column_stats(columns, ["category"])
    assert night.profile.profiled_days == ["2024-01-10", "2024-01-11"]     # the new day and rewrite_days: 2
    assert second.computed == {"columns": 2}
    # another column list is another fingerprint: every day once
    second.column_stats({"store_size": "numeric"}, [])
    assert second.computed == {"columns": 2 + 11}


def test_a_range_from_facts_equals_the_table_and_follows_a_rewritten_day(wh):
    from strataqc.checks.feature_set.context import Context

    wh.execute(f"CREATE TABLE facts AS {day_rows(0, 9)}")
    spec = spec_for(wh, PROFILES)
    where = Context(wh, spec).target_rows()

    def pair(name):
        facts = Facts.of(wh, spec, profiled_night(wh, spec).profile)
        return facts.integral_range(name, where), stats.integral_range(wh, spec.table, name, where)
    for name in ("units_next_7d", "unit_price", "constant_feature", "store_size"):   # NaN, inf and NULL cells too
        from_facts, from_table = pair(name)
        assert from_facts == from_table, name
    assert pair("constant_feature")[0] == (7.0, 7.0, 0)          # whole numbers: classes, maybe
    assert pair("units_next_7d")[0][2] > 0                        # fractional values: no classes
    # a rewritten train day with a wider range: tonight's answer has it
    wh.execute("UPDATE facts SET units_next_7d = 99.5 WHERE date_day = DATE '2024-01-03' AND row_id = 1")
    from_facts, from_table = pair("units_next_7d")
    assert from_facts == from_table and from_facts[1] == 99.5


# ------------------------------------------------------------------ what the facts cannot answer: the table

def test_duplicates_without_the_partition_column_read_the_table(wh):
    wh.execute(f"CREATE TABLE facts AS {day_rows(0, 11)}")
    # rows equal in unit_price and category on different days: only the table sees such a group
    table, facts, night = both(wh, duplicate_rows={"columns": ["unit_price", "category"], "max_ratio": 0.5})
    assert_same(table, facts)
    assert Facts.of(wh, spec_for(wh, PROFILES), night.profile).duplicates(["unit_price", "category"], 20) is None
    assert by_check(facts)[("duplicate_rows", None)].failures > 0


def test_rows_with_no_day_make_the_checks_read_the_table(wh):
    wh.execute(f"CREATE TABLE facts AS {day_rows(0, 11)}")
    wh.execute("INSERT INTO facts SELECT row_id, NULL, split, unit_price, store_size, store_area, category, "
               "category_copy, constant_feature, promo, units_next_7d, leak FROM facts WHERE row_id < 4 AND date_day = DATE '2024-01-02'")
    table, facts, night = both(wh)
    assert night.profile.undated == 4 and Facts.of(wh, spec_for(wh, PROFILES), night.profile) is None
    assert_same(table, facts)


def test_pooled_levels_count_distinct_values_on_the_table(wh):
    wh.execute(f"CREATE TABLE facts AS {day_rows(0, 11)}")
    table, facts, _ = both(wh)
    spec = spec_for(wh, {**PROFILES, "max_levels": 2})
    pooled = run_feature_set_checks(wh, spec, profiled_night(wh, spec))
    assert by_check(pooled)[("categorical_levels", "category")].observed == \
        by_check(table)[("categorical_levels", "category")].observed == 5


# ------------------------------------------------------------------ the merge

def test_merged_moments_equal_one_pass_over_the_union_when_means_are_large():
    rng = np.random.default_rng(7)
    parts = [1e6 + rng.normal(size=(n, 3)) @ np.array([[1, 0.5, 0], [0, 1, 0.2], [0, 0, 1]]) for n in (5, 40, 1, 300)]
    groups = [Moments(len(p), p.mean(axis=0), (p - p.mean(axis=0)).T @ (p - p.mean(axis=0))) for p in parts]
    merged = merge(groups, 3)
    union = np.vstack(parts)
    centred = union - union.mean(axis=0)
    assert merged.n == len(union)
    np.testing.assert_allclose(merged.means, union.mean(axis=0), rtol=1e-15)
    np.testing.assert_allclose(merged.comoments, centred.T @ centred, rtol=1e-9)
    assert math.isclose(merge([], 2).n, 0)


# ------------------------------------------------------------------ one refresh a night, both families

def test_one_refresh_serves_the_feature_set_and_drift_checks(wh, monkeypatch):
    from strataqc.checks.drift import profiled as drift_profiled
    from strataqc.checks.runner import check_relation

    wh.execute(f"CREATE TABLE facts AS {day_rows(0, 11)}")
    calls = []
    refresh = drift_profiled.refresh_profile
    monkeypatch.setattr(drift_profiled, "refresh_profile", lambda *a, **k: calls.append(1) or refresh(*a, **k))
    block = {"target": "units_next_7d", "ids": ["row_id", "date_day"], "split": SPLIT, "categorical": ["category"],
             "profiles": PROFILES, "checks": {"multivariate_drift": False, "target_drift": {"current": "valid"}}}
    results = check_relation(wh, "ads_facts", '"facts"', block)
    assert calls == [1]
    assert not [r.message for r in results if r.status is Status.ERROR]
    assert {r.check_type.value for r in results} == {"feature_set", "drift"}
    stored = wh.query("SELECT DISTINCT kind FROM strataqc_history.profile_facts WHERE model = 'ads_facts'")
    assert {"columns", "duplicates", "moments"} <= set(stored["kind"])

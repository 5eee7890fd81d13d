"""The feature-set SQL, written once, transpiled to PostgreSQL: the same verdicts on a real server.

Needs `scripts/postgres.sh start` and its exported STRATAQC_PG_* variables; skipped otherwise.
"""

from __future__ import annotations

import pytest

from strataqc.checks.config import build_spec
from strataqc.checks.feature_set import run_feature_set_checks
from strataqc.checks.runner import check_relation
from strataqc.results import Status

from engine_support import create_seeded

pytestmark = pytest.mark.postgres

SCHEMA = "strataqc_feature_set_test"


def test_feature_set_checks_on_postgres_with_hostile_names(pg):
    wh, database = pg
    # PostgreSQL SQL on purpose: the fixture is made by the engine itself (setseed: repeatable)
    create_seeded(wh, f'{SCHEMA}."fe""ats"', """
        SELECT i AS "row id", i % 2 = 0 AS promo,
          CASE WHEN i < 1500 THEN 'train' ELSE 'predict' END AS "split's",
          past, y, (past + y) / 2 AS "cent""red; --", random() AS noise, 7.0 AS constant,
          CASE WHEN i % 10 = 0 THEN 'NaN'::float8 WHEN i % 10 = 1 THEN NULL ELSE random() END AS gappy,
          (ARRAY['Dairy', 'dairy ', 'Bakery', 'O''Neil'])[1 + i % 4] AS category,
          past AS past_copy
        FROM (SELECT i, random() AS past, random() AS y FROM generate_series(0, 1999) AS t(i)) AS s""")
    meta = {"target": "y", "ids": ["row id"], "split": {"column": "split's", "reference": "train", "current": "predict"}}
    spec, errors = build_spec("feats", f'"{database}"."{SCHEMA}"."fe""ats"', "ads", meta, wh)
    assert errors == []
    assert spec.columns["promo"] == "boolean" and spec.columns['cent"red; --'] == "numeric"
    results = {(r.check, r.column): r for r in run_feature_set_checks(wh, spec)}
    assert not [r.message for r in results.values() if r.status is Status.ERROR]
    assert results[("single_value", "constant")].status is Status.FAIL
    assert results[("missing_values", "gappy")].status is Status.FAIL
    assert "NULL 200, NaN 200 of 2,000 rows" in results[("missing_values", "gappy")].message
    assert results[("similar_strings", "category")].status is Status.FAIL
    assert "'Dairy' (500) / 'dairy ' (500)" in results[("similar_strings", "category")].message
    assert results[("target_correlation", 'cent"red; --')].status is Status.FAIL
    assert results[("target_correlation", "noise")].status is Status.PASS
    assert results[("duplicate_columns", "past = past_copy")].status is Status.FAIL
    assert results[("duplicate_rows", None)].status is Status.PASS


def test_runner_on_postgres_reports_a_wrong_split_value(pg):
    wh, database = pg
    wh._conn.execute(f"CREATE TABLE {SCHEMA}.t AS SELECT i AS id, 'train' AS split, random() AS x "
                     f"FROM generate_series(1, 50) AS g(i)")
    block = {"split": {"column": "split", "reference": "train", "current": "predict"}}
    results = check_relation(wh, "t", f'"{database}"."{SCHEMA}"."t"', block)
    errors = [r for r in results if r.status is Status.ERROR]
    assert [(r.check, r.column) for r in errors] == [("config", "split.current")]
    assert any(r.check == "missing_values" and r.status is Status.PASS for r in results)


def test_feature_set_from_stored_facts_on_postgres_equals_the_table(pg, monkeypatch):
    from strataqc.checks import stats
    from strataqc.checks.drift.profiled import profiled_night
    from strataqc.checks.profiles.store import TABLES, ProfileStore

    wh, database = pg
    create_seeded(wh, f'{SCHEMA}."fa""cts"', """
        SELECT i AS "row id", DATE '2024-01-01' + (i / 100) AS "day's",
          CASE WHEN i < 1500 THEN 'train' ELSE 'predict' END AS "split's",
          1e6 + past AS past, y, (past + y) / 2 AS "cent""red; --", random() AS noise, 7.0 AS constant,
          CASE WHEN i % 10 = 0 THEN 'NaN'::float8 WHEN i % 10 = 1 THEN NULL ELSE random() END AS gappy,
          (ARRAY['Dairy', 'dairy ', 'Bakery', 'O''Neil', NULL])[1 + i % 5] AS category,
          (ARRAY['Dairy', 'dairy ', 'Bakery', 'O''Neil', NULL])[1 + i % 5] AS category_copy
        FROM (SELECT i, random() AS past, random() AS y FROM generate_series(0, 1999) AS t(i)) AS s
        UNION ALL SELECT 7, DATE '2024-01-01', 'train', 1e6, 0.5, 0.5, 0.5, 7.0, 0.5, 'Dairy', 'Dairy'
        UNION ALL SELECT 7, DATE '2024-01-01', 'train', 1e6, 0.5, 0.5, 0.5, 7.0, 0.5, 'Dairy', 'Dairy'""")
    store = ProfileStore(wh, "pg_facts")
    store.ensure()
    for name in TABLES:
        wh._conn.execute(f"DELETE FROM strataqc_history.{name} WHERE model = 'pg_facts'")
    meta = {"target": "y", "ids": ["row id", "day's"], "categorical": ["category", "category_copy"],
            "split": {"column": "split's", "reference": "train", "current": "predict"},
            "profiles": {"column": "day's"}}
    spec, errors = build_spec("pg_facts", f'"{database}"."{SCHEMA}"."fa""cts"', "ads", meta, wh)
    assert errors == []
    table = run_feature_set_checks(wh, spec)
    night = profiled_night(wh, spec)
    assert night.errors == [] and night.profile is not None

    def forbidden(*args, **kwargs):
        raise AssertionError("read the table")
    for name in ("column_profile", "correlation_matrix", "correlations", "correlation_ratios", "mismatch_counts"):
        monkeypatch.setattr(stats, name, forbidden)
    facts = run_feature_set_checks(wh, spec, night)
    assert [(r.check, r.column) for r in facts] == [(r.check, r.column) for r in table]
    for a, b in zip(table, facts):
        assert (a.status, a.message) == (b.status, b.message), (a.check, a.column)
        assert b.observed == (pytest.approx(a.observed, abs=1e-9) if isinstance(a.observed, float) else a.observed)
    got = {(r.check, r.column): r for r in facts}
    assert got[("duplicate_rows", None)].status is Status.FAIL and got[("duplicate_rows", None)].failures == 1
    assert got[("duplicate_columns", "category = category_copy")].status is Status.FAIL
    assert got[("target_correlation", 'cent"red; --')].status is Status.FAIL

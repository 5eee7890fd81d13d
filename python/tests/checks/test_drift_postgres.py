"""The drift SQL, written once, transpiled to PostgreSQL: the same verdicts on a real server.

Needs `scripts/postgres.sh start` and its exported STRATAQC_PG_* variables; skipped otherwise.
"""

from __future__ import annotations

import pytest

from strataqc.checks.config import build_spec
from strataqc.checks.drift import run_drift_checks
from strataqc.results import Status

from engine_support import create_seeded

pytestmark = pytest.mark.postgres

SCHEMA = "strataqc_drift_test"


def test_drift_checks_on_postgres_with_hostile_names(pg):
    wh, database = pg
    # PostgreSQL SQL on purpose: the fixture is made by the engine itself (setseed: repeatable)
    create_seeded(wh, f'{SCHEMA}."fe""ats"', """SELECT i AS "row id",
          CASE WHEN i < 8000 THEN 'train' WHEN i < 9000 THEN 'valid' ELSE 'predict' END AS "split's",
          random() + CASE WHEN i >= 9000 THEN 0.5 ELSE 0 END AS "pr""ice; --",
          random() * 3 AS stable,
          CAST(random() * 10 AS numeric(10, 2)) AS amount,
          CASE WHEN i >= 9000 AND i % 10 = 0 THEN 'O''Neil' ELSE (ARRAY['a', 'b', 'c'])[1 + i % 3] END AS cat,
          random() < CASE WHEN i >= 9000 THEN 0.5 ELSE 0.1 END AS promo,
          CASE WHEN i < 9000 THEN random() * 10 END AS y
        FROM generate_series(0, 9999) AS t(i)""")
    meta = {"target": "y", "ids": ["row id"], "sample_size": 2000,
            "split": {"column": "split's", "reference": "train", "current": "predict"},
            "checks": {"target_drift": {"current": "valid"}}}
    spec, errors = build_spec("feats", f'"{database}"."{SCHEMA}"."fe""ats"', "ads", meta, wh)
    assert errors == []
    results = {(r.check, r.column): r for r in run_drift_checks(wh, spec)}
    assert not [r.message for r in results.values() if r.status is Status.ERROR]
    assert results[("new_categories", "cat")].status is Status.FAIL
    assert "\"O'Neil\" (100 rows)" in results[("new_categories", "cat")].message
    assert results[("feature_drift", 'pr"ice; --')].status is Status.FAIL
    assert results[("feature_drift", "promo")].status is Status.FAIL
    for name in ("stable", "amount"):
        assert results[("feature_drift", name)].status is Status.PASS, results[("feature_drift", name)].message
    assert results[("target_drift", "y")].status is Status.PASS
    assert results[("target_drift", "y")].message.startswith("y: no drift between train and valid")
    assert results[("multivariate_drift", None)].status is Status.FAIL


def test_drift_from_stored_profiles_on_postgres_equals_the_table_and_profiles_only_new_days(pg):
    from strataqc.checks.drift.profiled import refresh_profile
    from strataqc.checks.profiles.store import TABLES, ProfileStore

    wh, database = pg
    create_seeded(wh, f'{SCHEMA}."da""ys"', """SELECT i AS "row id", DATE '2024-01-01' + (i / 100) AS "day's",
          CASE WHEN i < 4000 THEN 'train' ELSE 'predict' END AS split,
          random() + CASE WHEN i >= 4000 THEN 0.5 ELSE 0 END AS "pr""ice",
          CASE WHEN i % 50 = 0 THEN 'NaN'::float8 WHEN i % 70 = 0 THEN NULL ELSE random() END AS noisy,
          CASE WHEN i >= 4000 AND i % 10 = 0 THEN 'O''Neil' ELSE (ARRAY['a', 'b', 'c'])[1 + i % 3] END AS cat
        FROM generate_series(0, 4999) AS t(i)""", seed=0.17)
    store = ProfileStore(wh, "pg_profiles")
    store.ensure()
    for name in TABLES:
        wh._conn.execute(f"DELETE FROM strataqc_history.{name} WHERE model = 'pg_profiles'")
    meta = {"ids": ["row id"], "split": {"column": "split", "reference": "train", "current": "predict"},
            "categorical": ["cat"], "checks": {"multivariate_drift": False}}
    relation = f'"{database}"."{SCHEMA}"."da""ys"'

    def records(**extra):
        spec, errors = build_spec("pg_profiles", relation, "ads", {**meta, **extra}, wh)
        assert errors == []
        return spec, {(r.check, r.column): r for r in run_drift_checks(wh, spec)}

    _, direct = records()
    spec, profiled = records(profiles={"column": "day's"})
    assert set(direct) == set(profiled)
    for key, a in direct.items():
        assert (a.status, a.message) == (profiled[key].status, profiled[key].message), key
    assert profiled[("feature_drift", 'pr"ice')].status is Status.FAIL
    assert profiled[("new_categories", "cat")].status is Status.FAIL
    wh._conn.execute(f"""INSERT INTO {SCHEMA}."da""ys" SELECT 5000 + i, DATE '2024-02-20', 'predict', random(),
                         random(), 'a' FROM generate_series(0, 99) AS t(i)""")
    assert refresh_profile(wh, spec).profiled_days == ["2024-02-20"]

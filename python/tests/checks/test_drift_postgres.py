"""The drift SQL, written once, transpiled to PostgreSQL: the same verdicts on a real server.

Needs `scripts/postgres.sh start` and its exported STRATAQC_PG_* variables; skipped otherwise.
"""

from __future__ import annotations

import pytest

from strataqc.checks.config import build_spec
from strataqc.checks.drift import run_drift_checks
from strataqc.results import Status

from engine_support import postgres_schema

pytestmark = pytest.mark.postgres

SCHEMA = "strataqc_drift_test"


@pytest.fixture
def pg():
    yield from postgres_schema(SCHEMA)


def test_drift_checks_on_postgres_with_hostile_names(pg):
    wh, database = pg
    # PostgreSQL SQL on purpose: the fixture is made by the engine itself (setseed: repeatable)
    wh._conn.execute(f"""SELECT setseed(0.42);
        CREATE TABLE {SCHEMA}."fe""ats" AS SELECT i AS "row id",
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

"""The feature-set SQL, written once, transpiled to Spark SQL: the same verdicts on local Spark.

Runs when `make test-spark` exported STRATAQC_SPARK_DIR, in a subprocess on a temporary view.
"""

from __future__ import annotations

import pytest

from engine_support import SPARK_MARKS, run_on_spark, spark_statuses

pytestmark = SPARK_MARKS

BODY = '''
    from strataqc.checks.config import build_spec
    from strataqc.checks.feature_set import run_feature_set_checks

    r = np.random.default_rng(1)
    n = 2000
    past, y = r.random(n), r.random(n)
    frame = pd.DataFrame({"row id": range(n), "promo": np.arange(n) % 2 == 0,
        "split's": np.where(np.arange(n) < 1500, "train", "predict"), "past": past, "y": y,
        'cent"red; --': (past + y) / 2, "noise": r.random(n), "constant": 7.0,
        "gappy": np.where(np.arange(n) % 10 == 1, None, r.random(n)).astype(float),
        "category": np.array(["Dairy", "dairy ", "Bakery", "O'Neil"])[np.arange(n) % 4], "past_copy": past})
    spark.createDataFrame(frame).createOrReplaceTempView("feats")
    spec, errors = build_spec("feats", "`feats`", "ads", {"target": "y", "ids": ["row id"],
        "split": {"column": "split's", "reference": "train", "current": "predict"}}, SparkWarehouse())
    records = [] if spec is None else run_feature_set_checks(SparkWarehouse(), spec)
    report(errors=[e.message for e in errors], columns=spec.columns if spec else None,
           records=[[r.check, r.column, r.status.value, r.message] for r in records])
'''


def test_feature_set_checks_on_spark_with_hostile_names(tmp_path):
    out = run_on_spark(BODY, tmp_path)
    status = spark_statuses(out)
    assert out["columns"]["promo"] == "boolean" and out["columns"]['cent"red; --'] == "numeric"
    assert status[("single_value", "constant")] == "fail"
    assert status[("missing_values", "gappy")] == "fail"
    assert status[("similar_strings", "category")] == "fail"
    assert status[("duplicate_columns", "past = past_copy")] == "fail"
    assert status[("target_correlation", 'cent"red; --')] == "fail"
    assert status[("target_correlation", "noise")] == "pass"
    assert status[("duplicate_rows", None)] == "pass"


FACTS_BODY = '''
    from strataqc.checks.config import build_spec
    from strataqc.checks.drift.profiled import profiled_night
    from strataqc.checks.feature_set import run_feature_set_checks

    class ProfilingWarehouse(SparkWarehouse):  # the stored facts write tables: execute() as the Warehouse does
        def execute(self, sql):
            spark.sql(Warehouse.to_dialect(self, sql))

    r = np.random.default_rng(3)
    n = 3000
    y = r.normal(20, 5, n)
    frame = pd.DataFrame({"row id": np.arange(n) % 2990,
        "day's": pd.to_datetime("2024-01-01") + pd.to_timedelta(np.arange(n) % 2990 // 100, unit="D"),
        "split": np.where(np.arange(n) >= 2500, "predict", "train"),
        'pr"ice': 1e6 + r.normal(0, 1, n), "gappy": np.where(np.arange(n) % 10 == 0, np.nan, r.normal(0, 1, n)),
        "leak": 2 * y + r.normal(0, 0.01, n), "y": y,
        "cat": np.array(["a", "b", "O'Neil"])[np.arange(n) % 3]})
    copied = ["split", "pr\\"ice", "gappy", "leak", "y", "cat"]
    frame.loc[frame.index >= 2990, copied] = frame.loc[:9, copied].to_numpy()   # 10 rows repeated in their day
    frame["cat_copy"] = frame["cat"]
    frame["day's"] = frame["day's"].dt.date
    spark.createDataFrame(frame).createOrReplaceTempView("facts")
    meta = {"target": "y", "ids": ["row id", "day's"], "categorical": ["cat", "cat_copy"],
            "split": {"column": "split", "reference": "train", "current": "predict"}, "profiles": {"column": "day's"}}
    wh = ProfilingWarehouse()
    spec, errors = build_spec("spark_facts", "`facts`", "ads", meta, wh)
    night = profiled_night(wh, spec)
    rows = lambda records: [[r.check, r.column, r.status.value, r.message, r.observed] for r in records]
    report(errors=[e.message for e in errors] + [e.message for e in night.errors], profiled=night.profile is not None,
           table=rows(run_feature_set_checks(wh, spec)), facts=rows(run_feature_set_checks(wh, spec, night)))
'''


def test_feature_set_from_stored_facts_on_spark_equals_the_table(tmp_path):
    out = run_on_spark(FACTS_BODY, tmp_path)
    assert out["errors"] == [] and out["profiled"]
    assert [row[:4] for row in out["facts"]] == [row[:4] for row in out["table"]]
    for a, b in zip(out["table"], out["facts"]):
        assert b[4] == (pytest.approx(a[4], abs=1e-9) if isinstance(a[4], float) else a[4]), a[:2]
    status = {(check, column): s for check, column, s, *_ in out["facts"]}
    assert status[("duplicate_rows", None)] == "fail" and status[("duplicate_columns", "cat = cat_copy")] == "fail"
    assert status[("target_correlation", "leak")] == "fail"

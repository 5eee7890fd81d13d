"""The feature-set SQL, written once, transpiled to Spark SQL: the same verdicts on local Spark.

Runs when `make test-spark` exported STRATAQC_SPARK_DIR, in a subprocess on a temporary view.
"""

from __future__ import annotations

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

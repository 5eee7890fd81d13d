"""The drift SQL, written once, transpiled to Spark SQL: the same verdicts on local Spark.

Runs when `make test-spark` exported STRATAQC_SPARK_DIR, in a subprocess on a temporary view.
"""

from __future__ import annotations

from engine_support import SPARK_MARKS, run_on_spark

pytestmark = SPARK_MARKS

BODY = '''
    from strataqc.checks.config import build_spec
    from strataqc.checks.drift import run_drift_checks

    r = np.random.default_rng(1)
    n = 6000
    current = np.arange(n) >= 5000
    frame = pd.DataFrame({"row id": range(n),
        "split's": np.where(np.arange(n) < 4000, "train", np.where(current, "predict", "valid")),
        'pr"ice; --': r.normal(10, 2, n) + np.where(current, 3.0, 0.0), "stable": r.normal(0, 1, n),
        "cat": np.where(current & (np.arange(n) % 10 == 0), "O'Neil", np.array(["a", "b", "c"])[np.arange(n) % 3]),
        "promo": r.random(n) < np.where(current, 0.5, 0.1),
        "y": np.where(current, np.nan, r.normal(20, 5, n))})
    spark.createDataFrame(frame).createOrReplaceTempView("feats")
    spec, errors = build_spec("feats", "`feats`", "ads", {"target": "y", "ids": ["row id"], "sample_size": 2000,
        "split": {"column": "split's", "reference": "train", "current": "predict"},
        "checks": {"target_drift": {"current": "valid"}}}, SparkWarehouse())
    records = [] if spec is None else run_drift_checks(SparkWarehouse(), spec)
    report(errors=[e.message for e in errors], records=[[r.check, r.column, r.status.value, r.message] for r in records])
'''


def test_drift_checks_on_spark_with_hostile_names(tmp_path):
    out = run_on_spark(BODY, tmp_path)
    assert out["errors"] == []
    status = {(check, column): s for check, column, s, _ in out["records"]}
    assert "error" not in status.values(), [m for *_, s, m in out["records"] if s == "error"]
    assert status[("new_categories", "cat")] == "fail"
    assert status[("feature_drift", 'pr"ice; --')] == "fail"
    assert status[("feature_drift", "promo")] == "fail"
    assert status[("feature_drift", "stable")] == "pass"
    assert status[("target_drift", "y")] == "pass"
    assert status[("multivariate_drift", None)] == "fail"

"""The drift SQL, written once, transpiled to Spark SQL: the same verdicts on local Spark.

Runs when `make test-spark` exported STRATAQC_SPARK_DIR, in a subprocess on a temporary view.
"""

from __future__ import annotations

from engine_support import SPARK_MARKS, run_on_spark, spark_statuses

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
    status = spark_statuses(out)
    assert status[("new_categories", "cat")] == "fail"
    assert status[("feature_drift", 'pr"ice; --')] == "fail"
    assert status[("feature_drift", "promo")] == "fail"
    assert status[("feature_drift", "stable")] == "pass"
    assert status[("target_drift", "y")] == "pass"
    assert status[("multivariate_drift", None)] == "fail"


PROFILES_BODY = '''
    from strataqc.checks.config import build_spec
    from strataqc.checks.drift import run_drift_checks
    from strataqc.checks.drift.profiled import refresh_profile

    class ProfilingWarehouse(SparkWarehouse):  # the profiles write tables: execute() as the Warehouse does
        def execute(self, sql):
            spark.sql(Warehouse.to_dialect(self, sql))

    r = np.random.default_rng(2)
    n = 5000
    current = np.arange(n) >= 4000
    frame = pd.DataFrame({"row id": range(n),
        "day's": pd.to_datetime("2024-01-01") + pd.to_timedelta(np.arange(n) // 100, unit="D"),
        "split": np.where(current, "predict", "train"),
        'pr"ice': r.normal(10, 2, n) + np.where(current, 3.0, 0.0),
        "noisy": np.where(np.arange(n) % 50 == 0, np.nan, r.normal(0, 1, n)),
        "cat": np.where(current & (np.arange(n) % 10 == 0), "O'Neil", np.array(["a", "b", "c"])[np.arange(n) % 3])})
    frame["day's"] = frame["day's"].dt.date
    spark.createDataFrame(frame).createOrReplaceTempView("days")
    meta = {"ids": ["row id"], "split": {"column": "split", "reference": "train", "current": "predict"},
            "categorical": ["cat"], "checks": {"multivariate_drift": False}}
    out = {}
    for name, extra in (("direct", {}), ("profiled", {"profiles": {"column": "day's"}})):
        spec, errors = build_spec("spark_profiles", "`days`", "ads", {**meta, **extra}, ProfilingWarehouse())
        out[name] = [[r.check, r.column, r.status.value, r.message]
                     for r in run_drift_checks(ProfilingWarehouse(), spec)]
        out[name + "_errors"] = [e.message for e in errors]
    out["again"] = refresh_profile(ProfilingWarehouse(), spec).profiled_days
    report(**out)
'''


def test_drift_from_stored_profiles_on_spark_equals_the_table(tmp_path):
    out = run_on_spark(PROFILES_BODY, tmp_path)
    assert out["direct_errors"] == [] and out["profiled_errors"] == []
    assert not [m for *_, s, m in out["profiled"] if s == "error"]
    assert sorted(out["direct"]) == sorted(out["profiled"])
    status = {(check, column): s for check, column, s, _ in out["profiled"]}
    assert status[("feature_drift", 'pr"ice')] == "fail" and status[("new_categories", "cat")] == "fail"
    assert out["again"] == []  # nothing new since the first refresh

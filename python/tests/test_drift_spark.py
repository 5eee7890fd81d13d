"""The drift SQL, written once, transpiled to Spark SQL: the same verdicts on local Spark.

Runs when `make test-spark` exported STRATAQC_SPARK_DIR. Spark runs in a
subprocess on a temporary view (no metastore), so it never holds the Derby
metastore other Spark tests use.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

import pytest

pytestmark = [pytest.mark.spark,
              pytest.mark.skipif(not os.environ.get("STRATAQC_SPARK_DIR"),
                                 reason="no local Spark set up: `make test-spark` runs it")]

SCRIPT = textwrap.dedent('''
    import json, sys
    import numpy as np, pandas as pd
    from pyspark.sql import SparkSession
    from strataqc.checks.config import build_spec
    from strataqc.checks.drift import run_drift_checks

    spark = (SparkSession.builder.master("local[1]").appName("strataqc-drift-test")
             .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "2")
             .config("spark.sql.warehouse.dir", sys.argv[1]).getOrCreate())
    spark.sparkContext.setLogLevel("ERROR")

    class SparkWarehouse:  # the Warehouse interface the checks use, on this session
        dialect = "spark"
        def query(self, sql):
            return spark.sql(sql.sql(dialect="spark") if hasattr(sql, "sql") else sql).toPandas()

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
    print(json.dumps({"errors": [e.message for e in errors],
                      "records": [[r.check, r.column, r.status.value, r.message] for r in records]}))
    spark.stop()
''')


def test_drift_checks_on_spark_with_hostile_names(tmp_path):
    env = dict(os.environ, SPARK_LOCAL_IP="127.0.0.1")
    done = subprocess.run([sys.executable, "-c", SCRIPT, str(tmp_path / "warehouse")], env=env,
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    out = json.loads(done.stdout.strip().splitlines()[-1])
    assert out["errors"] == []
    status = {(check, column): s for check, column, s, _ in out["records"]}
    assert "error" not in status.values(), [m for *_, s, m in out["records"] if s == "error"]
    assert status[("new_categories", "cat")] == "fail"
    assert status[("feature_drift", 'pr"ice; --')] == "fail"
    assert status[("feature_drift", "promo")] == "fail"
    assert status[("feature_drift", "stable")] == "pass"
    assert status[("target_drift", "y")] == "pass"
    assert status[("multivariate_drift", None)] == "fail"

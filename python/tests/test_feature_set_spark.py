"""The feature-set SQL, written once, transpiled to Spark SQL: the same verdicts on local Spark.

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
    import json, os, sys
    import numpy as np, pandas as pd
    from pyspark.sql import SparkSession
    from strataqc.checks.config import build_spec
    from strataqc.checks.feature_set import run_feature_set_checks

    spark = (SparkSession.builder.master("local[1]").appName("strataqc-feature-set-test")
             .config("spark.ui.enabled", "false").config("spark.sql.warehouse.dir", sys.argv[1])
             .getOrCreate())
    spark.sparkContext.setLogLevel("ERROR")

    class SparkWarehouse:  # the Warehouse interface the checks use, on this session
        dialect = "spark"
        def query(self, sql):
            return spark.sql(sql.sql(dialect="spark") if hasattr(sql, "sql") else sql).toPandas()

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
    print(json.dumps({"errors": [e.message for e in errors], "columns": spec.columns if spec else None,
                      "records": [[r.check, r.column, r.status.value, r.message] for r in records]}))
    spark.stop()
''')


def test_feature_set_checks_on_spark_with_hostile_names(tmp_path):
    env = dict(os.environ, SPARK_LOCAL_IP="127.0.0.1")
    done = subprocess.run([sys.executable, "-c", SCRIPT, str(tmp_path / "warehouse")], env=env,
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    out = json.loads(done.stdout.strip().splitlines()[-1])
    assert out["errors"] == []
    assert out["columns"]["promo"] == "boolean" and out["columns"]['cent"red; --'] == "numeric"
    status = {(check, column): s for check, column, s, _ in out["records"]}
    assert "error" not in status.values(), [m for *_, s, m in out["records"] if s == "error"]
    assert status[("single_value", "constant")] == "fail"
    assert status[("missing_values", "gappy")] == "fail"
    assert status[("similar_strings", "category")] == "fail"
    assert status[("duplicate_columns", "past = past_copy")] == "fail"
    assert status[("target_correlation", 'cent"red; --')] == "fail"
    assert status[("target_correlation", "noise")] == "pass"
    assert status[("duplicate_rows", None)] == "pass"

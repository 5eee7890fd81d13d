"""NaN counted right by the Python checks on a DuckDB view over a Parquet file written by pyarrow.

pyarrow leaves NaN out of the file's min/max statistics and DuckDB folds
`x = 'NaN'` from them (duckdb#25521): the same data as a table and as such a
view must give the same verdicts, and NaN never crashes a correlation.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from strataqc.checks import stats
from strataqc.checks.config import build_spec
from strataqc.checks.drift import run_drift_checks
from strataqc.checks.feature_set import run_feature_set_checks
from strataqc.results import Status
from strataqc.warehouse import Target, Warehouse, table

ROWS = 2000
TRAIN = 1400
SPLIT = {"column": "split", "reference": "train", "current": "predict"}


def frame() -> dict:
    """x: 2.8% NaN (56 rows, 40 of them in train); y: a 0..3 class target with 10 NaN."""
    rng = np.random.default_rng(25521)
    y = rng.integers(0, 4, ROWS).astype(float)
    x = y + rng.normal(scale=0.5, size=ROWS)
    x[np.arange(0, ROWS, 25)[:56]] = np.nan    # every 25th row up to row 1375: all in train
    x[np.arange(1401, ROWS, 37)[:16]] = np.nan  # 16 in predict
    x[np.arange(0, 56 * 25, 25)[40:]] = 1.0    # keep 40 NaN in train
    w = 2 * x + rng.normal(scale=0.1, size=ROWS)
    y[np.arange(3, 1000, 100)] = np.nan
    split = np.where(np.arange(ROWS) < TRAIN, "train", "predict")
    return {"id": np.arange(ROWS), "split": split, "x": x, "w": w, "y": y}


@pytest.fixture(scope="module", params=["table", "parquet_view"])
def wh_spec(request, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("nan_parquet")
    path = tmp / "features.parquet"
    pq.write_table(pa.table(frame()), path)
    warehouse = Warehouse(Target("strataqc", "test", "duckdb", {"path": str(tmp / "wh.duckdb")}))
    kind = "table" if request.param == "table" else "view"
    warehouse.execute(f"create {kind} ads_features as select * from read_parquet('{path}')")
    meta = {"target": "y", "ids": ["id"], "split": SPLIT,
            "checks": {"missing_values": {"max_ratio": 0.02}, "class_imbalance": {"min_ratio": 0.1},
                       "feature_collinearity": {"max_abs_corr": 0.9}}}
    spec, errors = build_spec("ads_features", '"ads_features"', "ads", meta, warehouse)
    assert errors == []
    yield warehouse, spec
    warehouse.close()


def test_profile_counts_every_nan(wh_spec):
    wh, spec = wh_spec
    profile = {s.name: s for s in stats.column_profile(wh, table('"ads_features"'),
                                                       {"x": "numeric", "y": "numeric"}, "ads_features")}
    assert (profile["x"].nans, profile["y"].nans) == (56, 10)
    assert profile["x"].maximum == pytest.approx(np.nanmax(frame()["x"]))  # NaN is not the maximum


def test_missing_values_fails_on_nan_over_the_limit_and_passes_under_it(wh_spec):
    wh, spec = wh_spec
    records = {r.column: r for r in run_feature_set_checks(wh, spec) if r.check == "missing_values"}
    assert (records["x"].status, records["x"].failures) == (Status.FAIL, 56)
    assert records["x"].message == "x: 2.8% missing (NULL 0, NaN 56 of 2,000 rows), limit 2.0%"
    assert records["w"].status == Status.FAIL  # w = 2x + noise: NaN where x is NaN
    assert records["w"].failures == 56


def test_correlations_leave_nan_out_and_never_error(wh_spec):
    wh, spec = wh_spec
    records = run_feature_set_checks(wh, spec)
    assert not [r.message for r in records if r.status == Status.ERROR]
    by = {(r.check, r.column): r for r in records}
    data = frame()
    train = (np.arange(ROWS) < TRAIN) & ~np.isnan(data["x"]) & ~np.isnan(data["y"])
    r = np.corrcoef(data["x"][train], data["y"][train])[0, 1]
    assert by[("target_correlation", "x")].observed == pytest.approx(abs(r), abs=1e-9)
    collinear = by[("feature_collinearity", "x ~ w")]  # r ~0.999; warn is its default severity
    assert (collinear.status, collinear.failures) == (Status.WARN, 1)
    imbalance = by[("class_imbalance", "y")]
    assert imbalance.status == Status.PASS and imbalance.details["table"]["rows"][0][1] < TRAIN


def test_drift_counts_nan_as_missing_not_in_the_top_bin(wh_spec):
    wh, spec = wh_spec
    records = {(r.check, r.column): r for r in run_drift_checks(wh, spec)}
    metrics = records[("feature_drift", "x")].details["metrics"]
    assert (metrics["reference_missing"], metrics["current_missing"]) == (40, 16)
    assert (metrics["reference_rows"], metrics["current_rows"]) == (TRAIN - 40, ROWS - TRAIN - 16)

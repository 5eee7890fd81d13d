"""Drift statistics measured in SQL against the same statistics computed in pandas/scipy,
and verdicts that rest on effect sizes, not p-values, at a million rows per set."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats as sps
from scipy.spatial.distance import jensenshannon

from strataqc.checks.config import build_spec
from strataqc.checks.drift import psi, run_drift_checks
from strataqc.results import Status

from test_drift import SPLIT, normal, only, uniform


def drift_table(wh, rows_per_set: int, shift: float, promo_current: float, name: str = "t") -> None:
    """Reference rows 0..n-1, current rows n..2n-1: x ~ N(0, 1) (+shift in current), a skewed y, is_promo."""
    n = rows_per_set
    wh.execute(f"""CREATE OR REPLACE TABLE {name} AS SELECT i AS row_id,
        CASE WHEN i < {n} THEN 'train' ELSE 'predict' END AS split,
        {normal('x')} + CASE WHEN i >= {n} THEN {shift} ELSE 0 END AS x,
        exp({normal('y')}) AS y,
        {uniform('p')} < CASE WHEN i >= {n} THEN {promo_current} ELSE 0.1 END AS is_promo
        FROM range({2 * n}) t(i)""")


def feature_drift_records(wh, name: str = "t", **params) -> dict:
    meta = {"ids": ["row_id"], "split": SPLIT, "checks": only({"feature_drift": params})}
    spec, errors = build_spec("m", f'"{name}"', "ads", meta, wh)
    assert errors == []
    return {r.column: r for r in run_drift_checks(wh, spec)}


def test_statistics_match_pandas_and_scipy_on_the_same_data(wh):
    drift_table(wh, 20_000, shift=0.3, promo_current=0.15)
    records = feature_drift_records(wh)
    frame = wh.query("SELECT split, x, is_promo FROM t")
    ref, cur = frame.loc[frame.split == "train", "x"].to_numpy(), frame.loc[frame.split == "predict", "x"].to_numpy()

    metrics = records["x"].details["metrics"]
    # bins on the reference deciles (linear interpolation = QUANTILE_CONT), right-closed (e_i-1, e_i]
    edges = np.quantile(ref, np.arange(1, 10) / 10)
    assert records["x"].details["distribution"]["edges"] == pytest.approx(list(edges), rel=1e-9)
    p = np.bincount(np.searchsorted(edges, ref, side="left"), minlength=10) / len(ref)
    q = np.bincount(np.searchsorted(edges, cur, side="left"), minlength=10) / len(cur)
    assert metrics["psi"] == pytest.approx(float(np.sum((q - p) * np.log(q / p))), rel=1e-9)
    # binned KS: the exact CDF gap at the edges, a lower bound of scipy's KS on the raw values
    at_edges = max(abs(np.mean(ref <= e) - np.mean(cur <= e)) for e in edges)
    exact = sps.ks_2samp(ref, cur)
    assert metrics["ks"] == pytest.approx(at_edges, abs=1e-12)
    assert exact.statistic - 0.02 <= metrics["ks"] <= exact.statistic + 1e-12
    assert metrics["ks_pvalue"] < 1e-10 and exact.pvalue < 1e-10
    # Wasserstein on bin means against scipy on the raw values
    iqr = np.quantile(ref, 0.75) - np.quantile(ref, 0.25)
    assert metrics["wasserstein_scale"] == "iqr" and metrics["reference_iqr"] == pytest.approx(iqr)
    assert metrics["wasserstein_norm"] == pytest.approx(sps.wasserstein_distance(ref, cur) / iqr, rel=0.05)

    promo = records["is_promo"].details["metrics"]
    ref_counts = frame.loc[frame.split == "train", "is_promo"].value_counts().sort_index().to_numpy()
    cur_counts = frame.loc[frame.split == "predict", "is_promo"].value_counts().sort_index().to_numpy()
    assert promo["js"] == pytest.approx(jensenshannon(ref_counts / ref_counts.sum(), cur_counts / cur_counts.sum(),
                                                      base=2), rel=1e-9)
    chi2 = sps.chi2_contingency(np.vstack([ref_counts, cur_counts]), correction=False)
    assert (promo["chi2"], promo["chi2_pvalue"]) == (pytest.approx(chi2.statistic), pytest.approx(chi2.pvalue))


def test_skewed_feature_wasserstein_against_scipy(wh):
    drift_table(wh, 20_000, shift=0.0, promo_current=0.1)
    wh.execute("UPDATE t SET y = y * 1.5 WHERE split = 'predict'")
    metrics = feature_drift_records(wh)["y"].details["metrics"]
    frame = wh.query("SELECT split, y FROM t")
    ref, cur = frame.loc[frame.split == "train", "y"].to_numpy(), frame.loc[frame.split == "predict", "y"].to_numpy()
    iqr = np.quantile(ref, 0.75) - np.quantile(ref, 0.25)
    assert metrics["wasserstein_norm"] == pytest.approx(sps.wasserstein_distance(ref, cur) / iqr, rel=0.1)


def test_psi_is_kl_both_ways_and_an_emptied_bin_stays_finite():
    r, c = np.array([0.5, 0.3, 0.2]), np.array([0.3, 0.3, 0.4])
    assert psi(r, c) == pytest.approx(float(np.sum((c - r) * np.log(c / r))))
    assert np.isfinite(psi(np.array([0.5, 0.5, 0.0]), np.array([0.4, 0.3, 0.3])))
    assert psi(r, r) == 0.0


def test_at_a_million_rows_a_tiny_shift_has_a_tiny_p_value_but_passes(wh):
    """evidently's complaint: at this size every p-value says 'drift'; the effect sizes say 'no'."""
    drift_table(wh, 1_000_000, shift=0.02, promo_current=0.103)
    records = feature_drift_records(wh)
    x, promo = records["x"], records["is_promo"]
    assert x.details["metrics"]["ks_pvalue"] < 1e-6 and promo.details["metrics"]["chi2_pvalue"] < 1e-6
    assert (x.status, promo.status) == (Status.PASS, Status.PASS), (x.message, promo.message)
    assert x.details["metrics"]["psi"] < 0.01 and promo.details["metrics"]["js"] < 0.05
    assert x.details["metrics"]["current_rows"] == 1_000_000


def test_at_a_million_rows_a_real_shift_fails(wh):
    drift_table(wh, 1_000_000, shift=1.0, promo_current=0.4)
    records = feature_drift_records(wh)
    assert records["x"].status is Status.FAIL and records["x"].message.startswith("x drifted: PSI ")
    assert records["is_promo"].status is Status.FAIL
    assert records["y"].status is Status.PASS


def test_bin_edges_of_a_large_reference_come_from_a_repeatable_sample(wh):
    """Above quantile_rows the edges come from a seeded 1-in-k sample; the bins are still counted on every row."""
    drift_table(wh, 20_000, shift=0.0, promo_current=0.1)
    wh.execute("ALTER TABLE t ADD COLUMN sparse DOUBLE")
    wh.execute("UPDATE t SET sparse = x WHERE row_id % 20 = 0")  # 1,000 reference values: too few to sample
    first = feature_drift_records(wh, quantile_rows=2000)
    again = feature_drift_records(wh, quantile_rows=2000)
    x = first["x"].details
    assert 1500 < x["metrics"]["quantile_rows"] < 2500 and x["metrics"]["reference_rows"] == 20_000
    assert x["distribution"]["edges"] == again["x"].details["distribution"]["edges"]
    frame = wh.query("SELECT x FROM t WHERE split = 'train'")
    exact = np.quantile(frame["x"].to_numpy(), np.arange(1, 10) / 10)
    assert x["distribution"]["edges"] == pytest.approx(list(exact), abs=0.1)
    assert sum(x["distribution"]["reference"]) == pytest.approx(1.0)
    assert first["x"].status is Status.PASS
    assert first["sparse"].details["metrics"]["quantile_rows"] == 1000  # taken whole


def test_binned_statistics_are_printed_with_the_precision_they_have(wh):
    """Binned KS is a lower bound (exact at the edges) and its p-value an upper bound: the message says so."""
    import re

    drift_table(wh, 20_000, shift=0.3, promo_current=0.15)
    record = feature_drift_records(wh)["x"]
    metrics = record.details["metrics"]
    frame = wh.query("SELECT split, x FROM t")
    ref, cur = frame.loc[frame.split == "train", "x"].to_numpy(), frame.loc[frame.split == "predict", "x"].to_numpy()
    exact = sps.ks_2samp(ref, cur)
    shown = re.search(r"KS ≥ (\d\.\d\d) \(binned over 10 bins; p ≤ (\S+) from the binned KS\)", record.message)
    assert shown, record.message
    assert float(shown.group(1)) == pytest.approx(metrics["ks"], abs=0.005)
    assert float(shown.group(1)) <= exact.statistic + 0.005 and exact.pvalue <= float(shown.group(2)) * 1.05
    # Wasserstein on bin means: two significant digits, and said to be binned
    assert re.search(r"binned Wasserstein \d(\.\d{1,2})?(e-\d+)? IQR", record.message), record.message
    assert metrics["ks_pvalue_of"] == "binned KS"

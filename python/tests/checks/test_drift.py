"""Each drift check both ways on small DuckDB fixture tables, reason asserted."""

from __future__ import annotations

import json

import numpy as np
import pytest

from strataqc.checks.config import build_spec
from strataqc.checks.drift import run_drift_checks
from strataqc.results import CheckType, Status

from drift_samples import hash_samplers

SPLIT = {"column": "split", "reference": "train", "current": "predict"}

uniform, normal = hash_samplers("i")


def make_features(wh, *, rows: int = 20_000, price_shift: float = 0.0, new_category: bool = False,
                  promo_current: float = 0.1, category_shift: bool = False, target_in_current: bool = False,
                  name: str = "features") -> None:
    """train = first 70% of rows, valid = next 10%, predict = last 20%; the knobs plant drift in predict."""
    current = f"i >= {int(rows * 0.8)}"
    category = (f"CASE WHEN {current} AND i % 20 = 0 THEN 'Ready Meals' "
                if new_category else "CASE WHEN false THEN NULL ")
    category += ("WHEN " + current + f" AND {uniform('c')} < 0.5 THEN 'Dairy' " if category_shift else "")
    category += f"ELSE ['Dairy', 'Bakery', 'Produce', 'Frozen'][1 + CAST(floor({uniform('c')} * 4) AS INT)] END"
    target = "NULL" if not target_in_current else f"20 + 5 * {normal('y')}"
    wh.execute(f"""
        CREATE OR REPLACE TABLE {name} AS
        SELECT i AS row_id,
               CASE WHEN i < {int(rows * 0.7)} THEN 'train' WHEN i < {int(rows * 0.8)} THEN 'valid'
                    ELSE 'predict' END AS split,
               10 + 2 * {normal('p')} + CASE WHEN {current} THEN {price_shift} ELSE 0 END AS unit_price,
               100 + 15 * {normal('s')} AS store_size,
               {category} AS category,
               {uniform('pr')} < CASE WHEN {current} THEN {promo_current} ELSE 0.1 END AS is_promo,
               CASE WHEN {current} THEN {target} ELSE 20 + 5 * {normal('y')} END AS units_next_7d
        FROM range({rows}) t(i)""")


def spec_for(wh, checks: dict | None = None, table: str = "features", **block):
    meta = {"target": "units_next_7d", "ids": ["row_id"], "split": SPLIT, "categorical": ["category"],
            "sample_size": 4000, **block}
    if checks is not None:
        meta["checks"] = checks
    spec, errors = build_spec("ads_features", f'"{table}"', "ads", meta, wh)
    assert errors == [], [e.message for e in errors]
    return spec


def only(checks: dict) -> dict:
    """Turn every drift check off except those given."""
    out = {name: False for name in ("new_categories", "feature_drift", "target_drift", "multivariate_drift")}
    return {**out, **checks}


def by_column(results, check: str) -> dict:
    return {r.column: r for r in results if r.check == check}


# ------------------------------------------------------------------ new_categories

def test_new_categories_passes_when_every_category_was_seen(wh):
    make_features(wh)
    results = by_column(run_drift_checks(wh, spec_for(wh, only({"new_categories": {}}))), "new_categories")
    assert results["category"].status is Status.PASS
    assert results["category"].message == "category: every category of predict is present in train"
    assert results["category"].check_type is CheckType.DRIFT


def test_new_categories_fails_naming_the_category_and_its_share(wh):
    make_features(wh, new_category=True)
    result = by_column(run_drift_checks(wh, spec_for(wh, only({"new_categories": {}}))), "new_categories")["category"]
    assert result.status is Status.FAIL
    assert result.failures == 200  # every 20th of the 4,000 predict rows
    assert result.observed == pytest.approx(0.05)
    assert "'Ready Meals' (200 rows)" in result.message and "5.0% of predict rows, limit 1.0%" in result.message
    assert result.details["distribution"]["bins"] == ["Ready Meals", "(known categories)"]
    assert result.details["distribution"]["current"] == pytest.approx([0.05, 0.95])


def test_new_categories_below_the_fail_share_warns(wh):
    make_features(wh, new_category=True)
    spec = spec_for(wh, only({"new_categories": {"fail_share": 0.1}}))
    result = by_column(run_drift_checks(wh, spec), "new_categories")["category"]
    assert (result.status, result.threshold) == (Status.WARN, 0.0)


# ------------------------------------------------------------------ feature_drift

def test_feature_drift_passes_on_the_same_distribution(wh):
    make_features(wh)
    results = by_column(run_drift_checks(wh, spec_for(wh, only({"feature_drift": {}}))), "feature_drift")
    assert set(results) == {"unit_price", "store_size", "category", "is_promo"}
    assert {c: r.status for c, r in results.items()} == dict.fromkeys(results, Status.PASS)
    assert results["unit_price"].message.startswith("unit_price: no drift between train and predict: PSI ")


def test_feature_drift_fails_a_shifted_numeric_feature_on_psi(wh):
    make_features(wh, price_shift=2.0)  # one standard deviation
    results = by_column(run_drift_checks(wh, spec_for(wh, only({"feature_drift": {}}))), "feature_drift")
    price = results["unit_price"]
    assert price.status is Status.FAIL
    assert price.message.startswith("unit_price drifted: PSI ")
    assert "> 0.25, binned Wasserstein 0." in price.message and "IQR > 0.4 between" in price.message
    assert price.observed > 0.5 and price.threshold == 0.25
    assert results["store_size"].status is Status.PASS
    dist = price.details["distribution"]
    assert dist["kind"] == "numeric" and len(dist["bins"]) == 10 == len(dist["reference"]) == len(dist["current"])
    assert sum(dist["reference"]) == pytest.approx(1.0) and sum(dist["current"]) == pytest.approx(1.0)
    assert dist["reference"] == pytest.approx([0.1] * 10, abs=0.01)  # reference quantile bins
    metrics = price.details["metrics"]
    assert metrics["ks_pvalue"] < 1e-10 and metrics["wasserstein_norm"] == pytest.approx(2.0 / 2.7, rel=0.15)


def test_feature_drift_fails_a_shifted_boolean_on_jensen_shannon(wh):
    make_features(wh, promo_current=0.4)
    results = by_column(run_drift_checks(wh, spec_for(wh, only({"feature_drift": {}}))), "feature_drift")
    promo = results["is_promo"]
    assert promo.status is Status.FAIL
    assert promo.message.startswith("is_promo drifted: Jensen-Shannon 0.")
    assert "> 0.2 between train and predict" in promo.message
    assert promo.details["distribution"]["kind"] == "categorical"
    assert promo.details["metrics"]["chi2_pvalue"] < 1e-10
    assert results["category"].status is Status.PASS


def test_feature_drift_thresholds_come_from_the_config_and_severity_warn_downgrades(wh):
    make_features(wh, price_shift=2.0)
    loose = only({"feature_drift": {"psi_warn": 5, "psi_fail": 10, "wasserstein_warn": 5, "wasserstein_fail": 10}})
    assert by_column(run_drift_checks(wh, spec_for(wh, loose)), "feature_drift")["unit_price"].status is Status.PASS
    warn = only({"feature_drift": {"severity": "warn"}})
    price = by_column(run_drift_checks(wh, spec_for(wh, warn)), "feature_drift")["unit_price"]
    assert price.status is Status.WARN and price.threshold == 0.25


def test_feature_drift_warns_between_the_thresholds(wh):
    make_features(wh, price_shift=0.6)  # 0.3 standard deviations: moderate
    price = by_column(run_drift_checks(wh, spec_for(wh, only({"feature_drift": {}}))), "feature_drift")["unit_price"]
    assert price.status is Status.WARN, price.message
    assert 0.1 < price.details["metrics"]["psi"] <= 0.25


def test_feature_drift_excluded_columns_are_not_checked(wh):
    make_features(wh, price_shift=2.0)
    spec = spec_for(wh, only({"feature_drift": {"exclude": ["unit_price"]}}))
    assert "unit_price" not in by_column(run_drift_checks(wh, spec), "feature_drift")


# ------------------------------------------------------------------ target_drift

def test_target_drift_skips_with_a_hint_when_the_current_set_has_no_target(wh):
    make_features(wh)
    result = by_column(run_drift_checks(wh, spec_for(wh, only({"target_drift": {}}))), "target_drift")["units_next_7d"]
    assert result.status is Status.SKIP
    assert "units_next_7d has no value in predict" in result.message
    assert "set checks.target_drift.current to a set with targets ('valid' has targets)" in result.message


def test_target_drift_compares_with_the_configured_split_and_passes(wh):
    make_features(wh)
    spec = spec_for(wh, only({"target_drift": {"current": "valid"}}))
    result = by_column(run_drift_checks(wh, spec), "target_drift")["units_next_7d"]
    assert result.status is Status.PASS
    assert result.message.startswith("units_next_7d: no drift between train and valid")


def test_target_drift_fails_a_shifted_target(wh):
    make_features(wh, target_in_current=True)
    wh.execute("UPDATE features SET units_next_7d = units_next_7d + 10 WHERE split = 'predict'")
    result = by_column(run_drift_checks(wh, spec_for(wh, only({"target_drift": {}}))), "target_drift")["units_next_7d"]
    assert result.status is Status.FAIL
    assert result.message.startswith("units_next_7d drifted: PSI ") and "between train and predict" in result.message


# ------------------------------------------------------------------ multivariate_drift

def test_multivariate_drift_passes_when_the_sets_look_alike(wh):
    make_features(wh)
    result = run_drift_checks(wh, spec_for(wh, only({"multivariate_drift": {}})))[0]
    assert result.status is Status.PASS, result.message
    assert result.observed < 0.6
    assert result.message.startswith("no multivariate drift: a domain classifier tells train from predict with "
                                     "ROC AUC 0.")
    assert result.message.endswith(", limit 0.6")
    metrics = result.details["metrics"]
    assert (metrics["sample_reference"], metrics["sample_current"]) == (2000, 2000)  # sample_size 4000


def test_multivariate_drift_fails_and_names_the_separating_feature(wh):
    make_features(wh, price_shift=4.0)
    result = run_drift_checks(wh, spec_for(wh, only({"multivariate_drift": {}})))[0]
    assert result.status is Status.FAIL
    assert result.observed > 0.75 and result.threshold == 0.75
    assert "most separating on their own: unit_price (" in result.message
    assert result.details["table"]["rows"][0][0] == "unit_price"


def test_multivariate_drift_catches_a_joint_shift_no_single_feature_shows(wh):
    """Both features keep their marginals; only their relation changes (x = y in train, x = -y in predict)."""
    n = 8000
    wh.execute(f"""CREATE TABLE joint AS SELECT i AS row_id, CASE WHEN i < {n // 2} THEN 'train' ELSE 'predict' END
                   AS split, {normal('a')} AS a, CASE WHEN i < {n // 2} THEN 1 ELSE -1 END * {normal('a')}
                   + 0.1 * {normal('b')} AS b FROM range({n}) t(i)""")
    meta = {"ids": ["row_id"], "split": SPLIT, "sample_size": 4000}
    spec, errors = build_spec("joint", '"joint"', "ads", meta, wh)
    results = run_drift_checks(wh, spec)
    assert {r.column: r.status for r in results if r.check == "feature_drift"} == {"a": Status.PASS, "b": Status.PASS}
    multivariate = next(r for r in results if r.check == "multivariate_drift")
    assert multivariate.status is Status.FAIL and multivariate.observed > 0.9


def test_multivariate_drift_folds_side_by_side_score_as_one_after_another():
    """The folds train on threads of their own: every out-of-fold score and fold AUC equals sklearn's sequential loop."""
    from sklearn.ensemble import HistGradientBoostingClassifier
    from sklearn.metrics import roc_auc_score
    from sklearn.model_selection import StratifiedKFold

    from strataqc.checks.drift.multivariate_drift import _cross_validated_scores

    rng = np.random.default_rng(3)
    x = np.column_stack([rng.normal(size=3000), rng.integers(0, 5, size=3000).astype(float)])
    y = (rng.random(3000) < 0.5).astype(int)
    x[y == 1, 0] += 0.3
    scores, aucs = _cross_validated_scores(x, y, [False, True], 3, 20, 42, threads=1)
    expected = np.zeros(len(y))
    for train, test in StratifiedKFold(n_splits=3, shuffle=True, random_state=42).split(x, y):
        model = HistGradientBoostingClassifier(max_iter=20, random_state=42, categorical_features=[False, True])
        expected[test] = model.fit(x[train], y[train]).predict_proba(x[test])[:, 1]
    assert np.array_equal(scores, expected)
    folds = list(StratifiedKFold(n_splits=3, shuffle=True, random_state=42).split(x, y))
    assert aucs == [float(roc_auc_score(y[test], expected[test])) for _, test in folds]
    assert 0.5 < float(np.mean(aucs)) < 0.75


def test_multivariate_drift_sample_is_repeatable_and_seeded(wh):
    from strataqc.checks.drift_sql import sample_rows
    from sqlglot import exp

    make_features(wh)
    table, where = exp.to_table("features"), exp.column("split").eq(exp.Literal.string("train"))
    first = sample_rows(wh, table, ["row_id", "unit_price"], where, ["row_id"], 42, 100)
    again = sample_rows(wh, table, ["row_id", "unit_price"], where, ["row_id"], 42, 100)
    other = sample_rows(wh, table, ["row_id", "unit_price"], where, ["row_id"], 7, 100)
    assert first.equals(again)
    assert len(first) == 100 and list(first.columns) == ["row_id", "unit_price"]
    assert set(first["row_id"]) != set(other["row_id"])
    assert first["row_id"].max() > 1000  # spread over the set, not its first rows


# ------------------------------------------------------------------ sets, parameters, empty sets

def test_without_sets_every_drift_check_skips_with_what_to_write(wh):
    make_features(wh)
    meta = {"ids": ["row_id"], "categorical": ["category"]}
    spec, _ = build_spec("ads_features", '"features"', "ads", meta, wh)
    results = run_drift_checks(wh, spec)
    assert [r.check for r in results] == ["new_categories", "feature_drift", "target_drift", "multivariate_drift"]
    assert all(r.status is Status.SKIP and "add split: {column: dataset_split" in r.message for r in results)


def test_an_empty_current_window_fails_unless_allowed(wh):
    make_features(wh)
    wh.execute("ALTER TABLE features ADD COLUMN day DATE")
    wh.execute("UPDATE features SET day = DATE '2024-01-01' + CAST(row_id // 100 AS INT)")
    windows = {"column": "day", "reference": ["2024-01-01", "2024-03-31"], "current": ["2030-01-01", "2030-01-07"]}
    spec = spec_for(wh, only({"feature_drift": {}}), split=None, windows=windows)
    price = by_column(run_drift_checks(wh, spec), "feature_drift")["unit_price"]
    assert price.status is Status.FAIL
    assert price.message == ("unit_price: no finite value in current 2030-01-01..2030-01-07: nothing to compare; "
                             "load the data, or set allow_empty: true on feature_drift")
    allowed = spec_for(wh, only({"feature_drift": {"allow_empty": True}}), split=None, windows=windows)
    assert by_column(run_drift_checks(wh, allowed), "feature_drift")["unit_price"].status is Status.SKIP


def test_date_windows_compare_two_periods(wh):
    make_features(wh, price_shift=2.0)
    wh.execute("ALTER TABLE features ADD COLUMN day DATE")
    wh.execute("UPDATE features SET day = DATE '2024-01-01' + CAST(row_id // 100 AS INT)")  # 200 days
    windows = {"column": "day", "reference": ["2024-01-01", "2024-05-31"], "current": ["2024-06-10", "2024-07-18"]}
    spec = spec_for(wh, only({"feature_drift": {}}), split=None, windows=windows)
    price = by_column(run_drift_checks(wh, spec), "feature_drift")["unit_price"]
    assert price.status is Status.FAIL
    assert "between reference 2024-01-01..2024-05-31 and current 2024-06-10..2024-07-18" in price.message


@pytest.mark.parametrize(("params", "message"), [
    pytest.param({"psi_fail": "high"}, "checks.feature_drift.psi_fail: expected a number >= 0, got 'high'",
                 id="not-a-number"),
    pytest.param({"psi_warn": 0.5, "psi_fail": 0.25}, "checks.feature_drift.psi_warn: 0.5 is above psi_fail 0.25",
                 id="warn-above-fail"),
    pytest.param({"exclude": ["no_such"]}, "checks.feature_drift.exclude: column 'no_such' is not in \"features\"",
                 id="unknown-column"),
    pytest.param({"max_levels": -1}, "checks.feature_drift.max_levels: expected a number >= 0, got -1",
                 id="negative"),
])
def test_bad_parameters_give_an_error_record_naming_the_key(wh, params, message):
    make_features(wh)
    results = run_drift_checks(wh, spec_for(wh, only({"feature_drift": params, "new_categories": {}})))
    errors = [r for r in results if r.status is Status.ERROR]
    assert len(errors) == 1 and errors[0].check == "feature_drift"
    assert message in errors[0].message and errors[0].message.startswith("ads_features: meta.strataqc.")
    assert any(r.check == "new_categories" and r.status is Status.PASS for r in results)  # the others still run


def test_a_check_that_raises_becomes_one_error_record(wh, monkeypatch):
    from strataqc.checks import drift_sql

    make_features(wh)

    def broken(*args, **kwargs):
        raise RuntimeError("engine went away")

    monkeypatch.setattr(drift_sql, "level_counts", broken)
    results = run_drift_checks(wh, spec_for(wh, only({"feature_drift": {}})))
    statuses = {r.column: r.status for r in results}
    assert statuses["category"] is Status.ERROR and statuses["unit_price"] is Status.PASS
    assert "feature_drift of category on ads_features could not run: RuntimeError: engine went away" in \
        by_column(results, "feature_drift")["category"].message


def test_every_record_is_json_safe(wh):
    make_features(wh, price_shift=2.0, new_category=True)
    for result in run_drift_checks(wh, spec_for(wh)):
        json.dumps(result.record(), allow_nan=False)
        json.dumps(result.details, allow_nan=False)
        assert result.duration_s is not None and result.layer == "ads" and result.model == "ads_features"


# ------------------------------------------------------------------ hostile names

def test_hostile_column_and_table_names_stay_identifiers(wh):
    price, cat, split = 'price"; DROP TABLE x; --', "select", "split's col"
    wh.execute("CREATE TABLE x (keep INT)")
    wh.execute(f"""CREATE TABLE "we""ird tbl" AS SELECT i AS "row id",
        CASE WHEN i < 3000 THEN 'train' ELSE 'pre''dict' END AS "{split}",
        {normal('p')} + CASE WHEN i >= 3000 THEN 3 ELSE 0 END AS "{price.replace('"', '""')}",
        CASE WHEN i >= 3000 AND i % 10 = 0 THEN 'O''Brien -- new' ELSE 'a' END AS "{cat}"
        FROM range(4000) t(i)""")
    meta = {"ids": ["row id"], "split": {"column": split, "reference": "train", "current": "pre'dict"},
            "categorical": [cat], "sample_size": 2000}
    spec, errors = build_spec("weird", '"we""ird tbl"', "ads", meta, wh)
    assert errors == []
    results = run_drift_checks(wh, spec)
    assert not [r.message for r in results if r.status is Status.ERROR]
    assert by_column(results, "feature_drift")[price].status is Status.FAIL
    new = by_column(results, "new_categories")[cat]
    assert new.status is Status.FAIL and "O'Brien -- new" in new.message
    assert wh.query("SELECT count(*) AS n FROM x")["n"].iloc[0] == 0  # still there


def test_feature_drift_a_numeric_zero_one_flag_gets_a_bin_per_value(wh):
    """Nine of ten reference deciles are 0: right-closed bins keep the 0s and the 1s apart."""
    make_features(wh, promo_current=0.4)
    wh.execute("ALTER TABLE features ADD COLUMN promo_flag INT")
    wh.execute("UPDATE features SET promo_flag = CAST(is_promo AS INT)")
    spec = spec_for(wh, only({"feature_drift": {"exclude": ["is_promo"]}}))
    flag = by_column(run_drift_checks(wh, spec), "feature_drift")["promo_flag"]
    assert flag.status is Status.FAIL and flag.message.startswith("promo_flag drifted: PSI ")
    dist = flag.details["distribution"]
    assert dist["bins"][0] == "<= 0"
    assert dist["reference"][0] == pytest.approx(0.9, abs=0.01) and dist["current"][0] == pytest.approx(0.6, abs=0.02)


def test_target_drift_of_a_class_target_uses_jensen_shannon(wh):
    make_features(wh)
    wh.execute("""ALTER TABLE features ADD COLUMN churned VARCHAR""")
    wh.execute(f"""UPDATE features SET churned = CASE WHEN {uniform('t').replace('i,', 'row_id,')}
                   < CASE WHEN split = 'predict' THEN 0.6 ELSE 0.2 END THEN 'yes' ELSE 'no' END""")
    spec = spec_for(wh, only({"target_drift": {}}), target="churned")
    result = by_column(run_drift_checks(wh, spec), "target_drift")["churned"]
    assert result.status is Status.FAIL
    assert result.message.startswith("churned drifted: Jensen-Shannon 0.")
    assert "between train and predict" in result.message
    assert result.details["distribution"]["bins"] == ["no", "yes"]


def test_new_categories_counts_every_new_category_and_lists_the_largest(wh):
    make_features(wh)
    # 30 new categories in predict; only max_listed of them are named
    wh.execute("""UPDATE features SET category = 'new_' || lpad(CAST((row_id // 3) % 30 AS VARCHAR), 2, '0')
                  WHERE split = 'predict' AND row_id % 2 = 0""")
    spec = spec_for(wh, only({"new_categories": {"max_listed": 5}}))
    result = by_column(run_drift_checks(wh, spec), "new_categories")["category"]
    rows = wh.query("SELECT count(*) AS n FROM features WHERE category LIKE 'new_%'")["n"].iloc[0]
    assert result.status is Status.FAIL and result.failures == rows
    assert result.message.startswith("category: 30 new categories in predict absent from train: 'new_")
    assert " and 25 more; " in result.message
    assert result.details["metrics"]["new_categories"] == 30 and len(result.details["table"]["rows"]) == 5
    dist = result.details["distribution"]
    assert dist["bins"][-2:] == ["(other new categories)", "(known categories)"]
    assert sum(dist["current"]) == pytest.approx(1.0) and sum(dist["reference"]) == 1.0


def test_feature_drift_takes_fixed_bin_edges(wh):
    make_features(wh, price_shift=2.0)
    spec = spec_for(wh, only({"feature_drift": {"bins": [8, 10, 12]}}))
    price = by_column(run_drift_checks(wh, spec), "feature_drift")["unit_price"]
    assert price.status is Status.FAIL
    assert price.details["distribution"]["bins"] == ["<= 8", "(8, 10]", "(10, 12]", "> 12"]


def test_target_drift_with_windows_takes_the_window_that_has_targets(wh):
    make_features(wh)  # targets for rows 0..15,999, NULL for the last 4,000
    wh.execute("ALTER TABLE features ADD COLUMN day DATE")
    wh.execute("UPDATE features SET day = DATE '2024-01-01' + CAST(row_id // 100 AS INT)")  # 200 days
    windows = {"column": "day", "reference": ["2024-01-01", "2024-04-30"], "current": ["2024-07-01", "2024-07-18"]}
    spec = spec_for(wh, only({"target_drift": {}}), split=None, windows=windows)
    skipped = by_column(run_drift_checks(wh, spec), "target_drift")["units_next_7d"]
    assert skipped.status is Status.SKIP and "no value in current 2024-07-01..2024-07-18" in skipped.message
    spec = spec_for(wh, only({"target_drift": {"current": ["2024-05-01", "2024-06-08"]}}), split=None, windows=windows)
    result = by_column(run_drift_checks(wh, spec), "target_drift")["units_next_7d"]
    assert result.status is Status.PASS
    assert "between reference 2024-01-01..2024-04-30 and current 2024-05-01..2024-06-08" in result.message

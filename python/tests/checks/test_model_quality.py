"""run_model_quality end to end on synthetic feature tables in a tmp DuckDB: each gate both ways,
the fallback to a baseline, bring-your-own models and predictions, clear config errors."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest

from strataqc.checks.model_quality import run_model_quality
from strataqc.results import CheckType, Status
from strataqc.warehouse import Target, Warehouse

# small and quick: the gates, not the model, are under test
FAST_PARAMS = {"n_estimators": 40, "num_leaves": 8, "min_data_in_leaf": 20, "learning_rate": 0.15,
               "objective": "regression", "num_threads": 2}
FAST = {"gates": {"inference_latency": {"rows": 30}}, "attribution": {"worst": 50, "permutation_rows": 400, "repeats": 2}}


def demand_table(n_stores: int = 4, n_skus: int = 10, days: int = 60, seed: int = 0, leak: bool = False,
                 levels: tuple[float, float] = (20, 30)) -> pd.DataFrame:
    """Store x SKU x day rows whose 7-day target depends on the level (seen by the baselines) and on
    planned promotions, price and temperature (seen only by a model); the last 6 days are `predict`,
    the 14 before `valid`."""
    rng = np.random.default_rng(seed)
    rows = []
    start = pd.Timestamp("2026-01-01")
    for store in range(n_stores):
        for sku in range(n_skus):
            level = rng.uniform(*levels)
            for day in range(days):
                promo = int(rng.random() < 0.3)
                price = rng.uniform(0.8, 1.2)
                temp = rng.uniform(0, 1)
                target = 7 * level * (1 + 0.25 * promo) * (1.6 - 0.6 * price) + 30 * temp + rng.normal(0, 6)
                split = "train" if day < days - 20 else ("valid" if day < days - 6 else "predict")
                rows.append({
                    "store_id": f"S{store:02d}", "sku_id": f"K{sku:03d}", "date_day": start + pd.Timedelta(days=day),
                    "category": ["Dairy", "Bakery", "Produce"][sku % 3],
                    "promo_planned": promo, "price_index": price, "temperature": temp,
                    "noise": rng.normal(0, 1),
                    "units_lag_7": float(rng.poisson(level)), "units_mean_7d": level + rng.normal(0, 1.5),
                    "units_mean_28d": level + rng.normal(0, 0.7),
                    "units_next_7d": None if split == "predict" else max(target, 0.0),
                    "dataset_split": split,
                })
    frame = pd.DataFrame(rows)
    if leak:
        # the target itself, barely disguised: what a window reaching into the future looks like
        frame["units_leak"] = frame["units_next_7d"].fillna(frame["units_mean_7d"] * 7) + rng.normal(0, 0.5, len(frame))
    return frame


def make_warehouse(tmp_path: Path, frame: pd.DataFrame, name: str = "feat") -> tuple[Warehouse, str]:
    path = tmp_path / "wh.duckdb"
    with duckdb.connect(str(path)) as conn:
        conn.execute("create schema if not exists ads")
        conn.register("frame", frame)
        conn.execute(f'create or replace table ads."{name}" as select * from frame')
    wh = Warehouse(Target("strataqc", "test", "duckdb", {"path": str(path)}))
    return wh, f'"wh"."ads"."{name}"'


def meta(tmp_path: Path, **model) -> dict:
    block = {"artifact_dir": str(tmp_path / "artifacts"), "params": FAST_PARAMS, **FAST}
    for key, value in model.items():
        if isinstance(value, dict) and isinstance(block.get(key), dict):
            block[key] = {**block[key], **value}
        else:
            block[key] = value
    return {"target": "units_next_7d", "split": {"column": "dataset_split", "reference": "train", "current": "predict"},
            "ids": ["store_id", "sku_id", "date_day"], "categorical": ["category"], "model": block}


def by_check(results) -> dict:
    return {r.check: r for r in results}


@pytest.fixture
def clean(tmp_path):
    wh, relation = make_warehouse(tmp_path, demand_table())
    yield wh, relation
    wh.close()


def test_model_well_behaved_passes_every_gate_and_writes_model_predictions(tmp_path, clean):
    wh, relation = clean
    results = by_check(run_model_quality("feat", relation, meta(tmp_path), wh, tmp_path))
    for gate in ("overfitting", "leaf_count", "baseline_comparison", "importance_spike", "inference_latency"):
        assert results[gate].status == Status.PASS, (gate, results[gate].message)
        assert results[gate].check_type == CheckType.MODEL_QUALITY
        assert results[gate].layer == "ads"
    assert results["prediction_source"].status == Status.PASS
    written = wh.query('select source, forecaster, count(*) as n from ads.feat_predictions group by all')
    assert written.to_dict("records") == [{"source": "model", "forecaster": "v0001", "n": 240}]
    # the card: training rows, features, params, metrics and a fingerprint computed in SQL
    card = json.loads((tmp_path / "artifacts" / "v0001" / "card.json").read_text())
    assert card["training_rows"] == 1600 and card["fingerprint"]["rows"] == 1600
    assert "units_next_7d" not in card["features"] and "promo_planned" in card["features"]
    assert card["params"]["num_leaves"] == 8 and card["metrics"]["model_valid"]["wape"] > 0
    assert card["gates"]["baseline_comparison"]["status"] == "pass"


def test_the_predict_split_is_forecast_beside_the_gates_and_written_as_made_in_turn(tmp_path, clean, monkeypatch):
    from strataqc.model import artifact, predict_ahead

    wh, relation = clean
    started = []
    start = predict_ahead.start
    monkeypatch.setattr(predict_ahead, "start", lambda predictor, frame: started.append(len(frame)) or start(predictor, frame))
    results = by_check(run_model_quality("feat", relation, meta(tmp_path), wh, tmp_path))
    assert started == [240] and results["prediction_source"].status == Status.PASS
    written = wh.query("select store_id, sku_id, date_day, prediction from ads.feat_predictions order by all")
    rows = wh.query("select * from ads.feat where dataset_split = 'predict' order by store_id, sku_id, date_day")
    version = artifact.load_version(tmp_path / "artifacts" / "v0001")
    np.testing.assert_array_equal(written["prediction"].to_numpy(), version.predict(version.prepare(rows)))


def test_a_predict_split_forecast_that_fails_on_its_thread_falls_back_to_a_baseline(tmp_path, clean, monkeypatch):
    from concurrent.futures import Future

    from strataqc.model import predict_ahead

    wh, relation = clean

    def failing(predictor, frame):
        failed = Future()
        failed.set_exception(MemoryError("no room for the predict rows"))
        return failed
    monkeypatch.setattr(predict_ahead, "start", failing)
    results = run_model_quality("feat", relation, meta(tmp_path), wh, tmp_path)
    error, = [r for r in results if r.check == "model_predict"]
    assert error.status == Status.ERROR and "no room for the predict rows" in error.message
    source = by_check(results)["prediction_source"]
    assert source.status == Status.WARN and "no model forecast for every predict row" in source.message
    assert by_check(results)["baseline_comparison"].status == Status.PASS   # the gates judged the valid split


def test_model_reused_when_train_data_unchanged_and_retrained_when_it_changes(tmp_path, clean):
    wh, relation = clean
    first = by_check(run_model_quality("feat", relation, meta(tmp_path), wh, tmp_path))
    second = by_check(run_model_quality("feat", relation, meta(tmp_path), wh, tmp_path))
    assert first["model_artifact"].message.startswith("trained v0001")
    assert second["model_artifact"].message.startswith("reused v0001")
    wh.execute("update ads.feat set units_next_7d = units_next_7d + 1 where dataset_split = 'train' and sku_id = 'K001'")
    third = by_check(run_model_quality("feat", relation, meta(tmp_path), wh, tmp_path))
    assert third["model_artifact"].message.startswith("trained v0002")


def test_model_next_night_predicts_only_the_sample_rows_that_changed(tmp_path, clean, monkeypatch):
    from strataqc.model.forecast_memo import ForecastMemo

    wh, relation = clean
    predicted = []
    save = ForecastMemo.save
    monkeypatch.setattr(ForecastMemo, "save", lambda memo: (predicted.append(memo.predicted), save(memo))[1])
    first = by_check(run_model_quality("feat", relation, meta(tmp_path), wh, tmp_path))
    second = by_check(run_model_quality("feat", relation, meta(tmp_path), wh, tmp_path))
    assert predicted == [1600 + 560, 0]   # train and valid rows: all on the first night, none on the second
    for check in ("overfitting", "baseline_comparison", "prediction_source"):
        assert (second[check].status, second[check].observed) == (first[check].status, first[check].observed)
    # a valid day rewritten: its rows are predicted again, and the metrics follow them
    wh.execute("update ads.feat set price_index = price_index * 1.1 where date_day = date '2026-02-10'")
    third = by_check(run_model_quality("feat", relation, meta(tmp_path), wh, tmp_path))
    assert predicted[-1] == 40
    assert third["baseline_comparison"].observed != first["baseline_comparison"].observed


def test_model_leaking_feature_trips_importance_spike_and_falls_back(tmp_path):
    wh, relation = make_warehouse(tmp_path, demand_table(leak=True))
    with wh:
        results = by_check(run_model_quality("feat", relation, meta(tmp_path), wh, tmp_path))
        spike = results["importance_spike"]
        assert spike.status == Status.FAIL
        assert spike.column == "units_leak" and spike.observed > 0.5
        assert "units_leak holds" in spike.message and "leak" in spike.message
        assert "fell back to baseline" in spike.message
        assert results["prediction_source"].details["source"] == "baseline"


def test_model_deep_unregularised_on_tiny_data_trips_overfitting_and_leaf_count(tmp_path):
    wh, relation = make_warehouse(tmp_path, demand_table(n_stores=2, n_skus=5, days=50, seed=3))
    deep = {"objective": "regression", "n_estimators": 40, "num_leaves": 512, "min_data_in_leaf": 1,
            "min_sum_hessian_in_leaf": 0, "min_data_in_bin": 1, "learning_rate": 0.3, "lambda_l2": 0,
            "bagging_fraction": 1.0, "feature_fraction": 1.0, "max_depth": -1}
    with wh:
        results = by_check(run_model_quality("feat", relation, meta(tmp_path, params=deep), wh, tmp_path))
        over = results["overfitting"]
        assert over.status == Status.FAIL and over.observed > 1.5, over.message
        assert "x train wape" in over.message
        leaves = results["leaf_count"]
        assert leaves.status == Status.WARN and leaves.failures > 0 and leaves.observed > 64, leaves.message
        assert results["prediction_source"].details["source"] == "baseline"


def test_model_worse_than_baseline_trips_comparison_and_writes_baseline_predictions(tmp_path):
    # series levels spread wide: the baselines carry them, a model that sees only noise and
    # temperature cannot; importance_spike is off so the fallback is the comparison's alone
    wh, relation = make_warehouse(tmp_path, demand_table(levels=(5, 50)))
    block = meta(tmp_path, features=["noise", "temperature"], gates={"importance_spike": False})
    with wh:
        _assert_baseline_fallback(wh, by_check(run_model_quality("feat", relation, block, wh, tmp_path)))


def _assert_baseline_fallback(wh, results):
    comparison = results["baseline_comparison"]
    assert comparison.status == Status.FAIL and comparison.observed > 0.95, comparison.message
    assert "not beaten by 5%" in comparison.message
    source = results["prediction_source"]
    assert source.status == Status.WARN
    assert "fallback" in source.message and "baseline_comparison" in source.message
    written = wh.query("select source, forecaster, count(*) as n from ads.feat_predictions group by all")
    assert written["source"].tolist() == ["baseline"] and written["n"].tolist() == [240]
    best = comparison.details["best_baseline"]
    assert written["forecaster"].tolist() == [best]
    # the baseline forecast itself: 7 x units_mean_7d for the moving average
    if best == "moving_average":
        check = wh.query("select max(abs(p.prediction - 7 * f.units_mean_7d)) as gap from ads.feat_predictions p "
                         "join ads.feat f using (store_id, sku_id, date_day)")
        assert check["gap"].iloc[0] < 1e-9
    # every other record is still there
    assert {"overfitting", "leaf_count", "low_importance_high_variance", "error_attribution"} <= set(results)
    assert "importance_spike" not in results  # turned off in YAML: no record


def test_model_attribution_names_top_contributors_with_additive_shap(tmp_path, clean):
    wh, relation = clean
    results = by_check(run_model_quality("feat", relation, meta(tmp_path), wh, tmp_path))
    features = results["error_attribution"]
    assert features.status == Status.PASS and features.check_type == CheckType.ATTRIBUTION
    assert features.details["metrics"]["worst_rows"] == 50
    assert features.details["metrics"]["shap_additivity_max_error"] < 1e-6
    table = features.details["table"]
    assert table["columns"][0] == "feature" and len(table["rows"]) <= 50
    assert table["rows"][0][0] == features.details["top_features"][0]
    assert f"top contributors {table['rows'][0][0]}" in features.message
    segments = results["error_attribution_segments"]
    assert segments.details["table"]["columns"][:2] == ["segment", "value"]
    assert {row[0] for row in segments.details["table"]["rows"]} == {"category"}
    json.dumps([features.details, segments.details])  # the report stores these as JSON


def test_model_shap_values_add_up_to_the_prediction(tmp_path):
    from strataqc.model.attribution import explain_worst, worst_positions
    from strataqc.model.train import train_reference

    frame = demand_table(n_stores=2, n_skus=6, days=40)
    frame = frame[frame["dataset_split"] != "predict"]
    features = ["category", "promo_planned", "price_index", "temperature", "units_mean_7d", "units_lag_7"]
    predictor, _ = train_reference(frame, features, ["category"], "units_next_7d", FAST_PARAMS | {"verbosity": -1})
    X = predictor.prepare(frame)
    predicted = predictor.predict(X)
    positions = worst_positions(frame["units_next_7d"].to_numpy(float), predicted, 25)
    worst = explain_worst(predictor, X, predicted, positions)
    assert worst.shap.shape == (25, len(features))
    np.testing.assert_allclose(worst.base + worst.shap.sum(axis=1), predicted[positions], atol=1e-6)
    errors = np.abs(frame["units_next_7d"].to_numpy(float) - predicted)
    assert errors[positions[0]] == errors.max() and np.all(np.diff(errors[positions]) <= 0)


def test_model_bring_your_own_sklearn_estimator(tmp_path, clean):
    import joblib
    from sklearn.ensemble import GradientBoostingRegressor

    wh, relation = clean
    frame = wh.query("select * from ads.feat where dataset_split = 'train'")
    features = ["promo_planned", "price_index", "temperature", "units_mean_7d", "units_mean_28d", "units_lag_7"]
    estimator = GradientBoostingRegressor(n_estimators=40, max_depth=3, random_state=0)
    estimator.fit(frame[features], frame["units_next_7d"])
    joblib.dump(estimator, tmp_path / "mine.joblib")
    results = by_check(run_model_quality("feat", relation, meta(tmp_path, artifact="mine.joblib", train=False),
                                         wh, tmp_path))
    assert "loaded sklearn model" in results["model_artifact"].message
    assert results["baseline_comparison"].status == Status.PASS, results["baseline_comparison"].message
    assert results["leaf_count"].status == Status.PASS and results["leaf_count"].details["metrics"]["trees"] == 40
    assert results["error_attribution"].details["metrics"]["shap_additivity_max_error"] < 1e-6
    assert not (tmp_path / "artifacts").exists()  # a user's model is never retrained


def test_model_bring_your_own_lightgbm_booster_file(tmp_path, clean):
    import lightgbm as lgb

    wh, relation = clean
    frame = wh.query("select * from ads.feat where dataset_split = 'train'")
    features = ["category", "promo_planned", "price_index", "temperature", "units_mean_7d"]
    X = frame[features].assign(category=frame["category"].astype("object").astype("category"))
    booster = lgb.train({"verbosity": -1, "num_leaves": 8, "num_threads": 1}, lgb.Dataset(X, frame["units_next_7d"]), 40)
    booster.save_model(str(tmp_path / "booster.txt"))
    results = by_check(run_model_quality("feat", relation, meta(tmp_path, artifact=str(tmp_path / "booster.txt")),
                                         wh, tmp_path))
    assert "loaded lightgbm model" in results["model_artifact"].message
    assert results["baseline_comparison"].status == Status.PASS, results["baseline_comparison"].message
    assert results["prediction_source"].details["source"] == "model"


@pytest.mark.parametrize(("forecast", "status", "source"), [
    # near-perfect forecasts (the actuals, 1 unit off) beat the baselines; a flat 150 does not
    pytest.param("coalesce(units_next_7d + 1, 7 * units_mean_7d)", Status.PASS, "model", id="good-forecasts-kept"),
    pytest.param("150.0", Status.FAIL, "baseline", id="flat-forecasts-fall-back"),
])
def test_model_user_predictions_table_is_scored_against_baselines(tmp_path, clean, forecast, status, source):
    wh, relation = clean
    wh.execute(f"create table ads.my_forecasts as select store_id, sku_id, date_day, {forecast} as yhat "
               "from ads.feat where dataset_split <> 'train'")  # forecasts for valid and predict only
    block = meta(tmp_path, train=False, user_predictions={"relation": "ads.my_forecasts", "column": "yhat"})
    results = by_check(run_model_quality("feat", relation, block, wh, tmp_path))
    assert results["baseline_comparison"].status == status, results["baseline_comparison"].message
    assert results["importance_spike"].status == Status.SKIP
    assert results["overfitting"].status == Status.SKIP  # no train forecasts to compare with
    assert results["prediction_source"].details["source"] == source
    written = wh.query("select source, count(*) as n from ads.feat_predictions group by all")
    assert written.to_dict("records") == [{"source": source, "n": 240}]


def test_model_user_predictions_with_repeated_ids_are_rejected_with_the_ids(tmp_path, clean):
    # 3 valid ids forecast twice: joined in, they would be extra rows counted twice in every metric
    wh, relation = clean
    wh.execute("create table ads.my_forecasts as select store_id, sku_id, date_day, 7 * units_mean_7d as yhat "
               "from ads.feat where dataset_split <> 'train'")
    wh.execute("insert into ads.my_forecasts select * from ads.my_forecasts "
               "where store_id = 'S00' and sku_id = 'K000' and date_day <= date '2026-02-12'")
    block = meta(tmp_path, train=False, user_predictions={"relation": "ads.my_forecasts", "column": "yhat"})
    results = run_model_quality("feat", relation, block, wh, tmp_path)
    errors = [r for r in results if r.status == Status.ERROR]
    assert [r.check for r in errors] == ["model_data"], [r.message for r in results]
    message = errors[0].message
    assert "ads.my_forecasts has 3 surplus rows for ids (store_id, sku_id, date_day) already forecast" in message
    assert "('S00', 'K000', 2026-02-" in message and "one prediction per id" in message
    assert "Traceback" not in message
    # the same table without the repeats is scored
    wh.execute("create or replace table ads.my_forecasts as select distinct * from ads.my_forecasts")
    assert by_check(run_model_quality("feat", relation, block, wh, tmp_path))["baseline_comparison"].status \
        in (Status.PASS, Status.FAIL)


@pytest.mark.parametrize(("model_block", "meta_change", "says"), [
    pytest.param({"gates": {"overfit": {}}}, {}, "gates.overfit is not a gate", id="unknown-gate"),
    pytest.param({"artifact": "missing/model.txt"}, {}, "missing/model.txt: model file not found", id="missing-file"),
    pytest.param({}, {"target": "units_next_14d"}, "units_next_14d", id="missing-target-column"),
    pytest.param({"exclude": ["no_such_col"]}, {}, "no_such_col", id="unknown-exclude"),
    pytest.param({"baselines": {"naive": {"columns": ["units_lag_1"]}}}, {}, "units_lag_1", id="baseline-column"),
    pytest.param({"attribution": {"segments": ["store_id", "categroy"]}}, {},
                 "meta.strataqc.model.attribution.segments names column(s) categroy", id="misspelt-segment"),
])
def test_model_bad_config_is_one_clear_error_record(tmp_path, clean, model_block, meta_change, says):
    wh, relation = clean
    config = meta(tmp_path, **model_block) | meta_change
    results = run_model_quality("feat", relation, config, wh, tmp_path)
    errors = [r for r in results if r.status == Status.ERROR]
    assert errors and says in errors[0].message
    assert "Traceback" not in errors[0].message and errors[0].model == "feat"


def demo_ads(request) -> tuple[object, dict, dict]:
    """The shared demo night, its ads_demand_features manifest node and that model's meta.strataqc block."""
    import yaml

    try:
        demo_night = request.getfixturevalue("demo_night")
    except pytest.FixtureLookupError:
        pytest.skip("the shared demo_night fixture is not in conftest.py yet")
    node = next(n for n in demo_night.dbt_manifest["nodes"].values()
                if n["resource_type"] == "model" and n["name"] == "ads_demand_features")
    models = yaml.safe_load((Path(demo_night.project_dir) / "models/ads/_ads__models.yml").read_text())["models"]
    config = next(m for m in models if m["name"] == "ads_demand_features")["config"]["meta"]["strataqc"]
    return demo_night, node, config


def test_model_quality_on_demo_night(request, tmp_path):
    """The demo ADS model end to end: the planted leak trips importance_spike and the predictions fall back."""
    demo_night, node, config = demo_ads(request)
    config = {**config, "model": {**(config.get("model") or {}), "artifact_dir": str(tmp_path / "artifacts")}}
    # the shared warehouse is never written: a copy (same file name, so the same catalog) takes the predictions
    copy, _ = demo_night.copy_warehouse(tmp_path / "copy")
    with Warehouse(Target("strataqc", "demo", "duckdb", {"path": str(copy)})) as wh:
        results = by_check(run_model_quality("ads_demand_features", node["relation_name"], config, wh, tmp_path))
        assert results["model_artifact"].status == Status.PASS, results["model_artifact"].message
        assert results["importance_spike"].status == Status.FAIL, results["importance_spike"].message
        assert results["importance_spike"].column == "units_mean_14d_centered"
        source = results["prediction_source"]
        assert source.details["source"] == "baseline", source.message
        table = source.details["predictions_table"]
        counts = wh.query(f"select source, count(*) as n from {table} group by all")
        assert counts["source"].tolist() == ["baseline"] and counts["n"].iloc[0] > 0
        assert results["error_attribution"].status == Status.PASS


def test_model_broken_model_file_still_forecasts_from_the_baseline(tmp_path, clean):
    wh, relation = clean
    (tmp_path / "broken.txt").write_text("not a booster\n")
    results = by_check(run_model_quality("feat", relation, meta(tmp_path, artifact="broken.txt"), wh, tmp_path))
    assert results["model_artifact"].status == Status.ERROR
    assert "broken.txt: not a LightGBM model file" in results["model_artifact"].message
    assert results["baseline_comparison"].status == Status.SKIP
    source = results["prediction_source"]
    assert source.status == Status.WARN and source.details["source"] == "baseline"
    assert wh.query("select count(*) as n from ads.feat_predictions")["n"].iloc[0] == 240


@pytest.mark.postgres
def test_model_quality_on_postgres(tmp_path):
    """The same SQL (samples, fingerprint, predictions table) transpiled to PostgreSQL:
    `scripts/postgres.sh start` and its exported STRATAQC_PG_* variables."""
    import io
    from contextlib import contextmanager

    from engine_support import postgres_schema

    frame = demand_table()
    with contextmanager(postgres_schema)("strataqc_model_test") as (wh, database):
        wh.execute("create table strataqc_model_test.feat (store_id text, sku_id text, date_day date, category text, "
                   "promo_planned int, price_index double precision, temperature double precision, "
                   "noise double precision, units_lag_7 double precision, units_mean_7d double precision, "
                   "units_mean_28d double precision, units_next_7d double precision, dataset_split text)")
        buffer = io.StringIO()
        frame.to_csv(buffer, index=False, header=False)
        buffer.seek(0)
        with wh._conn.conn.cursor() as cur:
            cur.copy_expert("copy strataqc_model_test.feat from stdin with csv", buffer)
        relation = f'"{database}"."strataqc_model_test"."feat"'
        results = by_check(run_model_quality("feat", relation, meta(tmp_path), wh, tmp_path))
        assert results["baseline_comparison"].status == Status.PASS, results["baseline_comparison"].message
        assert results["model_artifact"].message.startswith("trained v0001 on 1,600 rows")
        written = wh.query("select source, count(*) as n from strataqc_model_test.feat_predictions group by source")
        assert written.to_dict("records") == [{"source": "model", "n": 240}]


def test_model_retrain_on_demo_night_keeps_champion_when_challenger_fails_its_gates(request, tmp_path):
    """The demo's policy: the first version is champion; degraded realized accuracy trains a challenger on
    the next train split, which the planted leak keeps from promotion; the baseline still forecasts."""
    from strataqc.model import registry
    from strataqc.results import CheckResult

    demo_night, node, config = demo_ads(request)
    assert config["model"]["retrain"]["on"] == ["realized_degradation", "schedule"]
    config = {**config, "model": {**config["model"], "artifact_dir": str(tmp_path / "artifacts"),
                                  "attribution": False}}
    copy, _ = demo_night.copy_warehouse(tmp_path / "copy")
    with Warehouse(Target("strataqc", "demo", "duckdb", {"path": str(copy)})) as wh:
        first = by_check(run_model_quality("ads_demand_features", node["relation_name"], config, wh, tmp_path))
        assert first["model_retrain"].message == "v0001 is the first champion (nothing to compare with)"
        wh.execute(f"update {node['relation_name']} set units_next_7d = units_next_7d + 1 "
                   "where dataset_split = 'train' and day_of_week = 0")  # the next night's train split
        degraded = CheckResult(check="realized_accuracy", status=Status.FAIL, model="ads_demand_features",
                               message="realized wape 0.52 > 0.35")
        second = by_check(run_model_quality("ads_demand_features", node["relation_name"], config, wh, tmp_path,
                                            [degraded]))
        decided = second["model_retrain"]
        assert decided.status == Status.WARN
        assert "realized_accuracy failed: realized wape 0.52 > 0.35" in decided.message
        assert "challenger v0002 failed error-severity gate(s) importance_spike; champion v0001 kept" in decided.message
        assert registry.champion(tmp_path / "artifacts") == "v0001"
        assert second["prediction_source"].details["source"] == "baseline"

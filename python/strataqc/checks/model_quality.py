"""Model quality gates, fallback to a baseline and error attribution for one ADS model (DESIGN §4).

`run_model_quality` reads bounded samples of the train / valid / predict splits, trains (or reuses, or
loads the user's) model, judges it with the gates of `strataqc.model.gates`, writes the predict
window's forecasts (from the model, or from the best baseline when an error-severity gate failed)
and explains the worst valid errors. Every step that raises becomes one `error` record; the others
still run and every record is returned.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Callable

import numpy as np
import pandas as pd
from sqlglot import exp

from strataqc.checks.kept_forecasts import KeptForecasts
from strataqc.checks.model_retrain import retrain_night
from strataqc.json_safe import json_safe
from strataqc.layers import layer_of
from strataqc.model import artifact as artifacts
from strataqc.model import gates, tracking
from strataqc.model.attribution import attribution_results
from strataqc.model.baselines import baseline_columns, baseline_forecasts
from strataqc.checks.block import Block, not_a_mapping, read_block
from strataqc.model.config import ModelConfig, ModelConfigError
from strataqc.model.data import (USER_PREDICTION, column, fingerprint, load_rows, reject_repeated_predictions,
                                 split_filter, table_columns, train_keep)
from strataqc.model import predict_ahead
from strataqc.model.forecast_memo import ForecastMemo
from strataqc.model.measure import feature_variation, single_row_latencies_ms
from strataqc.model.metrics import all_metrics
from strataqc.model.predictions import predictions_relation, write_predictions
from strataqc.model.predictor import Predictor, is_numeric
from strataqc.model.train import categorical_features, train_reference
from strataqc.results import CheckResult, CheckType, Status

GATE_ORDER = ("overfitting", "leaf_count", "baseline_comparison", "importance_spike",
              "low_importance_high_variance", "inference_latency")


@dataclass
class Night:
    """What one model-quality run has read and computed so far."""

    model: str
    relation: str
    cfg: ModelConfig
    target: str
    split_column: str
    ids: list[str]
    features: list[str]
    categorical: list[str]
    columns: list[str] = field(default_factory=list)  # the relation's, in table order
    frames: dict[str, pd.DataFrame] = field(default_factory=dict)
    predictor: Predictor | None = None
    version_dir: Path | None = None
    predictions: dict[str, np.ndarray] = field(default_factory=dict)   # split -> model forecast
    baselines: dict[str, dict[str, np.ndarray]] = field(default_factory=dict)  # split -> name -> forecast
    metrics: dict[str, dict[str, float]] = field(default_factory=dict)
    earlier: list[CheckResult] = field(default_factory=list)  # the night's records so far (retrain triggers)
    keep: Any = None  # where the train sample is kept between nights (model.data.train_keep), or None
    pending: Any = None  # the predict split's forecast on its way (model.predict_ahead), or None


def run_model_quality(model_name: str, relation_name: str, config: dict | Block, wh: Any,
                      project_dir: Path, earlier: list[CheckResult] | None = None) -> list[CheckResult]:
    """All model-quality and attribution records for `model_name` (config = its meta.strataqc block, or as read);
    `earlier` are the night's records so far, which a retrain policy reads its triggers from."""
    layer = layer_of({"relation_name": relation_name})
    results: list[CheckResult] = []

    def stamp(records: list[CheckResult]) -> list[CheckResult]:
        return [r.replace(layer=r.layer or layer, details=json_safe(r.details),
                          observed=json_safe(r.observed)) for r in records]

    try:
        night = _prepare(model_name, relation_name, config or {}, wh, Path(project_dir))
    except Exception as exc:
        return stamp([_error("model_quality", model_name, exc)])
    night.earlier, night.keep = list(earlier or []), train_keep(model_name, config, night.relation, wh)

    # a user's model file is read first (it names the columns to read); a broken one still
    # leaves the baselines to forecast with, so the night goes on without it
    model_records = []
    if night.cfg.artifact is not None:
        model_records = _step("model_artifact", model_name, lambda: [_load_user_model(night)])
    data = _step("model_data", model_name, lambda: _load_data(night, wh))
    if data:
        return stamp(results + model_records + data)
    model_block = read_block(model_name, config).model
    loop = KeptForecasts.of(wh, model_name, night.relation, night.target, night.ids,
                            model_block.get("forecasts") if isinstance(model_block, dict) else None,
                            predictions_relation(night.relation, model_name, night.cfg.predictions_table),
                            night.frames.get("predict"), list(night.cfg.attribution.segments), night.columns)
    # landed forecasts are judged before training: a degradation seen tonight starts tonight's challenger
    landed = loop.landed(wh) if night.cfg.retrain is not None else []
    night.earlier += landed
    if night.cfg.artifact is None:
        model_records = _step("model_artifact", model_name, lambda: _train_or_reuse(night, wh))
    results += model_records
    results += _step("model_predict", model_name, lambda: _predict_all(night, ahead=True))
    gate_results = _run_gates(night)
    results += gate_results
    # the attribution reads the valid split: it runs while the predict split is forecast; its records stay last
    explained = _step("error_attribution", model_name, lambda: _attribution(night)) if night.cfg.attribution.enabled else []
    results += _step("model_predict", model_name, lambda: predict_ahead.collect(night))
    written = _step("prediction_source", model_name, lambda: [_write_forecasts(night, wh, gate_results)])
    results = _mark_fallback(results, written[0])
    results += written
    results += loop.records(wh, landed) if written[0].status in (Status.PASS, Status.WARN) else landed
    results += explained
    if night.version_dir is not None:
        _record_on_card(night, gate_results)
    return stamp(results)


# ---------------------------------------------------------------- preparation

def _prepare(model: str, relation: str, config: dict | Block, wh: Any, project_dir: Path) -> Night:
    block = read_block(model, config)
    if block is None:
        raise ModelConfigError(f"{model}: {not_a_mapping(config)}")
    target = block.target
    split = block.split
    if not target:
        raise ModelConfigError(f"{model}: meta.strataqc.target is needed for model quality (the column to forecast)")
    if not isinstance(split, dict) or not split.get("column"):
        raise ModelConfigError(f"{model}: model quality needs meta.strataqc.split "
                               "{column: dataset_split, reference: train, current: predict} with a valid split too")
    cfg = block.model_config(project_dir)
    ids = list(block.names("ids"))
    columns = table_columns(wh, relation)
    missing = [c for c in [target, split["column"], *ids] if c not in columns]
    if missing:
        raise ModelConfigError(f"{model}: column(s) {', '.join(missing)} named in meta.strataqc are not in "
                               f"{relation}; fix the names or rebuild the model")
    reserved = {target, split["column"], *ids}
    features = list(cfg.features) if cfg.features else [c for c in columns if c not in reserved and c not in cfg.exclude]
    unknown = [c for c in [*features, *cfg.exclude] if c not in columns]
    if unknown:
        raise ModelConfigError(f"{model}: meta.strataqc.model names column(s) {', '.join(unknown)} that "
                               f"{relation} does not have")
    unknown = [c for c in cfg.attribution.segments if c not in columns]
    if unknown:
        raise ModelConfigError(f"{model}: meta.strataqc.model.attribution.segments names column(s) "
                               f"{', '.join(unknown)} that {relation} does not have; use some of "
                               f"{', '.join(columns)}")
    return Night(model=model, relation=relation, cfg=cfg, target=target, split_column=split["column"], ids=ids,
                 features=features, categorical=list(block.names("categorical")), columns=columns)


def _load_user_model(night: Night) -> CheckResult:
    start = time.perf_counter()
    cfg = night.cfg
    predictor = artifacts.load_model_file(cfg.artifact, list(cfg.features) if cfg.features else night.features)
    absent = [f for f in predictor.features if f not in night.features]
    if absent:
        raise artifacts.ArtifactError(f"{cfg.artifact}: the model reads {', '.join(absent)}, which "
                                      f"{night.relation} does not have (or lists as id/target/split)")
    night.features = list(predictor.features)
    night.predictor = predictor
    return CheckResult(check="model_artifact", status=Status.PASS, check_type=CheckType.MODEL_QUALITY,
                       model=night.model, duration_s=time.perf_counter() - start,
                       message=f"loaded {predictor.kind} model from {predictor.source} "
                               f"({len(predictor.features)} features)",
                       details={"source": predictor.source})


def _load_data(night: Night, wh: Any) -> list[CheckResult]:
    """Bounded samples of train / valid (rows with a target) and the predict rows."""
    cfg = night.cfg
    available = set(night.columns)
    absent = [c for c in baseline_columns(cfg.baselines) if c not in available]
    if absent:
        raise ModelConfigError(f"{night.model}: baseline column(s) {', '.join(absent)} are not in {night.relation}; "
                               "set meta.strataqc.model.baselines to columns it has")
    columns = list(dict.fromkeys([*night.ids, *night.features, night.target, *baseline_columns(cfg.baselines),
                                  *cfg.attribution.segments]))
    columns = [c for c in columns if c in available]
    if cfg.user_predictions and night.ids:
        reject_repeated_predictions(wh, night.model, night.cfg.user_predictions["relation"], night.ids)
    for split in ("train", "valid", "predict"):
        value = cfg.splits.get(split)
        if value is None:
            continue
        where = split_filter(night.split_column, value)
        if split != "predict":
            where = exp.and_(where, _has_target(night))
        night.frames[split] = load_rows(wh, night.relation, columns, where, cfg.sample[split], night.ids,
                                        cfg.seed, cfg.user_predictions, night.keep if split == "train" else None)
    if night.frames.get("valid") is None or night.frames["valid"].empty:
        raise ValueError(f"{night.model}: no rows with {night.split_column} = '{cfg.splits['valid']}' and a "
                         f"{night.target}; the gates compare on the valid split (set model.splits.valid)")
    return []


def _train_or_reuse(night: Night, wh: Any) -> list[CheckResult]:
    """Train the reference model, or reuse the version trained on the same data, params and features;
    with a retrain policy, the champion forecasts unless a trigger trains a challenger that beats it."""
    cfg = night.cfg
    start = time.perf_counter()
    rows = {k: int(len(v)) for k, v in night.frames.items()}
    if not cfg.train:
        return [CheckResult(check="model_artifact", status=Status.PASS, check_type=CheckType.MODEL_QUALITY,
                            model=night.model, details={"source": cfg.user_predictions, "rows": rows},
                            message=f"scoring the user's predictions in {cfg.user_predictions['relation']} "
                                    "(no model file)")]
    train = night.frames.get("train")
    if train is None or train.empty:
        raise ValueError(f"{night.model}: no train rows ({night.split_column} = '{cfg.splits['train']}') to train on")
    night.categorical = categorical_features(train, night.features, night.categorical)
    numeric = [c for c in [*night.features, night.target] if c not in night.categorical and is_numeric(train[c])]
    other = [c for c in [*night.features, *night.ids] if c not in numeric]
    where = exp.and_(split_filter(night.split_column, cfg.splits["train"]), _has_target(night))
    fp: dict[str, Any] = {}

    def trained() -> tuple[Path, Predictor, str]:
        # a scan of the whole train split: not on a night whose champion forecasts (a kept one's card says it)
        fp.update(fingerprint(wh, night.relation, where, numeric, other))
        found = artifacts.find_version(cfg.artifact_dir, fp["sha256"], cfg.params, night.features)
        if found is not None:
            return found, artifacts.load_version(found), (f"reused {found.name} (same train data fingerprint "
                                                          f"{fp['sha256'][:12]}, params and features)")
        predictor, seconds = train_reference(train, night.features, night.categorical, night.target, cfg.params)
        found = artifacts.save_version(cfg.artifact_dir, predictor, {
            "model": night.model, "target": night.target, "training_rows": int(len(train)),
            "params": cfg.params, "fingerprint": fp, "training_seconds": round(seconds, 3),
            "training_threads": predictor.training_threads, "relation": night.relation})
        return found, predictor, (f"trained {found.name} on {len(train):,} rows x {len(night.features)} features "
                                  f"in {seconds:.1f} s on {predictor.training_threads} thread(s) "
                                  f"(fingerprint {fp['sha256'][:12]})")

    decided = []
    if cfg.retrain is None:
        found, predictor, message = trained()
    else:
        outcome = retrain_night(night.model, night.cfg, night.features, night.earlier, wh, trained,
                                lambda predictor, judge: _evaluate(night, predictor, judge))
        found, predictor, message, decided = (outcome.version_dir, outcome.predictor, outcome.artifact_message,
                                              [outcome.record])
    night.version_dir = found
    night.predictor = predictor
    return [CheckResult(check="model_artifact", status=Status.PASS, check_type=CheckType.MODEL_QUALITY,
                        model=night.model, observed=float(len(train)), message=message,
                        duration_s=time.perf_counter() - start,
                        details={"source": predictor.source, "rows": rows, "fingerprint": fp["sha256"] if fp else
                                 (artifacts.read_card(found).get("fingerprint") or {}).get("sha256")}), *decided]


def _evaluate(night: Night, predictor: Predictor, judge: bool) -> tuple[dict[str, float], list[str]]:
    """A retrain candidate's valid metrics and, when judged, the error-severity gates it fails."""
    trial = replace(night, predictor=predictor, predictions={}, baselines={}, metrics={},
                    frames=night.frames if judge else {"valid": night.frames["valid"]})
    _predict_all(trial)
    return trial.metrics.get("model_valid", {}), _blocking(trial, _run_gates(trial)) if judge else []


def _has_target(night: Night) -> exp.Expression:
    return column(night.target).is_(exp.Null()).not_()


def _predict_all(night: Night, ahead: bool = False) -> list[CheckResult]:
    """Model (or user) forecasts and baselines for every split read; metrics where a target exists
    (`ahead`: the model's predict-split forecast is made on a thread of its own, `predict_ahead`)."""
    # the samples are mostly last night's rows: a kept version predicts only those new or changed
    memo = ForecastMemo.of(night.predictor)
    night.pending = predict_ahead.start(night.predictor, night.frames.get("predict")) if ahead else None
    for split, frame in night.frames.items():
        if frame.empty:
            continue
        if split == "train":
            # the train metric only needs a fair sample: rows arrive hash-shuffled, so the head is one
            frame = frame.head(night.cfg.sample["train_metrics"])
        if night.predictor is not None:
            if split != "predict" or night.pending is None:
                X = night.predictor.prepare(frame)
                night.predictions[split] = (memo.predict(night.predictor, X) if memo is not None and split != "predict"
                                            else night.predictor.predict(X))
        elif USER_PREDICTION in frame.columns:
            night.predictions[split] = pd.to_numeric(frame[USER_PREDICTION], errors="coerce").astype(float).to_numpy()
        night.baselines[split] = baseline_forecasts(frame, night.cfg.baselines)
        if split == "predict":
            continue
        actual = pd.to_numeric(frame[night.target], errors="coerce").astype(float).to_numpy()
        if split in night.predictions:
            forecast = night.predictions[split]
            if split == "train" and not np.isfinite(forecast).all():
                # users often forecast only valid and predict: overfitting is then skipped, not an error
                del night.predictions[split]
            elif not np.isfinite(forecast).all():
                raise ValueError(f"{night.model}: {int((~np.isfinite(forecast)).sum())} {split} rows have no "
                                 "prediction (missing in user_predictions?)")
            if split in night.predictions:
                night.metrics[f"model_{split}"] = all_metrics(actual, forecast)
        for name, forecast in night.baselines[split].items():
            night.metrics[f"{name}_{split}"] = all_metrics(actual, forecast)
    if memo is not None:
        memo.save()
    return []


# ---------------------------------------------------------------- gates

def _run_gates(night: Night) -> list[CheckResult]:
    cfg = night.cfg
    out = []
    for name in GATE_ORDER:
        params = cfg.gates[name]
        if params.get("enabled", True) is False:
            continue
        out += _step(name, night.model, lambda name=name, params=params: [_gate(night, name, params)])
    return out


def _gate(night: Night, name: str, params: dict) -> CheckResult:
    model, predictor = night.model, night.predictor
    if "model_valid" not in night.metrics:
        return CheckResult(check=name, status=Status.SKIP, check_type=CheckType.MODEL_QUALITY, model=model,
                           message="no model forecast to judge (see the model_artifact record)")
    needs_model = name in ("leaf_count", "importance_spike", "low_importance_high_variance", "inference_latency")
    if needs_model and predictor is None:
        return CheckResult(check=name, status=Status.SKIP, check_type=CheckType.MODEL_QUALITY, model=model,
                           message="no model file: only the user's predictions are scored")
    if name == "overfitting":
        if "model_train" not in night.metrics:
            return CheckResult(check=name, status=Status.SKIP, check_type=CheckType.MODEL_QUALITY, model=model,
                               message="no train rows with a target and a prediction")
        metric = params["metric"]
        return gates.overfitting(model, night.metrics["model_train"][metric], night.metrics["model_valid"][metric],
                                 **params)
    if name == "leaf_count":
        return gates.leaf_count(model, predictor.leaf_counts(), **params)
    if name == "baseline_comparison":
        baseline_metrics = {b: night.metrics[f"{b}_valid"] for b in night.cfg.baselines}
        return gates.baseline_comparison(model, night.metrics["model_valid"], baseline_metrics, **params)
    if name == "importance_spike":
        return gates.importance_spike(model, predictor.importance(), **params)
    if name == "low_importance_high_variance":
        frame = night.frames.get("train")
        frame = frame if frame is not None and not frame.empty else night.frames["valid"]
        return gates.low_importance_high_variance(model, predictor.importance(),
                                                  feature_variation(frame, predictor.features), **params)
    if name == "inference_latency":
        X = predictor.prepare(night.frames["valid"].head(int(params["rows"])))
        return gates.inference_latency(model, single_row_latencies_ms(predictor, X, int(params["rows"])), **params)
    raise KeyError(name)


# ---------------------------------------------------------------- fallback

def _blocking(night: Night, gate_results: list[CheckResult]) -> list[str]:
    """Error-severity gates that failed, or could not be judged: their model is not trusted."""
    return [r.check for r in gate_results
            if r.check in night.cfg.gates and night.cfg.gates[r.check]["severity"] == "error"
            and r.status in (Status.FAIL, Status.ERROR)]


def _best_baseline(night: Night) -> str:
    metric = night.cfg.gates["baseline_comparison"]["metric"]
    scores = {b: night.metrics.get(f"{b}_valid", {}).get(metric, math.inf) for b in night.cfg.baselines}
    return min(scores, key=lambda b: scores[b] if math.isfinite(scores[b]) else math.inf)


def _write_forecasts(night: Night, wh: Any, gate_results: list[CheckResult]) -> CheckResult:
    start = time.perf_counter()
    frame = night.frames.get("predict")
    target = predictions_relation(night.relation, night.model, night.cfg.predictions_table)
    where = target.sql(dialect="duckdb")
    if frame is None or frame.empty:
        return CheckResult(check="prediction_source", status=Status.SKIP, check_type=CheckType.MODEL_QUALITY,
                           model=night.model, message="no predict rows: nothing to forecast")
    blocking = _blocking(night, gate_results)
    have_model = "predict" in night.predictions and np.isfinite(night.predictions["predict"]).all()
    if blocking or not have_model:
        best = _best_baseline(night)
        forecast, source, forecaster = night.baselines["predict"][best], "baseline", best
        why = (f"model failed error-severity gate(s) {', '.join(blocking)}" if blocking
               else "no model forecast for every predict row")
        status, message = Status.WARN, f"fallback: {why}; {len(frame):,} predict rows from baseline {best} -> {where}"
    else:
        forecast, source = night.predictions["predict"], "model"
        forecaster = Path(night.predictor.source).name if night.predictor and night.predictor.source else "user"
        status, message = Status.PASS, f"model passed its error-severity gates; {len(frame):,} predict rows from model {forecaster} -> {where}"
    ids = frame[night.ids] if night.ids else pd.DataFrame(index=frame.index)
    written = write_predictions(wh, target, ids, forecast, source, forecaster)
    if len(frame) >= night.cfg.sample["predict"]:
        message += f" (only the first {len(frame):,} predict rows: raise model.sample.predict)"
    return CheckResult(check="prediction_source", status=status, check_type=CheckType.MODEL_QUALITY,
                       model=night.model, observed=float(written), failures=len(blocking), message=message,
                       duration_s=time.perf_counter() - start,
                       details={"source": source, "forecaster": forecaster,
                                "predictions_table": where, "blocking_gates": blocking})


def _mark_fallback(results: list[CheckResult], written: CheckResult) -> list[CheckResult]:
    """The gates that sent the predictions to a baseline say so in their own message too."""
    blocking = written.details.get("blocking_gates") or []
    if written.details.get("source") != "baseline":
        return results
    suffix = f"; predictions fell back to baseline {written.details.get('forecaster')}"
    return [r.replace(message=r.message + suffix) if r.check in blocking else r for r in results]


# ---------------------------------------------------------------- attribution

def _attribution(night: Night) -> list[CheckResult]:
    if night.predictor is None:
        return [CheckResult(check="error_attribution", status=Status.SKIP, check_type=CheckType.ATTRIBUTION,
                            model=night.model, message="no model file to explain (only user predictions)")]
    valid = night.frames["valid"]
    X = night.predictor.prepare(valid)
    actual = pd.to_numeric(valid[night.target], errors="coerce").astype(float).to_numpy()
    return attribution_results(night.model, night.predictor, valid, X, actual, night.predictions["valid"],
                               night.cfg.attribution, night.cfg.seed)


# ---------------------------------------------------------------- helpers

def _record_on_card(night: Night, gate_results: list[CheckResult]) -> None:
    """The card keeps the model's last metrics and gate verdicts beside its training facts."""
    try:
        artifacts.update_card(night.version_dir, metrics=night.metrics,
                              gates={r.check: {"status": str(r.status), "observed": r.observed} for r in gate_results})
        tracking.log_once(night.cfg.mlflow, night.version_dir)
    except OSError:
        pass  # a read-only artifact directory must not lose the night's records


def _step(check: str, model: str, fn: Callable[[], list[CheckResult]]) -> list[CheckResult]:
    start = time.perf_counter()
    try:
        out = fn()
    except Exception as exc:
        return [_error(check, model, exc).replace(duration_s=time.perf_counter() - start)]
    elapsed = time.perf_counter() - start
    return [r if r.duration_s is not None else r.replace(duration_s=elapsed) for r in out]


def _error(check: str, model: str, exc: Exception) -> CheckResult:
    known = (ModelConfigError, artifacts.ArtifactError, KeyError, ValueError)
    text = str(exc) if isinstance(exc, known) else f"{type(exc).__name__}: {exc}"
    check_type = CheckType.ATTRIBUTION if check.startswith("error_attribution") else CheckType.MODEL_QUALITY
    return CheckResult(check=check, status=Status.ERROR, check_type=check_type, model=model, message=text.strip("'\""))

"""The `model` key of meta.strataqc, with defaults and errors that say what to write.

The block is read once (`strataqc.checks.block.read_block`); `Block.model_config`
calls `parse_model_config` here. A new key of the model block is one line in
`MODEL_KEYS` (its meaning), its default and check in `parse_model_config`, and a
field of `ModelConfig`.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

SEVERITIES = ("error", "warn")

# Each gate's defaults; a YAML block only overrides what it names.
DEFAULT_GATES: dict[str, dict[str, Any]] = {
    # valid metric / train metric: a model that memorised the train split scores far better there
    "overfitting": {"metric": "wape", "max_ratio": 1.5, "severity": "error"},
    # deep trees on little data memorise it; LightGBM's default is 31 leaves
    "leaf_count": {"max_leaves": 64, "severity": "warn"},
    # model metric must be at most (1 - margin) x the best baseline's, on valid
    "baseline_comparison": {"metric": "wape", "margin": 0.05, "severity": "error"},
    # one feature with most of the importance is the classic sign of a target leak
    "importance_spike": {"max_share": 0.5, "severity": "error"},
    # a feature that varies (coefficient of variation / level entropy) but the model never uses
    "low_importance_high_variance": {"max_share": 0.001, "min_variation": 0.1, "severity": "warn"},
    # per-row latency of single-row predictions over a batch
    "inference_latency": {"rows": 200, "p50_ms": 20.0, "p99_ms": 100.0, "severity": "warn"},
}

# Scaled to the 7-day target: tomorrow-to-next-week units ~ 7 x a daily level.
DEFAULT_BASELINES: dict[str, dict[str, Any]] = {
    # the same weekday a week ago, for each of the 7 days
    "seasonal_naive": {"columns": ["units_lag_7", "units_mean_7d"], "scale": 7.0},
    # the recent daily mean; the 28-day mean where the 7-day one is missing
    "moving_average": {"columns": ["units_mean_7d", "units_mean_28d"], "scale": 7.0},
}

DEFAULT_PARAMS: dict[str, Any] = {
    "objective": "regression",
    "learning_rate": 0.1,
    "num_leaves": 31,
    "min_data_in_leaf": 50,
    "feature_fraction": 0.9,
    "bagging_fraction": 0.8,
    "bagging_freq": 1,
    "lambda_l2": 1.0,
    "n_estimators": 150,
    "num_threads": 2,
    "seed": 42,
    "verbosity": -1,
}

# key -> meaning (docs/model-quality.md)
MODEL_KEYS: dict[str, str] = {
    "artifact_dir": "where trained versions go (train: true)",
    "artifact": "a model file of the user's (train: false)",
    "train": "train a reference model (default unless artifact is given)",
    "params": "LightGBM parameters over DEFAULT_PARAMS",
    "features": "the features (default: every column but ids, target, split and exclude)",
    "exclude": "columns that are not features",
    "gates": "per gate: thresholds and severity, or false to turn it off",
    "baselines": "name -> {columns, scale}: the forecasts the model must beat",
    "predictions_table": "schema.table the predict window's forecasts go to",
    "user_predictions": "{relation, column}: forecasts the user already made",
    "attribution": "error attribution of the worst rows, or false",
    "sample": "rows per split read into Python",
    "seed": "seed of training and sampling",
    "splits": "split values of train / valid / predict",
    # new keys of the model block (retraining, kept forecasts) go here
    "retrain": "continuous training: {on: [triggers], every_days, margin, metric} (strataqc.model.retrain)",
    "mlflow": "{tracking_uri, experiment}: log each version there when mlflow is installed",
}
ALLOWED_KEYS = set(MODEL_KEYS)


class ModelConfigError(ValueError):
    """The `model` block cannot be used; the message names the key and the fix."""


@dataclass(frozen=True)
class AttributionConfig:
    worst: int = 200                 # worst valid rows explained with SHAP
    segments: tuple[str, ...] = ()   # columns to group the worst rows by (e.g. store_id, category)
    permutation_rows: int = 2000     # valid rows for permutation importance
    repeats: int = 3
    top: int = 5                     # contributors named in the message
    enabled: bool = True


@dataclass(frozen=True)
class ModelConfig:
    model: str
    artifact_dir: Path               # where trained versions go (train: true)
    artifact: Path | None            # a user's own model file (train: false)
    train: bool
    params: dict[str, Any]
    features: tuple[str, ...] | None  # None: every column but ids / target / split / exclude
    exclude: tuple[str, ...]
    gates: dict[str, dict[str, Any]]
    baselines: dict[str, dict[str, Any]]
    predictions_table: str | None     # schema.table the predict-window predictions go to
    user_predictions: dict[str, str] | None  # {relation, column}: predictions the user already made
    attribution: AttributionConfig
    sample: dict[str, int] = field(default_factory=dict)  # max rows per split read into Python
    splits: dict[str, str | None] = field(default_factory=dict)  # split values of train / valid / predict
    seed: int = 42
    retrain: Any = None               # RetrainPolicy, or None: every new train split trains a new version
    mlflow: dict[str, str] | None = None  # {tracking_uri, experiment}: log each version there when installed


def _fail(model: str, key: str, what: str) -> ModelConfigError:
    return ModelConfigError(f"{model}: meta.strataqc.model.{key} {what}")


def parse_model_config(model: str, block: Any, project_dir: Path, categorical: list[str] | None = None,
                       split: dict | None = None) -> ModelConfig:
    """Validate `meta.strataqc.model` and merge defaults."""
    if block is True or block is None:
        block = {}
    if not isinstance(block, dict):
        raise ModelConfigError(f"{model}: meta.strataqc.model must be a mapping, e.g. {{train: true}}")
    unknown = sorted(set(block) - ALLOWED_KEYS)
    if unknown:
        raise _fail(model, unknown[0], f"is not a known key; use one of {sorted(ALLOWED_KEYS)}")

    artifact = block.get("artifact")
    train = bool(block.get("train", artifact is None))
    if not train and artifact is None and not block.get("user_predictions"):
        raise _fail(model, "train", "is false but no `artifact` (model file) or `user_predictions` is given")
    artifact_path = None
    if artifact is not None:
        artifact_path = Path(artifact)
        if not artifact_path.is_absolute():
            artifact_path = Path(project_dir) / artifact_path
    artifact_dir = Path(block.get("artifact_dir") or f"warehouse/models/{model}")
    if not artifact_dir.is_absolute():
        # STRATAQC_MODEL_DIR moves trained versions out of the project (CI caches, test runs)
        artifact_dir = Path(os.environ.get("STRATAQC_MODEL_DIR") or project_dir) / artifact_dir

    params = dict(DEFAULT_PARAMS)
    user_params = block.get("params") or {}
    if not isinstance(user_params, dict):
        raise _fail(model, "params", "must be a mapping of LightGBM parameters, e.g. {num_leaves: 31}")
    params.update(user_params)

    gates = {name: dict(defaults) for name, defaults in DEFAULT_GATES.items()}
    user_gates = block.get("gates") or {}
    if not isinstance(user_gates, dict):
        raise _fail(model, "gates", "must map gate names to thresholds, e.g. {overfitting: {max_ratio: 1.5}}")
    for name, values in user_gates.items():
        if name not in gates:
            raise _fail(model, f"gates.{name}", f"is not a gate; use one of {sorted(gates)}")
        if values is False:
            gates[name]["enabled"] = False
            continue
        if not isinstance(values, dict):
            raise _fail(model, f"gates.{name}", "must be a mapping of thresholds (or false to turn it off)")
        for key, value in values.items():
            if key not in gates[name] and key != "enabled":
                raise _fail(model, f"gates.{name}.{key}", f"is not a setting of {name}; use {sorted(gates[name])}")
            gates[name][key] = value
        if gates[name]["severity"] not in SEVERITIES:
            raise _fail(model, f"gates.{name}.severity", f"must be one of {SEVERITIES}")
    for name in ("overfitting", "baseline_comparison"):
        if gates[name]["metric"] not in ("mae", "rmse", "mape", "wape"):
            raise _fail(model, f"gates.{name}.metric", "must be one of mae, rmse, mape, wape")

    baselines = block.get("baselines")
    if baselines is None:
        baselines = DEFAULT_BASELINES
    if not isinstance(baselines, dict) or not baselines:
        raise _fail(model, "baselines", "must map names to {columns: [...], scale: 7}")
    clean_baselines = {}
    for name, spec in baselines.items():
        columns = spec.get("columns") if isinstance(spec, dict) else None
        if isinstance(columns, str):
            columns = [columns]
        if not columns:
            raise _fail(model, f"baselines.{name}", "needs `columns` (a list, coalesced left to right)")
        clean_baselines[name] = {"columns": list(columns), "scale": float(spec.get("scale", 1.0))}

    attribution_block = block.get("attribution")
    if attribution_block is False:
        attribution = AttributionConfig(enabled=False)
    else:
        attribution_block = attribution_block or {}
        if not isinstance(attribution_block, dict):
            raise _fail(model, "attribution", "must be a mapping, e.g. {worst: 200, segments: [store_id, category]}")
        segments = attribution_block.get("segments")
        if segments is None:
            segments = list(categorical or [])
        attribution = AttributionConfig(
            worst=int(attribution_block.get("worst", 200)),
            segments=tuple(segments),
            permutation_rows=int(attribution_block.get("permutation_rows", 2000)),
            repeats=int(attribution_block.get("repeats", 3)),
            top=int(attribution_block.get("top", 5)),
        )

    user_predictions = block.get("user_predictions")
    if user_predictions is not None:
        if isinstance(user_predictions, str):
            user_predictions = {"relation": user_predictions}
        if not isinstance(user_predictions, dict) or "relation" not in user_predictions:
            raise _fail(model, "user_predictions", "must be {relation: schema.table, column: prediction}")
        user_predictions = {"relation": str(user_predictions["relation"]),
                            "column": str(user_predictions.get("column", "prediction"))}

    sample = {"train": 200_000, "valid": 100_000, "predict": 1_000_000, "train_metrics": 50_000}
    sample.update({k: int(v) for k, v in (block.get("sample") or {}).items()})

    split = split or {}
    splits = {"train": split.get("reference", "train"), "valid": "valid", "predict": split.get("current", "predict")}
    user_splits = block.get("splits") or {}
    if not isinstance(user_splits, dict) or set(user_splits) - set(splits):
        raise _fail(model, "splits", "must map train / valid / predict to values of the split column")
    splits.update({k: (None if v is None else str(v)) for k, v in user_splits.items()})

    from strataqc.model.retrain import parse_retrain
    from strataqc.model.tracking import parse_mlflow

    retrain, mlflow = parse_retrain(model, block.get("retrain")), parse_mlflow(model, block.get("mlflow"))
    if retrain is not None and not train:
        raise _fail(model, "retrain", "needs a model StrataQC trains (train: true, no `artifact`)")

    features = block.get("features")
    return ModelConfig(
        model=model,
        artifact_dir=artifact_dir,
        artifact=artifact_path,
        train=train,
        params=params,
        features=tuple(features) if features else None,
        exclude=tuple(block.get("exclude") or ()),
        gates=gates,
        baselines=clean_baselines,
        predictions_table=block.get("predictions_table"),
        user_predictions=user_predictions,
        attribution=attribution,
        sample=sample,
        splits=splits,
        seed=int(block.get("seed", 42)),
        retrain=retrain,
        mlflow=mlflow,
    )

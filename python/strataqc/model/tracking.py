"""Optional experiment tracking: each version's card and metrics logged to MLflow.

Only when the model block has `mlflow: {tracking_uri: ...}` and `mlflow` can be imported; StrataQC
never requires it. A tracking store that cannot be reached costs a log line, never the night.
"""

from __future__ import annotations

import importlib.util
import math
from pathlib import Path
from typing import Any

from strataqc.logs import log
from strataqc.model.artifact import read_card, update_card


class TrackingConfigError(ValueError):
    """The `mlflow` block cannot be used; the message names the key and the fix."""


def parse_mlflow(model: str, block: Any) -> dict[str, str] | None:
    if block is None or block is False:
        return None
    if not isinstance(block, dict) or not block.get("tracking_uri"):
        raise TrackingConfigError(f"{model}: meta.strataqc.model.mlflow must be {{tracking_uri: ..., "
                                  "experiment: ...}} (experiment defaults to strataqc/<model>)")
    unknown = sorted(set(block) - {"tracking_uri", "experiment"})
    if unknown:
        raise TrackingConfigError(f"{model}: meta.strataqc.model.mlflow.{unknown[0]} is not a known key; "
                                  "use tracking_uri and experiment")
    return {"tracking_uri": str(block["tracking_uri"]), "experiment": str(block.get("experiment") or
                                                                         f"strataqc/{model}")}


def available() -> bool:
    return importlib.util.find_spec("mlflow") is not None


def log_once(settings: dict[str, str] | None, version_dir: Path) -> None:
    """Log a version after its first night (its card then holds metrics and gates); the run id is kept
    on the card, so later nights reusing the version do not log it again."""
    if settings and "mlflow_run_id" not in read_card(version_dir):
        run_id = log_version(settings, version_dir)
        if run_id:
            update_card(version_dir, mlflow_run_id=run_id)


def log_version(settings: dict[str, str] | None, version_dir: Path) -> str | None:
    """Log one version's card (as an artifact), parameters, metrics and role; returns the MLflow run id,
    or None when tracking is not configured, not installed or failed."""
    if not settings:
        return None
    card = read_card(version_dir)
    if not available():
        log.info("mlflow is not installed: %s not logged to %s", version_dir.name, settings["tracking_uri"])
        return None
    try:
        import mlflow

        mlflow.set_tracking_uri(settings["tracking_uri"])
        mlflow.set_experiment(settings["experiment"])
        with mlflow.start_run(run_name=f"{card.get('model')}/{version_dir.name}") as run:
            mlflow.set_tags({"strataqc.version": version_dir.name, "strataqc.role": str(card.get("role")),
                             "strataqc.fingerprint": str((card.get("fingerprint") or {}).get("sha256"))})
            mlflow.log_params({k: v for k, v in (card.get("params") or {}).items()})
            mlflow.log_metrics(flat_metrics(card))
            mlflow.log_dict(card, "card.json")
            return run.info.run_id
    except Exception as exc:  # a tracking store is a convenience: the night goes on without it
        log.warning("could not log %s to mlflow at %s: %s", version_dir.name, settings["tracking_uri"], exc)
        return None


def flat_metrics(card: dict[str, Any]) -> dict[str, float]:
    """`metrics` of the card as flat MLflow names (model_valid_wape, ...), finite values only."""
    out = {}
    for group, values in (card.get("metrics") or {}).items():
        for name, value in (values or {}).items():
            if isinstance(value, (int, float)) and math.isfinite(value):
                out[f"{group}_{name}"] = float(value)
    return out

"""Versioned model artifacts (booster file + JSON card) and loading a user's own model file."""

from __future__ import annotations

import json
import re
from datetime import timezone
from pathlib import Path
from typing import Any

from strataqc import clock
from strataqc.json_safe import json_safe
from strataqc.model.predictor import Predictor

CARD = "card.json"
BOOSTER = "model.txt"
LIGHTGBM_SUFFIXES = {".txt", ".lgb", ".model", ".lgbm"}
JOBLIB_SUFFIXES = {".joblib", ".pkl", ".pickle"}
_VERSION = re.compile(r"^v(\d{4,})$")


class ArtifactError(ValueError):
    """A model file that cannot be used; the message names the file and the fix."""


def versions(artifact_dir: Path) -> list[Path]:
    """Saved versions, oldest first (v0001, v0002, ...)."""
    if not artifact_dir.is_dir():
        return []
    found = [p for p in artifact_dir.iterdir() if p.is_dir() and _VERSION.match(p.name) and (p / CARD).exists()]
    return sorted(found, key=lambda p: int(_VERSION.match(p.name).group(1)))


def read_card(version_dir: Path) -> dict[str, Any]:
    return json.loads((version_dir / CARD).read_text())


def find_version(artifact_dir: Path, fingerprint_sha: str, params: dict, features: list[str]) -> Path | None:
    """The newest version trained on the same data, with the same parameters and features:
    retraining it would give the same model, so a night reuses it."""
    for version_dir in reversed(versions(artifact_dir)):
        card = read_card(version_dir)
        if (card.get("fingerprint", {}).get("sha256") == fingerprint_sha
                and card.get("params") == json_safe(params) and card.get("features") == features):
            return version_dir
    return None


def save_version(artifact_dir: Path, predictor: Predictor, card: dict[str, Any]) -> Path:
    """Write the booster and its card as the next version; the card is written last, so a
    half-written version is never picked up."""
    artifact_dir.mkdir(parents=True, exist_ok=True)
    taken = [int(m.group(1)) for p in artifact_dir.iterdir() if (m := _VERSION.match(p.name))]
    number = max(taken, default=0) + 1
    while True:
        version_dir = artifact_dir / f"v{number:04d}"
        try:
            version_dir.mkdir()  # atomic: two nights training at once get two versions
            break
        except FileExistsError:
            number += 1
    predictor.model.save_model(str(version_dir / BOOSTER))
    full_card = {"version": version_dir.name, "created_at": clock.now().astimezone(timezone.utc).isoformat(timespec="seconds"),
                 "kind": predictor.kind, "file": BOOSTER, "features": predictor.features,
                 "categorical": predictor.categorical, **json_safe(card)}
    _write_card(version_dir, full_card)
    predictor.source = str(version_dir)
    return version_dir


def _write_card(version_dir: Path, card: dict[str, Any]) -> None:
    # write then rename: a reader never sees half a card
    tmp = version_dir / f".{CARD}.tmp"
    tmp.write_text(json.dumps(card, indent=2, sort_keys=True))
    tmp.replace(version_dir / CARD)


def update_card(version_dir: Path, **fields: Any) -> None:
    card = read_card(version_dir)
    card.update(json_safe(fields))
    _write_card(version_dir, card)


def load_version(version_dir: Path) -> Predictor:
    card = read_card(version_dir)
    predictor = load_model_file(version_dir / card.get("file", BOOSTER), card.get("features"), card.get("categorical"))
    predictor.source = str(version_dir)
    return predictor


def load_model_file(path: Path, features: list[str] | None = None, categorical: list[str] | None = None) -> Predictor:
    """A LightGBM booster file (.txt/.lgb/.model) or a scikit-learn estimator saved with joblib
    (.joblib/.pkl); a version directory with a card works too."""
    path = Path(path)
    if path.is_dir():
        if (path / CARD).exists():
            return load_version(path)
        latest = versions(path)
        if latest:
            return load_version(latest[-1])
        raise ArtifactError(f"{path}: no {CARD} and no v0001.. versions inside; point `artifact` at the model file")
    if not path.exists():
        raise ArtifactError(f"{path}: model file not found; check meta.strataqc.model.artifact (relative to the project)")
    suffix = path.suffix.lower()
    if suffix in LIGHTGBM_SUFFIXES:
        import lightgbm as lgb

        try:
            booster = lgb.Booster(model_file=str(path))
        except Exception as exc:  # LightGBM's own error says little about which file
            raise ArtifactError(f"{path}: not a LightGBM model file ({exc}); save it with booster.save_model()") from exc
        names = booster.feature_name()
        # LightGBM keeps the pandas category levels of the training frame in the file
        if categorical is None:
            # only pandas categoricals carry their levels in the file; integer-coded ones stay numbers
            categorical = _lightgbm_categorical(booster, names) if booster.pandas_categorical else []
        return Predictor(booster, "lightgbm", list(names), list(categorical), str(path))
    if suffix in JOBLIB_SUFFIXES:
        import joblib

        try:
            estimator = joblib.load(path)
        except Exception as exc:
            raise ArtifactError(f"{path}: cannot be loaded with joblib ({exc}); save the estimator with joblib.dump()") from exc
        if not hasattr(estimator, "predict"):
            raise ArtifactError(f"{path}: holds a {type(estimator).__name__}, which has no predict(); save the fitted estimator")
        names = getattr(estimator, "feature_names_in_", None)
        names = list(names) if names is not None else features
        if not names:
            raise ArtifactError(f"{path}: the estimator does not record its feature names; fit it on a DataFrame "
                                "or list them in meta.strataqc.model.features")
        return Predictor(estimator, "sklearn", list(names), list(categorical or []), str(path))
    raise ArtifactError(f"{path}: unknown model file type '{suffix}'; use a LightGBM booster file (.txt) "
                        "or a joblib file (.joblib) holding a scikit-learn estimator")


def _lightgbm_categorical(booster: Any, names: list[str]) -> list[str]:
    """Features the booster was trained with as categorical (the `categorical_feature` parameter in the file)."""
    match = re.search(r"\[categorical_feature: ([^\]]*)\]", booster.model_to_string(num_iteration=0))
    if not match:
        return []
    indices = [int(i) for i in match.group(1).split(",") if i.strip().isdigit()]
    return [names[i] for i in indices if i < len(names)]


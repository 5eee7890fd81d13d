"""What `qc-report model list | promote | rollback` does: find the model's versions, show or change its champion."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from strataqc.model import registry
from strataqc.model.artifact import read_card, versions
from strataqc.model.config import ModelConfig, parse_model_config


class VersionsError(ValueError):
    """The model or its versions cannot be found; the message says what to pass or run."""


@dataclass(frozen=True)
class ModelVersions:
    name: str
    cfg: ModelConfig

    @property
    def artifact_dir(self) -> Path:
        return self.cfg.artifact_dir


def find_model(manifest: dict, project_dir: Path, model: str | None) -> ModelVersions:
    """The manifest's model with a `meta.strataqc.model` block: `model` by name, or the only one."""
    from strataqc.checks.runner import model_nodes, strataqc_block

    candidates = {n.get("name"): n for n in model_nodes(manifest)
                  if isinstance(strataqc_block(n), dict) and strataqc_block(n).get("model") is not None}
    if not candidates:
        raise VersionsError("no model in the manifest has a meta.strataqc.model block; add one and run `dbt build`")
    if model is None:
        if len(candidates) > 1:
            raise VersionsError(f"several models have a model block ({', '.join(sorted(candidates))}): "
                                "choose one with --model")
        model = next(iter(candidates))
    if model not in candidates:
        raise VersionsError(f"{model} has no meta.strataqc.model block in the manifest; use one of "
                            f"{', '.join(sorted(candidates))}")
    block = strataqc_block(candidates[model])
    cfg = parse_model_config(model, block.get("model"), project_dir, list(block.get("categorical") or []),
                             block.get("split") if isinstance(block.get("split"), dict) else None)
    return ModelVersions(model, cfg)


def rows(found: ModelVersions) -> list[dict[str, Any]]:
    """One row per saved version, oldest first: role, when trained, fingerprint, valid metrics, last decision."""
    roles = registry.roles(found.artifact_dir) if found.cfg.retrain is not None else {}
    out = []
    for version_dir in versions(found.artifact_dir):
        card = read_card(version_dir)
        valid = (card.get("metrics") or {}).get("model_valid") or {}
        decision = card.get("decision") or {}
        out.append({"version": version_dir.name, "role": roles.get(version_dir.name, "-"),
                    "trained_at": card.get("created_at"),
                    "fingerprint": ((card.get("fingerprint") or {}).get("sha256") or "")[:12],
                    "training_rows": card.get("training_rows"),
                    **{m: valid.get(m) for m in ("mae", "wape")},
                    "decision": decision.get("decision"), "reason": decision.get("reason")})
    return out


def format_rows(found: ModelVersions, table: list[dict[str, Any]]) -> str:
    if not table:
        return f"{found.name}: no saved versions in {found.artifact_dir} (run a night to train one)\n"
    head = ["version", "role", "trained_at", "fingerprint", "rows", "valid_mae", "valid_wape", "decision"]
    body = [[r["version"], r["role"], r["trained_at"] or "", r["fingerprint"], _cell(r["training_rows"]),
             _cell(r["mae"]), _cell(r["wape"]), r["decision"] or ""] for r in table]
    widths = [max(len(str(x)) for x in col) for col in zip(head, *body)]
    lines = ["  ".join(str(x).ljust(w) for x, w in zip(line, widths)).rstrip() for line in [head, *body]]
    if found.cfg.retrain is None:
        lines.append(f"({found.name} has no retrain policy: each night trains on a new train split; "
                     "add model.retrain to keep a champion)")
    return "\n".join(lines) + "\n"


def _cell(value: Any) -> str:
    return "" if value is None else (f"{value:.4g}" if isinstance(value, float) else str(value))


def _needs_policy(found: ModelVersions) -> None:
    if found.cfg.retrain is None:
        raise VersionsError(f"{found.name} has no retrain policy (meta.strataqc.model.retrain): its nights train "
                            "on each new train split, so a champion would not be kept; add `retrain: {on: "
                            "[schedule], every_days: 7}` first")


def promote(found: ModelVersions, version: str, now: dt.datetime, reason: str, wh: Any | None) -> dict[str, Any]:
    _needs_policy(found)
    entry = registry.promote(found.artifact_dir, version, now, reason)
    if wh is not None:
        registry.log_decision(wh, found.name, entry)
    return entry


def rollback(found: ModelVersions, now: dt.datetime, reason: str, wh: Any | None) -> tuple[str, dict[str, Any]]:
    _needs_policy(found)
    current, entry = registry.rollback(found.artifact_dir, now, reason)
    if wh is not None:
        registry.log_decision(wh, found.name, {**registry.read(found.artifact_dir)["decisions"][-2]})
        registry.log_decision(wh, found.name, entry)
    return current, entry

"""`qc-report model list | promote VERSION | rollback`: a model's saved versions, shown, and its champion changed."""

from __future__ import annotations

import datetime as dt
import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from strataqc.exits import EXIT_OK, CannotRun
from strataqc.model.config import ModelConfig, parse_model_config
from strataqc.options import argument, option
from strataqc.warehouse import WarehouseOptions


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
    from strataqc.model import registry
    from strataqc.model.artifact import read_card, versions

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
    from strataqc.model import registry

    _needs_policy(found)
    entry = registry.promote(found.artifact_dir, version, now, reason)
    if wh is not None:
        registry.log_decision(wh, found.name, entry)
    return entry


def rollback(found: ModelVersions, now: dt.datetime, reason: str, wh: Any | None) -> tuple[str, dict[str, Any]]:
    from strataqc.model import registry

    _needs_policy(found)
    current, entry = registry.rollback(found.artifact_dir, now, reason)
    if wh is not None:
        registry.log_decision(wh, found.name, {**registry.read(found.artifact_dir)["decisions"][-2]})
        registry.log_decision(wh, found.name, entry)
    return current, entry


# ------------------------------------------------------------------ the commands

MODEL_HELP = "dbt model with a meta.strataqc.model block (default: the only one)"
TARGET_PATH_HELP = "dbt's target folder with manifest.json (default: PROJECT_DIR/target)"
REASON_HELP = "why: kept in the registry, the card and model_versions"


@dataclass(frozen=True, kw_only=True)
class ListVersions:
    model: str | None = option(None, MODEL_HELP, "--model", "-m")
    project_dir: Path = option(Path("."), "dbt project (folder of dbt_project.yml)")
    target_path: Path | None = option(None, TARGET_PATH_HELP)
    fmt: str = option("table", "table or json", "--format", "-f")


@dataclass(frozen=True, kw_only=True)
class Promote(WarehouseOptions):
    version: str = argument("saved version, e.g. v0003")
    model: str | None = option(None, MODEL_HELP, "--model", "-m")
    target_path: Path | None = option(None, TARGET_PATH_HELP)
    reason: str = option("promoted by hand", REASON_HELP)


@dataclass(frozen=True, kw_only=True)
class Rollback(WarehouseOptions):
    model: str | None = option(None, MODEL_HELP, "--model", "-m")
    target_path: Path | None = option(None, TARGET_PATH_HELP)
    reason: str = option("rolled back by hand", REASON_HELP)


def _found(opts: Any) -> ModelVersions:
    from strataqc.artifacts import ArtifactsError, _read_json

    try:
        manifest = _read_json((opts.target_path or opts.project_dir / "target") / "manifest.json")
        return find_model(manifest, opts.project_dir, opts.model)
    except (ArtifactsError, ValueError) as exc:  # VersionsError and a bad model block are ValueErrors
        raise CannotRun(str(exc)) from exc


def list_versions(opts: ListVersions) -> int:
    """Saved versions, oldest first: role (champion / challenger / retired), metrics, last decision."""
    from strataqc.json_safe import json_safe

    found = _found(opts)
    table = rows(found)
    if opts.fmt == "json":
        sys.stdout.write(json.dumps(json_safe({"model": found.name, "versions": table}), indent=2) + "\n")
    else:
        sys.stdout.write(format_rows(found, table))
    return EXIT_OK


def _change(opts: Any, work: Any) -> Any:
    """Change the registry and log it to the warehouse's model_versions."""
    from strataqc.model.registry import RegistryError
    from strataqc.warehouse import WarehouseError, opened

    try:
        with opened(opts) as wh:
            return work(wh)
    except (RegistryError, VersionsError, WarehouseError) as exc:
        raise CannotRun(str(exc)) from exc


def promote_version(opts: Promote) -> int:
    """Make VERSION the champion: the next night's predictions come from it."""
    from strataqc import clock

    found = _found(opts)
    _change(opts, lambda wh: promote(found, opts.version, clock.now(), opts.reason, wh))
    print(f"{found.name}: {opts.version} is the champion")
    return EXIT_OK


def rollback_version(opts: Rollback) -> int:
    """The previous champion becomes champion again; the current one is retired."""
    from strataqc import clock

    found = _found(opts)
    current, entry = _change(opts, lambda wh: rollback(found, clock.now(), opts.reason, wh))
    print(f"{found.name}: rolled back {current}; {entry['version']} is the champion")
    return EXIT_OK

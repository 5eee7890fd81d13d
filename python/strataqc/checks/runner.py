"""Runs the Python checks of every model that declares a `meta.strataqc` block (DESIGN §4).

For each enabled model node of dbt's manifest with `config.meta.strataqc` (or
`meta.strataqc`): the block is checked into a `CheckSpec`, then feature-set,
drift and (when the block has a `model` key) model-quality checks run, all
from the one reading of the block (`spec.block`). Each
family comes from the registry, imported when its turn comes and guarded: a
family that is missing or raises becomes one `error` record and the others
still run.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any, Callable

from strataqc.checks.base import first_line, run_enabled  # noqa: F401 (run_enabled: older callers)
from strataqc.checks.block import read_block
from strataqc.checks.registry import MODEL_QUALITY, SPEC_FAMILIES, profiled_night
from strataqc.checks.side_by_side import beside, model_reads_earlier
from strataqc.extras import missing_ml, ml_missing_message
from strataqc.layers import layer_of
from strataqc.results import CheckResult, CheckType, Status


def run_python_checks(manifest: dict, wh: Any, project_dir: Path,
                      select: list[str] | None = None) -> list[CheckResult]:
    """Every Python check of the selected models (all models with a block when `select` is empty)."""
    results: list[CheckResult] = []
    for node in model_nodes(manifest, select):
        model = node.get("name") or node.get("unique_id", "?")
        block = strataqc_block(node)
        relation = node.get("relation_name")
        layer = layer_of(node)
        if not relation:
            results.append(CheckResult(check="config", status=Status.ERROR, model=model, layer=layer,
                                       check_type=CheckType.FEATURE_SET,
                                       message=f"{model} has no relation in the manifest (ephemeral model?): "
                                               "materialize it as a table or view to run its Python checks"))
            continue
        results += check_relation(wh, model, relation, block, layer=layer, project_dir=project_dir)
    return results


def check_relation(wh: Any, model_name: str, relation_name: str, config: dict, layer: str | None = "ads",
                   project_dir: Path | None = None) -> list[CheckResult]:
    """Feature-set, drift and model-quality records of one relation, given its meta.strataqc block."""
    from strataqc.checks.config import build_spec

    project_dir = Path(project_dir) if project_dir is not None else Path.cwd()
    results: list[CheckResult] = []
    started = time.monotonic()
    try:
        spec, errors = build_spec(model_name, relation_name, layer, config, wh)
    except Exception as exc:  # build_spec reports bad input as records; this is the engine failing
        spec, errors = None, [_error("config", CheckType.FEATURE_SET, model_name, layer, exc, started)]
    results += errors
    # one reading of the block for the three families: the spec's, or the block alone when no spec was made
    block = spec.block if spec is not None else read_block(model_name, config)
    # model quality starts first: it may run beside the feature-set and drift checks
    quality = (_model_quality(wh, model_name, relation_name, block, layer, project_dir)
               if block is not None and block.names_a_model else None)
    if spec is not None:
        profiled = _profiled(wh, spec, model_name)
        for family in SPEC_FAMILIES.values():
            results += _guarded(family.name, family.check_type, model_name, layer,
                                lambda: family.run(wh, spec, profiled))
    if quality is not None:
        results += quality(list(results))
    # every record names its model and layer, whichever part wrote it
    return [r.replace(model=r.model or model_name, layer=r.layer or layer) for r in results]


def _model_quality(wh: Any, model_name: str, relation_name: str, block: Any, layer: str | None,
                   project_dir: Path) -> Callable[[list[CheckResult]], list[CheckResult]]:
    """The model-quality records, given the night's records before them (see `side_by_side`)."""
    if missing_ml():  # a base install: say how to add the model block's libraries, not an ImportError
        record = CheckResult(check="model_quality", status=Status.ERROR, model=model_name, layer=layer,
                             check_type=CheckType.MODEL_QUALITY, message=ml_missing_message(model_name))
        return lambda earlier: [record]

    def run(db: Any, earlier: list[CheckResult]) -> list[CheckResult]:
        return _guarded(MODEL_QUALITY.name, MODEL_QUALITY.check_type, model_name, layer,
                        lambda: MODEL_QUALITY.run(model_name, relation_name, block, db, project_dir, earlier))
    return beside(wh, model_reads_earlier(block), run)


def model_nodes(manifest: dict, select: list[str] | None = None) -> list[dict]:
    """Enabled model nodes with a meta.strataqc block, in manifest order, filtered by `select`.

    `select` holds model names (or unique ids); a name given but not found is
    not an error here: `qc-report` selects SQL results by the same names.
    """
    wanted = set(select or [])
    out = []
    for unique_id, node in (manifest.get("nodes") or {}).items():
        if node.get("resource_type") != "model":
            continue
        if (node.get("config") or {}).get("enabled") is False:
            continue
        if wanted and node.get("name") not in wanted and unique_id not in wanted:
            continue
        if strataqc_block(node) is None:
            continue
        out.append(node)
    return out


def strataqc_block(node: dict) -> Any:
    """The node's meta.strataqc (config.meta wins: dbt merges YAML `meta` into it)."""
    for meta in ((node.get("config") or {}).get("meta"), node.get("meta")):
        if isinstance(meta, dict) and "strataqc" in meta:
            return meta["strataqc"]
    return None


def _profiled(wh: Any, spec: Any, model: str) -> Any:
    """The model's one profile refresh of the night, before the families that read it (None: none needed)."""
    from strataqc.checks.defaults import CHECK_FAMILIES
    from strataqc.logs import step

    if spec.profiles is None or not any(CHECK_FAMILIES.get(name) in SPEC_FAMILIES for name in spec.checks):
        return None
    try:
        with step(f"{model}: profiles refresh"):
            return profiled_night(wh, spec)
    except Exception:  # reported by the drift checks, which refresh again on their own
        return None


def _guarded(part: str, check_type: CheckType, model: str, layer: str | None,
             run: Callable[[], list[CheckResult]]) -> list[CheckResult]:
    from strataqc.logs import step

    started = time.monotonic()
    try:
        with step(f"{model}: {part} checks"):  # the log says where a night's time went, family by family
            return list(run())
    except ModuleNotFoundError as exc:
        if exc.name and exc.name.startswith("strataqc."):
            return [CheckResult(check=part, status=Status.ERROR, model=model, layer=layer, check_type=check_type,
                                message=f"{part} checks of {model} could not run: module {exc.name} is missing; "
                                        "reinstall StrataQC (pip install -e .)",
                                duration_s=round(time.monotonic() - started, 3))]
        return [_error(part, check_type, model, layer, exc, started)]
    except Exception as exc:  # one broken part must not hide the others' results
        return [_error(part, check_type, model, layer, exc, started)]


def _error(part: str, check_type: CheckType, model: str, layer: str | None, exc: BaseException,
           started: float) -> CheckResult:
    return CheckResult(check=part, status=Status.ERROR, model=model, layer=layer, check_type=check_type,
                       message=f"{part} checks of {model} could not run: {type(exc).__name__}: "
                               f"{first_line(exc, 400)}",
                       duration_s=round(time.monotonic() - started, 3))

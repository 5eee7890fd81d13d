"""The warehouse's four layers and the one rule that puts a model in one (DESIGN §5: layer = folder)."""

from __future__ import annotations

from pathlib import PurePosixPath
from typing import Any

LAYERS = ("ods", "dwd", "dws", "ads")


def layer_of(node: dict[str, Any]) -> str | None:
    """The layer of a dbt node: its folder under models/, else its fqn, else its relation's schema.

    A known layer anywhere in the folders wins, so `models/marts/ads/x.sql` is `ads`
    whether dbt gives `original_file_path` (from the project root) or `path` (from
    models/); a folder that is no known layer is the layer itself (`models/staging/x.sql`).
    """
    folders = _folders(node)
    if folders:
        return next((part for part in folders if part in LAYERS), folders[0])
    if node.get("resource_type") == "seed" or str(node.get("original_file_path") or "").startswith("seeds/"):
        # reference data at the top of seeds/ feeds every layer: it is its own row, not "other"
        return "seeds"
    fqn = [str(part) for part in node.get("fqn") or []][1:-1]
    if fqn:
        return next((part for part in fqn if part in LAYERS), fqn[0])
    # no path and no fqn (a relation name only): the schema is the layer when it is one
    schema = [p.strip('"`') for p in str(node.get("relation_name") or "").split(".")]
    return schema[-2] if len(schema) >= 2 and schema[-2] in LAYERS else None


def _folders(node: dict[str, Any]) -> list[str]:
    original = PurePosixPath(str(node.get("original_file_path") or "").replace("\\", "/"))
    if len(original.parts) > 1 and original.parts[0] == "models":
        return list(original.parts[1:-1])
    path = PurePosixPath(str(node.get("path") or "").replace("\\", "/"))
    return list(path.parts[:-1])


def layer_rank(layer: str | None) -> int:
    """Sources and seeds first (they feed ODS), then ODS to ADS, anything else after."""
    if layer in ("source", "seeds"):
        return -1
    return LAYERS.index(layer) if layer in LAYERS else len(LAYERS)

"""Lineage of the warehouse: models from dbt's manifest, columns from the compiled SQL (DESIGN §7).

A model's parents come from the manifest; a column's parent columns from sqlglot's
lineage over the model's compiled SQL. Where a model's columns cannot be derived
(no compiled SQL, a construct sqlglot cannot follow), the model stays at model
level: every one of its columns is fed by every column of its parents.

The result depends only on the manifest, so it is cached beside it under
target/, keyed by the manifest's hash: one night builds it once.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

import sqlglot
from sqlglot import exp
from sqlglot.lineage import lineage as sqlglot_lineage

from strataqc.layers import layer_of, layer_rank

log = logging.getLogger(__name__)

CACHE_PREFIX = "strataqc_lineage-"
CACHE_VERSION = 2
NODE_TYPES = ("model", "seed", "snapshot", "source")


@dataclass
class Lineage:
    """Models (name -> layer, parents) and column edges ("model.column" -> parent "model.column"s)."""

    layers: dict[str, str | None] = field(default_factory=dict)
    parents: dict[str, list[str]] = field(default_factory=dict)
    columns: dict[str, list[str]] = field(default_factory=dict)
    column_parents: dict[str, list[str]] = field(default_factory=dict)
    # models whose column edges could not be derived: their columns hang on the whole parent models
    model_level: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.children: dict[str, list[str]] = {m: [] for m in self.parents}
        for model, parents in self.parents.items():
            for parent in parents:
                self.children.setdefault(parent, []).append(model)
        self.column_children: dict[str, list[str]] = {}
        for col, parents in self.column_parents.items():
            for parent in parents:
                self.column_children.setdefault(parent, []).append(col)
        self._up: dict[str, set[str]] = {}
        self._up_columns: dict[str, set[str]] = {}

    # -- models -------------------------------------------------------------------------------

    def upstream_models(self, model: str) -> set[str]:
        """Every model the given one is built from (transitively), itself excluded."""
        if model not in self._up:
            self._up[model] = _walk([model], self.parents) - {model}
        return self._up[model]

    def downstream_models(self, model: str) -> set[str]:
        return _walk([model], self.children) - {model}

    # -- columns ------------------------------------------------------------------------------

    def _column_parents(self, node: str) -> list[str]:
        model, _, column = node.partition(".")
        if node in self.column_parents:
            return self.column_parents[node]
        if model in self.model_level or (column and model in self.parents and model not in self.columns):
            return [f"{p}." for p in self.parents.get(model, [])]  # "model." = the whole model
        return []

    def upstream_columns(self, model: str, column: str) -> set[str]:
        """"model.column" nodes feeding the column (transitively); "model." is a whole model."""
        key = f"{model}.{column}"
        if key not in self._up_columns:  # grouping asks the same question for every pair of problems
            self._up_columns[key] = self._walk_up_columns(key)
        return self._up_columns[key]

    def _walk_up_columns(self, start: str) -> set[str]:
        seen, todo = set(), deque([start])
        while todo:
            node = todo.popleft()
            for parent in self._column_parents(node):
                if parent not in seen:
                    seen.add(parent)
                    if parent.endswith("."):
                        seen |= {f"{m}." for m in self.upstream_models(parent[:-1])}
                    else:
                        todo.append(parent)
        return seen

    def downstream_columns(self, model: str, column: str) -> set[str]:
        seen, todo = set(), deque([f"{model}.{column}"])
        while todo:
            node = todo.popleft()
            children = list(self.column_children.get(node, []))
            # a model-level child is fed by every column of this model
            children += [f"{c}." for c in self.children.get(node.partition(".")[0], []) if c in self.model_level]
            for child in children:
                if child not in seen:
                    seen.add(child)
                    if child.endswith("."):
                        seen |= {f"{m}." for m in self.downstream_models(child[:-1])}
                    else:
                        todo.append(child)
        return seen

    def feeds(self, up: tuple[str, str | None], down: tuple[str, str | None]) -> bool:
        """Can the upstream (model, column) reach the downstream (model, column)? None = whole model."""
        (um, uc), (dm, dc) = up, down
        if um == dm:
            return uc is None or dc is None or uc == dc
        if um not in self.upstream_models(dm):
            return False
        if uc is None or dc is None:
            return True
        ups = self.upstream_columns(dm, dc)
        return f"{um}.{uc}" in ups or f"{um}." in ups

    def to_json(self) -> dict[str, Any]:
        return {"version": CACHE_VERSION, "layers": self.layers, "parents": self.parents, "columns": self.columns,
                "column_parents": self.column_parents, "model_level": self.model_level}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "Lineage":
        return cls(data["layers"], data["parents"], data["columns"], data["column_parents"], data["model_level"])


def _walk(start: Iterable[str], edges: dict[str, list[str]]) -> set[str]:
    seen, todo = set(start), deque(start)
    while todo:
        for nxt in edges.get(todo.popleft(), []):
            if nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    return seen


# -- building -----------------------------------------------------------------------------------

def _name(node: dict[str, Any]) -> str:
    return str(node.get("name"))  # a source too: records name the model a test is attached to by its name


def _relation_key(table: exp.Table) -> tuple[str, str]:
    return (table.db or "").lower(), (table.name or "").lower()


def build(manifest: dict[str, Any], dialect: str | None = None) -> Lineage:
    """The lineage of every model, seed, snapshot and source in the manifest."""
    dialect = dialect or (manifest.get("metadata") or {}).get("adapter_type") or "duckdb"
    nodes = {uid: n for section in ("nodes", "sources") for uid, n in (manifest.get(section) or {}).items()
             if isinstance(n, dict) and n.get("resource_type") in NODE_TYPES}
    names = {uid: _name(n) for uid, n in nodes.items()}
    out = Lineage()
    relations: dict[tuple[str, str], str] = {}
    for uid, node in nodes.items():
        name = names[uid]
        out.layers[name] = layer_of(node) if node.get("resource_type") != "source" else "source"
        out.parents[name] = [names[p] for p in (node.get("depends_on") or {}).get("nodes", []) if p in names]
        if node.get("relation_name"):
            try:
                relations[_relation_key(exp.to_table(node["relation_name"], dialect=dialect))] = name
            except sqlglot.errors.ParseError:
                pass
        documented = [str(c) for c in (node.get("columns") or {})]
        if documented:
            out.columns[name] = documented
    out.__post_init__()
    for name in _topological(out.parents):
        uid = next(u for u, n in names.items() if n == name)
        code = nodes[uid].get("compiled_code")
        if nodes[uid].get("resource_type") != "model":
            continue
        # no compiled SQL (dbt skipped the model): its columns follow its parents as wholes
        derived = _columns_of(code, dialect, out, relations) if code else None
        if derived is None:
            out.model_level.append(name)
            continue
        out.columns[name] = list(derived)
        for column, parents in derived.items():
            # count(*) and constants read no column: they follow the parent models' rows
            out.column_parents[f"{name}.{column}"] = sorted(parents) or [f"{p}." for p in out.parents[name]]
    out.__post_init__()
    return out


def _topological(parents: dict[str, list[str]]) -> list[str]:
    done: list[str] = []
    seen: set[str] = set()

    def visit(name: str, path: frozenset) -> None:
        if name in seen or name in path:
            return
        for parent in parents.get(name, []):
            visit(parent, path | {name})
        seen.add(name)
        done.append(name)

    for name in sorted(parents):
        visit(name, frozenset())
    return done


def _columns_of(code: str, dialect: str, known: Lineage, relations: dict[tuple[str, str], str]
                ) -> dict[str, set[str]] | None:
    """Output column -> parent "model.column"s of one compiled model, or None if not derivable."""
    try:
        tree = sqlglot.parse_one(code, read=dialect)
        schema: dict[str, Any] = {}
        for table in tree.find_all(exp.Table):
            model = relations.get(_relation_key(table))
            if model and known.columns.get(model):
                parts = [p for p in (table.catalog, table.db) if p] + [table.name]
                level = schema
                for part in parts[:-1]:
                    level = level.setdefault(part, {})
                level[parts[-1]] = {c: "text" for c in known.columns[model]}
        nodes = sqlglot_lineage(None, tree, schema=schema, dialect=dialect, trim_selects=False)
        if not nodes or "*" in nodes:
            return None
        derived: dict[str, set[str]] = {}
        for column, node in nodes.items():
            parents = set()
            for leaf in node.walk():
                if isinstance(leaf.source, exp.Table) and not leaf.downstream:
                    model = relations.get(_relation_key(leaf.source))
                    if model:
                        name = leaf.name.rsplit(".", 1)[-1]
                        # `select *` from an undocumented source passes the column through under its name
                        parents.add(f"{model}.{column if name == '*' else name}")
            derived[column] = parents
        return derived
    except Exception as exc:  # sqlglot cannot follow every dialect construct: model level then
        log.debug("column lineage not derived: %s: %s", type(exc).__name__, exc)
        return None


# -- cache --------------------------------------------------------------------------------------

def manifest_hash(manifest_path: Path) -> str:
    return hashlib.sha256(Path(manifest_path).read_bytes()).hexdigest()[:16]


def load(target_path: Path, manifest: dict[str, Any] | None = None) -> Lineage:
    """The lineage of target/manifest.json, from the cache when the manifest is unchanged."""
    target_path = Path(target_path)
    path = target_path / "manifest.json"
    cache = target_path / f"{CACHE_PREFIX}{manifest_hash(path)}.json"
    if cache.exists():
        try:
            data = json.loads(cache.read_text())
            if data.get("version") == CACHE_VERSION:
                return Lineage.from_json(data)
        except (OSError, ValueError, KeyError):
            pass  # a broken cache is rebuilt
    found = build(manifest if manifest is not None else json.loads(path.read_text()))
    try:
        for old in target_path.glob(f"{CACHE_PREFIX}*.json"):
            old.unlink()
        cache.write_text(json.dumps(found.to_json()))
    except OSError as exc:  # a read-only target/ costs a rebuild next time, nothing more
        log.debug("lineage cache not written: %s", exc)
    return found


# -- `qc-report lineage` ----------------------------------------------------------------------------

def latest_statuses(frame: Any) -> dict[str, str]:
    """"model" and "model.column" -> the worst status of their checks in a history frame's newest run."""
    from strataqc.results import Status, worst

    if frame is None or frame.empty:
        return {}
    newest = frame[frame["generated_at"] == frame["generated_at"].max()]
    found: dict[str, list[Status]] = {}
    for row in newest.to_dict(orient="records"):
        model, column = row.get("model"), row.get("column_name")
        if not isinstance(model, str):
            continue
        found.setdefault(model, []).append(Status(row["status"]))
        if isinstance(column, str) and column:
            found.setdefault(f"{model}.{column}", []).append(Status(row["status"]))
    return {node: str(worst(statuses)) for node, statuses in found.items()}


def neighbourhood(found: Lineage, target: str, statuses: dict[str, str] | None = None) -> dict[str, Any]:
    """Upstream and downstream of MODEL or MODEL.COLUMN, each node with its layer and latest status."""
    statuses = statuses or {}
    model, _, column = target.partition(".")
    if model not in found.parents:
        known = ", ".join(sorted(m for m in found.parents if found.layers.get(m) != "source")[:8])
        raise KeyError(f"no model {model!r} in the manifest (e.g. {known})")
    if column:
        if found.columns.get(model) and column not in found.columns[model]:
            raise KeyError(f"no column {column!r} in {model} (columns: {', '.join(found.columns[model][:12])})")
        up, down = found.upstream_columns(model, column), found.downstream_columns(model, column)
    else:
        up, down = found.upstream_models(model), found.downstream_models(model)

    def entry(node: str) -> dict[str, Any]:
        name = node.rstrip(".")
        owner = name.partition(".")[0]
        return {"node": name, "layer": found.layers.get(owner), "level": "column" if "." in name else "model",
                "status": statuses.get(name) or statuses.get(owner) or "unknown"}

    def ordered(nodes: set[str]) -> list[dict[str, Any]]:
        return sorted((entry(n) for n in nodes), key=lambda e: (layer_rank(e["layer"]), e["node"]))

    return {"node": entry(target), "upstream": ordered(up), "downstream": ordered(down),
            "model_level": model in found.model_level}


def format_neighbourhood(view: dict[str, Any]) -> str:
    def line(e: dict[str, Any]) -> str:
        return f"  {(e['layer'] or '-').upper():<7}{e['node']:<48}{e['status']}"

    node = view["node"]
    out = [f"{node['node']} ({(node['layer'] or '-').upper()}): {node['status']}"]
    if view["model_level"]:
        out.append("  (column lineage not derived for this model: its columns follow the whole parent models)")
    for side in ("upstream", "downstream"):
        out.append(f"{side} ({len(view[side])}):")
        out += [line(e) for e in view[side]] or ["  (none)"]
    return "\n".join(out) + "\n"

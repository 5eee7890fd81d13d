"""Which saved version is the champion: `registry.json` beside the versions, and the warehouse log.

The file holds the champions in the order they became champion (the last one is tonight's) and every
decision taken; promote pushes a version, rollback pops the current one so the previous champion
forecasts again. Each decision is also appended to the history table `model_versions` (in the history
schema, `strataqc_history` by default) when a warehouse is at hand.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from sqlglot import exp

from strataqc.model.artifact import read_card, update_card, versions

REGISTRY = "registry.json"
ROLES = ("champion", "challenger", "retired")
TABLE = "model_versions"
# name -> DuckDB type (the Warehouse transpiles); one row per decision about a version
VERSION_COLUMNS = {
    "model": "TEXT", "version": "TEXT", "role": "TEXT", "decision": "TEXT", "reason": "TEXT", "triggers": "TEXT",
    "trained_at": "TEXT", "decided_at": "TEXT", "fingerprint": "TEXT", "metric": "TEXT", "valid_metric": "DOUBLE",
    "champion": "TEXT", "champion_metric": "DOUBLE", "champion_fingerprint": "TEXT", "metrics": "TEXT",
}


class RegistryError(ValueError):
    """A promote or rollback that cannot be done; the message says why and what to do."""


def read(artifact_dir: Path) -> dict[str, Any]:
    path = Path(artifact_dir) / REGISTRY
    if not path.exists():
        return {"champions": [], "decisions": []}
    try:
        data = json.loads(path.read_text())
    except (OSError, json.JSONDecodeError) as exc:
        raise RegistryError(f"{path} is not readable JSON ({exc}); restore it or delete it (the next night with a "
                            "retrain policy makes its model the champion)") from exc
    data.setdefault("champions", [])
    data.setdefault("decisions", [])
    return data


def _write(artifact_dir: Path, data: dict[str, Any]) -> None:
    # write then rename: a night reading the registry never sees half of it
    path = Path(artifact_dir) / REGISTRY
    tmp = path.with_name(f".{REGISTRY}.tmp")
    tmp.write_text(json.dumps(data, indent=2, sort_keys=True))
    tmp.replace(path)


def champion(artifact_dir: Path) -> str | None:
    """The champion's version name, if it is still on disk."""
    names = {p.name for p in versions(Path(artifact_dir))}
    for name in reversed(read(artifact_dir)["champions"]):
        if name in names:
            return name
    return None


def champion_since(artifact_dir: Path, version: str) -> dt.datetime | None:
    """When the champion last became champion (promoted the night it was trained, or by hand): the schedule
    counts from it. Decisions are stamped with StrataQC's clock, so simulated nights age it too; a
    version with no decision falls back to when it was trained."""
    stamps = [d.get("decided_at") for d in read(artifact_dir)["decisions"]
              if d.get("version") == version and d.get("role") == "champion"]
    stamps = [s for s in stamps if s] or [read_card(Path(artifact_dir) / version).get("created_at")]
    parsed = [dt.datetime.fromisoformat(s.replace("Z", "+00:00")) for s in stamps if s]
    parsed = [p if p.tzinfo else p.replace(tzinfo=dt.timezone.utc) for p in parsed]
    return parsed[-1] if parsed else None


def schedule_since(artifact_dir: Path, version: str) -> dt.datetime | None:
    """Where the `schedule` trigger counts from: the champion's last promotion, or the last challenger
    judged against it and rejected, whichever is later. A rejected challenger was tonight's scheduled
    retrain: counting from the promotion alone would train (and reject) one every night after."""
    since = champion_since(artifact_dir, version)
    stamps = [d.get("decided_at") for d in read(artifact_dir)["decisions"]
              if d.get("decision") == "rejected" and d.get("champion") == version and d.get("decided_at")]
    parsed = [dt.datetime.fromisoformat(s.replace("Z", "+00:00")) for s in stamps]
    parsed = [p if p.tzinfo else p.replace(tzinfo=dt.timezone.utc) for p in parsed]
    return max([p for p in [since, *parsed] if p is not None], default=None)


def record(artifact_dir: Path, entry: dict[str, Any]) -> dict[str, Any]:
    """Apply one decision: `role: champion` makes `version` the champion (the one before is retired),
    anything else only marks the version. The decision is kept in the registry and on the card."""
    artifact_dir = Path(artifact_dir)
    data = read(artifact_dir)
    version = entry["version"]
    if entry.get("role") == "champion":
        before = champion(artifact_dir)
        data["champions"] = [v for v in data["champions"] if v != version] + [version]
        if before and before != version:
            update_card(artifact_dir / before, role="retired")
    data["decisions"].append(entry)
    _write(artifact_dir, data)
    update_card(artifact_dir / version, role=entry.get("role"), decision=entry)
    return entry


def promote(artifact_dir: Path, version: str, now: dt.datetime, reason: str) -> dict[str, Any]:
    """Make a saved version the champion by hand."""
    artifact_dir = Path(artifact_dir)
    if not (artifact_dir / version).is_dir() or version not in {p.name for p in versions(artifact_dir)}:
        known = ", ".join(p.name for p in versions(artifact_dir)) or "none"
        raise RegistryError(f"no version {version} in {artifact_dir} (saved: {known}); see `qc-report model list`")
    if champion(artifact_dir) == version:
        raise RegistryError(f"{version} is already the champion")
    return record(artifact_dir, _entry(artifact_dir, version, "champion", "promote", reason, now))


def rollback(artifact_dir: Path, now: dt.datetime, reason: str) -> tuple[str, dict[str, Any]]:
    """The champion before the current one becomes champion again; returns (the one rolled back, entry)."""
    artifact_dir = Path(artifact_dir)
    data = read(artifact_dir)
    names = {p.name for p in versions(artifact_dir)}
    stack = [v for v in data["champions"] if v in names]
    if len(stack) < 2:
        raise RegistryError(f"no previous champion in {artifact_dir} to roll back to "
                            f"(champions so far: {', '.join(stack) or 'none'}); promote a version instead")
    current, previous = stack[-1], stack[-2]
    data["champions"] = stack[:-1]
    _write(artifact_dir, data)
    update_card(artifact_dir / current, role="retired")
    retired = _entry(artifact_dir, current, "retired", "rollback", reason, now)
    data = read(artifact_dir)
    data["decisions"].append(retired)
    _write(artifact_dir, data)
    entry = _entry(artifact_dir, previous, "champion", "rollback", reason, now)
    return current, record(artifact_dir, entry)


def _entry(artifact_dir: Path, version: str, role: str, decision: str, reason: str, now: dt.datetime) -> dict:
    card = read_card(Path(artifact_dir) / version)
    return {"version": version, "role": role, "decision": decision, "reason": reason, "triggers": [],
            "trained_at": card.get("created_at"), "decided_at": stamp(now),
            "fingerprint": (card.get("fingerprint") or {}).get("sha256"), "model": card.get("model")}


def stamp(now: dt.datetime) -> str:
    return now.astimezone(dt.timezone.utc).isoformat(timespec="seconds")


def roles(artifact_dir: Path) -> dict[str, str]:
    """Each saved version's role: the champion, champions before it (retired), the rest (challengers)."""
    data = read(artifact_dir)
    current = champion(artifact_dir)
    was = set(data["champions"]) | {d["version"] for d in data["decisions"] if d.get("role") == "champion"}
    return {p.name: "champion" if p.name == current else ("retired" if p.name in was else "challenger")
            for p in versions(Path(artifact_dir))}


# ------------------------------------------------------------------ the warehouse log

def log_decision(wh: Any, model: str, entry: dict[str, Any], schema: str | None = None) -> None:
    """Append one decision to <history schema>.model_versions (created when missing)."""
    from strataqc.history import SCHEMA, _literal

    schema = schema or SCHEMA
    table = exp.table_(TABLE, db=schema, quoted=True)
    wh.execute(exp.Create(this=exp.Table(this=exp.to_identifier(schema, quoted=True)), kind="SCHEMA", exists=True))
    wh.execute(exp.Create(this=exp.Schema(this=table.copy(), expressions=[
        exp.ColumnDef(this=exp.to_identifier(c, quoted=True), kind=exp.DataType.build(t))
        for c, t in VERSION_COLUMNS.items()]), kind="TABLE", exists=True))
    row = {**entry, "model": model, "triggers": ", ".join(entry.get("triggers") or []),
           "metrics": json.dumps(entry.get("metrics") or {}, sort_keys=True)}
    cols = list(VERSION_COLUMNS)
    # insert ... select from values, the history's own shape (Spark takes it too)
    values = exp.values([tuple(_literal(row.get(c), VERSION_COLUMNS[c]) for c in cols)], alias="v", columns=cols)
    select = exp.select(*[exp.column(c, table="v", quoted=True) for c in cols]).from_(values)
    wh.execute(exp.insert(select, table, columns=[exp.to_identifier(c, quoted=True) for c in cols]))


def logged(wh: Any, model: str, schema: str | None = None) -> Any:
    """The model's rows of model_versions, oldest first (an empty frame when there are none)."""
    import pandas as pd

    from strataqc.history import SCHEMA

    table = exp.table_(TABLE, db=schema or SCHEMA, quoted=True)
    try:
        frame = wh.query(exp.select("*").from_(table).where(
            exp.column("model", quoted=True).eq(exp.Literal.string(model))))
    except Exception:  # no table yet: nothing decided in this warehouse
        return pd.DataFrame(columns=list(VERSION_COLUMNS))
    return frame.sort_values("decided_at", kind="stable").reset_index(drop=True)

"""dbt's artifacts of one invocation as StrataQC records (DESIGN §5).

Every test result becomes one `CheckResult`: the check is the generic test's
macro name, the layer the folder of the model it is attached to. For a test
that failed or warned, a few failing rows are fetched again (from its
store_failures table, or its compiled SQL under a limit) so the report can
show what failed and the `observed` / `threshold` / `message` the SQL checks
return as columns.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import sqlglot
from sqlglot import exp

from strataqc.json_safe import json_safe
from strataqc.layers import layer_of
from strataqc.results import CheckResult, CheckType, Status

log = logging.getLogger(__name__)

# dbt's node status -> ours; dbt says 'success' for a model built fine
TEST_STATUS = {"pass": Status.PASS, "warn": Status.WARN, "fail": Status.FAIL, "error": Status.ERROR,
               "skipped": Status.SKIP, "runtime error": Status.ERROR}
BUILD_RESOURCES = ("model", "seed", "snapshot")
# columns the StrataQC SQL checks put on a failing row (DESIGN §3 convention)
ROW_FIELDS = ("observed", "threshold", "message")


class ArtifactsError(Exception):
    """dbt's artifacts are missing or unreadable; the message names the file and the fix."""


@dataclass(frozen=True)
class Artifacts:
    target_path: Path
    run_results: dict[str, Any]
    manifest: dict[str, Any]

    @property
    def invocation_id(self) -> str:
        return self.run_results.get("metadata", {}).get("invocation_id") or "unknown-invocation"

    @property
    def generated_at(self) -> str:
        return self.run_results.get("metadata", {}).get("generated_at") or ""

    def node(self, unique_id: str) -> dict[str, Any]:
        for section in ("nodes", "sources", "unit_tests"):
            found = self.manifest.get(section, {}).get(unique_id)
            if found:
                return found
        return {}


def _read_json(path: Path) -> dict[str, Any]:
    if not path.exists():
        raise ArtifactsError(f"{path} not found: run `dbt build` first (or pass --target-path to dbt's target folder)")
    try:
        data = json.loads(path.read_text())
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ArtifactsError(f"{path} is not readable JSON ({exc}): run `dbt build` first to write it again") from exc
    if not isinstance(data, dict):
        raise ArtifactsError(f"{path} is not a dbt artifact (expected a JSON object): run `dbt build` first")
    return data


def load_artifacts(target_path: Path) -> Artifacts:
    """Read `run_results.json` and `manifest.json` from dbt's target folder."""
    target_path = Path(target_path)
    run_results = _read_json(target_path / "run_results.json")
    manifest = _read_json(target_path / "manifest.json")
    results = run_results.get("results")
    if not isinstance(results, list):
        raise ArtifactsError(f"{target_path / 'run_results.json'} has no 'results' list: run `dbt build` first")
    broken = next((i for i, r in enumerate(results) if not isinstance(r, dict) or not r.get("unique_id")), None)
    if broken is not None:
        raise ArtifactsError(f"{target_path / 'run_results.json'}: result {broken} has no unique_id (not written by "
                             "dbt?): run `dbt build` again to rewrite it")
    if not isinstance(manifest.get("nodes"), dict):
        raise ArtifactsError(f"{target_path / 'manifest.json'} has no 'nodes' object: run `dbt build` first")
    # one bad node would fail deep inside the mapping: name it here instead
    odd = next((uid for uid, node in manifest["nodes"].items() if not isinstance(node, dict)), None)
    if odd is not None:
        raise ArtifactsError(f"{target_path / 'manifest.json'}: node {odd} is not an object: run `dbt build` "
                             "again to rewrite it")
    return Artifacts(target_path, run_results, manifest)


def selection(select: list[str] | tuple[str, ...] | None) -> list[str] | None:
    """--select values as model names: repeated, or space/comma separated."""
    names = [n for value in select or [] for n in value.replace(",", " ").split() if n]
    return names or None


def check_selection(select: list[str], artifacts: Artifacts) -> None:
    """--select names models; an unknown name would silently report nothing."""
    known = {n.get("name") for n in artifacts.manifest.get("nodes", {}).values()
             if isinstance(n, dict) and n.get("resource_type") in BUILD_RESOURCES}
    unknown = [name for name in select if name not in known]
    if unknown:
        hint = ", ".join(sorted(n for n in known if n)[:8]) or "none"
        raise ArtifactsError(f"--select {' '.join(unknown)}: no such model in {artifacts.target_path / 'manifest.json'}; "
                             f"give model names (e.g. {hint}) or run `dbt build` for the current project first")


def built_selection(select: list[str] | tuple[str, ...] | None, artifacts: Artifacts) -> list[str] | None:
    """`night --select` speaks dbt's selector syntax (tag:x, model+, state:modified+): report what dbt built."""
    names = selection(select)
    if not names or all(n.replace("_", "").isalnum() for n in names):
        return names
    built = sorted({artifacts.node(r.get("unique_id", "")).get("name") or r.get("unique_id", "").split(".")[-1]
                    for r in artifacts.run_results.get("results", [])
                    if isinstance(r, dict) and str(r.get("unique_id", "")).startswith("model.")})
    return built or None


def unquote(name: str | None) -> str | None:
    """`"category"` (quote: true) -> `category`."""
    if name and len(name) > 1 and name[0] == name[-1] and name[0] in "\"`[":
        return name[1:-1].replace(name[0] * 2, name[0])
    return name


def _attached_model(artifacts: Artifacts, test: dict[str, Any]) -> dict[str, Any]:
    attached = test.get("attached_node")
    if not attached:
        parents = [n for n in test.get("depends_on", {}).get("nodes", []) if n.startswith(("model.", "seed.", "snapshot.", "source."))]
        attached = parents[0] if len(parents) == 1 else None
    return artifacts.node(attached) if attached else {}


def _column_name(node: dict[str, Any]) -> str | None:
    # a column test listed under the model's data_tests has its column only among the arguments
    return node.get("column_name") or ((node.get("test_metadata") or {}).get("kwargs") or {}).get("column_name")


def _declared_columns(node: dict[str, Any]) -> dict[str, Any]:
    """A singular test names the columns it reads in `meta: {strataqc: {columns: [...]}}` (it has no arguments):
    incidents connect it through those columns rather than through its whole model."""
    declared = (((node.get("config") or {}).get("meta") or {}).get("strataqc") or {}).get("columns")
    if isinstance(declared, str):
        declared = [declared]
    return {"columns": [str(c) for c in declared]} if isinstance(declared, list) and declared else {}


def _check_name(node: dict[str, Any]) -> str:
    meta = node.get("test_metadata") or {}
    if meta.get("name"):
        return meta["name"]
    if node.get("resource_type") == "unit_test":
        return "unit_test"
    return node.get("name", "test")  # a singular test is its own check


def _failed_upstream(artifacts: Artifacts, uid: str, statuses: dict[str, str]) -> str | None:
    """The first upstream node that failed, so a skip says why."""
    parent_map = artifacts.manifest.get("parent_map", {})
    seen, todo = set(), list(parent_map.get(uid) or artifacts.node(uid).get("depends_on", {}).get("nodes", []))
    while todo:
        parent = todo.pop(0)
        if parent in seen:
            continue
        seen.add(parent)
        if statuses.get(parent) in ("error", "fail"):
            return parent
        # a failing test on a parent also stops the children in `dbt build`
        for child in artifacts.manifest.get("child_map", {}).get(parent, []):
            if child.startswith("test.") and statuses.get(child) in ("error", "fail") and child != uid:
                return child
        todo.extend(parent_map.get(parent, []))
    return None


# the alias strataqc's scoped relations carry (macros/internal/scoped_relation.sql): the test read a slice
SCOPED_ALIAS = "strataqc_scoped"
NEW_ROWS = "new_rows"


def _short(uid: str) -> str:
    parts = uid.split(".")
    return parts[2] if len(parts) > 2 else uid


@dataclass
class SampleFetcher:
    """Re-reads a few failing rows of a test; bounded, and never fatal."""

    wh: Any
    limit: int = 5
    max_tests: int = 100
    fetched: int = field(default=0, init=False)

    def rows(self, node: dict[str, Any], result: dict[str, Any]) -> tuple[list[dict[str, Any]], str | None]:
        if self.wh is None or self.limit <= 0 or self.fetched >= self.max_tests:
            return [], None
        self.fetched += 1
        sql = self._sample_sql(node, result)
        if sql is None:
            return [], "no compiled SQL in the artifacts"
        try:
            frame = self.wh.query(sql)
        except Exception as exc:  # the table may be gone by now; the verdict stands without samples
            return [], f"sample rows unavailable: {str(exc).splitlines()[0][:200]}"
        return [_json_safe_row(row) for row in frame.head(self.limit).to_dict(orient="records")], None

    def _sample_sql(self, node: dict[str, Any], result: dict[str, Any]) -> str | exp.Expression | None:
        relation = node.get("relation_name") or result.get("relation_name")
        if relation and (node.get("config") or {}).get("store_failures"):
            table = exp.to_table(relation, dialect=self.wh.dialect)
            return exp.select("*").from_(table).limit(self.limit)
        compiled = result.get("compiled_code") or node.get("compiled_code")
        if not compiled:
            return None
        return limited(compiled, self.limit, self.wh.dialect)


def limited(compiled: str, limit: int, dialect: str) -> str | exp.Expression:
    """The test's own SQL (already in the engine's dialect) under a row limit."""
    body = compiled.strip().rstrip(";")
    if dialect == "duckdb":
        # the newline ends a trailing `--` comment before the closing parenthesis
        return f"select * from (\n{body}\n) as strataqc_sample limit {int(limit)}"
    # other engines: parse in their own dialect so Warehouse.query does not re-read it as DuckDB
    inner = sqlglot.parse_one(body, read=dialect)
    return exp.select("*").from_(inner.subquery("strataqc_sample")).limit(limit)


def _json_safe_row(row: dict[str, Any]) -> dict[str, Any]:
    """A failing row for the report: JSON values, long text cut (a row is a hint, not the data)."""
    out = {}
    for key, value in json_safe(row).items():
        if isinstance(value, (list, dict)):  # an array or struct column: one cell of text, like any odd value
            value = str(value)
        out[key] = value[:200] + "…" if isinstance(value, str) and len(value) > 200 else value
    return out


def _number(value: Any) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if number == number else None


def _from_rows(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """observed / threshold / message from the first failing row that has them."""
    lowered = [{k.lower(): v for k, v in row.items()} for row in rows]
    found: dict[str, Any] = {}
    for row in lowered:
        for name in ROW_FIELDS:
            if name not in found and row.get(name) is not None:
                found[name] = row[name]
    rules = sorted({f"{unquote(r.get('column_name'))}: {r['rule']}" for r in lowered
                    if r.get("rule") is not None and r.get("column_name") is not None})
    if rules:
        found["rules"] = rules
    return found


def sql_results(artifacts: Artifacts, wh: Any = None, *, sample_rows: int = 5,
                 select: list[str] | None = None) -> list[CheckResult]:
    """Every test (and every model that failed to build) of the invocation as a record."""
    results = artifacts.run_results.get("results", [])
    statuses = {r.get("unique_id"): str(r.get("status", "")).lower() for r in results}
    fetcher = SampleFetcher(wh, limit=sample_rows)
    records: list[CheckResult] = []
    for result in results:
        uid = result.get("unique_id", "")
        node = artifacts.node(uid)
        resource = node.get("resource_type") or uid.split(".")[0]
        if resource in ("test", "unit_test"):
            record = _test_record(artifacts, uid, node, result, statuses, fetcher)
        elif resource in BUILD_RESOURCES and statuses[uid] in ("error", "skipped"):
            record = _build_record(artifacts, uid, node, result, statuses)
        else:
            continue
        if select and record.model not in select:
            continue
        records.append(record)
    records.extend(_never_ran(artifacts, statuses, select))
    return records


def _test_record(artifacts: Artifacts, uid: str, node: dict[str, Any], result: dict[str, Any],
                 statuses: dict[str, str], fetcher: SampleFetcher) -> CheckResult:
    model = _attached_model(artifacts, node)
    status = TEST_STATUS.get(statuses[uid], Status.ERROR)
    failures = result.get("failures")
    message = (result.get("message") or "").strip()
    details: dict[str, Any] = {"unique_id": uid, "test_name": node.get("name") or _short(uid),
                               "severity": str((node.get("config") or {}).get("severity") or "").lower() or None}
    kwargs = {k: v for k, v in ((node.get("test_metadata") or {}).get("kwargs") or {}).items()
              if k not in ("model", "column_name")} or _declared_columns(node)
    if kwargs:
        details["arguments"] = kwargs
    if SCOPED_ALIAS in (result.get("compiled_code") or node.get("compiled_code") or ""):
        details["scope"] = NEW_ROWS  # read the rows this run wrote: its values are tonight's, not the table's
    observed = threshold = None
    if status in (Status.FAIL, Status.WARN):
        rows, problem = fetcher.rows(node, result)
        if rows:
            details["sample_rows"] = rows
            found = _from_rows(rows)
            # one failing row (a ratio check) carries the check's own numbers; many rows only examples
            if len(rows) == 1 or not found.get("rules"):
                observed, threshold = _number(found.get("observed")), _number(found.get("threshold"))
            if found.get("rules"):
                details["rules"] = found["rules"]
                messages = [str(m) for m in dict.fromkeys(r.get("message") for r in rows) if m]
                message = "; ".join(messages) if messages else f"{_rows(failures)}; rules: {', '.join(found['rules'])}"
            elif found.get("message"):
                many = isinstance(failures, int) and failures > 1
                message = f"{_rows(failures)}, e.g. {found['message']}" if many else str(found["message"])
        elif problem:
            details["sample_problem"] = problem
        if message.startswith("Got ") and failures is not None:
            message = f"{_rows(failures)} ({message})"
    elif status is Status.SKIP:
        upstream = _failed_upstream(artifacts, uid, statuses)
        message = f"not run: upstream {_short(upstream)} failed" if upstream else (message or "skipped by dbt")
    elif status is Status.ERROR:
        message = _first_lines(message) or "dbt reported an error"
    return CheckResult(
        check=_check_name(node), status=status, check_type=CheckType.SQL,
        model=model.get("name"), layer=layer_of(model) if model else layer_of(node),
        column=unquote(_column_name(node)), observed=observed, threshold=threshold,
        failures=int(failures) if isinstance(failures, (int, float)) and status is not Status.SKIP else None,
        message=message, duration_s=_duration(result), details=details,
    )


def _build_record(artifacts: Artifacts, uid: str, node: dict[str, Any], result: dict[str, Any],
                  statuses: dict[str, str]) -> CheckResult:
    status = Status.ERROR if statuses[uid] == "error" else Status.SKIP
    details = {"unique_id": uid, "resource_type": node.get("resource_type", uid.split(".")[0])}
    if status is Status.ERROR:
        message = _first_lines(result.get("message") or "") or "build failed"
    else:
        upstream = _failed_upstream(artifacts, uid, statuses)
        message = f"not built: upstream {_short(upstream)} failed" if upstream else "not built (skipped by dbt)"
        if upstream:
            # the report's summary names what stopped it: a failing test, or a model that did not build
            details.update(stopped_by=_short(upstream), stopped_by_test=upstream.startswith("test."))
    return CheckResult(check="build", status=status, check_type=CheckType.SQL, model=node.get("name") or _short(uid),
                       layer=layer_of(node), message=message, duration_s=_duration(result), details=details)


def models_left_out(artifacts_or_run_results: Any, manifest: dict[str, Any], names: list[str]) -> list[str]:
    """Models among `names` that this invocation built no result for: their tables are from an earlier run.

    Judged only when the invocation built models (`dbt build`/`run`): after a
    `dbt test` alone no model has a build result, and its tests read the tables as they are.
    """
    run_results = getattr(artifacts_or_run_results, "run_results", artifacts_or_run_results) or {}
    seen = {str(r.get("unique_id", "")) for r in run_results.get("results", [])}
    if not any(uid.startswith("model.") for uid in seen):
        return []
    ids = {node.get("name"): uid for uid, node in manifest.get("nodes", {}).items()
           if node.get("resource_type") == "model"}
    return [name for name in names if name in ids and ids[name] not in seen]


def _never_ran(artifacts: Artifacts, statuses: dict[str, str], select: list[str] | None) -> list[CheckResult]:
    """Tests of a full `dbt build`/`dbt test` that dbt stopped before reaching."""
    args = artifacts.run_results.get("args") or {}
    if args.get("which") not in ("build", "test") or args.get("select") or args.get("exclude") or args.get("selector"):
        return []  # a partial selection: absent tests were not asked for
    project = artifacts.manifest.get("metadata", {}).get("project_name")
    out = []
    for uid, node in artifacts.manifest.get("nodes", {}).items():
        if node.get("resource_type") != "test" or uid in statuses:
            continue
        if project and node.get("package_name") not in (None, project):
            continue
        if (node.get("config") or {}).get("enabled") is False:
            continue
        model = _attached_model(artifacts, node)
        if select and model.get("name") not in select:
            continue
        out.append(CheckResult(check=_check_name(node), status=Status.SKIP, model=model.get("name"),
                               layer=layer_of(model) if model else None, column=unquote(node.get("column_name")),
                               message="not run: dbt stopped before reaching this test",
                               details={"unique_id": uid, "test_name": node.get("name")}))
    return out


def _first_lines(message: str, n: int = 3) -> str:
    lines = [line.strip() for line in message.strip().splitlines() if line.strip()]
    return " ".join(lines[:n])[:500]


def _duration(result: dict[str, Any]) -> float | None:
    value = result.get("execution_time")
    return round(float(value), 3) if isinstance(value, (int, float)) else None


def _rows(failures: Any) -> str:
    return f"{failures} failing row{'' if failures == 1 else 's'}"

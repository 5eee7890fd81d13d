"""The round trip of one schema YAML file: read, rewrite the tests that translate, write, diff."""

from __future__ import annotations

import difflib
import io
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import YAMLError

from strataqc.migrate.rule import CONFIG_KEYS, PACKAGES, TEST_LISTS, Translation, Untranslatable
from strataqc.migrate.translate import translate

@dataclass
class Skipped:
    path: Path
    where: str        # model or model.column
    test: str
    reason: str


@dataclass
class FileMigration:
    path: Path
    old_text: str
    new_text: str
    translated: list[tuple[str, str, str]] = field(default_factory=list)   # (where, old test, new test)
    skipped: list[Skipped] = field(default_factory=list)

    def diff(self) -> str:
        return "".join(difflib.unified_diff(self.old_text.splitlines(True), self.new_text.splitlines(True),
                                            fromfile=f"a/{self.path.as_posix().lstrip('/')}",
                                            tofile=f"b/{self.path.as_posix().lstrip('/')}"))


class MigrationError(Exception):
    """A file that cannot be read as schema YAML; the message names it and the fix."""


def _yaml(text: str) -> YAML:
    yaml = YAML()
    yaml.preserve_quotes = True
    yaml.width = 4096   # never re-wrap a long line the user wrote
    # dbt projects indent list items under their key ("models:\n  - name") or not; keep whichever the file uses
    indented = re.search(r"^(\s*)[\w-]+:\s*\n\1  +- ", text, re.M)
    yaml.indent(mapping=2, sequence=4, offset=2) if indented else yaml.indent(mapping=2, sequence=2, offset=0)
    return yaml


def _entry(item: Any) -> tuple[str | None, Any]:
    if isinstance(item, str):
        return item, None
    if isinstance(item, dict) and len(item) == 1:
        (name, body), = item.items()
        return name, body
    return None, None


def _split(body: Any) -> tuple[dict[str, Any], bool]:
    """(arguments, new style?) of a test entry's body."""
    if body is None:
        return {}, False
    if not isinstance(body, dict):
        raise Untranslatable("the test's body is not a mapping")
    if "arguments" in body:
        return dict(body["arguments"] or {}), True
    return {k: v for k, v in body.items() if k not in CONFIG_KEYS}, False


def _new_args(old: Any, rule: Translation) -> CommentedMap:
    out = CommentedMap()
    for name, value, source in rule.args:
        out[name] = value
        if isinstance(old, CommentedMap) and source in old.ca.items:
            out.ca.items[name] = old.ca.items[source]   # a comment on the old argument's line stays with it
    return out


def _add_where(body: CommentedMap, where: str) -> None:
    # under config: dbt 1.10+ deprecates `where` beside the arguments
    if not isinstance(body.get("config"), dict):
        body["config"] = CommentedMap()
    target = body["config"]
    old = target.get("where") or body.pop("where", None)
    target["where"] = f"({old}) and ({where})" if old else where


def _rewrite(name: str, body: Any, rule: Translation, column: str | None) -> Any:
    args = _new_args(body.get("arguments") if isinstance(body, dict) and "arguments" in body else body, rule)
    if rule.model_column_arg:
        args.insert(0, rule.model_column_arg, column)
    if body is None and not args and rule.where is None:
        return rule.test
    _, new_style = _split(body) if body is not None else ({}, False)
    if body is None:
        new_body = CommentedMap()
        new_body.update(args)
    elif new_style:
        new_body = body
        if args:
            body["arguments"] = args
        else:
            del body["arguments"]
    else:
        new_body = CommentedMap()
        placed = False
        for key, value in body.items():
            if key in CONFIG_KEYS:
                new_body[key] = value
                if key in body.ca.items:
                    new_body.ca.items[key] = body.ca.items[key]
            elif not placed:
                new_body.update(args)
                for k in args:
                    if k in args.ca.items:
                        new_body.ca.items[k] = args.ca.items[k]
                placed = True
        if not placed:
            for k, v in reversed(list(args.items())):
                new_body.insert(0, k, v)
        new_body.ca.comment = body.ca.comment
        if body.fa.flow_style():
            new_body.fa.set_flow_style()
    if rule.where is not None:
        _add_where(new_body, rule.where)
    out = CommentedMap()
    out[rule.test] = new_body
    return out


def _keep_comments(old: Any, new: Any) -> Any:
    if isinstance(old, CommentedMap) and isinstance(new, CommentedMap):
        (old_key,), (new_key,) = list(old), list(new)
        if old_key in old.ca.items:
            new.ca.items[new_key] = old.ca.items[old_key]
        new.ca.comment = old.ca.comment
        if old.fa.flow_style():
            new.fa.set_flow_style()
    return new


def _node_tests(node: CommentedMap) -> CommentedSeq:
    for key in TEST_LISTS:
        if isinstance(node.get(key), list):
            return node[key]
    node["data_tests"] = CommentedSeq()
    return node["data_tests"]


def _signature(item: Any) -> str | None:
    """What dbt names a test after: its name and arguments (not its config)."""
    name, body = _entry(item)
    if not isinstance(name, str):
        return None
    try:
        args, _ = _split(body)
    except Untranslatable:
        return None
    return name + json.dumps(args, sort_keys=True, default=str)


def _migrate_list(result: FileMigration, node: CommentedMap, tests: CommentedSeq, label: str, column: str | None) -> None:
    moved = []
    seen = {_signature(item) for item in tests}
    model_seen = {_signature(item) for key in TEST_LISTS for item in (node.get(key) or [])}
    for i, item in enumerate(tests):
        name, body = _entry(item)
        if not isinstance(name, str) or not name.startswith(PACKAGES):
            continue
        where = f"{label}.{column}" if column else label
        try:
            args, _ = _split(body)
            rule = translate(name, args, "column" if column else "model", column)
            new = _keep_comments(item, _rewrite(name, body, rule, column))
            to_model = rule.model_column_arg is not None and column is not None
            signature = _signature(new)
            if signature in (model_seen if to_model else seen):
                raise Untranslatable(f"it becomes {rule.test} with the same arguments as another test there, and dbt "
                                     "rejects two tests of one name: delete one, or give one a `name:`")
        except Untranslatable as exc:
            result.skipped.append(Skipped(result.path, where, name, str(exc)))
            continue
        (model_seen if to_model else seen).add(signature)
        tests[i] = new
        if to_model:
            moved.append(i)
        result.translated.append((where, name, rule.test))
    # StrataQC runs these on the model: they move from the column's tests to the model's
    for i in moved:
        _node_tests(node).append(tests[i])
    for i in reversed(moved):
        del tests[i]


def _migrate_node(result: FileMigration, node: Any, label: str) -> None:
    if not isinstance(node, dict):
        return
    for key in list(node):   # in file order, so what is not translated is listed top to bottom
        if key in TEST_LISTS and isinstance(node[key], list):
            _migrate_list(result, node, node[key], label, None)
        elif key == "columns":
            for column in node.get("columns") or []:
                if not isinstance(column, dict) or not isinstance(column.get("name"), str):
                    continue
                for tests in TEST_LISTS:
                    if isinstance(column.get(tests), list) and column[tests]:
                        _migrate_list(result, node, column[tests], label, column["name"])
                        if not column[tests]:   # every test moved to the model
                            del column[tests]


def migrate_text(path: Path, text: str) -> FileMigration:
    """The migrated YAML of one schema file, with what was translated and what was not."""
    yaml = _yaml(text)
    try:
        doc = yaml.load(text)
    except YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f" (line {mark.line + 1})" if mark else ""
        raise MigrationError(f"{path}: not valid YAML{line}; fix the file or leave it out") from None
    result = FileMigration(path, text, text)
    if not isinstance(doc, dict):
        return result
    for kind in ("models", "seeds", "snapshots"):
        for node in doc.get(kind) or []:
            if isinstance(node, dict):
                _migrate_node(result, node, str(node.get("name")))
    for source in doc.get("sources") or []:
        if isinstance(source, dict):
            for table in source.get("tables") or []:
                if isinstance(table, dict):
                    _migrate_node(result, table, f"{source.get('name')}.{table.get('name')}")
    if result.translated:
        out = io.StringIO()
        yaml.dump(doc, out)
        result.new_text = out.getvalue()
    return result


def schema_files(paths: list[Path]) -> list[Path]:
    """The YAML files under the given files and folders (dbt_packages and target left out)."""
    found: list[Path] = []
    for path in paths:
        if not path.exists():
            raise MigrationError(f"{path}: no such file or folder; give schema YAML files or the folders holding them")
        if path.is_file():
            found.append(path)
            continue
        for file in sorted([*path.rglob("*.yml"), *path.rglob("*.yaml")]):
            if not {"dbt_packages", "target", "logs", ".venv"} & set(file.relative_to(path).parts):
                found.append(file)
    return found


def migrate_paths(paths: list[Path], write: bool = False) -> list[FileMigration]:
    """Every file's migration; with write, changed files are rewritten in place."""
    results = []
    for file in schema_files(paths):
        try:
            text = file.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise MigrationError(f"{file}: cannot be read ({exc}); check the path and its encoding") from None
        result = migrate_text(file, text)
        if write and result.new_text != result.old_text:
            file.write_text(result.new_text, encoding="utf-8")
        results.append(result)
    return results

"""What a translation rule is made of: the old arguments, the new test, and why one cannot be made."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ruamel.yaml.comments import CommentedSeq

PACKAGES = ("dbt_utils.", "dbt_expectations.")
# keys of a test entry that configure it rather than pass an argument (dbt's own)
CONFIG_KEYS = {"name", "config", "description", "severity", "where", "error_if", "warn_if", "limit",
               "store_failures", "store_failures_as", "tags", "meta", "enabled", "fail_calc",
               "database", "schema", "alias", "column_name"}
TEST_LISTS = ("data_tests", "tests")
PLAIN_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


class Untranslatable(Exception):
    """The test (or one of its arguments) has no StrataQC equivalent; the message says why."""


@dataclass
class Translation:
    test: str
    args: list[tuple[str, Any, str | None]]   # (new name, value, old name whose comment it keeps)
    where: str | None = None                  # a row filter that becomes the test's `where` config
    # a column test StrataQC runs on the model: the argument that names the column ("" when args already do)
    model_column_arg: str | None = None


class Args:
    """The old test's arguments; every one a rule does not take is reported, never dropped."""

    def __init__(self, values: dict[str, Any], level: str, column: str | None):
        self.values, self.level, self.column, self.used = dict(values), level, column, set()

    def get(self, key: str, default: Any = None) -> Any:
        self.used.add(key)
        value = self.values.get(key)
        return default if value is None else value

    def has(self, key: str) -> bool:
        return self.values.get(key) is not None

    def ignore(self, key: str, harmless: Any) -> None:
        """An argument with no StrataQC meaning: fine at its harmless value, reported otherwise."""
        if self.get(key, harmless) != harmless:
            raise Untranslatable(f"argument `{key}: {self.values[key]}` has no equivalent")

    def leftover(self) -> list[str]:
        return [k for k, v in self.values.items() if k not in self.used and v is not None]


def _arg(name: str, value: Any, source: str | None = None) -> tuple[str, Any, str | None]:
    return (name, value, source)


def _args(*pairs: tuple[str, Any, str | None]) -> list[tuple[str, Any, str | None]]:
    return [p for p in pairs if p[1] is not None]


def _plain(name: Any, what: str) -> str:
    """A column name written into an expression: only plain names, which need no engine's quoting."""
    if not isinstance(name, str) or not PLAIN_NAME.match(name):
        raise Untranslatable(f"{what} {name!r} is not a plain column name; write the strataqc.expression_is_true by hand")
    return name


def _flow(values: Any) -> Any:
    """A list written inline ([a, b]), as dbt projects mostly write short lists; a list read from the file keeps its style."""
    if isinstance(values, CommentedSeq) or values is None:
        return values
    seq = CommentedSeq(values if isinstance(values, list) else [values])
    seq.fa.set_flow_style()
    return seq


def _groups(a: Args, key: str) -> Any:
    return _flow(a.get(key)) if a.get(key) else None


def _no_groups(a: Args, key: str, instead: str) -> None:
    if a.has(key) and a.get(key):
        raise Untranslatable(f"`{key}` has no equivalent here; {instead}")


def _none(reason: str) -> Callable[[Args], Translation]:
    def rule(a: Args) -> Translation:
        raise Untranslatable(reason)
    return rule

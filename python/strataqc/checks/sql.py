"""Names in the statistics SQL: quoted columns and dbt relations as sqlglot expressions.

Raw names never enter SQL as text: a column named with quotes, a semicolon or
`--` stays one identifier.
"""

from __future__ import annotations

from sqlglot import exp


def column(name: str) -> exp.Column:
    """A quoted column: names with quotes, semicolons or `--` stay one identifier."""
    return exp.column(exp.to_identifier(name, quoted=True))


def relation_table(relation: str, dialect: str = "duckdb") -> exp.Table:
    """A sqlglot table from dbt's `relation_name`."""
    return exp.to_table(relation, dialect=dialect)

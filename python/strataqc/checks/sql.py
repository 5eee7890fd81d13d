"""Names in the statistics SQL: quoted columns and dbt relations as sqlglot expressions.

Raw names never enter SQL as text: a column named with quotes, a semicolon or
`--` stays one identifier.
"""

from __future__ import annotations

from sqlglot import exp

from strataqc.days_sql import column  # noqa: F401 (one quoting of a column name, shared below checks)


def relation_table(relation: str, dialect: str = "duckdb") -> exp.Table:
    """A sqlglot table from dbt's `relation_name`."""
    return exp.to_table(relation, dialect=dialect)

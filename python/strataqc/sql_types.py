"""SQL types built once: sqlglot parses a type given as text on every cast it builds.

A night builds tens of thousands of casts (every literal of a history row, every column of a
profile query): parsing "DOUBLE" each time was a tenth of the report's SQL building.
"""

from __future__ import annotations

import functools

from sqlglot import exp


@functools.lru_cache(maxsize=None)
def _built(name: str) -> exp.DataType:
    return exp.DataType.build(name)


def data_type(name: str) -> exp.DataType:
    """The type `name` ("DOUBLE", "varchar", "decimal(10, 2)") as a node of its own."""
    return _built(name).copy()


def sql_cast(expression: exp.Expression | str, to: str) -> exp.Cast:
    """`exp.cast(expression, to)`, without parsing `to` again (sqlglot copies the type into the cast)."""
    return exp.cast(expression, _built(to))

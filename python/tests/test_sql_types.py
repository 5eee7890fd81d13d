"""strataqc/sql_types.py: casts equal to sqlglot's, with each type parsed once."""

from __future__ import annotations

import pytest
from sqlglot import exp

from strataqc.sql_types import _built, data_type, sql_cast


@pytest.mark.parametrize("name", ["DOUBLE", "varchar", "DATE", "timestamp", "int", "decimal(10, 2)", "TEXT"])
def test_a_cast_is_sqlglots_cast(name):
    for dialect in ("duckdb", "postgres", "spark"):
        assert sql_cast(exp.column("x"), name).sql(dialect) == exp.cast(exp.column("x"), name).sql(dialect)
    # a cast of a cast to the same type stays one cast, as sqlglot's does
    twice = sql_cast(sql_cast(exp.column("x"), name), name)
    assert twice.sql() == exp.cast(exp.cast(exp.column("x"), name), name).sql()


def test_each_type_is_parsed_once_and_every_cast_owns_its_node():
    _built.cache_clear()
    first, second = sql_cast(exp.column("a"), "DOUBLE"), sql_cast(exp.column("b"), "DOUBLE")
    assert _built.cache_info().misses == 1 and _built.cache_info().hits == 1
    assert first.to is not second.to and first.to.parent is first
    mine = data_type("DOUBLE")
    mine.set("this", exp.DataType.Type.INT)     # changing one node changes no other cast
    assert sql_cast(exp.column("c"), "DOUBLE").sql() == "CAST(c AS DOUBLE)"

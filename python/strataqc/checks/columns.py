"""The columns of a relation and the type family (numeric, categorical, date, boolean) of each."""

from __future__ import annotations

import re
from typing import Any

from sqlglot import exp

from strataqc.checks.sql import relation_table

FAMILIES = ("numeric", "categorical", "date", "boolean")
# physical type (lower case, without parameters) -> family; engines spell types differently
_TYPE_PATTERNS = [
    (re.compile(r"^(bool|boolean)$"), "boolean"),
    (re.compile(r"^(tinyint|smallint|int|integer|bigint|hugeint|uhugeint|utinyint|usmallint|uinteger|ubigint|"
                r"int1|int2|int4|int8|int16|int32|int64|int128|long|short|byte|float|float4|float8|real|double|"
                r"double precision|decimal|numeric|number|varint|bignum|smallserial|serial|bigserial)$"), "numeric"),
    (re.compile(r"^(date|time|timestamp|datetime|interval|timestamptz|timestamp with time zone|"
                r"timestamp without time zone|time with time zone|time without time zone|"
                r"timestamp_s|timestamp_ms|timestamp_ns|timestamp_ntz|timestamp_ltz)$"), "date"),
    (re.compile(r"^(varchar|text|string|char|character|character varying|bpchar|enum|uuid|name|citext)$"),
     "categorical"),
]


def type_family(data_type: str) -> str | None:
    """numeric | categorical | date | boolean for a physical type, None for nested/other types."""
    base = re.sub(r"\(.*\)", "", str(data_type)).strip().lower()
    base = re.sub(r"\s+", " ", base)
    if base.endswith("[]") or base.startswith(("struct", "map", "array", "list", "union")):
        return None
    for pattern, family in _TYPE_PATTERNS:
        if pattern.match(base):
            return family
    if base.startswith(("decimal", "numeric")):
        return "numeric"
    if base.startswith("timestamp"):
        return "date"
    if base.startswith(("varchar", "char")):
        return "categorical"
    return None


def describe_relation(wh: Any, relation: str) -> dict[str, str]:
    """Column -> physical type of `relation`, in table order ({} when it does not exist)."""
    table = relation_table(relation, wh.dialect)
    if wh.dialect == "spark":
        frame = wh.query(exp.Describe(this=table))
        out: dict[str, str] = {}
        for name, data_type in zip(frame.iloc[:, 0], frame.iloc[:, 1]):
            if not name or str(name).startswith("#"):
                break  # partition/detail sections repeat columns after a '#' header
            out[str(name)] = str(data_type)
        return out
    conditions = [exp.column("table_name").eq(exp.Literal.string(table.name))]
    if table.db:
        conditions.append(exp.column("table_schema").eq(exp.Literal.string(table.db)))
    if table.catalog:
        conditions.append(exp.column("table_catalog").eq(exp.Literal.string(table.catalog)))
    query = (exp.select("column_name", "data_type")
             .from_(exp.table_("columns", db="information_schema"))
             .where(exp.and_(*conditions))
             .order_by("ordinal_position"))
    frame = wh.query(query)
    return {str(n): str(t) for n, t in zip(frame["column_name"], frame["data_type"])}

"""A DuckDB result as a pandas frame, with text columns taken through Arrow.

On pandas 3 a text column is an Arrow-backed `str` array. DuckDB's `df()` builds a Python
string per cell and pandas encodes them into Arrow again: at 588,000 rows and four text
columns that was two thirds of reading the model's predict rows. Here the result comes out
once as Arrow; a text column with a value becomes its `str` column directly, so do numbers,
booleans, dates and plain timestamps (as `df()` converts them), and every other column goes back
through DuckDB's own conversion, so the frame is the one `df()` gives:
same values, same dtypes (nullable integers where NULLs are, dates as datetime64, an
all-NULL text column as objects). A result with a type outside the simple ones is read by
`df()` itself.

DuckDB scans an Arrow table in parallel: with `preserve_insertion_order` off (the demo
profile's setting, for memory), the rows of a result over 122,880 rows came back in another
order, so the text columns no longer lined up with the others. Each row of a result longer
than one of DuckDB's vectors is numbered, and DuckDB's side is read in that order.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

# the types that come back from Arrow as they went out; a nested, UUID, ENUM, INTERVAL, TIME
# or BLOB column would not (`df()` reads those results)
SIMPLE_TYPES = ("BOOLEAN", "TINYINT", "SMALLINT", "INTEGER", "BIGINT", "UTINYINT", "USMALLINT", "UINTEGER",
                "UBIGINT", "FLOAT", "DOUBLE", "DATE", "TIMESTAMP", "TIMESTAMP WITH TIME ZONE", "VARCHAR")


VECTOR_ROWS = 2048  # DuckDB's vector: the rows one scan step reads, in order


def _simple(type_name: str) -> bool:
    return type_name in SIMPLE_TYPES or type_name.startswith("DECIMAL(")


def frame(conn: Any, sql: str) -> pd.DataFrame:
    """The rows of the query `sql` on `conn` (a DuckDB connection or cursor), as `df()` gives them."""
    relation = conn.sql(sql)
    if relation is None:  # a statement with no rows (DuckDB ran it already)
        return pd.DataFrame()
    types = [str(t) for t in relation.types]
    names = relation.columns
    if "VARCHAR" not in types or not all(_simple(t) for t in types) or len(set(names)) != len(names):
        return relation.df()
    table = relation.to_arrow_table()
    text = {i for i, t in enumerate(types)
            if t == "VARCHAR" and table.num_rows and table.column(i).null_count < table.num_rows}
    if not text:
        return _in_order(conn, table)
    direct = {i: _direct(table.column(i)) for i in range(len(names)) if i not in text}
    rest = [names[i] for i, values in direct.items() if values is None]
    converted = _in_order(conn, table.select(rest)) if rest else None
    columns = {name: table.column(i).to_pandas() if i in text else
               converted[name] if direct[i] is None else direct[i] for i, name in enumerate(names)}
    return pd.DataFrame(columns, index=pd.RangeIndex(table.num_rows))


def _direct(column: pa.ChunkedArray) -> Any:
    """The column as `df()` gives it, straight from Arrow (in order), for the types whose conversion is
    plain: numbers, booleans, dates and timestamps without a zone; None for the others (DuckDB converts)."""
    kind = column.type
    if pa.types.is_floating(kind) and not pa.types.is_float16(kind):
        return column.to_numpy()                          # NULL is NaN, as in df()
    if pa.types.is_date32(kind) or (pa.types.is_timestamp(kind) and kind.tz is None and kind.unit == "us"):
        try:
            return column.cast(pa.timestamp("us")).to_numpy()  # datetime64[us], NULL is NaT
        except pa.ArrowInvalid:   # an infinite date: DuckDB's conversion says what df() says
            return None
    if not (pa.types.is_integer(kind) or pa.types.is_boolean(kind)):
        return None
    if not column.null_count:
        return column.to_numpy()
    # df() gives a nullable array where NULLs are: Int64, UInt8, boolean, ...
    values = column.fill_null(False if pa.types.is_boolean(kind) else 0).to_numpy()
    mask = column.is_null().to_numpy()
    return pd.arrays.BooleanArray(values, mask) if pa.types.is_boolean(kind) else pd.arrays.IntegerArray(values, mask)


def _in_order(conn: Any, table: pa.Table) -> pd.DataFrame:
    """`table` converted by DuckDB, its rows in the table's order whatever the scan's order."""
    if table.num_rows <= VECTOR_ROWS:
        return conn.from_arrow(table).df()
    row = "__strataqc_row"
    while row in table.column_names:
        row += "_"
    numbered = table.append_column(row, pa.array(np.arange(table.num_rows, dtype=np.int64)))
    ordered = conn.from_arrow(numbered).order(f'"{row}"').df()
    return ordered.drop(columns=row)

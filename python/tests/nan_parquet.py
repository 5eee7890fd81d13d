"""A Parquet file written by pyarrow with NaN in a DOUBLE column.

pyarrow leaves NaN out of a column chunk's min/max statistics (as the Parquet
spec asks), and DuckDB folds NaN tests from those statistics on a view over
the file (duckdb#25521): the fixture on which every NaN test must still count.
"""

from __future__ import annotations

from pathlib import Path

# fixture models built on some engines only (PostgreSQL reads no Parquet)
ENGINE_ONLY_MODELS = {"nan_parquet_view": ("duckdb", "spark", "thrift")}

ROWS = 40
NAN_IDS = (5, 15, 25, 35)   # 4 of 40 rows: ratio 0.1
NULL_IDS = (40,)


def amounts() -> list[float | None]:
    out: list[float | None] = []
    for i in range(1, ROWS + 1):
        out.append(float("nan") if i in NAN_IDS else None if i in NULL_IDS else float((i - 1) % 9 + 1))
    return out


def write_nan_parquet(path: Path) -> Path:
    """40 rows: id 1..40, amount 1..9 with NaN at NAN_IDS and NULL at NULL_IDS."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    pq.write_table(pa.table({"id": pa.array(range(1, ROWS + 1), pa.int64()),
                             "amount": pa.array(amounts(), pa.float64())}), path)
    return path

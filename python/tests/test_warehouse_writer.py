"""Each engine's SQL written at generation time (`warehouse.writer`), the tree left as it was.

NaN / inf tests as the engine counts them right and Spark's percentile, exactly as the earlier rewrite of a
copied tree wrote them; NaN counted on a DuckDB view over a Parquet file (where a plain ISNAN is folded to
false, duckdb#25521); the statement written never changed (callers reuse their trees).
"""

from __future__ import annotations

import pytest
import sqlglot
from sqlglot import exp

from nan_parquet import NAN_IDS, write_nan_parquet
from strataqc.warehouse import Target, Warehouse, writer

STATEMENT = ("select sum(case when isnan(cast(amount as double)) then 1 else 0 end) as nans, "
             "sum(case when isinf(amount) then 1 else 0 end) as infs, quantile_cont(amount, 0.5) as med "
             "from t where not isnan(amount) or id > 0")
# what the rewrite of a copied tree wrote before the writer (same text, compared when it was replaced)
WRITTEN = {
    "duckdb": "SELECT SUM(CASE WHEN (NOT ISFINITE(CAST(amount AS DOUBLE)) AND NOT ISINF(CAST(amount AS DOUBLE))) "
              "THEN 1 ELSE 0 END) AS nans, SUM(CASE WHEN (ISINF(amount)) THEN 1 ELSE 0 END) AS infs, "
              "QUANTILE_CONT(amount, 0.5) AS med FROM t "
              "WHERE NOT (NOT ISFINITE(amount) AND NOT ISINF(amount)) OR id > 0",
    "postgres": "SELECT SUM(CASE WHEN (CAST(amount AS DOUBLE PRECISION) = CAST('NaN' AS DOUBLE PRECISION)) THEN 1 "
                "ELSE 0 END) AS nans, SUM(CASE WHEN (ABS(amount) = CAST('Infinity' AS DOUBLE PRECISION)) THEN 1 "
                "ELSE 0 END) AS infs, PERCENTILE_CONT(0.5) WITHIN GROUP (ORDER BY amount) AS med FROM t "
                "WHERE NOT (amount = CAST('NaN' AS DOUBLE PRECISION)) OR id > 0",
    "spark": "SELECT SUM(CASE WHEN (ISNAN(CAST(amount AS DOUBLE))) THEN 1 ELSE 0 END) AS nans, "
             "SUM(CASE WHEN (ABS(amount) = CAST('Infinity' AS DOUBLE)) THEN 1 ELSE 0 END) AS infs, "
             "PERCENTILE(amount, 0.5) AS med FROM t WHERE NOT (ISNAN(amount)) OR id > 0",
}


@pytest.mark.parametrize("dialect", ["duckdb", "postgres", "spark"])
def test_each_engine_gets_its_nan_inf_and_percentile_sql(dialect):
    tree = sqlglot.parse_one(STATEMENT, read="duckdb")
    assert tree.sql(dialect=writer(dialect)) == WRITTEN[dialect]
    wh = Warehouse.__new__(Warehouse)
    wh.dialect = dialect
    assert wh.to_dialect(tree) == WRITTEN[dialect]


def test_spark_writes_a_statement_given_as_text_the_same_way():
    wh = Warehouse.__new__(Warehouse)
    wh.dialect = "spark"
    assert wh.to_dialect(STATEMENT) == WRITTEN["spark"]


def test_writing_leaves_the_tree_untouched():
    tree = sqlglot.parse_one(STATEMENT, read="duckdb")
    before = tree.sql("duckdb")
    nodes = [id(n) for n in tree.walk()]
    written = tree.sql(dialect=writer("duckdb"))
    assert "ISNAN" not in written.upper() and "NOT ISFINITE" in written.upper()
    assert tree.sql("duckdb") == before and "ISNAN" in before.upper()
    assert [id(n) for n in tree.walk()] == nodes
    assert tree.find(exp.IsNan) is not None


def test_nan_is_counted_on_a_view_over_parquet_only_as_written(tmp_path):
    path = write_nan_parquet(tmp_path / "amounts.parquet")
    with Warehouse(Target("strataqc", "t", "duckdb", {"path": str(tmp_path / "w.duckdb")})) as wh:
        wh.execute(f"create view t as select * from read_parquet('{path}')")
        count = exp.select(exp.Count(this=exp.Star()).as_("n")).from_("t").where(exp.IsNan(this=exp.column("amount")))
        assert int(wh.query(count)["n"][0]) == len(NAN_IDS)
        # the same statement written plainly is folded to no NaN at all: what the writer exists for
        assert int(wh.rows(count.sql("duckdb"))[1][0][0]) == 0

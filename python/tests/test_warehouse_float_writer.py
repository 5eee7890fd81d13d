"""NaN / inf tests written per engine at generation time (`warehouse.float_writer`), the tree left as it was.

The writer must give exactly the SQL `float_tests` gives after rewriting a copy, count NaN on a DuckDB view
over a Parquet file (where a plain ISNAN is folded to false, duckdb#25521), and never change the statement
it writes (callers reuse their trees).
"""

from __future__ import annotations

import pytest
import sqlglot
from sqlglot import exp

from nan_parquet import NAN_IDS, write_nan_parquet
from strataqc.warehouse import Target, Warehouse, float_tests, float_writer

STATEMENT = ("select sum(case when isnan(cast(amount as double)) then 1 else 0 end) as nans, "
             "sum(case when isinf(amount) then 1 else 0 end) as infs from t where not isnan(amount) or id > 0")


@pytest.mark.parametrize("dialect", ["duckdb", "postgres", "spark"])
def test_the_writer_gives_what_the_rewrite_of_a_copy_gives(dialect):
    tree = sqlglot.parse_one(STATEMENT, read="duckdb")
    assert tree.sql(dialect=float_writer(dialect)) == float_tests(tree.copy(), dialect).sql(dialect)


def test_writing_leaves_the_tree_untouched():
    tree = sqlglot.parse_one(STATEMENT, read="duckdb")
    before = tree.sql("duckdb")
    nodes = [id(n) for n in tree.walk()]
    written = tree.sql(dialect=float_writer("duckdb"))
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

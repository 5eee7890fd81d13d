"""`duckdb_frame.frame` gives the frame `df()` gives, value for value and dtype for dtype, text through Arrow."""

from __future__ import annotations

import duckdb
import numpy as np
import pandas as pd
import pytest

from strataqc.engines.duckdb_frame import frame

ROWS = """
    select * from (values
        (1::tinyint, 2::smallint, 3::integer, 4::bigint, 5::ubigint, 1.5::float, 2.5::double, 3.25::decimal(10, 2),
         true, date '2026-11-30', timestamp '2026-11-30 01:02:03', timestamptz '2026-11-30 01:02:03+01',
         'a', 'x'),
        (null, null, null, null, null, null, 'nan'::double, null,
         null, null, null, null,
         null, 'y'),
        (7::tinyint, 8::smallint, 9::integer, 10::bigint, 11::ubigint, 'inf'::float, '-inf'::double, -1.5::decimal(10, 2),
         false, date '1970-01-01', timestamp '1970-01-01', timestamptz '1970-01-01 00:00:00+00',
         'é ✓', 'z')
    ) as t(ti, si, i, bi, ubi, f, d, de, b, day, ts, tstz, nullable_text, text)
"""


@pytest.fixture
def conn():
    con = duckdb.connect()
    con.execute("create table t as " + ROWS)
    yield con
    con.close()


class Spy:
    """A connection whose relations say whether `df()` read their rows."""

    def __init__(self, conn):
        self.conn, self.read_by_df = conn, []

    def sql(self, sql):
        relation = self.conn.sql(sql)
        spy = self

        class Relation:
            types, columns = relation.types, relation.columns

            def df(self):
                spy.read_by_df.append(sql)
                return relation.df()

            def to_arrow_table(self):
                return relation.to_arrow_table()
        return Relation()

    def from_arrow(self, table):
        self.converted_by_duckdb = [*getattr(self, "converted_by_duckdb", []), *table.column_names]
        return self.conn.from_arrow(table)


@pytest.mark.parametrize("sql", [
    "select * from t",
    "select * from t where i is null",                    # every column NULL: text comes back as objects
    "select * from t where false",                        # no rows
    "select text, nullable_text from t",                  # text only
    "select i, i + 1 as j from t",                        # no text
    "select nullable_text, null::varchar as nothing from t",
    "select text, [1, 2] as l, uuid() is not null as u from t",   # a nested column: df() reads it
    "select text as a, i as a from t",                    # repeated names
])
def test_frame_equals_df(conn, sql):
    expected = conn.execute(sql).df()
    got = frame(conn, sql)
    pd.testing.assert_frame_equal(got, expected, check_exact=True)
    assert got.columns.tolist() == expected.columns.tolist()


def test_frame_takes_text_through_arrow(conn):
    spy = Spy(conn)
    got = frame(spy, "select text, i from t")
    assert spy.read_by_df == []   # the text came from Arrow, not from df()
    assert got["text"].tolist() == ["x", "y", "z"]
    assert str(got["text"].dtype) == str(conn.execute("select text from t").df()["text"].dtype)


def test_frame_converts_plain_columns_from_arrow_and_the_rest_through_duckdb(conn):
    spy = Spy(conn)
    sql = "select text, ti, ubi, f, d, b, day, ts, de, tstz from t"
    got = frame(spy, sql)
    pd.testing.assert_frame_equal(got, conn.execute(sql).df(), check_exact=True)
    # a decimal and a timestamp with a zone are converted as DuckDB converts them (to double; to its zone)
    assert spy.converted_by_duckdb == ["de", "tstz"]


def test_an_infinite_date_fails_as_df_fails(conn):
    sql = "select text, 'infinity'::date as d from t"
    with pytest.raises(duckdb.ConversionException):
        conn.execute(sql).df()
    with pytest.raises(duckdb.ConversionException):
        frame(conn, sql)


def test_frame_leaves_other_types_to_df(conn):
    spy = Spy(conn)
    frame(spy, "select text, interval 1 day as i from t")
    assert spy.read_by_df == ["select text, interval 1 day as i from t"]


def test_frame_of_statements_runs_them_once(conn):
    expected = conn.execute("create table u as select 1 as x").df()
    pd.testing.assert_frame_equal(frame(conn, "insert into u values (2)"), expected)
    assert conn.execute("select x from u order by x").fetchall() == [(1,), (2,)]
    assert frame(conn, "set threads = 1").empty   # no result at all


@pytest.mark.parametrize("with_text", [True, False])
def test_frame_keeps_the_order_of_a_result_of_many_batches_when_duckdb_may_reorder_scans(with_text):
    # the demo profile sets preserve_insertion_order off: a parallel scan of the Arrow batches then
    # returned the numeric columns in another order than the text ones
    con = duckdb.connect()
    con.execute("set threads = 4")
    con.execute("set preserve_insertion_order = false")
    con.execute("create table big as select i, 'k' || i as key, i * 0.5 as half, cast(i as decimal(18, 1)) as dec "
                "from range(400000) r(i)")
    sql = ("select i, key, half, dec from big order by i desc" if with_text
           else "select i, cast(null as varchar) as key, half, dec from big order by i desc")
    got = frame(con, sql)
    assert len(got) == 400000 and list(got.columns) == ["i", "key", "half", "dec"]
    assert (got["i"].to_numpy() == np.arange(399999, -1, -1)).all()
    assert (got["half"].to_numpy() == got["i"].to_numpy() * 0.5).all()
    assert (got["dec"].to_numpy() == got["i"].to_numpy()).all()     # converted by DuckDB, in order too
    if with_text:
        assert (got["key"] == "k" + got["i"].astype(str)).all()
    else:
        assert got["key"].isna().all()
    con.close()

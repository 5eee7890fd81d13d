"""The rows of smallest sample key in one scan: the cut on the key holds the sample with near certainty,
gives the very rows the exact two-step read gives, and falls back to it when it holds too few."""

from __future__ import annotations

import pytest
from sqlglot import exp

from strataqc import bounded_sample
from strataqc.bounded_sample import KEY_RANGE, key_cut, smallest_keys
from strataqc.sample_key import sample_key
from strataqc.warehouse import Target, Warehouse


@pytest.fixture()
def wh(tmp_path):
    with Warehouse(Target("strataqc", "t", "duckdb", {"path": str(tmp_path / "w.duckdb")})) as wh:
        wh.execute("create table feat as select i as id, i % 5 as grp from range(20000) t(i)")
        yield wh


class Counting:
    """The warehouse, counting the statements it runs."""

    def __init__(self, wh):
        self.wh, self.dialect, self.statements = wh, wh.dialect, []

    def query(self, sql):
        self.statements.append(sql)
        return self.wh.query(sql)


def _read(wh, limit: int, where: exp.Expression | None = None):
    key = sample_key(wh.dialect, ["id"], 42)
    source = exp.table_("feat")

    def select(extra):
        both = [c.copy() for c in (where, extra) if c is not None]
        query = exp.select("id").from_(source.copy())
        return (query.where(exp.and_(*both)) if both else query).order_by(key.copy()).limit(limit)

    counting = Counting(wh)
    return list(smallest_keys(counting, source, where, key, limit, select)["id"]), counting.statements


def _exact(wh, limit: int) -> list[int]:
    return list(wh.query(f"select id from feat order by hash(42, id) limit {limit}")["id"])


@pytest.mark.parametrize("limit, statements", [(1, 2), (40, 2), (2500, 2), (15000, 2), (19999, 3)])
def test_one_scan_under_the_cut_gives_the_exact_samples_rows(wh, limit, statements):
    rows, ran = _read(wh, limit)
    assert rows == _exact(wh, limit)
    # a count and the read: the scan for the limit-th key is needed only when the cut would take every row
    assert len(ran) == statements


def test_a_set_no_larger_than_the_limit_is_read_whole_without_a_cut(wh):
    rows, statements = _read(wh, 500, exp.LT(this=exp.column("id"), expression=exp.Literal.number(300)))
    assert sorted(rows) == list(range(300)) and len(statements) == 2
    assert "<=" not in statements[1].sql(dialect="duckdb")


def test_a_cut_that_holds_too_few_falls_back_to_the_exact_read(wh, monkeypatch):
    # keys crowded at the top of the range (not the spread the cut counts on): the cut holds too few rows
    monkeypatch.setattr(bounded_sample, "key_cut", lambda dialect, rows, limit: KEY_RANGE["duckdb"][0] + 1)
    rows, statements = _read(wh, 100)
    assert rows == _exact(wh, 100)
    assert len(statements) == 4  # count, the cut's short read, the limit-th key, the exact read


def test_the_cut_sits_a_little_above_the_limits_share_of_each_engines_range():
    low, high = KEY_RANGE["spark"]
    cut = key_cut("spark", 1_000_000, 10_000)
    share = (cut - low) / (high - low)
    assert 0.01 < share < 0.0108
    assert key_cut("duckdb", 1000, 990) is None  # more than every row: no cut
    assert key_cut("postgres", 10**9, 100) < 0 < key_cut("duckdb", 10**9, 100)

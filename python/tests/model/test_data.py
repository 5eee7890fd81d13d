"""The model's bounded sample: the rows of smallest seeded hash of the ids, read in two steps, are the rows
and the order one ORDER BY hash LIMIT over the whole split gives."""

from __future__ import annotations

import pytest

from strataqc.model.data import load_rows, split_filter
from strataqc.warehouse import Target, Warehouse


@pytest.fixture()
def wh(tmp_path):
    with Warehouse(Target("strataqc", "t", "duckdb", {"path": str(tmp_path / "w.duckdb")})) as wh:
        wh.execute("create schema ads")
        wh.execute("""create table ads.feat as select 'S' || (i % 7) as store_id, i as day_id, i * 0.5 as x,
                      case when i % 3 = 0 then 'valid' else 'train' end as split from range(2000) t(i)""")
        yield wh


def _one_step(wh, where_sql: str, limit: int) -> list[tuple]:
    key = "hash(42, store_id, day_id)"  # DuckDB's seeded hash of the ids, as the drift checks' samples use
    frame = wh.query(f"select store_id, day_id, x from ads.feat where {where_sql} "
                     f"order by {key}, store_id, day_id limit {limit}")
    return list(frame.itertuples(index=False, name=None))


@pytest.mark.parametrize("limit", [1, 50, 1333, 5000], ids=["one", "some", "all-but-few", "more-than-there-are"])
def test_two_step_sample_equals_the_one_step_order_by(wh, limit):
    got = load_rows(wh, '"w"."ads"."feat"', ["store_id", "day_id", "x"], split_filter("split", "train"), limit,
                    ["store_id", "day_id"], seed=42)
    assert list(got.itertuples(index=False, name=None)) == _one_step(wh, "split = 'train'", limit)
    assert len(got) == min(limit, 1333)


def test_a_sample_of_a_split_without_rows_is_empty(wh):
    got = load_rows(wh, '"w"."ads"."feat"', ["store_id", "x"], split_filter("split", "predict"), 10,
                    ["store_id", "day_id"])
    assert got.empty and list(got.columns) == ["store_id", "x"]


def test_the_sample_changes_with_the_seed(wh):
    a = load_rows(wh, '"w"."ads"."feat"', ["day_id"], None, 20, ["store_id", "day_id"], seed=1)
    b = load_rows(wh, '"w"."ads"."feat"', ["day_id"], None, 20, ["store_id", "day_id"], seed=2)
    assert len(a) == len(b) == 20 and list(a["day_id"]) != list(b["day_id"])

"""The kept sample (strataqc/kept_sample.py): night after night, the rows it returns are the rows a full
read returns, in the same order, while a night reads again only the days that changed; when the kept
rows cannot prove that (too few under their last key, a full refresh, a week old), it draws in full."""

from __future__ import annotations

import pytest
from sqlglot import exp

from strataqc.kept_sample import Keep, kept_sample
from strataqc.model.data import load_rows

SCHEMA = "strataqc_kept_test"
COLUMNS = ["id", "day", "v", "target", "split"]


def _where() -> exp.Expression:
    return exp.and_(exp.column("split", quoted=True).eq(exp.Literal.string("train")),
                    exp.column("target", quoted=True).is_(exp.Null()).not_())


def _table(wh, schema: str | None = None) -> str:
    """30 days of 150 rows: 20 train, 5 valid, 5 predict; every 11th target NULL."""
    name = f"{schema}.sales" if schema else "sales"
    rows, day = "generate_series(0, 4499) t(i)", "cast(i // 150 as integer)"  # DuckDB SQL, transpiled
    wh.execute(f"create table {name} as select i % 150 as id, cast(date '2026-03-01' + {day} as date) as day, "
               "cast(i * 0.5 as double precision) as v, case when i % 11 = 0 then null else "
               f"cast(i % 7 as double precision) end as target, case when {day} < 20 then 'train' "
               f"when {day} < 25 then 'valid' else 'predict' end as split from {rows}")
    if wh.dialect == "postgres":  # a kept state of an earlier run of this test
        wh.execute('create schema if not exists "strataqc_history"')
        wh.execute('create table if not exists "strataqc_history"."kept_samples" (name text, threshold text, '
                   'counts text, full_mark text, drawn_at text)')
        wh.execute("""delete from "strataqc_history"."kept_samples" where name like 'sales:%'""")
    return name


def _both(wh, relation: str, keep: Keep, limit: int = 700):
    full = load_rows(wh, relation, COLUMNS, _where(), limit, ["id", "day"], 42)
    kept = load_rows(wh, relation, COLUMNS, _where(), limit, ["id", "day"], 42, keep=keep)
    return full, kept


def _drawn_at(wh) -> str:
    return str(wh.query("""select drawn_at from "strataqc_history"."kept_samples" where name like 'sales:%'""")
               .iloc[0, 0])


def _nights(wh, relation: str) -> None:
    keep = Keep("sales", "train", "day", 3)
    full, kept = _both(wh, relation, keep)
    assert len(full) == 700 and kept.equals(full)
    first_draw = _drawn_at(wh)

    # a day leaves valid for train, a fresh day changes its values; an old day loses rows, another gets late ones
    wh.execute(f"update {relation} set split = 'train' where day = date '2026-03-21'")
    wh.execute(f"update {relation} set v = v + 1 where day = date '2026-03-30'")
    wh.execute(f"delete from {relation} where day = date '2026-03-05' and id < 75")
    wh.execute(f"insert into {relation} select 1000 + id, date '2026-03-02', v, 2.0, 'train' from {relation} "
               "where day = date '2026-03-03' and id < 50")
    full, kept = _both(wh, relation, keep)
    assert kept.equals(full)
    assert _drawn_at(wh) == first_draw  # kept and topped up, not drawn again

    # most of the set is gone: the kept rows under their last key are too few, so it is drawn in full
    wh.execute(f"delete from {relation} where day < date '2026-03-15'")
    full, kept = _both(wh, relation, keep)
    assert kept.equals(full) and len(full) == 700
    assert _drawn_at(wh) != first_draw

    # a full refresh may change any day without changing its count: its mark makes the next night draw in full
    second_draw = _drawn_at(wh)
    wh.execute(f"update {relation} set v = -v where day = date '2026-03-16'")
    full, kept = _both(wh, relation, Keep("sales", "train", "day", 3, full_mark="2026-04-01T02:00:00"))
    assert kept.equals(full) and _drawn_at(wh) != second_draw


def test_the_kept_sample_equals_a_full_read_night_after_night(wh):
    _nights(wh, _table(wh))


def test_a_set_within_the_limit_is_read_in_full_and_not_kept(wh):
    relation = _table(wh)
    source = exp.to_table(relation)
    found = kept_sample(wh, Keep("sales", "train", "day", 3), source, _where(), exp.column("id"),
                        [exp.column(c) for c in COLUMNS], [], 10_000)
    assert found is None


def test_an_engine_without_delete_reads_in_full_every_night():
    class Spark:
        dialect = "spark"
        read_only = False

    assert kept_sample(Spark(), Keep("m", "train", "day", 3), exp.to_table("t"), None, exp.column("id"),
                       [exp.column("id")], [], 10) is None


@pytest.mark.postgres
def test_the_kept_sample_equals_a_full_read_on_postgres(pg):
    wh, _ = pg
    _nights(wh, _table(wh, SCHEMA))


def test_a_sample_that_cannot_be_kept_is_read_in_full_with_a_warning(wh, caplog):
    """A failure to keep (here a day column the table lacks) is logged; the caller reads in full."""
    relation = _table(wh)
    keep = Keep("sales", "train", "no_such_day", 3)
    with caplog.at_level("WARNING", logger="strataqc"):
        full, kept = _both(wh, relation, keep)
    assert kept.equals(full)
    assert "kept sample sales:train:" in caplog.text and "not used (read in full)" in caplog.text

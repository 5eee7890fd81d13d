"""The day of a date or timestamp column in SQL (strataqc/days_sql.py): grouped as a DATE, named as ISO
text, and filtered by a span an engine can skip blocks by plus the exact list of days."""

from __future__ import annotations

from sqlglot import exp

from strataqc.days_sql import day_of, in_days


def _days(wh, where: exp.Expression | None) -> list[str]:
    query = exp.select(day_of("at").as_("day")).from_("events").order_by(exp.column("day"))
    return list(wh.query(query.where(where) if where is not None else query)["day"])


def test_listed_days_of_a_timestamp_column_and_nothing_between_them(wh):
    wh.execute("CREATE TABLE events AS SELECT TIMESTAMP '2026-03-01 23:30:00' + i * INTERVAL 1 DAY AS at "
               "FROM range(5) t(i)")
    assert _days(wh, None) == ["2026-03-01", "2026-03-02", "2026-03-03", "2026-03-04", "2026-03-05"]
    assert _days(wh, in_days("at", ["2026-03-02", "2026-03-04"])) == ["2026-03-02", "2026-03-04"]
    assert _days(wh, in_days("at", [])) == []
    assert in_days("at", None) is None

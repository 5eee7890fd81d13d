"""A rule's failing rows per night across scoped and whole-table nights (per_night.py)."""

from __future__ import annotations

from strataqc.per_night import per_night, since_last_whole

RULE = "units: value_range"


def _night(rows: float, scope: str | None = "new_rows", kept: bool = True):
    return ({RULE: rows} if rows else {}, 0, scope, kept)


# the full refresh (43 rows in the whole table), six nights' slices, then a cadence night over the whole table
WEEK = [_night(43, None), _night(1), _night(0), _night(2), _night(1), _night(0), _night(1)]


def test_a_whole_table_night_counts_the_rows_new_since_the_last_one():
    # 43 + 5 counted by the slices: a cadence night of 49 rows has one row of its own
    assert since_last_whole(WEEK, {RULE: 49.0}) == {RULE: 1.0}
    # a defect landing on the cadence night: 12 rows of its own
    assert since_last_whole(WEEK, {RULE: 60.0}) == {RULE: 12.0}
    # rows corrected since (fewer than counted) are no negative night
    assert since_last_whole(WEEK, {RULE: 40.0}) == {RULE: 0.0}


def test_without_an_earlier_whole_table_night_there_is_nothing_to_difference():
    assert since_last_whole(WEEK[1:], {RULE: 49.0}) is None


def test_the_baseline_is_one_series_of_nights():
    week = [*WEEK, _night(49, None), _night(2), _night(1, kept=False), _night(0)]
    nights = [found.get(RULE, 0.0) for found, _ in per_night(week)]
    # the full refresh has nothing to difference; the cadence night gives its own row; the failing night is
    # not in the baseline, though its row counts in the next cadence night's difference
    assert nights == [1.0, 0.0, 2.0, 1.0, 0.0, 1.0, 1.0, 2.0, 0.0]


def test_a_history_read_whole_throughout_is_as_it_was():
    whole = [_night(43, None), _night(44, None), _night(46, None)]
    assert [found[RULE] for found, _ in per_night(whole)] == [43.0, 44.0, 46.0]

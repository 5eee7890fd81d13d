"""Drift over time (`chunks:`): a shift confined to the last chunk shows per chunk, diluted in the whole set."""

from __future__ import annotations

import pytest

from strataqc.checks.config import build_spec
from strataqc.checks.drift import run_drift_checks
from strataqc.checks.drift.chunks import chunks_of
from strataqc.checks.profiles.settings import ChunkSettings, chunk_settings
from strataqc.results import Status

from drift_samples import hash_samplers

# reference: 2024-01-01 .. 2024-02-25 (8 weeks); current: 2024-02-26 .. 2024-04-21 (8 weeks, Monday first)
WINDOWS = {"column": "date_day", "reference": ["2024-01-01", "2024-02-25"], "current": ["2024-02-26", "2024-04-21"]}
LAST_WEEK = 105  # 2024-04-15, the last week's Monday

uniform, normal = hash_samplers("i", "d")


def make_days(wh, shift: float = 0.0, promo_last_week: float = 0.1) -> None:
    """16 weeks of 150 rows a day; `shift` moves unit_price and `promo_last_week` is_promo in the last week only."""
    last = f"d >= {LAST_WEEK}"
    wh.execute(f"""
        CREATE OR REPLACE TABLE days AS
        SELECT i AS row_id, DATE '2024-01-01' + CAST(d AS INTEGER) AS date_day,
               10 + 2 * {normal('p')} + CASE WHEN {last} THEN {shift} ELSE 0 END AS unit_price,
               CASE WHEN {uniform('pr')} < CASE WHEN {last} THEN {promo_last_week} ELSE 0.1 END
                    THEN 'yes' ELSE 'no' END AS promo,
               20 + 5 * {normal('y')} + CASE WHEN {last} THEN {shift} * 2.5 ELSE 0 END AS units_next_7d
        FROM range(112) days(d), range(150) t(i)""")


def run(wh, profiles: bool, chunks: dict | None = {"column": "date_day", "size": "week"}):
    meta = {"target": "units_next_7d", "ids": ["row_id"], "windows": WINDOWS, "categorical": ["promo"],
            "checks": {"multivariate_drift": False, "new_categories": False}}
    if chunks is not None:
        meta["chunks"] = chunks
    if profiles:
        meta["profiles"] = {"column": "date_day"}
    spec, errors = build_spec("ads_days", '"days"', "ads", meta, wh)
    assert errors == [], [e.message for e in errors]
    return {(r.check, r.column): r for r in run_drift_checks(wh, spec)}


@pytest.mark.parametrize("profiles", [pytest.param(False, id="table"), pytest.param(True, id="profiles")])
def test_chunked_drift_finds_a_shift_in_the_last_week_the_whole_set_misses(wh, profiles):
    make_days(wh, shift=1.6, promo_last_week=0.45)
    whole = run(wh, profiles, chunks=None)
    assert whole[("feature_drift", "unit_price")].status is Status.PASS
    assert whole[("feature_drift", "promo")].status is Status.PASS
    assert whole[("target_drift", "units_next_7d")].status is Status.PASS
    chunked = run(wh, profiles)
    for key in (("feature_drift", "unit_price"), ("feature_drift", "promo"), ("target_drift", "units_next_7d")):
        record = chunked[key]
        assert record.status is Status.FAIL, (key, record.message)
        assert "drifted in 1 of 8 week chunks" in record.message and "2024-W16" in record.message
        table = record.details["chunks"]["rows"]
        assert [r["chunk"] for r in table][-1] == "2024-W16" and len(table) == 8
        assert [r["status"] for r in table] == ["pass"] * 7 + ["fail"]
        assert record.observed == table[-1]["value"] > record.details["chunks"]["fail"]


@pytest.mark.parametrize("profiles", [pytest.param(False, id="table"), pytest.param(True, id="profiles")])
def test_chunked_drift_passes_when_no_chunk_moved(wh, profiles):
    make_days(wh)
    chunked = run(wh, profiles)
    record = chunked[("feature_drift", "unit_price")]
    assert record.status is Status.PASS, record.message
    assert record.message.startswith("unit_price: no drift")
    assert all(r["status"] == "pass" for r in record.details["chunks"]["rows"])
    assert record.details["table"]["columns"] == ["chunk", "from", "to", "rows", "psi", "status"]


def test_chunks_from_profiles_equal_chunks_from_the_table(wh):
    make_days(wh, shift=0.8)
    table, profiled = run(wh, False), run(wh, True)
    for key in table:
        a, b = table[key].details["chunks"]["rows"], profiled[key].details["chunks"]["rows"]
        assert [(r["chunk"], r["rows"], r["status"]) for r in a] == [(r["chunk"], r["rows"], r["status"]) for r in b]
        assert [r["value"] for r in a] == pytest.approx([r["value"] for r in b], rel=1e-9)


@pytest.mark.parametrize(("size", "labels"), [
    pytest.param("week", ["2024-W09", "2024-W10"], id="week-monday-first"),
    pytest.param("month", ["2024-02", "2024-03"], id="calendar-month"),
    pytest.param("5 days", ["2024-02-28..2024-03-03", "2024-03-04..2024-03-08"], id="n-days-from-the-first"),
])
def test_chunks_of_cut_days_into_chunks(size, labels):
    settings, problems = chunk_settings({"column": "d", "size": size}, {"d": "date"})
    assert problems == []
    days = ["2024-02-28", "2024-02-29", "2024-03-01", "2024-03-04", "2024-03-05"]
    assert [c.label for c in chunks_of(days, settings)] == labels


@pytest.mark.parametrize(("raw", "message"), [
    pytest.param({"column": "date_day", "size": "fortnight"}, "size: week, month or a number of days",
                 id="bad-size"),
    pytest.param({"column": "unit_price", "size": "week"}, "'unit_price' is numeric, not a date", id="not-a-date"),
    pytest.param({"column": "date_day", "size": "week", "every": 2}, "unknown key 'every'", id="unknown-key"),
])
def test_a_bad_chunks_block_is_an_error_record_naming_the_fix(wh, raw, message):
    make_days(wh)
    spec, errors = build_spec("ads_days", '"days"', "ads", {"windows": WINDOWS, "chunks": raw}, wh)
    assert len(errors) == 1 and errors[0].column.startswith("chunks")
    assert message in errors[0].message
    assert spec.chunks is None


def test_n_days_chunk_settings_read_a_number():
    assert chunk_settings({"column": "d", "size": 14}, {"d": "date"})[0] == ChunkSettings("d", "14 days", 14)

"""A scoped date_continuity reads the new rows and each series' last period before them
(macros/internal/continuity_edge.sql): looked for in the 7 periods before the new rows, and in the
older history only for the series not found there. Every gap touching the new rows is found, however
far back its series was last seen, with NULL a series like any other; gaps wholly in older rows are
left to the full check."""

from __future__ import annotations

import datetime as dt
import json

import duckdb
import pytest

from host_project import host_project

pytestmark = pytest.mark.dbt

START = dt.date(2026, 3, 1)
MODEL = """{{ config(materialized='incremental', unique_key='day', strataqc_scope='new_rows') }}
select series, cast(day as date) as day from {{ ref('raw_visits') }}
{% if is_incremental() %}where cast(day as date) > (select max(day) from {{ this }}){% endif %}
"""
TESTS = """version: 2
models:
  - name: visits
    data_tests:
      - strataqc.date_continuity:
          name: visits_every_day
          arguments: {date_column: day, group_by: [series]}
"""


def _day(n: int) -> str:
    return (START + dt.timedelta(days=n - 1)).isoformat()


def _seed(root, rows: list[tuple[str | None, int]]) -> None:
    lines = ["series,day"] + [f"{'' if s is None else s},{_day(n)}" for s, n in rows]
    (root / "seeds" / "raw_visits.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")


def _history() -> list[tuple[str | None, int]]:
    rows = [("a", n) for n in range(1, 31)]            # every day
    rows += [("b", n) for n in range(1, 21)]           # last seen on day 20: back tonight, 10 days missing
    rows += [("c", n) for n in range(1, 28)]           # last seen on day 27: back tonight, 3 days missing
    rows += [(None, n) for n in range(1, 21)]          # a NULL series, last seen on day 20
    rows += [("d", n) for n in range(1, 31) if n not in (5, 6)]  # an old gap, not touching tonight
    return rows


def _missing(con, sql: str) -> set[tuple[str | None, str]]:
    return {(s, str(p)) for s, p, occurrences in con.execute(
        f"select series, missing_period, occurrences from ({sql}) t").fetchall() if occurrences}


@pytest.fixture(scope="module")
def edge_nights(tmp_path_factory):
    root = tmp_path_factory.mktemp("continuity_edge")
    for folder in ("models", "seeds"):
        (root / folder).mkdir()
    (root / "models" / "visits.sql").write_text(MODEL, encoding="utf-8")
    (root / "models" / "visits.yml").write_text(TESTS, encoding="utf-8")
    dbt = host_project(root, 'on-run-start: ["{% do strataqc.ensure_scope_watermark() %}"]\n'
                             "dispatch:\n  - {macro_namespace: dbt, search_order: [host_shop, strataqc, dbt]}\n"
                             "vars: {strataqc_scope_full_every: 0}\n"
                             "models:\n  host_shop:\n    +pre-hook: \"{{ strataqc.record_scope_watermark() }}\"\n")
    _seed(root, _history())
    assert dbt("deps").returncode == 0
    first = dbt("build")
    assert (root / "target" / "run_results.json").exists(), first.stdout[-3000:]
    _seed(root, _history() + [(s, 31) for s in ("a", "b", "c", None, "d", "e")])
    night = dbt("build")
    test = _result(root)
    dbt("test")  # another invocation: no watermark of its own, the whole table
    return {"root": root, "night": night, "test": test, "whole": _result(root)}


def _result(root) -> dict:
    results = json.loads((root / "target" / "run_results.json").read_text())["results"]
    return next(r for r in results if r["unique_id"].startswith("test.host_shop.visits_every_day"))


def test_a_night_finds_every_gap_touching_its_rows_however_far_back(edge_nights):
    test = edge_nights["test"]
    assert " except select " in test["compiled_code"], test["compiled_code"]  # the bounded lookback is read
    with duckdb.connect(str(edge_nights["root"] / "host.duckdb"), read_only=True) as con:
        found = _missing(con, test["compiled_code"])
    expected = ({("b", _day(n)) for n in range(21, 31)} | {("c", _day(n)) for n in range(28, 31)}
                | {(None, _day(n)) for n in range(21, 31)})
    assert found == expected
    assert (test["status"], test["failures"]) == ("fail", len(expected))


def test_the_full_check_adds_only_the_gap_in_older_rows(edge_nights):
    whole = edge_nights["whole"]
    assert "strataqc_scoped" not in whole["compiled_code"]
    with duckdb.connect(str(edge_nights["root"] / "host.duckdb"), read_only=True) as con:
        found = _missing(con, whole["compiled_code"])
        night = _missing(con, edge_nights["test"]["compiled_code"])
    assert night <= found and found - night == {("d", _day(5)), ("d", _day(6))}
    assert (whole["status"], whole["failures"]) == ("fail", len(found))

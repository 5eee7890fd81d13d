"""The test materialization (macros/dbt_core/materialization_test.sql): with `store_failures`, the audit
table holds the rows of a test that warned or failed on its latest run, and no table is kept for a
test that passed. A passing test runs its query alone; a failing one stores its rows. A host project
opts in by wrapping it; the demo (this repository as the root project) uses it."""

from __future__ import annotations

import json

import duckdb
import pytest

from host_project import host_project

pytestmark = pytest.mark.dbt

WRAP = ("{% materialization test, default %}{{ return(strataqc.materialization_test_default()) }}"
        "{% endmaterialization %}\n")
AUDIT = "main_dbt_test__audit"


def _night(root, dbt, values: list[int], *flags: str):
    (root / "seeds" / "numbers.csv").write_text("n\n" + "\n".join(map(str, values)) + "\n", encoding="utf-8")
    done = dbt("build", *flags)
    results = json.loads((root / "target" / "run_results.json").read_text())["results"]
    # a test that stores nothing (`store_failures: false`, dbt's `ephemeral`) runs as in dbt
    assert [(r["unique_id"].split(".")[2], r["status"]) for r in results if "no_zero" in r["unique_id"]] == \
        [("no_zero", "pass")], [r.get("message") for r in results]
    test = next(r for r in results if r["unique_id"].startswith("test.host_shop.no_negative"))
    with duckdb.connect(str(root / "host.duckdb"), read_only=True) as con:
        tables = {t for (t,) in con.execute("select table_name from information_schema.tables "
                                            "where table_schema = ?", [AUDIT]).fetchall()}
        stored = con.execute(f"select n from {AUDIT}.no_negative order by n").fetchall() \
            if "no_negative" in tables else None
    # the verdict's statement as run: from the stored rows, or the test's own query
    ran = next((root / "target" / "run").rglob("no_negative.sql")).read_text(encoding="utf-8")
    return done, test, stored, ran


@pytest.fixture(scope="module")
def nights(tmp_path_factory):
    root = tmp_path_factory.mktemp("store_failures")
    for folder in ("seeds", "tests", "macros"):
        (root / folder).mkdir()
    (root / "macros" / "materialization_test.sql").write_text(WRAP, encoding="utf-8")
    (root / "tests" / "no_negative.sql").write_text(
        "{{ config(store_failures=true, severity='warn') }}\nselect n from {{ ref('numbers') }} where n < 0\n",
        encoding="utf-8")
    (root / "tests" / "no_zero.sql").write_text(
        "{{ config(store_failures=false) }}\nselect n from {{ ref('numbers') }} where n = 0\n", encoding="utf-8")
    dbt = host_project(root)
    assert dbt("deps").returncode == 0
    return [_night(root, dbt, values) for values in ([1, 2], [1, -2, -3], [-2, 5], [4, 5])] + \
        [_night(root, dbt, [-7, 1], "--full-refresh")]


def test_a_passing_test_keeps_no_table_and_runs_its_query_alone(nights):
    done, test, stored, ran = nights[0]
    assert done.returncode == 0, done.stdout[-2000:]
    assert (test["status"], test["failures"], stored) == ("pass", 0, None)
    assert AUDIT not in ran and "where n < 0" in ran


def test_a_test_that_starts_failing_stores_its_rows(nights):
    done, test, stored, ran = nights[1]
    assert (test["status"], test["failures"], stored) == ("warn", 2, [(-3,), (-2,)])
    assert AUDIT not in ran  # it passed last time: the verdict came from its query


def test_a_test_that_keeps_failing_reads_its_verdict_from_its_stored_rows(nights):
    done, test, stored, ran = nights[2]
    assert (test["status"], test["failures"], stored) == ("warn", 1, [(-2,)])
    assert f'"{AUDIT}"."no_negative"' in ran and "where n < 0" not in ran


def test_a_test_that_passes_again_drops_its_table(nights):
    done, test, stored, ran = nights[3]
    assert (test["status"], test["failures"], stored) == ("pass", 0, None)


def test_a_full_refresh_stores_first_so_a_new_failure_runs_once(nights):
    done, test, stored, ran = nights[4]
    assert (test["status"], test["failures"], stored) == ("warn", 1, [(-7,)])
    assert f'"{AUDIT}"."no_negative"' in ran and "where n < 0" not in ran

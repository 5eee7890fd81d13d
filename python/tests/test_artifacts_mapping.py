"""dbt's artifacts -> records: statuses, layers, columns, failing rows, skips and broken files."""

from __future__ import annotations

import json
import shutil

import pytest
from qc_report_support import DATA, fixture_project

from strataqc.artifacts import ArtifactsError, load_artifacts, sql_results
from strataqc.results import Status
from strataqc.warehouse import Warehouse


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    return fixture_project(tmp_path_factory.mktemp("artifacts"))


@pytest.fixture(scope="module")
def records(project):
    with Warehouse.from_project(project, project / "profiles") as wh:
        found = sql_results(load_artifacts(project / "target"), wh, sample_rows=3)
    return {r.details["test_name"] if "test_name" in r.details else f"build:{r.model}": r for r in found}


def test_every_test_and_failed_build_becomes_one_record(records):
    assert len(records) == 13
    assert {r.status for r in records.values()} == {Status.PASS, Status.WARN, Status.FAIL, Status.ERROR, Status.SKIP}


@pytest.mark.parametrize(("name", "check", "layer", "model", "column", "status"), [
    ("not_null_ods_pos__sales_store_id", "not_null", "ods", "ods_pos__sales", "store_id", Status.PASS),
    ("unique_key_dwd_sales_id", "unique_key", "dwd", "dwd_sales", None, Status.FAIL),
    ("abnormal_value_ratio_dwd_sales_qty__0_1", "abnormal_value_ratio", "dwd", "dwd_sales", "qty", Status.WARN),
    # quote: true -> dbt hands over "category"; the record names the column plainly
    ("accepted_values_dwd_sales__category___a__b__c", "accepted_values", "dwd", "dwd_sales", "category", Status.FAIL),
    ("unique_dws_sales_daily_store_id", "unique", "dws", "dws_sales_daily", "store_id", Status.SKIP),
])
def test_test_maps_to_check_layer_model_column_status(records, name, check, layer, model, column, status):
    r = records[name]
    assert (r.check, r.layer, r.model, r.column, r.status) == (check, layer, model, column, status)


def test_failing_row_gives_observed_threshold_and_message(records):
    r = records["abnormal_value_ratio_dwd_sales_qty__0_1"]
    assert (r.observed, r.threshold) == (0.25, 0.1)
    assert r.message == "abnormal share 25.0% over 10.0%"
    assert r.details["sample_rows"][0]["observed"] == 0.25


def test_failing_rows_are_sampled_and_shown_escaped_later(records):
    r = records["accepted_values_dwd_sales__category___a__b__c"]
    assert r.failures == 1
    assert r.details["sample_rows"] == [{"value_field": "<script>alert(1)</script>", "n_records": 1}]
    assert r.message.startswith("1 failing row ")


def test_store_failures_table_is_read_and_rules_summarised(records):
    stored = records["column_checks_dwd_sales_non_negative"]
    assert stored.details["rules"] == ["qty: non_negative"]
    assert stored.details["sample_rows"][0]["rule"] == "non_negative"
    warned = records["column_checks_dwd_sales_not_null__non_negative"]
    assert (warned.status, warned.details["rules"]) == (Status.WARN, ["qty: not_null"])


def test_build_error_and_skips_say_why(records):
    broken = records["build:dws_broken"]
    assert (broken.check, broken.status, broken.layer) == ("build", Status.ERROR, "dws")
    assert "no_such_column" in broken.message
    assert records["not_null_dws_broken_no_such_column"].message == "not run: upstream dws_broken failed"
    assert records["build:ads_demand_features"].message == "not built: upstream dws_broken failed"
    assert "accepted_values_dwd_sales" in records["unique_dws_sales_daily_store_id"].message


def test_without_a_warehouse_verdicts_stand_without_samples(project):
    found = sql_results(load_artifacts(project / "target"), None)
    r = next(r for r in found if r.check == "abnormal_value_ratio")
    assert (r.status, r.observed, "sample_rows" in r.details) == (Status.WARN, None, False)


def test_select_keeps_only_those_models(project):
    found = sql_results(load_artifacts(project / "target"), None, select=["dwd_sales"])
    assert {r.model for r in found} == {"dwd_sales"} and len(found) == 5


def test_tests_a_crashed_build_never_reached_are_skipped_with_reason(tmp_path):
    target = tmp_path / "target"
    target.mkdir()
    results = json.loads((DATA / "run_results.json").read_text())
    kept = [r for r in results["results"] if "dws_sales_daily" not in r["unique_id"]]
    results["results"] = kept
    (target / "run_results.json").write_text(json.dumps(results))
    (target / "manifest.json").write_text((DATA / "manifest.json").read_text())
    found = sql_results(load_artifacts(target), None)
    missing = [r for r in found if r.model == "dws_sales_daily"]
    assert {r.check for r in missing} == {"unique", "not_null"}
    assert all(r.status is Status.SKIP and "dbt stopped before" in r.message for r in missing)
    assert len(found) == 12  # everything dbt did report is kept


@pytest.mark.parametrize(("write", "expected"), [
    pytest.param(None, "run_results.json not found: run `dbt build` first", id="missing"),
    pytest.param("{not json", "run_results.json is not readable JSON", id="corrupt"),
    pytest.param("[1, 2]", "run_results.json is not a dbt artifact", id="not-an-object"),
])
def test_missing_or_corrupt_artifacts_name_the_file_and_the_fix(tmp_path, write, expected):
    if write is not None:
        (tmp_path / "run_results.json").write_text(write)
    with pytest.raises(ArtifactsError, match="run `dbt build` first") as err:
        load_artifacts(tmp_path)
    assert expected in str(err.value) and str(tmp_path) in str(err.value)


class RowsWarehouse:
    """Answers every sample query with the same failing rows."""

    dialect = "duckdb"

    def __init__(self, rows):
        self.rows = rows

    def query(self, sql):
        import pandas as pd

        return pd.DataFrame(self.rows)


def _with_unique_key_result(project, tmp_path, **changes):
    """A copy of the fixture's artifacts, the unique_key test's result changed."""
    target = tmp_path / "target"
    shutil.copytree(project / "target", target)
    results = json.loads((target / "run_results.json").read_text())
    for r in results["results"]:
        if r["unique_id"].startswith("test.qcfix.unique_key_dwd_sales_id"):
            r.update(changes)
    (target / "run_results.json").write_text(json.dumps(results))
    return target


def test_many_failing_rows_give_a_count_and_an_example(project, tmp_path):
    target = _with_unique_key_result(project, tmp_path, failures=12)
    rows = [{"period": f"2026-01-0{d}", "message": f"dws_x: no row for the day starting 2026-01-0{d}"} for d in (3, 4)]
    found = sql_results(load_artifacts(target), RowsWarehouse(rows), select=["dwd_sales"])
    r = next(r for r in found if r.check == "unique_key")
    assert r.message == "12 failing rows, e.g. dws_x: no row for the day starting 2026-01-03"
    assert len(r.details["sample_rows"]) == 2


def test_column_checks_rows_list_each_rule_message(project):
    rows = [{"column_name": "qty", "rule": "not_null", "observed": 3.0, "threshold": 0.0,
             "message": "dwd_sales.qty not_null: 3 rows fail"},
            {"column_name": "price", "rule": "value_range", "observed": 0.2, "threshold": 0.1,
             "message": "dwd_sales.price value_range: 20 of 100 rows fail (ratio 0.2, limit 0.1)"}]
    found = sql_results(load_artifacts(project / "target"), RowsWarehouse(rows), select=["dwd_sales"])
    r = next(r for r in found if r.details.get("test_name") == "column_checks_dwd_sales_non_negative")
    assert r.details["rules"] == ["price: value_range", "qty: not_null"]
    assert r.message == ("dwd_sales.qty not_null: 3 rows fail; "
                         "dwd_sales.price value_range: 20 of 100 rows fail (ratio 0.2, limit 0.1)")
    assert r.observed is None  # two rules: no single observed value


@pytest.mark.parametrize(("config", "arguments"), [
    pytest.param({"meta": {"strataqc": {"columns": ["store_id", "sale_date"]}}},
                 {"columns": ["store_id", "sale_date"]}, id="declared-columns-connect-it"),
    pytest.param({"meta": {"strataqc": {"columns": "unit_price"}}}, {"columns": ["unit_price"]}, id="one-column"),
    pytest.param({"meta": {"owner": "ops"}}, {}, id="none-declared-stands-for-its-model"),
])
def test_a_singular_test_names_its_columns_in_meta(config, arguments):
    from strataqc.artifacts import _declared_columns
    from strataqc.incidents import problem_columns
    from strataqc.results import CheckResult

    node = {"resource_type": "test", "name": "assert_x", "config": config}
    assert _declared_columns(node) == arguments
    record = CheckResult(check="assert_x", status=Status.FAIL, model="dwd_sales", details={"arguments": arguments})
    assert problem_columns(record) == (frozenset(arguments["columns"]) if arguments else None)


def test_a_test_that_read_the_rows_its_run_wrote_says_so(project, tmp_path):
    # the scoped relation's alias in the compiled SQL: the test read tonight's slice, not its table
    target = _with_unique_key_result(project, tmp_path, compiled_code=(
        'select id from (select * from "dwd"."dwd_sales" where "_load_id" > cast(\'7\' as INTEGER)) strataqc_scoped '
        'group by id having count(*) > 1'))
    found = sql_results(load_artifacts(target), None, select=["dwd_sales"])
    assert {r.details.get("scope") for r in found if r.check == "unique_key"} == {"new_rows"}
    # both ways: every other test read its whole table
    assert {r.details.get("scope") for r in found if r.check != "unique_key"} == {None}

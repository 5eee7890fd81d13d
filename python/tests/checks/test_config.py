"""meta.strataqc → CheckSpec: types from the warehouse, defaults, and every config error as a record."""

from __future__ import annotations

import pandas as pd
import pytest
import sqlglot

from strataqc.checks.config import (CHECK_DEFAULTS, build_spec, current_filter, reference_filter,
                                    relation_table, type_family)
from strataqc.results import CheckType, Status
from strataqc.warehouse import Target, Warehouse, quote

SPLIT = {"column": "dataset_split", "reference": "train", "current": "predict"}


@pytest.fixture(scope="module")
def wh(tmp_path_factory):
    path = tmp_path_factory.mktemp("checks_config") / "fixture.duckdb"
    with Warehouse(Target("strataqc", "test", "duckdb", {"path": str(path)})) as warehouse:
        warehouse.execute("""
            create table features (
                store_id integer, date_day date, category varchar, region varchar, price double,
                qty bigint, is_promo boolean, amount decimal(10, 2), seen_at timestamp, tags varchar[],
                y double, dataset_split varchar, "odd "" name; --" varchar)""")
        warehouse.execute("""
            insert into features values
              (1, date '2024-01-01', 'Dairy', 'N', 1.5, 3, true, 2.50, timestamp '2024-01-01 10:00', ['a'], 1.0, 'train', 'x'),
              (2, date '2024-01-02', 'Bakery', 'S', 2.5, 4, false, 3.50, timestamp '2024-01-02 11:00', ['b'], 2.0, 'train', 'y'),
              (3, date '2024-02-01', 'Dairy', 'S', 3.5, 5, false, 4.50, timestamp '2024-02-01 12:00', ['c'], null, 'predict', 'z')""")
        warehouse.execute("create table empty_table (a integer, dataset_split varchar)")
        yield warehouse


def spec_of(wh, block, relation='"main"."features"'):
    return build_spec("features", relation, "ads", block, wh)


def messages(errors):
    return [e.message for e in errors]


def test_types_come_from_the_warehouse_and_every_other_column_is_a_feature(wh):
    spec, errors = spec_of(wh, {"target": "y", "ids": ["store_id", "date_day"], "split": SPLIT,
                                "categorical": ["region"]})
    assert errors == []
    assert spec.columns == {"store_id": "numeric", "date_day": "date", "category": "categorical",
                            "region": "categorical", "price": "numeric", "qty": "numeric", "is_promo": "boolean",
                            "amount": "numeric", "seen_at": "date", "y": "numeric", "dataset_split": "categorical",
                            'odd " name; --': "categorical"}  # the list column has no family: not checked
    assert spec.features == ["category", "region", "price", "qty", "is_promo", "amount", "seen_at",
                             'odd " name; --']
    assert spec.numeric == ["price", "qty", "amount"]
    assert spec.categorical == ["category", "region", "is_promo", 'odd " name; --']
    assert (spec.target, spec.ids, spec.split_column, spec.reference, spec.current) == \
        ("y", ["store_id", "date_day"], "dataset_split", "train", "predict")
    assert (spec.sample_size, spec.seed, spec.layer) == (50_000, 42, "ads")


def test_declared_categorical_numeric_column_is_not_numeric(wh):
    spec, errors = spec_of(wh, {"categorical": ["qty"]})
    assert errors == [] and "qty" in spec.categorical and "qty" not in spec.numeric


def test_defaults_are_merged_with_the_yaml_and_false_turns_a_check_off(wh):
    spec, errors = spec_of(wh, {"checks": {"missing_values": {"max_ratio": 0.2}, "similar_strings": False,
                                           "feature_drift": {"psi_fail": 0.3}, "duplicate_rows": {"enabled": False}}})
    assert errors == []
    assert spec.checks["missing_values"]["max_ratio"] == 0.2
    assert spec.checks["single_value"] == {"enabled": True, "severity": "error", "allow_empty": False, "exclude": []}
    assert spec.checks["feature_drift"]["psi_fail"] == 0.3  # drift parameters pass through unchecked
    assert "similar_strings" not in spec.checks and "duplicate_rows" not in spec.checks
    assert set(spec.checks) == set(CHECK_DEFAULTS) - {"similar_strings", "duplicate_rows"}


@pytest.mark.parametrize(("block", "key", "fragment"), [
    pytest.param({"checks": {"missing_valus": {}}}, "checks.missing_valus",
                 "unknown check 'missing_valus' (did you mean 'missing_values'?)", id="unknown-check"),
    pytest.param({"chekcs": {}}, "chekcs", "unknown key 'chekcs' in meta.strataqc (did you mean 'checks'?)",
                 id="unknown-key"),
    pytest.param({"target": "units"}, "target", "column 'units' is not in \"main\".\"features\"",
                 id="missing-target"),
    pytest.param({"ids": ["store", "date_day"]}, "ids", "column 'store' is not in", id="missing-id"),
    pytest.param({"categorical": ["categroy"]}, "categorical", "(did you mean 'category'?)",
                 id="missing-categorical"),
    pytest.param({"split": {"column": "dataset_split", "reference": "training", "current": "predict"}},
                 "split.reference", "no row has dataset_split = 'training'", id="split-value-absent"),
    pytest.param({"split": {"column": "split", "reference": "train", "current": "predict"}}, "split.column",
                 "(did you mean 'dataset_split'?)", id="split-column-missing"),
    pytest.param({"split": {"column": "dataset_split", "reference": "train"}}, "split",
                 "split needs current", id="split-incomplete"),
    pytest.param({"split": "dataset_split"}, "split", "split must be a mapping", id="split-not-mapping"),
    pytest.param({"checks": {"missing_values": {"max_ratio": "5%"}}}, "checks.missing_values.max_ratio",
                 "expected a number, got '5%'", id="bad-threshold"),
    pytest.param({"checks": {"missing_values": {"max_rate": 0.1}}}, "checks.missing_values.max_rate",
                 "unknown parameter 'max_rate' of missing_values (did you mean 'max_ratio'?)", id="unknown-param"),
    pytest.param({"checks": {"single_value": {"severity": "fatal"}}}, "checks.single_value.severity",
                 "severity is error or warn", id="bad-severity"),
    pytest.param({"checks": {"class_imbalance": {"bins": 1}}}, "checks.class_imbalance.bins",
                 "bins is a number of equal-width bins (>= 2) or a list of edges", id="bad-bins"),
    pytest.param({"checks": {"missing_values": {"exclude": ["units_lag"]}}}, "checks.missing_values.exclude",
                 "'units_lag' not in \"main\".\"features\"", id="exclude-unknown-column"),
    pytest.param({"checks": {"duplicate_rows": {"columns": ["store"]}}}, "checks.duplicate_rows.columns",
                 "'store' not in", id="columns-unknown"),
    pytest.param({"checks": {"missing_values": {"exclude": 5}}}, "checks.missing_values.exclude",
                 "exclude is a list of column names", id="exclude-not-list"),
    pytest.param({"sample_size": 0}, "sample_size", "sample_size must be a whole number > 0", id="bad-sample"),
    pytest.param({"windows": {"column": "category", "reference": ["2024-01-01", "2024-01-31"],
                              "current": ["2024-02-01", "2024-02-07"]}},
                 "windows.column", "not a date: name a date column", id="window-not-date"),
    pytest.param({"windows": {"column": "date_day", "reference": ["2024-01-31", "2024-01-01"],
                              "current": ["2024-02-01", "2024-02-07"]}},
                 "windows.reference", "starts after it ends", id="window-reversed"),
    pytest.param({"windows": {"column": "date_day", "reference": "January", "current": ["2024-02-01", "2024-02-07"]}},
                 "windows.reference", "must be [from, to] as ISO dates", id="window-not-dates"),
])
def test_config_error_names_model_key_and_what_to_write(wh, block, key, fragment):
    spec, errors = spec_of(wh, block)
    assert spec is not None, "a wrong key must not stop the other checks"
    assert len(errors) == 1, messages(errors)
    error = errors[0]
    assert (error.status, error.check, error.column, error.model, error.layer, error.check_type) == \
        (Status.ERROR, "config", key, "features", "ads", CheckType.FEATURE_SET)
    assert error.message.startswith(f"features: meta.strataqc.{key}: ")
    assert fragment in error.message


def test_split_value_absent_lists_the_values_present_and_leaves_no_sets(wh):
    spec, errors = spec_of(wh, {"split": {"column": "dataset_split", "reference": "train", "current": "test"}})
    assert "values present: 'train', 'predict'" in errors[0].message
    assert not spec.has_sets  # drift must not compare against an empty set


def test_missing_relation_gives_no_spec_and_says_to_build(wh):
    spec, errors = spec_of(wh, {"target": "y"}, relation='"main"."not_built"')
    assert spec is None
    assert [e.column for e in errors] == ["relation"]
    assert "run `dbt build` for features first" in errors[0].message


def test_block_that_is_not_a_mapping_is_one_error(wh):
    spec, errors = spec_of(wh, ["target", "y"])
    assert spec is None and "meta.strataqc must be a mapping" in errors[0].message


def test_split_on_empty_table_says_it_is_empty(wh):
    _, errors = build_spec("empty_table", '"main"."empty_table"', "ads", {"split": SPLIT}, wh)
    assert {e.column for e in errors} == {"split.reference", "split.current"}
    assert all("none (the table is empty)" in e.message for e in errors)


def test_reference_and_current_filters_select_the_split_rows(wh):
    spec, _ = spec_of(wh, {"split": SPLIT})
    for where, expected in ((reference_filter(spec), [1, 2]), (current_filter(spec), [3])):
        query = sqlglot.select("store_id").from_(spec.table).where(where).order_by("store_id")
        assert wh.query(query)["store_id"].tolist() == expected


def test_window_filters_include_both_bounds_and_timestamps_of_the_last_day(wh):
    spec, errors = spec_of(wh, {"windows": {"column": "seen_at", "reference": ["2024-01-01", "2024-01-02"],
                                            "current": ["2024-02-01", "2024-02-01"]}})
    assert errors == [] and spec.has_sets and "seen_at" not in spec.features
    rows = lambda where: wh.query(sqlglot.select("store_id").from_(spec.table).where(where))["store_id"].tolist()  # noqa: E731
    assert sorted(rows(reference_filter(spec))) == [1, 2]
    assert rows(current_filter(spec)) == [3]


def test_split_value_is_a_literal_not_sql(wh):
    hostile = "train' or '1'='1"
    spec, errors = spec_of(wh, {"split": {"column": "dataset_split", "reference": hostile, "current": "predict"}})
    assert "no row has dataset_split = \"train' or '1'='1\"" in errors[0].message
    from dataclasses import replace
    forced = replace(spec, reference=hostile)
    for dialect in ("duckdb", "postgres", "spark"):
        sql = sqlglot.select("*").from_(forced.table).where(reference_filter(forced)).sql(dialect)
        parsed = sqlglot.parse_one(sql, read=dialect)
        assert [lit.this for lit in parsed.find_all(sqlglot.exp.Literal)] == [hostile]
    assert wh.query(sqlglot.select("*").from_(forced.table).where(reference_filter(forced))).empty


@pytest.mark.parametrize(("data_type", "family"), [
    ("INTEGER", "numeric"), ("DECIMAL(18,3)", "numeric"), ("double precision", "numeric"), ("bigint", "numeric"),
    ("character varying", "categorical"), ("VARCHAR", "categorical"), ("string", "categorical"),
    ("DATE", "date"), ("TIMESTAMP WITH TIME ZONE", "date"), ("timestamp without time zone", "date"),
    ("BOOLEAN", "boolean"), ("INTEGER[]", None), ("STRUCT(a INTEGER)", None), ("array<int>", None),
])
def test_type_families_across_engines(data_type, family):
    assert type_family(data_type) == family


def test_relation_names_with_quotes_parse_as_one_table():
    table = relation_table(quote("my db") + "." + quote('s"x') + "." + quote("t; drop table x; --"))
    assert (table.catalog, table.db, table.name) == ("my db", 's"x', "t; drop table x; --")


def test_types_read_through_information_schema_keep_hostile_names(wh, tmp_path):
    frame = pd.DataFrame({'a"b': [1.0], "x; drop table features; --": ["v"], "--c": [1]})
    wh._conn.conn.register("hostile_frame", frame)
    wh.execute("create or replace table hostile as select * from hostile_frame")
    spec, errors = build_spec("hostile", '"main"."hostile"', "ads", {"ids": ["--c"]}, wh)
    assert errors == []
    assert spec.columns == {'a"b': "numeric", "x; drop table features; --": "categorical", "--c": "numeric"}
    assert wh.query("select count(*) as n from features")["n"][0] == 3


def test_drift_parameters_are_named_by_the_drift_module(wh):
    drift = pytest.importorskip("strataqc.checks.drift")
    spec, errors = spec_of(wh, {"checks": {"feature_drift": {"psi_fial": 0.3}}})
    assert [e.column for e in errors] == ["checks.feature_drift.psi_fial"]
    assert "did you mean 'psi_fail'?" in errors[0].message
    assert spec.checks["feature_drift"]["psi_fail"] == drift.DEFAULTS["feature_drift"]["psi_fail"]

"""dbt-expectations tests and their StrataQC equivalents (docs/migration.md)."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from strataqc.migrate.rule import (Args, Translation, Untranslatable, _arg, _args, _flow, _groups, _no_groups,
                                   _none, _plain)

def _strictly(a: Args) -> None:
    if a.get("strictly", False):
        raise Untranslatable("`strictly: true`: StrataQC bounds are inclusive; move the bound instead")


def _between(test: str, low: str, high: str, **extra: Any) -> Callable[[Args], Translation]:
    def rule(a: Args) -> Translation:
        _strictly(a)
        pairs = [_arg(k, v) for k, v in extra.items()]
        pairs += [_arg(low, a.get("min_value"), "min_value"), _arg(high, a.get("max_value"), "max_value")]
        if test == "strataqc.aggregate_between":
            pairs.append(_arg("group_by", _groups(a, "group_by"), "group_by"))
        return Translation(test, _args(*pairs), where=a.get("row_condition"))
    return rule


def _exp_quantile(a: Args) -> Translation:
    _strictly(a)
    return Translation("strataqc.aggregate_between", _args(
        _arg("aggregate", "quantile"), _arg("quantile", a.get("quantile"), "quantile"),
        _arg("min_value", a.get("min_value"), "min_value"), _arg("max_value", a.get("max_value"), "max_value"),
        _arg("group_by", _groups(a, "group_by"), "group_by")), where=a.get("row_condition"))


def _exp_row_count_between(a: Args) -> Translation:
    _strictly(a)
    _no_groups(a, "group_by", "test each group with `where`")
    return Translation("strataqc.row_count_between", _args(
        _arg("min_rows", a.get("min_value"), "min_value"), _arg("max_rows", a.get("max_value"), "max_value")),
        where=a.get("row_condition"))


def _exp_row_count_equal(a: Args) -> Translation:
    _no_groups(a, "group_by", "test each group with `where`")
    value = a.get("value")
    return Translation("strataqc.row_count_between", _args(_arg("min_rows", value, "value"), _arg("max_rows", value)),
                       where=a.get("row_condition"))


def _exp_row_count_other(a: Args) -> Translation:
    if a.has("compare_row_condition"):
        raise Untranslatable("`compare_row_condition` filters the compared model; point `compare_model` at a filtered model")
    groups = _groups(a, "group_by")
    if groups:
        if a.get("factor", 1) != 1 or (a.get("compare_group_by") or groups) != groups:
            raise Untranslatable("grouped counts with a factor or other compared groups have no equivalent")
        return Translation("strataqc.reconcile_row_count", _args(
            _arg("compare_model", a.get("compare_model"), "compare_model"), _arg("group_by", groups, "group_by")),
            where=a.get("row_condition"))
    a.get("compare_group_by")
    factor = a.get("factor")
    return Translation("strataqc.row_count_ratio", _args(
        _arg("compare_model", a.get("compare_model"), "compare_model"),
        _arg("factor", factor if factor not in (None, 1) else None, "factor")), where=a.get("row_condition"))


def _exp_recent(a: Args) -> Translation:
    unit = a.get("datepart")
    if unit not in ("day", "hour"):
        raise Untranslatable(f"datepart {unit!r}: strataqc.recency counts days or hours; convert `interval` to one of them")
    pairs = [_arg("max_age", a.get("interval"), "interval"), _arg("unit", unit, "datepart")]
    if a.level == "column":
        return Translation("strataqc.recency", _args(*pairs), where=a.get("row_condition"), model_column_arg="column")
    return Translation("strataqc.recency", _args(
        _arg("column", a.get("timestamp_column"), "timestamp_column"), *pairs,
        _arg("group_by", _groups(a, "group_by"), "group_by")), where=a.get("row_condition"))


def _regex(test: str, listed: bool, negate: bool) -> Callable[[Args], Translation]:
    def rule(a: Args) -> Translation:
        a.ignore("is_raw", False)
        flags = a.get("flags", "")
        if flags not in ("", "i"):
            raise Untranslatable(f"regex flags {flags!r}: only `i` (case_sensitive: false) has an equivalent")
        match_on = a.get("match_on", "any") if listed else None
        if negate and match_on:
            # dbt-expectations' not_match list: `any` passes a value unless it matches every pattern
            match_on = {"any": "all", "all": "any"}[match_on]
        return Translation(test, _args(
            _arg("pattern", a.get("regex_list" if listed else "regex"), "regex_list" if listed else "regex"),
            _arg("match_on", match_on if match_on != "any" else None, "match_on"),
            _arg("case_sensitive", False if flags == "i" else None, "flags")), where=a.get("row_condition"))
    return rule


def _like_to_regex(pattern: str) -> str:
    """A SQL LIKE pattern as an anchored regular expression: % is .*, _ is one character."""
    out = "".join(".*" if ch == "%" else "." if ch == "_" else re.escape(ch) for ch in pattern)
    return f"^{out}$"


def _like(test: str, listed: bool, negate: bool) -> Callable[[Args], Translation]:
    def rule(a: Args) -> Translation:
        key = "like_pattern_list" if listed else "like_pattern"
        patterns = a.get(key)
        if patterns is None:
            raise Untranslatable(f"`{key}` is missing")
        converted = _flow([_like_to_regex(p) for p in patterns]) if listed else _like_to_regex(patterns)
        match_on = a.get("match_on", "any") if listed else None
        if negate and match_on:
            match_on = {"any": "all", "all": "any"}[match_on]
        return Translation(test, _args(_arg("pattern", converted, key),
                                       _arg("match_on", match_on if match_on != "any" else None, "match_on")),
                           where=a.get("row_condition"))
    return rule


def _exp_lengths_between(a: Args) -> Translation:
    low, high = a.get("min_value"), a.get("max_value")
    if a.get("strictly", False):   # lengths are whole numbers: strict bounds move by one
        low, high = (low + 1 if low is not None else None), (high - 1 if high is not None else None)
    return Translation("strataqc.string_length", _args(
        _arg("min_length", low, "min_value"), _arg("max_length", high, "max_value")), where=a.get("row_condition"))


def _exp_lengths_equal(a: Args) -> Translation:
    value = a.get("value")
    return Translation("strataqc.string_length", _args(_arg("min_length", value, "value"), _arg("max_length", value)),
                       where=a.get("row_condition"))


def _exp_distinct(low_of: Callable[[Any], Any], high_of: Callable[[Any], Any]) -> Callable[[Args], Translation]:
    def rule(a: Args) -> Translation:
        value = a.get("value")
        return Translation("strataqc.distinct_count_between", _args(
            _arg("min_count", low_of(value), "value"), _arg("max_count", high_of(value)),
            _arg("group_by", _groups(a, "group_by"), "group_by")), where=a.get("row_condition"))
    return rule


def _exp_unique_count_between(a: Args) -> Translation:
    _strictly(a)
    return Translation("strataqc.distinct_count_between", _args(
        _arg("min_count", a.get("min_value"), "min_value"), _arg("max_count", a.get("max_value"), "max_value"),
        _arg("group_by", _groups(a, "group_by"), "group_by")), where=a.get("row_condition"))


def _exp_in_set(a: Args) -> Translation:
    a.ignore("quote_values", True)
    return Translation("strataqc.accepted_values_ratio", _args(_arg("values", a.get("value_set"), "value_set")),
                       where=a.get("row_condition"))


def _exp_between(a: Args) -> Translation:
    strictly = a.get("strictly", False)
    return Translation("strataqc.value_range", _args(
        _arg("min_value", a.get("min_value"), "min_value"), _arg("max_value", a.get("max_value"), "max_value"),
        _arg("inclusive", False if strictly else None, "strictly")), where=a.get("row_condition"))


def _exp_not_null(a: Args) -> Translation:
    return Translation("strataqc.abnormal_value_ratio", _args(_arg("kinds", _flow(["null"]))), where=a.get("row_condition"))


def _exp_null(a: Args) -> Translation:
    return Translation("strataqc.expression_is_true", _args(_arg("expression", "is null")), where=a.get("row_condition"))


def _exp_unique(a: Args) -> Translation:
    column = a.column
    if column is None:
        raise Untranslatable("no column to key on")
    return Translation("strataqc.unique_key", _args(_arg("columns", _flow([column]))), where=a.get("row_condition"),
                       model_column_arg="")


def _exp_compound_unique(a: Args) -> Translation:
    a.ignore("ignore_row_if", "all_values_are_missing")
    a.ignore("quote_columns", False)
    return Translation("strataqc.unique_key", _args(_arg("columns", a.get("column_list"), "column_list")),
                       where=a.get("row_condition"))


def _exp_pair(operator: Callable[[Args], str]) -> Callable[[Args], Translation]:
    def rule(a: Args) -> Translation:
        left, right = _plain(a.get("column_A"), "column_A"), _plain(a.get("column_B"), "column_B")
        return Translation("strataqc.expression_is_true", _args(
            _arg("expression", f"{left} {operator(a)} {right}")), where=a.get("row_condition"))
    return rule


def _exp_multicolumn_sum(a: Args) -> Translation:
    names = [_plain(c, "column") for c in a.get("column_list") or []]
    total = a.get("sum_total")
    if not names or total is None or isinstance(total, bool) or not isinstance(total, (int, float)):
        raise Untranslatable("needs `column_list` and a numeric `sum_total`")
    return Translation("strataqc.expression_is_true", _args(_arg("expression", f"{' + '.join(names)} = {total}")),
                       where=a.get("row_condition"))


def _exp_every_n_datepart(a: Args) -> Translation:
    if a.get("interval", 1) != 1 or a.has("test_start_date") or a.has("test_end_date") or a.has("exclusion_condition"):
        raise Untranslatable("only `interval: 1` without start/end dates or exclusions maps to strataqc.date_continuity")
    part = a.get("date_part", "day")
    if part not in ("day", "week", "month"):
        raise Untranslatable(f"date_part {part!r}: strataqc.date_continuity takes day, week or month")
    return Translation("strataqc.date_continuity", _args(
        _arg("date_column", a.get("date_col"), "date_col"), _arg("interval", part if part != "day" else None, "date_part")),
        where=a.get("row_condition"))


def _exp_of_type(a: Args) -> Translation:
    families = {"string": "string", "varchar": "string", "text": "string", "character varying": "string",
                "integer": "integer", "int": "integer", "bigint": "integer", "int64": "integer",
                "float": "float", "double": "float", "float64": "float", "double precision": "float",
                "numeric": "decimal", "decimal": "decimal", "number": "number", "boolean": "boolean",
                "bool": "boolean", "date": "date", "timestamp": "timestamp", "datetime": "timestamp"}
    declared = str(a.get("column_type", "")).lower()
    if declared not in families:
        raise Untranslatable(f"column_type {declared!r}: strataqc.column_type takes a type family "
                             "(integer, float, decimal, number, string, boolean, date, timestamp)")
    return Translation("strataqc.column_type", _args(_arg("type", families[declared], "column_type")))


NO_SCHEMA_SET = "column lists are strataqc.schema_unchanged's job: declare the model's columns there"

RULES: dict[str, Callable[[Args], Translation]] = {
    "dbt_expectations.expect_column_to_exist": _none(NO_SCHEMA_SET),
    "dbt_expectations.expect_row_values_to_have_recent_data": _exp_recent,
    "dbt_expectations.expect_grouped_row_values_to_have_recent_data": _exp_recent,
    "dbt_expectations.expect_table_aggregation_to_equal_other_table": _none(
        "only sums compare across models (strataqc.reconcile_sum); other aggregates have no equivalent"),
    "dbt_expectations.expect_table_column_count_to_be_between": _none(NO_SCHEMA_SET),
    "dbt_expectations.expect_table_column_count_to_equal_other_table": _none(NO_SCHEMA_SET),
    "dbt_expectations.expect_table_column_count_to_equal": _none(NO_SCHEMA_SET),
    "dbt_expectations.expect_table_columns_to_not_contain_set": _none(NO_SCHEMA_SET),
    "dbt_expectations.expect_table_columns_to_contain_set": _none(NO_SCHEMA_SET),
    "dbt_expectations.expect_table_columns_to_match_ordered_list": _none(NO_SCHEMA_SET),
    "dbt_expectations.expect_table_columns_to_match_set": _none(NO_SCHEMA_SET),
    "dbt_expectations.expect_table_row_count_to_be_between": _exp_row_count_between,
    "dbt_expectations.expect_table_row_count_to_equal_other_table": _exp_row_count_other,
    "dbt_expectations.expect_table_row_count_to_equal_other_table_times_factor": _exp_row_count_other,
    "dbt_expectations.expect_table_row_count_to_equal": _exp_row_count_equal,
    "dbt_expectations.expect_column_values_to_be_null": _exp_null,
    "dbt_expectations.expect_column_values_to_not_be_null": _exp_not_null,
    "dbt_expectations.expect_column_values_to_be_unique": _exp_unique,
    "dbt_expectations.expect_column_values_to_be_of_type": _exp_of_type,
    "dbt_expectations.expect_column_values_to_be_in_type_list": _none(
        "strataqc.column_type takes one type family; `number` covers integer, float and decimal"),
    "dbt_expectations.expect_column_values_to_have_consistent_casing": _none("no casing test"),
    "dbt_expectations.expect_column_values_to_be_in_set": _exp_in_set,
    "dbt_expectations.expect_column_values_to_not_be_in_set": _none(
        "no deny-list test; write strataqc.expression_is_true with `not in (...)`"),
    "dbt_expectations.expect_column_values_to_be_between": _exp_between,
    "dbt_expectations.expect_column_values_to_be_decreasing": _none(
        "no monotonic test; strataqc.sequential_values needs a fixed step"),
    "dbt_expectations.expect_column_values_to_be_increasing": _none(
        "no monotonic test; strataqc.sequential_values needs a fixed step"),
    "dbt_expectations.expect_column_value_lengths_to_be_between": _exp_lengths_between,
    "dbt_expectations.expect_column_value_lengths_to_equal": _exp_lengths_equal,
    "dbt_expectations.expect_column_values_to_match_like_pattern": _like("strataqc.regex_match", False, False),
    "dbt_expectations.expect_column_values_to_match_like_pattern_list": _like("strataqc.regex_match", True, False),
    "dbt_expectations.expect_column_values_to_match_regex": _regex("strataqc.regex_match", False, False),
    "dbt_expectations.expect_column_values_to_match_regex_list": _regex("strataqc.regex_match", True, False),
    "dbt_expectations.expect_column_values_to_not_match_like_pattern": _like("strataqc.regex_not_match", False, True),
    "dbt_expectations.expect_column_values_to_not_match_like_pattern_list": _like("strataqc.regex_not_match", True, True),
    "dbt_expectations.expect_column_values_to_not_match_regex": _regex("strataqc.regex_not_match", False, True),
    "dbt_expectations.expect_column_values_to_not_match_regex_list": _regex("strataqc.regex_not_match", True, True),
    "dbt_expectations.expect_column_distinct_count_to_be_greater_than": _exp_distinct(lambda v: v + 1, lambda v: None),
    "dbt_expectations.expect_column_distinct_count_to_be_less_than": _exp_distinct(lambda v: None, lambda v: v - 1),
    "dbt_expectations.expect_column_distinct_count_to_equal_other_table": _none(
        "no cross-model distinct count; compare select-distinct models with strataqc.row_count_ratio"),
    "dbt_expectations.expect_column_distinct_count_to_equal": _exp_distinct(lambda v: v, lambda v: v),
    "dbt_expectations.expect_column_distinct_values_to_be_in_set": _exp_in_set,
    "dbt_expectations.expect_column_distinct_values_to_contain_set": _none("no test requires values to be present"),
    "dbt_expectations.expect_column_distinct_values_to_equal_set": _none(
        "no test requires values to be present; strataqc.accepted_values_ratio covers the other half"),
    "dbt_expectations.expect_column_max_to_be_between": _between("strataqc.aggregate_between", "min_value", "max_value", aggregate="max"),
    "dbt_expectations.expect_column_mean_to_be_between": _between("strataqc.aggregate_between", "min_value", "max_value", aggregate="mean"),
    "dbt_expectations.expect_column_median_to_be_between": _between("strataqc.aggregate_between", "min_value", "max_value", aggregate="median"),
    "dbt_expectations.expect_column_min_to_be_between": _between("strataqc.aggregate_between", "min_value", "max_value", aggregate="min"),
    "dbt_expectations.expect_column_most_common_value_to_be_in_set": _none("no most-common-value test"),
    "dbt_expectations.expect_column_proportion_of_unique_values_to_be_between": _none(
        "no share-of-distinct test; strataqc.distinct_count_between bounds the count"),
    "dbt_expectations.expect_column_quantile_values_to_be_between": _exp_quantile,
    "dbt_expectations.expect_column_stdev_to_be_between": _between("strataqc.aggregate_between", "min_value", "max_value", aggregate="stddev"),
    "dbt_expectations.expect_column_sum_to_be_between": _between("strataqc.aggregate_between", "min_value", "max_value", aggregate="sum"),
    "dbt_expectations.expect_column_unique_value_count_to_be_between": _exp_unique_count_between,
    "dbt_expectations.expect_column_pair_values_A_to_be_greater_than_B": _exp_pair(lambda a: ">=" if a.get("or_equal", False) else ">"),
    "dbt_expectations.expect_column_pair_values_to_be_equal": _exp_pair(lambda a: "="),
    "dbt_expectations.expect_column_pair_values_to_be_in_set": _none("no test of value pairs against a list"),
    "dbt_expectations.expect_compound_columns_to_be_unique": _exp_compound_unique,
    "dbt_expectations.expect_multicolumn_sum_to_equal": _exp_multicolumn_sum,
    "dbt_expectations.expect_select_column_values_to_be_unique_within_record": _none("no within-row uniqueness test"),
    "dbt_expectations.expect_column_values_to_be_within_n_moving_stdevs": _none(
        "no moving-window test on values; strataqc.volume_anomaly does it for row counts"),
    "dbt_expectations.expect_column_values_to_be_within_n_stdevs": _none(
        "no z-score test on values; the Python checks (feature_drift) judge distributions"),
    "dbt_expectations.expect_row_values_to_have_data_for_every_n_datepart": _exp_every_n_datepart,
}

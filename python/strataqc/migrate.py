"""Rewrite dbt-utils and dbt-expectations tests in schema YAML as StrataQC tests.

The YAML is read and written round-trip (ruamel.yaml): comments, key order,
quoting and each test's `config:` stay as they were; only the test's name and
its arguments change. A test with no equivalent is left untouched and
reported with the reason (docs/migration.md has the full table).

    >>> rule = translate("dbt_utils.accepted_range", {"min_value": 0, "inclusive": False}, "column")
    >>> rule.test, [(name, value) for name, value, _ in rule.args]
    ('strataqc.value_range', [('min_value', 0), ('inclusive', False)])
"""

from __future__ import annotations

import difflib
import io
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import YAMLError

PACKAGES = ("dbt_utils.", "dbt_expectations.")
# keys of a test entry that configure it rather than pass an argument (dbt's own)
CONFIG_KEYS = {"name", "config", "description", "severity", "where", "error_if", "warn_if", "limit",
               "store_failures", "store_failures_as", "tags", "meta", "enabled", "fail_calc",
               "database", "schema", "alias", "column_name"}
TEST_LISTS = ("data_tests", "tests")
PLAIN_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


class Untranslatable(Exception):
    """The test (or one of its arguments) has no StrataQC equivalent; the message says why."""


@dataclass
class Translation:
    test: str
    args: list[tuple[str, Any, str | None]]   # (new name, value, old name whose comment it keeps)
    where: str | None = None                  # a row filter that becomes the test's `where` config
    # a column test StrataQC runs on the model: the argument that names the column ("" when args already do)
    model_column_arg: str | None = None


class Args:
    """The old test's arguments; every one a rule does not take is reported, never dropped."""

    def __init__(self, values: dict[str, Any], level: str, column: str | None):
        self.values, self.level, self.column, self.used = dict(values), level, column, set()

    def get(self, key: str, default: Any = None) -> Any:
        self.used.add(key)
        value = self.values.get(key)
        return default if value is None else value

    def has(self, key: str) -> bool:
        return self.values.get(key) is not None

    def ignore(self, key: str, harmless: Any) -> None:
        """An argument with no StrataQC meaning: fine at its harmless value, reported otherwise."""
        if self.get(key, harmless) != harmless:
            raise Untranslatable(f"argument `{key}: {self.values[key]}` has no equivalent")

    def leftover(self) -> list[str]:
        return [k for k, v in self.values.items() if k not in self.used and v is not None]


def _arg(name: str, value: Any, source: str | None = None) -> tuple[str, Any, str | None]:
    return (name, value, source)


def _args(*pairs: tuple[str, Any, str | None]) -> list[tuple[str, Any, str | None]]:
    return [p for p in pairs if p[1] is not None]


def _plain(name: Any, what: str) -> str:
    """A column name written into an expression: only plain names, which need no engine's quoting."""
    if not isinstance(name, str) or not PLAIN_NAME.match(name):
        raise Untranslatable(f"{what} {name!r} is not a plain column name; write the strataqc.expression_is_true by hand")
    return name


def _flow(values: Any) -> Any:
    """A list written inline ([a, b]), as dbt projects mostly write short lists; a list read from the file keeps its style."""
    if isinstance(values, CommentedSeq) or values is None:
        return values
    seq = CommentedSeq(values if isinstance(values, list) else [values])
    seq.fa.set_flow_style()
    return seq


def _groups(a: Args, key: str) -> Any:
    return _flow(a.get(key)) if a.get(key) else None


def _no_groups(a: Args, key: str, instead: str) -> None:
    if a.has(key) and a.get(key):
        raise Untranslatable(f"`{key}` has no equivalent here; {instead}")


# ---- dbt-utils -------------------------------------------------------------

def _utils_equal_rowcount(a: Args) -> Translation:
    groups = _groups(a, "group_by_columns")
    if groups:
        return Translation("strataqc.reconcile_row_count", _args(
            _arg("compare_model", a.get("compare_model"), "compare_model"), _arg("group_by", groups, "group_by_columns")))
    return Translation("strataqc.row_count_ratio", _args(_arg("compare_model", a.get("compare_model"), "compare_model")))


def _utils_fewer_rows_than(a: Args) -> Translation:
    _no_groups(a, "group_by_columns", "compare per group with strataqc.reconcile_row_count")
    return Translation("strataqc.row_count_ratio", _args(
        _arg("compare_model", a.get("compare_model"), "compare_model"), _arg("comparison", "fewer")))


def _utils_equality(a: Args) -> Translation:
    return Translation("strataqc.equality", _args(
        _arg("compare_model", a.get("compare_model"), "compare_model"),
        _arg("compare_columns", a.get("compare_columns"), "compare_columns"),
        _arg("exclude_columns", a.get("exclude_columns"), "exclude_columns"),
        _arg("precision", a.get("precision"), "precision")))


def _utils_expression_is_true(a: Args) -> Translation:
    return Translation("strataqc.expression_is_true", _args(_arg("expression", a.get("expression"), "expression")))


def _utils_recency(a: Args) -> Translation:
    unit = a.get("datepart")
    if unit not in ("day", "hour"):
        raise Untranslatable(f"datepart {unit!r}: strataqc.recency counts days or hours; convert `interval` to one of them")
    a.ignore("ignore_time_component", False)
    return Translation("strataqc.recency", _args(
        _arg("column", a.get("field"), "field"), _arg("max_age", a.get("interval"), "interval"),
        _arg("unit", unit, "datepart"), _arg("group_by", _groups(a, "group_by_columns"), "group_by_columns")))


def _utils_at_least_one(a: Args) -> Translation:
    return Translation("strataqc.distinct_count_between", _args(
        _arg("min_count", 1), _arg("group_by", _groups(a, "group_by_columns"), "group_by_columns")))


def _utils_not_constant(a: Args) -> Translation:
    return Translation("strataqc.not_constant", _args(_arg("group_by", _groups(a, "group_by_columns"), "group_by_columns")))


def _utils_not_empty_string(a: Args) -> Translation:
    # StrataQC's `empty` trims first; dbt-utils without trimming counts only ''
    a.ignore("trim_whitespace", True)
    return Translation("strataqc.abnormal_value_ratio", _args(_arg("kinds", _flow(["empty"]))))


def _utils_not_null_proportion(a: Args) -> Translation:
    if a.get("at_most", 1) != 1:
        raise Untranslatable("`at_most` (a minimum share of NULLs) has no equivalent")
    _no_groups(a, "group_by_columns", "split the model or test each group with `where`")
    at_least = a.get("at_least")
    if at_least is None:
        raise Untranslatable("`at_least` is missing")
    return Translation("strataqc.abnormal_value_ratio", _args(
        _arg("kinds", _flow(["null"])), _arg("max_ratio", round(1 - float(at_least), 12), "at_least")))


def _utils_relationships_where(a: Args) -> Translation:
    if a.has("to_condition"):
        raise Untranslatable("`to_condition` filters the parent, which strataqc.relationships_ratio does not; "
                             "point `to` at a model holding only those parents")
    return Translation("strataqc.relationships_ratio", _args(
        _arg("to", a.get("to"), "to"), _arg("field", a.get("field"), "field")), where=a.get("from_condition"))


def _utils_mutually_exclusive_ranges(a: Args) -> Translation:
    return Translation("strataqc.mutually_exclusive_ranges", _args(
        _arg("lower_bound_column", a.get("lower_bound_column"), "lower_bound_column"),
        _arg("upper_bound_column", a.get("upper_bound_column"), "upper_bound_column"),
        _arg("partition_by", _flow(a.get("partition_by")), "partition_by"),
        _arg("gaps", a.get("gaps"), "gaps"),
        _arg("zero_length_range_allowed", a.get("zero_length_range_allowed"), "zero_length_range_allowed")))


def _utils_sequential_values(a: Args) -> Translation:
    return Translation("strataqc.sequential_values", _args(
        _arg("interval", a.get("interval"), "interval"), _arg("datepart", a.get("datepart"), "datepart"),
        _arg("group_by", _groups(a, "group_by_columns"), "group_by_columns")))


def _utils_unique_combination_of_columns(a: Args) -> Translation:
    a.ignore("quote_columns", False)
    return Translation("strataqc.unique_key", _args(_arg("columns", a.get("combination_of_columns"), "combination_of_columns")))


def _utils_accepted_range(a: Args) -> Translation:
    return Translation("strataqc.value_range", _args(
        _arg("min_value", a.get("min_value"), "min_value"), _arg("max_value", a.get("max_value"), "max_value"),
        _arg("inclusive", a.get("inclusive"), "inclusive")))


def _none(reason: str) -> Callable[[Args], Translation]:
    def rule(a: Args) -> Translation:
        raise Untranslatable(reason)
    return rule


# ---- dbt-expectations ------------------------------------------------------

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
    "dbt_utils.equal_rowcount": _utils_equal_rowcount,
    "dbt_utils.fewer_rows_than": _utils_fewer_rows_than,
    "dbt_utils.equality": _utils_equality,
    "dbt_utils.expression_is_true": _utils_expression_is_true,
    "dbt_utils.recency": _utils_recency,
    "dbt_utils.at_least_one": _utils_at_least_one,
    "dbt_utils.not_constant": _utils_not_constant,
    "dbt_utils.not_empty_string": _utils_not_empty_string,
    "dbt_utils.cardinality_equality": _none("no test compares the distinct values of two columns; "
                                            "strataqc.equality over select-distinct models does"),
    "dbt_utils.not_null_proportion": _utils_not_null_proportion,
    "dbt_utils.not_accepted_values": _none("no deny-list test; write strataqc.expression_is_true with `not in (...)`"),
    "dbt_utils.relationships_where": _utils_relationships_where,
    "dbt_utils.mutually_exclusive_ranges": _utils_mutually_exclusive_ranges,
    "dbt_utils.sequential_values": _utils_sequential_values,
    "dbt_utils.unique_combination_of_columns": _utils_unique_combination_of_columns,
    "dbt_utils.accepted_range": _utils_accepted_range,
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


def translate(test: str, args: dict[str, Any], level: str, column: str | None = None) -> Translation:
    """The StrataQC test for one old test, or Untranslatable with the reason."""
    rule = RULES.get(test)
    if rule is None:
        raise Untranslatable("not a test of dbt-utils 1.x or dbt-expectations this tool knows")
    a = Args(args, level, column)
    result = rule(a)
    leftover = a.leftover()
    # the rules that can take it as `where` did; anywhere else it is reported, never dropped
    if a.has("row_condition") and result.where is None and "row_condition" not in leftover:
        leftover.append("row_condition")
    if leftover:
        raise Untranslatable("argument(s) " + ", ".join(f"`{k}`" for k in leftover) + " have no equivalent")
    return result


# ---- the YAML round trip ---------------------------------------------------

@dataclass
class Skipped:
    path: Path
    where: str        # model or model.column
    test: str
    reason: str


@dataclass
class FileMigration:
    path: Path
    old_text: str
    new_text: str
    translated: list[tuple[str, str, str]] = field(default_factory=list)   # (where, old test, new test)
    skipped: list[Skipped] = field(default_factory=list)

    def diff(self) -> str:
        return "".join(difflib.unified_diff(self.old_text.splitlines(True), self.new_text.splitlines(True),
                                            fromfile=f"a/{self.path.as_posix().lstrip('/')}",
                                            tofile=f"b/{self.path.as_posix().lstrip('/')}"))


class MigrationError(Exception):
    """A file that cannot be read as schema YAML; the message names it and the fix."""


def _yaml(text: str) -> YAML:
    yaml = YAML()
    yaml.preserve_quotes = True
    yaml.width = 4096   # never re-wrap a long line the user wrote
    # dbt projects indent list items under their key ("models:\n  - name") or not; keep whichever the file uses
    indented = re.search(r"^(\s*)[\w-]+:\s*\n\1  +- ", text, re.M)
    yaml.indent(mapping=2, sequence=4, offset=2) if indented else yaml.indent(mapping=2, sequence=2, offset=0)
    return yaml


def _entry(item: Any) -> tuple[str | None, Any]:
    if isinstance(item, str):
        return item, None
    if isinstance(item, dict) and len(item) == 1:
        (name, body), = item.items()
        return name, body
    return None, None


def _split(body: Any) -> tuple[dict[str, Any], bool]:
    """(arguments, new style?) of a test entry's body."""
    if body is None:
        return {}, False
    if not isinstance(body, dict):
        raise Untranslatable("the test's body is not a mapping")
    if "arguments" in body:
        return dict(body["arguments"] or {}), True
    return {k: v for k, v in body.items() if k not in CONFIG_KEYS}, False


def _new_args(old: Any, rule: Translation) -> CommentedMap:
    out = CommentedMap()
    for name, value, source in rule.args:
        out[name] = value
        if isinstance(old, CommentedMap) and source in old.ca.items:
            out.ca.items[name] = old.ca.items[source]   # a comment on the old argument's line stays with it
    return out


def _add_where(body: CommentedMap, where: str) -> None:
    # under config: dbt 1.10+ deprecates `where` beside the arguments
    if not isinstance(body.get("config"), dict):
        body["config"] = CommentedMap()
    target = body["config"]
    old = target.get("where") or body.pop("where", None)
    target["where"] = f"({old}) and ({where})" if old else where


def _rewrite(name: str, body: Any, rule: Translation, column: str | None) -> Any:
    args = _new_args(body.get("arguments") if isinstance(body, dict) and "arguments" in body else body, rule)
    if rule.model_column_arg:
        args.insert(0, rule.model_column_arg, column)
    if body is None and not args and rule.where is None:
        return rule.test
    _, new_style = _split(body) if body is not None else ({}, False)
    if body is None:
        new_body = CommentedMap()
        new_body.update(args)
    elif new_style:
        new_body = body
        if args:
            body["arguments"] = args
        else:
            del body["arguments"]
    else:
        new_body = CommentedMap()
        placed = False
        for key, value in body.items():
            if key in CONFIG_KEYS:
                new_body[key] = value
                if key in body.ca.items:
                    new_body.ca.items[key] = body.ca.items[key]
            elif not placed:
                new_body.update(args)
                for k in args:
                    if k in args.ca.items:
                        new_body.ca.items[k] = args.ca.items[k]
                placed = True
        if not placed:
            for k, v in reversed(list(args.items())):
                new_body.insert(0, k, v)
        new_body.ca.comment = body.ca.comment
        if body.fa.flow_style():
            new_body.fa.set_flow_style()
    if rule.where is not None:
        _add_where(new_body, rule.where)
    out = CommentedMap()
    out[rule.test] = new_body
    return out


def _keep_comments(old: Any, new: Any) -> Any:
    if isinstance(old, CommentedMap) and isinstance(new, CommentedMap):
        (old_key,), (new_key,) = list(old), list(new)
        if old_key in old.ca.items:
            new.ca.items[new_key] = old.ca.items[old_key]
        new.ca.comment = old.ca.comment
        if old.fa.flow_style():
            new.fa.set_flow_style()
    return new


def _node_tests(node: CommentedMap) -> CommentedSeq:
    for key in TEST_LISTS:
        if isinstance(node.get(key), list):
            return node[key]
    node["data_tests"] = CommentedSeq()
    return node["data_tests"]


def _signature(item: Any) -> str | None:
    """What dbt names a test after: its name and arguments (not its config)."""
    name, body = _entry(item)
    if not isinstance(name, str):
        return None
    try:
        args, _ = _split(body)
    except Untranslatable:
        return None
    return name + json.dumps(args, sort_keys=True, default=str)


def _migrate_list(result: FileMigration, node: CommentedMap, tests: CommentedSeq, label: str, column: str | None) -> None:
    moved = []
    seen = {_signature(item) for item in tests}
    model_seen = {_signature(item) for key in TEST_LISTS for item in (node.get(key) or [])}
    for i, item in enumerate(tests):
        name, body = _entry(item)
        if not isinstance(name, str) or not name.startswith(PACKAGES):
            continue
        where = f"{label}.{column}" if column else label
        try:
            args, _ = _split(body)
            rule = translate(name, args, "column" if column else "model", column)
            new = _keep_comments(item, _rewrite(name, body, rule, column))
            to_model = rule.model_column_arg is not None and column is not None
            signature = _signature(new)
            if signature in (model_seen if to_model else seen):
                raise Untranslatable(f"it becomes {rule.test} with the same arguments as another test there, and dbt "
                                     "rejects two tests of one name: delete one, or give one a `name:`")
        except Untranslatable as exc:
            result.skipped.append(Skipped(result.path, where, name, str(exc)))
            continue
        (model_seen if to_model else seen).add(signature)
        tests[i] = new
        if to_model:
            moved.append(i)
        result.translated.append((where, name, rule.test))
    # StrataQC runs these on the model: they move from the column's tests to the model's
    for i in moved:
        _node_tests(node).append(tests[i])
    for i in reversed(moved):
        del tests[i]


def _migrate_node(result: FileMigration, node: Any, label: str) -> None:
    if not isinstance(node, dict):
        return
    for key in list(node):   # in file order, so what is not translated is listed top to bottom
        if key in TEST_LISTS and isinstance(node[key], list):
            _migrate_list(result, node, node[key], label, None)
        elif key == "columns":
            for column in node.get("columns") or []:
                if not isinstance(column, dict) or not isinstance(column.get("name"), str):
                    continue
                for tests in TEST_LISTS:
                    if isinstance(column.get(tests), list) and column[tests]:
                        _migrate_list(result, node, column[tests], label, column["name"])
                        if not column[tests]:   # every test moved to the model
                            del column[tests]


def migrate_text(path: Path, text: str) -> FileMigration:
    """The migrated YAML of one schema file, with what was translated and what was not."""
    yaml = _yaml(text)
    try:
        doc = yaml.load(text)
    except YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f" (line {mark.line + 1})" if mark else ""
        raise MigrationError(f"{path}: not valid YAML{line}; fix the file or leave it out") from None
    result = FileMigration(path, text, text)
    if not isinstance(doc, dict):
        return result
    for kind in ("models", "seeds", "snapshots"):
        for node in doc.get(kind) or []:
            if isinstance(node, dict):
                _migrate_node(result, node, str(node.get("name")))
    for source in doc.get("sources") or []:
        if isinstance(source, dict):
            for table in source.get("tables") or []:
                if isinstance(table, dict):
                    _migrate_node(result, table, f"{source.get('name')}.{table.get('name')}")
    if result.translated:
        out = io.StringIO()
        yaml.dump(doc, out)
        result.new_text = out.getvalue()
    return result


def schema_files(paths: list[Path]) -> list[Path]:
    """The YAML files under the given files and folders (dbt_packages and target left out)."""
    found: list[Path] = []
    for path in paths:
        if not path.exists():
            raise MigrationError(f"{path}: no such file or folder; give schema YAML files or the folders holding them")
        if path.is_file():
            found.append(path)
            continue
        for file in sorted([*path.rglob("*.yml"), *path.rglob("*.yaml")]):
            if not {"dbt_packages", "target", "logs", ".venv"} & set(file.relative_to(path).parts):
                found.append(file)
    return found


def migrate_paths(paths: list[Path], write: bool = False) -> list[FileMigration]:
    """Every file's migration; with write, changed files are rewritten in place."""
    results = []
    for file in schema_files(paths):
        try:
            text = file.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise MigrationError(f"{file}: cannot be read ({exc}); check the path and its encoding") from None
        result = migrate_text(file, text)
        if write and result.new_text != result.old_text:
            file.write_text(result.new_text, encoding="utf-8")
        results.append(result)
    return results

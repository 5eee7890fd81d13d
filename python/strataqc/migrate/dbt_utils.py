"""dbt-utils 1.x generic tests and their StrataQC equivalents (docs/migration.md)."""

from __future__ import annotations

from collections.abc import Callable

from strataqc.migrate.rule import Args, Translation, Untranslatable, _arg, _args, _flow, _groups, _no_groups, _none

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
}

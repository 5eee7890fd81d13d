"""Feature-set checks as tables: (data, parameters, expected status), measured in DuckDB, and each
check's judge alone on what it measured."""

from __future__ import annotations

import pandas as pd
import pytest

from strataqc.checks.feature_set.categorical_levels import Levels
from strataqc.checks.feature_set.categorical_levels import judge as judge_levels
from strataqc.checks.feature_set.class_imbalance import Classes
from strataqc.checks.feature_set.class_imbalance import judge as judge_classes
from strataqc.checks.feature_set.duplicate_columns import Identical
from strataqc.checks.feature_set.duplicate_columns import judge as judge_identical
from strataqc.checks.feature_set.duplicate_rows import Duplicates
from strataqc.checks.feature_set.duplicate_rows import judge as judge_duplicates
from strataqc.checks.feature_set.feature_collinearity import Collinearity
from strataqc.checks.feature_set.feature_collinearity import judge as judge_collinearity
from strataqc.checks.feature_set.missing_values import Missing
from strataqc.checks.feature_set.missing_values import judge as judge_missing
from strataqc.checks.feature_set.single_value import Values
from strataqc.checks.feature_set.similar_strings import Spellings
from strataqc.checks.feature_set.similar_strings import judge as judge_spellings
from strataqc.checks.feature_set.single_value import judge as judge_single
from strataqc.checks.feature_set.target_correlation import Association
from strataqc.checks.feature_set.target_correlation import judge as judge_association
from strataqc.results import Status
from test_feature_set import run, wh  # noqa: F401  (wh: the in-memory warehouse fixture)

WARN = {"severity": "warn"}

# check, column values (beside an id), parameters of the check, expected status of the column
CASES = [
    ("single_value", [1, 2, 1, 2], {}, Status.PASS),
    ("single_value", [7, 7, None, 7], {}, Status.FAIL),
    ("single_value", [7, 7, None, 7], WARN, Status.WARN),
    ("missing_values", [1.0, None, 2.0, 3.0], {"max_ratio": 0.25}, Status.PASS),  # at the limit passes
    ("missing_values", [1.0, None, None, 3.0], {"max_ratio": 0.25}, Status.FAIL),
    ("missing_values", [1.0, None, None, 3.0], {"max_ratio": 0.25, **WARN}, Status.WARN),
    ("categorical_levels", ["a", "b", "a", "b"], {"max_levels": 2}, Status.PASS),
    ("categorical_levels", ["a", "b", "c", "a"], {"max_levels": 2}, Status.FAIL),
    ("categorical_levels", ["a", "b", "c", "a"], {"max_levels": 2, **WARN}, Status.WARN),
    ("similar_strings", ["Dairy", "Bakery", "Store 1", "Store 2"], {}, Status.PASS),  # numbered codes differ
    ("similar_strings", ["Dairy", "dairy ", "Bakery", "Bakery"], {}, Status.FAIL),
    ("similar_strings", ["Dairy", "dairy ", "Bakery", "Bakery"], {"max_groups": 1}, Status.PASS),
    ("similar_strings", ["Dairy", "DAIRY", "Bakery", "Bakery"], WARN, Status.WARN),
]

STEP = [float(i) for i in range(20)]
NOISE = [0.3, -1.2, 0.8, 0.1, -0.5, 1.9, -0.7, 0.4, -1.1, 0.6, 1.3, -0.2, 0.9, -1.6, 0.2, -0.9, 1.1, -0.4, 0.5, -0.8]
WOBBLE = [(-1) ** i * 0.001 for i in range(20)]

# check, the table (an `id` column is added), the meta.strataqc block beside ids, the record's column, status
TABLE_CASES = [
    ("duplicate_rows", {"a": [1, 2, 3, 4], "b": ["x", "y", "x", "y"]}, {}, None, Status.PASS),
    ("duplicate_rows", {"a": [1, 1, 3, 4], "b": ["x", "x", "x", "y"]}, {"columns": ["a", "b"]}, None, Status.FAIL),
    ("duplicate_rows", {"a": [1, 1, 3, 4], "b": ["x", "x", "x", "y"]},
     {"columns": ["a", "b"], "max_ratio": 0.25}, None, Status.PASS),  # 1 of 4 rows: at the limit passes
    ("duplicate_rows", {"a": [1, 1, 3, 4], "b": ["x", "x", "x", "y"]}, {"columns": ["a", "b"], **WARN}, None,
     Status.WARN),
    ("duplicate_columns", {"a": [1, 2, None, 4], "b": [1, 2, 3, 4]}, {}, None, Status.PASS),
    ("duplicate_columns", {"a": [1, 2, None, 4], "b": [1, 2, None, 4]}, {}, "a = b", Status.FAIL),  # NULL = NULL
    ("duplicate_columns", {"a": [1, 2, None, 4], "b": [1, 2, None, 4]}, {"max_pairs": 1}, "a = b", Status.PASS),
    ("feature_collinearity", {"a": STEP, "b": NOISE}, {}, None, Status.PASS),
    ("feature_collinearity", {"a": STEP, "b": [2 * v + 1 + w for v, w in zip(STEP, WOBBLE)]}, {}, "a ~ b",
     Status.WARN),  # warn by default
    ("feature_collinearity", {"a": STEP, "b": [2 * v + 1 + w for v, w in zip(STEP, WOBBLE)]},
     {"severity": "error"}, "a ~ b", Status.FAIL),
    ("target_correlation", {"x": NOISE, "y": STEP}, {"target": "y"}, "x", Status.PASS),
    ("target_correlation", {"x": [v + w for v, w in zip(STEP, WOBBLE)], "z": NOISE, "y": STEP}, {"target": "y"},
     "x", Status.FAIL),
    ("target_correlation", {"x": [v + w for v, w in zip(STEP, WOBBLE)], "z": NOISE, "y": STEP},
     {"target": "y", **WARN}, "x", Status.WARN),
    ("class_imbalance", {"x": NOISE[:10], "y": ["a"] * 5 + ["b"] * 5}, {"target": "y"}, "y", Status.PASS),
    ("class_imbalance", {"x": NOISE[:18], "y": ["a"] * 16 + ["b"] * 2}, {"target": "y", "min_ratio": 0.125}, "y",
     Status.PASS),  # 2 / 16 = 0.125: at the limit passes
    ("class_imbalance", {"x": NOISE, "y": ["a"] * 18 + ["b"] * 2}, {"target": "y", "min_ratio": 0.2}, "y",
     Status.FAIL),
    ("class_imbalance", {"x": NOISE[:4], "y": ["a"] * 4}, {"target": "y"}, "y", Status.FAIL),  # one class
]


@pytest.mark.parametrize(("check", "values", "params", "status"), CASES,
                         ids=[f"{c[0]}-{c[3].value}-{i}" for i, c in enumerate(CASES)])
def test_a_check_on_data_with_parameters_gives_the_status(wh, check, values, params, status):
    frame = pd.DataFrame({"id": range(len(values)), "x": values})
    record = run(wh, frame, check, {"ids": ["id"], "checks": {check: params}}, "x")
    assert record.status == status, record.message


@pytest.mark.parametrize(("check", "table", "params", "column", "status"), TABLE_CASES,
                         ids=[f"{c[0]}-{c[4].value}-{i}" for i, c in enumerate(TABLE_CASES)])
def test_a_check_on_a_table_with_parameters_gives_the_status(wh, check, table, params, column, status):
    frame = pd.DataFrame({"id": range(len(next(iter(table.values())))), **table})
    params = dict(params)
    target = {"target": params.pop("target")} if "target" in params else {}
    block = {"ids": ["id"], **target, "checks": {check: params}}
    records = run(wh, frame, check, block)
    [record] = [r for r in records if r.column == column] if column or len(records) > 1 else records
    assert (record.column, record.status) == (column, status), record.message


@pytest.mark.parametrize(("judge", "measured", "params", "status"), [
    (judge_single, Values("x", 4, 1, True, 7), {}, Status.FAIL),
    (judge_single, Values("x", 4, 2, False), {}, Status.PASS),
    (judge_single, Values("x", 4, 1, True, 7), WARN, Status.WARN),
    (judge_missing, Missing("x", 100, 3, 1, 1, 5), {"max_ratio": 0.05}, Status.PASS),
    (judge_missing, Missing("x", 100, 3, 2, 1, 6), {"max_ratio": 0.05}, Status.FAIL),
    (judge_missing, Missing("x", 100, 3, 2, 1, 6), {"max_ratio": 0.05, **WARN}, Status.WARN),
    (judge_levels, Levels("x", 100), {"max_levels": 100}, Status.PASS),
    (judge_levels, Levels("x", 101), {"max_levels": 100}, Status.FAIL),
    (judge_levels, Levels("x", None), {"max_levels": 0}, Status.PASS),
    (judge_duplicates, Duplicates(100, 5, 2, "all columns"), {"max_ratio": 0.05}, Status.PASS),
    (judge_duplicates, Duplicates(100, 6, 2, "all columns"), {"max_ratio": 0.05}, Status.FAIL),
    (judge_duplicates, Duplicates(100, 6, 2, "all columns"), {"max_ratio": 0.05, **WARN}, Status.WARN),
    (judge_identical, Identical(3, 3, ()), {"max_pairs": 0}, Status.PASS),
    (judge_identical, Identical(3, 3, (("a", "b"),)), {"max_pairs": 0}, Status.FAIL),
    (judge_identical, Identical(3, 3, (("a", "b"),)), {"max_pairs": 1}, Status.PASS),
    (judge_collinearity, Collinearity(50, ("a", "b"), (("a", "b", -0.98),)), {"max_abs_corr": 0.98}, Status.PASS),
    (judge_collinearity, Collinearity(50, ("a", "b"), (("a", "b", -0.99),)), {"max_abs_corr": 0.98}, Status.FAIL),
    (judge_collinearity, Collinearity(50, ("a", "b"), ()), {"max_abs_corr": 0.0}, Status.PASS),
    (judge_spellings, Spellings("x", 3, False, ()), {}, Status.PASS),
    (judge_spellings, Spellings("x", 3, False, ((("Dairy", 5), ("dairy", 1)),)), {}, Status.FAIL),
    (judge_spellings, Spellings("x", 3, False, ((("Dairy", 5), ("dairy", 1)),)), {"max_groups": 1}, Status.PASS),
    (judge_association, Association("x", 0.97, "Pearson r"), {"max_abs_corr": 0.97}, Status.PASS),
    (judge_association, Association("x", -0.98, "Pearson r"), {"max_abs_corr": 0.97}, Status.FAIL),
    (judge_association, Association("x", 0.2, "Pearson r", (0.999, 0.5, ("z",))), {"max_abs_corr": 0.97},
     Status.FAIL),  # a linear identity fails whatever its r alone
    (judge_association, Association("x", None, "Pearson r"), {"max_abs_corr": 0.97}, Status.SKIP),
    (judge_classes, Classes("y", "class", ("a", "b"), (10, 1)), {"min_ratio": 0.1}, Status.PASS),
    (judge_classes, Classes("y", "class", ("a", "b"), (11, 1)), {"min_ratio": 0.1}, Status.FAIL),
    (judge_classes, Classes("y", "bin", ("< 1",), (11,)), {"min_ratio": 0.0}, Status.FAIL),  # one class
])
def test_judge_gives_the_status_of_what_was_measured(judge, measured, params, status):
    assert judge(measured, params) == status

"""Feature-set checks as tables: (data, parameters, expected status), measured in DuckDB, and each
check's judge alone on what it measured."""

from __future__ import annotations

import pandas as pd
import pytest

from strataqc.checks.feature_set.categorical_levels import Levels
from strataqc.checks.feature_set.categorical_levels import judge as judge_levels
from strataqc.checks.feature_set.missing_values import Missing
from strataqc.checks.feature_set.missing_values import judge as judge_missing
from strataqc.checks.feature_set.single_value import Values
from strataqc.checks.feature_set.single_value import judge as judge_single
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
]


@pytest.mark.parametrize(("check", "values", "params", "status"), CASES,
                         ids=[f"{c[0]}-{c[3].value}-{i}" for i, c in enumerate(CASES)])
def test_a_check_on_data_with_parameters_gives_the_status(wh, check, values, params, status):
    frame = pd.DataFrame({"id": range(len(values)), "x": values})
    record = run(wh, frame, check, {"ids": ["id"], "checks": {check: params}}, "x")
    assert record.status == status, record.message


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
])
def test_judge_gives_the_status_of_what_was_measured(judge, measured, params, status):
    assert judge(measured, params) == status

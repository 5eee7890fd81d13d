"""json_safe: one conversion for details, failing rows, model cards and the JSON report."""

import datetime as dt
import decimal
import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from strataqc.json_safe import json_safe


@pytest.mark.parametrize(("value", "expected"), [
    pytest.param(float("nan"), None, id="nan-is-null"),
    pytest.param(float("inf"), None, id="inf-is-null"),
    pytest.param(-math.inf, None, id="minus-inf-is-null"),
    pytest.param(np.float64("nan"), None, id="numpy-nan-is-null"),
    pytest.param(np.float32(1.5), 1.5, id="numpy-float-unwrapped"),
    pytest.param(np.int64(7), 7, id="numpy-int-unwrapped"),
    pytest.param(np.bool_(True), True, id="numpy-bool-unwrapped"),
    pytest.param(np.array([1.0, np.inf]), [1.0, None], id="numpy-array-is-a-list"),
    pytest.param(pd.NA, None, id="pandas-na-is-null"),
    pytest.param(pd.NaT, None, id="nat-is-null"),
    pytest.param(pd.Timestamp("2024-03-01 12:00"), "2024-03-01T12:00:00", id="timestamp-iso"),
    pytest.param(dt.date(2024, 1, 31), "2024-01-31", id="date-iso"),
    pytest.param(decimal.Decimal("2.50"), 2.5, id="decimal-is-a-number"),
    pytest.param(decimal.Decimal("NaN"), None, id="decimal-nan-is-null"),
    pytest.param(Path("models/ads"), "models/ads", id="path-is-text"),
    pytest.param((1, "a", None), [1, "a", None], id="tuple-is-a-list"),
    pytest.param({1: {"x": float("nan")}}, {"1": {"x": None}}, id="keys-are-text-nested"),
    pytest.param(True, True, id="bool-stays-bool"),
    pytest.param(b"\x00", "b'\\x00'", id="bytes-as-text"),
])
def test_json_safe_gives_plain_json_values(value, expected):
    assert json_safe(value) == expected
    json.dumps(json_safe(value), allow_nan=False)  # strict JSON: no NaN slips through


def test_json_safe_keeps_bool_apart_from_int():
    assert json_safe([np.bool_(False), 0]) == [False, 0]
    assert type(json_safe(np.bool_(False))) is bool

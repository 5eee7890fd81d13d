"""strataqc/model/forecast_memo.py: a kept version's forecasts come back bit for bit, and only new or
changed rows are predicted."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from strataqc.model import artifact
from strataqc.model.forecast_memo import MEMO_FILE, ForecastMemo
from strataqc.model.train import train_reference

PARAMS = {"n_estimators": 30, "num_leaves": 15, "learning_rate": 0.1, "verbosity": -1}


def _rows(rows: int, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    data = pd.DataFrame({"price": rng.normal(10, 2, rows), "lag": rng.poisson(5, rows).astype(float),
                         "category": rng.choice(["a", "b", "c"], rows)})
    data.loc[data.index[::7], "lag"] = np.nan   # missing values are features too
    data["y"] = 4 * data["price"] + (data["category"] == "b") * 6 + rng.normal(size=rows)
    return data


@pytest.fixture
def version(tmp_path):
    data = _rows(1500, 3)
    predictor, _ = train_reference(data, ["price", "lag", "category"], ["category"], "y", PARAMS)
    artifact.save_version(tmp_path / "artifacts", predictor, {"model": "m"})
    return artifact.load_version(tmp_path / "artifacts" / "v0001")


def test_a_second_night_predicts_only_the_changed_and_new_rows(version):
    night1 = version.prepare(_rows(800, 4))
    memo = ForecastMemo.of(version)
    first = memo.predict(version, night1)
    memo.save()
    assert memo.predicted == 800
    np.testing.assert_array_equal(first, version.predict(night1))

    # the next night: 700 of the rows again, 50 of them with a changed feature, and 100 new rows
    night2 = pd.concat([night1.iloc[100:], version.prepare(_rows(100, 5))], ignore_index=True)
    night2.loc[night2.index[:50], "price"] += 0.5
    memo = ForecastMemo.of(version)
    second = memo.predict(version, night2)
    assert memo.predicted == 150
    np.testing.assert_array_equal(second, version.predict(night2))   # bit for bit, not close


def test_rows_lightgbm_decides_alike_are_one_row(version):
    # -0.0 and 0.0, or two NaNs, go down the same branch of every tree: one hash, one forecast
    X = version.prepare(_rows(50, 6))
    X.loc[X.index[:10], "price"] = -0.0
    memo = ForecastMemo.of(version)
    memo.predict(version, X)
    memo.save()
    again = X.copy()
    again.loc[again.index[:10], "price"] = 0.0
    memo = ForecastMemo.of(version)
    np.testing.assert_array_equal(memo.predict(version, again), version.predict(again))
    assert memo.predicted == 0


def test_a_changed_booster_discards_the_memo(version):
    X = version.prepare(_rows(200, 7))
    memo = ForecastMemo.of(version)
    memo.predict(version, X)
    memo.save()
    booster = os.path.join(version.source, artifact.BOOSTER)
    os.utime(booster, ns=(0, 0))
    memo = ForecastMemo.of(version)
    memo.predict(version, X)
    assert memo.predicted == 200


def test_an_unreadable_memo_is_ignored(version):
    X = version.prepare(_rows(120, 8))
    (Path(version.source) / MEMO_FILE).write_bytes(b"not a memo")
    memo = ForecastMemo.of(version)
    np.testing.assert_array_equal(memo.predict(version, X), version.predict(X))
    assert memo.predicted == 120


def test_a_memo_that_cannot_be_written_leaves_nothing_behind(version, tmp_path):
    memo = ForecastMemo.of(version)
    memo.predict(version, version.prepare(_rows(30, 9)))
    memo.path = tmp_path / "missing-directory" / MEMO_FILE
    memo.save()
    assert not (tmp_path / "missing-directory").exists()


def test_only_kept_lightgbm_versions_have_a_memo(version, tmp_path):
    assert ForecastMemo.of(None) is None
    user_file = tmp_path / "user_model.txt"
    version.model.save_model(str(user_file))
    from_file = artifact.load_model_file(user_file)
    assert ForecastMemo.of(from_file) is None   # a user's file may change in place: always predicted
    from sklearn.linear_model import LinearRegression
    sklearn_version = artifact.load_version(Path(version.source))
    sklearn_version.kind, sklearn_version.model = "sklearn", LinearRegression()
    assert ForecastMemo.of(sklearn_version) is None

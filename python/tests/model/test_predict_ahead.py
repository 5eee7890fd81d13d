"""strataqc/model/predict_ahead.py: the predict split forecast on its own thread equals the forecast made
in turn, bit for bit, with a booster of its own; what it raises comes out where it is collected."""

from __future__ import annotations

import threading
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from strataqc.model import predict_ahead
from strataqc.model.predictor import Predictor
from strataqc.model.train import train_reference

PARAMS = {"n_estimators": 30, "num_leaves": 15, "learning_rate": 0.1, "verbosity": -1}


def _rows(rows: int, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    data = pd.DataFrame({"price": rng.normal(10, 2, rows), "lag": rng.poisson(5, rows).astype(float),
                         "category": rng.choice(["a", "b", "c"], rows)})
    data.loc[data.index[::7], "lag"] = np.nan
    data.loc[data.index[::11], "category"] = "unseen"   # a level the booster never saw: missing
    data["y"] = 4 * data["price"] + (data["category"] == "b") * 6 + rng.normal(size=rows)
    return data


@pytest.fixture(scope="module")
def predictor() -> Predictor:
    model, _ = train_reference(_rows(1500, 3), ["price", "lag", "category"], ["category"], "y", PARAMS)
    return model


def _night(predictor: Predictor, frame: pd.DataFrame) -> SimpleNamespace:
    return SimpleNamespace(pending=predict_ahead.start(predictor, frame), predictions={})


def test_the_forecast_made_ahead_is_the_forecast_made_in_turn(predictor):
    frame = _rows(5000, 4)   # above the small-batch size: LightGBM's threads, as on a night
    night = _night(predictor, frame)
    assert night.pending is not None
    # the gates' and the attribution's own predictions meanwhile, on the model's booster
    beside = predictor.predict(predictor.prepare(_rows(3000, 5)))
    assert predict_ahead.collect(night) == [] and night.pending is None
    np.testing.assert_array_equal(night.predictions["predict"], predictor.predict(predictor.prepare(frame)))
    np.testing.assert_array_equal(beside, predictor.predict(predictor.prepare(_rows(3000, 5))))


def test_the_thread_predicts_with_a_booster_of_its_own(predictor, monkeypatch):
    used = []
    original = Predictor.predict

    def spy(self, X):
        used.append((threading.current_thread().name, id(self.model)))
        return original(self, X)

    monkeypatch.setattr(Predictor, "predict", spy)
    predict_ahead.collect(_night(predictor, _rows(2000, 6)))
    (thread, booster), = used
    assert thread.startswith("strataqc-predict-split") and booster != id(predictor.model)


def test_no_thread_where_the_forecast_is_made_in_turn(predictor):
    assert predict_ahead.start(None, _rows(10, 7)) is None                     # a user's predictions
    assert predict_ahead.start(predictor, None) is None                        # no predict split
    assert predict_ahead.start(predictor, _rows(10, 7).iloc[:0]) is None       # no predict rows
    sklearn = Predictor(model=object(), kind="sklearn", features=["price"])
    assert predict_ahead.start(sklearn, _rows(10, 7)) is None
    night = SimpleNamespace(pending=None, predictions={})
    assert predict_ahead.collect(night) == [] and night.predictions == {}


def test_a_failed_forecast_raises_where_it_is_collected(predictor):
    frame = _rows(50, 8).drop(columns="lag")   # a feature the model reads is not there
    night = _night(predictor, frame)
    with pytest.raises(KeyError, match="lag"):
        predict_ahead.collect(night)
    assert "predict" not in night.predictions and night.pending is None

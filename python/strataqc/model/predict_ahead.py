"""The predict split's forecast, made on a thread of its own while the gates and the attribution run.

The predict rows are a night's largest set (590,464 at 30M landing rows) and every night changes
nearly all of them (their centred means reach into the newest day), so no forecast memo spares
LightGBM seconds on them. The gates and the attribution read only the train and valid forecasts:
on a thread of their own, those seconds overlap them, and one core no longer idles while the
other works through them. LightGBM's predictor set-up writes fields of the booster it reads
(LightGBM issue #6142), so the thread predicts with a copy of the booster (made from its text,
milliseconds), never the one the gates and the attribution use.
"""

from __future__ import annotations

import copy
import dataclasses
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

import pandas as pd

from strataqc.model.predictor import Predictor


def start(predictor: Predictor | None, frame: pd.DataFrame | None) -> Future | None:
    """The forecast of `frame`'s rows by `predictor`, on its way on a thread; None where it is made in
    turn: no LightGBM model (a user's predictions, or a scikit-learn estimator), or no rows."""
    if predictor is None or predictor.kind != "lightgbm" or frame is None or frame.empty:
        return None
    own = dataclasses.replace(predictor, model=copy.copy(predictor.model))
    pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="strataqc-predict-split")
    try:
        return pool.submit(lambda: own.predict(own.prepare(frame)))
    finally:
        pool.shutdown(wait=False)   # the forecast runs on; the pool takes nothing more


def collect(night: Any) -> list:
    """The forecast started by `start` (kept in `night.pending`), put in `night.predictions["predict"]`;
    it raises what the forecast raised, as a forecast made in turn would have."""
    pending, night.pending = night.pending, None
    if pending is not None:
        night.predictions["predict"] = pending.result()
    return []

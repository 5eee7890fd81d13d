"""A kept model version's forecasts of the sample rows it saw last night: tonight predicts only the others.

The valid and train samples are nearly the same rows every night, and they are nearly the same
values: a night rewrites a few days. A LightGBM booster's forecast of a row is a function of its
float features alone, row by row, so a row whose every feature value is unchanged gets last night's
forecast back, bit for bit; only the rows that are new or changed are predicted. Rows are matched
on two 64-bit hashes of their values, each from its own seed: a stored forecast is used only when
both agree. The hashes take -0.0 as 0.0 and every NaN alike, as the booster's trees do. The memo lies beside the version's booster and holds one night's rows; it is an
economy, so a memo that cannot be read or written is ignored (the rows are predicted).
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pandas as pd

from strataqc.model.artifact import BOOSTER
from strataqc.model.predictor import Predictor

MEMO_FILE = "forecast_memo.npz"
SEEDS = ("strataqc-memo-a1", "strataqc-memo-b2")   # pandas hash keys: 16 characters each


def row_keys(X: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Two independent 64-bit hashes of each row's values."""
    first, second = (pd.util.hash_pandas_object(X, index=False, hash_key=seed).to_numpy() for seed in SEEDS)
    return first, second


class ForecastMemo:
    """The forecasts a version made of the rows it saw, read at the start of a night, written at its end."""

    def __init__(self, path: Path, stamp: tuple[int, int]):
        self.path, self.stamp = path, stamp
        self.first, self.second, self.values = self._load()
        self.known = pd.Index(self.first)   # last night's first hashes, unique: where each row's forecast is
        self.seen: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
        self.predicted = 0   # rows predicted tonight (the rest came from the memo)

    @classmethod
    def of(cls, predictor: Predictor | None) -> "ForecastMemo | None":
        """The memo of a LightGBM version kept in an artifact directory; None for any other model."""
        if predictor is None or predictor.kind != "lightgbm" or not predictor.source:
            return None
        booster = Path(predictor.source) / BOOSTER
        try:
            status = booster.stat()
        except OSError:  # a user's model file, not a kept version
            return None
        return cls(Path(predictor.source) / MEMO_FILE, (status.st_size, status.st_mtime_ns))

    def _load(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        empty = np.empty(0, dtype="uint64")
        try:
            with np.load(self.path) as kept:
                if tuple(int(v) for v in kept["stamp"]) != self.stamp:
                    return empty, empty, np.empty(0)   # the booster changed under it
                return kept["first"], kept["second"], kept["values"]
        except (OSError, KeyError, ValueError):
            return empty, empty, np.empty(0)

    def predict(self, predictor: Predictor, X: pd.DataFrame) -> np.ndarray:
        """The forecast of each row of `X` (prepared): remembered where its features are, predicted where not."""
        first, second = row_keys(X)
        out = np.full(len(X), np.nan)
        found = self.known.get_indexer(first) if len(self.known) and self.known.is_unique else np.full(len(X), -1)
        hit = found >= 0
        hit[hit] = self.second[found[hit]] == second[hit]
        out[hit] = self.values[found[hit]]
        if (~hit).any():
            out[~hit] = predictor.predict(X[~hit])
        self.predicted += int((~hit).sum())
        self.seen.append((first, second, out))
        return out

    def save(self) -> None:
        """Keep tonight's rows (one per first hash) for the next night; a failure leaves no memo behind."""
        if not self.seen:
            return
        first, second, values = (np.concatenate(parts) for parts in zip(*self.seen))
        first, unique = np.unique(first, return_index=True)
        partial = self.path.with_name(self.path.name + ".partial.npz")
        try:
            np.savez(partial, first=first, second=second[unique], values=values[unique],
                     stamp=np.asarray(self.stamp, dtype="int64"))
            os.replace(partial, self.path)
        except OSError:
            partial.unlink(missing_ok=True)

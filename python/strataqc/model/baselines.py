"""Baseline forecasts the model must beat, computed from columns of the feature table."""

from __future__ import annotations

import numpy as np
import pandas as pd


def baseline_columns(baselines: dict[str, dict]) -> list[str]:
    return sorted({c for spec in baselines.values() for c in spec["columns"]})


def baseline_forecast(frame: pd.DataFrame, spec: dict) -> np.ndarray:
    """First non-null of `columns`, times `scale`; 0 where all are missing (a new series has no history)."""
    values = pd.Series(np.nan, index=frame.index, dtype=float)
    for column in spec["columns"]:
        values = values.fillna(pd.to_numeric(frame[column], errors="coerce").astype(float))
    return (values.fillna(0.0) * spec["scale"]).to_numpy()


def baseline_forecasts(frame: pd.DataFrame, baselines: dict[str, dict]) -> dict[str, np.ndarray]:
    missing = [c for c in baseline_columns(baselines) if c not in frame.columns]
    if missing:
        raise KeyError(f"baseline columns not in the table: {', '.join(missing)}; "
                       "set meta.strataqc.model.baselines to columns the table has")
    return {name: baseline_forecast(frame, spec) for name, spec in baselines.items()}

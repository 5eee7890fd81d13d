"""Plain JSON values from whatever a check, a warehouse row or a model card holds."""

from __future__ import annotations

import datetime as dt
import decimal
import math
from typing import Any


def json_safe(value: Any) -> Any:
    """dicts (string keys), lists, str, int, bool, finite float or None; nothing else.

    numpy scalars and arrays are unwrapped, NaN / ±inf / NA / NaT become None (JSON has
    no NaN and the report schema says null), dates are ISO text, Decimal a float,
    anything else its str().

    >>> json_safe({1: (float("nan"), decimal.Decimal("2.5"), dt.date(2024, 1, 31))})
    {'1': [None, 2.5, '2024-01-31']}
    """
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return float(value) if math.isfinite(value) else None
    if isinstance(value, dict):
        return {str(k): json_safe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [json_safe(v) for v in value]
    if hasattr(value, "tolist") and not isinstance(value, (bytes, bytearray)):  # numpy scalar or array
        return json_safe(value.tolist())
    if isinstance(value, decimal.Decimal):
        return json_safe(float(value))
    if _is_missing(value):
        return None
    if isinstance(value, (dt.date, dt.time)) or hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)  # a Path, an enum, an odd object: readable text


def _is_missing(value: Any) -> bool:
    """pandas NA and NaT (which is also a datetime, so this comes before isoformat)."""
    try:
        import pandas as pd
    except ImportError:  # pragma: no cover - pandas is a base dependency
        return False
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False

"""Optional installs: what each needs and the one line that installs it."""

from __future__ import annotations

import importlib.util

# the model block trains LightGBM and explains it with SHAP: ~1 GB a data engineer need not carry
ML_MODULES = ("lightgbm", "shap")
ML_INSTALL = 'pip install "strataqc[ml]"'


def missing_ml() -> list[str]:
    """The model block's libraries that are not installed (none when `strataqc[ml]` is)."""
    return [name for name in ML_MODULES if importlib.util.find_spec(name) is None]


def ml_missing_message(model: str) -> str:
    missing = missing_ml()
    return (f"the model checks of {model} need {' and '.join(missing)}, not installed: "
            f"run `{ML_INSTALL}`, or remove the `model:` block from its meta.strataqc")

"""The night's check modules, imported on a thread of their own while `dbt build` runs.

`qc-report night` waits for its dbt child, and dbt's own Python keeps one core busy: the other is
idle for the whole build. The report then imports scikit-learn, LightGBM and scipy before its checks
can start (about a second of a night). Imported while dbt builds, that second is gone from the night.
The report waits for the imports to end before it starts, so no module is imported by two threads.
Not on a full refresh: dbt then builds every table near its memory limit, and the imported modules
would sit beside it (0.3 GiB of a 30M-row night's 2 GiB) to save one second of its minutes.
"""

from __future__ import annotations

import importlib
import os
import threading
from typing import Mapping, Sequence

from strataqc.logs import log

# what `report` imports on its way, heaviest first (the model checks pull LightGBM and scikit-learn,
# the drift checks scipy.stats); a module that is not installed is imported by nobody
NIGHT_MODULES = (
    "strataqc.checks.model_quality",
    "strataqc.checks.drift",
    "strataqc.checks.feature_set",
    "strataqc.checks.runner",
    "sklearn.ensemble",
    "strataqc.history",
    "strataqc.incidents",
    "strataqc.report.html",
    "duckdb",
)


def wanted(dbt_args: Sequence[str], environ: Mapping[str, str] = os.environ) -> bool:
    """Whether tonight's imports may run beside dbt: not when it rebuilds every table (--full-refresh)."""
    if any(arg in ("--full-refresh", "-f") for arg in dbt_args):
        return False
    return environ.get("DBT_FULL_REFRESH", "").strip().lower() not in ("1", "true", "yes")


class WarmUp:
    """Modules imported on a daemon thread; `wait()` before anything else imports them."""

    def __init__(self, modules: tuple[str, ...] = NIGHT_MODULES) -> None:
        self.modules = modules
        self.failed: dict[str, str] = {}
        self._thread = threading.Thread(target=self._run, name="strataqc-warm-up", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        for name in self.modules:
            try:
                importlib.import_module(name)
            except Exception as exc:  # the report imports it again, and says then what is wrong
                self.failed[name] = f"{type(exc).__name__}: {exc}"

    @property
    def imported(self) -> list[str]:
        """The modules that imported (after `wait()`): every one that did not fail."""
        return [name for name in self.modules if name not in self.failed]

    def wait(self) -> None:
        self._thread.join()
        if self.failed:
            log.debug("not imported ahead of the report: %s", "; ".join(f"{k} ({v})" for k, v in self.failed.items()))

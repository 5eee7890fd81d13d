"""Model quality beside the feature-set and drift checks: started first, on a connection of its own.

Its time goes mostly to the engine (samples, forecasts written back) and to LightGBM and SHAP, which
all release the GIL, while the feature-set and drift checks wait on the engine and scikit-learn: on
one thread each, a night overlaps the two. It runs after them instead when its retrain policy reads
their records (`drift_fail`), when the engine has no second connection in this process (Spark), or
with STRATAQC_SERIAL_CHECKS=1.
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Callable

from strataqc.model.retrain import TRIGGERS
from strataqc.results import CheckResult

Records = list[CheckResult]


def model_reads_earlier(block: Any) -> bool:
    """Whether the model block's retrain policy reads the night's drift records (its `drift_fail` trigger,
    on by default when the policy lists no triggers); a policy that cannot be read says yes."""
    model = block.model if isinstance(block.model, dict) else {}
    retrain = model.get("retrain")
    if retrain is None or retrain is False:
        return False
    on = retrain.get("on", list(TRIGGERS)) if isinstance(retrain, dict) else None
    return not (isinstance(on, list) and "drift_fail" not in on)


def beside(wh: Any, reads_earlier: bool, run: Callable[[Any, Records], Records]) -> Callable[[Records], Records]:
    """`run(warehouse, earlier records)`, started now on a thread with its own connection; or, when it reads
    the earlier records or cannot have a connection of its own, run in turn. The function returned
    gives its records, given the records the night made before it."""
    serial = reads_earlier or os.environ.get("STRATAQC_SERIAL_CHECKS", "").strip() in ("1", "true", "yes")
    sibling = None
    if not serial:
        try:
            sibling = getattr(wh, "sibling", lambda: None)()
        except Exception:  # a second connection refused (a server at its limit): one thing at a time, as before
            sibling = None
    if sibling is None:
        return lambda earlier: run(wh, earlier)
    pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="strataqc-model-quality")
    started = pool.submit(run, sibling, [])

    def joined(earlier: Records) -> Records:
        try:
            return started.result()
        finally:
            pool.shutdown()
            sibling.close()
    return joined

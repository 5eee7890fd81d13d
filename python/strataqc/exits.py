"""How a command ends: its exit code, and `CannotRun` for what stops StrataQC itself.

0 ok, 1 checks failed, 2 StrataQC could not run, 3 alerts undelivered (explained in `qc-report --help`).
"""

from __future__ import annotations

import os
from typing import Callable

from strataqc.logs import cannot_run

EXIT_OK, EXIT_CHECKS_FAILED, EXIT_CANNOT_RUN, EXIT_ALERTS_FAILED = 0, 1, 2, 3


class CannotRun(Exception):
    """StrataQC itself cannot run; the message says what to do (exit 2)."""


def guarded(night_step: Callable[[], int]) -> int:
    """The exit code of a night step; what stops StrataQC is one line on stderr and exit 2, not a traceback."""
    try:
        return night_step()
    except CannotRun as exc:
        cannot_run(exc)
    except Exception as exc:
        if os.environ.get("STRATAQC_DEBUG"):
            raise
        cannot_run(f"{type(exc).__name__}: {exc} (set STRATAQC_DEBUG=1 for the traceback)")
    return EXIT_CANNOT_RUN

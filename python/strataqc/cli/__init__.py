"""qc-report: the command line. Each module holds a few commands; `base` the app and the shared options."""

from __future__ import annotations

# each module registers its commands; this order is the order of `qc-report --help`
from strataqc.cli import night, history, lineage, alerts, landing, simulate, migrate, model  # noqa: F401,I001
from strataqc.cli.base import app
from strataqc.night import EXIT_ALERTS_FAILED, EXIT_CANNOT_RUN, EXIT_CHECKS_FAILED, EXIT_OK

__all__ = ["app", "main", "EXIT_OK", "EXIT_CHECKS_FAILED", "EXIT_CANNOT_RUN", "EXIT_ALERTS_FAILED"]


def main() -> None:
    app()

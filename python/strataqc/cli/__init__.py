"""qc-report: the command line. It parses each command's options dataclass and delegates to the module it belongs to."""

from __future__ import annotations

import atexit
import gc

import typer

from strataqc import history_view, lineage_view, night
from strataqc.cli.base import app, command
from strataqc.exits import EXIT_ALERTS_FAILED, EXIT_CANNOT_RUN, EXIT_CHECKS_FAILED, EXIT_OK
from strataqc.landing import command as landing
from strataqc.migrate import command as migrate
from strataqc.model import versions as model_versions
from strataqc.simulate import command as simulate

__all__ = ["app", "main", "EXIT_OK", "EXIT_CHECKS_FAILED", "EXIT_CANNOT_RUN", "EXIT_ALERTS_FAILED"]

# the order of `qc-report --help`
command("run", night.run_command)
command("night", night.night_command)
command("history", history_view.show_history)
command("ack", history_view.acknowledge)
command("lineage", lineage_view.show_lineage)
command("resend-alerts", night.resend_alerts)
command("generate", landing.generate)
command("load", landing.load)
command("simulate", simulate.simulate)
command("migrate-tests", migrate.migrate_tests)
model = typer.Typer(no_args_is_help=True, rich_markup_mode=None, help=model_versions.__doc__)
app.add_typer(model, name="model")
command("list", model_versions.list_versions, into=model)
command("promote", model_versions.promote_version, into=model)
command("rollback", model_versions.rollback_version, into=model)


def main() -> None:
    # Objects that live as long as the process are left out of the cyclic collector: those of the
    # imports from the start, and at the end everything, so the interpreter's last collection does
    # not walk every frame and tree the night made (0.35 s of a 10M night's qc-report run, and
    # 0.3 s of collections during it). Nothing is skipped at exit but that walk: atexit, flushes
    # and closes run as always.
    gc.freeze()
    atexit.register(gc.freeze)  # atexit runs before the interpreter's last collection
    app()

"""`qc-report resend-alerts`: deliver what the spool kept."""

from __future__ import annotations

from pathlib import Path

import typer

from strataqc.cli.base import Alerts, ProjectDir, app
from strataqc.logs import cannot_run, setup_logging, stderr
from strataqc.night import EXIT_ALERTS_FAILED, EXIT_CANNOT_RUN, EXIT_OK


@app.command("resend-alerts")
def resend_alerts(
    project_dir: ProjectDir = Path("."),
    alerts: Alerts = None,
) -> None:
    """Deliver the alerts kept in the spool folder again; exit 3 while some stay undelivered."""
    setup_logging()
    from strataqc.alerts import AlertConfigError, load_config, resend

    try:
        config = load_config(alerts, project_dir)
    except AlertConfigError as exc:
        cannot_run(exc)
        raise typer.Exit(EXIT_CANNOT_RUN)
    if config is None:
        stderr.print(f"no alert config: write {project_dir / 'strataqc_alerts.yml'} or set STRATAQC_ALERT_URLS",
                     soft_wrap=True, markup=False)
        raise typer.Exit(EXIT_CANNOT_RUN)
    sent, kept = resend(config)
    typer.echo(f"resent {sent} spooled alert(s); {kept} still undelivered in {config.spool_dir}")
    raise typer.Exit(EXIT_ALERTS_FAILED if kept else EXIT_OK)

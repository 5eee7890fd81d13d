"""A night that could not run tells on-call: one message, since no check ran to send another."""

from __future__ import annotations

from strataqc.alerts import AlertConfig, Outcome, deliver, spool
from strataqc.run import QCRun


def notify_cannot_run(config: AlertConfig, reason: str, where: str = "landing") -> Outcome:
    """One message when the night could not run at all (a refused landing file, a crashed build).

    No check ran, so no other message would tell anyone; the exit code alone reaches only the scheduler."""
    title, body = cannot_run_message(reason, where)
    for secret in config.secrets():
        body = body.replace(secret, "***") if secret else body
    outcome = Outcome(title=title, body=body)
    run = QCRun("cannot-run", "", [])
    for channel in config.channels:
        failed = deliver(channel, title, body, config)
        if failed is None:
            outcome.delivered.append(channel.name)
        else:
            outcome.undelivered.append(channel.name)
            outcome.spool = spool(config, run, channel, title, body, failed)
    outcome.sent = bool(outcome.delivered)
    return outcome


def cannot_run_message(reason: str, where: str = "landing") -> tuple[str, str]:
    """Title and body of the could-not-run message (the first line of the reason as its one item)."""
    first = reason.strip().splitlines() or ["unknown reason"]
    detail = "\n".join(f"    {line.strip()}" for line in first[1:8])
    body = "\n".join(["StrataQC could not run tonight: no check ran. Fix the cause and run the night again.", "",
                      "## Could not run", f"{where}:", f"  - [error] load: {first[0][:300]} — new",
                      *([detail] if detail else [])])
    return "StrataQC error: the night could not run", body

"""Alerts: at most one message per run, grouped by layer and model, sent through apprise.

Only news makes a message: a failure or trend anomaly not alerted before, a
failure changed in substance (history.changed), or the one reminder of an
unchanged failure `reminder_hours` after it was alerted, carried by the next
message with news (nothing new, no message). A fixed check is announced in the next message; an anomaly is alerted once while it lasts; an
acknowledged failure is quiet until the acknowledgement expires or the failure changes. A message that
cannot be delivered after bounded retries is written to a spool file with the
reason (resend with `qc-report resend-alerts`), and the run exits 3.

Configuration (YAML, `strataqc_alerts.yml` in the project by default):

    reminder_hours: 24        # remind of an unchanged failure once, this long after it was alerted
    min_status: fail          # fail (fail + error) or warn (also warnings)
    change_tolerance: 0.1     # "changed": observed (else failing rows) moved more than this, relative
    flap_hours: 96            # a fixed failure failing again before it passed this long: a repeat
    fixed_alone: false        # true: a fix sends a message of its own; false: it rides with the next one
    remind_alone: false       # true: a due reminder sends a message of its own; false: it rides with news
    trend_host_values: false  # true: also trend values that measure the host (inference latency)
    crossing_margin: 0.1      # a new failure this close to its threshold after a milder night crept over it:
                              # it rides with the next message instead of sending one (0: off)
    retries: 2                # extra attempts per channel
    retry_delay_s: 1.0        # doubled after each attempt
    timeout_s: 10             # per HTTP attempt
    spool_dir: reports/alert-spool
    channels:
      - {name: oncall-slack, url_env: STRATAQC_SLACK_URL}            # whole URL from the environment
      - {name: team-webhook, url: "json://hooks.example.com/qc"}     # no secret in it
      - {name: dingtalk, url: "dingtalk://${DINGTALK_TOKEN}/"}       # secret part from the environment

or the environment alone: STRATAQC_ALERT_URLS="slack://… mailto://…".
Secrets come only from the environment: an inline URL with a password, token or
key in it is refused.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from strataqc import crossing, flapping, incidents
from strataqc.alert_config import (  # noqa: F401  (the public names of the alert configuration)
    ALERTING, CONFIG_NAME, ENV_URLS, AlertConfig, AlertConfigError, Channel, load_config)
from strataqc.flapping import _parse_time
from strataqc.news import PROBLEM_RANK
from strataqc.substance import as_last_night
from strataqc.run import QCRun, check_key, layer_rank
from strataqc.results import CheckResult, Status

log = logging.getLogger(__name__)

# -- what to say -----------------------------------------------------------------------------------

@dataclass
class Item:
    result: CheckResult
    reason: str  # new | changed | reminder | crept


# what rides along with a message but never sends one
RIDERS = ("reminder", "crept")
INCIDENT = "incident|"  # alert-state key of an incident reminded once


@dataclass
class Plan:
    items: list[Item] = field(default_factory=list)
    fixed: list[CheckResult] = field(default_factory=list)
    anomalies: list[dict[str, Any]] = field(default_factory=list)
    quiet: dict[str, int] = field(default_factory=dict)
    state_rows: list[dict[str, Any]] = field(default_factory=list)  # saved when the message goes out
    cleared: list[str] = field(default_factory=list)
    settled: list[str] = field(default_factory=list)  # anomalies back to normal
    kept_rows: list[dict[str, Any]] = field(default_factory=list)  # saved whether a message goes out or not
    pending_rows: list[dict[str, Any]] = field(default_factory=list)  # saved when nothing goes out: still to tell
    dropped: list[str] = field(default_factory=list)  # forgotten whether a message goes out or not

    fixed_alone: bool = False
    remind_alone: bool = False

    @property
    def empty(self) -> bool:
        """Nothing new to send: fixes, reminders and creeps alone wait for the next message with news."""
        news = any(i.reason not in RIDERS for i in self.items) or self.anomalies
        return not (news or (self.fixed and self.fixed_alone)
                    or (self.remind_alone and any(i.reason == "reminder" for i in self.items)))

    def saved(self, sent: bool) -> tuple[list[dict[str, Any]], list[str]]:
        """(alert-state rows to write, checks to forget) once the message went out, or did not."""
        if sent:
            told = {row["check_key"] for row in self.state_rows}
            return (self.state_rows + [r for r in self.kept_rows if r["check_key"] not in told],
                    self.cleared + self.dropped)
        return self.kept_rows + self.pending_rows, self.dropped


def plan(run: QCRun, config: AlertConfig, state: dict[str, dict[str, Any]], acks: Any,
         now: dt.datetime | None = None) -> Plan:
    """Decide what tonight's message says, given what was alerted before and what is acknowledged."""
    from strataqc.clock import now as clock_now
    from strataqc.history import active_ack, changed

    now = now or clock_now()  # STRATAQC_NOW in simulated nights
    stamp = now.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    reminder = dt.timedelta(hours=config.reminder_hours)
    alerting = ALERTING[config.min_status]
    out = Plan(fixed_alone=config.fixed_alone, remind_alone=config.remind_alone)

    def row(key: str, status: str, failures: Any, observed: Any, prev: dict[str, Any] | None,
            remind: bool = True) -> dict[str, Any]:
        first = (prev or {}).get("first_alerted_at") if not crossing.is_pending(prev) else None
        if not remind:  # told by its incident: counted as reminded already
            first = (now - reminder).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        return {"check_key": key, "status": status, "failures": failures, "observed": observed,
                "first_alerted_at": first or stamp, "last_alerted_at": stamp, "run_id": run.run_id}

    def remember(key: str, status: str, failures: Any, observed: Any, prev: dict[str, Any] | None) -> None:
        out.state_rows.append(row(key, status, failures, observed, prev))

    def quiet(reason: str) -> None:
        out.quiet[reason] = out.quiet.get(reason, 0) + 1

    previous = run.context.get("previous") or {}
    series = run.context.get("series") or {}  # earlier nights' values: a steady drift is not a change
    statuses = run.context.get("status_series") or {}
    followups = run.context.get("followups") or {}  # check key -> the earlier incident that explains it
    rescoped = set(run.context.get("rescoped") or [])  # read in another scope than any earlier night: values differ
    for r in run.results:
        key = check_key(r)
        prev = state.get(key)
        remembered, pending = flapping.is_fixed(prev), crossing.is_pending(prev)
        if remembered and flapping.expired(prev, now, config.flap_hours, statuses.get(key)):
            out.cleared.append(key)
            prev, remembered = None, False
        if r.status not in alerting:
            if pending:
                out.dropped.append(key)  # back under its threshold before anyone was told: nothing to say
            elif prev is not None and prev.get("status") != "anomaly" and r.status is not Status.SKIP \
                    and not remembered:
                out.fixed.append(r)
                if config.flap_hours > 0:
                    out.state_rows.append(flapping.fixed_row(key, prev, run.run_id))
                else:
                    out.cleared.append(key)
            continue
        if active_ack(r, acks) is not None:
            quiet("acknowledged")
            continue
        if incidents.quieted(r, run, acks):
            quiet("symptom of an acknowledged root")
            continue
        told = flapping.alerted_status({"status": str(prev.get("status") or "").removeprefix(crossing.PENDING)
                                        if prev else ""})
        if prev is None:
            reason = "new"
        elif key in rescoped and told != str(r.status):
            reason = "changed"  # no earlier night in tonight's scope: only its status can have changed
        elif key not in rescoped and changed(
                told, prev.get("failures"), prev.get("observed"), r,
                previous=previous.get(key), tolerance=config.change_tolerance, recent=series.get(key)):
            reason = "changed"
        elif pending:
            reason = "crept"  # still creeping: waits for the next message
        elif _reminder_due(prev, now, reminder):
            reason = "reminder"
        else:
            quiet("re-crossed its threshold, unchanged" if remembered else "already alerted, unchanged")
            continue
        if key in followups and reason != "reminder":
            # tonight's news that an incident alerted before explains: told by that incident's message
            quiet("follow-up of an incident already alerted")
            out.kept_rows.append(row(key, str(r.status), r.failures, r.observed, prev, remind=False))
            continue
        escalated = prev is None or pending or \
            PROBLEM_RANK.get(str(r.status), 0) > PROBLEM_RANK.get(flapping.alerted_status(prev), 0)
        if reason in ("new", "changed") and escalated and crossing.crept(r, previous.get(key),
                                                                          config.crossing_margin, series.get(key)):
            reason = "crept"
        out.items.append(Item(r, reason))
        if reason == "crept":  # told once it rides along; a creep needs no reminder after that
            out.pending_rows.append(crossing.pending_row(key, r, prev, stamp, run.run_id))
            out.state_rows.append(row(key, str(r.status), r.failures, r.observed, prev, remind=False))
        else:
            remember(key, str(r.status), r.failures, r.observed, prev)

    _remind_per_incident(run, out, state, row, alerting)
    tonight = set()
    for anomaly in run.context.get("anomalies") or []:
        key = "anomaly|" + anomaly["check_key"]
        tonight.add(key)
        prev = state.get(key)
        if prev is not None and flapping.is_fixed(prev) and \
                not flapping.expired(prev, now, config.flap_hours):
            # off its history again soon after settling: the same departure coming and going
            quiet("anomaly back within flap_hours")
            out.kept_rows.append({**prev, "status": "anomaly", "run_id": run.run_id})
            continue
        if prev is not None and not flapping.is_fixed(prev):
            # still off its history since it was alerted: not news until it has been normal again
            quiet("anomaly already alerted")
            continue
        if _unmoved(anomaly, previous):
            # off its history as it was last night (a plateau): the departure was news the night it came
            quiet("anomaly, as last night")
            out.kept_rows.append(row(key, "anomaly", None, anomaly.get("observed"), None, remind=False))
            continue
        if anomaly["check_key"] in followups:
            quiet("follow-up of an incident already alerted")
            out.kept_rows.append(row(key, "anomaly", None, anomaly.get("observed"), None, remind=False))
            continue
        out.anomalies.append(anomaly)
        remember(key, "anomaly", None, anomaly.get("observed"), None)
    # an anomaly back to normal is remembered as settled for flap_hours: coming back then is no news
    out.settled = [k for k, v in state.items() if v.get("status") == "anomaly" and k not in tonight]
    for k in out.settled:
        if config.flap_hours > 0:
            out.kept_rows.append({**flapping.fixed_row(k, state[k], run.run_id), "last_alerted_at": stamp})
        else:
            out.dropped.append(k)
    out.dropped += [k for k, v in state.items() if k.startswith("anomaly|") and k not in tonight
                    and flapping.is_fixed(v) and flapping.expired(v, now, config.flap_hours)]
    return out


def _unmoved(anomaly: dict[str, Any], previous: dict[str, dict[str, Any]]) -> bool:
    """Is an anomaly's value last night's? (A rule of column_checks is trended on its own: not judged here.)"""
    key, _, facet = str(anomaly["check_key"]).partition("#")
    return not facet and as_last_night(anomaly.get("observed"), previous.get(key))


def _remind_per_incident(run: QCRun, out: Plan, state: dict[str, dict[str, Any]], row: Any, alerting: Any) -> None:
    """One reminder an incident: its line reminds of all its members, so none of them is due again later,
    and an incident reminded once is not reminded again through a member that joined it since."""
    again = {i.result.incident_id for i in out.items if i.reason == "reminder"
             and f"{INCIDENT}{i.result.incident_id}" in state}
    for item in [i for i in out.items if i.reason == "reminder" and i.result.incident_id in again]:
        out.items.remove(item)
        out.state_rows = [r for r in out.state_rows if r["check_key"] != check_key(item.result)]
        out.quiet["incident reminded before"] = out.quiet.get("incident reminded before", 0) + 1
        r = item.result
        out.kept_rows.append(row(check_key(r), str(r.status), r.failures, r.observed, state.get(check_key(r)),
                                 remind=False))
    reminded = {i.result.incident_id for i in out.items if i.reason == "reminder" and i.result.incident_id}
    out.state_rows += [row(f"{INCIDENT}{i}", "reminded", None, None, None) for i in sorted(reminded)]
    said = {check_key(i.result) for i in out.items}
    for r in run.results:
        key = check_key(r)
        prev = state.get(key)
        if r.incident_id in reminded and key not in said and r.status in alerting and prev is not None \
                and not flapping.is_fixed(prev) and not crossing.is_pending(prev):
            out.state_rows.append(row(key, str(r.status), r.failures, r.observed, prev, remind=False))


def _reminder_due(prev: dict[str, Any], now: dt.datetime, reminder: dt.timedelta) -> bool:
    """Once, `reminder` after the failure was first alerted; a change alerted since counts as the repeat."""
    first, last = _parse_time(prev.get("first_alerted_at")), _parse_time(prev.get("last_alerted_at"))
    if last is None:
        return True
    return now - last >= reminder and (first is None or last - first < reminder)


def compose(run: QCRun, p: Plan, config: AlertConfig) -> tuple[str, str]:
    """Title and body: one message, grouped by layer and model."""
    counts: dict[str, int] = {}
    for item in p.items:
        counts[str(item.result.status)] = counts.get(str(item.result.status), 0) + 1
    models = {item.result.model for item in p.items}
    what = ", ".join(f"{n} {s}" for s, n in sorted(counts.items())) or "no new failures"
    title = f"StrataQC {run.status}: {what} in {len(models)} model{'s' if len(models) != 1 else ''}"
    if p.fixed:
        title += f", {len(p.fixed)} fixed"
    lines = [f"Run {run.run_id} at {run.generated_at}"]
    # DESIGN §7: one line per incident (root and where its symptoms are) instead of one per check
    said, covered = incidents.alert_lines(run, {**{a["check_key"]: "anomaly" for a in p.anomalies},
                                                **{check_key(i.result): i.reason for i in p.items}})
    if said:
        title += f"; {len(said)} incident{'s' if len(said) != 1 else ''}"
        lines += ["", "## Incidents", *said]
    grouped: dict[str, dict[str, list[Item]]] = {}
    for item in sorted((i for i in p.items if check_key(i.result) not in covered), key=lambda i: (layer_rank(i.result.layer), i.result.model or "", i.result.check)):
        grouped.setdefault(item.result.layer or "other", {}).setdefault(item.result.model or "-", []).append(item)
    for layer, models_ in grouped.items():
        lines.append("")
        lines.append(f"## {layer.upper()}")
        for model, items in models_.items():
            lines.append(f"{model}:")
            for item in items:
                r = item.result
                numbers = ", ".join(f"{k} {v:.4g}" for k, v in (("observed", r.observed), ("threshold", r.threshold))
                                    if v is not None)
                lines.append(f"  - [{r.status}] {r.check}{'.' + r.column if r.column else ''}: {r.message[:200]}"
                             f"{' (' + numbers + ')' if numbers else ''} — {item.reason}")
    anomalies = [a for a in p.anomalies if a["check_key"] not in covered]
    if anomalies:
        lines += ["", "## Trend anomalies"]
        lines += [f"  - {a['check']} on {a['model']}{'.' + a['column'] if a.get('column') else ''}: {a['message']}"
                  for a in anomalies]
    if p.fixed:
        lines += ["", "## Fixed"]
        lines += [f"  - {r.check} on {r.model}{'.' + r.column if r.column else ''} ({r.layer or 'other'})"
                  for r in p.fixed]
    if p.quiet:
        lines += ["", "Not repeated: " + ", ".join(f"{n} {why}" for why, n in p.quiet.items())]
    if config.dashboard_url:
        lines += ["", f"Dashboard: {config.dashboard_url}"]
    return title, "\n".join(lines)


# -- delivery --------------------------------------------------------------------------------------

@dataclass
class Outcome:
    sent: bool = False
    delivered: list[str] = field(default_factory=list)
    undelivered: list[str] = field(default_factory=list)
    spool: Path | None = None
    title: str = ""
    body: str = ""


def _with_timeouts(url: str, timeout_s: float) -> str:
    """apprise's connect/read timeouts (cto/rto) for HTTP services, unless the URL sets them."""
    if url.startswith(("mailto", "mailtos")) or "rto=" in url:
        return url
    return f"{url}{'&' if '?' in url else '?'}cto={timeout_s:g}&rto={timeout_s:g}"


def deliver(channel: Channel, title: str, body: str, config: AlertConfig) -> str | None:
    """Send with bounded retries; None when delivered, else the reason."""
    import apprise

    reason = "not attempted"
    for attempt in range(config.retries + 1):
        if attempt:
            time.sleep(config.retry_delay_s * 2 ** (attempt - 1))
        sender = apprise.Apprise()
        if not sender.add(_with_timeouts(channel.url, config.timeout_s)):
            return "apprise does not understand this URL (check the scheme)"
        try:
            if sender.notify(title=title, body=body, body_format=apprise.NotifyFormat.TEXT):
                return None
            reason = f"the service refused or did not answer ({attempt + 1} attempts)"
        except Exception as exc:  # a plugin crash is one more failed attempt
            # a plugin's exception text may quote the URL, and with it the token
            reason = f"{type(exc).__name__}: {exc}".replace(channel.url, f"<{channel.name} URL>")
    return reason


def spool(config: AlertConfig, run: QCRun, channel: Channel, title: str, body: str, reason: str) -> Path:
    """Keep an undelivered message (without the channel URL) for `qc-report resend-alerts`."""
    config.spool_dir.mkdir(parents=True, exist_ok=True)
    safe = re.sub(r"[^A-Za-z0-9_.-]", "_", f"{run.run_id}-{channel.name}")
    path = config.spool_dir / f"{dt.datetime.now(dt.timezone.utc):%Y%m%dT%H%M%S%f}-{safe}.json"
    path.write_text(json.dumps({"run_id": run.run_id, "channel": channel.name, "title": title, "body": body,
                                "reason": reason, "spooled_at": dt.datetime.now(dt.timezone.utc).isoformat()},
                               indent=2, ensure_ascii=False))
    return path


def notify(run: QCRun, config: AlertConfig, history: Any = None, *, redactor: Any = None,
           now: dt.datetime | None = None) -> Outcome:
    """Plan, compose, deliver and remember one run's alert."""
    state = history.alert_state() if history is not None else {}
    acks = history.acks() if history is not None else None
    p = plan(run, config, state, acks, now)
    outcome = Outcome()
    if p.empty:
        if history is not None:
            history.save_alert_state(*p.saved(sent=False))
        if history is not None and (p.quiet or p.fixed):
            waiting = [f"{len(p.fixed)} fixed (announced with the next message)"] if p.fixed else []
            log.info("alerts: nothing new to say (%s)",
                     ", ".join([f"{n} {w}" for w, n in p.quiet.items()] + waiting))
        return outcome
    title, body = compose(run, p, config)
    if redactor is not None:
        title, body = redactor.text(title), redactor.text(body)
    outcome.title, outcome.body = title, body
    for channel in config.channels:
        reason = deliver(channel, title, body, config)
        if reason is None:
            outcome.delivered.append(channel.name)
        else:
            reason = redactor.text(reason) if redactor is not None else reason
            outcome.undelivered.append(channel.name)
            outcome.spool = spool(config, run, channel, title, body, reason)
            log.error("alert to %s not delivered: %s", channel.name, reason)
    outcome.sent = bool(outcome.delivered)
    # remembered once someone was told; what did not arrive is in the spool, not lost
    if history is not None:
        history.save_alert_state(*p.saved(sent=outcome.sent))
    if outcome.delivered:
        log.info("alert sent to %s", ", ".join(outcome.delivered))
    return outcome


def resend(config: AlertConfig) -> tuple[int, int]:
    """Deliver spooled messages to their channels again; returns (sent, still spooled)."""
    by_name = {c.name: c for c in config.channels}
    sent = kept = 0
    for path in sorted(config.spool_dir.glob("*.json")) if config.spool_dir.exists() else []:
        message = json.loads(path.read_text())
        channel = by_name.get(message.get("channel"))
        reason = deliver(channel, message["title"], message["body"], config) if channel else \
            f"no channel named {message.get('channel')!r} in the config"
        if reason is None:
            path.unlink()
            sent += 1
        else:
            message["reason"], message["last_retry_at"] = reason, dt.datetime.now(dt.timezone.utc).isoformat()
            path.write_text(json.dumps(message, indent=2, ensure_ascii=False))
            kept += 1
    return sent, kept

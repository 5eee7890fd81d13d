"""Alerts reach local receivers (HTTP webhook, SMTP) once per run; repeats, fixes, acks; failures spool."""

from __future__ import annotations

import datetime as dt
import json
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from qc_report_support import fixture_project, make_run, memory_warehouse, run_args
from typer.testing import CliRunner

from strataqc.alerts import AlertConfig, AlertConfigError, Channel, load_config, notify
from strataqc.cli import app
from strataqc.history import History

T0 = dt.datetime(2026, 3, 1, 6, tzinfo=dt.timezone.utc)


class Receiver:
    """A webhook on 127.0.0.1: records JSON posts; can answer 500 or stall."""

    def __init__(self, status: int = 200, delay: float = 0.0):
        self.posts: list[dict] = []
        self.attempts = 0
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 (http.server's name)
                receiver.attempts += 1
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                if delay:
                    time.sleep(delay)
                if status == 200:
                    receiver.posts.append(json.loads(body))
                self.send_response(status)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"json://127.0.0.1:{self.server.server_port}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver():
    r = Receiver()
    yield r
    r.close()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def config(url: str, tmp_path: Path, **kw) -> AlertConfig:
    return AlertConfig(channels=[Channel("test-hook", url)], retries=kw.pop("retries", 1), retry_delay_s=0.01,
                       timeout_s=kw.pop("timeout_s", 2), spool_dir=tmp_path / "spool", **kw)


FAILING = [("unique_key", "dwd_sales", None, "fail", None, 3), ("not_null", "dwd_sales", "id", "error", None),
           ("missing_values", "ads_demand", "price", "fail", 0.2), ("row_count", "ods_pos", None, "pass", None, 0)]


def test_one_message_per_run_grouped_by_layer_and_model(receiver, tmp_path):
    outcome = notify(make_run("r1", 0, FAILING), config(receiver.url, tmp_path))
    assert outcome.delivered == ["test-hook"] and len(receiver.posts) == 1
    body = receiver.posts[0]["message"]
    assert body.index("## DWD") < body.index("dwd_sales:") < body.index("## ADS") < body.index("ads_demand:")
    assert "[fail] unique_key" in body and "[error] not_null.id" in body and "row_count" not in body
    assert receiver.posts[0]["title"] == "StrataQC error: 1 error, 2 fail in 2 models"


def test_unchanged_failure_is_reminded_once_and_a_fix_rides_with_the_next_message(receiver, tmp_path):
    wh = memory_warehouse()
    history, cfg = History(wh), config(receiver.url, tmp_path, reminder_hours=24)
    run = make_run("r1", 0, FAILING)
    notify(run, cfg, history, now=T0)
    assert notify(make_run("r2", 1, FAILING), cfg, history, now=T0 + dt.timedelta(hours=1)).sent is False
    # the reminder is due, but nothing is new: it waits for the next message with news
    assert notify(make_run("r3", 2, FAILING), cfg, history, now=T0 + dt.timedelta(hours=25)).sent is False
    news = FAILING + [("not_null", "dwd_sales", "store_id", "fail", None, 9)]
    notify(make_run("r4", 3, news), cfg, history, now=T0 + dt.timedelta(hours=26))
    assert len(receiver.posts) == 2 and receiver.posts[1]["message"].count("— reminder") == 3
    assert receiver.posts[1]["message"].count("— new") == 1
    assert notify(make_run("r4b", 4, news + [("unique_key", "dws_x", None, "fail", None, 5)]), cfg, history,
                  now=T0 + dt.timedelta(hours=60)).sent is True
    assert receiver.posts[2]["message"].count("— reminder") == 1  # store_id's; the others were reminded once
    fixed = [("unique_key", "dwd_sales", None, "pass", None, 0)] + news[1:] + [("unique_key", "dws_x", None, "fail",
                                                                                None, 5)]
    assert notify(make_run("r5", 5, fixed), cfg, history, now=T0 + dt.timedelta(hours=61)).sent is False
    fresh = fixed + [("value_range", "dws_x", "units", "fail", None, 4)]
    notify(make_run("r6", 6, fresh), cfg, history, now=T0 + dt.timedelta(hours=62))
    assert len(receiver.posts) == 4
    assert "## Fixed\n  - unique_key on dwd_sales (dwd)" in receiver.posts[3]["message"]
    notify(make_run("r7", 7, fresh), cfg, history, now=T0 + dt.timedelta(hours=63))
    assert len(receiver.posts) == 4  # announced once, the rest unchanged
    wh.close()


def test_a_reminder_sends_its_own_message_when_remind_alone(receiver, tmp_path):
    wh = memory_warehouse()
    history, cfg = History(wh), config(receiver.url, tmp_path, remind_alone=True)
    notify(make_run("r1", 0, FAILING), cfg, history, now=T0)
    assert notify(make_run("r2", 1, FAILING), cfg, history, now=T0 + dt.timedelta(hours=25)).sent is True
    assert receiver.posts[1]["message"].count("— reminder") == 3
    wh.close()


def test_a_fix_sends_its_own_message_when_fixed_alone(receiver, tmp_path):
    wh = memory_warehouse()
    history, cfg = History(wh), config(receiver.url, tmp_path, fixed_alone=True)
    notify(make_run("r1", 0, FAILING), cfg, history, now=T0)
    fixed = [("unique_key", "dwd_sales", None, "pass", None, 0)] + FAILING[1:]
    assert notify(make_run("r2", 1, fixed), cfg, history, now=T0 + dt.timedelta(hours=1)).sent is True
    assert "## Fixed\n  - unique_key on dwd_sales (dwd)" in receiver.posts[1]["message"]
    wh.close()


def test_changed_failure_is_sent_again_at_once(receiver, tmp_path):
    wh = memory_warehouse()
    history, cfg = History(wh), config(receiver.url, tmp_path)
    notify(make_run("r1", 0, FAILING), cfg, history, now=T0)
    worse = [("unique_key", "dwd_sales", None, "fail", None, 300)] + FAILING[1:]
    notify(make_run("r2", 1, worse), cfg, history, now=T0 + dt.timedelta(hours=1))
    assert len(receiver.posts) == 2
    assert "unique_key: unique_key on dwd_sales: fail — changed" in receiver.posts[1]["message"]
    assert "Not repeated: 2 already alerted, unchanged" in receiver.posts[1]["message"]
    wh.close()


def test_acknowledged_failure_is_quiet_until_it_changes(receiver, tmp_path):
    wh = memory_warehouse()
    history, cfg = History(wh), config(receiver.url, tmp_path)
    only = [("unique_key", "dwd_sales", None, "fail", None, 3)]
    history.append(make_run("r1", 0, only))
    history.add_ack("unique_key", "dwd_sales", "vendor resends on Monday", by="ana")
    assert notify(make_run("r2", 1, only), cfg, history, now=T0).sent is False
    assert receiver.posts == []
    notify(make_run("r3", 2, [("unique_key", "dwd_sales", None, "fail", None, 40)]), cfg, history, now=T0)
    assert len(receiver.posts) == 1
    wh.close()


def test_email_reaches_a_local_smtp_server(tmp_path):
    from aiosmtpd.controller import Controller

    class Inbox:
        messages: list = []

        async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
            self.messages.append((envelope.rcpt_tos, envelope.content.decode("utf8", "replace")))
            return "250 OK"

    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        url = (f"mailto://127.0.0.1:{controller.port}?from=strataqc@example.com&to=oncall@example.com"
               "&mode=insecure&user=qc")
        outcome = notify(make_run("r1", 0, FAILING), config(url, tmp_path, retries=0))
    finally:
        controller.stop()
    assert outcome.delivered == ["test-hook"]
    [(to, content)] = inbox.messages
    assert to == ["oncall@example.com"] and "dwd_sales" in content and "StrataQC error" in content


# down and slow endpoints: test_faults_alerts.py
@pytest.mark.parametrize("receiver_kind", ["http-500"])
def test_undeliverable_alert_is_retried_then_spooled_and_the_run_exits_3(tmp_path, monkeypatch, receiver_kind):
    project = fixture_project(tmp_path)
    stuck = None
    if receiver_kind == "down":
        url = f"json://127.0.0.1:{free_port()}/hook"
    else:
        stuck = Receiver(status=500) if receiver_kind == "http-500" else Receiver(delay=3)
        url = stuck.url
    (project / "alerts.yml").write_text("retries: 2\nretry_delay_s: 0.01\ntimeout_s: 0.5\n"
                                        f"spool_dir: {tmp_path / 'spool'}\n"
                                        "channels:\n  - {name: oncall, url_env: QC_TEST_HOOK}\n")
    monkeypatch.setenv("QC_TEST_HOOK", url)
    args = [a for a in run_args(project, "--alerts", str(project / "alerts.yml")) if a != "--no-alerts"]
    started = time.monotonic()
    result = CliRunner().invoke(app, args)
    elapsed = time.monotonic() - started
    if stuck:
        stuck.close()
    assert result.exit_code == 3, result.output
    [spooled] = list((tmp_path / "spool").glob("*.json"))
    message = json.loads(spooled.read_text())
    assert message["channel"] == "oncall" and "dwd_sales" in message["body"] and message["reason"]
    assert str(url.split("//")[1]) not in spooled.read_text()  # the channel URL (a secret) is not kept
    if receiver_kind == "http-500":
        assert stuck.attempts == 3  # one try + 2 retries
    assert elapsed < 20  # bounded: the run finishes


def test_inline_secret_in_alert_config_is_refused(tmp_path, monkeypatch):
    path = tmp_path / "alerts.yml"
    path.write_text("channels:\n  - {name: mail, url: 'mailtos://user:hunter22@smtp.example.com'}\n")
    with pytest.raises(AlertConfigError, match="secret inline; write it as"):
        load_config(path, tmp_path)
    path.write_text("channels:\n  - {name: ding, url: 'dingtalk://${QC_DING_TOKEN}/'}\n")
    with pytest.raises(AlertConfigError, match="needs the environment variable QC_DING_TOKEN"):
        load_config(path, tmp_path)
    monkeypatch.setenv("QC_DING_TOKEN", "abcdef0123456789token")
    cfg = load_config(path, tmp_path)
    assert cfg.channels[0].url == "dingtalk://abcdef0123456789token/"
    assert "abcdef0123456789token" in cfg.secrets()


def test_environment_urls_are_enough(tmp_path, monkeypatch):
    monkeypatch.setenv("STRATAQC_ALERT_URLS", "json://127.0.0.1:9/a, json://127.0.0.1:9/b")
    cfg = load_config(None, tmp_path)
    assert [c.name for c in cfg.channels] == ["strataqc_alert_urls-1", "strataqc_alert_urls-2"]
    monkeypatch.delenv("STRATAQC_ALERT_URLS")
    assert load_config(None, tmp_path) is None


def test_the_example_alert_config_loads_with_secrets_from_the_environment(monkeypatch, tmp_path):
    example = Path(__file__).resolve().parents[2] / "examples" / "strataqc_alerts.yml"
    with pytest.raises(AlertConfigError, match="STRATAQC_SLACK_URL"):
        load_config(example, tmp_path)
    monkeypatch.setenv("STRATAQC_SLACK_URL", "slack://T1JJ3T3L2/A1BRTD4JD/TIiajkdnlazkcOXrIdevi7FQ/#oncall")
    monkeypatch.setenv("STRATAQC_DINGTALK_TOKEN", "d1ngt4lkt0k3nvalue")
    monkeypatch.setenv("STRATAQC_SMTP_PASSWORD", "smtp-pw-123")
    cfg = load_config(example, tmp_path)
    assert [c.name for c in cfg.channels] == ["oncall-slack", "dingtalk", "email", "webhook"]
    assert {"d1ngt4lkt0k3nvalue", "smtp-pw-123"} <= set(cfg.secrets())
    assert (cfg.reminder_hours, cfg.min_status, cfg.retries) == (24.0, "fail", 2)

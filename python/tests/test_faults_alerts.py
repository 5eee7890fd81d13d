"""An alert endpoint that is down or slow: bounded retries and timeouts, then the spool; the run finishes."""

from __future__ import annotations

import json
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from qc_report_support import fixture_project, history_rows, run_args
from typer.testing import CliRunner

from strataqc.cli import EXIT_ALERTS_FAILED, EXIT_OK, app

TOKEN = "T0kenOfTheHookXYZ123"  # a path segment of the URL: a secret, from the environment only


class Hook:
    """A local webhook that answers after `delay` seconds; counts attempts."""

    def __init__(self, delay: float = 0.0):
        self.attempts, self.bodies = 0, []
        hook = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 (http.server's name)
                hook.attempts += 1
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                if delay:
                    time.sleep(delay)
                hook.bodies.append(json.loads(body))
                self.send_response(200)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"json://127.0.0.1:{self.server.server_port}/hook/{TOKEN}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


def closed_port_url() -> str:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"json://127.0.0.1:{port}/hook/{TOKEN}"


@pytest.fixture
def project(tmp_path, monkeypatch):
    project = fixture_project(tmp_path)
    (project / "alerts.yml").write_text(f"retries: 2\nretry_delay_s: 0.05\ntimeout_s: 0.5\n"
                                        f"spool_dir: {tmp_path / 'spool'}\n"
                                        "channels:\n  - {name: oncall, url_env: QC_FAULT_HOOK}\n")
    return project


def run_with_alerts(project, *extra):
    args = [a for a in run_args(project, "--alerts", str(project / "alerts.yml"), *extra) if a != "--no-alerts"]
    started = time.monotonic()
    result = CliRunner().invoke(app, args)
    return result, time.monotonic() - started


@pytest.mark.parametrize("endpoint", ["down", "slow"])
def test_unreachable_endpoint_is_retried_within_bounds_then_spooled_and_nothing_is_lost(project, tmp_path,
                                                                                     monkeypatch, endpoint):
    slow = Hook(delay=5) if endpoint == "slow" else None
    monkeypatch.setenv("QC_FAULT_HOOK", slow.url if slow else closed_port_url())
    try:
        result, elapsed = run_with_alerts(project, "--format", "json", "--output", str(tmp_path / "r.json"))
    finally:
        if slow:
            slow.close()
    assert result.exit_code == EXIT_ALERTS_FAILED, result.stderr
    # 3 attempts of at most 0.5 s each (+ 0.05 s and 0.1 s between): bounded, not hanging on the endpoint
    assert elapsed < 8, f"{elapsed:.1f}s"
    if slow:
        assert slow.attempts == 3
    # the night's work is all there: report, history
    assert json.loads((tmp_path / "r.json").read_text())["summary"]["total"] == 13
    assert history_rows(project) == [("8133f0a3-ed33-4ef4-83f8-ec757b749016", 13)]
    [spooled] = (tmp_path / "spool").glob("*.json")
    message = json.loads(spooled.read_text())
    assert message["channel"] == "oncall" and "dwd_sales" in message["body"] and message["reason"]
    assert "alert to oncall not delivered" in result.stderr and "kept in" in result.stderr
    for text in (spooled.read_text(), result.stderr, result.stdout, (tmp_path / "r.json").read_text()):
        assert TOKEN not in text


def test_spooled_alert_is_delivered_once_the_endpoint_is_back_and_the_next_run_still_alerts(project, tmp_path,
                                                                                           monkeypatch):
    monkeypatch.setenv("QC_FAULT_HOOK", closed_port_url())
    assert run_with_alerts(project)[0].exit_code == EXIT_ALERTS_FAILED
    hook = Hook()
    monkeypatch.setenv("QC_FAULT_HOOK", hook.url)
    try:
        resent = CliRunner().invoke(app, ["resend-alerts", "--project-dir", str(project), "--alerts",
                                          str(project / "alerts.yml")])
        assert resent.exit_code == EXIT_OK, resent.stderr
        assert resent.stdout.startswith("resent 1 spooled alert(s); 0 still undelivered")
        assert list((tmp_path / "spool").glob("*.json")) == []
        # an undelivered alert was not remembered as told: the next run says it again
        again, _ = run_with_alerts(project, "--fail-on", "never")
        assert again.exit_code == EXIT_OK, again.stderr
    finally:
        hook.close()
    assert len(hook.bodies) == 2 and all("dwd_sales" in b["message"] for b in hook.bodies)

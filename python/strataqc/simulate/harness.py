"""Run the nights: a fresh demo warehouse, night 0, then N deliveries through `qc-report night`.

Each night is a child process running exactly what a scheduler runs, with
STRATAQC_NOW set to the night's date (reminders and weekdays behave as over real
nights) and alerts going to a webhook on 127.0.0.1 that this process owns.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, Callable

import yaml

from strataqc.landing.generate import generate
from strataqc.landing.incidents import redeliver
from strataqc.simulate import messages, score
from strataqc.simulate.receiver import Receiver
from strataqc.simulate.schedule import Schedule

OWNED = ("landing", "warehouse.duckdb", "warehouse.duckdb.wal", "target", "logs", "nights", "models", "spool",
         "alerts.yml", "detection.json", "detection.txt", "replay.json", "replay.txt")
NIGHT_TIMEOUT_S = 1800  # one night of the demo at a few hundred thousand rows takes well under this


class SimulationError(Exception):
    """The simulation cannot run; the message says why and what to do."""


def _fresh(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    foreign = [p.name for p in out.iterdir() if p.name not in OWNED]
    if foreign:
        raise SimulationError(f"--out {out} holds files a simulation did not write ({', '.join(sorted(foreign)[:5])}); "
                              "give an empty or new directory")
    for name in OWNED:
        path = out / name
        if path.is_dir():
            shutil.rmtree(path)
        elif path.exists():
            path.unlink()


def _alert_config(out: Path, url: str, reminder_hours: float | None) -> Path:
    config: dict[str, Any] = {"retries": 1, "retry_delay_s": 0.2, "timeout_s": 10, "spool_dir": str(out / "spool"),
                              "channels": [{"name": "simulate", "url": url}]}
    if reminder_hours is not None:
        config["reminder_hours"] = reminder_hours
    path = out / "alerts.yml"
    path.write_text(yaml.safe_dump(config, sort_keys=False))
    return path


def _env(out: Path, project_dir: Path, when: dt.datetime) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("STRATAQC_ALERT_URLS", "STRATAQC_DEBUG")}
    env.update({"DBT_PROFILES_DIR": str(project_dir / "profiles"), "STRATAQC_DUCKDB_PATH": str(out / "warehouse.duckdb"),
                "DBT_LOG_PATH": str(out / "logs"), "DBT_TARGET_PATH": str(out / "target"),
                "DBT_SEND_ANONYMOUS_USAGE_STATS": "false", "DBT_USE_COLORS": "false", "CI": "true",
                "STRATAQC_MODEL_DIR": str(out), "STRATAQC_NOW": when.strftime("%Y-%m-%dT%H:%M:%SZ")})
    return env


def _night(out: Path, project_dir: Path, n: int, when: dt.datetime, alerts: Path, python_checks: bool,
           extra: list[str]) -> subprocess.CompletedProcess:
    report = out / "nights" / f"night-{n:03d}.json"
    cmd = [sys.executable, "-m", "strataqc.cli", "night", "--landing", str(out / "landing"),
           "--project-dir", str(project_dir), "--target-path", str(out / "target"), "--alerts", str(alerts),
           "--fail-on", "never", "-f", "json", "-o", str(report), "--html", str(report.with_suffix(".html")),
           "--lock-wait", "10",
           "--python-checks" if python_checks else "--no-python-checks", *extra]
    try:
        return subprocess.run(cmd, env=_env(out, project_dir, when), capture_output=True, text=True,
                              timeout=NIGHT_TIMEOUT_S, cwd=project_dir)
    except subprocess.TimeoutExpired as exc:
        return subprocess.CompletedProcess(cmd, 124, "", f"night {n} stopped after {NIGHT_TIMEOUT_S}s: {exc}")


def simulate(out: Path, *, nights: int, seed: int, rows: int, schedule: Schedule, project_dir: Path,
             reminder_hours: float | None = None, python_checks: bool = True,
             progress: Callable[[str], None] = lambda line: None) -> dict[str, Any]:
    """Run night 0 and `nights` deliveries; write detection.json and detection.txt under `out`; return the doc."""
    from strataqc.alerts import AlertConfig

    if not (project_dir / "dbt_project.yml").exists():
        raise SimulationError(f"--project-dir {project_dir} has no dbt_project.yml; run from the StrataQC "
                              "repository or give its path")
    late = [n for n in schedule.incidents if n > nights]
    if late:
        raise SimulationError(f"{schedule.source} plants incidents on night(s) {late} beyond --nights {nights}; "
                              "give more nights or fix the schedule")
    out = out.resolve()
    _fresh(out)
    landing = out / "landing"
    started = time.monotonic()
    manifest = generate(landing, rows=rows, seed=seed)
    night0 = dt.datetime.fromisoformat(manifest["generator"]["end_date"]).replace(
        hour=3, tzinfo=dt.timezone.utc) + dt.timedelta(days=1)
    reminder = reminder_hours if reminder_hours is not None else AlertConfig().reminder_hours
    record: list[dict[str, Any]] = []
    with Receiver() as receiver:
        alerts = _alert_config(out, receiver.url, reminder_hours)
        for n in range(nights + 1):
            when = night0 + dt.timedelta(days=n)
            planted: list[dict[str, Any]] = []
            if n:
                manifest = generate(landing, extend_days=1, incidents=schedule.on(n))
                planted = [i for i in manifest["incidents"] if i["night"] == n]
            began = time.monotonic()
            done = _night(out, project_dir, n, when, alerts, python_checks, [])
            codes = [done.returncode]
            note = ""
            if done.returncode == 2:
                note = (done.stderr.strip().splitlines() or [""])[-1][:300]
                # the supplier re-sends a refused file the same night, as on-call would ask
                if any(redeliver(landing, i) for i in planted):
                    done = _night(out, project_dir, n, when, alerts, python_checks, [])
                    codes.append(done.returncode)
            posts = receiver.take()
            night_doc = {"night": n, "at": when.isoformat(), "incidents": [i["kind"] for i in planted],
                         "exit_codes": codes, "note": note, "seconds": round(time.monotonic() - began, 1),
                         "messages": [{"title": p.get("title", ""), "body": p.get("message", ""),
                                       "items": messages.parse(p.get("message", ""))} for p in posts]}
            if codes[-1] not in (0, 1, 3) and n == 0:
                raise SimulationError(f"night 0 failed (exit {codes[-1]}): {done.stderr.strip()[-1500:]}")
            record.append(night_doc)
            progress(f"night {n:>2} {when:%Y-%m-%d %a}: exit {'/'.join(map(str, codes))}, "
                     f"{len(posts)} message(s), {night_doc['seconds']:.0f}s"
                     + (f", planted {', '.join(night_doc['incidents'])}" if planted else ""))
    tests = score.test_names(out / "target" / "manifest.json")
    incidents = manifest.get("incidents", [])
    for inc in incidents:
        night = record[inc["night"]]
        inc["exit_code"] = night["exit_codes"][0]
    doc = score.score(record, incidents, tests, reminder)
    doc = {"seed": seed, "rows": rows, "nights": nights, "schedule": schedule.source, "reminder_hours": reminder,
           "python_checks": python_checks, "seconds": round(time.monotonic() - started, 1), **doc,
           "per_night": [{**night, "items": [i.as_dict() for m in night["messages"] for i in m["items"]],
                          "messages": [{"title": m["title"], "body": m["body"]} for m in night["messages"]]}
                         for night in record]}
    (out / "detection.json").write_text(json.dumps(doc, indent=2, default=str) + "\n")
    (out / "detection.txt").write_text(score.table(doc) + "\n")
    return doc


def rescore(out: Path) -> dict[str, Any]:
    """Score an earlier simulation in `out` again with today's catalogue (which checks catch which incident)."""
    from strataqc.landing.incidents import KINDS

    path = out / "detection.json"
    if not path.exists():
        raise SimulationError(f"{path} not found: run `qc-report simulate --out {out}` first")
    doc = json.loads(path.read_text())
    record = [{**night, "messages": [{**m, "items": messages.parse(m["body"])} for m in night["messages"]]}
              for night in doc["per_night"]]
    incidents = json.loads((out / "landing" / "manifest.json").read_text()).get("incidents", [])
    for inc in incidents:
        kind = KINDS.get(inc["kind"])
        if kind is not None:
            inc["checks"], inc["missing_check"] = list(kind.catches), kind.missing_check
        inc["exit_code"] = record[inc["night"]]["exit_codes"][0]
    scored = score.score(record, incidents, score.test_names(out / "target" / "manifest.json"), doc["reminder_hours"])
    doc.update(scored)
    path.write_text(json.dumps(doc, indent=2, default=str) + "\n")
    (out / "detection.txt").write_text(score.table(doc) + "\n")
    return doc

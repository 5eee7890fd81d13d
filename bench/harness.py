"""One measurement for every tool: run a command in its own process, time it, poll its memory.

Wall seconds come from a monotonic clock around the child; peak RSS is the
largest sum of resident memory over the child's whole process tree (dbt and
`qc-report night` start children of their own), polled every 50 ms with psutil.
A case script may print one line `BENCH {json}` with its own phase timings
(e.g. the query alone, without imports); it is kept as `phases`.
"""

from __future__ import annotations

import json
import os
import subprocess
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psutil

POLL_S = 0.05
MARKER = "BENCH "


@dataclass
class Measurement:
    wall_s: float
    peak_rss_bytes: int
    returncode: int | None
    timed_out: bool = False
    phases: dict[str, Any] = field(default_factory=dict)
    stderr_tail: str = ""

    @property
    def ok(self) -> bool:
        return self.returncode == 0 and not self.timed_out


def _tree_rss(proc: psutil.Process, by_command: dict[str, int] | None = None) -> int:
    """Resident bytes of the whole tree; `by_command` keeps each command's own peak (which step was big)."""
    total = 0
    try:
        procs = [proc, *proc.children(recursive=True)]
    except psutil.Error:
        return 0
    for p in procs:
        try:
            rss = p.memory_info().rss
            if by_command is not None:
                name = _command_name(p)
                by_command[name] = max(by_command.get(name, 0), rss)
        except psutil.Error:
            continue  # a child that just exited
        total += rss
    return total


# children the night starts as `python -m <module>`: named for what they run
MODULES = {"strataqc.dbt_child": "dbt", "strataqc.cli": "qc-report"}


def _command_name(p: psutil.Process) -> str:
    """`dbt`, `qc-report load`, `python` ...: the script a Python process runs, else the executable."""
    args = p.cmdline()
    if not args:
        return p.name()
    if len(args) > 2 and args[1] == "-m" and args[2] in MODULES:
        return " ".join([MODULES[args[2]], *args[3:4]]) if args[2] == "strataqc.cli" else MODULES[args[2]]
    if len(args) > 1 and args[1] not in ("-c", "-") and not args[1].startswith("-"):
        return Path(args[1]).name[:40]
    return Path(args[0]).name[:40]


def measure(cmd: list[str], *, env: dict[str, str] | None = None, cwd: Path | None = None,
            timeout_s: float | None = None, log: Path | None = None) -> Measurement:
    """Run `cmd`; its stdout is scanned for the BENCH line, both streams go to `log`."""
    full_env = {**os.environ, **(env or {})}
    out_path = log or Path(os.devnull)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    with open(out_path, "w") as sink:
        started = time.monotonic()
        child = subprocess.Popen(cmd, env=full_env, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                 text=True, start_new_session=True)
        handle = psutil.Process(child.pid)
        peak = 0
        lines: list[str] = []

        def pump() -> None:
            assert child.stdout is not None
            for line in child.stdout:
                sink.write(line)
                lines.append(line)

        reader = threading.Thread(target=pump, daemon=True)
        reader.start()
        timed_out = False
        by_command: dict[str, int] = {}
        while child.poll() is None:
            peak = max(peak, _tree_rss(handle, by_command))
            if timeout_s is not None and time.monotonic() - started > timeout_s:
                timed_out = True
                _kill_tree(handle)
                break
            time.sleep(POLL_S)
        child.wait()
        wall = time.monotonic() - started
        reader.join(timeout=5)
    phases: dict[str, Any] = {}
    for line in lines:
        if line.startswith(MARKER):
            phases.update(json.loads(line[len(MARKER):]))
    if len(by_command) > 1:
        phases["peak_rss_by_command"] = dict(sorted(by_command.items(), key=lambda kv: -kv[1])[:5])
    tail = "".join(lines[-15:])[-2000:]
    return Measurement(round(wall, 3), peak, child.returncode, timed_out, phases, tail)


def _kill_tree(proc: psutil.Process) -> None:
    """Stop only the child we started and its descendants."""
    try:
        victims = [*proc.children(recursive=True), proc]
    except psutil.Error:
        return
    for p in victims:
        try:
            p.kill()
        except psutil.Error:
            pass
    psutil.wait_procs(victims, timeout=10)


def report_phases(**phases: Any) -> None:
    """Called inside a case script: hand phase timings to the harness."""
    print(MARKER + json.dumps(phases), flush=True)

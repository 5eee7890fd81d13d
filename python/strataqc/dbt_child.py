"""`dbt build` in a child process that imports dbt while the night's landing files still load.

dbt spends its first seconds importing itself and its adapter before it opens the warehouse, and
the load before it runs in a process of its own. So the night starts dbt's child first: the child
imports dbt, then waits on its stdin. Once the load has ended, the night writes `go` and the child
runs dbt's command line in this interpreter; when the load fails, the night closes the pipe and
the child ends without having touched the warehouse. A dbt from another environment (not the one
beside this interpreter) runs as its own program after the go. dbt's arguments come with the go,
so that `qc-report night` can start the child before its own imports (`start_early`, from
`strataqc.launch`) and decide them later. They may come earlier too (`prepare`, before the load):
the child then reads the project while the load runs (`dbt_ahead`), and builds on it at the go.

dbt's run allocates millions of short-lived objects: with Python's default thresholds the cyclic
collector ran every 700 allocations and walked dbt's imports and manifest each time, and once more
over everything at exit (a 10M night's dbt build: about 0.8 s of its 8). So the child leaves its
imports out of the collector, collects the youngest objects every 50,000 allocations, and skips
the last walk at exit; reference counting still frees everything that is not in a cycle. And it
compiles dbt's macros through a cache kept in the target directory (`dbt_templates`).
"""

from __future__ import annotations

import atexit
import gc
import importlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from strataqc import dbt_ahead, dbt_templates

GO = "go"
PREPARE = "prepare"   # dbt's arguments, before the go: the child reads the project meanwhile (dbt_ahead)
NOT_RELEASED = 3   # the child's exit when the night did not say go (the load failed)
# what `dbt build` imports only once it runs (about 0.15 s), imported before the go instead
BUILD_IMPORTS = ("dbt.task.build", "dbt_common.clients.agate_helper", "multiprocessing.dummy", "sqlparse")
YOUNG_THRESHOLD = 50_000  # allocations between collections of the youngest objects (Python's default: 700)


def executable() -> str:
    """The dbt beside this interpreter (this environment's), else the one on PATH."""
    beside = _beside()
    return str(beside) if beside.exists() else (shutil.which("dbt") or "dbt")


def _beside() -> Path:
    return Path(sys.executable).with_name("dbt")


_early: subprocess.Popen | None = None


def start(executable: str) -> subprocess.Popen:
    """The child, importing dbt; its output (after the go) comes on its stdout, as text."""
    return subprocess.Popen([sys.executable, "-m", "strataqc.dbt_child", executable], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def start_early() -> None:
    """Start this environment's child now, for the `take` to come (a process that never takes it
    closes its stdin on exit, and the child ends unreleased)."""
    global _early
    _early = start(executable())


def take(executable: str) -> subprocess.Popen:
    """The child started early for `executable`, else a new one."""
    global _early
    child, _early = _early, None
    if child is not None and child.args[-1] == executable and child.poll() is None:
        return child
    if child is not None:
        cancel(child)
    return start(executable)


def prepare(child: subprocess.Popen, args: list[str]) -> None:
    """Tell the child the arguments dbt will run with, before the go: it reads the project meanwhile."""
    _say(child, PREPARE, args, last=False)


def release(child: subprocess.Popen, args: list[str]) -> None:
    """Let the child run dbt with `args` (a child that already ended says why on its stdout)."""
    _say(child, GO, args, last=True)


def _say(child: subprocess.Popen, word: str, args: list[str], last: bool) -> None:
    try:
        child.stdin.write(word + "\n" + json.dumps(args) + "\n")
        if last:
            child.stdin.close()
        else:
            child.stdin.flush()
    except BrokenPipeError:
        pass


def cancel(child: subprocess.Popen) -> None:
    """End the child before it runs dbt (what it said meanwhile is read, so that it never waits to say it)."""
    child.communicate()


def _dbt_main(executable: str):
    """dbt's command line when `executable` is this environment's dbt and imports; None otherwise."""
    if Path(executable) != _beside():
        return None
    try:
        from dbt.cli.main import cli
    except ImportError:
        return None
    for name in ("dbt.adapters.duckdb", *BUILD_IMPORTS):  # the adapter: once dbt reads the profile
        try:
            importlib.import_module(name)
        except ImportError:
            pass
    return cli


def quiet_collector() -> None:
    """Fewer walks of the cyclic collector over a process whose objects are mostly long-lived."""
    gc.freeze()                      # what is imported by now lives as long as the process
    _, middle, old = gc.get_threshold()
    gc.set_threshold(YOUNG_THRESHOLD, middle, old)
    atexit.register(gc.freeze)       # atexit runs before the interpreter's last collection


def main(argv: list[str]) -> int:
    executable, = argv
    cli = _dbt_main(executable)
    if cli is not None:
        quiet_collector()
    ahead, said = None, sys.stdin.readline().strip()
    if said == PREPARE:
        planned = json.loads(sys.stdin.readline())
        if cli is not None:
            _templates(planned)
            ahead = dbt_ahead.prepare(planned)
        said = sys.stdin.readline().strip()
    if said != GO:
        return NOT_RELEASED
    args = json.loads(sys.stdin.readline())
    if cli is None:
        try:
            os.execvp(executable, [executable, *args])
        except OSError as exc:
            print(f"cannot run {executable}: {exc.strerror}; install dbt-core or put dbt on PATH", flush=True)
            return 2
    if ahead is not None and ahead.args == args:
        return ahead.run()
    _templates(args)
    sys.argv = [executable, *args]
    return cli()


def _templates(args: list[str]) -> None:
    """dbt's compiled macros, kept in its target directory when the arguments name one."""
    target = dbt_ahead.option(args, "--target-path")
    if target:
        dbt_templates.install(Path(target))


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

"""`qc-report`'s entry point: the objects of the imports, and at the end all of them, are out of the
cyclic collector (the interpreter's last collection would walk every object a night made)."""

from __future__ import annotations

import atexit
import gc
import sys

import pytest

from strataqc.cli import main


def test_main_leaves_what_the_command_made_out_of_the_last_collection(monkeypatch):
    gc.unfreeze()
    registered = []
    monkeypatch.setattr(atexit, "register", registered.append)
    made = [[i] for i in range(1000)]  # objects alive when the command starts
    monkeypatch.setattr(sys, "argv", ["qc-report", "--help"])
    try:
        with pytest.raises(SystemExit) as done:
            main()
        assert done.value.code == 0
        assert gc.get_freeze_count() >= len(made)
        assert registered == [gc.freeze]  # and again at exit, before the last collection
    finally:
        gc.unfreeze()


def test_the_command_line_starts_without_pandas_or_numpy():
    # every command is declared on import; pandas and numpy come with the commands that use them
    # (a night's generate and load, `--help`, `ack`: each started 0.3 s sooner)
    import subprocess

    probe = "import sys, strataqc.cli; print(sorted(m for m in ('pandas', 'numpy', 'sklearn') if m in sys.modules))"
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"

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

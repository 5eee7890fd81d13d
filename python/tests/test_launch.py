"""strataqc/launch.py: `qc-report night` starts dbt's child before the command line's imports."""

from __future__ import annotations

import sys

import pytest

from strataqc import dbt_child, launch


@pytest.mark.parametrize("argv, early", [
    (["night", "--landing", "x"], True),
    (["night", "--help"], False),
    (["run"], False),
    ([], False),
])
def test_only_a_night_starts_dbt_early(monkeypatch, argv, early):
    started, ran = [], []
    monkeypatch.setattr(dbt_child, "start_early", lambda: started.append(True))
    monkeypatch.setattr("strataqc.cli.main", lambda: ran.append(sys.argv[1:]))
    monkeypatch.setattr(sys, "argv", ["qc-report", *argv])
    launch.main()
    assert started == ([True] if early else []) and ran == [argv]

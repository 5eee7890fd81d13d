"""Model quality beside the other checks: on a thread and a connection of its own unless it reads their
records, the engine has no second connection, or the night asks for one thing at a time."""

from __future__ import annotations

import threading
import types

import pytest

from strataqc.checks.side_by_side import beside, model_reads_earlier


@pytest.mark.parametrize("model, reads", [
    ({"kind": "lightgbm"}, False),
    ({"retrain": None}, False),
    ({"retrain": {"on": ["schedule", "realized_degradation"]}}, False),
    ({"retrain": {"on": ["drift_fail"]}}, True),
    ({"retrain": {"every_days": 7}}, True),   # no `on`: every trigger, drift_fail among them
    ({"retrain": "weekly"}, True),            # unreadable: the safe order (its own record says what is wrong)
    ("not a mapping", False),
])
def test_only_a_policy_that_may_read_drift_failures_waits_for_them(model, reads):
    assert model_reads_earlier(types.SimpleNamespace(model=model)) is reads


class Night:
    """A warehouse whose sibling says which thread used it and whether it was closed."""

    def __init__(self, twin=True):
        self.twin = None
        if twin:
            self.twin = types.SimpleNamespace(closed=False, close=lambda: setattr(self.twin, "closed", True))

    def sibling(self):
        return self.twin


def _run(log):
    def run(db, earlier):
        log.append((db, threading.current_thread().name, list(earlier)))
        return ["quality"]
    return run


def test_it_starts_at_once_on_its_own_thread_and_connection_and_closes_it():
    night, log = Night(), []
    joined = beside(night, False, _run(log))
    records = joined(["drift"])
    assert records == ["quality"]
    [(db, thread, earlier)] = log
    assert db is night.twin and thread.startswith("strataqc-model-quality") and earlier == []
    assert night.twin.closed


@pytest.mark.parametrize("reads, twin, serial", [(True, True, ""), (False, False, ""), (False, True, "1")],
                         ids=["reads-earlier", "no-second-connection", "serial"])
def test_otherwise_it_runs_in_turn_on_the_nights_connection_with_the_records_before_it(monkeypatch, reads, twin,
                                                                                      serial):
    monkeypatch.setenv("STRATAQC_SERIAL_CHECKS", serial)
    night, log = Night(twin), []
    joined = beside(night, reads, _run(log))
    assert log == []  # nothing ran before the records it may read
    assert joined(["drift"]) == ["quality"]
    [(db, thread, earlier)] = log
    assert db is night and thread == threading.current_thread().name and earlier == ["drift"]


def test_a_refused_second_connection_leaves_it_to_run_in_turn():
    class Refusing(Night):
        def sibling(self):
            raise ConnectionError("too many clients already")

    night, log = Refusing(), []
    assert beside(night, False, _run(log))(["drift"]) == ["quality"]
    assert log[0][0] is night and log[0][2] == ["drift"]

"""run.py: the merged run and its typed context (what the history adds beside tonight's records)."""

from __future__ import annotations

import dataclasses
import json

import pytest

from strataqc.report.jsonout import render_json
from strataqc.results import CheckResult, Status
from strataqc.run import QCRun, RunContext


def test_the_context_has_typed_fields_read_by_name_and_none_until_the_history_is_read():
    assert {f.name for f in dataclasses.fields(RunContext)} == {
        "trends", "series", "status_series", "anomalies", "changes", "acks", "acked_keys", "history_note",
        "history_runs", "incidents", "previous", "rescoped", "followups"}
    context = RunContext()
    assert context.get("anomalies") is None and context.get("anomalies", []) == []
    context.update({"anomalies": [{"check": "missing_values"}]}, history_runs=3)
    assert context.anomalies == context["anomalies"] == [{"check": "missing_values"}]
    assert context.history_runs == 3
    context["incidents"] = []
    assert context.incidents == [] and context.get("incidents", "none") == []


def test_an_unknown_context_key_is_a_clear_error_not_a_silent_extra():
    with pytest.raises(TypeError, match="RunContext has no field trend; known: trends"):
        RunContext().update({"trend": {}})
    with pytest.raises(KeyError):
        RunContext()["nonsense"]


def test_a_run_without_history_reports_no_history_keys():
    run = QCRun.merge("r1", "2026-01-05T00:00:00Z", [CheckResult(check="unique_key", status=Status.FAIL)])
    doc = json.loads(render_json(run))
    assert not {"anomalies", "changes", "acks"} & set(doc)
    run.context.update(changes={"new": []}, acks=[])
    doc = json.loads(render_json(run))
    assert doc["changes"] == {"new": []} and doc["acks"] == []

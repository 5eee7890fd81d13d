"""The bench's own machinery: measurement, judging against targets, generated test YAML.

Speed itself is never asserted here; `make bench` measures it.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest
import yaml

BENCH = Path(__file__).resolve().parents[2] / "bench"


def _load(path: Path):
    """A bench module under its own name: bench/ is scripts, not a package on sys.path."""
    spec = importlib.util.spec_from_file_location(f"strataqc_bench_{path.stem}", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


_harness = _load(BENCH / "harness.py")
measure = _harness.measure
_report = _load(BENCH / "report.py")
ratios_and_targets, render_markdown, render_table = (_report.ratios_and_targets, _report.render_markdown,
                                                     _report.render_table)


class _Process:
    def __init__(self, *args):
        self.args = list(args)

    def cmdline(self):
        return self.args

    def name(self):
        return "python3"


@pytest.mark.parametrize("args, name", [
    (["/venv/bin/python", "/venv/bin/dbt", "build"], "dbt"),
    (["/venv/bin/python", "-m", "strataqc.dbt_child", "/venv/bin/dbt", "build"], "dbt"),
    (["/venv/bin/python", "-m", "strataqc.cli", "load", "--landing", "x"], "qc-report load"),
    (["/venv/bin/python", "-m", "other.module"], "python"),
    ([], "python3"),
])
def test_each_child_of_the_night_is_named_for_what_it_runs(args, name):
    assert _harness._command_name(_Process(*args)) == name


def test_measure_reads_phases_and_memory_of_the_child():
    code = ("import json; block = bytearray(200 * 2**20); block[::4096] = b'x' * len(block[::4096]); "
            "import time; time.sleep(0.3); print('BENCH ' + json.dumps({'query_s': 0.25}))")
    m = measure([sys.executable, "-c", code])
    assert m.ok and m.phases == {"query_s": 0.25}
    assert m.peak_rss_bytes > 200 * 2**20  # the 200 MiB the child touched
    assert m.wall_s >= 0.3


def test_measure_stops_a_child_over_its_cap_and_reports_failures():
    slow = measure([sys.executable, "-c", "import time; time.sleep(30)"], timeout_s=0.5)
    assert slow.timed_out and not slow.ok and slow.wall_s < 15
    failed = measure([sys.executable, "-c", "import sys; sys.exit('no warehouse')"])
    assert failed.returncode == 1 and "no warehouse" in failed.stderr_tail


def _row(case, tool, task, rows, wall, engine="duckdb", **phases):
    return {"case": case, "tool": tool, "task": task, "rows": rows, "engine": engine, "status": "ok",
            "wall_s": wall, "peak_rss_bytes": 2**28, "reason": "", "phases": phases}


@pytest.mark.parametrize(("direct_s", "met"), [
    pytest.param(0.15, True, id="at-1.5x-met"),
    pytest.param(0.16, False, id="over-1.5x-missed"),
])
def test_case1_is_judged_against_the_limit_measured_in_the_same_run(direct_s, met):
    rows = [_row("1", "duckdb", "hand-written aggregate (physical limit)", 10, 1.0, query_s=0.1),
            _row("1", "strataqc", "column_checks compiled SQL, direct", 10, 1.0, query_s=direct_s)]
    target = next(t for t in ratios_and_targets(rows, [10]) if "hand-written aggregate" in t["target"])
    assert (target["value"], target["met"]) == (round(direct_s / 0.1, 2), met)


def test_case2_peer_stopped_at_its_cap_gives_a_lower_bound():
    rows = [_row("2", "strataqc", "check_relation: feature set + drift", 100, 10.0),
            {**_row("2", "evidently", "DataDriftPreset + DataSummaryPreset", 100, 900.0), "status": "timeout"},
            _row("2", "strataqc", "check_relation: feature set + drift (ADS table repeated)", 200, 30.0)]
    targets = {t["target"]: t for t in ratios_and_targets(rows, [100])}
    evid = targets["case 2 (100 ADS rows): evidently wall / StrataQC wall"]
    assert (evid["value"], evid["met"]) == (90.0, True) and "lower bound" in evid["note"]
    assert targets["case 2: StrataQC peak RSS at 200 ADS rows (GiB)"]["met"] is True


def test_incremental_night_ratio_and_the_printed_table():
    rows = [_row("3", "strataqc", "night: full refresh", 1000, 50.0),
            _row("3", "strataqc", "night: incremental, one more day", 1000, 10.0)]
    targets = ratios_and_targets(rows, [1000])
    assert [(t["value"], t["met"]) for t in targets] == [(5.0, False)]
    doc = {"results": rows, "targets": targets, "started_at": "2026-01-01T00:00:00+00:00",
           "machine": {"cores": 2, "cpu": "x", "memory_gib": 1}, "versions": {"strataqc_commit": "abc"}}
    assert "[MISSED] case 3 (1,000 landing rows)" in render_table(doc)
    assert "| 3 | strataqc | night: full refresh | 1,000 | duckdb | 50.00 |" in render_markdown(doc)


_verdicts = _load(BENCH / "cases" / "night_verdicts.py")


def _v(status: str, failures: int) -> dict:
    return {"status": status, "failures": failures, "s": 0.1}


@pytest.mark.parametrize(("whole", "before", "why"), [
    pytest.param(_v("warn", 3), _v("warn", 3), "older", id="full-check-finds-what-last-night-reported"),
    pytest.param(_v("warn", 4), _v("warn", 3), "missed", id="full-check-finds-more-than-last-night"),
    pytest.param(_v("fail", 1), _v("pass", 0), "missed", id="full-check-fails-where-last-night-passed"),
])
def test_a_scoped_verdict_may_differ_only_on_defects_in_older_rows(whole, before, why):
    scoped = {"test.p.kept_defects.1": _v("pass", 0), "test.p.key_unique.2": _v("fail", 2)}
    full = {"test.p.kept_defects.1": whole, "test.p.key_unique.2": _v("fail", 5)}
    result = _verdicts.compare(scoped, full, {"test.p.kept_defects.1": before})
    assert (result["tests"], result["equal"]) == (2, 1)
    older, unexplained = result["older_defects"], result["unexplained"]
    assert [d["test"] for d in (older if why == "older" else unexplained)] == ["kept_defects"]
    assert (older if why == "missed" else unexplained) == []


def test_wide_table_yaml_is_what_its_rules_render():
    rules = _load(BENCH / "dbt_wide" / "rules.py")
    committed = yaml.safe_load((BENCH / "dbt_wide" / "models" / "_bench__sources.yml").read_text())
    assert committed == rules.render()
    table = committed["sources"][0]["tables"][0]
    per_test = sum(len(c["data_tests"]) for c in table["columns"])
    assert (len(table["columns"]), per_test) == (20, rules.rule_count())


@pytest.mark.parametrize(("totals", "met"), [
    pytest.param({"incidents": 10, "alerted_same_night": 10, "share_alerted_same_night": 1.0,
                  "in_exactly_one_message": 10, "quiet_nights": 20, "quiet_nights_with_message": 1,
                  "items_repeated": 0, "messages_per_incident": 1.0}, [True, True, True, True], id="goals-met"),
    pytest.param({"incidents": 10, "alerted_same_night": 9, "share_alerted_same_night": 0.9,
                  "in_exactly_one_message": 8, "quiet_nights": 20, "quiet_nights_with_message": 2,
                  "items_repeated": 3, "messages_per_incident": 1.3}, [False, False, False, False], id="goals-missed"),
])
def test_case5_judges_detection_against_the_goals(totals, met):
    rows = [_row("5", "strataqc", "qc-report simulate: 30 nights, planted incidents", 20000, 600.0,
                 detection=totals)]
    targets = [t for t in ratios_and_targets(rows, []) if t["target"].startswith("case 5")]
    assert [t["met"] for t in targets] == met
    assert targets[0]["value"] == totals["share_alerted_same_night"]


@pytest.mark.parametrize(("last_rss", "met"), [
    pytest.param(2**28 * 1.25, True, id="at-1.25x-flat"),
    pytest.param(2**28 * 1.5, False, id="grows-with-nights-missed"),
])
def test_case7_one_night_memory_judged_first_count_against_last(last_rss, met):
    rows = [_row("7", "strataqc", "realized accuracy backfill, 30 nights kept", 10, 5.0, work_s=4.0),
            _row("7", "strataqc", "one night (keep, measure, judge, drift), 30 nights kept", 10, 3.0, work_s=1.0),
            {**_row("7", "strataqc", "one night (keep, measure, judge, drift), 90 nights kept", 10, 3.0, work_s=1.5),
             "peak_rss_bytes": int(last_rss)}]
    targets = {t["target"]: t for t in ratios_and_targets(rows, [10])}
    rss = targets["case 7: one night's peak RSS, 30 nights kept -> 90 nights kept"]
    assert (rss["value"], rss["met"]) == (round(last_rss / 2**28, 2), met)
    assert targets["case 7: one night's work time, 30 nights kept -> 90 nights kept"]["value"] == 1.5

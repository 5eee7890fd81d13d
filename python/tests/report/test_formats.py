"""Every format of one run: JSON against its schema, JUnit against its XSD, Markdown and HTML escaping, size."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET

import jsonschema
import pytest
from lxml import etree
from qc_report_support import big_night, make_run

from strataqc.report.html import render_html
from strataqc.report.jsonout import SCHEMA_PATH, render_json
from strataqc.report.junit import XSD_PATH, render_junit
from strataqc.report.markdown import render_markdown
from strataqc.report.render import Format, render
from strataqc.results import CheckResult, CheckType, Status

SCRIPT = "<script>alert('x')</script>"


@pytest.fixture(scope="module")
def night(tmp_path_factory):
    run, wh = big_night(checks=500, nights=90, tmp_path=tmp_path_factory.mktemp("big"))
    yield run
    wh.close()


@pytest.fixture
def small():
    run = make_run("r-1", 0, [("unique_key", "dwd_sales", None, "fail", None, 3),
                              ("not_null", "dwd_sales", "id", "pass", None, 0),
                              ("value_range", "dws_daily", "qty", "warn", 1.5),
                              ("build", "ads_features", None, "error", None),
                              ("not_null", "ads_features", "x", "skip", None)])
    extra = CheckResult(check="new_categories", check_type=CheckType.DRIFT, status=Status.FAIL,
                        model="ads_features", layer="ads", column="category", observed=float("nan"),
                        message=f"new category {SCRIPT} | pipe", details={
                            "bins": ["a", SCRIPT], "reference": [10, 0], "current": [5, 5],
                            "sample_rows": [{"category": SCRIPT}]})
    run.results.append(extra.replace(run_id=run.run_id, generated_at=run.generated_at))
    return run


def validator():
    schema = json.loads(SCHEMA_PATH.read_text())
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def test_json_validates_against_the_schema(small, night):
    for run in (small, night):
        doc = json.loads(render_json(run))
        validator().validate(doc)
    assert doc["summary"]["total"] == 500 and len(doc["results"]) == 500


def test_json_schema_rejects_a_record_missing_a_field(small):
    doc = json.loads(render_json(small))
    del doc["results"][0]["status"]
    doc["results"][1]["status"] = "broken"
    errors = sorted(e.message for e in validator().iter_errors(doc))
    assert errors == ["'broken' is not one of ['pass', 'warn', 'fail', 'error', 'skip']",
                      "'status' is a required property"]


def test_json_record_has_the_design_fields_and_nan_becomes_null(small):
    doc = json.loads(render_json(small))
    drift = next(r for r in doc["results"] if r["check"] == "new_categories")
    assert list(drift)[:13] == ["run_id", "generated_at", "check", "check_type", "layer", "model", "column",
                                "status", "observed", "threshold", "failures", "message", "duration_s"]
    assert drift["observed"] is None and drift["run_id"] == "r-1"


def test_junit_validates_against_the_xsd_one_testcase_per_check(small, night):
    schema = etree.XMLSchema(etree.parse(str(XSD_PATH)))
    for run in (small, night):
        doc = etree.fromstring(render_junit(run).encode())
        schema.assertValid(doc)
        assert len(doc.findall(".//testcase")) == len(run.results)
    root = ET.fromstring(render_junit(small))
    assert (root.get("tests"), root.get("failures"), root.get("errors"), root.get("skipped")) == ("6", "2", "1", "1")
    warn = root.find(".//testcase[@name='value_range on dws_daily.qty']")
    assert warn.find("failure") is None and warn.find("system-out").text.startswith("WARN:")


def test_junit_xsd_rejects_two_outcomes_in_one_testcase():
    schema = etree.XMLSchema(etree.parse(str(XSD_PATH)))
    bad = etree.fromstring(b'<testsuites tests="1" failures="1" errors="1" skipped="0" time="0"><testsuite name="s" '
                           b'tests="1" failures="1" errors="1" skipped="0" time="0"><testcase name="a" classname="b" '
                           b'time="0"><failure/><error/></testcase></testsuite></testsuites>')
    assert not schema.validate(bad)


def test_markdown_lists_problems_and_escapes_data(small):
    text = render_markdown(small)
    assert text.startswith("## 🛑 StrataQC: 6 checks — 1 pass, 1 warn, 2 fail, 1 error, 1 skip")
    assert "<script>" not in text and "&lt;script&gt;" in text
    assert "new category &lt;script&gt;alert('x')&lt;/script&gt; \\| pipe" in text
    problem_rows = [line for line in text.splitlines() if line.startswith("| ") and "dwd\\_sales" in line]
    assert len(problem_rows) == 1 and "unique\\_key" in problem_rows[0]


def test_html_escapes_every_data_value(small):
    page = render_html(small)
    assert SCRIPT not in page
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in page
    assert page.count("<script>") == 1  # the page's own filter script only


def test_html_fetches_nothing_from_the_network(night):
    page = render_html(night)
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:|//)""", page)
    assert "@import" not in page and "url(" not in page
    assert "default-src 'none'" in page


def test_html_for_500_checks_and_90_nights_stays_under_3_mb(night):
    page = render_html(night)
    size = len(page.encode())
    assert size < 3_000_000, f"{size / 1e6:.2f} MB"
    assert page.count('class="spark"') == 500 - sum(1 for r in night.results if r.check == "error_attribution")
    assert page.count('class="drift"') == sum(1 for r in night.results if r.check == "feature_drift")
    assert 'id="attribution"' in page and "mean_abs_shap" in page


@pytest.mark.parametrize("fmt", list(Format))
def test_every_format_renders_an_empty_run(fmt):
    run = make_run("empty", 0, [])
    assert render(run, fmt).strip()


def test_json_and_html_carry_each_checks_trend_verdict(night):
    doc = json.loads(render_json(night))
    verdicts = {r["trend"]["verdict"] for r in doc["results"] if "trend" in r}
    assert {"normal", "no_value"} <= verdicts
    normal = next(r for r in doc["results"] if r.get("trend", {}).get("verdict") == "normal")
    assert normal["trend"]["history_n"] == 28  # the window, not all 90 nights
    assert "trend: robust z" in render_html(night)

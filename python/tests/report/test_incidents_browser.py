"""The dashboard as a tool, in headless chromium: incidents first, filters, collapsed passing checks."""

from __future__ import annotations

from pathlib import Path

import pytest
from qc_report_support import big_night
from test_incidents import PRICE_CHAIN, lineage, night, rec
from test_browser import CHROMIUM, FLAGS, open_page

from strataqc import incidents
from strataqc.lineage import Lineage
from strataqc.report.html import render_html

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="needs Debian chromium: run scripts/install-chromium.sh"),
]


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield b
        b.close()


def test_incidents_open_the_page_with_their_lineage_drawn(browser, tmp_path):
    run = night(0, PRICE_CHAIN + [rec("value_range", "dwd_sales", "units", "warn")])
    incidents.attach(run, lineage())
    html = tmp_path / "incidents.html"
    html.write_text(render_html(run))
    page, errors, requests = open_page(browser, html)
    assert errors == [] and requests == []
    first = page.locator("#incidents .incident").first
    assert "root: dwd_sales.unit_price value_range; 2 symptoms in dws, ads" in first.inner_text()
    boxes = {n: first.locator("svg.incident-path g.node", has_text=n).bounding_box()
             for n in ("dwd_sales", "dws_sales_daily", "ads_demand_features")}
    # left to right by layer
    assert boxes["dwd_sales"]["x"] < boxes["dws_sales_daily"]["x"] < boxes["ads_demand_features"]["x"]
    top = page.locator("main > section").first.get_attribute("id")
    assert top == "incidents"


def test_filters_search_and_collapsed_passing_checks(browser, tmp_path):
    run, wh = big_night(checks=500, nights=90, tmp_path=tmp_path)
    wh.close()
    incidents.attach(run, Lineage())  # models without lineage: every failure is its own incident
    html = tmp_path / "big.html"
    html.write_text(render_html(run))
    assert len(html.read_bytes()) < 3_000_000
    page, errors, requests = open_page(browser, html)
    assert errors == [] and requests == []
    rows = "#check-table tr[data-status]"
    bad = [r for r in run.results if str(r.status) != "pass"]
    # passing checks are collapsed until asked for
    assert page.locator(f"{rows}:visible").count() == len(bad)
    page.uncheck("#only-bad")
    assert page.locator(f"{rows}:visible").count() == len(run.results)
    page.select_option("#filter-layer", "dwd")
    assert page.locator(f"{rows}:visible").count() == sum(r.layer == "dwd" for r in run.results)
    page.select_option("#filter-status", "fail")
    want = [r for r in run.results if r.layer == "dwd" and str(r.status) == "fail"]
    assert page.locator(f"{rows}:visible").count() == len(want) > 0
    assert page.locator("#problems .problem:visible").count() == len(want)
    page.select_option("#filter-model", want[0].model)
    assert page.locator(f"{rows}:visible").count() == sum(r.model == want[0].model for r in want)
    page.select_option("#filter-model", "")
    page.select_option("#filter-status", "")
    page.select_option("#filter-layer", "")
    page.select_option("#filter-type", "drift")
    assert page.locator(f"{rows}:visible").count() == sum(str(r.check_type) == "drift" for r in run.results)
    page.select_option("#filter-type", "")
    page.fill("#filter", "COL_499 ")  # case and blanks do not matter
    assert page.locator(f"{rows}:visible").count() == sum(r.column == "col_499" for r in run.results) == 1
    # history charts are drawn for checks that have history
    assert page.locator(f"{rows}:visible svg.spark").count() >= 1
    assert errors == []

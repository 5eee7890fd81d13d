"""The HTML dashboard in a real headless chromium (Debian's, driven by Playwright)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from qc_report_support import big_night, fixture_project, run_args
from typer.testing import CliRunner

from strataqc.cli import app
from strataqc.report.html import render_html

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"
DOCS_SCREENSHOT = Path(__file__).resolve().parents[3] / "docs" / "dashboard.png"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run"]

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


def open_page(browser, path: Path):
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    errors, requests = [], []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("request", lambda r: requests.append(r.url) if not r.url.startswith(("file:", "data:")) else None)
    page.goto(path.as_uri())
    page.wait_for_load_state("load")
    return page, errors, requests


def test_dashboard_of_a_real_dbt_night_shows_failures_and_escapes_data(browser, tmp_path):
    project = fixture_project(tmp_path)
    html = tmp_path / "dashboard.html"
    result = CliRunner().invoke(app, run_args(project, "--html", str(html), "--fail-on", "never", "-o",
                                              str(tmp_path / "r.json"), "-f", "json"))
    assert result.exit_code == 0, result.stderr
    page, errors, requests = open_page(browser, html)
    assert errors == [] and requests == []
    problems = page.locator("#problems .problem")
    assert problems.count() == 6
    text = page.locator("#problems").inner_text()
    assert "unique_key on dwd_sales" in text and "Binder Error" in text
    # the category value from the data is shown as text, not run as a script
    assert page.locator("#problems td", has_text="<script>alert(1)</script>").count() == 1
    assert page.evaluate("typeof window.alert_called") == "undefined"
    assert page.locator("script").count() == 1
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "dashboard-fixture.png"), full_page=True)


def test_dashboard_with_history_renders_plots_and_filters(browser, tmp_path):
    run, wh = big_night(checks=500, nights=90, tmp_path=tmp_path)
    wh.close()
    html = tmp_path / "big.html"
    html.write_text(render_html(run))
    page, errors, requests = open_page(browser, html)
    assert errors == [] and requests == []
    for selector in ("svg.runs", "svg.spark", "svg.strip", "svg.drift", "svg.layerbar"):
        box = page.locator(selector).first.bounding_box()
        assert box and box["width"] > 0 and box["height"] > 0, selector
    assert page.locator("svg.drift rect").count() > 0
    assert page.locator("#attribution table").count() == 5
    assert "<script>alert('x')</script>" in page.locator("#problems").inner_text()
    page.check("#only-bad")
    visible = page.locator("#check-table tr[data-status]:visible").count()
    assert visible == sum(1 for r in run.results if str(r.status) != "pass")
    load_ms = page.evaluate("performance.getEntriesByType('navigation')[0].loadEventEnd")
    print(f"500 checks x 90 nights: {len(html.read_bytes()) / 1e6:.2f} MB, loaded in {load_ms:.0f} ms")
    ARTIFACTS.mkdir(exist_ok=True)
    page.uncheck("#only-bad")
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=str(ARTIFACTS / "dashboard-500x90.png"))
    if os.environ.get("STRATAQC_UPDATE_SCREENSHOT"):
        DOCS_SCREENSHOT.parent.mkdir(exist_ok=True)
        page.screenshot(path=str(DOCS_SCREENSHOT))

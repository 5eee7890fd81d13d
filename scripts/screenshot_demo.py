"""Screenshot of the demo night's dashboard for the README: run `make demo` first.

    .venv/bin/python scripts/screenshot_demo.py [reports/strataqc.html] [docs/demo-night.png]

Debian's chromium, driven by Playwright (as python/tests/test_report_browser.py does): the
page is self-contained, so nothing is fetched.
"""

from __future__ import annotations

import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

REPO = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run"]


def main(html: Path, png: Path) -> None:
    if not html.exists():
        sys.exit(f"{html} not found: run `make demo` first")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1100})
        page.goto(html.resolve().as_uri())
        page.screenshot(path=str(png))
        browser.close()
    print(f"wrote {png}")


if __name__ == "__main__":
    args = sys.argv[1:]
    main(Path(args[0]) if args else REPO / "reports" / "strataqc.html",
         Path(args[1]) if len(args) > 1 else REPO / "docs" / "demo-night.png")

"""The README is the entry page: short enough to read on arrival; the reference lives in docs/."""

from __future__ import annotations

import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[3]
README = REPO / "README.md"


def test_readme_is_at_most_250_lines():
    assert len(README.read_text(encoding="utf-8").splitlines()) <= 250


def test_the_two_commands_are_on_the_first_screen():
    first_screen = "\n".join(README.read_text(encoding="utf-8").splitlines()[:40])
    assert "make demo" in first_screen and "make test" in first_screen


def test_every_local_link_and_image_exists():
    pages = [README, REPO / "bench" / "README.md", *sorted((REPO / "docs").glob("*.md"))]
    missing = []
    for page in pages:
        for target in re.findall(r"\]\(([^)#\s]+)(?:#[^)]*)?\)", page.read_text(encoding="utf-8")):
            if not target.startswith(("http://", "https://", "mailto:")) and not (page.parent / target).exists():
                missing.append(f"{page.relative_to(REPO)} -> {target}")
    assert missing == []


def test_the_reference_pages_are_linked_from_the_readme():
    text = README.read_text(encoding="utf-8")
    for page in ("docs/sql-tests.md", "docs/python-checks.md", "docs/model-quality.md", "docs/qc-report.md",
                 "docs/engines.md", "docs/reliability.md", "bench/README.md", "docs/demo-night.png"):
        assert f"]({page})" in text, page

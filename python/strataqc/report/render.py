"""One entry point for every output format."""

from __future__ import annotations

import enum
from typing import Any, Callable

from strataqc.run import QCRun


class Format(str, enum.Enum):
    table = "table"
    json = "json"
    junit = "junit"
    markdown = "markdown"
    html = "html"


def _renderer(fmt: Format) -> Callable[..., str]:
    # imported on use: the HTML renderer pulls jinja2 and the SVG plots
    if fmt is Format.table:
        from strataqc.report.terminal import render_table
        return render_table
    if fmt is Format.json:
        from strataqc.report.jsonout import render_json
        return render_json
    if fmt is Format.junit:
        from strataqc.report.junit import render_junit
        return render_junit
    if fmt is Format.markdown:
        from strataqc.report.markdown import render_markdown
        return render_markdown
    from strataqc.report.html import render_html
    return render_html


def render(run: QCRun, fmt: Format | str, **options: Any) -> str:
    return _renderer(Format(fmt))(run, **options)

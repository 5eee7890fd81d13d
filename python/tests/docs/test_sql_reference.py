"""docs/sql-tests.md carries the reference generated from the tests' YAML docs: the page and
the YAML must agree, or the reader is told about arguments a test no longer has."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[3]


@pytest.fixture(scope="module")
def gen():
    spec = importlib.util.spec_from_file_location("gen_sql_reference", REPO / "scripts" / "gen_sql_reference.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_page_holds_what_the_yaml_says(gen):
    page = gen.PAGE.read_text(encoding="utf-8")
    assert page == gen.updated(page, gen.render()), "docs/sql-tests.md is out of date: run `make docs`"


def test_every_test_and_argument_is_in_the_reference(gen):
    reference = gen.render()
    names = sorted(p.stem for p in gen.TESTS.glob("*.sql"))
    assert len(names) >= 17
    for name in names:
        assert f"\n### {name}\n" in reference and f"[`{name}`](#{name})" in reference, name
        for argument in gen.signature_defaults(name):
            if argument not in gen.PASSED_BY_DBT:
                assert f"| `{argument}` |" in reference.split(f"\n### {name}\n")[1].split("\n### ")[0], (name, argument)


def test_a_changed_yaml_doc_makes_the_check_fail(gen, tmp_path):
    """The check compares, it does not just render: a doc edited without `make docs` is caught."""
    for path in gen.TESTS.iterdir():
        (tmp_path / path.name).write_bytes(path.read_bytes())
    doc = tmp_path / "unique_key.yml"
    doc.write_text(doc.read_text(encoding="utf-8").replace("Columns that together name a row",
                                                           "Columns naming a row"), encoding="utf-8")
    page = gen.PAGE.read_text(encoding="utf-8")
    assert gen.updated(page, gen.render(tmp_path)) != page


def test_defaults_come_from_the_signature(gen):
    assert gen.signature_defaults("date_continuity")["interval"] == "day"
    reference = gen.render()
    section = reference.split("\n### volume_anomaly\n")[1].split("\n### ")[0]
    assert "| `lookback` | integer | `28` |" in section
    assert "| `date_column` | string | required |" in section

"""strataqc/dbt_templates.py: dbt's macros compiled once, kept between processes, never served stale."""

from __future__ import annotations

import pytest

from strataqc import dbt_templates

dbt_jinja = pytest.importorskip("dbt_common.clients.jinja")


@pytest.fixture
def parses(monkeypatch):
    """Install-ready: Jinja's compile is restored after the test; returns the list of sources Jinja parsed."""
    env_class = dbt_jinja.MacroFuzzEnvironment
    monkeypatch.setattr(env_class, "compile", env_class.compile)
    monkeypatch.setattr(dbt_templates, "_installed", [])
    seen: list[str] = []
    parse = env_class._parse

    def counted(self, source, name, filename):
        seen.append(source)
        return parse(self, source, name, filename)
    monkeypatch.setattr(env_class, "_parse", counted)
    return seen


def render(source: str, native: bool = False, **ctx):
    return dbt_jinja.get_template(source, {}, native=native).render(ctx)


def test_a_template_compiled_once_is_read_back_by_another_environment(tmp_path, parses):
    assert dbt_templates.install(tmp_path)
    source = "{% set n = 2 %}{{ n * x }}"
    assert render(source, x=3) == "6"
    assert parses == [source] and len(list((tmp_path / dbt_templates.CACHE_DIR).iterdir())) == 1
    assert render(source, x=4) == "8"          # a new environment: the code came from the cache
    assert parses == [source]


def test_the_cache_outlives_the_process_that_wrote_it(tmp_path, parses, monkeypatch):
    source = "{{ 'kept' ~ x }}"
    assert dbt_templates.install(tmp_path)
    render(source, x=1)
    # another process: compile as dbt ships it, through a cache installed again on the same directory
    monkeypatch.setattr(dbt_jinja.MacroFuzzEnvironment, "compile", dbt_jinja.jinja2.Environment.compile)
    monkeypatch.setattr(dbt_templates, "_installed", [])
    assert dbt_templates.install(tmp_path)
    parses.clear()
    assert render(source, x=2) == "kept2" and parses == []


def test_a_changed_macro_is_compiled_again_not_served_stale(tmp_path, parses):
    assert dbt_templates.install(tmp_path)
    assert render("{{ x + 1 }}", x=1) == "2"
    assert render("{{ x + 2 }}", x=1) == "3"
    assert parses == ["{{ x + 1 }}", "{{ x + 2 }}"]


def test_native_and_text_environments_keep_code_of_their_own(tmp_path, parses):
    assert dbt_templates.install(tmp_path)
    source = "{{ x + 1 }}"
    assert render(source, x=1) == "2"
    assert render(source, native=True, x=1) == 2       # dbt's native environment: a number, not text
    assert len(parses) == 2 and len(list((tmp_path / dbt_templates.CACHE_DIR).iterdir())) == 2
    assert render(source, native=True, x=2) == 3 and render(source, x=2) == "3"
    assert len(parses) == 2


def test_a_damaged_cache_file_is_compiled_again(tmp_path, parses):
    assert dbt_templates.install(tmp_path)
    source = "{{ x }}!"
    render(source, x="a")
    kept, = (tmp_path / dbt_templates.CACHE_DIR).iterdir()
    kept.write_bytes(b"not jinja bytecode")
    assert render(source, x="b") == "b!"
    assert len(parses) == 2


def test_macro_debugging_compiles_as_dbt_does(tmp_path, parses, monkeypatch):
    # dbt then names each template's code after a file of its own: nothing is kept
    monkeypatch.setattr(dbt_jinja, "MACRO_DEBUGGING", True)
    assert dbt_templates.install(tmp_path)
    assert render("{{ 7 }}") == "7"
    assert list((tmp_path / dbt_templates.CACHE_DIR).iterdir()) == []


def test_a_process_compiles_through_one_cache(tmp_path, parses):
    assert dbt_templates.install(tmp_path / "first") and dbt_templates.install(tmp_path / "second")
    render("{{ 'once' }}")
    assert len(list((tmp_path / "first" / dbt_templates.CACHE_DIR).iterdir())) == 1
    assert not (tmp_path / "second").exists()


def test_no_cache_where_the_directory_cannot_be_made(tmp_path, parses):
    blocker = tmp_path / "file"
    blocker.write_text("")
    assert not dbt_templates.install(blocker)
    assert render("{{ 5 }}") == "5"


def test_prune_removes_unused_templates_only_once_they_are_many(tmp_path):
    names = [dbt_templates.PATTERN % f"k{i}" for i in range(dbt_templates.KEEP_UNUSED + 2)]
    for name in names:
        (tmp_path / name).write_bytes(b"")
    used = {names[0]}
    dbt_templates.prune(tmp_path, used | set(names[1:2]))     # KEEP_UNUSED unused: kept
    assert len(list(tmp_path.iterdir())) == len(names)
    dbt_templates.prune(tmp_path, used)                       # one more unused: the unused go
    assert [p.name for p in tmp_path.iterdir()] == [names[0]]

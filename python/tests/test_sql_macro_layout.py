"""The macro folders keep one file per dispatched primitive (STYLE: elementary's safe_cast.sql).

An engine's quirk is fixed in the one file that holds the primitive's dispatch line and its
`default__`; a second file defining the same name would make dbt pick one of them silently.
"""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path

import pytest

MACROS = Path(__file__).resolve().parents[2] / "macros"
ENGINES = ("default", "duckdb", "postgres", "spark")
DEFINITION = re.compile(r"{%-?\s*(macro|test)\s+(\w+)\s*\(")
DISPATCH = re.compile(r"adapter\.dispatch\(\s*'(\w+)'\s*,\s*'strataqc'\s*\)")
# where each kind of macro lives
FOLDERS = {
    "generic_tests": "one generic test per file: the {% test %} block, its default__ and engine versions",
    "utils": "one dispatched SQL primitive per file, named for it",
    "internal": "helpers shared by the tests, not dispatched",
    "demo": "the demo warehouse's macros, including its override of generate_schema_name",
    "dbt_spark": "shadows of dbt-spark's own macros (Spark seeds, delete+insert incremental)",
    "dbt_core": "shadows of dbt-core's own macros (get_where_subquery: tests scoped to what the run wrote)",
    "wap": "write-audit-publish: the strataqc_wap incremental strategy, its audits and quarantine",
}


def _definitions() -> dict[str, list[Path]]:
    found: dict[str, list[Path]] = defaultdict(list)
    for path in sorted(MACROS.rglob("*.sql")):
        for kind, name in DEFINITION.findall(path.read_text(encoding="utf-8")):
            found[f"test_{name}" if kind == "test" else name].append(path)
    return found


DEFINED = _definitions()
DISPATCHED = {name: path for path in sorted(MACROS.rglob("*.sql"))
              for name in DISPATCH.findall(path.read_text(encoding="utf-8"))}


def _primitive(name: str) -> str | None:
    """`postgres__try_cast` -> `try_cast` when try_cast is dispatched by StrataQC."""
    engine, sep, base = name.partition("__")
    return base if sep and engine in ENGINES and base in DISPATCHED else None


def test_macros_live_in_the_known_folders():
    folders = {p.relative_to(MACROS).parts[0] for p in MACROS.rglob("*.sql")}
    assert folders <= set(FOLDERS), folders - set(FOLDERS)
    assert not [p for p in MACROS.glob("*.sql")], "a macro file at the top of macros/"


def test_no_macro_name_is_defined_twice():
    twice = {name: [str(p.relative_to(MACROS)) for p in paths] for name, paths in DEFINED.items() if len(paths) > 1}
    assert twice == {}


def test_every_dispatched_primitive_is_whole_in_one_file():
    assert len(DISPATCHED) >= 20  # the guard below must have something to guard
    split = {}
    for name, paths in DEFINED.items():
        base = _primitive(name) or (name if name in DISPATCHED else None)
        if base and paths[0] != DISPATCHED[base]:
            split[name] = (str(paths[0].relative_to(MACROS)), str(DISPATCHED[base].relative_to(MACROS)))
    assert split == {}, "engine versions must sit beside the dispatch line: " + repr(split)


@pytest.mark.parametrize("name", sorted(n for n, p in DISPATCHED.items() if p.parent.name == "utils"))
def test_a_primitive_file_is_named_for_its_primitive(name):
    path = DISPATCHED[name]
    assert path.stem == name
    others = {n for n, paths in DEFINED.items() if path in paths} - {name}
    # an engine's private helper of the primitive (postgres__ensure_try_cast) stays beside it
    assert all(_primitive(n) == name or n.endswith(name) for n in others), others


def test_a_generic_test_file_holds_one_test():
    for path in sorted((MACROS / "generic_tests").glob("*.sql")):
        tests = [n for kind, n in DEFINITION.findall(path.read_text(encoding="utf-8")) if kind == "test"]
        assert tests == [path.stem], path.name
        assert DISPATCHED.get(f"test_{path.stem}") == path


def test_engine_versions_of_dbt_macros_are_in_their_own_folder():
    """An engine version of a macro StrataQC does not dispatch shadows a dbt adapter's own."""
    shadows = {name: paths[0].parent.name for name, paths in DEFINED.items()
               if "__" in name and name.split("__")[0] in ENGINES and not _primitive(name)
               and paths[0].parent.name != "utils"}
    assert shadows and set(shadows.values()) == {"dbt_spark", "dbt_core"}, shadows
    demo = {name: paths[0].parent.name for name, paths in DEFINED.items() if name.startswith("demo_")}
    assert set(demo.values()) == {"demo"}, demo


def test_nothing_to_check_is_written_once():
    """The "nothing to check" wording comes from one macro; the tests only say what is missing."""
    written = [str(p.relative_to(MACROS)) for p in MACROS.rglob("*.sql")
               if "nothing to check" in p.read_text(encoding="utf-8")]
    assert written == ["internal/messages.sql"]
    users = [p.stem for p in (MACROS / "generic_tests").glob("*.sql")
             if "strataqc.nothing_to_check(" in p.read_text(encoding="utf-8")]
    assert len(users) >= 11, users

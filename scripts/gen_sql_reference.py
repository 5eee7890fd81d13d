"""Write the SQL test reference of docs/sql-tests.md from the tests' YAML docs.

Each generic test documents itself in macros/generic_tests/<name>.yml (what dbt shows in
its docs site too); the reference is rendered from those files and their `{% test %}`
signatures (for the defaults), so the page cannot drift from the macros. Only the part
between the two markers is rewritten; the prose around it is written by hand.

    python scripts/gen_sql_reference.py           # rewrite docs/sql-tests.md
    python scripts/gen_sql_reference.py --check   # exit 1 when the page is out of date
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]
TESTS = REPO / "macros" / "generic_tests"
PAGE = REPO / "docs" / "sql-tests.md"
BEGIN = "<!-- generated from macros/generic_tests/*.yml by scripts/gen_sql_reference.py: edit those, then `make docs` -->"
END = "<!-- end of generated reference -->"
# dbt passes these two itself: they are not written in a model's YAML
PASSED_BY_DBT = {"model", "column_name"}


def signature_defaults(name: str) -> dict[str, str | None]:
    """Argument -> default as written in the `{% test %}` line (None when it has none)."""
    sql = (TESTS / f"{name}.sql").read_text(encoding="utf-8")
    args = re.search(r"{%-?\s*test\s+" + name + r"\((.*?)\)\s*-?%}", sql, re.S).group(1)
    out: dict[str, str | None] = {}
    for arg in args.split(","):
        key, _, default = arg.partition("=")
        out[key.strip()] = default.strip().strip("'\"") if default else None
    return out


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def _level_and_fails(description: str) -> tuple[str, str]:
    found = re.search(r"\*\*Level:\*\*\s*(\w+)\.\s*\*\*Fails on:\*\*\s*(.+?)(?:\n\n|$)", description, re.S)
    if not found:
        raise ValueError("the description must say `**Level:** model|column. **Fails on:** ...`")
    return found.group(1), found.group(2)


def render(tests_dir: Path = TESTS) -> str:
    docs = []
    for path in sorted(tests_dir.glob("*.yml")):
        (entry,) = yaml.safe_load(path.read_text(encoding="utf-8"))["macros"]
        name = entry["name"].removeprefix("test_")
        docs.append((name, entry, signature_defaults(name)))

    lines = [BEGIN, "", "| test | level | fails on |", "|---|---|---|"]
    for name, entry, _ in docs:
        level, fails = _level_and_fails(entry["description"])
        lines.append(f"| [`{name}`](#{name}) | {level} | {_cell(fails)} |")
    for name, entry, defaults in docs:
        lines += ["", f"### {name}", "", entry["description"].strip(), "",
                  "| argument | type | default | meaning |", "|---|---|---|---|"]
        for arg in entry["arguments"]:
            if arg["name"] in PASSED_BY_DBT:
                continue
            default = defaults.get(arg["name"])
            # an argument without a default in the signature is required unless its type is optional[...]
            if default in (None, "none"):
                shown = "none" if arg["type"].startswith("optional[") else "required"
            else:
                shown = f"`{default}`"
            lines.append(f"| `{arg['name']}` | {arg['type']} | {shown} | {_cell(arg['description'])} |")
    lines += ["", END]
    return "\n".join(lines) + "\n"


def updated(page_text: str, reference: str) -> str:
    """The page with its generated part replaced."""
    start, end = page_text.find(BEGIN), page_text.find(END)
    if start < 0 or end < start:
        raise ValueError(f"{PAGE.name}: the markers of the generated reference are missing")
    return page_text[:start] + reference + page_text[end + len(END) + 1:]


def main(argv: list[str]) -> int:
    current = PAGE.read_text(encoding="utf-8")
    wanted = updated(current, render())
    if "--check" in argv:
        if current != wanted:
            print(f"{PAGE.relative_to(REPO)} is out of date: run `make docs`", file=sys.stderr)
            return 1
        return 0
    PAGE.write_text(wanted, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

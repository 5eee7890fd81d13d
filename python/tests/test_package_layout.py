"""The package's shape: floors without import cycles, small modules, a thin command line.

The import graph is read with ast (no module is imported), lazy imports inside
functions included: a cycle there is still two modules that need each other.
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "strataqc"
MAX_MODULE_LINES = 450
MAX_CLI_MODULE_LINES = 120
MAX_CLI_LINES = 250  # the whole command line: it parses and delegates


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules() -> dict[str, Path]:
    return {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def imports_of(name: str, path: Path, known: set[str]) -> set[str]:
    """The package's modules that `name` imports; `from pkg import sub` counts sub, not pkg."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(anchor + ([base] if base else []))
            targets = [f"{base}.{alias.name}" if f"{base}.{alias.name}" in known else base for alias in node.names]
        else:
            continue
        for target in targets:
            while target and target not in known:  # `import strataqc.a.b` of a non-module falls back
                target = target.rpartition(".")[0]
            if target and target != name:
                found.add(target)
    return found


def graph(collapse: tuple[str, ...] = ()) -> dict[str, set[str]]:
    """Module -> modules it imports; each package in `collapse` is one node."""
    found = modules()
    known = set(found)

    def node(name: str) -> str:
        return next((c for c in collapse if name == c or name.startswith(c + ".")), name)

    edges: dict[str, set[str]] = {}
    for name, path in found.items():
        edges.setdefault(node(name), set()).update(node(t) for t in imports_of(name, path, known))
    return {n: {t for t in targets if t != n} for n, targets in edges.items()}


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    out: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(edges.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                out.append(sorted(component))

    for v in sorted(edges):
        if v not in index:
            visit(v)
    return out


def lines(path: Path) -> int:
    return len(path.read_text().splitlines())


def test_the_cycle_finder_finds_a_cycle_and_reads_relative_imports(tmp_path):
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []
    init = tmp_path / "__init__.py"
    init.write_text("from . import b\nfrom .c import x\nimport os\n")
    assert imports_of("strataqc.p", init, {"strataqc.p", "strataqc.p.b", "strataqc.p.c"}) == {
        "strataqc.p.b", "strataqc.p.c"}


def test_no_import_cycle_outside_checks():
    assert cycles(graph(collapse=("strataqc.checks",))) == []


def test_no_import_cycle_in_the_package():
    assert cycles(graph()) == []


def test_the_floors_from_the_ground_up():
    """results, layers, json_safe, redact and run import nothing above them; report/, history and the
    incidents do not reach up to the night or the command line."""
    edges = graph(collapse=("strataqc.checks", "strataqc.model", "strataqc.report", "strataqc.landing",
                            "strataqc.cli"))
    ground = {"strataqc.results", "strataqc.layers", "strataqc.json_safe", "strataqc.redact", "strataqc.run",
              "strataqc.extras", "strataqc.logs", "strataqc.exits", "strataqc.options"}
    for name in ground:
        assert edges[name] <= ground, (name, edges[name] - ground)
    top = {"strataqc.night", "strataqc.cli"}
    for name in ("strataqc.report", "strataqc.history", "strataqc.alerts", "strataqc.artifacts",
                 "strataqc.incidents", "strataqc.lineage",
                 "strataqc.warehouse", "strataqc.logs", "strataqc.checks", "strataqc.model"):
        assert not edges[name] & top, (name, edges[name] & top)
    assert "strataqc.cli" not in edges["strataqc.night"]  # the pipeline runs without its command line


def test_no_module_over_450_lines_outside_checks():
    long = {name: lines(path) for name, path in modules().items()
            if lines(path) > MAX_MODULE_LINES and not name.startswith("strataqc.checks")}
    assert long == {}


def test_no_module_over_450_lines():
    assert {name: lines(path) for name, path in modules().items() if lines(path) > MAX_MODULE_LINES} == {}


def test_the_command_line_is_thin():
    cli = sorted((PACKAGE / "cli").glob("*.py"))
    assert cli, "the command line lives in strataqc/cli/"
    sizes = {path.name: lines(path) for path in cli}
    assert max(sizes.values()) <= MAX_CLI_MODULE_LINES, sizes
    assert sum(sizes.values()) <= MAX_CLI_LINES, sizes
    assert not (PACKAGE / "cli.py").exists()


def test_the_command_line_only_parses_and_delegates():
    """No command body in cli/: errors are handled (and worded) in the module a command belongs to."""
    handled = {path.name: [node.lineno for node in ast.walk(ast.parse(path.read_text())) if isinstance(node, ast.Try)]
               for path in sorted((PACKAGE / "cli").glob("*.py"))}
    assert {name: at for name, at in handled.items() if at} == {}

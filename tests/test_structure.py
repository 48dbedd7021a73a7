"""The shape of the code: no import cycles, and the services' packages keep to what their
docstrings say they may import. Read from the source, so an import hidden inside a function
counts as much as one at the top of a file."""

import ast
from collections import defaultdict
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("app", "channels", "classifiers")
# What each services package must never import, as its docstring says.
FORBIDDEN = {
    "intake": set(),
    "classification": {"intake", "outbound"},
    "safeguarding": {"intake", "classification"},
    "complaints": {"intake", "safeguarding", "reports"},
    "outbound": {
        "intake",
        "classification",
        "safeguarding",
        "complaints",
        "reports",
        "staff",
        "feedback_list",
        "redaction",
    },
    "reports": {"intake", "safeguarding", "outbound"},
    "staff": {"intake", "classification", "safeguarding", "complaints", "reports"},
    "privacy": {"intake", "classification", "safeguarding", "complaints", "outbound", "reports"},
    "common": {
        "intake",
        "classification",
        "safeguarding",
        "complaints",
        "outbound",
        "reports",
        "staff",
    },
}


def _modules(root: Path = ROOT) -> dict[str, Path]:
    found = {}
    for package in PACKAGES:
        for path in (root / package).rglob("*.py"):
            if "node_modules" in path.parts:
                continue
            name = ".".join(path.relative_to(root).with_suffix("").parts)
            found[name.removesuffix(".__init__")] = path
    return found


def _imports(path: Path, modules: dict[str, Path]) -> set[str]:
    """Every module of ours this file imports, anywhere in it."""
    imported: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [f"{node.module}.{alias.name}" for alias in node.names] + [node.module]
        else:
            continue
        for name in names:
            while name and name not in modules:
                name = name.rpartition(".")[0]
            if name:
                imported.add(name)
    return imported


def _graph(modules: dict[str, Path]) -> dict[str, set[str]]:
    graph: dict[str, set[str]] = defaultdict(set)
    for name, path in modules.items():
        for target in _imports(path, modules):
            # A module importing its own package's __init__ (or itself) is not a cycle.
            if target != name and not name.startswith(f"{target}."):
                graph[name].add(target)
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected groups of more than one module (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph.get(node, ())):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_no_module_imports_itself_round_a_loop():
    assert cycles(_graph(_modules())) == []


def test_the_cycle_check_finds_a_loop_hidden_inside_a_function(tmp_path):
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "a.py").write_text("from app import b\n")
    (tmp_path / "app" / "b.py").write_text("def later():\n    from app.a import x\n")
    modules = {"app.a": tmp_path / "app" / "a.py", "app.b": tmp_path / "app" / "b.py"}
    assert cycles(_graph(modules)) == [["app.a", "app.b"]]


def _service_package(module: str) -> str | None:
    parts = module.split(".")
    return parts[2] if len(parts) > 2 and parts[:2] == ["app", "services"] else None


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_each_services_package_keeps_to_its_imports(package):
    modules = _modules()
    graph = _graph(modules)
    broken = sorted(
        f"{name} imports {target}"
        for name in modules
        if _service_package(name) == package
        for target in graph.get(name, ())
        if _service_package(target) in FORBIDDEN[package] or target.startswith("app.web")
    )
    assert broken == []


def test_every_services_package_says_what_lives_there():
    for init in (ROOT / "app" / "services").glob("*/__init__.py"):
        docstring = ast.get_docstring(ast.parse(init.read_text())) or ""
        assert "May import" in docstring, init

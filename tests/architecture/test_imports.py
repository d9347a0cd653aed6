"""The layering, read from the source with ast (nothing is imported): no import circle among the modules of
engine/, cli/ and gui/ (imports inside functions count; `if TYPE_CHECKING:` ones do not), engine/ imports
neither front end, and cli/ reaches gui/ only lazily (no arguments opens the window) and never Qt."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("engine", "cli", "gui")


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _modules() -> dict[str, Path]:
    found = {_module_name(p): p for pkg in PACKAGES for p in (ROOT / pkg).rglob("*.py")}
    assert {"engine.contract", "engine.transports", "cli.main", "gui.app"} <= set(found)
    return found


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or \
        (isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


class _Imports(ast.NodeVisitor):
    """(imported module, at module level?) for every import outside `if TYPE_CHECKING:` blocks; a `from`
    import gives (module, module.name) for _graph to resolve."""

    def __init__(self, module: str, is_package: bool) -> None:
        self.package = module if is_package else module.rpartition(".")[0]
        self.found: list[tuple[str, bool]] = []
        self._depth = 0

    def visit_If(self, node: ast.If) -> None:
        if _is_type_checking(node.test):
            for child in node.orelse:
                self.visit(child)
            return
        self.generic_visit(node)

    def _scoped(self, node) -> None:
        self._depth += 1
        self.generic_visit(node)
        self._depth -= 1

    visit_FunctionDef = visit_AsyncFunctionDef = visit_Lambda = _scoped

    def visit_Import(self, node: ast.Import) -> None:
        self.found += [(alias.name, self._depth == 0) for alias in node.names]

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        if node.level:
            base = self.package.split(".")
            base = base[:len(base) - node.level + 1]
            prefix = ".".join(base + ([node.module] if node.module else []))
        else:
            prefix = node.module or ""
        # `from pkg import sub` imports the submodule; `from mod import name` the module. Parent packages run
        # first either way, but they are not what the importer depends on, so they make no edge.
        self.found += [((prefix, f"{prefix}.{alias.name}"), self._depth == 0) for alias in node.names]


def _graph() -> dict[str, dict[str, bool]]:
    """module -> {project module it imports: whether at module level}."""
    modules = _modules()
    graph: dict[str, dict[str, bool]] = {}
    for name, path in modules.items():
        visitor = _Imports(name, path.name == "__init__.py")
        visitor.visit(ast.parse(path.read_text(), str(path)))
        edges: dict[str, bool] = {}
        for found, top in visitor.found:
            if isinstance(found, tuple):  # (module, module.name): the submodule when there is one
                found = found[1] if found[1] in modules else found[0]
            if found in modules and found != name:
                edges[found] = edges.get(found, False) or top
        graph[name] = edges
    return graph


def _cycles(graph: dict[str, dict[str, bool]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    out: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in graph[v]:
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

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return out


def test_no_import_circles():
    assert _cycles(_graph()) == []


def test_the_cycle_finder_sees_a_circle():
    graph = {"a": {"b": False}, "b": {"c": True}, "c": {"a": True}, "d": {"a": True}}
    assert _cycles(graph) == [["a", "b", "c"]]


def test_engine_imports_no_front_end():
    bad = {(m, t) for m, edges in _graph().items() if m.startswith("engine") for t in edges
           if t.split(".")[0] in ("cli", "gui")}
    assert bad == set()


def test_cli_reaches_the_gui_only_lazily():
    lazy = set()
    for module, edges in _graph().items():
        if module.split(".")[0] != "cli":
            continue
        for target, top in edges.items():
            if target.split(".")[0] == "gui":
                assert not top, f"{module} imports {target} at module level"
                lazy.add(module)
    assert lazy == {"cli.main"}  # the window opens from there when no verb is given


def test_the_import_reader_skips_type_checking_and_resolves_relative_imports():
    tree = ast.parse("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import engine.store\n"
                     "from . import base\n\ndef f():\n    from engine import copy\n")
    visitor = _Imports("engine.transports", is_package=True)
    visitor.visit(tree)
    assert ("engine.store", True) not in visitor.found
    assert (("engine.transports", "engine.transports.base"), True) in visitor.found
    assert (("engine", "engine.copy"), False) in visitor.found

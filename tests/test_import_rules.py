"""The house reads from the ground up: import rules, checked on the source.

1. ``core`` is the ground floor: it imports nothing of the features.
2. No module imports itself through others: no import cycle, counting imports made inside
   functions (which hide a cycle from Python but not from a reader).
3. The records do not reach up to the scheduler: it only decides when jobs run.

Imports under ``if TYPE_CHECKING:`` are for type hints only and are not counted.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "homecare"
#: Packages that hold care records and their services.
RECORDS = ("service_users", "goals", "decisions", "what_matters", "visits", "prompts")


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def _imports(tree: ast.AST, module: str, is_package: bool) -> set[str]:
    """Every homecare module ``tree`` imports (at any depth, outside TYPE_CHECKING)."""
    found: set[str] = set()

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and _is_type_checking(node):
            for child in node.orelse:
                visit(child)
            return
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = module.split(".")[: len(module.split(".")) - node.level + is_package]
                base = ".".join([*anchor, base] if base else anchor)
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(tree)
    return {name for name in found if name == "homecare" or name.startswith("homecare.")}


def _graph() -> dict[str, set[str]]:
    modules = {_module_name(p): p for p in PACKAGE.rglob("*.py")}
    graph = {}
    for name, path in modules.items():
        imported = _imports(ast.parse(path.read_text()), name, path.name == "__init__.py")
        graph[name] = {m for m in imported if m in modules and m != name}
    return graph


GRAPH = _graph()


def _package(module: str) -> str:
    """``visits`` for ``homecare.visits.services``."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


def test_the_graph_is_read_from_the_source():
    # Guards the checker itself: these imports exist and must be seen.
    assert "homecare.core.timeutil" in GRAPH["homecare.visits.services"]
    assert "homecare.policy.access" in GRAPH["homecare.policy.lookup"]
    assert len(GRAPH) > 100


@pytest.mark.parametrize("module", sorted(m for m in GRAPH if m.startswith("homecare.core.")))
def test_core_imports_no_feature(module):
    allowed = ("homecare.core", "homecare.extensions")
    features = {m for m in GRAPH[module] if not m.startswith(allowed)}
    assert not features, f"{module} imports {sorted(features)}"


def _cycle_through(start: str) -> list[str] | None:
    """A path from ``start`` back to itself, if there is one (depth-first)."""
    stack, seen = [(start, [start])], set()
    while stack:
        node, path = stack.pop()
        for nxt in sorted(GRAPH[node]):
            if nxt == start:
                return [*path, start]
            if nxt not in seen:
                seen.add(nxt)
                stack.append((nxt, [*path, nxt]))
    return None


def test_no_import_cycle():
    # A package's __init__ importing its own submodules is how packages work, not a cycle.
    cycles = []
    for module in sorted(GRAPH):
        cycle = _cycle_through(module)
        if cycle and not all(step.startswith(cycle[0]) or cycle[0].startswith(step)
                             for step in cycle):
            cycles.append(" -> ".join(cycle))
    assert not cycles, "\n".join(cycles[:10])


@pytest.mark.parametrize("module", sorted(m for m in GRAPH if _package(m) in RECORDS))
def test_records_do_not_import_the_scheduler(module):
    assert not {m for m in GRAPH[module] if m.startswith("homecare.scheduler")}

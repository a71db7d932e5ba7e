"""Imports go one way: records.cli -> records.pipeline/publish -> scheduler, scrapers,
parsers, db -> records.core (docs/architecture.md).

Every import is walked: top-level, inside functions, and ``importlib.import_module`` calls
with a constant name, so a lazy import cannot hide a cycle.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PACKAGES = ("records", "db", "parsers", "scrapers", "scheduler")

#: Each layer and its rank: a module may import its own layer's package or a lower rank.
#: ``parsers.reading`` (reading PDFs) sits below every other parser folder: it imports no parser.
RANKS = {
    "records.core": 0,
    "parsers.reading": 1,
    "parsers": 2,
    "db": 2,
    "scrapers": 2,
    "scheduler": 2,
    "records.foia": 3,
    "records.pipeline": 4,
    "records.publish": 4,
    "records.demo": 5,
    "records.cli": 6,
}


def layer(module: str) -> str | None:
    parts = module.split(".")
    if parts[:2] == ["parsers", "reading"]:
        return "parsers.reading"
    if parts[0] == "records":
        return ".".join(parts[:2]) if len(parts) > 1 and f"records.{parts[1]}" in RANKS else None
    return parts[0] if parts[0] in RANKS else None


def module_name(path: Path) -> str:
    parts = list(path.relative_to(REPO).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imported_names(path: Path, module: str | None = None) -> list[tuple[int, str]]:
    """(line, module) for every import in the file, relative ones resolved."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    own = (module or module_name(path)).split(".")
    package = own if path.name == "__init__.py" else own[:-1]
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package[: len(package) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            found.append((node.lineno, base))
            # `from records import core` imports records.core.
            found += [(node.lineno, f"{base}.{alias.name}") for alias in node.names]
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "import_module"
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            found.append((node.lineno, node.args[0].value))
    return found


def project_files() -> list[Path]:
    return sorted(p for top in PACKAGES for p in (REPO / top).rglob("*.py"))


def edges() -> dict[tuple[str, str], list[str]]:
    """(from layer, to layer) -> the places that import across."""
    found: dict[tuple[str, str], list[str]] = defaultdict(list)
    for path in project_files():
        source = layer(module_name(path))
        if source is None:
            continue
        for line, name in imported_names(path):
            target = layer(name)
            if target is None or target == source:
                continue
            found[(source, target)].append(f"{path.relative_to(REPO)}:{line} imports {name}")
    return found


def test_every_project_module_has_a_layer() -> None:
    homeless = [
        str(p.relative_to(REPO))
        for p in project_files()
        if layer(module_name(p)) is None and p.name != "__init__.py"
    ]
    assert homeless == []


def test_no_import_against_the_direction_of_the_layers() -> None:
    backwards = [
        place
        for (source, target), places in edges().items()
        if RANKS[target] > RANKS[source]
        for place in places
    ]
    assert backwards == []


def test_no_cycle_between_packages() -> None:
    graph: dict[str, set[str]] = defaultdict(set)
    for source, target in edges():
        graph[source].add(target)
    cycles = []
    for start in list(graph):
        stack = [(start, [start])]
        seen: set[str] = set()
        while stack:
            node, trail = stack.pop()
            for nxt in graph.get(node, ()):
                if nxt == start:
                    cycles.append(" -> ".join([*trail, nxt]))
                elif nxt not in seen:
                    seen.add(nxt)
                    stack.append((nxt, [*trail, nxt]))
    assert cycles == []


def test_core_is_a_leaf() -> None:
    outward = [
        place
        for (source, _target), places in edges().items()
        if source == "records.core"
        for place in places
    ]
    assert outward == []


def test_the_walk_sees_every_kind_of_import(tmp_path: Path) -> None:
    # The walker must see what it reads, or the tests above could pass on nothing.
    probe = tmp_path / "probe.py"
    probe.write_text(
        "from records.cli.common import say\n"
        "from . import intake\n"
        "def later():\n"
        "    import parsers.registry\n"
        "    import importlib\n"
        "    importlib.import_module('scheduler.jobs')\n"
    )
    names = {name for _, name in imported_names(probe, "records.pipeline.probe")}
    assert {
        "records.cli.common",
        "records.pipeline.intake",
        "parsers.registry",
        "scheduler.jobs",
    } <= names


def project_module_names() -> set[str]:
    return {module_name(p) for p in project_files()}


def module_edges() -> dict[str, set[str]]:
    """Module -> the project modules it imports (at the top or inside a function)."""
    known = project_module_names()
    graph: dict[str, set[str]] = defaultdict(set)
    for path in project_files():
        source = module_name(path)
        for _line, name in imported_names(path):
            # `from parsers.reading import words` names parsers.reading.words; a package's
            # own __init__ is a module too, but importing it for a submodule is no loop.
            target = name if name in known else None
            if target is not None and target != source:
                graph[source].add(target)
    return graph


def find_cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected groups of more than one module (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in graph.get(node, ()):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return groups


def test_no_module_imports_another_around_a_loop() -> None:
    assert find_cycles(module_edges()) == []


def test_the_loop_finder_finds_a_loop() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert find_cycles(graph) == [["a", "b", "c"]]


def test_parsers_keeps_at_most_six_modules_at_its_top() -> None:
    top = sorted(p.name for p in (REPO / "parsers").glob("*.py") if p.name != "__init__.py")
    assert len(top) <= 6, top

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
RANKS = {
    "records.core": 0,
    "parsers": 1,
    "db": 1,
    "scrapers": 1,
    "scheduler": 1,
    "records.foia": 2,
    "records.pipeline": 3,
    "records.publish": 3,
    "records.demo": 4,
    "records.cli": 5,
}


def layer(module: str) -> str | None:
    parts = module.split(".")
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

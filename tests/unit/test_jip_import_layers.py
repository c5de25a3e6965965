"""The `jip` commands and the embedded stack import in one direction only (issue 23): no module of jip/ or
embedded/ is part of an import cycle (jip.scheduling and jip.evidence imported each other, one of them
inside a function), and embedded/ imports nothing from jip/, so the tests and benchmarks start the stack
without the command line."""

from __future__ import annotations

import ast
from graphlib import CycleError, TopologicalSorter
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parents[2]
PACKAGES = ("jip", "embedded")


def module_of(path: Path) -> str:
    parts = path.relative_to(REPOSITORY).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_of(p): p for package in PACKAGES for p in (REPOSITORY / package).rglob("*.py")}


def imported_at_load(module: str) -> set[str]:
    """The modules of jip/ and embedded/ that `module` imports, at its top or inside a function (a cycle
    hidden in a function is still one), with the packages they are in; but not the packages `module` is
    itself in: they are loaded already (`from embedded.demo import fieldwork` in embedded/demo/player.py
    loads only fieldwork)."""
    targets: set[str] = set()
    for node in ast.walk(ast.parse(MODULES[module].read_text())):
        if isinstance(node, ast.Import):
            targets.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            targets.add(node.module)
            targets.update(f"{node.module}.{alias.name}" for alias in node.names)
    found: set[str] = set()
    for target in targets:
        parts = target.split(".")
        found.update(".".join(parts[:n]) for n in range(1, len(parts) + 1))
    own = {".".join(module.split(".")[:n]) for n in range(1, module.count(".") + 2)}
    return {m for m in found if m in MODULES and m not in own}


def test_no_module_of_jip_or_the_embedded_stack_is_in_an_import_cycle() -> None:
    graph = {module: imported_at_load(module) for module in MODULES}
    assert "jip.commands.evidence" in graph["jip.commands.enquiries"]  # the graph sees the imports
    try:
        order = list(TopologicalSorter(graph).static_order())
    except CycleError as cycle:
        raise AssertionError(f"an import cycle: {' -> '.join(cycle.args[1])}") from None
    assert set(order) == set(MODULES)


def test_the_embedded_stack_imports_nothing_of_the_command_line() -> None:
    wrong = {
        module: sorted(m for m in imported_at_load(module) if m.split(".")[0] == "jip")
        for module in MODULES
        if module.startswith("embedded")
    }
    assert not {module: found for module, found in wrong.items() if found}

"""The code imports in one direction only (issue 23): no module is part of an import cycle (jip.scheduling and
jip.evidence once imported each other, one of them inside a function), and the layers hold:

- shared/ imports no service, no tool and nothing of the command line; within it, neither the platform's
  mechanics (shared/mechanics) nor the shared language (shared/language) imports the views several
  services keep (shared/views), which are built of both;
- a service imports no other service, and neither the command line nor the tooling;
- audit/ and tooling/ import nothing of the command line, and embedded/ nothing of it either, so the tests
  and benchmarks start the stack without it.

Imports inside functions count (a cycle hidden in a function is still one), relative ones too."""

from __future__ import annotations

import ast
from graphlib import CycleError, TopologicalSorter
from pathlib import Path

import pytest

REPOSITORY = Path(__file__).resolve().parents[2]
PACKAGES = ("shared", "services", "audit", "tooling", "jip", "embedded")


def module_of(path: Path) -> str:
    parts = path.relative_to(REPOSITORY).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_of(p): p for package in PACKAGES for p in (REPOSITORY / package).rglob("*.py")}


def imported(module: str) -> set[str]:
    """The first-party modules `module` imports, at its top or inside a function, with the packages they
    are in; but not the packages `module` is itself in: they are loaded already."""
    path = MODULES[module]
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    targets: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            targets.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, *([base] if base else [])])
            targets.add(base)
            targets.update(f"{base}.{alias.name}" for alias in node.names)
    found: set[str] = set()
    for target in targets:
        parts = target.split(".")
        found.update(".".join(parts[:n]) for n in range(1, len(parts) + 1))
    own = {".".join(module.split(".")[:n]) for n in range(1, module.count(".") + 2)}
    return {m for m in found if m in MODULES and m not in own}


GRAPH = {module: imported(module) for module in MODULES}


def test_no_module_is_in_an_import_cycle() -> None:
    assert "jip.commands.evidence" in GRAPH["jip.commands.enquiries"]  # the graph sees the imports
    assert "services.scheduling.handlers" in GRAPH["services.scheduling.routes.inspections"]  # relative ones
    try:
        order = list(TopologicalSorter(GRAPH).static_order())
    except CycleError as cycle:
        raise AssertionError(f"an import cycle: {' -> '.join(cycle.args[1])}") from None
    assert set(order) == set(MODULES)


def _crossing(importer: str, forbidden: set[str]) -> dict[str, list[str]]:
    return {
        module: sorted(m for m in found if m.split(".")[0] in forbidden)
        for module, found in GRAPH.items()
        if module.split(".")[0] == importer and any(m.split(".")[0] in forbidden for m in found)
    }


@pytest.mark.parametrize(
    ("importer", "forbidden"),
    [
        ("shared", {"services", "audit", "tooling", "jip", "embedded"}),
        ("audit", {"tooling", "jip", "embedded"}),
        ("tooling", {"jip", "embedded"}),
        ("embedded", {"jip", "tooling"}),
    ],
)
def test_each_layer_imports_only_the_layers_beneath_it(importer: str, forbidden: set[str]) -> None:
    assert _crossing(importer, forbidden) == {}


def test_the_mechanics_and_the_language_import_none_of_the_views_built_of_them() -> None:
    wrong = {
        module: sorted(m for m in found if m.startswith("shared.views"))
        for module, found in GRAPH.items()
        if module.startswith(("shared.mechanics", "shared.language"))
        and any(m.startswith("shared.views") for m in found)
    }
    assert any(m.startswith("shared.views.") for m in MODULES)  # the packages are there to be checked
    assert wrong == {}


def test_a_service_imports_no_other_service_nor_the_command_line_nor_the_tooling() -> None:
    wrong = {}
    for module, found in GRAPH.items():
        parts = module.split(".")
        if parts[0] != "services" or len(parts) < 2:
            continue
        crossing = [
            m
            for m in found
            if m.split(".")[0] in {"jip", "embedded", "tooling"}
            or (m.startswith("services.") and m.split(".")[1] != parts[1] and m.count(".") >= 1)
        ]
        if crossing:
            wrong[module] = sorted(crossing)
    assert wrong == {}
